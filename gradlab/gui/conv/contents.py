"""`GridContents`: the conv view's six columns of grids and what they show, written from a
`ConvScrubber`: titles and numbers when the scrubber is rebuilt, and on each window the cells it
covers on the inputs, the current filter's kernel slices, the output cell, the gradients
accumulated so far and the readout's text.

Apart from `view`, which decides where the grids stand and how large, and places the words: this
module never measures the room, and the view never reads a window's terms. It makes the grids
(at most `MAX_MAPS` a column), so it also keeps which of them share one cell size (`regroup`).
"""

from __future__ import annotations

from gradlab.gui.conv.column import Column, Columns
from gradlab.gui.conv.grid import GridView
from gradlab.gui.conv.titles import input_name, output_name, which
from gradlab.gui.theme import Theme
from gradlab.state.conv.records import WindowRecord
from gradlab.state.conv.scrubber import ConvScrubber

MAX_MAPS = 4
"""Grids drawn per column; more channels or filters are summarised in a note."""
TINTS = {"red": (235, 40, 40), "green": (40, 190, 60), "blue": (60, 100, 240)}
"""The colour a colour picture's channel is drawn in when its cells are too small for numbers."""


class GridContents:
    """The view's columns of grids, and their titles, numbers and marks, following `scrubber`."""

    def __init__(self, scrubber: ConvScrubber, theme: Theme) -> None:
        self._scrubber = scrubber
        self._theme = theme
        # the grids of a row share one cell size, so a kernel cell matches an input cell (rows
        # side by side share one between them, see `regroup`)
        forward: list[GridView] = []
        backward: list[GridView] = []
        self._bands = (forward, backward)
        self._shared = False
        self.columns = Columns(
            # the input's thumbnails above it: beside it they took the width the maps' numbers need
            inputs=Column(forward, strip_above=True),
            kernels=Column(forward, always_numbers=True),
            outputs=Column(forward, scrubber.jump_to),
            upstreams=Column(backward, scrubber.jump_to),
            dweights=Column(backward, always_numbers=True),
            dinputs=Column(backward, strip_above=True),
        )

    def apply_theme(self, theme: Theme) -> None:
        """Colours and sizes of every grid, and of those made later."""
        self._theme = theme
        for column in self.columns:
            for grid in column.grids:
                grid.apply_theme(theme)

    def regroup(self, shared: bool) -> None:
        """Stacked, each row's grids share a cell size; side by side (`shared`), all of them do
        (a 2×2 ∂L/∂y twice the size of the 2×2 map beside it read as larger numbers)."""
        self._shared = shared
        forward, backward = self._bands
        together = forward + backward if shared else None
        for band in (forward, backward):
            for grid in band:
                grid.group = band if together is None else together

    def rebuilt(self) -> None:
        """The input channels, the output maps and ∂L/∂y of a rebuilt scrubber."""
        s = self._scrubber
        settings = s.settings
        x = s.input_array
        geometry = s.geometry
        padding = 0 if settings.pooling or geometry is None else geometry.padding[0]
        columns = self.columns
        for c, grid in enumerate(self._fit(columns.inputs, x.shape[0])):
            grid.label = input_name(s, c)
            grid.title = f"{grid.label} · {x.shape[1]}×{x.shape[2]}"
            grid.tint = TINTS.get(settings.channel_name(c))
            grid.set_values(x[c], padding, hatched=s.inserted)
        maps = s.output
        if maps is None:
            self._fit(columns.outputs, 0)
        else:
            for o, grid in enumerate(self._fit(columns.outputs, maps.shape[0])):
                grid.label = output_name(s, o)
                grid.title = f"{grid.label} · {maps.shape[1]}×{maps.shape[2]}"
                grid.set_values(maps[o])
        upstream = s.upstream
        if upstream is not None:
            kind = "ch" if settings.pooling else "filter"
            for o, grid in enumerate(self._fit(columns.upstreams, upstream.shape[0])):
                several = upstream.shape[0] > 1
                grid.title = f"∂L/∂y · {kind} {o + 1}" if several else "∂L/∂y"
                grid.set_values(upstream[o], color="grad")

    def follow(self, record: WindowRecord | None) -> None:
        """Show window `record` (None: before the first): its cells on the inputs, its filter's
        kernel slices, its output cell, and the backward grids as they stand after it."""
        s = self._scrubber
        filt = record.channel if record is not None and not s.settings.pooling else 0
        self._mark_inputs(record)
        self._show_kernel(filt)
        self._mark_outputs(record)
        if s.upstream is not None and s.error is None:
            self._show_grads(record, filt)

    def readout(self, condensed: bool, channel: int) -> str:
        """The current window in numbers: with the inputs `condensed`, `channel` (the one shown
        large) in full and the others by their sums (and the key that shows another)."""
        s = self._scrubber
        hint = "" if s.error is not None else "Step forward (→) or click an output cell."
        if condensed and hint:
            # one line on a 1024-pixel projector: the grids need the height
            hint = "→ or an output cell: a window · C or a thumbnail: another channel"
        return s.readout(channel if condensed else None) or hint

    def _fit(self, column: Column, count: int) -> list[GridView]:
        """Grids for `count` channels (or maps) in `column`, at most `MAX_MAPS`: those shown."""
        column.resize_to(min(count, MAX_MAPS), self._theme)
        self.regroup(self._shared)
        return column.grids[: min(count, MAX_MAPS)]

    def _mark_inputs(self, record: WindowRecord | None) -> None:
        for c, grid in enumerate(self.columns.inputs.grids):
            if record is None or (self._scrubber.settings.pooling and c != record.channel):
                grid.set_marks()
                continue
            cells = [(t.cell.row, t.cell.col) for t in record.terms if t.channel == c]
            winner = None
            if record.winner is not None:
                win = record.terms[record.winner].cell
                winner = (win.row, win.col)
            grid.set_marks(cells, winner=winner)

    def _show_kernel(self, filt: int) -> None:
        s = self._scrubber
        if s.settings.pooling:
            return
        weight = s.weight
        turned = s.settings.flip or s.settings.mode == "transpose"
        name = "flipped kernel" if turned else "kernel"
        for c, grid in enumerate(self._fit(self.columns.kernels, weight.shape[1])):
            grid.title = f"{name}{which(s, filt, c)}"
            grid.set_values(weight[filt, c])

    def _mark_outputs(self, record: WindowRecord | None) -> None:
        s = self._scrubber
        if s.output is None:
            return
        computed = s.computed()
        for o, grid in enumerate(self.columns.outputs.grids[: s.output.shape[0]]):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            # a backward mode starts from the finished forward pass: only gradients are pending
            pending = None if s.settings.backward else ~computed[o]
            grid.set_marks([cell] if cell else [], current=cell, pending=pending)
        for o, grid in enumerate(self.columns.upstreams.grids):
            here = record is not None and record.channel == o
            cell = (record.row, record.col) if record is not None and here else None
            grid.set_marks([cell] if cell else [], current=cell)

    def _show_grads(self, record: WindowRecord | None, filt: int) -> None:
        s = self._scrubber
        dw, dx = s.grads_at(s.position)
        if dw is not None:
            for c, grid in enumerate(self._fit(self.columns.dweights, dw.shape[1])):
                grid.title = f"∂L/∂W{which(s, filt, c)}"
                grid.set_values(dw[filt, c], color="grad")
        for c, grid in enumerate(self._fit(self.columns.dinputs, dx.shape[0])):
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
