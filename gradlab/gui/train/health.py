"""`DiagnosticsPanel`: Karpathy's health checks of a network (nn-zero-to-hero, makemore part 3),
for the run and the runs kept beside it (`gradlab.state.train.compare`), side by side in the
same plots: per layer the share of saturated units (bars, one per run) and grad:data (log₁₀),
and each layer's update:data over the steps (log₁₀, fainter nearer the input) with the guide
line at 1e-3, where a layer learns at a good pace."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from gradlab.gui.legend import Entry, Legend
from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.train.plots import (
    KEPT_COLORS,
    LIVE_COLOR,
    make_plot,
    plot_tab,
    style_plot,
)
from gradlab.gui.typography import TRAIN_LEGEND
from gradlab.nn.stats import SATURATED
from gradlab.state.train.compare import differences
from gradlab.state.train.run import TrainingRun
from gradlab.state.train.stats import Health

GUIDE = -3.0
"""log₁₀ of Karpathy's rule of thumb: each step changes a weight by about a thousandth."""
BAR_SPAN = 0.8
"""The share of a layer's slot its bars take together."""


class DiagnosticsPanel(QWidget):
    """Saturation and grad:data by layer, update:data over the steps; one colour per run."""

    STATS_OFF = (
        "No diagnostics for this run: per-layer statistics are off, because on a digit model "
        "they cost several times a training step. The 2D lessons record them."
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # short titles: pyqtgraph clips a plot whose title is wider than the plot
        self.saturated_plot = make_plot("saturated %")
        self.grad_plot = make_plot("log₁₀ grad:data")
        self.update_plot = make_plot("log₁₀ update:data")
        for plot in (self.saturated_plot, self.grad_plot):
            plot.getPlotItem().getAxis("bottom").setLabel("layer")
        self.update_plot.getPlotItem().getAxis("bottom").setLabel("step")
        self.saturated_plot.setYRange(0.0, 100.0, padding=0.02)
        self.guide = pg.InfiniteLine(pos=GUIDE, angle=0)
        self.update_plot.addItem(self.guide)
        self.legend = Legend(TRAIN_LEGEND)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.caption = QLabel(
            f"Layers from the input (1) to the output. Saturated: |t| > {SATURATED:g} for "
            f"tanh, |2s − 1| > {SATURATED:g} for sigmoid, 0 for ReLU (no gradient passes). "
            "grad:data = std(∂L/∂W) / std(W); update:data = std(ΔW) / std(W) per step, "
            "fainter nearer the input."
        )
        self.caption.setWordWrap(True)
        plots = (self.saturated_plot, self.grad_plot, self.update_plot)
        plot_tab(self, plots, (self.legend, self.note), (self.caption,))
        self.runs: list[tuple[str, ColorField, Health]] = []
        """(label, colour, health) of every run shown, the live one last."""
        self._items: list[tuple[pg.PlotWidget, Any]] = []
        self._theme: Theme | None = None

    def refresh(self, run: TrainingRun) -> None:
        off = not run.stats
        self.note.setText(self.STATS_OFF if off else "")
        self.note.setVisible(off)
        for part in (self.saturated_plot, self.grad_plot, self.update_plot, self.caption):
            part.setVisible(not off)
        kept = [r for r in run.memory.beside(run.settings) if not r.health.empty]
        labels = differences([r.settings for r in kept] + [run.settings])
        self.runs = [
            (label, KEPT_COLORS[i % len(KEPT_COLORS)], record.health)
            for i, (label, record) in enumerate(zip(labels, kept, strict=False))
        ]
        self.runs.append((labels[-1], LIVE_COLOR, run.layers.health()))
        self._draw()

    def _draw(self) -> None:
        theme = self._theme
        if theme is None or not self.runs:
            return
        for plot, item in self._items:
            plot.removeItem(item)
        self._items = []
        several = len(self.runs) > 1
        guide = Entry("1e-3 (update:data)", "text", dashed=True)
        runs = [Entry(label, color) for label, color, _ in self.runs]
        self.legend.set_entries([*runs, guide] if several else [guide])
        width = BAR_SPAN / len(self.runs)
        for k, (_, color, health) in enumerate(self.runs):
            brush = theme.color(color)
            layers = np.arange(1, len(health.saturated) + 1)
            if len(layers):
                offset = (k - (len(self.runs) - 1) / 2.0) * width
                bars = pg.BarGraphItem(
                    x=layers + offset, height=100.0 * np.array(health.saturated), width=width,
                    brush=pg.mkBrush(brush), pen=pg.mkPen(None),
                )  # fmt: skip
                self._add(self.saturated_plot, bars)
            ratios = np.array(health.grad_data)
            if len(ratios):
                with np.errstate(divide="ignore"):
                    logs = np.log10(np.maximum(ratios, 1e-30))
                line = pg.PlotDataItem(
                    np.arange(1, len(ratios) + 1), logs, pen=pg.mkPen(brush, width=2),
                    symbol="o", symbolSize=7, symbolBrush=pg.mkBrush(brush), symbolPen=None,
                )  # fmt: skip
                self._add(self.grad_plot, line)
            count = len(health.update_data)
            for depth, (steps, logs) in enumerate(health.update_data):
                shade = QColor(brush)
                shade.setAlpha(int(90 + 165 * (depth + 1) / count))  # fainter near the input
                curve = pg.PlotDataItem(steps, logs, pen=pg.mkPen(shade, width=1.5))
                self._add(self.update_plot, curve)
        self.guide.setPen(pg.mkPen(theme.text, width=1.5, style=Qt.PenStyle.DashLine))

    def _add(self, plot: pg.PlotWidget, item: Any) -> None:
        plot.addItem(item)
        self._items.append((plot, item))

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        for plot in (self.saturated_plot, self.grad_plot, self.update_plot):
            style_plot(plot, theme)
        self.legend.apply_theme(theme)
        for label in (self.note, self.caption):
            label.setFont(TRAIN_LEGEND.font(theme, label.font()))
        self._draw()
