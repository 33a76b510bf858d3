"""`python -m gradlab.cli`, the same as the `gradlab` command."""

import sys

from gradlab.cli import main

sys.exit(main())
