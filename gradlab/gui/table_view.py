"""`TableView`: a lesson's table of numbers or words, read-only."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradlab.engine.numbers import format_number
from gradlab.gui.plain_text import plain_label
from gradlab.gui.scene_view import SceneView
from gradlab.gui.theme import Theme
from gradlab.gui.typography import TABLE
from gradlab.lessons import TableScene


def cell_text(cell: str | int | float) -> str:
    return cell if isinstance(cell, str) else format_number(float(cell))


BREAKS = re.compile(r"[^\s-]*-|[^\s-]+")
"""A title's unbreakable pieces: words, split after their hyphens."""
SMALLEST_TITLE = 0.6
"""Titles shrink to fit their columns down to this share of the table's font, no further."""


def pieces(title: str) -> list[str]:
    return BREAKS.findall(title)


def wrapped(title: str, metrics: QFontMetrics, width: int) -> str:
    """The title broken into lines at spaces and after hyphens so each fits `width` (a piece
    wider than the column stays whole)."""
    lines: list[str] = []
    for piece in pieces(title):
        glue = "" if lines and lines[-1].endswith("-") else " "
        joined = f"{lines[-1]}{glue}{piece}" if lines else piece
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(piece)
    return "\n".join(lines)


class TableView(SceneView):
    """The table, columns stretched to the width; numbers right-aligned."""

    def __init__(self, scene: TableScene, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.titles = list(scene.columns)
        self.table = QTableWidget(len(scene.rows), len(scene.columns))
        self.table.setHorizontalHeaderLabels(self.titles)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().installEventFilter(self)
        for r, row in enumerate(scene.rows):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell_text(cell))
                if not isinstance(cell, str):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.caption = plain_label(scene.caption)
        self.caption.setWordWrap(True)
        self.caption.setVisible(bool(scene.caption))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        font = TABLE.font(theme, self.font())
        self.table.setFont(font)
        self.title_font = QFont(font)
        self.title_font.setBold(True)
        self.caption.setFont(font)
        self.table.resizeRowsToContents()
        self.table.setStyleSheet(
            f"QTableWidget {{ background: {theme.panel}; color: {theme.text};"
            f" gridline-color: {theme.edge}; }}"
            f" QHeaderView::section {{ background: {theme.op_fill}; color: {theme.text};"
            f" border: 1px solid {theme.edge}; padding: 4px; }}"
        )
        self.wrap_titles()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            # The header stretches its sections after its own resize, in the same turn.
            QTimer.singleShot(0, self, self.wrap_titles)
        return super().eventFilter(watched, event)

    def wrap_titles(self) -> None:
        """Long column titles wrap onto more lines, and shrink when one word is wider than its
        column (on a projector a column can be narrower than its title)."""
        header = self.table.horizontalHeader()
        padding = 2 * header.style().pixelMetric(header.style().PixelMetric.PM_HeaderMargin) + 8
        widths = [header.sectionSize(column) - padding for column in range(len(self.titles))]
        metrics = QFontMetrics(self.title_font)
        overflow = max(
            (
                metrics.horizontalAdvance(piece) / max(width, 1)
                for title, width in zip(self.titles, widths, strict=True)
                for piece in pieces(title)
            ),
            default=1.0,
        )
        font = QFont(self.title_font)
        if overflow > 1:
            font.setPointSizeF(font.pointSizeF() * max(1 / overflow, SMALLEST_TITLE))
        if header.font() != font:
            header.setFont(font)
        metrics = QFontMetrics(font)
        for column, (title, width) in enumerate(zip(self.titles, widths, strict=True)):
            item = self.table.horizontalHeaderItem(column)
            text = wrapped(title, metrics, width)
            if item is not None and item.text() != text:
                item.setText(text)

    def export_widget(self) -> QWidget:
        return self.table
