"""The graph lab's QGraphicsItems: value boxes, op nodes, edges and edge labels.

Each item draws itself from a small state tuple; `set_state` repaints only when the tuple
changed, so a step touches the few items it concerns. Fonts and pens come from `GraphStyle`.
Zoomed far out, where text would be a few pixels high, nodes are drawn as plain shapes and edge
labels not at all (a 2,000-node graph then repaints in a fraction of the time). Edge labels lie
under the edges, so a label never hides a line.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QImage,
    QPainter,
    QPainterPath,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gradlab.drawing.style import ARROW, CORNER, LABEL_CORNER, LABEL_OPACITY
from gradlab.engine.trace import Number
from gradlab.gui.graph.heatmap import heatmap_image
from gradlab.gui.graph.style import GraphStyle, Mark
from gradlab.layout import EdgePath, Point, labels

PENDING_LOCAL = f"local {labels.PENDING}"
TINY_TEXT = 4.0
"""Text smaller than this many pixels on screen is not drawn."""


def _tiny(painter: QPainter, style: GraphStyle) -> bool:
    """Whether the painter's zoom makes the style's text too small to read."""
    zoom = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
    return zoom * style.font.pixelSize() < TINY_TEXT


class ValueState(NamedTuple):
    data: str
    grad: str
    value_mark: Mark
    grad_mark: Mark
    final: bool
    """The grad has had the node's own backward step and will not change again."""


class OpState(NamedTuple):
    mark: Mark


class EdgeState(NamedTuple):
    mark: Mark
    backward: bool
    """A contribution has flowed back along this edge."""


class LabelState(NamedTuple):
    local: str
    contribution: str
    mark: Mark


class _Item(QGraphicsItem):
    """An item with a fixed rectangle; subclasses repaint only when their state changes."""

    def __init__(self, style: GraphStyle, rect: QRectF, *, cached: bool = True) -> None:
        super().__init__()
        self.style = style
        self.rect = rect
        if cached:
            # a node repaints only when its state changes; zoom, pan and the repaint of a
            # neighbour's region are then pixmap copies
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        grow = 2 * self.style.line_width + 2
        return self.rect.adjusted(-grow, -grow, grow, grow)

    def _adopt(self, changed: bool) -> bool:
        if changed:
            self.update()
        return changed


class ValueItem(_Item):
    """A value node: its name on the left; its data and grad stacked on the right. A graph that
    only runs forward has no grad row (`grad_row` False): its grads never come."""

    def __init__(
        self, style: GraphStyle, rect: QRectF, node_id: int, title: str, *, grad_row: bool = True
    ) -> None:
        super().__init__(style, rect)
        self.node_id = node_id
        self.title = title
        self.grad_row = grad_row
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.state = ValueState(
            labels.value_text(None), labels.grad_text(None), Mark.PENDING, Mark.PENDING, False
        )
        self.maps: tuple[QImage | None, QImage | None] = (None, None)
        self._mapped: tuple[int, int] = (0, 0)

    def set_maps(self, data: Number | None, grad: Number | None) -> None:
        """Heatmaps of a tensor node's data and grad (none while pending, nor with no grad
        row)."""
        grad = grad if self.grad_row else None
        keys = (id(data) if data is not None else 0, id(grad) if grad is not None else 0)
        if keys == self._mapped:
            return
        self._mapped = keys
        self.maps = tuple(  # type: ignore[assignment]
            None if a is None or not np.shape(a) else heatmap_image(a)[0] for a in (data, grad)
        )
        self.update()

    def set_state(self, state: ValueState) -> bool:
        """Adopt `state`; True (and a repaint scheduled) if it differs from the current one."""
        changed, self.state = state != self.state, state
        return self._adopt(changed)

    def texts(self) -> tuple[str, str, str]:
        """(name, "data …", "grad …") as drawn; the grad is "" with no grad row."""
        return (self.title, self.state.data, self.state.grad if self.grad_row else "")

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        style, rect = self.style, self.rect
        data, grad, value_mark, grad_mark, final = self.state
        active = Mark.ACTIVE in (value_mark, grad_mark)
        node_mark = Mark.ACTIVE if active else value_mark
        painter.setPen(style.pen("node_border", node_mark))
        painter.setBrush(QBrush(style.color("highlight_fill" if active else "node_fill")))
        radius = style.pad * CORNER
        painter.drawRoundedRect(rect, radius, radius)
        if _tiny(painter, style):
            return
        pending = value_mark is Mark.PENDING
        painter.setFont(style.bold)
        if style.stacked:
            # the name on top, the numbers under it: a narrow node, so a projected graph fits
            # its width with larger text
            split = rect.top() + style.line + style.pad
            painter.drawLine(QPointF(rect.left(), split), QPointF(rect.right(), split))
            painter.setPen(style.color("muted" if pending else "text"))
            title_rect = QRectF(rect.left(), rect.top(), rect.width(), split - rect.top())
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignCenter, self.title)
            rows = QRectF(rect.left() + 0.5 * style.pad, split + 0.5 * style.pad, 0, style.line)
            rows.setRight(rect.right() - 0.5 * style.pad)
        else:
            column = rect.left() + style.bold_metrics.horizontalAdvance(self.title) + 2 * style.pad
            painter.setPen(style.pen("node_border", node_mark))
            painter.drawLine(QPointF(column, rect.top()), QPointF(column, rect.bottom()))
            painter.setPen(style.color("muted" if pending else "text"))
            title_rect = QRectF(rect.left(), rect.top(), column - rect.left(), rect.height())
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignCenter, self.title)
            rows = QRectF(column + style.pad, rect.top() + style.pad, 0, style.line)
            rows.setRight(rect.right() - style.pad)
        painter.setFont(style.font)
        painter.setPen(style.color("muted" if pending else "value"))
        painter.drawText(
            rows, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, str(data)
        )
        self._draw_map(painter, rows, self.maps[0])
        if not self.grad_row:
            return
        painter.setFont(style.font if final or grad_mark is Mark.PENDING else style.italic)
        painter.setPen(style.color("muted" if grad_mark is Mark.PENDING else "grad"))
        rows.translate(0, style.line + 0.2 * style.pad)
        painter.drawText(
            rows, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, str(grad)
        )
        self._draw_map(painter, rows, self.maps[1])

    def _draw_map(self, painter: QPainter, row: QRectF, image: QImage | None) -> None:
        """A heatmap at the right end of a row, its entries as blocks."""
        if image is None:
            return
        width = self.style.thumb_width
        box = QRectF(row.right() - width, row.top() + 1, width, row.height() - 2)
        painter.drawImage(box, image)
        painter.setPen(self.style.pen("node_border", Mark.DONE, 0.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box)


class OpItem(_Item):
    """An op node: an ellipse with the op's glyph."""

    def __init__(self, style: GraphStyle, rect: QRectF, node_id: int, glyph: str) -> None:
        super().__init__(style, rect)
        self.node_id = node_id
        self.glyph = glyph
        self.state = OpState(Mark.PENDING)

    def set_state(self, state: OpState) -> bool:
        changed, self.state = state != self.state, state
        return self._adopt(changed)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        mark = self.state.mark
        painter.setPen(self.style.pen("node_border", mark))
        fill = "highlight_fill" if mark is Mark.ACTIVE else "op_fill"
        painter.setBrush(QBrush(self.style.color(fill)))
        painter.drawEllipse(self.rect)
        if _tiny(painter, self.style):
            return
        painter.setFont(self.style.op_font)
        painter.setPen(self.style.color("muted" if mark is Mark.PENDING else "text"))
        painter.drawText(self.rect, Qt.AlignmentFlag.AlignCenter, self.glyph)


class EdgeItem(_Item):
    """An edge: a spline with an arrowhead."""

    def __init__(self, style: GraphStyle, path: EdgePath) -> None:
        self.path = _bezier(path.points)
        self.tip = QPointF(*path.tip)
        self.end = QPointF(*path.points[-1])
        rect = self.path.boundingRect().united(QRectF(self.tip, self.end).normalized())
        # a long edge's pixmap could be huge at high zoom: edges are drawn, not cached
        super().__init__(style, rect, cached=False)
        self.head = _arrowhead(self.end, self.tip, ARROW * max(1.0, style.line_width / 1.5))
        self.key = path.key
        self.setZValue(-1)
        self.state = EdgeState(Mark.PENDING, False)

    def set_state(self, state: EdgeState) -> bool:
        changed, self.state = state != self.state, state
        return self._adopt(changed)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        mark, backward = self.state
        pen = self.style.pen("grad" if backward else "edge", mark)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
        painter.drawLine(self.end, self.tip)
        # the arrowhead is filled and outlined solid even on a dashed (pending) edge
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self.head)


