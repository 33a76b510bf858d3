"""`PlotView`: functions and their derivatives (dashed), drawn with pyqtgraph from a `PlotState`."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradlab.gui.legend import Entry, Legend
from gradlab.gui.scene_view import SceneView
from gradlab.gui.theme import ColorField, Theme
from gradlab.gui.typography import PLOT
from gradlab.state.graph.plot import PlotState

CURVE_COLORS: tuple[ColorField, ...] = ("value", "grad", "accent", "good", "bad", "text")


def pretty(formula: str) -> str:
    """SymPy's text a little closer to how it is written on a board."""
    return formula.replace("**2", "²").replace("**", "^").replace("*", "·")


class PlotView(SceneView):
    """Each function solid, its derivative dashed in the same colour, with a legend of formulas."""

    def __init__(self, state: PlotState, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.state = state
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        self.curves: list[pg.PlotDataItem] = []
        names: list[str] = []
        for curve in state.curves:
            self.curves.append(self.plot.plot(curve.xs, curve.ys, connect="finite"))
            names.append(curve.formula)
            if state.show_derivatives:
                self.curves.append(self.plot.plot(curve.xs, curve.slopes, connect="finite"))
                names.append(f"d/dx {curve.formula} = {pretty(curve.derivative_formula)}")
        per_curve = 2 if state.show_derivatives else 1
        # beside the plot, not over it: pyqtgraph's legend hid the curves' left ends
        self.legend = Legend(PLOT)
        self.legend.set_entries(
            [
                Entry(name, CURVE_COLORS[(i // per_curve) % len(CURVE_COLORS)], i % per_curve == 1)
                for i, name in enumerate(names)
            ]
        )
        self.caption = QLabel(self._caption_text())
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.apply_theme(theme)

    def _caption_text(self) -> str:
        if not self.state.show_derivatives:
            return ""
        return (
            "Solid: the function. Dashed: its derivative, computed by the engine's backward pass."
        )

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.plot.setBackground(theme.panel)
        font = PLOT.font(theme)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(theme.node_border, width=1))
            axis.setTextPen(pg.mkPen(theme.text))
            axis.setStyle(tickFont=font)
        width = theme.line_width * 1.2
        per_curve = 2 if self.state.show_derivatives else 1
        for index, item in enumerate(self.curves):
            color = theme.color(CURVE_COLORS[(index // per_curve) % len(CURVE_COLORS)])
            pen = pg.mkPen(color, width=width)
            if index % per_curve == 1:
                pen.setStyle(Qt.PenStyle.DashLine)
            item.setPen(QPen(pen))
        self.legend.apply_theme(theme)
        self.caption.setStyleSheet(f"color: {theme.muted}; font-size: {PLOT.size}pt;")
        self.caption.setVisible(not theme.presenting)

    def export_widget(self) -> QWidget:
        widget: QWidget = self.plot
        return widget
