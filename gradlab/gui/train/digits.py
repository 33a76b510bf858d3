"""How the trained network reads one digit: class probabilities as bars, the feature maps at every
conv layer and the learned filters as stacked mosaics; and the tabs built from them: a digit the
learner draws (`DrawPanel`) and any test digit (`FiltersPanel`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.theme import Theme
from gradlab.gui.train.canvas import DigitCanvas
from gradlab.gui.train.maps import GAP, diverging, image_plot, mosaic
from gradlab.gui.train.plots import MIN_PLOT_HEIGHT, MIN_PLOT_WIDTH, make_plot, style_plot
from gradlab.gui.typography import TRAIN_LEGEND, TRAIN_TEXT
from gradlab.state.train.digit import DigitReading, Tiles


def stacked(blocks: Sequence[Tiles]) -> NDArray[np.float64]:
    """The blocks' mosaics one under the other, each tile enlarged by a whole factor to about
    the first block's tile height (a conv layer's 14×14 maps as large as the 28×28 ones)."""
    target = blocks[0].tiles.shape[1]
    pictures = []
    for block in blocks:
        factor = max(1, round(target / block.tiles.shape[1]))
        tiles = np.kron(block.tiles, np.ones((1, factor, factor)))
        pictures.append(mosaic(tiles, block.columns))
    width = max(p.shape[1] for p in pictures)
    rows: list[NDArray[np.float64]] = []
    for picture in pictures:
        if rows:
            rows.append(np.zeros((3 * GAP, width)))
        padded = np.zeros((picture.shape[0], width))
        padded[:, : picture.shape[1]] = picture
        rows.append(padded)
    return np.vstack(rows)


class LayerMosaic(QWidget):
    """One plot of per-layer mosaics, top to bottom, and a line saying which is which."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot, self.image = image_plot(title)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.blocks: tuple[Tiles, ...] = ()

    def show_blocks(self, blocks: Sequence[Tiles]) -> None:
        self.blocks = tuple(blocks)
        self.setVisible(bool(blocks))
        if not blocks:
            return
        self.image.setImage(stacked(blocks).T, autoLevels=False, levels=(-1.0, 1.0))
        self.caption.setText("From the top: " + "; ".join(b.label for b in blocks))

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        self.image.setColorMap(diverging(theme))
        self.caption.setFont(TRAIN_LEGEND.font(theme, self.caption.font()))


CLASSES = 10
"""MNIST's digits, the bars an empty reading shows."""


