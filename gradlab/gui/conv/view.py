"""`ConvView`: input ⋆ kernel = output grids, the window readout and the output-size formula.

The view takes a `ConvScrubber` and draws from it; it computes nothing. Forward: one input grid per
channel (hatched padding), the current filter's kernel slice per channel, one output map per
filter. Pooling: input channels and pooled maps. Backward adds a second row: the upstream
gradient, dL/dW of the current filter (accumulating window by window) and dL/dX. Clicking an
output cell jumps to its window.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.engine.trace import Array
from gradlab.gui.conv.grid import GridView
from gradlab.gui.theme import Theme
from gradlab.gui.typography import CONV_NOTE, CONV_SYMBOL, CONV_TEXT
from gradlab.state.conv.records import WindowRecord
from gradlab.state.conv.scrubber import ConvScrubber

MAX_MAPS = 4
"""Grids drawn per column; more channels or filters are summarised in a note."""
WORDS_BESIDE_WIDTH = 1400
"""From this width on, presenting, the readout and formulas sit beside the grids."""


def condensed(formula: tuple[str, ...]) -> tuple[str, ...]:
    """The size formula with one line for rows and cols when they read the same (a square
    input and kernel): a line less under the grids."""
    if len(formula) == 3 and formula[1].startswith("rows: ") and formula[2].startswith("cols: "):
        rows, cols = formula[1].removeprefix("rows: "), formula[2].removeprefix("cols: ")
        if rows == cols:
            return (formula[0], f"rows and cols: {rows}")
    return formula


class Column(QWidget):
    """A vertical stack of grids of one kind (all input channels, all output maps, ...)."""

    def __init__(
        self,
        group: list[GridView],
        on_click: Callable[[int, int, int], None] | None = None,
        *,
        always_numbers: bool = False,
    ) -> None:
        super().__init__()
        self._always_numbers = always_numbers
        self.grids: list[GridView] = []
        self._group = group
        self._on_click = on_click
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)

    def resize_to(self, count: int, theme: Theme) -> None:
        while len(self.grids) < count:
            grid = GridView()
            grid.group = self._group
            grid.always_numbers = self._always_numbers
            self._group.append(grid)
            grid.apply_theme(theme)
            if self._on_click is not None:
                grid.cell_clicked.connect(partial(self._on_click, len(self.grids)))
            self.grids.append(grid)
            self._layout.addWidget(grid, 1)
        for i, grid in enumerate(self.grids):
            grid.setVisible(i < count)
            grid.stacked = count > 1
            grid.updateGeometry()


class ConvView(QWidget):
    """Grids, readout and formula of a `ConvScrubber`, following its signals."""

    def __init__(self, scrubber: ConvScrubber, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scrubber = scrubber
        self._theme = theme
        # the grids of a row share one cell size, so a kernel cell matches an input cell
        forward: list[GridView] = []
        backward: list[GridView] = []
        self.inputs = Column(forward)
        self.kernels = Column(forward, always_numbers=True)
        self.outputs = Column(forward, scrubber.jump_to)
        self.upstreams = Column(backward, scrubber.jump_to)
        self.dweights = Column(backward, always_numbers=True)
        self.dinputs = Column(backward)
        self._stretches: list[tuple[QHBoxLayout, int, Column]] = []
        self.star = self._symbol("⋆")
        self.equals = self._symbol("=")
        self.unknown = self._symbol("?")
        self.unknown.setToolTip("The output's size is the question: answer it to see the output")
        self.unknown.setVisible(False)
        self.forward_row = self._row(
            self.inputs, self.star, self.kernels, self.equals, self.unknown, self.outputs
        )
        self.output_hidden = False
        self._words_may_go_beside = False
        self.backward_row = self._row(self.upstreams, self.dweights, self.dinputs)
        self.readout = self._label()
        self.formula = self._label()
        self.note = self._label()
        self.error = self._label()
        grids = QVBoxLayout()
        grids.addWidget(self.forward_row, 3)
        grids.addWidget(self.backward_row, 3)
        words = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        for group in ((self.readout, self.error), (self.formula, self.note)):
            column = QVBoxLayout()
            for label in group:
                column.addWidget(label)
            column.addStretch(1)
            words.addLayout(column, 1)
        self.words = words
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addLayout(grids, 3)
        self._layout.addLayout(words, 0)
        scrubber.rebuilt.connect(self._on_rebuilt)
        scrubber.changed.connect(self._on_changed)
        self.apply_theme(theme)
        self._on_rebuilt()
        self._on_changed(scrubber.position)

    def _symbol(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, widget in enumerate(widgets):
            layout.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
            if isinstance(widget, Column):
                self._stretches.append((layout, index, widget))
        return row

    # ---- theme and presentation ----------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        """Colours, and sizes by role: larger while `theme.presenting`."""
        self._theme = theme
        roles = {self.star: CONV_SYMBOL, self.equals: CONV_SYMBOL, self.unknown: CONV_SYMBOL}
        roles |= {self.formula: CONV_NOTE, self.note: CONV_NOTE}
        symbols = (self.star, self.equals, self.unknown)
        for label in (self.readout, self.formula, self.note, self.error, *symbols):
            label.setFont(roles.get(label, CONV_TEXT).font(theme, self.font()))
        self.readout.setStyleSheet(f"color: {theme.text};")
        self.formula.setStyleSheet(f"color: {theme.text};")
        self.note.setStyleSheet(f"color: {theme.muted};")
        self.error.setStyleSheet(f"color: {theme.bad}; font-weight: bold;")
        for column in self._columns():
            for grid in column.grids:
                grid.apply_theme(theme)
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"ConvView {{ background: {theme.panel}; }}")

    def set_words_beside(self, presenting: bool) -> None:
        """Presenting, the readout and the formulas take no height from the grids: on a wide
        screen (a 1080p projector) they go to the right of the grids, on a narrower one (1024
        pixels: a column beside was too narrow to read) under them, side by side."""
        self._words_may_go_beside = presenting
        # the notes repeat what the lesson's text says: presenting, the grids need the room
        self.note.setVisible(not presenting)
        self._place_words()

    def _place_words(self) -> None:
        presenting = self._words_may_go_beside
        beside = presenting and self.width() >= WORDS_BESIDE_WIDTH
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self.words.setDirection(across if presenting and not beside else down)
        if (across if beside else down) != self._layout.direction():
            self._layout.setDirection(across if beside else down)
            self._layout.setStretch(0, 3)
            self._layout.setStretch(1, 1 if beside else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_words()

    def hide_output(self, hidden: bool) -> None:
        """Hide the output maps and the size formula (a quiz asks for the output's size): a
        "?" stands where the output goes until the answer is known."""
        self.output_hidden = hidden
        self.outputs.setVisible(not hidden)
        self.unknown.setVisible(hidden)
        self.formula.setVisible(not hidden)

    def _columns(self) -> tuple[Column, ...]:
        return (
            self.inputs,
            self.kernels,
            self.outputs,
            self.upstreams,
            self.dweights,
            self.dinputs,
        )

    # ---- following the scrubber ----------------------------------------------------------

    def _fit(self, column: Column, count: int) -> list[GridView]:
        column.resize_to(min(count, MAX_MAPS), self._theme)
        return column.grids[: min(count, MAX_MAPS)]

    def _on_rebuilt(self) -> None:
        s = self.scrubber
        settings = s.settings
        x = s.input_array
        geometry = s.geometry
        padding = 0 if settings.pooling or geometry is None else geometry.padding[0]
        for c, grid in enumerate(self._fit(self.inputs, x.shape[0])):
            channel = f" ch {c + 1}" if x.shape[0] > 1 else ""
            grid.title = f"input{channel} · {x.shape[1]}×{x.shape[2]}"
            grid.set_values(x[c], padding)
        self.kernels.setVisible(not settings.pooling)
        self.star.setText("pool" if settings.pooling else "⋆")
        self.backward_row.setVisible(settings.mode == "backward" and s.error is None)
        maps = s.output
        if maps is None:
            self._fit(self.outputs, 0)
        else:
            kind = {"pool-max": "max pool", "pool-avg": "avg pool"}.get(settings.mode, "output")
            for o, grid in enumerate(self._fit(self.outputs, maps.shape[0])):
                which = (
                    f" {'ch' if settings.pooling else 'filter'} {o + 1}" if len(maps) > 1 else ""
                )
                grid.title = f"{kind}{which} · {maps.shape[1]}×{maps.shape[2]}"
                grid.set_values(maps[o])
        upstream = s.upstream
        if upstream is not None:
            for o, grid in enumerate(self._fit(self.upstreams, upstream.shape[0])):
                grid.title = f"∂L/∂y · filter {o + 1}"
                grid.set_values(upstream[o], color="grad")
        self.formula.setText("\n".join(condensed(s.formula)))
        self.error.setText(s.error or "")
        self.error.setVisible(s.error is not None)
        self.note.setText(self._note())
        self._share_width()

    def _share_width(self) -> None:
        """Give each column width in proportion to its grid's columns, so cells can be equal."""
        s = self.scrubber
        geometry = s.geometry
        padding = 0 if s.settings.pooling or geometry is None else geometry.padding[1]
        width = s.input_array.shape[-1]
        out = s.output.shape[-1] if s.output is not None else 1
        columns = {
            self.inputs: width + 2 * padding,
            self.kernels: s.weight.shape[-1],
            self.outputs: out,
            self.upstreams: out,
            self.dweights: s.weight.shape[-1],
            self.dinputs: width,
        }
        for layout, index, column in self._stretches:
            layout.setStretch(index, columns[column])

    def _note(self) -> str:
        s = self.scrubber.settings
        notes = []
        if s.in_channels > 1 or s.out_channels > 1:
            notes.append(
                "Channel 1 is the chosen image and filter 1's first slice the chosen kernel; "
                f"other channels are seeded random −1/0/1 (seed {s.seed}); filter o is the "
                "kernel turned by (o − 1)·90°."
            )
        if max(s.in_channels, s.out_channels) > MAX_MAPS:
            notes.append(f"Showing the first {MAX_MAPS} maps of each kind.")
        if s.flip and not s.pooling:
            notes.append(
                "Convolution: the kernel is turned 180° before sliding; without the flip this is "
                "cross-correlation, which deep learning calls convolution."
            )
        return " ".join(notes)

    def _on_changed(self, _position: int) -> None:
        s = self.scrubber
        record = s.current()
        filt = record.channel if record is not None and not s.settings.pooling else 0
        self._mark_inputs(record)
        self._show_kernel(filt)
        self._mark_outputs(record)
        if s.upstream is not None and s.error is None:
            self._show_grads(record, filt)
        hint = "" if s.error is not None else "Step forward (→) or click an output cell."
        self.readout.setText(s.readout() or hint)

    def _mark_inputs(self, record: WindowRecord | None) -> None:
        for c, grid in enumerate(self.inputs.grids):
            if record is None or (self.scrubber.settings.pooling and c != record.channel):
                grid.set_marks()
                continue
            cells = [(t.cell.row, t.cell.col) for t in record.terms if t.channel == c]
            winner = None
            if record.winner is not None:
                win = record.terms[record.winner].cell
                winner = (win.row, win.col)
            grid.set_marks(cells, winner=winner)

    def _show_kernel(self, filt: int) -> None:
        s = self.scrubber
        if s.settings.pooling:
            return
        weight = s.weight
        flipped = " (turned 180°)" if s.settings.flip else ""
        for c, grid in enumerate(self._fit(self.kernels, weight.shape[1])):
            grid.title = f"kernel{self._which(filt, c)}{flipped}"
            grid.set_values(weight[filt, c])

    def _which(self, filt: int, channel: int) -> str:
        """ " f2 ch1" when there are several filters or channels to tell apart."""
        s = self.scrubber.settings
        if s.in_channels == 1 and s.out_channels == 1:
            return ""
        return f" f{filt + 1} ch{channel + 1}"

    def _mark_outputs(self, record: WindowRecord | None) -> None:
        s = self.scrubber
        if s.output is None:
            return
        computed = s.computed()
        for o, grid in enumerate(self.outputs.grids[: s.output.shape[0]]):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            # backward mode starts from the finished forward pass: only gradients are pending
            pending = None if s.settings.mode == "backward" else ~computed[o]
            grid.set_marks([cell] if cell else [], current=cell, pending=pending)
        for o, grid in enumerate(self.upstreams.grids):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            grid.set_marks([cell] if cell else [], current=cell)

    def _show_grads(self, record: WindowRecord | None, filt: int) -> None:
        s = self.scrubber
        dw, dx = s.grads_at(s.position)
        for c, grid in enumerate(self._fit(self.dweights, dw.shape[1])):
            grid.title = f"∂L/∂W{self._which(filt, c)}"
            grid.set_values(dw[filt, c], color="grad")
        for c, grid in enumerate(self._fit(self.dinputs, dx.shape[0])):
            grid.title = f"∂L/∂X · ch {c + 1}"
            grid.set_values(dx[c], color="grad")
            # padding cells have no dL/dX: only the window's cells inside the input light up
            cells = (
                []
                if record is None
                else [
                    (t.cell.row, t.cell.col)
                    for t in record.terms
                    if t.channel == c and not t.cell.padding
                ]
            )
            grid.set_marks(cells)

    def grid_values(self) -> dict[str, list[Array]]:
        """What each visible column shows (for tests and export)."""
        return {
            name: [np.array(g.values) for g in column.grids if g.isVisibleTo(self)]
            for name, column in zip(
                ("input", "kernel", "output", "upstream", "dW", "dX"), self._columns(), strict=True
            )
        }
