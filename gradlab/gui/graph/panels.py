"""The graph lab's side panels: the three-way check table and the array of a tensor node."""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gradlab.check import CheckReport, LeafCheck
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Number
from gradlab.gui.graph.heatmap import heatmap_image
from gradlab.gui.plain_text import plain_label
from gradlab.gui.theme import Theme
from gradlab.layout.labels import shape_text

_ROOT = QModelIndex()
MEASURED_ROWS = 30
"""Column widths are fitted to this many rows of the check table."""
PROGRESS_SECONDS = 0.1
TABLE_LIMIT = 400
"""Arrays up to this many entries are shown as numbers; larger ones as a heatmap."""
HEATMAP_CELL = 12
NOT_CHECKED = "—"


class CheckRows(QAbstractTableModel):
    """A report's rows for the check table, made as the table asks for them: a graph with 500
    inputs shows at once (items for all of them took a tenth of a second)."""

    COLUMNS = ("input", "autograd", "SymPy", "finite diff.", "derivative", "note")

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.theme = theme
        self.leaves: tuple[LeafCheck, ...] = ()

    def show(self, leaves: tuple[LeafCheck, ...]) -> None:
        self.beginResetModel()
        self.leaves = leaves
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.leaves)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def text(self, row: int, column: int) -> str:
        """A cell as shown (the derivative shortened)."""
        leaf = self.leaves[row]
        numbers = (leaf.autograd, leaf.symbolic, leaf.numeric)
        if column == 2 and math.isnan(leaf.symbolic) and not leaf.formula:
            return NOT_CHECKED  # SymPy was not asked (a tensor graph, a huge one)
        if 1 <= column <= 3:
            return format_number(numbers[column - 1], 6, grouping=False)
        return (leaf.label, "", "", "", leaf.short_formula, leaf.note)[column]

    def tip(self, row: int, column: int) -> str:
        """A cell in full (the whole derivative)."""
        leaf = self.leaves[row]
        return leaf.formula if column == 4 else self.text(row, column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column < 4:
            return QColor(self.theme.good if self.leaves[row].agree else self.theme.bad)
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < column < 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CheckPanel(QWidget):
    """Per input: autograd, SymPy and central differences side by side, green when they agree.

    The check runs in the background: meanwhile a bar shows how far it has come and Cancel
    stops it (a new edit does too). A long derivative is shortened in its cell; its tooltip has
    it all."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.status = plain_label()  # messages quote what was typed: never markup
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
        self._shown_at = 0.0
        self.rows = CheckRows(theme)
        self.table = QTableView()
        self.table.setModel(self.rows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # widths from the first rows only: measuring 500 rows would hold the window
        header.setResizeContentsPrecision(MEASURED_ROWS)
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
        self.rows.show(())
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
        """The check is running: how far, and what it does now (redrawn at most every
        `PROGRESS_SECONDS`: a check reports per input, hundreds of times a second)."""
        now = time.monotonic()
        if now - self._shown_at < PROGRESS_SECONDS and self.cancel.isVisible():
            return
        self._shown_at = now
        self.run.setVisible(False)
        self.cancel.setVisible(True)
        self.progress.setVisible(True)
        if self.progress.value() != round(100 * fraction):
            self.progress.setValue(round(100 * fraction))
        self._say(f"Checking: {what}…", self._theme.muted)

    def show_report(self, report: CheckReport) -> None:
        self.run.setVisible(False)
        self.cancel.setVisible(False)
        self.progress.setVisible(False)
        self.rows.theme = self._theme
        self.rows.show(report.leaves)
        for column in range(len(CheckRows.COLUMNS) - 1):
            self.table.resizeColumnToContents(column)
        if report.problem:
            self._say(f"✘ {report.problem}", self._theme.bad)
            return
        agree = report.ok
        three = any(not math.isnan(leaf.symbolic) for leaf in report.leaves)
        if three:
            message = (
                "✔ autograd, SymPy and finite differences agree"
                if agree
                else "✘ the three disagree somewhere (see the red rows)"
            )
        else:
            message = (
                "✔ autograd and finite differences agree"
                if agree
                else "✘ autograd and finite differences disagree (see the red rows)"
            )
        self._say(
            "\n".join((message, *report.notes)), self._theme.good if agree else self._theme.bad
        )

    def _say(self, text: str, color: str) -> None:
        # a style sheet is parsed and the label re-polished at every call: only on a change
        if text != self.status.text():
            self.status.setText(text)
        sheet = f"color: {color}"
        if sheet != self.status.styleSheet():
            self.status.setStyleSheet(sheet)

    def row_colors(self) -> list[str]:
        """Each row's colour name, for tests: the theme's good or bad colour."""
        theme = self._theme
        return [theme.good if leaf.agree else theme.bad for leaf in self.rows.leaves]

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.rows.theme = theme


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
