"""`Column`: a vertical stack of grids of one kind, `Columns`: the conv view's six of them, and
`band_of`: a row of them measured in cells for `arrange`.

A column of several channels (or maps) can be condensed: where stacked they would be images, it
shows one of them large, with its numbers, and the others as small labelled thumbnails in a strip
beside it (or above it); clicking a thumbnail asks for it to be the large one (`picked`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QWidget

from gradlab.gui.conv.arrange import Band
from gradlab.gui.conv.grid import GridView
from gradlab.gui.theme import Theme

GRID_MARGIN = 4
"""Pixels around a grid's cells (see `GridView.fit_cell`)."""
COLUMN_SPACING = 2


class Column(QWidget):
    """A vertical stack of grids of one kind (all input channels, all output maps, ...)."""

    picked = Signal(int)
    """The thumbnail of grid i was clicked."""

    def __init__(
        self,
        group: list[GridView],
        on_click: Callable[[int, int, int], None] | None = None,
        *,
        always_numbers: bool = False,
        strip_above: bool = False,
    ) -> None:
        """`strip_above`: the thumbnails stand in a row above the large grid (a column with
        height to spare), not in a column beside it."""
        super().__init__()
        self._above = strip_above
        self._always_numbers = always_numbers
        self.grids: list[GridView] = []
        self._group = group
        self._on_click = on_click
        self._count = 0
        self.focus = 0
        """The grid shown large while `condensed`."""
        self.condensed = False
        """One grid large, the others thumbnails (see the module docstring)."""
        down, across = QBoxLayout.Direction.TopToBottom, QBoxLayout.Direction.LeftToRight
        layout = QBoxLayout(down if strip_above else across, self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(COLUMN_SPACING)
        self._strip = QBoxLayout(across if strip_above else down)
        self._strip.setSpacing(COLUMN_SPACING)
        self._stack = QBoxLayout(down)
        self._stack.setSpacing(COLUMN_SPACING)
        layout.addLayout(self._strip, 0)
        layout.addLayout(self._stack, 1)

    def resize_to(self, count: int, theme: Theme) -> None:
        while len(self.grids) < count:
            grid = GridView()
            grid.group = self._group
            grid.always_numbers = self._always_numbers
            self._group.append(grid)
            grid.apply_theme(theme)
            if self._on_click is not None:
                grid.cell_clicked.connect(partial(self._on_click, len(self.grids)))
            grid.picked.connect(partial(self.picked.emit, len(self.grids)))
            self.grids.append(grid)
            self._stack.addWidget(grid, 1)
        self._count = count
        for i, grid in enumerate(self.grids):
            grid.setVisible(i < count)
            grid.stacked = count > 1
            grid.updateGeometry()
        self._place()

    def show_large(self, condensed: bool, focus: int) -> None:
        """Condense the column around grid `focus`, or (not `condensed`) stack all its grids."""
        condensed = condensed and self._count > 1
        focus = min(max(focus, 0), max(self._count - 1, 0))
        if (condensed, focus) != (self.condensed, self.focus):
            self.condensed, self.focus = condensed, focus
            self._place()

    def _place(self) -> None:
        """Each grid into the strip of thumbnails or the stack of large grids, in order."""
        for layout in (self._strip, self._stack):
            while layout.count():
                layout.takeAt(0)
        if self.thumbnails():
            self._strip.addStretch(1)
        for i, grid in enumerate(self.grids):
            thumbnail = self.condensed and i != self.focus and i < self._count
            if thumbnail != grid.thumbnail:
                grid.set_thumbnail(thumbnail)
            if thumbnail:
                self._strip.addWidget(grid, 0)
            else:
                self._stack.addWidget(grid, 1)
        if self.thumbnails():
            self._strip.addStretch(1)

    def large(self) -> list[GridView]:
        """The grids shown at full size (all of them unless condensed)."""
        return [grid for grid in self.grids if not grid.isHidden() and not grid.thumbnail]

    def thumbnails(self) -> list[GridView]:
        return [grid for grid in self.grids[: self._count] if grid.thumbnail]

    def strip_width(self) -> float:
        """Pixels the strip of thumbnails takes beside the large grid (0 without one)."""
        widths = [grid.thumb_size().width() for grid in self.thumbnails()]
        return max(widths) + COLUMN_SPACING if widths and not self._above else 0.0

    def strip_height(self, condensed: bool | None = None) -> float:
        """Pixels the strip takes above the large grid (0 beside it, or without one); as if
        condensed around the focus when `condensed`."""
        condensed = self.condensed if condensed is None else condensed
        shown = self.grids[: self._count]
        heights = [grid.thumb_size().height() for i, grid in enumerate(shown) if i != self.focus]
        above = self._above and condensed and heights
        return max(heights) + COLUMN_SPACING if above else 0.0


class Columns(NamedTuple):
    """The conv view's columns: the forward row's, then the backward row's."""

    inputs: Column
    kernels: Column
    outputs: Column
    upstreams: Column
    dweights: Column
    dinputs: Column


def band_of(widgets: Sequence[QWidget], spacing: float, *, whole: bool = False) -> Band | None:
    """The row of `widgets` (columns of grids and the symbols between them, `spacing` apart)
    in cells and fixed pixels, counting only what is shown (None: no grid is). `whole`: as if
    no column were condensed (every grid stacked at full size)."""
    cols = rows = 0
    fixed_width = fixed_height = 0.0
    shown = [widget for widget in widgets if not widget.isHidden()]
    for widget in shown:
        if not isinstance(widget, Column):
            fixed_width += widget.sizeHint().width()
            continue
        grids = [g for g in widget.grids if not g.isHidden()] if whole else widget.large()
        if not grids:
            continue
        grid_rows, grid_cols = grids[0].shape
        cols += grid_cols
        rows = max(rows, grid_rows * len(grids))
        titles = len(grids) * (grids[0].title_height() + GRID_MARGIN)
        titles += 0.0 if whole else widget.strip_height()
        fixed_width += GRID_MARGIN + (0.0 if whole else widget.strip_width())
        fixed_height = max(fixed_height, titles + COLUMN_SPACING * (len(grids) - 1))
    fixed_width += spacing * max(len(shown) - 1, 0)
    return Band(cols, rows, fixed_width, fixed_height) if cols else None
