"""`gradlab app [--lessons FOLDER]` (and `gradlab` alone): open the app on the first lesson."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    from gradlab.gui.app import main  # noqa: PLC0415 - Qt loads only when a window opens

    return main([sys.argv[0]], folder=folder)
