"""`gradlab lesson PATH`: open the app on one lesson file (for authors writing a lesson)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradlab.cli.app import open_app


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "lesson",
        help="open the app on one lesson file",
        description="Open the app on one lesson file; it reloads when the file is saved.",
    )
    parser.add_argument("path", type=Path, help="a lesson .toml file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.is_file():
        print(f"gradlab lesson: {path} is not a file", file=sys.stderr)
        return 2
    return open_app(lesson=path)
