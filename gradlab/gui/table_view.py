"""`TableView`: a lesson's table of numbers or words, read-only."""

from __future__ import annotations

from PySide6.QtCore import Qt
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


class TableView(SceneView):
    """The table, columns stretched to the width; numbers right-aligned."""

    def __init__(self, scene: TableScene, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
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
        self.table.horizontalHeader().setFont(font)
        self.caption.setFont(font)
        self.table.resizeRowsToContents()
        self.table.setStyleSheet(
            f"QTableWidget {{ background: {theme.panel}; color: {theme.text};"
            f" gridline-color: {theme.edge}; }}"
            f" QHeaderView::section {{ background: {theme.op_fill}; color: {theme.text};"
            f" border: 1px solid {theme.edge}; padding: 4px; font-weight: bold; }}"
        )

    def export_widget(self) -> QWidget:
        return self.table
