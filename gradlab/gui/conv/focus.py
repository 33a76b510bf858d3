"""Which columns of the conv view show one grid large and the others as thumbnails, by arithmetic
on the room the grids get.

Three 8×8 colour channels stacked in one column under a step's text on a 1024×768 projector got
13-pixel cells: images, where the lesson talks about their values. A column is condensed when
its grids, stacked, would be too small for their numbers while one of them alone shows them
(a 28×28 digit is an image either way and stays stacked). The height each row of grids gets is
judged as if nothing were condensed, so the choice does not feed back on itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradlab.gui.conv.arrange import Band, side_by_side, stretches
from gradlab.gui.conv.column import COLUMN_SPACING, GRID_MARGIN, Column


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