class ProbabilityBars(QWidget):
    """Softmax of the class scores as one bar per class, the most likely one highlighted, and
    the verdict in words under the bars (a title that long would be clipped by pyqtgraph)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = make_plot("softmax")
        self.plot.setYRange(0.0, 1.0, padding=0.02)
        self._classes(CLASSES)  # the axis of an empty reading too: one place per digit
        self.bars = pg.BarGraphItem(x=np.arange(CLASSES), height=np.zeros(CLASSES), width=0.7)
        self.plot.addItem(self.bars)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.verdict)
        self.probabilities: NDArray[np.float64] = np.zeros(0)
        self._theme: Theme | None = None

    def show_probabilities(self, probabilities: NDArray[np.float64]) -> None:
        self.probabilities = probabilities
        classes = len(probabilities)
        if classes:
            self._classes(classes)
        best = int(np.argmax(probabilities)) if classes else -1
        self.verdict.setText(
            f"Read as {best}, {probabilities[best]:.0%} sure" if classes else "Write a digit."
        )
        self._paint(best)

    def _classes(self, classes: int) -> None:
        self.plot.getPlotItem().getAxis("bottom").setTicks([[(i, str(i)) for i in range(classes)]])
        self.plot.setXRange(-0.6, classes - 0.4, padding=0.0)

    def _paint(self, best: int) -> None:
        if self._theme is None:
            return
        brushes = [
            pg.mkBrush(self._theme.accent if i == best else self._theme.value)
            for i in range(len(self.probabilities))
        ]
        self.bars.setOpts(
            x=np.arange(len(self.probabilities)), height=self.probabilities, brushes=brushes
        )

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        style_plot(self.plot, theme)
        self.verdict.setFont(TRAIN_LEGEND.font(theme, self.verdict.font()))
        best = int(np.argmax(self.probabilities)) if len(self.probabilities) else -1
        self._paint(best)


class SmallDigit(QLabel):
    """A 28×28 digit at twice its size, pixel for pixel: what the network is given."""

    SCALE = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        side = 28 * self.SCALE + 2
        self.setFixedSize(side, side)
        self.setToolTip("The drawing as the network sees it: 28 × 28, MNIST's size")
        self._theme: Theme | None = None
        self.image: NDArray[np.float32] | None = None

    def show_digit(self, image: NDArray[np.float32] | None) -> None:
        self.image = image
        self._render()

    def _render(self) -> None:
        if self._theme is None or self.image is None:
            self.clear()
            return
        paper = np.array(_rgb(self._theme.panel), np.float64)
        ink = np.array(_rgb(self._theme.text), np.float64)
        share = np.clip(np.asarray(self.image, np.float64), 0.0, 1.0)[..., None]
        rgb = np.ascontiguousarray((paper + (ink - paper) * share).astype(np.uint8))
        h, w = share.shape[:2]
        picture = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        size = QSize(w * self.SCALE, h * self.SCALE)
        self.setPixmap(QPixmap.fromImage(picture.scaled(size)))

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.setStyleSheet(f"border: 1px solid {theme.node_border};")
        self._render()


def _rgb(name: str) -> tuple[int, int, int]:
    color = QColor(name)
    return color.red(), color.green(), color.blue()


class DrawPanel(QWidget):
    """Write a digit: the network reads it as it is written (bars, feature maps, filters)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = DigitCanvas()
        self.clear = QPushButton("Clear")
        self.clear.setToolTip("Wipe the square and write another digit")
        self.clear.clicked.connect(self.canvas.clear)
        self.seen = SmallDigit()
        self.bars = ProbabilityBars()
        self.maps = LayerMosaic("feature maps")
        self.filters = LayerMosaic("filters")
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        row = QHBoxLayout()
        row.addWidget(self.clear, 1)
        row.addWidget(self.seen)
        left.addLayout(row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 2)
        layout.addWidget(self.bars, 2)
        layout.addWidget(self.maps, 3)
        layout.addWidget(self.filters, 2)
        # shown across the whole row (a wide tab): its plots must not widen the narrow column
        self.setMinimumSize(MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT)
        self.reading: DigitReading | None = None

    def show_reading(self, reading: DigitReading | None) -> None:
        """What the network makes of the drawing; None: nothing is written yet."""
        self.reading = reading
        if reading is None:
            self.seen.show_digit(None)
            self.bars.show_probabilities(np.zeros(0))
            self.maps.show_blocks(())
            self.filters.show_blocks(())
            return
        self.seen.show_digit(reading.image)
        self.bars.show_probabilities(reading.probabilities)
        self.maps.show_blocks(reading.maps)
        self.filters.show_blocks(reading.filters)

    def apply_theme(self, theme: Theme) -> None:
        self.canvas.apply_theme(theme)
        for part in (self.seen, self.bars, self.maps, self.filters):
            part.apply_theme(theme)
        self.clear.setFont(TRAIN_TEXT.font(theme, self.clear.font()))


class FiltersPanel(QWidget):
    """The learned filters of every conv layer, and the feature maps of a test digit picked by
    number."""

    digit_changed = Signal(int)

    def __init__(self, test_digits: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pick = QSpinBox()
        self.pick.setRange(0, max(test_digits - 1, 0))
        self.pick.setToolTip("Which test digit's feature maps to show")
        self.pick.valueChanged.connect(self.digit_changed)
        self.label = QLabel("Test digit")
        self.verdict = QLabel()
        self.filters = LayerMosaic("filters")
        self.maps = LayerMosaic("feature maps")
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.pick)
        row.addWidget(self.verdict, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.filters)
        plots.addWidget(self.maps)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(plots, 1)

    def show_reading(self, reading: DigitReading, truth: int) -> None:
        self.filters.show_blocks(reading.filters)
        self.maps.show_blocks(reading.maps)
        self.verdict.setText(f"a {truth}, read as {reading.predicted}")

    def apply_theme(self, theme: Theme) -> None:
        for part in (self.filters, self.maps):
            part.apply_theme(theme)
        for widget in (self.label, self.pick, self.verdict):
            widget.setFont(TRAIN_LEGEND.font(theme, widget.font()))
