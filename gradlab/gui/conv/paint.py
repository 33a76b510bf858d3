"""Painting a `GridView`: its cells (numbers, or an image when they are too small), the hatched
padding, and the marks of the current window, output cell and pooling winner, and the outline of
an emphasised grid (the kernel slice of the input channel shown large)."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen

from gradlab.engine.trace import Array
from gradlab.gui.theme import ColorField, Theme


class GridView(Protocol):
    """What the painters read of a `gradlab.gui.conv.grid.GridView` (which imports them)."""

    values: Array
    padding: int
    hatched: NDArray[np.bool_] | None
    number_color: ColorField
    tint: tuple[int, int, int] | None
    window_cells: frozenset[tuple[int, int]]
    current: tuple[int, int] | None
    winner: tuple[int, int] | None
    pending: Array | None
    emphasised: bool

    @property
    def theme(self) -> Theme: ...

    def texts(self) -> list[list[str]]: ...

    def number_font(self, size: float) -> QFont: ...

    def origin(self, size: float) -> QPointF: ...

    def cell_rect(self, row: int, col: int, size: float | None = None) -> QRectF: ...


def paint_cells(grid: GridView, painter: QPainter, size: float, numbers: bool) -> None:
    """The cells in `size` pixels: their numbers, or an image of them (not `numbers`)."""
    theme = grid.theme
    h, w = grid.values.shape
    p = grid.padding
    origin = grid.origin(size)
    x0, y0 = origin.x() + p * size, origin.y() + p * size
    grid_pen = QPen(theme.color("edge"), 1.0) if numbers else QPen(Qt.PenStyle.NoPen)
    painter.setFont(grid.number_font(size))  # the padding's zeros too, not the title's font
    _paint_padding(grid, painter, size, numbers, grid_pen)
    if not numbers:
        _paint_image(grid, painter, QRectF(x0, y0, w * size, h * size))
        return
    painter.setFont(grid.number_font(size))
    panel, highlight = QColor(theme.panel), QColor(theme.highlight_fill)
    number_pen = QPen(theme.color(grid.number_color))
    texts = grid.texts()
    pending, hatched = grid.pending, grid.hatched
    hatch = QBrush(theme.color("muted"), Qt.BrushStyle.BDiagPattern)
    muted_pen = QPen(theme.color("muted"))
    center = Qt.AlignmentFlag.AlignCenter
    for r in range(h):
        for c in range(w):
            rect = QRectF(x0 + c * size, y0 + r * size, size, size)
            painter.setPen(grid_pen)
            painter.setBrush(highlight if (r, c) in grid.window_cells else panel)
            painter.drawRect(rect)
            inserted = hatched is not None and bool(hatched[r, c])
            if inserted:
                painter.setBrush(hatch)
                painter.drawRect(rect)
            if pending is None or not pending[r, c]:
                painter.setPen(muted_pen if inserted else number_pen)
                painter.drawText(rect, center, texts[r][c])


def _paint_padding(
    grid: GridView, painter: QPainter, size: float, numbers: bool, pen: QPen
) -> None:
    """Hatched zero cells around the values."""
    h, w = grid.values.shape
    p = grid.padding
    if p == 0:
        return
    theme = grid.theme
    hatch = QBrush(theme.color("muted"), Qt.BrushStyle.BDiagPattern)
    muted, panel = theme.color("muted"), QColor(theme.panel)
    if not numbers:
        # an image has no room for a cell outline: hatch one band, the image covers the rest
        band = grid.cell_rect(-p, -p, size).united(grid.cell_rect(h + p - 1, w + p - 1, size))
        painter.setPen(Qt.PenStyle.NoPen)
        for brush in (QBrush(panel), hatch):
            painter.setBrush(brush)
            painter.drawRect(band)
        return
    for r in range(-p, h + p):
        for c in range(-p, w + p):
            if 0 <= r < h and 0 <= c < w:
                continue
            rect = grid.cell_rect(r, c, size)
            painter.setPen(pen)
            painter.setBrush(panel)
            painter.drawRect(rect)
            painter.setBrush(hatch)
            painter.drawRect(rect)
            if numbers:
                painter.setPen(muted)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "0")


def _paint_image(grid: GridView, painter: QPainter, target: QRectF) -> None:
    """Too many cells for numbers: one grayscale pixel per cell (a colour channel's 0-255 in
    its own colour), scaled up without blur."""
    values = grid.values
    low, high = float(values.min()), float(values.max())
    if grid.tint is not None:
        # a colour channel keeps its own scale, so red, green and blue compare
        low, high = 0.0, 255.0
    levels = np.clip((values - low) * (255.0 / (high - low if high > low else 1.0)), 0, 255)
    if grid.pending is not None:
        # still to come: a faint preview, so the whole picture reads at a glance
        back = grid.theme.color("window").lightness()
        levels = np.where(grid.pending, 0.2 * levels + 0.8 * back, levels)
    pixels = np.ascontiguousarray(levels.astype(np.uint8))
    h, w = pixels.shape
    if grid.tint is None:
        source = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8)
    else:
        shades = pixels[..., None] * (np.array(grid.tint, dtype=np.float64) / 255.0)
        pixels = np.ascontiguousarray(shades.astype(np.uint8))
        source = QImage(pixels.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    # scaling a grayscale image is about 10× slower than scaling an RGB32 one
    image = source.convertToFormat(QImage.Format.Format_RGB32)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(target, image)
    # outline the image so a map still pending (pale all over) stands out
    painter.setPen(QPen(grid.theme.color("edge"), 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(target)


def paint_marks(grid: GridView, painter: QPainter, size: float, numbers: bool) -> None:
    """The highlights over the cells: outlines where there are numbers, tints on an image."""
    theme = grid.theme
    width = max(2.0, theme.line_width * 1.4)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if grid.emphasised:
        h, w = grid.values.shape
        whole = grid.cell_rect(0, 0, size).united(grid.cell_rect(h - 1, w - 1, size))
        painter.setPen(QPen(theme.color("accent"), width * 1.5))
        painter.drawRect(whole.adjusted(-2, -2, 2, 2))
    if grid.window_cells:
        if numbers:
            painter.setPen(QPen(theme.color("accent"), width * 0.6))
            for r, c in grid.window_cells:
                painter.drawRect(grid.cell_rect(r, c, size))
        else:
            # an image has no room for a fill per cell: tint the cells the window reads
            tint = QColor(theme.accent)
            tint.setAlpha(110)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            for r, c in grid.window_cells:
                painter.drawRect(grid.cell_rect(r, c, size))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        rows = [r for r, _ in grid.window_cells]
        cols = [c for _, c in grid.window_cells]
        field = grid.cell_rect(min(rows), min(cols), size).united(
            grid.cell_rect(max(rows), max(cols), size)
        )
        painter.setPen(QPen(theme.color("accent"), width))
        painter.drawRect(field)
    if grid.current is not None:
        painter.setPen(QPen(theme.color("accent"), width * 1.5))
        painter.drawRect(grid.cell_rect(*grid.current, size).adjusted(1, 1, -1, -1))
    if grid.winner is not None:
        painter.setPen(QPen(theme.color("good"), width * 1.5))
        painter.drawEllipse(grid.cell_rect(*grid.winner, size).adjusted(3, 3, -3, -3))
