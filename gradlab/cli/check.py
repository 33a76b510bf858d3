"""`gradlab check [PATH...]`: validate lesson files and build every step headless.

Each PATH is a lesson file or a folder of ``NN-slug.toml`` files (default: GRADLAB_LESSONS or the
repository's lessons/). Prints one line per lesson; exit status 0 when all pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradlab.lessons import Lesson, LessonError, discover, lessons_folder, load_lesson
from gradlab.state.quiz import QuizState
from gradlab.state.session import build_scene


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="validate lesson files and build every step",
        description="Validate lesson files and build every step headless (exit 1 on problems).",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="lesson files or folders"
    )
    parser.set_defaults(run=run)


def lesson_files(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to their lesson files, in order."""
    files: list[Path] = []
    for path in paths or [lessons_folder()]:
        files.extend(discover(path) if path.is_dir() else [path])
    return files


def build_steps(lesson: Lesson) -> None:
    """Build every step's scene and quiz, as the app would; raises on the first failure."""
    for index, step in enumerate(lesson.steps):
        try:
            if step.scene is not None:
                build_scene(step.scene)
            if step.quiz is not None:
                QuizState(step.quiz, step)
        except Exception as err:
            raise RuntimeError(f"step {index + 1} does not build: {err}") from err


def check_file(path: Path) -> str | None:
    """None if the lesson loads and builds, else the problem in words."""
    try:
        lesson = load_lesson(path)
        build_steps(lesson)
    except LessonError as err:
        return str(err)
    except RuntimeError as err:
        return f"{path}, {err}"
    return None


def run(args: argparse.Namespace) -> int:
    files = lesson_files(list(args.paths))
    if not files:
        print("gradlab check: no lesson files found", file=sys.stderr)
        return 1
    failed = 0
    for path in files:
        problem = check_file(path)
        if problem is None:
            print(f"ok    {path}")
        else:
            failed += 1
            print(f"FAIL  {problem}")
    print(f"{len(files) - failed} of {len(files)} lessons ok")
    return 1 if failed else 0
