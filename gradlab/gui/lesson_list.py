"""`LessonList`: the lessons on offer, in order; a broken lesson is marked and says why."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from gradlab.gui.plain_text import rich_text_of
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.gui.typography import LESSON_LIST
from gradlab.state.session import LessonEntry


class LessonList(QListWidget):
    """One row per lesson file; choosing a row emits `lesson_chosen` with its index."""

    lesson_chosen = Signal(int)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._broken: list[bool] = []
        self.setMinimumWidth(220)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(2)
        self.currentRowChanged.connect(self._on_row_changed)

    def keyboardSearch(self, search: str) -> None:
        """No type-ahead: a letter is a window shortcut (P plays, B blanks), and one that is
        off at the moment (B outside presentation mode) must not jump to another lesson."""
        del search

    def set_entries(self, entries: Sequence[LessonEntry], current: int) -> None:
        with signals_blocked(self):
            self.clear()
            self._broken = [entry.error is not None for entry in entries]
            for entry in entries:
                item = QListWidgetItem(("⚠ " if entry.error else "") + entry.title)
                lesson = entry.lesson
                tip = str(entry.error) if entry.error else (lesson.summary if lesson else "")
                item.setToolTip(rich_text_of(tip) if tip else "")
                self.addItem(item)
            self.setCurrentRow(current)
        self.apply_theme(self._theme)

    def set_current(self, index: int) -> None:
        with signals_blocked(self):
            self.setCurrentRow(index)

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.lesson_chosen.emit(row)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.setFont(LESSON_LIST.font(theme, self.font()))
        for row, broken in enumerate(self._broken):
            item = self.item(row)
            item.setForeground(QColor(theme.bad if broken else theme.text))
