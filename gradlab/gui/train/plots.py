"""Live pyqtgraph plots of a `TrainingRun`: loss and accuracy curves, per-layer activation and
gradient distributions over time, and one watched weight's history.

Every panel has `refresh(run)` (cheap: the run's histories are bounded) and
`apply_theme(theme)`; the lab calls `refresh` from its throttled redraw timer.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.train.heatmap import Heatmap
from gradlab.gui.typography import TRAIN_LEGEND, TRAIN_PLOT
from gradlab.state.train.history import Series, Strip
from gradlab.state.train.run import TrainingRun


def make_plot(title: str) -> pg.PlotWidget:
    """A plot set up for live data: downsampling and clip-to-view on the PlotItem."""
    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    item.showGrid(x=False, y=False)
    item.setMenuEnabled(False)
    item.setTitle(title)
    plot.setMouseEnabled(x=False, y=False)
    # an explicit minimum: otherwise a long title at projector size forces the plot wider than
    # its grid cell and the layout clips it
    plot.setMinimumSize(120, 100)
    return plot


def style_plot(plot: pg.PlotWidget, theme: Theme) -> None:
    plot.setBackground(theme.panel)
    font = TRAIN_PLOT.font(theme)
    size = f"{TRAIN_PLOT.points(theme):.0f}pt"
    item = plot.getPlotItem()
    pixels = TRAIN_PLOT.points(theme) * 96.0 / 72.0
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(theme.node_border, width=1))
        axis.setTextPen(pg.mkPen(theme.text))
        axis.setStyle(tickFont=font)
        if axis.labelText:  # an axis title ("true", "predicted") grows with the ticks
            axis.setLabel(axis.labelText, color=theme.text, **{"font-size": size})
    # room for the tick labels (and a title) at this size: pyqtgraph drops labels that do not fit
    titled = {side: 1.6 if item.getAxis(side).labelText else 0.0 for side in ("left", "bottom")}
    item.getAxis("left").setWidth(int(pixels * (3.4 + titled["left"])))
    item.getAxis("bottom").setHeight(int(pixels * (2.2 + titled["bottom"])))
    title = item.titleLabel.text
    item.setTitle(title, color=theme.text, size=size)


def _set(curve: pg.PlotDataItem, series: Series) -> None:
    curve.setData(series.x, series.y)


class CurvesPanel(QWidget):
    """Loss and accuracy: per batch (thin), per epoch on the training set, and on the test set."""

    CURVES: tuple[tuple[str, ColorField, float], ...] = (
        ("batch", "muted", 1.0),
        ("train (epoch)", "value", 2.0),
        ("test (epoch)", "accent", 2.0),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot = make_plot("loss")
        self.accuracy_plot = make_plot("accuracy")
        self.accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        self._x_limit = self._y_limit = 0.0
        # one row along the top: loss falls, so the top is free, whereas a column of entries at
        # the right hid the newest part of the curve (large type in presentation mode)
        self.legend = self.loss_plot.getPlotItem().addLegend(offset=(-10, 5), colCount=3)
        # epoch curves get dots: after one epoch they are a single point
        self.loss_curves = [
            self.loss_plot.plot(name=name, symbol=None if i == 0 else "o", symbolSize=6)
            for i, (name, _, _) in enumerate(self.CURVES)
        ]
        self.accuracy_curves = [
            self.accuracy_plot.plot(symbol=None if i == 0 else "o", symbolSize=6)
            for i in range(len(self.CURVES))
        ]
        self.markers = [pg.InfiniteLine(angle=90) for _ in range(2)]
        for plot, marker in zip((self.loss_plot, self.accuracy_plot), self.markers, strict=True):
            plot.addItem(marker)
            marker.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.accuracy_plot)

    def _fit_ranges(self, run: TrainingRun) -> None:
        """Ranges that grow in jumps: axes are costly to redraw, so they change rarely."""
        steps = max(float(run.steps_done), 10.0)
        if not self._x_limit / 4.0 < steps <= self._x_limit:
            self._x_limit = steps * 1.5
            for plot in (self.loss_plot, self.accuracy_plot):
                plot.setXRange(0.0, self._x_limit, padding=0.0)
        highest = max(run.loss.y.max(initial=0.0), run.test_loss.y.max(initial=0.0), 0.1)
        if not self._y_limit / 4.0 < highest <= self._y_limit:
            self._y_limit = highest * 1.4  # headroom for the legend row
            self.loss_plot.setYRange(0.0, self._y_limit, padding=0.0)

    def mark(self, step: int | None) -> None:
        """A vertical line at the rewound snapshot's step (None: hidden)."""
        for marker in self.markers:
            marker.setVisible(step is not None)
            if step is not None:
                marker.setValue(step)

    def refresh(self, run: TrainingRun) -> None:
        self._fit_ranges(run)
        for curves, series in (
            (self.loss_curves, (run.loss, run.epoch_loss, run.test_loss)),
            (self.accuracy_curves, (run.accuracy, run.epoch_accuracy, run.test_accuracy)),
        ):
            batch, epoch, test = series
            _set(curves[0], batch)
            # epoch points sit at the step where that epoch ended, on the same x axis as batches
            per_epoch = float(run.batches_per_epoch)
            curves[1].setData(epoch.x * per_epoch, epoch.y)
            curves[2].setData(test.x * per_epoch, test.y)

    def apply_theme(self, theme: Theme) -> None:
        for plot in (self.loss_plot, self.accuracy_plot):
            style_plot(plot, theme)
        for curves in (self.loss_curves, self.accuracy_curves):
            for curve, (_, color, width) in zip(curves, self.CURVES, strict=True):
                curve.setPen(pg.mkPen(theme.color(color), width=width * theme.line_width / 1.5))
                curve.setSymbolBrush(pg.mkBrush(theme.color(color)))
                curve.setSymbolPen(pg.mkPen(theme.color(color)))
        for marker in self.markers:
            marker.setPen(pg.mkPen(theme.accent, width=theme.line_width))
        self.legend.setLabelTextColor(theme.text)
        self.legend.setBrush(pg.mkBrush(theme.panel))
        size = f"{TRAIN_LEGEND.points(theme):.0f}pt"
        for sample, label in list(self.legend.items):
            label.setText(label.text, color=theme.text, size=size)
            sample.update()


