"""`gradlab app [--lessons FOLDER]` (and `gradlab` alone): open the app on the first lesson."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradlab.cli import qt_platform
from gradlab.nn.memory import keep_freed_memory


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "app",
        help="open the app (the default without a command)",
        description="Open the app on the first lesson.",
    )
    parser.add_argument(
        "--lessons", type=Path, metavar="FOLDER", help="read lessons from FOLDER instead"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    folder: Path | None = getattr(args, "lessons", None)
    if folder is not None and not folder.is_dir():
        print(f"gradlab app: {folder} is not a folder", file=sys.stderr)
        return 2
    return open_app(folder=folder)


def open_app(*, lesson: Path | None = None, folder: Path | None = None) -> int:
    """Run the app (`gradlab.gui.app.main`) in this process, set up for it first; when Qt could
    not open a window here, say which system libraries are missing instead (status 1)."""
    problem = qt_platform.problem()
    if problem is not None:
        print(f"gradlab: {problem}", file=sys.stderr)
        return 1
    # The app's process computes with large arrays over and over (every run's step-0 test
    # evaluation, the frames, runs trained in-process): glibc keeps freed blocks for reuse
    # instead of page-faulting them in again (see gradlab.nn.memory). The training worker's
    # process makes the same choice in its own main.
    keep_freed_memory()
    from gradlab.gui.app import main  # noqa: PLC0415 - Qt loads only when a window opens

    return main([sys.argv[0]], lesson=lesson, folder=folder)
