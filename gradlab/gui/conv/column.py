"""`Column`: a vertical stack of grids of one kind, and `band_of`: a row of them measured in
cells for `arrange`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradlab.gui.conv.arrange import Band
from gradlab.gui.conv.grid import GridView
from gradlab.gui.theme import Theme

GRID_MARGIN = 4
"""Pixels around a grid's cells (see `GridView.fit_cell`)."""
COLUMN_SPACING = 2


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
        self._layout.setSpacing(COLUMN_SPACING)

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


def band_of(widgets: Sequence[QWidget], spacing: float) -> Band | None:
    """The row of `widgets` (columns of grids and the symbols between them, `spacing` apart)
    in cells and fixed pixels, counting only what is shown (None: no grid is)."""
    cols = rows = 0
    fixed_width = fixed_height = 0.0
    shown = [widget for widget in widgets if not widget.isHidden()]
    for widget in shown:
        if not isinstance(widget, Column):
            fixed_width += widget.sizeHint().width()
            continue
        grids = [grid for grid in widget.grids if not grid.isHidden()]
        if not grids:
            continue
        grid_rows, grid_cols = grids[0].shape
        cols += grid_cols
        rows = max(rows, grid_rows * len(grids))
        titles = len(grids) * (grids[0].title_height() + GRID_MARGIN)
        fixed_width += GRID_MARGIN
        fixed_height = max(fixed_height, titles + COLUMN_SPACING * (len(grids) - 1))
    fixed_width += spacing * max(len(shown) - 1, 0)
    return Band(cols, rows, fixed_width, fixed_height) if cols else None
