"""How long until the app's window is on screen and painted, from a fresh interpreter.

A child process imports the app as `gradlab` does (through the CLI package, with its BLAS
setting), builds the main window on the bundled lessons and shows it; at the window's first paint
it reports the time since the parent launched it, then quits. Goal (issue 4): under 2 s.
Run: ``python -m benchmarks.startup``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

REPEATS = 5
CHILD = """
import os, sys, time
import gradlab.cli
import tempfile
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
from gradlab.gui.app import make_session
from gradlab.gui.main_window import MainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time() - float(os.environ["LAUNCHED_AT"]), flush=True)
            os._exit(0)  # measured: skip the teardown
        return False

app = QApplication([])
settings = QSettings(str(Path(tempfile.mkdtemp()) / "g.ini"), QSettings.Format.IniFormat)
window = MainWindow(make_session(None, None, settings), settings, defer_open=True)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""


def main() -> None:
    times = []
    for _ in range(REPEATS):
        env = dict(os.environ, LAUNCHED_AT=repr(time.time()))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        out = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, check=True, capture_output=True, text=True
        )
        times.append(float(out.stdout.split()[0]))
    print(
        f"Launch to window painted: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s over {REPEATS} launches (goal: under 2 s)"
    )


if __name__ == "__main__":
    main()
