"""The graph lab's side panels: the three-way check table and the array of a tensor node."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gradlab.check import CheckReport
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Number
from gradlab.gui.graph.heatmap import heatmap_image
from gradlab.gui.theme import Theme
from gradlab.layout.labels import shape_text

TABLE_LIMIT = 400
"""Arrays up to this many entries are shown as numbers; larger ones as a heatmap."""
HEATMAP_CELL = 12


class CheckPanel(QWidget):
    """Per input: autograd, SymPy and central differences side by side, green when they agree.

    The check runs in the background: meanwhile a bar shows how far it has come and Cancel
    stops it (a new edit does too). A long derivative is shortened in its cell; its tooltip has
    it all."""

    COLUMNS = ("input", "autograd", "SymPy", "finite diff.", "derivative", "note")

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.run = QPushButton("Check now")
        self.run.setToolTip(
            "Compare autograd with SymPy and finite differences (in the background)"
        )
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the check (editing the graph stops it too)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.run)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.show_pending(auto=True)

    def show_pending(self, *, auto: bool) -> None:
        """No report yet: either it is on its way, or the graph is big and waits for a click."""
        self.table.setRowCount(0)
        self.run.setVisible(not auto)
        self.cancel.setVisible(False)
        self.progress.setVisible(False)
        self._say(
            "Checking against SymPy and finite differences…"
            if auto
            else "A large graph: the check takes a while. Press “Check now” (it runs in the "
            "background; you can go on meanwhile).",
            self._theme.muted,
        )

    def show_progress(self, fraction: float, what: str) -> None:
        """The check is running: how far, and what it does now."""
        self.run.setVisible(False)
        self.cancel.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setValue(round(100 * fraction))
        self._say(f"Checking: {what}…", self._theme.muted)

    def show_report(self, report: CheckReport) -> None:
        self.run.setVisible(False)
        self.cancel.setVisible(False)
        self.progress.setVisible(False)
        self.table.setRowCount(len(report.leaves))
        for row, leaf in enumerate(report.leaves):
            cells = (
                (leaf.label, leaf.label),
                *((_number(v), _number(v)) for v in (leaf.autograd, leaf.symbolic, leaf.numeric)),
                (leaf.short_formula, leaf.formula),
                (leaf.note, leaf.note),
            )
            color = QColor(self._theme.good if leaf.agree else self._theme.bad)
            for column, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if column < 4:
                    item.setForeground(color)
                if 0 < column < 4:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if report.problem:
            self._say(f"✘ {report.problem}", self._theme.bad)
            return
        agree = report.ok
        message = (
            "✔ autograd, SymPy and finite differences agree"
            if agree
            else "✘ the three disagree somewhere (see the red rows)"
        )
        self._say(
            "\n".join((message, *report.notes)), self._theme.good if agree else self._theme.bad
        )

    def _say(self, text: str, color: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color}")

    def row_colors(self) -> list[str]:
        """Each row's colour name, for tests: the theme's good or bad colour."""
        rows = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 1)
            rows.append(item.foreground().color().name() if item is not None else "")
        return rows

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme


def _number(x: float) -> str:
    return format_number(x, 6, grouping=False)


class ArrayPanel(QTabWidget):
    """A tensor node's data and grad: a table of numbers when small, a heatmap when large."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""

    def show_array(self, name: str, data: Number | None, grad: Number | None) -> None:
        self.clear()
        self.title = name
        for tab, array in (("data", data), ("grad", grad)):
            if array is None:
                continue
            values = np.atleast_2d(np.asarray(array, dtype=float))
            matrix = values.reshape(-1, values.shape[-1])
            label = f"{name} {tab} ({shape_text(np.shape(array))})"
            self.addTab(_table(matrix) if matrix.size <= TABLE_LIMIT else _heatmap(matrix), label)


def _table(matrix: np.ndarray) -> QTableWidget:
    table = QTableWidget(*matrix.shape)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    font = QFont("DejaVu Sans Mono")
    for (row, column), value in np.ndenumerate(matrix):
        item = QTableWidgetItem(format_number(float(value), grouping=False))
        item.setFont(font)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        table.setItem(row, column, item)
    table.resizeColumnsToContents()
    return table


def _heatmap(matrix: np.ndarray) -> QLabel:
    """Blue for negative, red for positive, white at zero, scaled by the largest magnitude."""
    image, scale = heatmap_image(matrix)
    height, width = matrix.shape
    cell = max(1, min(HEATMAP_CELL, 480 // max(width, height)))
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image).scaled(width * cell, height * cell))
    label.setToolTip(f"range ±{format_number(scale)}: blue negative, red positive")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
