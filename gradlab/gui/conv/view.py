"""`ConvView`: input ⋆ kernel = output grids, the window readout and the output-size formula.

The view takes a `ConvScrubber` and draws from it; it computes nothing. Forward: one input grid per
channel (hatched padding; red, green and blue for a colour image), the current filter's kernel
slice per channel, one output map per filter. Pooling: input channels and pooled maps. The
backward modes add a second row: the upstream gradient, dL/dW of the current filter (convolution
only; a pool has no weights) and dL/dX, accumulating window by window. The transposed convolution
shows the input stretched and padded (its inserted zeros hatched), the kernel turned 180° and the
output. Clicking an output cell jumps to its window. The two rows stand side by side where that
gives larger cells (see `arrange`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.engine.trace import Array
from gradlab.gui.conv.arrange import Band, brief, condensed, side_by_side, stretches
from gradlab.gui.conv.column import Column, band_of
from gradlab.gui.conv.focus import row_heights, worth_condensing
from gradlab.gui.conv.grid import BASE_CELL, MAX_CELL, GridView
from gradlab.gui.conv.notes import note_text
from gradlab.gui.conv.titles import input_name, output_name, which
from gradlab.gui.theme import Theme
from gradlab.gui.typography import CONV_GRID, CONV_NOTE, CONV_SYMBOL, CONV_TEXT, CONV_WORD
from gradlab.state.conv.records import WindowRecord
from gradlab.state.conv.scrubber import ConvScrubber

MAX_MAPS = 4
"""Grids drawn per column; more channels or filters are summarised in a note."""
WORDS_BESIDE_WIDTH = 1400
"""From this width on, presenting, the readout and formulas sit beside the grids."""
STACKED_GAP = 6
"""Pixels between the forward row of grids and the backward row under it."""
BESIDE_GAP = 0.5 * BASE_CELL
"""Between the forward row and the backward row beside it: half a cell (at font scale 1)."""


TINTS = {"red": (235, 40, 40), "green": (40, 190, 60), "blue": (60, 100, 240)}
"""The colour a colour picture's channel is drawn in when its cells are too small for numbers."""


