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
SHRINK_STEP = 0.95


def pieces(title: str) -> list[str]:
    return BREAKS.findall(title)


def fits(font: QFont, titles: list[str], widths: list[int]) -> bool:
    """Whether every unbreakable piece of every title fits its column's width in `font`."""
    metrics = QFontMetrics(font)
    return all(
        metrics.horizontalAdvance(piece) <= width
        for title, width in zip(titles, widths, strict=True)
        for piece in pieces(title)
    )


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
        self._rewrap = QTimer(self, singleShot=True, interval=0)
        self._rewrap.timeout.connect(self.wrap_titles)
        header = self.table.horizontalHeader()
        header.installEventFilter(self)
        header.sectionResized.connect(self._rewrap.start)
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
        )
        self._title_points = 0.0
        self.wrap_titles()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            # the header stretches its sections after its own resize, in the same turn
            self._rewrap.start()
        return super().eventFilter(watched, event)

    def wrap_titles(self) -> None:
        """Long column titles wrap onto more lines, and shrink when one word is wider than its
        column (on a projector a column can be narrower than its title)."""
        header = self.table.horizontalHeader()
        widths = [
            header.sectionSize(column) - self._title_padding(column)
            for column in range(len(self.titles))
        ]
        font = QFont(self.title_font)
        smallest = font.pointSizeF() * SMALLEST_TITLE
        while font.pointSizeF() > smallest and not fits(font, self.titles, widths):
            # text does not scale exactly with its point size (hinting): shrink until it fits
            font.setPointSizeF(max(font.pointSizeF() * SHRINK_STEP, smallest))
        if font.pointSizeF() != self._title_points:
            # in the header's style sheet: a font set on a styled header is not what it draws
            self._title_points = font.pointSizeF()
            theme = self.theme
            header.setStyleSheet(
                f"QHeaderView::section {{ background: {theme.op_fill}; color: {theme.text};"
                f" border: 1px solid {theme.edge}; padding: 4px; font-weight: bold;"
                f" font-size: {font.pointSizeF():.2f}pt; }}"
            )
            self._rewrap.start()  # measured again in this font: the padding is the style's
        metrics = QFontMetrics(font)
        for column, (title, width) in enumerate(zip(self.titles, widths, strict=True)):
            item = self.table.horizontalHeaderItem(column)
            text = wrapped(title, metrics, width)
            if item is not None and item.text() != text:
                item.setText(text)

    def _title_padding(self, column: int) -> int:
        """What the styled header adds around a title's widest line (margins, padding, border)."""
        header = self.table.horizontalHeader()
        item = self.table.horizontalHeaderItem(column)
        lines = item.text().splitlines() if item is not None else []
        font = QFont(self.title_font)
        if self._title_points:
            font.setPointSizeF(self._title_points)
        metrics = QFontMetrics(font)
        text = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        return max(header.sectionSizeFromContents(column).width() - text, 0)

    def export_widget(self) -> QWidget:
        return self.table
