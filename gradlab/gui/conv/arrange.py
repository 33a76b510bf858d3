"""Where the conv view's parts go, by arithmetic on cells: the forward and backward rows of grids
stacked or side by side, and the output-size formula in full or brief.

A backward step has two rows of grids (input ⋆ kernel = output; ∂L/∂y, ∂L/∂W, ∂L/∂X). Stacked,
each row gets half the height; on a 768-line projector under the step's text that left cells too
small for numbers while half the width stood empty. So the view asks which arrangement gives the
larger cells and takes that one, stacked when both reach the largest cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """One row of grids as the arithmetic sees it."""

    cols: int
    """Cells across, all its grids side by side."""
    rows: int
    """Cells down, its tallest column (stacked channels counted)."""
    fixed_width: float
    """Pixels across that are not cells: the symbols between the grids, spacing, margins."""
    fixed_height: float
    """Pixels down that are not cells: titles and margins of its tallest column."""


def cell_stacked(bands: Sequence[Band], width: float, height: float, spacing: float) -> float:
    """The cell side when the bands are stacked in `width` × `height` pixels."""
    if not bands:
        return 0.0
    across = min((width - band.fixed_width) / max(band.cols, 1) for band in bands)
    fixed = sum(band.fixed_height for band in bands) + spacing * (len(bands) - 1)
    down = (height - fixed) / max(sum(band.rows for band in bands), 1)
    return max(0.0, min(across, down))


def cell_beside(bands: Sequence[Band], width: float, height: float, spacing: float) -> float:
    """The cell side when the bands stand side by side in `width` × `height` pixels."""
    if not bands:
        return 0.0
    fixed = sum(band.fixed_width for band in bands) + spacing * (len(bands) - 1)
    across = (width - fixed) / max(sum(band.cols for band in bands), 1)
    down = min((height - band.fixed_height) / max(band.rows, 1) for band in bands)
    return max(0.0, min(across, down))


def side_by_side(
    bands: Sequence[Band], width: float, height: float, largest: float, gaps: tuple[float, float]
) -> bool:
    """True if the bands' cells are larger side by side than stacked, with `gaps` = (pixels
    between stacked bands, between bands side by side). Cells are never drawn larger than
    `largest`, so when both reach it the familiar stacked rows stay."""
    if len(bands) < 2:
        return False
    stacked = min(cell_stacked(bands, width, height, gaps[0]), largest)
    beside = min(cell_beside(bands, width, height, gaps[1]), largest)
    return beside > stacked + 0.5


def stretches(
    bands: Sequence[Band], width: float, height: float, spacing: float, beside: bool
) -> list[int]:
    """Layout stretch factors that give each band the pixels its cells need in the chosen
    arrangement: its width side by side, its height stacked."""
    if beside:
        cell = cell_beside(bands, width, height, spacing)
        return [max(1, round(band.cols * cell + band.fixed_width)) for band in bands]
    cell = cell_stacked(bands, width, height, spacing)
    return [max(1, round(band.rows * cell + band.fixed_height)) for band in bands]


def condensed(formula: Sequence[str]) -> tuple[str, ...]:
    """The size formula with one line for rows and cols when they read the same (a square
    input and kernel): a line less under the grids."""
    lines = tuple(formula)
    if len(lines) >= 3 and lines[1].startswith("rows: ") and lines[2].startswith("cols: "):
        rows, cols = lines[1].removeprefix("rows: "), lines[2].removeprefix("cols: ")
        if rows == cols:
            return (lines[0], f"rows and cols: {rows}", *lines[3:])
    return lines


def brief(formula: Sequence[str]) -> tuple[str, ...]:
    """The formula as a slide shows it: only its lines with this step's numbers (rows and
    cols), not the general rule above them nor the reading as a convolution below them."""
    lines = condensed(formula)
    numbered = tuple(line for line in lines if line.startswith(("rows", "cols")))
    return numbered or lines
