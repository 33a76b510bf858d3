"""Live pyqtgraph plots of a `TrainingRun`: loss and accuracy curves (with the runs kept beside
it, each labelled by what differs), and one watched weight's history.

Every panel has `refresh(run)` (cheap: the run's histories are bounded) and
`apply_theme(theme)`; the lab calls `refresh` from its throttled redraw timer. Legends are rows
of text above the plots, never inside them: a legend in the plot hid the newest part of a curve
(the part a step talks about), all the more in presentation mode's large type.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from gradlab.gui.legend import Entry, Legend
from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.train.plot_title import PlotTitle
from gradlab.gui.typography import TRAIN_LEGEND, TRAIN_PLOT
from gradlab.state.train.compare import RunRecord, differences
from gradlab.state.train.history import Series
from gradlab.state.train.run import TrainingRun

LIVE_COLOR: ColorField = "value"
"""The run's own colour where runs are compared."""
KEPT_COLORS: tuple[ColorField, ...] = ("grad", "good", "text")
"""The kept runs' colours, oldest first."""
CEILING = 1.5
"""While runs are compared, the loss axis stops at this many times the largest first loss: a
diverging run leaves the plot instead of flattening the others."""


def make_plot(title: str) -> pg.PlotWidget:
    """A plot set up for live data: downsampling and clip-to-view on the PlotItem."""
    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    item.showGrid(x=False, y=False)
    item.setMenuEnabled(False)
    PlotTitle(plot, title)
    plot.setMouseEnabled(x=False, y=False)
    # an explicit minimum: otherwise a long title at projector size forces the plot wider than
    # its grid cell and the layout clips it
    plot.setMinimumSize(MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT)
    return plot


MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT = 120, 140
"""Below this a plot's data area (what is left inside the axes and title) is a sliver."""


def plot_tab(
    tab: QWidget,
    plots: Sequence[QWidget],
    above: Sequence[QWidget | QLayout] = (),
    below: Sequence[QWidget] = (),
) -> None:
    """Lay out a tab of plots: what introduces them above, the plots side by side taking the
    height (stacked, two plots and a chooser left no room for data), what explains them below."""
    row = QHBoxLayout()
    for plot in plots:
        row.addWidget(plot)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in above:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addLayout(row, 1)
    for part in below:
        layout.addWidget(part)
    # shown across the whole row (a wide tab): its plots must not widen the narrow column
    tab.setMinimumSize(MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT)


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
    PlotTitle.of(plot).set(color=theme.text, points=TRAIN_PLOT.points(theme))


def _set(curve: pg.PlotDataItem, series: Series) -> None:
    curve.setData(series.x, series.y)


