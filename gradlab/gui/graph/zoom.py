"""`ZoomingView`: a graphics view that fits its whole scene by default, at whatever zoom that
takes (magnified at most `FIT_MAX` times), and zooms with `zoom_in`/`zoom_out`/`reset_zoom` and
the wheel. Once the learner zooms it stops fitting (until `fit_to_window`); `zoomed` is told of
every change, so a subclass can draw differently far out.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.01, 8.0)
FIT_MAX = 3.0
"""Fitting never magnifies beyond this: a three-node graph should not fill a projector."""


class ZoomingView(QGraphicsView):
    """A view that fits its scene, or keeps the zoom the learner chose."""

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self._auto_fit = True
        """Whether the view fits the whole scene (again when it is resized)."""

    def zoomed(self) -> None:
        """Called after every change of zoom."""

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        factor = min(max(self.zoom * factor, low), high) / self.zoom
        self._auto_fit = False
        self.scale(factor, factor)
        self.zoomed()

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """Back to 100 %."""
        self._auto_fit = False
        self.resetTransform()
        self.zoomed()

    def fit_to_window(self) -> None:
        """Show the whole graph, at whatever zoom that takes (magnified at most `FIT_MAX`
        times); keeps fitting when the window is resized, until the learner zooms."""
        rect = self.scene().sceneRect()
        zoom = self.fit_zoom(rect)
        if zoom is None:
            return
        self.resetTransform()
        self.scale(zoom, zoom)
        self.centerOn(rect.center())
        self._auto_fit = True
        self.zoomed()

    def fit_zoom(self, rect: QRectF) -> float | None:
        """The zoom at which `rect` fills the view (None while either is empty)."""
        port = self.viewport().rect()
        if rect.isEmpty() or port.isEmpty():
            return None
        # the view's size but a pixel on each side (fitInView keeps a few more)
        zoom = min((port.width() - 2) / rect.width(), (port.height() - 2) / rect.height())
        return min(max(zoom, ZOOM_RANGE[0]), FIT_MAX)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()