class ConvView(QWidget):
    """Grids, readout and formula of a `ConvScrubber`, following its signals."""

    def __init__(self, scrubber: ConvScrubber, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scrubber = scrubber
        self._theme = theme
        self._make_columns(scrubber)
        self.input_focus = 0
        """The input channel shown large where the inputs are condensed (see `focus`)."""
        self._map_focus = 0
        """The output map shown large: the current window's filter."""
        self._condensing = False
        self._stretches: list[tuple[QHBoxLayout, int, Column]] = []
        self._parts: dict[QWidget, tuple[QHBoxLayout, tuple[QWidget, ...]]] = {}
        """Each row of grids: its layout and what stands in it, in order."""
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
        self._words_beside = False
        self.backward_row = self._row(self.upstreams, self.dweights, self.dinputs)
        self.readout = self._label()
        self.formula = self._label()
        self.note = self._label()
        self.error = self._label()
        grids = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        grids.addWidget(self.forward_row, 1)
        grids.addWidget(self.backward_row, 1)
        self.grids = grids
        """The forward row over the backward row, or beside it (`rows_side_by_side`)."""
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

    def _make_columns(self, scrubber: ConvScrubber) -> None:
        # the grids of a row share one cell size, so a kernel cell matches an input cell (rows
        # side by side share one between them, see `_regroup`)
        forward: list[GridView] = []
        backward: list[GridView] = []
        self._bands = (forward, backward)
        # the input's thumbnails above it: beside it they took the width the maps' numbers need
        self.inputs = Column(forward, strip_above=True)
        self.kernels = Column(forward, always_numbers=True)
        self.outputs = Column(forward, scrubber.jump_to)
        self.upstreams = Column(backward, scrubber.jump_to)
        self.dweights = Column(backward, always_numbers=True)
        self.dinputs = Column(backward, strip_above=True)
        for column in (self.inputs, self.dinputs):
            column.picked.connect(self.show_input)
        for column in (self.outputs, self.upstreams):
            column.picked.connect(self._pick_map)

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
        self._parts[row] = (layout, widgets)
        for index, widget in enumerate(widgets):
            layout.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
            if isinstance(widget, Column):
                self._stretches.append((layout, index, widget))
        return row

    # ---- theme and presentation ----------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        """Colours, and sizes by role: larger while `theme.presenting`."""
        self._theme = theme
        roles = {self.equals: CONV_SYMBOL, self.unknown: CONV_SYMBOL}
        roles |= {self.formula: CONV_NOTE, self.note: CONV_NOTE}
        for label in (self.readout, self.formula, self.note, self.error, *roles):
            label.setFont(roles.get(label, CONV_TEXT).font(theme, self.font()))
        self._show_operator()
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
        self._words_beside = beside
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self.words.setDirection(across if presenting and not beside else down)
        if (across if beside else down) != self._layout.direction():
            self._layout.setDirection(across if beside else down)
            self._layout.setStretch(0, 3)
            self._layout.setStretch(1, 1 if beside else 0)
        self._show_formula()
        self._arrange_grids()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_words()

    def rows_side_by_side(self) -> bool:
        """The backward row of grids stands beside the forward row, not under it."""
        return self.grids.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange_grids(self) -> None:
        """Condense the columns that need it (see `focus`), stack the rows of grids or set them
        side by side, whichever gives larger cells, and give each row the room its cells need
        (see `arrange`)."""
        width, height = self._grids_room()
        if width <= 0 or height <= 0:
            return
        scale = CONV_GRID.scale(self._theme)
        # side by side, half a cell apart, so the forward and the backward pass read as two
        gaps = (float(STACKED_GAP), round(BESIDE_GAP * scale))
        self._condense(width, self._choice_height(), MAX_CELL * scale, gaps)
        shown = [
            (index, band)
            for index, row in enumerate((self.forward_row, self.backward_row))
            if (band := self._band(row)) is not None
        ]
        bands = [band for _, band in shown]
        beside = side_by_side(bands, width, height, MAX_CELL * scale, gaps)
        spacing = gaps[1] if beside else gaps[0]
        if self.grids.spacing() != spacing:
            self.grids.setSpacing(int(spacing))
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        if self.grids.direction() != (across if beside else down):
            self.grids.setDirection(across if beside else down)
            self._regroup()
        factors = stretches(bands, width, height, spacing, beside)
        for (index, _), factor in zip(shown, factors, strict=True):
            if self.grids.stretch(index) != factor:
                self.grids.setStretch(index, factor)

    def _condense(
        self, width: float, height: float, largest: float, gaps: tuple[float, float]
    ) -> None:
        """Show one channel (map) large where a column's stacked grids would be images."""
        if self._condensing:
            return  # the readout this changes re-arranges the grids: keep this choice
        before = self.inputs.condensed
        rows = [row for row in (self.forward_row, self.backward_row) if row.isVisibleTo(self)]
        bands = [self._band(row, whole=True) for row in rows]
        heights = row_heights([b for b in bands if b is not None], width, height, largest, gaps)
        room = dict(zip([r for r, b in zip(rows, bands, strict=True) if b], heights, strict=True))
        focus = {self.inputs: self.input_focus, self.dinputs: self.input_focus}
        focus |= {self.outputs: self._map_focus, self.upstreams: self._map_focus}
        for row, columns in (
            (self.forward_row, (self.inputs, self.outputs)),
            (self.backward_row, (self.upstreams, self.dinputs)),
        ):
            for column in columns:
                condensed = row in room and worth_condensing(column, room[row])
                column.show_large(condensed, focus[column])
        self._emphasise_kernel()
        self._share_width()
        if self.inputs.condensed != before:
            self._condensing = True
            try:
                self._show_readout()  # the readout details the channel shown, or all of them
            finally:
                self._condensing = False

    def _emphasise_kernel(self) -> None:
        """Outline the kernel slice (and ∂L/∂W slice) that meets the input channel shown large."""
        for column in (self.kernels, self.dweights):
            for c, grid in enumerate(column.grids):
                grid.set_emphasised(self.inputs.condensed and c == self.inputs.focus)

    def show_input(self, channel: int) -> None:
        """Show input channel `channel` large (where the inputs are condensed)."""
        count = len(self.scrubber.input_array)
        self.input_focus = channel % count if count else 0
        for column in (self.inputs, self.dinputs):
            column.show_large(column.condensed, self.input_focus)
        self._emphasise_kernel()
        self._show_readout()

    def next_input(self) -> None:
        """The next input channel large (the lab's C key)."""
        self.show_input(self.input_focus + 1)

    def _pick_map(self, index: int) -> None:
        """A map's thumbnail was clicked: go to its first window, so it and its filter show."""
        if self.scrubber.output is not None and self.scrubber.error is None:
            self.scrubber.jump_to(index, 0, 0)

    def _choice_height(self) -> float:
        """The height condensing is judged in: the view's less one line of words. Not the words'
        real height: a condensed column's readout is shorter, so judging in the room the long
        one leaves would keep it long."""
        margins = self._layout.contentsMargins()
        line = QFontMetrics(self.readout.font()).lineSpacing()
        words = 0 if self._words_beside else line + max(self._layout.spacing(), 0)
        return float(self.height() - margins.top() - margins.bottom() - words)

    def _grids_room(self) -> tuple[float, float]:
        """The pixels the grids get, whatever their arrangement: the view less its margins and
        the words (beside: a quarter of the width; under: their height at the full width)."""
        margins = self._layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        height = self.height() - margins.top() - margins.bottom()
        spacing = max(self._layout.spacing(), 0)
        if self._words_beside:
            return (width - spacing) * 3 / 4, height
        words = self.words
        taken = words.heightForWidth(width) if words.hasHeightForWidth() else 0
        if taken > 0:
            height -= taken + spacing
        return width, height

    def _band(self, row: QWidget, whole: bool = False) -> Band | None:
        """A row of grids in cells and fixed pixels, from what it shows (None when hidden);
        `whole`: as if no column were condensed."""
        if not row.isVisibleTo(self):
            return None
        layout, widgets = self._parts[row]
        return band_of(widgets, max(layout.spacing(), 0), whole=whole)

    def hide_answer_of(self, asked: str | None) -> None:
        """Hide what an open quiz asks for until it is answered (None: nothing): the output
        maps (and, for its size, the size formula) behind a "?", or ∂L/∂X or ∂L/∂W."""
        self.asked = asked
        self._show_asked()
        self._show_formula()
        self._arrange_grids()

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
        presenting = self._theme.presenting
        # nor for it and the channels' numbers (condensed around one channel)
        crowded = presenting and (self.scrubber.settings.backward or self.inputs.condensed)
        self.formula.setVisible(self.asked != "output_size" and not crowded)
        # under the grids on a slide: this step's numbers only, the rule in full on hover
        formula = self.scrubber.formula
        short = self._words_may_go_beside and not self._words_beside
        self.formula.setText("\n".join(brief(formula) if short else condensed(formula)))
        self.formula.setToolTip("\n".join(condensed(formula)) if short else "")
        # the readout takes the whole width when nothing stands beside it
        side = not self.formula.isHidden() or not self.note.isHidden()
        self.words.setStretch(1, 1 if side else 0)

    def _show_operator(self) -> None:
        """⋆ between input and kernel, or the word "pool" (at a word's size: a symbol's made it
        wider than a pooled map)."""
        pooling = self.scrubber.settings.pooling
        self.star.setText("pool" if pooling else "⋆")
        role = CONV_WORD if pooling else CONV_SYMBOL
        self.star.setFont(role.font(self._theme, self.font()))

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
        self._regroup()
        return column.grids[: min(count, MAX_MAPS)]

    def _regroup(self) -> None:
        """Stacked, each row's grids share a cell size; side by side, all of them do (a 2×2
        ∂L/∂y twice the size of the 2×2 map beside it read as larger numbers)."""
        forward, backward = self._bands
        shared = forward + backward if self.rows_side_by_side() else None
        for band in (forward, backward):
            for grid in band:
                grid.group = band if shared is None else shared

    def _on_rebuilt(self) -> None:
        s = self.scrubber
        settings = s.settings
        x = s.input_array
        geometry = s.geometry
        padding = 0 if settings.pooling or geometry is None else geometry.padding[0]
        for c, grid in enumerate(self._fit(self.inputs, x.shape[0])):
            grid.label = input_name(s, c)
            grid.title = f"{grid.label} · {x.shape[1]}×{x.shape[2]}"
            grid.tint = TINTS.get(settings.channel_name(c))
            grid.set_values(x[c], padding, hatched=s.inserted)
        self.kernels.setVisible(not settings.pooling)
        self._show_operator()
        self.backward_row.setVisible(settings.backward and s.error is None)
        self._show_asked()
        maps = s.output
        if maps is None:
            self._fit(self.outputs, 0)
        else:
            for o, grid in enumerate(self._fit(self.outputs, maps.shape[0])):
                grid.label = output_name(s, o)
                grid.title = f"{grid.label} · {maps.shape[1]}×{maps.shape[2]}"
                grid.set_values(maps[o])
        upstream = s.upstream
        if upstream is not None:
            which = "ch" if settings.pooling else "filter"
            for o, grid in enumerate(self._fit(self.upstreams, upstream.shape[0])):
                several = upstream.shape[0] > 1
                grid.title = f"∂L/∂y · {which} {o + 1}" if several else "∂L/∂y"
                grid.set_values(upstream[o], color="grad")
        self._show_formula()
        self.error.setText(s.error or "")
        self.error.setVisible(s.error is not None)
        self.note.setText(note_text(self.scrubber, MAX_MAPS))
        self._share_width()
        self._arrange_grids()

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
        if any(column.condensed for column in columns):
            # one grid large: each column gets the pixels its numbers need, the strip included
            # (a map of 4-digit sums needs cells twice an 8-bit channel's)
            for column, cols in columns.items():
                grids = column.large()
                need = max((grid.number_cell() for grid in grids), default=0.0)
                title = max((grid.title_width() for grid in grids), default=0.0)
                columns[column] = max(1, round(max(cols * need, title) + column.strip_width()))
        for layout, index, column in self._stretches:
            layout.setStretch(index, columns[column])

    def _on_changed(self, _position: int) -> None:
        s = self.scrubber
        record = s.current()
        filt = record.channel if record is not None and not s.settings.pooling else 0
        self._mark_inputs(record)
        self._show_kernel(filt)
        self._mark_outputs(record)
        if s.upstream is not None and s.error is None:
            self._show_grads(record, filt)
        if record is not None and s.settings.pooling:
            self.input_focus = record.channel  # a pooled map reads one channel: show it
        self._map_focus = record.channel if record is not None else 0
        for column, focus in (
            (self.inputs, self.input_focus),
            (self.dinputs, self.input_focus),
            (self.outputs, self._map_focus),
            (self.upstreams, self._map_focus),
        ):
            column.show_large(column.condensed, focus)
        self._emphasise_kernel()
        self._show_readout()

    def _show_readout(self) -> None:
        """The current window in numbers: with the inputs condensed, the channel shown large in
        full and the others by their sums (and the key that shows another)."""
        s = self.scrubber
        condensed = self.inputs.condensed
        hint = "" if s.error is not None else "Step forward (→) or click an output cell."
        if condensed and hint:
            # one line on a 1024-pixel projector: the grids need the height
            hint = "→ or an output cell: a window · C or a thumbnail: another channel"
        text = s.readout(self.input_focus if condensed else None) or hint
        if text != self.readout.text():
            self.readout.setText(text)
            self._arrange_grids()  # a readout of another height leaves the grids another room

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
        turned = s.settings.flip or s.settings.mode == "transpose"
        name = "flipped kernel" if turned else "kernel"
        for c, grid in enumerate(self._fit(self.kernels, weight.shape[1])):
            grid.title = f"{name}{which(s, filt, c)}"
            grid.set_values(weight[filt, c])

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
                grid.title = f"∂L/∂W{which(s, filt, c)}"
                grid.set_values(dw[filt, c], color="grad")
        for c, grid in enumerate(self._fit(self.dinputs, dx.shape[0])):
            named = s.settings.in_channels > 1 or s.settings.colour is not None
            grid.title = f"∂L/∂X · {s.settings.channel_name(c)}" if named else "∂L/∂X"
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
