"""The conv view's arithmetic of room: the largest cells that fit stacked or side by side, the
arrangement chosen, and the size formula as a slide shows it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradlab.gui.conv.arrange import (
    Band,
    brief,
    cell_beside,
    cell_stacked,
    condensed,
    side_by_side,
    stretches,
)

pytestmark = pytest.mark.gui

FORWARD = Band(cols=9, rows=4, fixed_width=150.0, fixed_height=35.0)
"""input 4×4 ⋆ kernel 2×2 = output 3×3, with the symbols between them."""
BACKWARD = Band(cols=9, rows=4, fixed_width=12.0, fixed_height=35.0)
"""∂L/∂y 3×3, ∂L/∂W 2×2, ∂L/∂X 4×4."""
GAPS = (6.0, 40.0)

bands = st.builds(
    Band,
    cols=st.integers(1, 30),
    rows=st.integers(1, 30),
    fixed_width=st.floats(0, 300),
    fixed_height=st.floats(0, 100),
)
rooms = st.floats(50, 3000)


def fits_stacked(group: list[Band], cell: float, width: float, height: float) -> bool:
    tall = sum(b.rows * cell + b.fixed_height for b in group) + GAPS[0] * (len(group) - 1)
    wide = max(b.cols * cell + b.fixed_width for b in group)
    return tall <= height + 1e-6 and wide <= width + 1e-6


def fits_beside(group: list[Band], cell: float, width: float, height: float) -> bool:
    wide = sum(b.cols * cell + b.fixed_width for b in group) + GAPS[1] * (len(group) - 1)
    tall = max(b.rows * cell + b.fixed_height for b in group)
    return wide <= width + 1e-6 and tall <= height + 1e-6


@given(st.lists(bands, min_size=1, max_size=3), rooms, rooms)
def test_the_cells_are_the_largest_that_fit(group: list[Band], width: float, height: float) -> None:
    stacked = cell_stacked(group, width, height, GAPS[0])
    beside = cell_beside(group, width, height, GAPS[1])
    for cell, fits in ((stacked, fits_stacked), (beside, fits_beside)):
        if cell > 0:
            assert fits(group, cell, width, height)
            assert not fits(group, cell + 0.01, width, height)


def test_a_short_wide_room_sets_the_rows_side_by_side() -> None:
    """A backward step under a quiz on a 1024×768 projector: 1016 × 230 pixels for the grids."""
    group = [FORWARD, BACKWARD]
    assert cell_beside(group, 1016, 230, GAPS[1]) > 1.5 * cell_stacked(group, 1016, 230, GAPS[0])
    assert side_by_side(group, 1016, 230, largest=90.0, gaps=GAPS)
    # what each row gets across is its cells' width: the forward row's symbols on top
    forward, backward = stretches(group, 1016, 230, GAPS[1], beside=True)
    cell = cell_beside(group, 1016, 230, GAPS[1])
    assert forward == round(9 * cell + 150)
    assert backward == round(9 * cell + 12)


def test_a_tall_room_keeps_the_rows_stacked() -> None:
    group = [FORWARD, BACKWARD]
    assert not side_by_side(group, 700, 800, largest=90.0, gaps=GAPS)
    # each row gets the height its cells need
    top, bottom = stretches(group, 700, 800, GAPS[0], beside=False)
    assert top == bottom


def test_stacked_stays_when_both_reach_the_largest_cell() -> None:
    group = [Band(3, 3, 0, 20), Band(3, 3, 0, 20)]
    assert cell_beside(group, 3000, 1000, GAPS[1]) > cell_stacked(group, 3000, 1000, GAPS[0]) > 80
    assert not side_by_side(group, 3000, 1000, largest=80.0, gaps=GAPS)


def test_one_row_is_never_side_by_side() -> None:
    assert not side_by_side([FORWARD], 3000, 100, largest=90.0, gaps=GAPS)


TRANSPOSED = (
    "output size per axis: (n − 1)·s − 2p + d(k − 1) + output_padding + 1",
    "rows: (2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5",
    "cols: (2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5",
    "read as a convolution: 1 zero between input cells, then the kernel turned 180°",
)


def test_a_slide_shows_the_formula_with_this_steps_numbers_only() -> None:
    assert condensed(TRANSPOSED) == (
        TRANSPOSED[0],
        "rows and cols: (2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5",
        TRANSPOSED[3],
    )
    assert brief(TRANSPOSED) == ("rows and cols: (2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5",)
    wide = (TRANSPOSED[0], "rows: ⌊5 / 1⌋ + 1 = 6", "cols: ⌊7 / 1⌋ + 1 = 8")
    assert condensed(wide) == wide
    assert brief(wide) == wide[1:]
    assert brief(("no numbers here",)) == ("no numbers here",)
