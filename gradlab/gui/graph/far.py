"""Far out, a graph is one picture: `FarPicture` draws a layout's boxes and edges into a single
image at the view's resolution, and the view shows it instead of its thousands of items.

Zoomed out so far that a node's text would be a few pixels high, nothing can be read anyway;
painting 3,000 items one by one (in Python) took 25 to 40 ms a repaint, the picture takes one.
The view marks the active node on top of it (`marker`), so stepping still shows where the pass
is. `draw_layout` is shared with the corner overview.

Zooming in and out with the keys or the wheel goes back and forth between a few sizes: the last
`KEPT_PICTURES` pictures are kept, so only a new size is drawn (20 to 30 ms for 750 nodes).
"""

from __future__ import annotations

import math
from collections import OrderedDict

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gradlab.gui.graph.style import GraphStyle
from gradlab.layout import Layout

MAX_SIDE = 4096
"""The picture's longest side in pixels (the view shows it only when the graph is small)."""
MARKER_PX = 3.0
KEPT_PICTURES = 4
"""Pictures kept, one per zoom: at most a viewport each (about 5 MB at 1400×900)."""


def draw_layout(
    painter: QPainter, layout: Layout, line: QColor, fill: QColor, border: QColor
) -> None:
    """Every box of `layout` and every edge as a straight line, in a few calls (lists of shapes
    are drawn by Qt in one go)."""
    painter.setPen(QPen(line, 0))
    painter.drawLines(
        [QLineF(QPointF(*edge.points[0]), QPointF(*edge.tip)) for edge in layout.edges]
    )
    painter.setPen(QPen(border, 0))
    painter.setBrush(fill)
    painter.drawRects(
        [QRectF(box.x, box.y, box.width, box.height) for box in layout.boxes.values()]
    )


class FarPicture(QGraphicsItem):
    """The whole layout as one image, drawn anew for each zoom (the last few kept)."""

    def __init__(self, layout: Layout, style: GraphStyle) -> None:
        super().__init__()
        self.layout = layout
        self.style = style
        self.setZValue(1)
        self._pictures: OrderedDict[tuple[int, int], QPixmap] = OrderedDict()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.layout.width, self.layout.height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        zoom = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        scale = min(zoom, MAX_SIDE / max(self.layout.width, self.layout.height, 1.0))
        size = QSize(
            max(1, math.ceil(self.layout.width * scale)),
            max(1, math.ceil(self.layout.height * scale)),
        )
        key = (size.width(), size.height())
        picture = self._pictures.get(key)
        if picture is None:
            picture = self._pictures[key] = self._render(size)
            if len(self._pictures) > KEPT_PICTURES:
                self._pictures.popitem(last=False)
        self._pictures.move_to_end(key)
        painter.drawPixmap(self.boundingRect(), picture, QRectF(picture.rect()))

    def _render(self, size: QSize) -> QPixmap:
        style = self.style
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(style.color("window"))
        painter = QPainter(image)  # no antialiasing: boxes of a few pixels, drawn twice as fast
        sx = size.width() / max(self.layout.width, 1.0)
        painter.scale(sx, size.height() / max(self.layout.height, 1.0))
        draw_layout(
            painter,
            self.layout,
            style.color("edge"),
            style.color("node_fill"),
            style.color("node_border"),
        )
        painter.end()
        return QPixmap.fromImage(image)


def marker(style: GraphStyle) -> QGraphicsRectItem:
    """The frame around the active node over the far picture, a few pixels wide at any zoom."""
    item = QGraphicsRectItem()
    pen = QPen(style.color("accent"), MARKER_PX)
    pen.setCosmetic(True)
    item.setPen(pen)
    item.setBrush(style.color("highlight_fill"))
    item.setZValue(2)
    item.setVisible(False)
    return item
