"""`TableView`: a lesson's table of numbers or words, read-only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradlab.engine.numbers import format_number
from gradlab.gui.theme import Theme
from gradlab.lessons import TableScene
from gradlab.state.cursor import Cursor

BASE_POINT_SIZE = 12.0


def cell_text(cell: str | int | float) -> str:
    return cell if isinstance(cell, str) else format_number(float(cell))


class TableView(QWidget):
    """The table, columns stretched to the width; numbers right-aligned."""

    # The scene-view interface names it `cursor` (shadowing QWidget.cursor()); nothing steps here.
    cursor: Cursor | None = None  # type: ignore[assignment]

    def __init__(self, scene: TableScene, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._presenting = False
        self.table = QTableWidget(len(scene.rows), len(scene.columns))
        self.table.setHorizontalHeaderLabels(scene.columns)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(scene.rows):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell_text(cell))
                if not isinstance(cell, str):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.caption = QLabel(scene.caption)
        self.caption.setWordWrap(True)
        self.caption.setVisible(bool(scene.caption))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * theme.font_scale * (1.4 if self._presenting else 1.0))
        self.table.setFont(font)
        self.table.horizontalHeader().setFont(font)
        self.caption.setFont(font)
        self.table.resizeRowsToContents()
        self.table.setStyleSheet(
            f"QTableWidget {{ background: {theme.panel}; color: {theme.text};"
            f" gridline-color: {theme.edge}; }}"
            f" QHeaderView::section {{ background: {theme.op_fill}; color: {theme.text};"
            f" border: 1px solid {theme.edge}; padding: 4px; font-weight: bold; }}"
        )

    def set_presentation(self, on: bool) -> None:
        self._presenting = on
        self.apply_theme(self._theme)

    def export_widget(self) -> QWidget:
        return self.table
