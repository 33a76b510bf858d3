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
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Array
from gradlab.gui.theme import LIGHT, ColorField, Theme
from gradlab.gui.typography import CONV_GRID, CONV_TITLE

BASE_CELL = 34.0
"""Preferred cell side in pixels at font scale 1."""
MAX_CELL = 1.6 * BASE_CELL
"""Cells grow with the widget up to this side (times the grid's scale)."""
LEGIBLE_PX = 10.0
"""Numbers smaller than this (times the grid's scale, at most 1.4) in pixels: draw an image."""


class GridView(QWidget):
    """A grid of numbers with highlights; see the module docstring."""

    cell_clicked = Signal(int, int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
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
        font = CONV_TITLE.font(self._theme, self.font())
        font.setBold(True)
        return float(QFontMetrics(font).height())

    def fit_cell(self) -> float:
        """The largest cell side that fits the widget (before any cap)."""
        rows, cols = self.shape
        usable_h = self.height() - self.title_height() - 4
        return max(2.0, min((self.width() - 4) / cols, usable_h / rows))

    def _shows_numbers_at(self, size: float) -> bool:
        if self.always_numbers:
            return True
        legible = LEGIBLE_PX * min(self._scale, 1.4)
        # the cheap bound first: formatting a 28×28 grid's numbers costs milliseconds
        return size * 0.55 >= legible and self._number_px(size) >= legible

    def cell_size(self) -> float:
        """The drawn cell side: the fit, capped so grids of one group share a cell size."""
        fit = self.fit_cell()
        cap = MAX_CELL * self._scale
        for other in self.group:
            other_fit = other.fit_cell()
            if other.isVisible() and other._shows_numbers_at(other_fit):
                cap = min(cap, other_fit)
        # a grid too large for numbers is an image and keeps its own fit
        return fit if not self._shows_numbers_at(min(fit, cap)) else min(fit, cap)

    def shows_numbers(self) -> bool:
        """Numbers fit in a cell; otherwise the grid is drawn as an image."""
        return self._shows_numbers_at(self.cell_size())

    def sizeHint(self) -> QSize:
        rows, cols = self.shape
        side = BASE_CELL * self._scale if max(rows, cols) <= 12 else 10.0 * self._scale
        title = self.title_height()
        return QSize(int(cols * side + 4), int(rows * side + title + 4))

    def legible_cell(self) -> float:
        """The smallest cell whose number is still legible (see `_shows_numbers_at`)."""
        return LEGIBLE_PX * min(self._scale, 1.4) / 0.55

    def minimumSizeHint(self) -> QSize:
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
        font = CONV_TITLE.font(self._theme, self.font())
        font.setBold(True)
        room = self.width() - 8
        # text does not shrink in proportion to its size (hinting): measure again
        for _ in range(3):
            width = QFontMetrics(font).horizontalAdvance(self.title) if self.title else 0
            if not width > room > 0 or font.pointSizeF() <= CONV_TITLE.size:
                break
            font.setPointSizeF(max(font.pointSizeF() * room / width, CONV_TITLE.size))
        return font

    def _origin(self, size: float) -> QPointF:
        rows, cols = self.shape
        title = self.title_height()
        left = (self.width() - cols * size) / 2
        top = title + max(2.0, (self.height() - title - rows * size) / 2)
        return QPointF(left, top)

    def cell_rect(self, row: int, col: int, size: float | None = None) -> QRectF:
        """Where unpadded cell (row, col) is drawn (padding cells lie outside 0..h−1, 0..w−1)."""
        size = self.cell_size() if size is None else size
        origin = self._origin(size)
        return QRectF(
            origin.x() + (col + self.padding) * size,
            origin.y() + (row + self.padding) * size,
            size,
            size,
        )

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """The unpadded (row, col) under `point`, or None outside the values."""
        size = self.cell_size()
        origin = self._origin(size)
        col = int((point.x() - origin.x()) // size) - self.padding
        row = int((point.y() - origin.y()) // size) - self.padding
        h, w = self.values.shape
        if 0 <= row < h and 0 <= col < w:
            return row, col
        return None

    # ---- events --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(QPointF(event.pos()))
            if cell is None:
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
            top = self._origin(size).y() - self.title_height()
            title = QFontMetrics(font).elidedText(
                self.title, Qt.TextElideMode.ElideRight, max(self.width() - 4, 0)
            )
            painter.drawText(
                QRectF(0, top, self.width(), self.title_height()),
                Qt.AlignmentFlag.AlignCenter,
                title,
            )
        numbers = self._shows_numbers_at(size)
        # cells are axis-aligned: antialiasing them only costs time (hatching most of all)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_cells(painter, size, numbers)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_marks(painter, size, numbers)
        painter.end()

    def texts(self) -> list[list[str]]:
        """The numbers as drawn in the cells (formatted once per `set_values`)."""
        if self._texts is None:
            self._texts = [[format_number(float(v), 3) for v in row] for row in self.values]
        return self._texts

    def _number_px(self, size: float) -> float:
        """The pixel size of numbers in cells of `size`: as large as the widest number allows
        (a digit is about 0.6 em wide)."""
        if self._chars is None:
            self._chars = max(2, *(len(text) for row in self.texts() for text in row))
        return min(size * 0.55, 0.8 * size / (0.62 * self._chars))

    def _number_font(self, size: float) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(6, int(self._number_px(size))))
        return font

    def _paint_cells(self, painter: QPainter, size: float, numbers: bool) -> None:
        theme = self._theme
        h, w = self.values.shape
        p = self.padding
        origin = self._origin(size)
        x0, y0 = origin.x() + p * size, origin.y() + p * size
        grid_pen = QPen(theme.color("edge"), 1.0) if numbers else QPen(Qt.PenStyle.NoPen)
        painter.setFont(self._number_font(size))  # the padding's zeros too, not the title's font
        self._paint_padding(painter, size, numbers, grid_pen)
        if not numbers:
            self._paint_image(painter, QRectF(x0, y0, w * size, h * size))
            return
        painter.setFont(self._number_font(size))
        panel, highlight = QColor(theme.panel), QColor(theme.highlight_fill)
        number_pen = QPen(theme.color(self.number_color))
        texts = self.texts()
        pending, hatched = self.pending, self.hatched
        hatch = QBrush(theme.color("muted"), Qt.BrushStyle.BDiagPattern)
        muted_pen = QPen(theme.color("muted"))
        center = Qt.AlignmentFlag.AlignCenter
        for r in range(h):
            for c in range(w):
                rect = QRectF(x0 + c * size, y0 + r * size, size, size)
                painter.setPen(grid_pen)
                painter.setBrush(highlight if (r, c) in self.window_cells else panel)
                painter.drawRect(rect)
                inserted = hatched is not None and bool(hatched[r, c])
                if inserted:
                    painter.setBrush(hatch)
                    painter.drawRect(rect)
                if pending is None or not pending[r, c]:
                    painter.setPen(muted_pen if inserted else number_pen)
                    painter.drawText(rect, center, texts[r][c])

    def _paint_padding(self, painter: QPainter, size: float, numbers: bool, pen: QPen) -> None:
        """Hatched zero cells around the values."""
        h, w = self.values.shape
        p = self.padding
        if p == 0:
            return
        theme = self._theme
        hatch = QBrush(theme.color("muted"), Qt.BrushStyle.BDiagPattern)
        muted, panel = theme.color("muted"), QColor(theme.panel)
        if not numbers:
            # an image has no room for a cell outline: hatch one band, the image covers the rest
            band = self.cell_rect(-p, -p, size).united(self.cell_rect(h + p - 1, w + p - 1, size))
            painter.setPen(Qt.PenStyle.NoPen)
            for brush in (QBrush(panel), hatch):
                painter.setBrush(brush)
                painter.drawRect(band)
            return
        for r in range(-p, h + p):
            for c in range(-p, w + p):
                if 0 <= r < h and 0 <= c < w:
                    continue
                rect = self.cell_rect(r, c, size)
                painter.setPen(pen)
                painter.setBrush(panel)
                painter.drawRect(rect)
                painter.setBrush(hatch)
                painter.drawRect(rect)
                if numbers:
                    painter.setPen(muted)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "0")

    def _paint_image(self, painter: QPainter, target: QRectF) -> None:
        """Too many cells for numbers: one grayscale pixel per cell (a colour channel's 0-255 in
        its own colour), scaled up without blur."""
        values = self.values
        low, high = float(values.min()), float(values.max())
        if self.tint is not None:
            # a colour channel keeps its own scale, so red, green and blue compare
            low, high = 0.0, 255.0
        levels = np.clip((values - low) * (255.0 / (high - low if high > low else 1.0)), 0, 255)
        if self.pending is not None:
            # still to come: a faint preview, so the whole picture reads at a glance
            back = self._theme.color("window").lightness()
            levels = np.where(self.pending, 0.2 * levels + 0.8 * back, levels)
        pixels = np.ascontiguousarray(levels.astype(np.uint8))
        h, w = pixels.shape
        if self.tint is None:
            source = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8)
        else:
            shades = pixels[..., None] * (np.array(self.tint, dtype=np.float64) / 255.0)
            pixels = np.ascontiguousarray(shades.astype(np.uint8))
            source = QImage(pixels.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        # scaling a grayscale image is about 10× slower than scaling an RGB32 one
        image = source.convertToFormat(QImage.Format.Format_RGB32)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(target, image)
        # outline the image so a map still pending (pale all over) stands out
        painter.setPen(QPen(self._theme.color("edge"), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target)

    def _paint_marks(self, painter: QPainter, size: float, numbers: bool) -> None:
        theme = self._theme
        width = max(2.0, theme.line_width * 1.4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.window_cells:
            if numbers:
                painter.setPen(QPen(theme.color("accent"), width * 0.6))
                for r, c in self.window_cells:
                    painter.drawRect(self.cell_rect(r, c, size))
            else:
                # an image has no room for a fill per cell: tint the cells the window reads
                tint = QColor(theme.accent)
                tint.setAlpha(110)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(tint)
                for r, c in self.window_cells:
                    painter.drawRect(self.cell_rect(r, c, size))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            rows = [r for r, _ in self.window_cells]
            cols = [c for _, c in self.window_cells]
            field = self.cell_rect(min(rows), min(cols), size).united(
                self.cell_rect(max(rows), max(cols), size)
            )
            painter.setPen(QPen(theme.color("accent"), width))
            painter.drawRect(field)
        if self.current is not None:
            painter.setPen(QPen(theme.color("accent"), width * 1.5))
            painter.drawRect(self.cell_rect(*self.current, size).adjusted(1, 1, -1, -1))
        if self.winner is not None:
            painter.setPen(QPen(theme.color("good"), width * 1.5))
            painter.drawEllipse(self.cell_rect(*self.winner, size).adjusted(3, 3, -3, -3))
