"""`Heatmap`: a float array drawn through a colour map, as a pyqtgraph plot item.

It stands in for `pyqtgraph.ImageItem` in the training lab. ImageItem paints from a QImage that
wraps NumPy memory it manages itself; under pytest-qt that paint intermittently read freed memory
and crashed the process (segfault in ImageItem.paint, about one run in two). Here every image owns
a copy of its pixels, so nothing outside the item can free them.

Same conventions as ImageItem's default ``axisOrder="col-major"``: ``data[x, y]``, pixel (0, 0)
at item coordinate (0, 0); `setRect` places the whole image in plot coordinates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget


class Heatmap(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type information
    """An image of a 2D float array, coloured by a `pg.ColorMap` between fixed levels."""

    def __init__(self) -> None:
        super().__init__()
        self._data: NDArray[np.float64] | None = None
        self._levels = (0.0, 1.0)
        self._lut = pg.ColorMap([0.0, 1.0], ["k", "w"]).getLookupTable(nPts=256, alpha=True)
        self._image: QImage | None = None

    # ---- ImageItem's surface, as the training lab uses it -----------------------------------

    @property
    def image(self) -> NDArray[np.float64] | None:
        """The array shown (col-major, as given), or None."""
        return self._data

    def setImage(self, data: Any, *, autoLevels: bool = False, levels: tuple[float, float]) -> None:
        """Show `data` (col-major: data[x, y]) with `levels` mapped to the ends of the map."""
        del autoLevels  # levels are always explicit here
        shape_changed = self._data is None or self._data.shape != np.shape(data)
        if shape_changed:
            self.prepareGeometryChange()
        self._data = np.array(data, dtype=np.float64)
        self._levels = (float(levels[0]), float(levels[1]))
        self._render()
        if shape_changed:
            self.informViewBoundsChanged()

    def setColorMap(self, colormap: pg.ColorMap) -> None:
        self._lut = colormap.getLookupTable(nPts=256, alpha=True)
        self._render()

    def setRect(self, x: float, y: float, width: float, height: float) -> None:
        """Stretch the image over the plot rectangle (x, y, width, height)."""
        if self._data is None:
            return
        columns, rows = self._data.shape
        transform = QTransform()
        transform.translate(x, y)
        transform.scale(width / max(columns, 1), height / max(rows, 1))
        self.setTransform(transform)
        self.informViewBoundsChanged()

    def clear(self) -> None:
        self.prepareGeometryChange()
        self._data = None
        self._image = None
        self.informViewBoundsChanged()
        self.update()

    # ---- painting ---------------------------------------------------------------------------

    def _render(self) -> None:
        if self._data is None or self._data.size == 0:
            self._image = None
            self.update()
            return
        low, high = self._levels
        scale = 255.0 / (high - low) if high > low else 0.0
        # data[x, y] -> rows of pixels; NaN (nothing to show) takes the low colour
        values = np.nan_to_num(self._data.T, nan=low)
        index = np.clip((values - low) * scale, 0, 255).astype(np.uint8)
        rgba = np.ascontiguousarray(self._lut[index].astype(np.uint8))
        rows, columns = index.shape
        wrapped = QImage(rgba.data, columns, rows, 4 * columns, QImage.Format.Format_RGBA8888)
        self._image = wrapped.copy()  # own the pixels: `rgba` dies with this call
        self.update()

    def boundingRect(self) -> QRectF:
        if self._data is None:
            return QRectF()
        columns, rows = self._data.shape
        return QRectF(0.0, 0.0, float(columns), float(rows))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._image is not None:
            painter.drawImage(self.boundingRect(), self._image)
