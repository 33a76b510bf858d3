"""`TableView`: a lesson's table of numbers or words, read-only."""

from __future__ import annotations

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


def wrapped(title: str, metrics: QFontMetrics, width: int) -> str:
    """The title broken into lines at spaces so each fits `width` (a single word wider than
    the column stays whole: Qt cuts it, as it would the unbroken title)."""
    lines: list[str] = []
    for word in title.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
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
        title_font = QFont(font)
        title_font.setBold(True)
        self.table.horizontalHeader().setFont(title_font)
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
        """Long column titles wrap onto more lines (on a projector a column can be narrower
        than its title)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        padding = 2 * header.style().pixelMetric(header.style().PixelMetric.PM_HeaderMargin) + 8
        for column, title in enumerate(self.titles):
            item = self.table.horizontalHeaderItem(column)
            text = wrapped(title, metrics, header.sectionSize(column) - padding)
            if item is not None and item.text() != text:
                item.setText(text)

    def export_widget(self) -> QWidget:
        return self.table
