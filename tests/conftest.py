"""Shared test setup: Qt runs offscreen unless a display platform was chosen explicitly, and
`make test` runs Hypothesis derandomized (profile "ci"), so one seed cannot fail one run and not
the next; a plain `pytest` explores new examples."""

from __future__ import annotations

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
