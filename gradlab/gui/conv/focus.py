"""Which columns of the conv view show one grid large and the others as thumbnails, by arithmetic
on the room the grids get, and `Focus`: which grid that is.

Three 8×8 colour channels stacked in one column under a step's text on a 1024×768 projector got
13-pixel cells: images, where the lesson talks about their values. A column is condensed when
its grids, stacked, would be too small for their numbers while one of them alone shows them
(a 28×28 digit is an image either way and stays stacked). The height each row of grids gets is
judged as if nothing were condensed, so the choice does not feed back on itself.

`Focus` keeps which grid that is: the input channel shown large stays from window to window
until C or a click on a thumbnail changes it; the output map shown large is the current window's;
the kernel slice that meets the large channel is outlined. It is apart from `view` so that the
view only measures the room each row gets and says when the window changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradlab.gui.conv.arrange import Band, side_by_side, stretches
from gradlab.gui.conv.column import COLUMN_SPACING, GRID_MARGIN, Column, Columns
from gradlab.state.conv.records import WindowRecord
from gradlab.state.conv.scrubber import ConvScrubber


def row_heights(
    bands: Sequence[Band], width: float, height: float, largest: float, gaps: tuple[float, float]
) -> list[float]:
    """The pixels down each band gets when no column is condensed: all of `height` side by
    side (or alone), its share of it stacked (see `arrange`)."""
    beside = side_by_side(bands, width, height, largest, gaps)
    if beside or len(bands) < 2:
        return [height] * len(bands)
    factors = stretches(bands, width, height, gaps[0], beside=False)
    room = height - gaps[0] * (len(bands) - 1)
    return [room * factor / sum(factors) for factor in factors]


def worth_condensing(column: Column, height: float) -> bool:
    """Stacked in `height` pixels, the column's grids would be images, and one alone would show
    its numbers."""
    grids = [grid for grid in column.grids if not grid.isHidden()]
    if len(grids) < 2 or grids[0].always_numbers:
        return False
    count, rows = len(grids), grids[0].shape[0]
    title = grids[0].title_height() + GRID_MARGIN
    alone = (height - title - column.strip_height(condensed=True)) / rows
    # the cheap bound first: a digit's 784 numbers are formatted only when they could fit
    if alone < grids[0].legible_cell():
        return False
    stacked = (height - count * title - COLUMN_SPACING * (count - 1)) / (count * rows)
    needed = max(grid.number_cell() for grid in grids)
    return stacked < needed <= alone


class Focus:
    """The input channel and the output map shown large where their columns are condensed, and
    the kernel slices (and ∂L/∂W slices) outlined with the channel."""

    def __init__(self, scrubber: ConvScrubber, columns: Columns) -> None:
        self._scrubber = scrubber
        self._columns = columns
        self.input = 0
        """The input channel shown large where the inputs are condensed."""
        self.map = 0
        """The output map shown large: the current window's filter."""

    def condense(self, forward: float | None, backward: float | None) -> None:
        """Condense the columns worth it (see `worth_condensing`) in the heights the forward and
        the backward row get (None: the row is not shown), stack the others."""
        c = self._columns
        for room, columns in (
            (forward, (c.inputs, c.outputs)),
            (backward, (c.upstreams, c.dinputs)),
        ):
            for column in columns:
                condensed = room is not None and worth_condensing(column, room)
                column.show_large(condensed, self._of(column))
        self._outline_kernel()

    def show_input(self, channel: int) -> None:
        """Input channel `channel` large (where the inputs are condensed), counting round."""
        count = len(self._scrubber.input_array)
        self.input = channel % count if count else 0
        self._show(self._columns.inputs, self._columns.dinputs)

    def pick_map(self, index: int) -> None:
        """A map's thumbnail was clicked: go to its first window, so it and its filter show."""
        if self._scrubber.output is not None and self._scrubber.error is None:
            self._scrubber.jump_to(index, 0, 0)

    def follow(self, record: WindowRecord | None) -> None:
        """Window `record` is the current one (None: none yet): its map large."""
        if record is not None and self._scrubber.settings.pooling:
            self.input = record.channel  # a pooled map reads one channel: show it
        self.map = record.channel if record is not None else 0
        c = self._columns
        self._show(c.inputs, c.dinputs, c.outputs, c.upstreams)

    def _of(self, column: Column) -> int:
        """The grid `column` shows large: the channel's (inputs, ∂L/∂X) or the map's."""
        inputs = column is self._columns.inputs or column is self._columns.dinputs
        return self.input if inputs else self.map

    def _show(self, *columns: Column) -> None:
        for column in columns:
            column.show_large(column.condensed, self._of(column))
        self._outline_kernel()

    def _outline_kernel(self) -> None:
        """Outline the kernel slice (and ∂L/∂W slice) that meets the input channel shown large."""
        inputs = self._columns.inputs
        for column in (self._columns.kernels, self._columns.dweights):
            for c, grid in enumerate(column.grids):
                grid.set_emphasised(inputs.condensed and c == inputs.focus)