class DistributionsPanel(QWidget):
    """For one layer: how its activations and its output grads are spread, step after step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.setToolTip("The layer whose distributions are shown")
        self.activation_plot = make_plot("activations")
        self.grad_plot = make_plot("gradients: log10 |dL/d output|")
        self.activation_image = Heatmap()
        self.grad_image = Heatmap()
        self.activation_plot.addItem(self.activation_image)
        self.grad_plot.addItem(self.grad_image)
        self.activation_plot.setLabel("bottom", "step")
        self.grad_plot.setLabel("bottom", "step")
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer:"))
        row.addWidget(self.layer, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.activation_plot)
        layout.addWidget(self.grad_plot)
        self._names: list[str] = []

    def refresh(self, run: TrainingRun) -> None:
        strips = run.layers
        if strips.names != self._names:
            self._names = list(strips.names)
            current = self.layer.currentIndex()
            self.layer.clear()
            self.layer.addItems([strips.label(name) for name in self._names])
            self.layer.setCurrentIndex(max(current, 0))
        index = self.layer.currentIndex()
        if not self._names or index < 0:
            self.activation_image.clear()
            self.grad_image.clear()
            return
        name = self._names[index]
        _show_strip(self.activation_image, strips.activations[name], strips.activation_edges)
        _show_strip(self.grad_image, strips.grads[name], strips.grad_edges)

    def apply_theme(self, theme: Theme) -> None:
        for plot in (self.activation_plot, self.grad_plot):
            style_plot(plot, theme)
        cmap = pg.ColorMap([0.0, 1.0], [theme.panel, theme.grad])
        for image in (self.activation_image, self.grad_image):
            image.setColorMap(cmap)


def _show_strip(image: Heatmap, strip: Strip, edges: np.ndarray) -> None:
    if len(strip) == 0:
        image.clear()
        return
    xs = strip.x
    width = max(float(xs[-1] - xs[0]), 1.0)
    image.setImage(strip.image, autoLevels=False, levels=(0.0, 0.5))
    image.setRect(float(xs[0]), float(edges[0]), width, float(edges[-1] - edges[0]))


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


class WatchPanel(QWidget):
    """The chosen weight over time: its value, its grad and the optimiser's state for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Pick a weight (or click a neuron) to follow it.")
        self.title.setWordWrap(True)
        self.value_plot = make_plot("value")
        self.grad_plot = make_plot("grad and optimiser state")
        self.legend = self.grad_plot.getPlotItem().addLegend(offset=(-10, 10))
        self.value_curve = self.value_plot.plot()
        self.curves: dict[str, pg.PlotDataItem] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.value_plot)
        layout.addWidget(self.grad_plot)
        self._theme: Theme | None = None

    def refresh(self, run: TrainingRun) -> None:
        watched = run.watched
        if watched is None:
            return
        self.title.setText(
            f"{watched.label}: value {_number(watched.value.last)}, "
            f"grad {_number(watched.grad.last)}"
        )
        _set(self.value_curve, watched.value)
        for name, series in (("grad", watched.grad), *watched.state.items()):
            if name not in self.curves:
                self.curves[name] = self.grad_plot.plot(name=name)
                self._style_curves()
            _set(self.curves[name], series)

    def _style_curves(self) -> None:
        if self._theme is None:
            return
        colors: tuple[ColorField, ...] = ("grad", "accent", "good", "text")
        width = self._theme.line_width
        self.value_curve.setPen(pg.mkPen(self._theme.value, width=width))
        for i, curve in enumerate(self.curves.values()):
            curve.setPen(pg.mkPen(self._theme.color(colors[i % len(colors)]), width=width))

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        for plot in (self.value_plot, self.grad_plot):
            style_plot(plot, theme)
        self.legend.setLabelTextColor(theme.text)
        self._style_curves()
