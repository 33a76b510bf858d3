"""`gradlab`: the app, and the command-line tools beside it.

`gradlab` alone opens the app; `gradlab trace`, `gradlab draw`, `gradlab check`, ... are
subcommands, one module each, registered below; `gradlab --version` prints the version. Bad
input gives a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from gradlab.nn.blas import one_blas_thread

# The command line is an entry point: its process is ours to set up. One BLAS thread, chosen
# before the commands below load NumPy: BLAS threads spinning beside the GUI thread fight it for
# the cores (see gradlab.nn.blas). The training worker process inherits the setting.
one_blas_thread()

from gradlab import __version__  # noqa: E402 - loads no NumPy (gradlab._lazy)
from gradlab.cli import app, check, draw, lesson, trace, train  # noqa: E402 - NumPy loads now


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradlab", description="Watch neural networks learn. Without a command: open the app."
    )
    parser.add_argument("--version", action="version", version=f"gradlab {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    app.register(commands)
    lesson.register(commands)
    trace.register(commands)
    draw.register(commands)
    check.register(commands)
    train.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return app.run(args)
    status: int = args.run(args)
    return status
