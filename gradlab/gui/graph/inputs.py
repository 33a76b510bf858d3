"""The graph lab's input values: one spin box per input, in rows that wrap to the lab's width.

Fifty inputs in one row made the window 17,091 px wide; here they wrap, and past a few rows the
panel scrolls. Spin boxes take any float the learner types, 1e-5 included (a derivative lesson's
step h), and show it without rounding and without thousands separators.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QWidget,
    QWidgetItem,
)

from gradlab.gui.signals import signals_blocked

LIMIT = 1e12
"""The largest input in size (exp of it already overflows; larger ones are typos)."""
DIGITS = 12
"""Significant digits a spin box keeps and shows."""
VISIBLE_ROWS = 3
"""Rows of inputs shown before the panel scrolls."""
BATCH = 40
"""Spin boxes made per turn of the event loop."""


class NumberSpin(QDoubleSpinBox):
    """A spin box for any float: "0.5", "-2", "1e-5", "3.2e4"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(323)  # the float range's smallest magnitudes survive (1e-5, 1e-300)
        self.setRange(-LIMIT, LIMIT)
        self.setSingleStep(0.1)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{DIGITS}g}"
        return "0" if text == "-0" else text

    def valueFromText(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            return self.value()
        return value if math.isfinite(value) else self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            # on the way to a number: "", "-", "1e", "1e-", "."
            partial = stripped in {"", "-", "+", "."} or stripped.lower().endswith(("e", "e-"))
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return (state, text, pos)
        if not math.isfinite(value) or abs(value) > LIMIT:
            return (QValidator.State.Invalid, text, pos)
        return (QValidator.State.Acceptable, text, pos)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance("-0.000012345") + 32
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class FlowLayout(QLayout):
    """Items left to right, wrapping to the next row where the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._heights: dict[int, int] = {}
        """heightForWidth's answers since the items last changed (asked for again and again)."""
        self._hints: list[QSize] | None = None
        self._placed: QRect | None = None
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
        self._changed()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        self._changed()
        return self._items.pop(index) if 0 <= index < len(self._items) else None

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
            self._hints = [item.sizeHint() for item in self._items]
        for item, hint in zip(self._items, self._hints, strict=True):
            if x + hint.width() > rect.right() + 1 and x > rect.x():
                x, y, row = rect.x(), y + row + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            row = max(row, hint.height())
        return y + row - rect.y()


class InputsPanel(QScrollArea):
    """One labelled spin box per input, wrapping; `changed` says which input took which value.

    Spin boxes are made `BATCH` per turn of the event loop: a 500-input sum built at once would
    otherwise hold the window for a third of a second."""

    changed = Signal(str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spins: dict[str, NumberSpin] = {}
        self._cells: dict[str, QWidget] = {}
        self._wanted: dict[str, float] = {}
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

    def sync(self, values: dict[str, float]) -> None:
        """Show exactly these inputs, in this order, with these values. Spin boxes of inputs
        that stay are kept (so typing a new name adds one box, it does not rebuild fifty)."""
        self._wanted = dict(values)
        for name in [n for n in self.spins if n not in values]:
            self.spins.pop(name)
            cell = self._cells.pop(name)
            self.flow.removeWidget(cell)
            cell.deleteLater()
        for name, spin in self.spins.items():
            if spin.value() != values[name]:
                with signals_blocked(spin):
                    spin.setValue(values[name])
        self._add_batch()

    def _add_batch(self) -> None:
        missing = [name for name in self._wanted if name not in self.spins]
        for name in missing[:BATCH]:
            self._add(name, self._wanted[name])
        if len(missing) > BATCH:
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

    def _add(self, name: str, value: float) -> None:
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel(f"{name} ="))
        spin = NumberSpin()
        spin.setValue(value)
        spin.valueChanged.connect(lambda value, name=name: self.changed.emit(name, value))
        row.addWidget(spin)
        self.flow.addWidget(cell)
        self.spins[name] = spin
        self._cells[name] = cell

    def sizeHint(self) -> QSize:
        width = max(self.viewport().width(), 1)
        rows = self.flow.heightForWidth(width)
        one_row = max((c.sizeHint().height() for c in self._cells.values()), default=0)
        most = VISIBLE_ROWS * one_row + (VISIBLE_ROWS - 1) * self.flow.spacing()
        return QSize(width, min(rows, most) + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())
