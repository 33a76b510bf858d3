"""`gradlab`: the app, and the command-line tools beside it.

`gradlab` alone opens the app; `gradlab trace`, `gradlab check`, ... are subcommands, one module
each, registered below. Bad input gives a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import os

# Before NumPy loads: BLAS threads spinning beside the GUI thread fight it for the cores
# (measured: a small matmul 75x slower, repaints starved). One thread; the training worker
# process inherits the setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
from collections.abc import Sequence

from gradlab.cli import app, check, lesson, trace, train


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradlab", description="Watch neural networks learn. Without a command: open the app."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    app.register(commands)
    lesson.register(commands)
    trace.register(commands)
    check.register(commands)
    train.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return app.run(args)
    status: int = args.run(args)
    return status
