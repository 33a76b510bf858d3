"""Screenshots of the real window on a real (virtual) X screen, for looking at with your eyes.

Run under Xvfb: ``make screenshots`` (which calls ``xvfb-run``). For each chosen lesson step it
opens the main window, lets it settle (or trains the step's run for a while), and saves what the
screen shows, in normal mode at 1600×900 and in presentation mode full screen at 1920×1080, to
screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gradlab.gui.main_window import MainWindow
from gradlab.gui.train.lab import TrainLab
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

OUT = Path("screenshots")
SHOTS: list[tuple[str, str, int, int | str]] = [
    # (file stem, lesson file, lesson step, scene position: "end", a number of steps, or
    # "train" to train for TRAIN_MS first)
    ("chain-rule", "02-chain-rule.toml", 3, 7),
    ("activations", "04-activation-functions.toml", 0, 0),
    ("convolution", "10-convolution.toml", 1, 9),
    ("pooling", "11-pooling.toml", 0, "end"),
    ("mnist-cnn", "12-mnist-cnn.toml", 0, 0),
    ("spiral-training", "08-multilayer-perceptrons.toml", 5, "train"),
    ("mnist-training", "12-mnist-cnn.toml", 5, "train"),
]
SETTLE_MS = 2000
TRAIN_MS = 12000
PAUSE_MS = 600
"""Time for the views to redraw once more after a run is paused."""


def main() -> int:
    app = QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "gradlab.ini"), QSettings.Format.IniFormat)
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    window.resize(1600, 900)
    window.show()
    queue = [
        (stem, file, step, at, present)
        for stem, file, step, at in SHOTS
        for present in (False, True)
    ]

    def take_next() -> None:
        if not queue:
            app.quit()
            return
        stem, file, step, at, present = queue.pop(0)
        index = next(i for i, e in enumerate(session.entries) if e.path.name == file)
        window.set_presentation(present)
        session.open_lesson(index, step)
        cursor = window.scene_cursor()
        wait = SETTLE_MS
        if at == "train" and isinstance(window.view, TrainLab):
            window.view.driver.start()
            wait = TRAIN_MS
        elif cursor is not None:
            cursor.seek(cursor.length if at == "end" else int(at))

        def pause() -> None:
            if isinstance(window.view, TrainLab):
                window.view.driver.pause()
            QTimer.singleShot(PAUSE_MS, grab)

        def grab() -> None:
            name = f"{stem}-{'presentation' if present else 'window'}.png"
            screen = app.primaryScreen()
            screen.grabWindow(0).save(str(OUT / name))
            print(f"saved {OUT / name}")
            take_next()

        QTimer.singleShot(wait, pause)

    QTimer.singleShot(SETTLE_MS, take_next)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
