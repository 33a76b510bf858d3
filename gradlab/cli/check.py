"""`gradlab check [PATH...]`: validate lesson files and build every step headless.

Each PATH is a lesson file or a folder of ``NN-slug.toml`` files (default: GRADLAB_LESSONS or the
lessons shipped with gradlab). Prints one line per lesson; exit status 0 when all pass, 1 otherwise.
A lesson passes when it loads, every image and link it names would load in the app
(`gradlab.lessons.resources`), and every step builds as the app builds it; whatever is wrong with
one file, the others are still checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradlab.lessons import (
    Lesson,
    LessonError,
    discover,
    lessons_folder,
    parse_lesson,
    read_lesson_file,
    resource_problems,
)
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


def lesson_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files, empty folders): files as given, folders expanded to their lesson files in order.

    A path named like a lesson (``*.toml``) is a file even when it is a folder, so the loader
    says what it is instead of it being searched for lessons.
    """
    files: list[Path] = []
    empty: list[Path] = []
    for path in paths or [lessons_folder()]:
        if path.is_dir() and path.suffix != ".toml":
            found = discover(path)
            files.extend(found)
            if not found:
                empty.append(path)
        else:
            files.append(path)
    return files, empty


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
    """None if the lesson loads, its resources load and it builds, else the problem in words."""
    try:
        data = read_lesson_file(path)
        lesson = parse_lesson(data, path)
        problems = resource_problems(lesson, path, data.decode("utf-8"))
        if problems:
            raise LessonError(path, problems)
        build_steps(lesson)
    except LessonError as err:
        return str(err)
    except RuntimeError as err:
        return f"{path}, {err}"
    except Exception as err:  # one file must never stop the check of the others
        return f"{path}, could not be checked: {type(err).__name__}: {err}"
    return None


def run(args: argparse.Namespace) -> int:
    files, empty = lesson_files(list(args.paths))
    for folder in empty:
        print(f"gradlab check: no NN-name.toml lesson files in {folder}", file=sys.stderr)
    if not files:
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
    return 1 if failed or empty else 0
