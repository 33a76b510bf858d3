"""`ArrayInput`: one tensor input of the graph lab's editor, as a small table of its values.

A tensor program's inputs have declared shapes (``W: (2, 4)``) and seeded values; each is shown
as a table (a vector as one row) whose cells the learner can edit, up to `EDITABLE_ENTRIES`
entries. A larger input is shown as a heatmap (blue negative, red positive) that cannot be
edited here. A cell that does not hold a number goes back to the value it had.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gradlab.engine.numbers import format_number
from gradlab.gui.graph.heatmap import heatmap_image
from gradlab.gui.graph.number_spin import LIMIT
from gradlab.gui.plain_text import plain_label
from gradlab.gui.signals import signals_blocked
from gradlab.layout.labels import shape_text

EDITABLE_ENTRIES = 64
"""Inputs up to this many entries are editable tables (8×8); larger ones a heatmap."""
HEATMAP_SIDE = 96
"""A large input's heatmap fits a square of this many pixels."""


class ArrayInput(QWidget):
    """A tensor input's name and shape, and its values: `changed` carries the new array."""

    changed = Signal(str, object)

    def __init__(
        self, name: str, values: NDArray[np.float64], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.values = np.array(values, dtype=float)
        self.shape = self.values.shape
        self.title = plain_label(f"{name} ({shape_text(self.shape)}) =")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.title, 0, Qt.AlignmentFlag.AlignTop)
        self.table: QTableWidget | None = None
        self.picture: QLabel | None = None
        if self.values.size <= EDITABLE_ENTRIES:
            self.table = self._make_table()
            row.addWidget(self.table)
        else:
            self.picture = QLabel()
            row.addWidget(self.picture)
        self.show_values(self.values)

    @property
    def matrix(self) -> NDArray[np.float64]:
        """The values as rows and columns (a vector is one row)."""
        return self.values.reshape(-1, self.shape[-1]) if self.shape else self.values.reshape(1, 1)

    def show_values(self, values: NDArray[np.float64]) -> None:
        """Show `values` (of this input's shape) without announcing a change."""
        self.values = np.array(values, dtype=float)
        matrix = self.matrix
        if self.table is not None:
            with signals_blocked(self.table):
                for (r, c), value in np.ndenumerate(matrix):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setText(format_number(float(value), grouping=False))
            return
        assert self.picture is not None
        image, scale = heatmap_image(matrix)
        rows, columns = matrix.shape
        cell = max(1, HEATMAP_SIDE // max(rows, columns))
        self.picture.setPixmap(QPixmap.fromImage(image).scaled(columns * cell, rows * cell))
        self.picture.setToolTip(
            f"{self.name}: {self.values.size:,} seeded values (range ±{format_number(scale)}; "
            f"blue negative, red positive); inputs of at most {EDITABLE_ENTRIES} entries can be "
            "edited here"
        )

    def _make_table(self) -> QTableWidget:
        rows, columns = self.matrix.shape
        table = QTableWidget(rows, columns)
        table.horizontalHeader().setVisible(False)
        table.verticalHeader().setVisible(False)
        table.setFrameShape(QFrame.Shape.Box)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        font = QFont("DejaVu Sans Mono")
        table.setFont(font)
        width = table.fontMetrics().horizontalAdvance("-0.000") + 10
        height = table.fontMetrics().height() + 6
        for r in range(rows):
            table.setRowHeight(r, height)
            for c in range(columns):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{self.name}{self._index_text(r, c)}")
                table.setItem(r, c, item)
        for c in range(columns):
            table.setColumnWidth(c, width)
        frame = 2 * table.frameWidth()
        table.setFixedSize(columns * width + frame, rows * height + frame)
        table.itemChanged.connect(self._on_item)
        return table

    def _index_text(self, row: int, column: int) -> str:
        if len(self.shape) == 2:
            return f"[{row}, {column}]"
        return f"[{column}]" if self.shape else ""

    def _on_item(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        try:
            value = float(item.text())
        except ValueError:
            value = math.nan
        matrix = self.matrix.copy()
        if not math.isfinite(value) or abs(value) > LIMIT:
            self.show_values(self.values)  # not a number: the cell goes back
            return
        if value == matrix[r, c]:
            return
        matrix[r, c] = value
        self.values = matrix.reshape(self.shape)
        self.changed.emit(self.name, self.values.copy())
