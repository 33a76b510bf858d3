"""The graph lab's input values: one spin box per number (`NumberSpin`) and one small table per
tensor input (`ArrayInput`), in rows that wrap to the lab's width.

Fifty inputs in one row made the window 17,091 px wide; here they wrap, and past a few rows the
panel scrolls.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QWidget,
    QWidgetItem,
)

from gradlab.gui.graph.array_input import ArrayInput
from gradlab.gui.graph.number_spin import NumberSpin
from gradlab.gui.plain_text import plain_label
from gradlab.gui.signals import signals_blocked
from gradlab.state.graph.values import InputValue

VISIBLE_ROWS = 3
"""Rows of inputs shown before the panel scrolls."""
BATCH_SECONDS = 0.003
"""Cells are made for about this long per turn of the event loop (a spin box takes about a
third of a millisecond, and Qt then spends about three times as long showing it)."""


class FlowLayout(QLayout):
    """Items left to right, wrapping to the next row where the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._heights: dict[int, int] = {}
        """heightForWidth's answers since the items last changed (asked for again and again)."""
        self._hints: list[tuple[int, int]] | None = None
        self._placed: QRect | None = None
        self._places: list[tuple[int, int, int, int] | None] = []
        """Where each item was last put: only items whose place changes are moved."""
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def invalidate(self) -> None:
        # Qt invalidates on every child's move; the boxes' sizes only change with the boxes
        self._heights.clear()
        super().invalidate()

    def _changed(self) -> None:
        self._heights.clear()
        self._hints = None
        self._placed = None

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self._places.append(None)
        self._changed()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        self._changed()
        if not 0 <= index < len(self._items):
            return None
        self._places.pop(index)
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        # the window asks again and again with the same rectangle: place 500 boxes once
        if rect != self._placed:
            self._arrange(rect, move=True)
            self._placed = QRect(rect)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, row = rect.x(), rect.y(), 0
        gap = self.spacing()
        if self._hints is None:
            hints = [item.sizeHint() for item in self._items]
            self._hints = [(hint.width(), hint.height()) for hint in hints]
        # plain numbers in the loop: 500 boxes are placed in a fraction of a millisecond
        left, right = rect.x(), rect.right() + 1
        for index, (width, height) in enumerate(self._hints):
            if x + width > right and x > left:
                x, y, row = left, y + row + gap, 0
            if move and self._places[index] != (x, y, width, height):
                self._items[index].setGeometry(QRect(x, y, width, height))
                self._places[index] = (x, y, width, height)
            x += width + gap
            row = max(row, height)
        return y + row - rect.y()


class InputsPanel(QScrollArea):
    """One labelled spin box per number input and one small table per tensor input (an
    `ArrayInput`), wrapping; `changed` says which input took which number, `array_changed`
    which took which array.

    Cells are made for `BATCH_SECONDS` per turn of the event loop: a 500-input sum built at
    once would otherwise hold the window for a third of a second."""

    changed = Signal(str, float)
    array_changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spins: dict[str, NumberSpin] = {}
        self.arrays: dict[str, ArrayInput] = {}
        self._cells: dict[str, QWidget] = {}
        self._wanted: dict[str, InputValue] = {}
        self._more = QTimer(self)
        self._more.setInterval(0)
        self._more.timeout.connect(self._add_batch)
        self.body = QWidget()
        self.flow = FlowLayout(self.body)
        self.setWidget(self.body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)

    def sync(self, values: Mapping[str, InputValue]) -> None:
        """Show exactly these inputs, in this order, with these values. Cells of inputs that
        stay (with the same shape) are kept, so typing a new name adds one box, it does not
        rebuild fifty."""
        self._wanted = dict(values)
        for name in [n for n in self._cells if n not in values or not self._fits(n, values[n])]:
            self.spins.pop(name, None)
            self.arrays.pop(name, None)
            cell = self._cells.pop(name)
            self.flow.removeWidget(cell)
            cell.deleteLater()
        for name, spin in self.spins.items():
            if spin.value() != values[name]:
                with signals_blocked(spin):
                    spin.setValue(float(values[name]))
        for name, array in self.arrays.items():
            if not np.array_equal(array.values, values[name]):
                array.show_values(np.asarray(values[name], dtype=float))
        self._add_batch()

    @property
    def complete(self) -> bool:
        """Whether every input's cell is made (large sets are made over several turns)."""
        return not self._more.isActive()

    def _fits(self, name: str, value: InputValue) -> bool:
        if np.ndim(value) == 0:
            return name in self.spins
        return name in self.arrays and self.arrays[name].shape == np.shape(value)

    def _add_batch(self) -> None:
        missing = [name for name in self._wanted if name not in self._cells]
        until = time.perf_counter() + BATCH_SECONDS
        for count, name in enumerate(missing, start=1):
            self._add(name, self._wanted[name])
            if count < len(missing) and time.perf_counter() > until:
                self._more.start()
                return
        self._more.stop()
        order = list(self._wanted)
        if [self._cells[n] for n in order] != [self._widget_at(i) for i in range(len(order))]:
            for cell in self._cells.values():
                self.flow.removeWidget(cell)
            for name in order:
                self.flow.addWidget(self._cells[name])
        self.body.updateGeometry()
        self.updateGeometry()

    def _widget_at(self, index: int) -> QWidget | None:
        item = self.flow.itemAt(index)
        return item.widget() if isinstance(item, QWidgetItem) else None

    def _add(self, name: str, value: InputValue) -> None:
        if np.ndim(value) > 0:
            array = self.arrays[name] = ArrayInput(name, np.asarray(value, dtype=float))
            array.changed.connect(self.array_changed)
            self.flow.addWidget(array)
            self._cells[name] = array
            return
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(plain_label(f"{name} ="))
        spin = NumberSpin()
        spin.setValue(float(value))
        spin.valueChanged.connect(lambda value, name=name: self.changed.emit(name, value))
        row.addWidget(spin)
        self.flow.addWidget(cell)
        self.spins[name] = spin
        self._cells[name] = cell

    def sizeHint(self) -> QSize:
        width = max(self.viewport().width(), 1)
        rows = self.flow.heightForWidth(width)
        heights = [c.sizeHint().height() for c in self._cells.values()]
        one_row = min(heights, default=0)
        # a few rows of spin boxes, or at least the tallest table whole
        most = max(VISIBLE_ROWS * one_row + (VISIBLE_ROWS - 1) * self.flow.spacing(), *heights, 0)
        return QSize(width, min(rows, most) + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())
