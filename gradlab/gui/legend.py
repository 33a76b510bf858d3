"""`Legend`: a plot's legend as a line of text beside the plot, never over its data.

pyqtgraph draws its legend inside the plot, where it hid the newest part of a training curve and
the left end of a function, all the more in presentation mode's large type. This one is a
word-wrapped label: a short line in each curve's colour (dashed for a dashed curve), then its
name. Lines break between entries, never inside one ("test" above "(epoch)" read as two curves).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtWidgets import QLabel, QWidget

from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.typography import FontRole


class Entry(NamedTuple):
    name: str
    color: ColorField
    dashed: bool = False


class Legend(QLabel):
    """A row of (mark, name) entries in the theme's colours, at `role`'s size."""

    def __init__(self, role: FontRole, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.setWordWrap(True)
        self.entries: list[Entry] = []
        self._theme: Theme | None = None

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._render()

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.setFont(self.role.font(theme, self.font()))
        self._render()

    def _render(self) -> None:
        theme = self._theme
        if theme is None:
            return
        marks = [
            f"<span style='color:{theme.color(entry.color).name()}'>"
            f"{'╍╍' if entry.dashed else '━━'}</span>&nbsp;{_unbroken(entry.name)}"
            for entry in self.entries
        ]
        self.setText(f"<span style='color:{theme.text}'>{' &nbsp; '.join(marks)}</span>")


def _unbroken(name: str) -> str:
    """A name as HTML that a wrapping label keeps on one line."""
    return html.escape(name).replace(" ", "&nbsp;")
