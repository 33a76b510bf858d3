"""How long until the app's window is on screen, measured from a fresh interpreter.

A child process imports the app as `gradlab` does (through the CLI package, with its BLAS
setting), builds the main window on the bundled lessons and shows it; as soon as the event loop
runs (the window is up) it reports and quits. The parent times the whole child, interpreter
start included. Goal (issue 4): under 2 s. Run: ``python -m benchmarks.startup``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

REPEATS = 5
CHILD = """
import gradlab.cli
import tempfile
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from gradlab.gui.app import make_session
from gradlab.gui.main_window import MainWindow
app = QApplication([])
settings = QSettings(str(Path(tempfile.mkdtemp()) / "g.ini"), QSettings.Format.IniFormat)
window = MainWindow(make_session(None, None, settings), settings, defer_open=True)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", CHILD], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    print(
        f"Launch to window shown: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s over {REPEATS} launches (goal: under 2 s)"
    )


if __name__ == "__main__":
    main()
