"""`Overview`: a small picture of the whole graph in the corner of the graph view, the part in
view outlined; a click or a drag on it brings that part into view. It shows only while the graph
does not fit in the view (after zooming in), like a map in a game.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGraphicsView, QWidget

from gradlab.gui.graph.far import draw_layout
from gradlab.layout import Layout

SIZE = QSize(220, 130)
"""The largest the overview gets; it keeps the graph's proportions."""
MARGIN = 8


class Overview(QWidget):
    """The whole scene of `view`, small, with the visible part outlined."""

    def __init__(self, view: QGraphicsView, accent: QColor) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.accent = accent
        self.picture = QImage()
        self._wanted: tuple[Layout, QColor, QColor] | None = None
        """A layout whose picture is still to be drawn."""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The whole graph: click or drag to look elsewhere (Ctrl+0 fits it all)")
        self.hide()

    def redraw(self, layout: Layout, background: QColor, ink: QColor) -> None:
        """Show this layout from now on; its picture is drawn when it is first needed (the
        overview shows only while the graph does not fit the view)."""
        self._wanted = (layout, background, ink)
        self.follow()

    @property
    def has_layout(self) -> bool:
        """Whether a layout is given (its picture drawn, or to be drawn when needed)."""
        return self._wanted is not None or not self.picture.isNull()

    def _draw(self, layout: Layout, background: QColor, ink: QColor) -> None:
        """Draw the layout into the small picture: boxes and straight edges, which is all that
        shows at this size (and takes milliseconds for thousands of nodes)."""
        if layout.width <= 0 or layout.height <= 0:
            self.picture = QImage()
            return
        scale = min(SIZE.width() / layout.width, SIZE.height() / layout.height)
        size = QSize(max(8, round(layout.width * scale)), max(8, round(layout.height * scale)))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(background)
        painter = QPainter(image)
        painter.scale(scale, scale)
        faint = QColor(ink)
        faint.setAlphaF(0.35)
        draw_layout(painter, layout, faint, ink, ink)
        painter.end()
        self.picture = image
        self.resize(size)

    def follow(self) -> None:
        """Show or hide (only a graph that does not fit needs a map), keep to the corner, and
        outline the visible part."""
        rect = self.view.sceneRect()
        seen = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        needed = not seen.contains(rect.adjusted(1, 1, -1, -1))
        if needed and self._wanted is not None:
            self._draw(*self._wanted)
            self._wanted = None
        needed = needed and not self.picture.isNull()
        self.setVisible(needed)
        if needed:
            port = self.view.viewport().rect()
            self.move(port.right() - self.width() - MARGIN, port.bottom() - self.height() - MARGIN)
            self.raise_()
            self.update()

    def visible_part(self) -> QRectF:
        """The part of the graph in view, in the overview's coordinates."""
        rect = self.view.sceneRect()
        seen = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        sx, sy = self.width() / rect.width(), self.height() / rect.height()
        return QRectF(
            (seen.x() - rect.x()) * sx,
            (seen.y() - rect.y()) * sy,
            seen.width() * sx,
            seen.height() * sy,
        ).intersected(QRectF(self.rect()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self.picture)
        painter.setPen(QPen(QColor(128, 128, 128), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        pen = QPen(self.accent, 2)
        painter.setPen(pen)
        painter.drawRect(self.visible_part())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._look_at(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._look_at(event.position())
        event.accept()

    def _look_at(self, point: QPointF) -> None:
        rect = self.view.sceneRect()
        x = rect.x() + point.x() / max(1, self.width()) * rect.width()
        y = rect.y() + point.y() / max(1, self.height()) * rect.height()
        self.view.centerOn(x, y)
        self.follow()