class CurvesPanel(QWidget):
    """Loss and accuracy: per batch (thin), per epoch on the training set, and on the test set.
    An autoencoder's run has its reconstruction loss alone: it has no classes to be right about.
    """

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
        self._theme: Theme | None = None
        self.legend = Legend(TRAIN_LEGEND)
        self.legend.set_entries([Entry(name, color) for name, color, _ in self.CURVES])
        # epoch curves get dots: after one epoch they are a single point
        self.loss_curves = [
            self.loss_plot.plot(symbol=None if i == 0 else "o", symbolSize=6)
            for i in range(len(self.CURVES))
        ]
        self.accuracy_curves = [
            self.accuracy_plot.plot(symbol=None if i == 0 else "o", symbolSize=6)
            for i in range(len(self.CURVES))
        ]
        self.kept_loss = [self.loss_plot.plot() for _ in KEPT_COLORS]
        self.kept_accuracy = [self.accuracy_plot.plot() for _ in KEPT_COLORS]
        for curve in (*self.kept_loss, *self.kept_accuracy):
            curve.setZValue(-1)  # under the run's own curves
        self.labels: list[str] = []
        """What differs between the runs drawn, the kept ones first (empty: no comparison)."""
        self.loss_title = ""
        self.markers = [pg.InfiniteLine(angle=90) for _ in range(2)]
        for plot, marker in zip((self.loss_plot, self.accuracy_plot), self.markers, strict=True):
            plot.addItem(marker)
            marker.setVisible(False)
        # side by side: stacked, each got half the height, too little on a 4:3 projector
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addLayout(plots, 1)

    def _fit_ranges(self, run: TrainingRun, kept: list[RunRecord]) -> None:
        """Ranges that grow in jumps: axes are costly to redraw, so they change rarely."""
        steps = max(float(run.steps_done), *(r.steps for r in kept), 10.0)
        if not self._x_limit / 4.0 < steps <= self._x_limit:
            self._x_limit = steps * 1.5
            for plot in (self.loss_plot, self.accuracy_plot):
                plot.setXRange(0.0, self._x_limit, padding=0.0)
        highest = max(run.loss.y.max(initial=0.0), run.test_loss.y.max(initial=0.0), 0.1)
        if kept:
            losses = [run.loss.y, *(r.batch_loss.y for r in kept)]
            highest = max(highest, *(y.max(initial=0.0) for y in losses[1:]))
            first = max(float(y[0]) for y in losses if len(y))
            highest = min(highest, CEILING * first)
        if not self._y_limit / 4.0 < highest <= self._y_limit:
            self._y_limit = highest * 1.1
            self.loss_plot.setYRange(0.0, self._y_limit, padding=0.0)

    def mark(self, step: int | None) -> None:
        """A vertical line at the rewound snapshot's step (None: hidden)."""
        for marker in self.markers:
            marker.setVisible(step is not None)
            if step is not None:
                marker.setValue(step)

    def _show_objective(self, run: TrainingRun) -> None:
        reconstructs = run.goal.reconstructs
        title = f"reconstruction loss ({run.settings.loss.upper()})" if reconstructs else "loss"
        if title != self.loss_title:
            self.loss_title = title
            PlotTitle.of(self.loss_plot).set(title)
        self.accuracy_plot.setVisible(not reconstructs)

    def refresh(self, run: TrainingRun) -> None:
        self._show_objective(run)
        kept = run.memory.beside(run.settings)
        self._fit_ranges(run, kept)
        labels = differences([r.settings for r in kept] + [run.settings]) if kept else []
        if labels != self.labels:
            self.labels = labels
            self._legend()
        for i, (loss, accuracy) in enumerate(zip(self.kept_loss, self.kept_accuracy, strict=True)):
            record = kept[i] if i < len(kept) else None
            loss.setVisible(record is not None)
            accuracy.setVisible(record is not None)
            if record is not None:
                loss.setData(record.batch_loss.x, record.batch_loss.y)
                accuracy.setData(record.batch_accuracy.x, record.batch_accuracy.y)
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

    def _legend(self) -> None:
        """The live run's three curves, named after it while runs are compared, then each kept
        run by what differs."""
        entries = [Entry(name, color) for name, color, _ in self.CURVES]
        if self.labels:
            entries[0] = Entry(f"{self.labels[-1]}: batch", entries[0].color)
            entries += [
                Entry(f"{label}: batch", KEPT_COLORS[i]) for i, label in enumerate(self.labels[:-1])
            ]
        self.legend.set_entries(entries)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        for plot in (self.loss_plot, self.accuracy_plot):
            style_plot(plot, theme)
        for i, color in enumerate(KEPT_COLORS):
            for curve in (self.kept_loss[i], self.kept_accuracy[i]):
                curve.setPen(pg.mkPen(theme.color(color), width=theme.line_width))
        for curves in (self.loss_curves, self.accuracy_curves):
            for curve, (_, color, width) in zip(curves, self.CURVES, strict=True):
                curve.setPen(pg.mkPen(theme.color(color), width=width * theme.line_width / 1.5))
                curve.setSymbolBrush(pg.mkBrush(theme.color(color)))
                curve.setSymbolPen(pg.mkPen(theme.color(color)))
        for marker in self.markers:
            marker.setPen(pg.mkPen(theme.accent, width=theme.line_width))
        self.legend.apply_theme(theme)


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
        self.legend = Legend(TRAIN_LEGEND)
        self.value_curve = self.value_plot.plot()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.chooser = QHBoxLayout()
        """Room for the lab's weight chooser, above the plots."""
        plot_tab(self, (self.value_plot, self.grad_plot), (self.chooser, self.title, self.legend))
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
                self.curves[name] = self.grad_plot.plot()
                self._style_curves()
            _set(self.curves[name], series)

    COLORS: tuple[ColorField, ...] = ("grad", "accent", "good", "text")

    def _style_curves(self) -> None:
        self.legend.set_entries(
            [Entry(name, self.COLORS[i % len(self.COLORS)]) for i, name in enumerate(self.curves)]
        )
        if self._theme is None:
            return
        width = self._theme.line_width
        self.value_curve.setPen(pg.mkPen(self._theme.value, width=width))
        for i, curve in enumerate(self.curves.values()):
            color = self._theme.color(self.COLORS[i % len(self.COLORS)])
            curve.setPen(pg.mkPen(color, width=width))

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        for plot in (self.value_plot, self.grad_plot):
            style_plot(plot, theme)
        self.legend.apply_theme(theme)
        self.title.setFont(TRAIN_LEGEND.font(theme, self.title.font()))
        self._style_curves()
