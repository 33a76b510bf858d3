"""Screenshots of the real window on a real (virtual) X screen, for looking at with your eyes.

Run under Xvfb: ``make screenshots`` runs this on a 1024×768 screen (a classroom projector: the
window as a student's laptop shows it, and presentation mode) and on a 1920×1080 one
(presentation mode). For each chosen lesson step it opens the main window, lets it settle (or
trains the step's run for a while with the play key), and saves what the screen shows to
screenshots/<stem>-<width>x<height>-<window|presentation>.png. The chosen steps are the worst
cases: the largest scene of each lab, a quiz of each kind, the multi-channel convolution.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

OUT = Path("screenshots")
SHOTS: list[tuple[str, str, int, int | str | None]] = [
    # (file stem, lesson file, lesson step, scene position: "end", a number of steps, None for
    # where the lesson opens it, or "train" to press play and train for TRAIN_MS first)
    ("chain-rule-quiz", "02-chain-rule.toml", 2, None),
    ("chain-rule", "02-chain-rule.toml", 3, 7),
    ("activations", "04-activation-functions.toml", 0, 0),
    ("convolution", "10-convolution.toml", 0, 9),
    ("convolution-quiz", "10-convolution.toml", 12, None),
    ("channels", "10-convolution.toml", 8, 9),
    ("pooling", "11-pooling.toml", 0, "end"),
    ("spiral-training", "08-multilayer-perceptrons.toml", 5, "train"),
    ("deep-sigmoid", "14-vanishing-gradients.toml", 4, "train"),
    ("mnist-training", "12-mnist-cnn.toml", 5, "train"),
]
SETTLE_MS = 1500
TRAIN_MS = 8000
PAUSE_MS = 600
"""Time for the views to redraw once more after a run is paused."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--windowed", action="store_true", help="also shoot the normal window")
    parser.add_argument("stems", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    OUT.mkdir(exist_ok=True)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "gradlab.ini"), QSettings.Format.IniFormat)
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    window.show()
    window.activateWindow()  # no window manager on Xvfb: the keys go to the active window
    screen = app.primaryScreen().size()
    size = f"{screen.width()}x{screen.height()}"
    modes = (False, True) if args.windowed else (True,)
    queue = [
        (stem, file, step, at, present)
        for present in modes
        for stem, file, step, at in SHOTS
        if not args.stems or stem in args.stems
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
        window.activateWindow()
        if at == "train":
            QTest.keyClick(window.windowHandle(), Qt.Key.Key_P)  # play, as a lecturer would
            wait = TRAIN_MS
        elif cursor is not None and at is not None:
            cursor.seek(cursor.length if at == "end" else int(at))

        def pause() -> None:
            if at == "train" and window.transport.is_playing:  # a finished run would go on
                QTest.keyClick(window.windowHandle(), Qt.Key.Key_P)
            QTimer.singleShot(PAUSE_MS, grab)

        def grab() -> None:
            name = f"{stem}-{size}-{'presentation' if present else 'window'}.png"
            app.primaryScreen().grabWindow(0).save(str(OUT / name))
            frame = window.frameGeometry()
            print(f"saved {OUT / name} (window {frame.width()}×{frame.height()})")
            take_next()

        QTimer.singleShot(wait, pause)

    QTimer.singleShot(SETTLE_MS, take_next)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
