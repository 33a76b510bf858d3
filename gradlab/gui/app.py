"""`main()`: start the Qt application and show the main window on the first (or given) lesson.

An exception in any slot goes to `ErrorReporter`, which shows it in a dialog and keeps the app
running: a teacher mid-lecture must never lose the window to a bug.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

ORGANIZATION = "gradlab"
APPLICATION = "gradlab"


class ErrorReporter(QObject):
    """sys.excepthook replacement: print the traceback and show it in a non-blocking dialog."""

    reported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.dialog: QMessageBox | None = None
        self.messages: list[str] = []
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        details = "".join(traceback.format_exception(kind, error, trace))
        sys.stderr.write(details)
        message = f"{kind.__name__}: {error}"
        self.messages.append(message)
        if self.dialog is None:
            self.dialog = QMessageBox(self.parent_widget)
            self.dialog.setIcon(QMessageBox.Icon.Warning)
            self.dialog.setWindowTitle("gradlab hit a problem")
            self.dialog.setTextFormat(Qt.TextFormat.PlainText)  # messages quote lesson text
        self.dialog.setText(f"Something went wrong, but gradlab keeps running.\n\n{message}")
        self.dialog.setDetailedText(details)
        self.dialog.open()  # non-blocking: the event loop, and the lecture, go on
        self.reported.emit(message)


def make_session(lesson: Path | str | None, folder: Path | None, settings: QSettings) -> Session:
    """One lesson file, or the lessons of a folder: `folder`, else GRADLAB_LESSONS, else the
    folder picked last time in the app, else the lessons shipped with gradlab."""
    if lesson is not None:
        return Session([Path(lesson)])
    if folder is None and not os.environ.get("GRADLAB_LESSONS"):
        saved = Path(str(settings.value("lessons/folder", "") or ""))
        folder = saved if str(saved) not in {"", "."} and saved.is_dir() else None
    return Session.from_folder(folder or lessons_folder())


def main(
    argv: Sequence[str] | None = None,
    lesson: Path | str | None = None,
    folder: Path | None = None,
) -> int:
    """Run the app until its window closes; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or sys.argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    settings = QSettings(ORGANIZATION, APPLICATION)
    window = MainWindow(make_session(lesson, folder, settings), settings, defer_open=True)
    reporter = ErrorReporter(window)
    reporter.install()
    window.show()
    # what start-up made (Qt's wrappers, the modules) lives as long as the app: left out of
    # Python's full collections, one takes milliseconds instead of 170 ms (measured), and the
    # window is not held while someone types
    gc.freeze()
    try:
        return app.exec()
    finally:
        reporter.uninstall()
