"""Run lessons start to end the way a lecturer with a clicker does: real X key events only.

    xvfb-run -a -s "-screen 0 1024x768x24" .venv/bin/python tools/clicker_walk.py 02 08 10 12

For each lesson (by number) it opens the app on that lesson file, then sends keys with xdotool
(through the X server, as a clicker's USB keyboard does): F5 (a clicker's "present" button) to
present, then per step P to play a training step and P again after TRAIN_MS, B twice on the
first step (blank, back), PageUp and PageDown once on the first scene that steps (and asks no
unanswered quiz: there PageDown reveals the answer and the scene's end), and PageDown
until the next step; Esc at the end. It prints the key sequence (PageDown×7 is seven presses)
and checks what a lecturer would see: every step shown in order, training that trained, the
blank screen that held the lesson still, and the last step reached. Exit status 1 on a failure.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session
from gradlab.state.train.run import TrainingRun

KEY_MS = 150
"""Time for a key's effect (a step change builds a scene) before the next key."""
TRAIN_MS = 3000
MAX_PRESSES = 1000
Action = tuple[str, int]
"""An X key name for xdotool and the time to wait after it ("" only waits)."""


class Walk:
    """Drives one lesson in `window` with keys and records what happened."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.session = window.session
        self.keys: list[str] = []
        self.problems: list[str] = []
        self.shown: list[int] = []

    def run(self) -> Iterator[Action]:
        entry = self.session.entry
        assert entry is not None
        yield "F5", 600
        if not self.window.presentation.active:
            self.problems.append("F5 did not start presenting")
        demo_back = True
        for _ in range(MAX_PRESSES):
            step = self.session.step_index
            if not self.shown or self.shown[-1] != step:
                self.shown.append(step)
                yield from self.on_new_step(step)
            cursor = self.window.clicker_cursor()
            quiz = self.window.step_panel.quiz
            # on an unanswered quiz PageDown reveals the answer and shows the scene's end: the
            # back-and-forth is shown on the first scene that steps without one
            asking = quiz is not None and not quiz.is_solved
            if demo_back and cursor is not None and not cursor.at_end and not asking:
                demo_back = False
                before = cursor.position
                yield "Next", KEY_MS
                yield "Prior", KEY_MS
                if cursor.position != before:
                    self.problems.append("PageDown, PageUp did not come back to the same place")
            if step == entry.step_count - 1 and self.at_rest():
                break
            yield "Next", KEY_MS
        yield "Escape", 600
        if self.window.presentation.active:
            self.problems.append("Esc did not leave presentation mode")
        if self.shown != list(range(entry.step_count)):
            self.problems.append(f"steps shown {self.shown}, not each once in order")

    def at_rest(self) -> bool:
        """Nothing more for next to do on the last step: the quiz answered, the scene done."""
        quiz = self.window.step_panel.quiz
        cursor = self.window.clicker_cursor()
        return (quiz is None or quiz.is_solved) and (cursor is None or cursor.at_end)

    def on_new_step(self, step: int) -> Iterator[Action]:
        if step == 0:
            cursor = self.window.scene_cursor()
            before = None if cursor is None else cursor.position
            yield "b", 300
            if not self.window.presentation.blanked:
                self.problems.append("B did not blank the screen")
            yield "Next", KEY_MS  # a key on the blank screen only brings the lesson back
            if self.window.presentation.blanked or self.session.step_index != step:
                self.problems.append("a key on the blank screen did more than unblank")
            if cursor is not None and cursor.position != before:
                self.problems.append("the scene moved on while the screen was blank")
        run = getattr(self.window.view, "run", None)
        if isinstance(run, TrainingRun):
            yield "p", TRAIN_MS
            yield "p", 400
            if run.steps_done == 0:
                self.problems.append(f"step {step + 1}: P did not train")

    def summary(self) -> str:
        """The keys, runs of one key written key×n."""
        runs: list[list[object]] = []
        for key in self.keys:
            if runs and runs[-1][0] == key:
                runs[-1][1] = int(str(runs[-1][1])) + 1
            else:
                runs.append([key, 1])
        names = {"Next": "PageDown", "Prior": "PageUp", "Escape": "Esc", "b": "B", "p": "P"}
        return " ".join(
            f"{names.get(str(k), str(k))}{'×' + str(n) if int(str(n)) > 1 else ''}" for k, n in runs
        )


def x_window(title: str) -> str:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return found.stdout.split()[0]


def walk_lesson(app: QApplication, path: Path) -> Walk:
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "gradlab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session([path]), settings)
    window.setWindowTitle(f"gradlab walk {path.stem}")
    window.show()
    window.session.open_lesson(0)
    walk = Walk(window)
    actions = walk.run()

    def next_action() -> None:
        try:
            key, wait = next(actions)
        except StopIteration:
            window.close()
            app.quit()
            return
        if key:
            target = x_window(window.windowTitle())
            subprocess.run(["xdotool", "windowfocus", "--sync", target], check=True)
            subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)
            walk.keys.append(key)
        QTimer.singleShot(wait, next_action)

    QTimer.singleShot(1000, next_action)
    app.exec()
    return walk


def main(argv: list[str]) -> int:
    app = QApplication(sys.argv[:1])
    failed = False
    for number in argv or ["02", "08", "10", "12"]:
        path = next(lessons_folder().glob(f"{number}-*.toml"))
        walk = walk_lesson(app, path)
        print(f"{path.stem}: steps {[s + 1 for s in walk.shown]}")
        print(f"  keys: {walk.summary()}")
        for problem in walk.problems:
            print(f"  PROBLEM: {problem}")
        failed = failed or bool(walk.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