class EdgeLabelItem(_Item):
    """The local derivative on an edge, and during backward the contribution sent along it."""

    def __init__(
        self, style: GraphStyle, center: Point, size: tuple[float, float], key: str
    ) -> None:
        width, height = size
        super().__init__(
            style, QRectF(center[0] - width / 2, center[1] - height / 2, width, height)
        )
        self.key = key
        self.setZValue(-2)  # under the edges (at -1): a label never hides a line
        self.state = LabelState(PENDING_LOCAL, "", Mark.PENDING)

    def set_state(self, state: LabelState) -> bool:
        changed, self.state = state != self.state, state
        return self._adopt(changed)

    def texts(self) -> tuple[str, str]:
        """(local derivative, contribution) as drawn."""
        return (self.state.local, self.state.contribution)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        local, contribution, mark = self.state
        style, rect = self.style, self.rect
        if _tiny(painter, style):
            return
        background = style.color("highlight_fill" if mark is Mark.ACTIVE else "window")
        background.setAlphaF(LABEL_OPACITY)
        painter.setPen(
            Qt.PenStyle.NoPen if mark is not Mark.ACTIVE else style.pen("edge", Mark.ACTIVE, 0.6)
        )
        painter.setBrush(QBrush(background))
        painter.drawRoundedRect(rect, LABEL_CORNER, LABEL_CORNER)
        painter.setFont(style.font)
        top = QRectF(rect.left(), rect.top() + 0.3 * style.pad, rect.width(), style.line)
        painter.setPen(style.color("muted" if mark is Mark.PENDING else "value"))
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, local)
        painter.setPen(style.color("grad"))
        painter.drawText(
            top.translated(0, style.line), Qt.AlignmentFlag.AlignCenter, str(contribution)
        )


def _bezier(points: tuple[Point, ...]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for i in range(1, len(points) - 2, 3):
        path.cubicTo(QPointF(*points[i]), QPointF(*points[i + 1]), QPointF(*points[i + 2]))
    return path


def _arrowhead(start: QPointF, tip: QPointF, length: float) -> QPolygonF:
    dx, dy = tip.x() - start.x(), tip.y() - start.y()
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / norm, dy / norm
    base = QPointF(tip.x() - ux * length, tip.y() - uy * length)
    side = QPointF(-uy * length * 0.45, ux * length * 0.45)
    return QPolygonF([tip, base + side, base - side])
