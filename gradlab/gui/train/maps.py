"""Image views of a training `Frame`: the 2D decision boundary under the points, each hidden
neuron's own heatmap, and for digits the confusion matrix (the digits themselves, filters and
feature maps are `gradlab.gui.train.digits`'). Tiles are packed into one mosaic image per view
(one draw call)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradlab.data import Dataset
from gradlab.gui.theme import Theme
from gradlab.gui.train.heatmap import Heatmap
from gradlab.gui.train.plots import make_plot, style_plot
from gradlab.gui.typography import TRAIN_CELL, TRAIN_PLOT
from gradlab.state.train.frame import Frame

Array = NDArray[Any]
GAP = 2


def mosaic(tiles: Array, columns: int, *, normalize: bool = True) -> NDArray[np.float64]:
    """(n, h, w) tiles in a grid (row-major, top-down) separated by zero gaps; each tile scaled
    to [-1, 1] by its largest magnitude when `normalize`."""
    n, h, w = tiles.shape
    rows = -(-n // columns)
    out = np.zeros((rows * (h + GAP) - GAP, columns * (w + GAP) - GAP))
    for i, tile in enumerate(np.asarray(tiles, np.float64)):
        peak = float(np.abs(tile).max()) if normalize else 1.0
        r, c = divmod(i, columns)
        out[r * (h + GAP) : r * (h + GAP) + h, c * (w + GAP) : c * (w + GAP) + w] = tile / (
            peak or 1.0
        )
    return out


def diverging(theme: Theme) -> pg.ColorMap:
    """Class 0 (grad colour) through the panel colour to class 1 (value colour)."""
    return pg.ColorMap([0.0, 0.5, 1.0], [theme.grad, theme.panel, theme.value])


def image_plot(title: str, *, square: bool = True) -> tuple[pg.PlotWidget, Heatmap]:
    plot = make_plot(title)
    plot.getPlotItem().invertY(True)
    plot.getPlotItem().hideAxis("left")
    plot.getPlotItem().hideAxis("bottom")
    plot.getPlotItem().setAspectLocked(square)
    image = Heatmap()
    plot.addItem(image)
    return plot, image


class BoundaryPanel(QWidget):
    """The model's confidence over the plane, with the training (filled) and test (hollow)
    points on top."""

    def __init__(self, data: Dataset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        # not aspect-locked: a locked view in a narrow cell would crop the plane
        self.plot = make_plot("decision boundary")
        self.image = Heatmap()
        self.image.setOpacity(0.7)  # the points must stand out from the regions they lie in
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(pxMode=True)
        self.test_points = pg.ScatterPlotItem(pxMode=True)
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._extent: tuple[float, float, float, float] | None = None

    def show_frame(self, frame: Frame) -> None:
        if frame.boundary is None:
            return
        self.image.setImage(frame.boundary.T, autoLevels=False, levels=(-1.0, 1.0))
        if frame.extent != self._extent:
            x0, x1, y0, y1 = self._extent = frame.extent
            self.image.setRect(x0, y0, x1 - x0, y1 - y0)
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        self.image.setColorMap(diverging(theme))
        size = 7.0 * TRAIN_PLOT.scale(theme)
        # Playground's convention: points filled with their class colour; a light ring for
        # training points, a dark ring for test points, so both show on either class's region
        for item, x, y, ring in (
            (self.train_points, self.data.x_train, self.data.y_train, theme.panel),
            (self.test_points, self.data.x_test, self.data.y_test, theme.text),
        ):
            brushes = [pg.mkBrush(theme.value if label == 1 else theme.grad) for label in y]
            item.setData(pos=np.asarray(x), size=size, brush=brushes, pen=pg.mkPen(ring, width=1.5))


class NeuronPanel(QWidget):
    """Every hidden neuron's own heatmap over the plane, one block of tiles per hidden layer,
    the layers from top to bottom in one plot (a plot per layer left five layers no room);
    emits (layer, neuron) for the clicked tile."""

    tile_clicked = Signal(int, int)
    COLUMNS = 8
    TITLE = "neurons, layer 1 on top"
    """Short: pyqtgraph clips a plot whose title is wider than the plot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot, self.image = image_plot(self.TITLE)
        self.plot.setToolTip(
            "Each hidden neuron's output over the plane; click one to follow its bias"
        )
        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.blocks: list[tuple[int, int, int, int, int]] = []
        """Per layer: (top row in pixels, tiles, columns, tile height, tile width)."""

    def show_layers(self, layers: tuple[tuple[str, Array], ...]) -> None:
        if not layers:
            return
        pictures = [mosaic(maps, min(len(maps), self.COLUMNS)) for _, maps in layers]
        width = max(p.shape[1] for p in pictures)
        rows: list[Array] = []
        self.blocks = []
        top = 0
        for (_, maps), picture in zip(layers, pictures, strict=True):
            if rows:
                rows.append(np.zeros((3 * GAP, width)))
                top += 3 * GAP
            padded = np.zeros((picture.shape[0], width))
            padded[:, : picture.shape[1]] = picture
            rows.append(padded)
            n, h, w = maps.shape
            self.blocks.append((top, n, min(n, self.COLUMNS), h, w))
            top += picture.shape[0]
        self.image.setImage(np.vstack(rows).T, autoLevels=False, levels=(-1.0, 1.0))

    def tile_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(layer, neuron) of the tile at image pixel (x, y), if there is one."""
        for layer, (top, count, columns, h, w) in enumerate(self.blocks):
            rows = -(-count // columns)
            if not top <= y < top + rows * (h + GAP) or x < 0:
                continue
            row, column = int(y - top) // (h + GAP), int(x) // (w + GAP)
            index = row * columns + column
            if column < columns and index < count:
                return layer, index
        return None

    def _on_clicked(self, event: Any) -> None:
        point: QPointF = self.image.mapFromScene(event.scenePos())
        tile = self.tile_at(point.x(), point.y())
        if tile is not None:
            self.tile_clicked.emit(*tile)

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        self.image.setColorMap(diverging(theme))


class ConfusionPanel(QWidget):
    """Counts of (true class, predicted class) on the test set, with the numbers written in."""

    def __init__(self, classes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes = classes
        # not square: a square lock in a narrow cell would crop the matrix
        # a short title: pyqtgraph clips a plot whose title is wider than its view
        self.plot, self.image = image_plot("confusion matrix", square=False)
        item = self.plot.getPlotItem()
        item.setLabel("left", "true")
        item.setLabel("bottom", "predicted")
        ticks = [[(i + 0.5, str(i)) for i in range(classes)]]
        for side in ("left", "bottom"):
            item.showAxis(side)
            item.getAxis(side).setTicks(ticks)
        item.setRange(xRange=(0, classes), yRange=(0, classes), padding=0.0)
        self.labels = [
            [pg.TextItem(anchor=(0.5, 0.5)) for _ in range(classes)] for _ in range(classes)
        ]
        for r, row in enumerate(self.labels):
            for c, label in enumerate(row):
                label.setPos(c + 0.5, r + 0.5)
                self.plot.addItem(label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._counts: Array | None = None
        self._theme: Theme | None = None

    def show_frame(self, frame: Frame) -> None:
        counts = frame.confusion
        if counts is None or (self._counts is not None and np.array_equal(counts, self._counts)):
            return
        self._counts = counts
        # a log scale keeps small confusions visible next to the large diagonal
        self.image.setImage(
            np.log1p(counts).T, autoLevels=False, levels=(0.0, np.log1p(counts.max()))
        )
        self._write_numbers()

    def _write_numbers(self) -> None:
        if self._counts is None or self._theme is None:
            return
        for r, row in enumerate(self.labels):
            for c, label in enumerate(row):
                n = int(self._counts[r, c])
                color = self._theme.panel if r == c else self._theme.text
                label.setText(str(n) if n else "", color=color)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        style_plot(self.plot, theme)
        self.image.setColorMap(pg.ColorMap([0.0, 1.0], [theme.panel, theme.value]))
        font = TRAIN_CELL.font(theme, self.font())
        for row in self.labels:
            for label in row:
                label.setFont(font)
        self._write_numbers()
