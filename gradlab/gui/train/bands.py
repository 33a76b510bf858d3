"""`DistributionsPanel`: one layer's activations and output grads over the steps, drawn as
TensorBoard draws distributions: nested bands between the percentiles max/93/84/69/50/31/16/7/min
(half a σ apart on normal data), the median as a line. The bands are read from the fixed
histograms the run records (`gradlab.state.train.stats.LayerStrips.bands`), and the panel says
which bins those are."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.train.plots import make_plot, plot_tab, style_plot
from gradlab.gui.typography import TRAIN_LEGEND
from gradlab.nn.stats import ACTIVATION_EDGES, GRAD_EDGES
from gradlab.state.train.run import STATS_EVERY, TrainingRun
from gradlab.state.train.stats import Kind

PAIRS = ((0, 8), (1, 7), (2, 6), (3, 5))
"""Band edges by position in `BAND_POINTS`, outermost first: min–max, 7–93, 16–84, 31–69 %."""
ALPHAS = (45, 80, 120, 170)
"""Each band's opacity, outermost first: the middle of the distribution is the darkest."""
MEDIAN = 4


def binning() -> str:
    """The bins the bands are read from, in words (the panel shows it)."""
    a, g = ACTIVATION_EDGES, GRAD_EDGES
    return (
        "Bands: max, 93, 84, 69, 50 (line), 31, 16, 7 %, min (TensorBoard's), read from "
        f"histograms of {len(a) - 1} bins of {a[1] - a[0]:g} on [{a[0]:g}, {a[-1]:g}] "
        f"(activations) and {len(g) - 1} bins of {g[1] - g[0]:g} in log₁₀|g| on "
        f"[{g[0]:g}, {g[-1]:g}] (grads); values outside count in the end bins. "
        f"A sample every {STATS_EVERY} steps."
    )


class BandPlot(QWidget):
    """One quantity's bands over the steps."""

    def __init__(self, title: str, color: ColorField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = make_plot(title)
        self.color = color
        self.edges = [self.plot.plot() for _ in range(9)]
        self.fills = [pg.FillBetweenItem(self.edges[a], self.edges[b]) for a, b in PAIRS]
        for fill in self.fills:
            self.plot.addItem(fill)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.bands: NDArray[np.float64] = np.zeros((0, 9))

    def show_bands(self, steps: NDArray[np.float64], bands: NDArray[np.float64]) -> None:
        self.bands = bands
        for i, edge in enumerate(self.edges):
            if len(steps):
                edge.setData(steps, bands[:, i])
            else:
                edge.setData([], [])

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        base = theme.color(self.color)
        for fill, alpha in zip(self.fills, ALPHAS, strict=True):
            shade = QColor(base)
            shade.setAlpha(alpha)
            fill.setBrush(pg.mkBrush(shade))
        for i, edge in enumerate(self.edges):
            edge.setPen(pg.mkPen(base, width=theme.line_width) if i == MEDIAN else None)


class DistributionsPanel(QWidget):
    """For one layer: how its activations and its output grads are spread, step after step."""

    layer_changed = Signal()
    """Another layer was picked: the panel needs a refresh from the run."""

    STATS_OFF = (
        "No distributions for this run: per-layer statistics are off, because on a digit model "
        "they cost several times a training step. The 2D lessons record them."
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.setToolTip("The layer whose distributions are shown")
        self.layer.currentIndexChanged.connect(lambda _: self.layer_changed.emit())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.binning = QLabel(binning())
        self.binning.setWordWrap(True)
        self.activations = BandPlot("activations by step", "value")
        self.grads = BandPlot("log₁₀ |dL/d output| by step", "grad")
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer:"))
        row.addWidget(self.layer, 1)
        self.choice = QWidget()
        self.choice.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        plot_tab(self, (self.activations, self.grads), (self.choice, self.note), (self.binning,))
        self._names: list[str] = []

    def refresh(self, run: TrainingRun) -> None:
        off = not run.stats
        self.note.setText(self.STATS_OFF if off else "")
        for part, shown in (
            (self.note, off),
            (self.choice, not off),
            (self.activations, not off),
            (self.grads, not off),
            (self.binning, not off),
        ):
            part.setVisible(shown)
        strips = run.layers
        if strips.names != self._names:
            self._names = list(strips.names)
            current = self.layer.currentIndex()
            with signals_blocked(self.layer):
                self.layer.clear()
                self.layer.addItems([strips.label(name) for name in self._names])
                self.layer.setCurrentIndex(max(current, 0))
        index = self.layer.currentIndex()
        plots: tuple[tuple[BandPlot, Kind], ...] = (
            (self.activations, "activation"),
            (self.grads, "grad"),
        )
        for plot, kind in plots:
            if not self._names or index < 0:
                plot.show_bands(np.zeros(0), np.zeros((0, 9)))
            else:
                plot.show_bands(*strips.bands(self._names[index], kind))

    def apply_theme(self, theme: Theme) -> None:
        for plot in (self.activations, self.grads):
            plot.apply_theme(theme)
        for widget in (self.note, self.binning, self.layer, *self.choice.findChildren(QLabel)):
            widget.setFont(TRAIN_LEGEND.font(theme, widget.font()))
