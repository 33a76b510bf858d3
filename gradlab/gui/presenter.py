"""`PresenterView`: the lecturer's own window while presenting on a second screen.

As in a slide program's presenter view, the audience sees the lesson full screen on the
projector while the lecturer's screen shows the step's notes (its text, and a quiz's answer for
the lecturer alone), what comes next, whether the audience screen is blank, and a clock of the
time spent presenting. The clicker's keys work here too (see `ClickerKeys`).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradlab.gui.plain_text import plain_label
from gradlab.gui.step_panel import LessonText
from gradlab.gui.theme import Theme, palette
from gradlab.gui.typography import PRESENTER_CLOCK, PRESENTER_NOTES, STEP_HEADER

TICK_MS = 1000


def clock_text(seconds: float) -> str:
    """Elapsed time as a presenter reads it: "4:05", "1:02:03"."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class PresenterView(QWidget):
    """Now, the notes, next, and the clock; `show_step` updates it at every step."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("gradlab: presenter view")
        # lesson text, so the step panel's rules: plain-text titles, images only from the
        # lesson's own files (a FIFO named by a lesson would otherwise hang the window)
        self.now = plain_label()
        self.now.setWordWrap(True)
        self.notes = LessonText()  # it takes no keys either: they belong to the lesson
        self.answer = plain_label()
        self.answer.setWordWrap(True)
        self.next = plain_label()
        self.next.setWordWrap(True)
        self.screen_state = plain_label()
        self.clock = plain_label()
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.answer)
        layout.addWidget(self.next)
        layout.addWidget(self.screen_state)
        layout.addWidget(self.clock)
        self._started = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.apply_theme(theme)
        self.set_blanked(False)
        self._tick()

    def show_step(
        self, lesson_path: Path | None, now: str, notes: str, answer: str | None, following: str
    ) -> None:
        """The step on the audience screen, its notes, a quiz's answer, and what comes next."""
        self.now.setText(now)
        self.notes.show_markdown(lesson_path, notes)
        self.answer.setText(f"Quiz answer: {answer}" if answer is not None else "")
        self.answer.setVisible(answer is not None)
        self.next.setText(f"Next: {following}")

    def set_blanked(self, blanked: bool) -> None:
        self.screen_state.setText(
            "The audience screen is blank: any key brings it back."
            if blanked
            else "The audience sees the lesson."
        )

    def restart_clock(self) -> None:
        self._started = time.monotonic()
        self._tick()

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def _tick(self) -> None:
        self.clock.setText(clock_text(self.elapsed()))

    def apply_theme(self, theme: Theme) -> None:
        self.setPalette(palette(theme))
        self.setAutoFillBackground(True)
        header = STEP_HEADER.font(theme, self.font())
        header.setBold(True)
        self.now.setFont(header)
        notes = PRESENTER_NOTES.font(theme, self.font())
        self.notes.setFont(notes)
        self.notes.document().setDefaultFont(notes)
        for label in (self.answer, self.next, self.screen_state):
            label.setFont(notes)
        self.answer.setStyleSheet(f"color: {theme.good}; font-weight: bold;")
        self.screen_state.setStyleSheet(f"color: {theme.muted};")
        clock = PRESENTER_CLOCK.font(theme, self.font())
        clock.setBold(True)
        self.clock.setFont(clock)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.restart_clock()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()
