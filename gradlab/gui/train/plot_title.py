"""`PlotTitle`: a plot's title that shrinks to fit the plot's width.

pyqtgraph centres a title over the plot and lays it out at its full width: a title wider than
the room beside the left axis ("reconstruction loss (MSE)" at a projector's type size in a third
of a 1024-pixel window) pushes the plot past its widget's edge, which clips both. The title
shrinks instead, in the ratio of room to need, down to `SMALLEST` of its size, and grows back when
the plot widens.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

SMALLEST = 0.6
"""The smallest a title is drawn, as a share of its type size."""
STEP = 0.05
"""The least a title shrinks by in one try."""
MARGIN_PX = 12
"""Kept free beside a title (pyqtgraph's own padding around the label)."""


class PlotTitle(QObject):
    """Follows its plot's resizes and sets the title at the largest size that fits."""

    def __init__(self, plot: pg.PlotWidget, text: str) -> None:
        super().__init__(plot)
        self._plot = plot
        self.text = text
        self._color: str | None = None
        self._points = QApplication.font().pointSizeF()
        self._shown: tuple[str, float] | None = None
        plot.installEventFilter(self)
        self._fit()

    @staticmethod
    def of(plot: pg.PlotWidget) -> PlotTitle:
        """The title `make_plot` gave `plot`."""
        title = plot.findChild(PlotTitle)
        assert isinstance(title, PlotTitle), "a plot made by make_plot has a PlotTitle"
        return title

    def set(
        self, text: str | None = None, color: str | None = None, points: float | None = None
    ) -> None:
        """A new text, colour or type size (None keeps the current one)."""
        self.text = text if text is not None else self.text
        self._color = color if color is not None else self._color
        self._points = points if points is not None else self._points
        self._shown = None
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def points_shown(self) -> float:
        """The type size the title is drawn at now."""
        return self._shown[1] if self._shown is not None else self._points

    def _fit(self) -> None:
        """Set the title at full size; while what pyqtgraph draws is wider than the room, set it
        again smaller: first in proportion (text scales with its type size, the item's margins
        do not), then in `STEP`s, since fonts come in whole pixel sizes and a smaller size in
        points can draw as wide."""
        item = self._plot.getPlotItem()
        axis = item.getAxis("left")  # its set width: the layout may not have applied it yet
        room = self._plot.width() - max(axis.width(), axis.minimumWidth()) - MARGIN_PX
        smallest = SMALLEST * self._points
        points = self._points
        while True:
            self._show(points)
            drawn = item.titleLabel.item
            width = drawn.boundingRect().width()
            if width <= room or points <= smallest:
                return
            margins = 2 * drawn.document().documentMargin()
            scaled = points * (room - margins) / max(width - margins, 1.0)
            points = max(smallest, min(scaled, points * (1.0 - STEP)))

    def _show(self, points: float) -> None:
        points = round(points, 1)
        if self._shown == (self.text, points):
            return
        self._shown = (self.text, points)
        options = {"size": f"{points}pt"} | ({"color": self._color} if self._color else {})
        self._plot.getPlotItem().setTitle(self.text, **options)
