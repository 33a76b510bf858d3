"""`ConvView`: input ⋆ kernel = output grids, the window readout and the output-size formula.

The view takes a `ConvScrubber` and draws from it; it computes nothing. Forward: one input grid per
channel (hatched padding; red, green and blue for a colour image), the current filter's kernel
slice per channel, one output map per filter. Pooling: input channels and pooled maps. The
backward modes add a second row: the upstream gradient, dL/dW of the current filter (convolution
only; a pool has no weights) and dL/dX, accumulating window by window. The transposed convolution
shows the input stretched and padded (its inserted zeros hatched), the kernel turned 180° and the
output. Clicking an output cell jumps to its window.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.engine.numbers import format_number
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


TINTS = {"red": (235, 40, 40), "green": (40, 190, 60), "blue": (60, 100, 240)}
"""The colour a colour picture's channel is drawn in when its cells are too small for numbers."""


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
        self.unknown.setToolTip("The output is the question: answer it to see the output")
        self.unknown.setVisible(False)
        self.forward_row = self._row(
            self.inputs, self.star, self.kernels, self.equals, self.unknown, self.outputs
        )
        self.asked: str | None = None
        """What an open quiz asks for ("output_size", "output", "grad_input", "grad_weight"):
        the grids that show it stay hidden until it is answered."""
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
        self._show_formula()
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

    def hide_answer_of(self, asked: str | None) -> None:
        """Hide what an open quiz asks for until it is answered (None: nothing): the output
        maps (and, for its size, the size formula) behind a "?", or ∂L/∂X or ∂L/∂W."""
        self.asked = asked
        self._show_asked()
        self._show_formula()

    def _show_asked(self) -> None:
        settings = self.scrubber.settings
        output = self.asked in {"output_size", "output"}
        self.outputs.setVisible(not output)
        self.unknown.setVisible(output)
        self.dinputs.setVisible(self.asked != "grad_input")
        self.dweights.setVisible(self.asked != "grad_weight" and not settings.pooling)

    def _show_formula(self) -> None:
        # hidden while a quiz asks for the output's size; and a projector has no room for two
        # rows of grids and the output-size rule, which is not what a backward step is about
        crowded = self._theme.presenting and self.scrubber.settings.backward
        self.formula.setVisible(self.asked != "output_size" and not crowded)

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
            grid.title = f"{self._input_name(c)} · {x.shape[1]}×{x.shape[2]}"
            grid.tint = TINTS.get(settings.channel_name(c))
            grid.set_values(x[c], padding, hatched=s.inserted)
        self.kernels.setVisible(not settings.pooling)
        self.star.setText("pool" if settings.pooling else "⋆")
        self.backward_row.setVisible(settings.backward and s.error is None)
        self._show_asked()
        maps = s.output
        if maps is None:
            self._fit(self.outputs, 0)
        else:
            for o, grid in enumerate(self._fit(self.outputs, maps.shape[0])):
                grid.title = f"{self._output_name(o)} · {maps.shape[1]}×{maps.shape[2]}"
                grid.set_values(maps[o])
        upstream = s.upstream
        if upstream is not None:
            which = "ch" if settings.pooling else "filter"
            for o, grid in enumerate(self._fit(self.upstreams, upstream.shape[0])):
                grid.title = f"∂L/∂y · {which} {o + 1}"
                grid.set_values(upstream[o], color="grad")
        self.formula.setText("\n".join(condensed(s.formula)))
        self._show_formula()
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
        scrubber = self.scrubber
        s = scrubber.settings
        notes = []
        if s.colour is not None and s.in_channels > 1:
            shown = min(s.in_channels, s.image_channels)
            names = ", ".join(s.channel_name(c) for c in range(shown))
            notes.append(
                f"The input is a colour picture: its {names} channels, 0 to 255 each. A filter "
                "holds one kernel slice per channel (here the chosen kernel for each) and adds "
                "up the products of all of them into one output cell."
            )
        if s.in_channels > s.image_channels:
            notes.append(
                f"Channels beyond the image's own {s.image_channels}, and the kernel slices that "
                f"meet them, are seeded random −1/0/1 (seed {s.seed})."
            )
        if s.out_channels > 1:
            square = s.kernel.shape[0] == s.kernel.shape[1]
            turned = "turned by (o − 1)·90°" if square else "negated for every second filter"
            notes.append(f"Filter o is the chosen kernel {turned}.")
        if max(s.in_channels, s.out_channels) > MAX_MAPS:
            notes.append(f"Showing the first {MAX_MAPS} maps of each kind.")
        source, gap = scrubber.source, scrubber.adjoint_gap
        if source is not None and gap is not None:
            size = f"{source.shape[1]}×{source.shape[2]}"
            agree = (
                "autograd's ∂L/∂X equals this output (bias aside): largest difference "
                f"{format_number(gap, 2)}"
                if not math.isnan(gap)
                else "with this output padding it has another shape"
            )
            notes.append(
                f"Transposed convolution of the {size} input (hatched: the inserted zeros and "
                "the padding). The same numbers are the gradient of the forward convolution "
                f"with these kernels: with ∂L/∂y = the {size} input, {agree}."
            )
        if s.flip and not s.pooling and s.mode != "transpose":
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

    def _output_name(self, index: int) -> str:
        """ "output", "map f2" (filter 2's feature map), "max pool", "avg pool ch2"."""
        settings = self.scrubber.settings
        several = self.scrubber.output is not None and len(self.scrubber.output) > 1
        if settings.pooling:
            kind = f"{settings.pool_kind} pool"
            return f"{kind} ch{index + 1}" if several else kind
        return f"map f{index + 1}" if several else "output"

    def _input_name(self, channel: int) -> str:
        """ "input", "input ch2", "red" (a colour picture's channel), "stretched" (transposed)."""
        settings = self.scrubber.settings
        if self.scrubber.inserted is not None:
            return "stretched" if settings.in_channels == 1 else f"stretched ch{channel + 1}"
        if settings.colour is not None and channel < settings.image_channels:
            return settings.channel_name(channel)
        return "input" if settings.in_channels == 1 else f"input ch{channel + 1}"

    def _show_kernel(self, filt: int) -> None:
        s = self.scrubber
        if s.settings.pooling:
            return
        weight = s.weight
        turned = s.settings.flip or s.settings.mode == "transpose"
        name = "flipped kernel" if turned else "kernel"
        for c, grid in enumerate(self._fit(self.kernels, weight.shape[1])):
            grid.title = f"{name}{self._which(filt, c)}"
            grid.set_values(weight[filt, c])

    def _which(self, filt: int, channel: int) -> str:
        """ " f2 ch1" (or " f2 red") when there are several filters or channels to tell apart."""
        s = self.scrubber.settings
        if s.in_channels == 1 and s.out_channels == 1:
            return ""
        if s.in_channels == 1:
            return f" f{filt + 1}"
        return f" f{filt + 1} {s.channel_name(channel).replace('ch ', 'ch')}"

    def _mark_outputs(self, record: WindowRecord | None) -> None:
        s = self.scrubber
        if s.output is None:
            return
        computed = s.computed()
        for o, grid in enumerate(self.outputs.grids[: s.output.shape[0]]):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            # a backward mode starts from the finished forward pass: only gradients are pending
            pending = None if s.settings.backward else ~computed[o]
            grid.set_marks([cell] if cell else [], current=cell, pending=pending)
        for o, grid in enumerate(self.upstreams.grids):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            grid.set_marks([cell] if cell else [], current=cell)

    def _show_grads(self, record: WindowRecord | None, filt: int) -> None:
        s = self.scrubber
        dw, dx = s.grads_at(s.position)
        if dw is not None:
            for c, grid in enumerate(self._fit(self.dweights, dw.shape[1])):
                grid.title = f"∂L/∂W{self._which(filt, c)}"
                grid.set_values(dw[filt, c], color="grad")
        for c, grid in enumerate(self._fit(self.dinputs, dx.shape[0])):
            grid.title = f"∂L/∂X · {s.settings.channel_name(c)}"
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
            winner = None
            if record is not None and record.winner is not None and record.channel == c:
                win = record.terms[record.winner].cell
                winner = (win.row, win.col)
            grid.set_marks(cells, winner=winner)

    def grid_values(self) -> dict[str, list[Array]]:
        """What each visible column shows (for tests and export)."""
        return {
            name: [np.array(g.values) for g in column.grids if g.isVisibleTo(self)]
            for name, column in zip(
                ("input", "kernel", "output", "upstream", "dW", "dX"), self._columns(), strict=True
            )
        }
