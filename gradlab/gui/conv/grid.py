"""`GridView`: one grid of numbers (an input channel, kernel, output map or gradient), painted.

Small grids show a number in every cell; when cells get too small for a number (a 28×28 digit)
the grid turns into a grayscale image (a colour channel's in its `tint`) and hovering a cell shows
its value. Padding cells are hatched zeros around the input; cells marked `hatched` (the zeros a
transposed convolution inserts) are hatched the same way inside it. The current window's cells
are filled and outlined, the current output cell outlined, max pooling's winning cell circled,
and cells not computed yet stay empty. Clicking a cell emits `cell_clicked(row, col)` in unpadded
coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Array
from gradlab.gui.conv.paint import paint_cells, paint_marks
from gradlab.gui.theme import LIGHT, ColorField, Theme
from gradlab.gui.typography import CONV_GRID, CONV_TITLE

BASE_CELL = 34.0
"""Preferred cell side in pixels at font scale 1."""
MAX_CELL = 1.6 * BASE_CELL
"""Cells grow with the widget up to this side (times the grid's scale)."""
LEGIBLE_PX = 10.0
"""Numbers smaller than this (times the grid's scale, at most 1.4) in pixels: draw an image."""
THUMB_CELL = 5.0
"""A thumbnail's cell side in pixels at font scale 1 (at most 1.4 times that)."""


class GridView(QWidget):
    """A grid of numbers with highlights; see the module docstring."""

    cell_clicked = Signal(int, int)
    picked = Signal()
    """A thumbnail was clicked: the column should show it large."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.label = ""
        """The short name a thumbnail shows ("green", "map f2"); the title when empty."""
        self.values: Array = np.zeros((1, 1))
        self.padding = 0
        self.hatched: NDArray[np.bool_] | None = None
        """True on cells drawn as hatched zeros inside the values (inserted, not input)."""
        self.number_color: ColorField = "value"
        self.tint: tuple[int, int, int] | None = None
        """A colour channel: drawn as an image, its 0-255 in this colour instead of gray."""
        self.window_cells: frozenset[tuple[int, int]] = frozenset()
        self.current: tuple[int, int] | None = None
        self.winner: tuple[int, int] | None = None
        self.pending: Array | None = None
        self.always_numbers = False
        """Kernel-sized grids: keep cells large enough for numbers (never an image)."""
        self.stacked = False
        """One of several grids in a column (channels): their minimum is only legibility."""
        self.group: list[GridView] = []
        """Grids drawn with one shared cell size (so a kernel cell matches an input cell)."""
        self.thumbnail = False
        """A small picture of a channel beside the one shown large: always an image, its title
        small, a click emits `picked` (see `set_thumbnail`)."""
        self.emphasised = False
        """Outlined: the kernel slice that meets the input channel shown large."""
        self._texts: list[list[str]] | None = None
        self._chars: int | None = None
        self._theme = LIGHT
        self._scale = 1.0
        self._title_line = self._measure_title()
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ---- content -------------------------------------------------------------------------

    def set_values(
        self,
        values: Array,
        padding: int = 0,
        color: ColorField = "value",
        hatched: NDArray[np.bool_] | None = None,
    ) -> None:
        """The grid's numbers (h, w), how many hatched zero cells to draw around them, and which
        of its own cells to hatch."""
        self.values = np.asarray(values, dtype=np.float64)
        self.padding = padding
        self.hatched = hatched
        self.number_color = color
        self._texts = None
        self._chars = None
        self.updateGeometry()
        self.update()

    def set_marks(
        self,
        window: Iterable[tuple[int, int]] = (),
        current: tuple[int, int] | None = None,
        winner: tuple[int, int] | None = None,
        pending: Array | None = None,
    ) -> None:
        """Highlights: the window's cells, the current cell, the winner, cells still pending."""
        self.window_cells = frozenset(window)
        self.current = current
        self.winner = winner
        self.pending = pending
        self.update()

    def set_thumbnail(self, on: bool) -> None:
        """Draw the grid as a small labelled image (on) or at its full size (off)."""
        self.thumbnail = on
        policy = QSizePolicy.Policy.Fixed if on else QSizePolicy.Policy.Expanding
        self.setSizePolicy(policy, policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)
        self._title_line = self._measure_title()
        self.updateGeometry()
        self.update()

    def set_emphasised(self, on: bool) -> None:
        if on != self.emphasised:
            self.emphasised = on
            self.update()

    @property
    def theme(self) -> Theme:
        return self._theme

    def apply_theme(self, theme: Theme) -> None:
        """Colours from `theme`; cells grow with the `CONV_GRID` role's scale, the title with
        `CONV_TITLE`'s."""
        self._theme = theme
        self._scale = CONV_GRID.scale(theme)
        self._title_line = self._measure_title()
        self.updateGeometry()
        self.update()

    # ---- geometry ------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        """Rows and columns drawn, padding included."""
        h, w = self.values.shape
        return h + 2 * self.padding, w + 2 * self.padding

    def title_height(self) -> float:
        """Pixels above the cells for the title (none without one)."""
        return self._title_line if self.title else 0.0

    def _measure_title(self) -> float:
        """The height of a line of the title's role (measured once per theme)."""
        return float(QFontMetrics(self._role_font()).height())

    def _role_font(self) -> QFont:
        """The title's bold font: its role's, or for a thumbnail the role's laptop size."""
        font = CONV_TITLE.font(self._theme, self.font())
        if self.thumbnail:
            font.setPointSizeF(CONV_TITLE.size)
        font.setBold(True)
        return font

    def fit_cell(self) -> float:
        """The largest cell side that fits the widget (before any cap)."""
        rows, cols = self.shape
        usable_h = self.height() - self.title_height() - 4
        return max(2.0, min((self.width() - 4) / cols, usable_h / rows))

    def _shows_numbers_at(self, size: float) -> bool:
        if self.thumbnail:
            return False
        if self.always_numbers:
            return True
        legible = LEGIBLE_PX * min(self._scale, 1.4)
        # the cheap bound first: formatting a 28×28 grid's numbers costs milliseconds
        return size * 0.55 >= legible and self._number_px(size) >= legible

    def cell_size(self) -> float:
        """The drawn cell side: the fit, capped so grids of one group share a cell size."""
        fit = self.fit_cell()
        cap = MAX_CELL * self._scale
        if self.thumbnail:
            return fit
        for other in self.group:
            other_fit = other.fit_cell()
            if other.isVisible() and other._shows_numbers_at(other_fit):
                cap = min(cap, other_fit)
        # a grid too large for numbers is an image and keeps its own fit
        return fit if not self._shows_numbers_at(min(fit, cap)) else min(fit, cap)

    def shows_numbers(self) -> bool:
        """Numbers fit in a cell; otherwise the grid is drawn as an image."""
        return self._shows_numbers_at(self.cell_size())

    def thumb_size(self) -> QSize:
        """A thumbnail's fixed size: its small cells under its title, as wide as the title."""
        rows, cols = self.shape
        side = THUMB_CELL * min(self._scale, 1.4)
        font = self._role_font()
        font.setPointSizeF(CONV_TITLE.size)
        title = QFontMetrics(font).height()
        width = max(cols * side + 4, self.title_width())
        return QSize(int(width), int(rows * side + title + 4))

    def title_width(self) -> float:
        """Pixels the title needs across at the smallest size it shrinks to (see `_title_font`),
        margins included."""
        font = self._role_font()
        font.setPointSizeF(min(font.pointSizeF(), CONV_TITLE.size))
        return QFontMetrics(font).horizontalAdvance(self.shown_title()) + 8.0

    def shown_title(self) -> str:
        return self.label if self.thumbnail and self.label else self.title

    def number_cell(self) -> float:
        """The smallest cell that shows this grid's numbers legibly (inverse of
        `_shows_numbers_at`)."""
        self._number_px(1.0)  # counts the widest number's characters
        chars = self._chars if self._chars is not None else 2
        return LEGIBLE_PX * min(self._scale, 1.4) * max(1 / 0.55, 0.62 * chars / 0.8)

    def sizeHint(self) -> QSize:
        if self.thumbnail:
            return self.thumb_size()
        rows, cols = self.shape
        side = BASE_CELL * self._scale if max(rows, cols) <= 12 else 10.0 * self._scale
        title = self.title_height()
        return QSize(int(cols * side + 4), int(rows * side + title + 4))

    def legible_cell(self) -> float:
        """The smallest cell whose number is still legible (see `_shows_numbers_at`)."""
        return LEGIBLE_PX * min(self._scale, 1.4) / 0.55

    def minimumSizeHint(self) -> QSize:
        if self.thumbnail:
            return self.thumb_size()
        rows, cols = self.shape
        # kernel-sized grids must always have room for their numbers: large ones the back row
        # reads when alone, just legible ones when stacked (three of them must fit a column)
        roomy = 0.6 * BASE_CELL * self._scale
        side = (self.legible_cell() if self.stacked else roomy) if self.always_numbers else 4.0
        # the title shrinks to the grid's width (see `_title_font`): it never widens the grid
        return QSize(int(cols * side + 4), int(rows * side + self.title_height() + 4))

    def _title_font(self) -> QFont:
        """The role's bold font, smaller where the title would be wider than the grid (down to
        the size on a laptop's theme; beyond that the title is elided)."""
        font = self._role_font()
        room = self.width() - 8
        # text does not shrink in proportion to its size (hinting): measure again
        for _ in range(3):
            width = QFontMetrics(font).horizontalAdvance(self.shown_title()) if self.title else 0
            if not width > room > 0 or font.pointSizeF() <= CONV_TITLE.size:
                break
            font.setPointSizeF(max(font.pointSizeF() * room / width, CONV_TITLE.size))
        return font

    def origin(self, size: float) -> QPointF:
        rows, cols = self.shape
        title = self.title_height()
        left = (self.width() - cols * size) / 2
        top = title + max(2.0, (self.height() - title - rows * size) / 2)
        return QPointF(left, top)

    def cell_rect(self, row: int, col: int, size: float | None = None) -> QRectF:
        """Where unpadded cell (row, col) is drawn (padding cells lie outside 0..h−1, 0..w−1)."""
        size = self.cell_size() if size is None else size
        origin = self.origin(size)
        return QRectF(
            origin.x() + (col + self.padding) * size,
            origin.y() + (row + self.padding) * size,
            size,
            size,
        )

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """The unpadded (row, col) under `point`, or None outside the values."""
        size = self.cell_size()
        origin = self.origin(size)
        col = int((point.x() - origin.x()) // size) - self.padding
        row = int((point.y() - origin.y()) // size) - self.padding
        h, w = self.values.shape
        if 0 <= row < h and 0 <= col < w:
            return row, col
        return None

    # ---- events --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.thumbnail and event.button() == Qt.MouseButton.LeftButton:
            self.picked.emit()
            return
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(QPointF(event.pos()))
            if self.thumbnail:
                QToolTip.showText(event.globalPos(), f"{self.title}: click to show it large")
            elif cell is None:
                QToolTip.hideText()
            else:
                value = format_number(float(self.values[cell]), 6)
                QToolTip.showText(
                    event.globalPos(), f"{self.title} ({cell[0]}, {cell[1]}) = {value}"
                )
            return True
        return super().event(event)

    # ---- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        theme = self._theme
        size = self.cell_size()
        if self.title:
            font = self._title_font()
            painter.setFont(font)
            painter.setPen(theme.color("text"))
            top = self.origin(size).y() - self.title_height()
            title = QFontMetrics(font).elidedText(
                self.shown_title(), Qt.TextElideMode.ElideRight, max(self.width() - 4, 0)
            )
            painter.drawText(
                QRectF(0, top, self.width(), self.title_height()),
                Qt.AlignmentFlag.AlignCenter,
                title,
            )
        numbers = self._shows_numbers_at(size)
        # cells are axis-aligned: antialiasing them only costs time (hatching most of all)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        paint_cells(self, painter, size, numbers)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_marks(self, painter, size, numbers)
        painter.end()

    def texts(self) -> list[list[str]]:
        """The numbers as drawn in the cells (formatted once per `set_values`), without
        thousands separators: a cell's width is counted in characters, and "-1,148" needed a
        65-pixel cell where "-1148" reads in 54 (a map's numbers on a 1024×768 projector)."""
        if self._texts is None:
            self._texts = [
                [format_number(float(v), 3, grouping=False) for v in row] for row in self.values
            ]
        return self._texts

    def _number_px(self, size: float) -> float:
        """The pixel size of numbers in cells of `size`: as large as the widest number allows
        (a digit is about 0.6 em wide)."""
        if self._chars is None:
            self._chars = max(2, *(len(text) for row in self.texts() for text in row))
        return min(size * 0.55, 0.8 * size / (0.62 * self._chars))

    def number_font(self, size: float) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(6, int(self._number_px(size))))
        return font
