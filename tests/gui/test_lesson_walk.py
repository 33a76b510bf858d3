"""Every step of every lesson, looked at as a user looks: at 1024×768 (normal and presentation)
and 1920×1080 presentation, on a screen of that size. See lesson_walk.py for what is checked.

Each screen runs in its own process (the offscreen platform takes its screen size when it
starts); the three run at once and report per lesson, so one broken lesson does not hide the
others, and a crash costs only the lesson it happened in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradlab.lessons import discover, lessons_folder

pytestmark = pytest.mark.gui

WALKER = Path(__file__).with_name("lesson_walk.py")
SCREENS = {
    "1024×768": (1024, 768, False),
    "1024×768 presenting": (1024, 768, True),
    "1920×1080 presenting": (1920, 1080, True),
}
LESSONS = discover(lessons_folder())
WALK_SECONDS = 600


def screen_file(folder: Path, width: int, height: int) -> Path:
    path = folder / f"screen-{width}x{height}.json"
    screen = {"name": "walk", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    path.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return path


def start(folder: Path, screen: str, stems: list[str]) -> subprocess.Popen[str]:
    width, height, present = SCREENS[screen]
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen_file(folder, width, height)}"
    command = [sys.executable, str(WALKER), *stems] + (["--present"] if present else [])
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture(scope="module")
def walks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Screen -> lesson stem -> the problems seen. A walk that crashes is restarted after the
    lesson it crashed in, which is reported with the crash."""
    folder = tmp_path_factory.mktemp("screens")
    stems = [path.stem for path in LESSONS]
    found: dict[str, dict[str, list[str]]] = {screen: {} for screen in SCREENS}
    todo = {screen: list(stems) for screen in SCREENS}
    while any(todo.values()):
        running = {screen: start(folder, screen, left) for screen, left in todo.items() if left}
        for screen, process in running.items():
            out, err = process.communicate(timeout=WALK_SECONDS)
            for line in out.splitlines():
                record = json.loads(line)
                found[screen][record["lesson"]] = record["problems"]
            left = [stem for stem in todo[screen] if stem not in found[screen]]
            if left and process.returncode != 0:
                crashed = left.pop(0)
                tail = err.strip().splitlines()[-3:]
                found[screen][crashed] = [f"the walk crashed ({process.returncode}): {tail}"]
            elif left:
                found[screen].update({stem: ["the walk ended early"] for stem in left})
                left = []
            todo[screen] = left
    return found


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_every_step_fits_plays_and_keeps_its_answer(
    path: Path, walks: dict[str, dict[str, list[str]]]
) -> None:
    problems = [
        f"{screen}: {problem}"
        for screen, lessons in walks.items()
        for problem in lessons.get(path.stem, ["not walked"])
    ]
    assert problems == []
