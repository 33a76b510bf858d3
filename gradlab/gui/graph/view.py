"""`GraphView`: the laid-out graph drawn with Qt items, following a `Player` step by step.

The layout is fixed for a trace; a step only recomputes each item's small state and repaints
the items whose state changed (no relayout). Zoom with Ctrl +/-/0 or the wheel, pan by dragging,
fit to the window; a click on a node emits `node_clicked` with its id.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from gradlab.engine.trace import BackwardStep, EdgeGrad, ForwardStep, Number, Snapshot, Trace
from gradlab.gui.graph.export import scene_image, scene_svg
from gradlab.gui.graph.items import (
    PENDING_LOCAL,
    EdgeItem,
    EdgeLabelItem,
    EdgeState,
    LabelState,
    OpItem,
    OpState,
    ValueItem,
    ValueState,
)
from gradlab.gui.graph.style import GraphStyle, Mark
from gradlab.layout import Layout, edge_key, edge_records, labels, op_key, result_key, value_key
from gradlab.state.graph.player import Player

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.05, 8.0)
FIT_MAX = 3.0
"""Fitting never magnifies beyond this: a three-node graph should not fill a projector."""
CLICK_SLOP = 4
MIN_ZOOM = 0.8
"""Fitting shrinks no further: below this, 14-pixel text stops being readable."""
FOLLOW_MARGIN = 0.15
"""The active node is re-centred when it comes closer than this share of the view to an edge."""


class GraphView(QGraphicsView):
    """The graph of `player.trace` laid out as `layout`, redrawn at every step of `player`."""

    node_clicked = Signal(int)

    def __init__(
        self, player: Player, layout: Layout, style: GraphStyle, parent: QWidget | None = None
    ) -> None:
        # the scene is parented to the view: a parentless QGraphicsScene is garbage-collected
        scene = QGraphicsScene()
        super().__init__(scene, parent)
        scene.setParent(self)
        self.player = player
        self._style = style
        self._layout: Layout | None = None
        self._drawn: Trace | None = None
        self._shown: Snapshot | None = None
        self._shown_titles: list[tuple[str, str]] = []
        self._auto_fit = True
        self.min_zoom = MIN_ZOOM
        self._press: QPoint | None = None
        self.values: dict[int, ValueItem] = {}
        self.ops: dict[int, OpItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.edge_labels: dict[str, EdgeLabelItem] = {}
        self._records: dict[tuple[int, int], EdgeGrad[Number]] = {}
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        callback = self._on_changed
        player.changed.connect(callback)
        # the player can outlive this view: drop the link when the widget goes
        self.destroyed.connect(lambda *_: player.changed.disconnect(callback))
        self.set_layout(layout, style)

    @property
    def trace(self) -> Trace:
        return self.player.trace

    # ---- building --------------------------------------------------------------------------

    def set_layout(self, layout: Layout, style: GraphStyle | None = None) -> None:
        """Show the player's current trace placed as `layout` says.

        When only numbers changed (an input was edited: same layout, style and names), the
        items stay and are brought up to date; otherwise every item is made anew.
        """
        style = style or self._style
        titles = self._titles(self.trace)
        if layout is self._layout and style is self._style and titles == self._shown_titles:
            self._drawn = self.trace
            self._records = edge_records(self.trace)
            self._shown = None
            self.refresh()
            return
        self._layout, self._style, self._shown_titles = layout, style, titles
        scene = self.scene()
        scene.clear()
        self.values.clear()
        self.ops.clear()
        self.edges.clear()
        self.edge_labels.clear()
        self._drawn = self.trace
        self._shown = None
        self._records = edge_records(self.trace)
        scene.setBackgroundBrush(self._style.color("window"))
        for node, (title, glyph) in zip(self.trace.nodes, titles, strict=True):
            box = layout.boxes[value_key(node.id)]
            rect = QRectF(box.x, box.y, box.width, box.height)
            self.values[node.id] = ValueItem(self._style, rect, node.id, title)
            if not node.is_leaf:
                op = layout.boxes[op_key(node.id)]
                rect = QRectF(op.x, op.y, op.width, op.height)
                self.ops[node.id] = OpItem(self._style, rect, node.id, glyph)
        for path in layout.edges:
            self.edges[path.key] = EdgeItem(self._style, path)
        for (node_id, k), record in self._records.items():
            key = edge_key(node_id, k)
            center = layout.edge(key).label
            if center is not None:
                size = self._style.edge_label(record.local, record.contribution)
                self.edge_labels[key] = EdgeLabelItem(self._style, center, size, key)
        for item in (*self.values.values(), *self.ops.values(), *self.edges.values()):
            scene.addItem(item)
        for label in self.edge_labels.values():
            scene.addItem(label)
        scene.setSceneRect(QRectF(0, 0, layout.width, layout.height))
        self.refresh()
        if self._auto_fit:
            self.fit_to_window()

    @staticmethod
    def _titles(trace: Trace) -> list[tuple[str, str]]:
        """What each node's items are labelled with: (title, op glyph)."""
        names = labels.node_names(trace)
        return [(labels.title_text(n, names[n.id]), labels.op_text(n)) for n in trace.nodes]

    # ---- following the player ----------------------------------------------------------------

    def _on_changed(self, position: int) -> None:
        del position
        self.refresh()

    def refresh(self) -> int:
        """Bring the items up to the player's snapshot; returns how many items changed.

        Only nodes whose value, grad or activity differ from the last drawn snapshot are looked
        at (snapshots share the recorded numbers, so `is` finds the changes), so a step costs
        the few nodes it touches, not the whole graph.
        """
        if self.player.trace is not self._drawn:
            return 0  # the graph was rebuilt: `set_layout` follows with the new items
        snap = self.player.snapshot()
        last, self._shown = self._shown, snap
        if last is None:
            dirty: Iterable[int] = range(len(snap.values))
        else:
            dirty = {
                i
                for i in range(len(snap.values))
                if snap.values[i] is not last.values[i]
                or snap.grads[i] is not last.grads[i]
                or snap.final[i] is not last.final[i]
            }
            dirty |= {n for n in (snap.active, last.active) if n is not None}
        forward = snap.step.node if isinstance(snap.step, ForwardStep) else None
        backward = snap.step.node if isinstance(snap.step, BackwardStep) else None
        changed = sum(self._refresh_node(snap, i, forward, backward) for i in sorted(dirty))
        self._follow(snap.active)
        return changed

    def _refresh_node(
        self, snap: Snapshot, i: int, forward: int | None, backward: int | None
    ) -> int:
        node = self.trace.nodes[i]
        changed = int(self.values[i].set_state(_value_state(snap, i, forward, backward)))
        if node.is_leaf:
            return changed
        known = snap.values[i] is not None
        mark = _mark(i in (forward, backward), known)
        changed += self.ops[i].set_state(OpState(mark))
        changed += self.edges[result_key(i)].set_state(EdgeState(_mark(i == forward, known), False))
        for k in range(len(node.parents)):
            key = edge_key(i, k)
            changed += self.edges[key].set_state(EdgeState(mark, snap.final[i]))
            label = self.edge_labels.get(key)
            if label is not None:
                record = self._records[(i, k)]
                local = labels.local_text(record.local) if known else PENDING_LOCAL
                sent = labels.contribution_text(record.contribution) if snap.final[i] else ""
                changed += label.set_state(LabelState(local, sent, mark))
        return changed

    # ---- what tests and exports read ---------------------------------------------------------

    def node_texts(self) -> dict[int, tuple[str, str, str]]:
        """Every value node's (name, data, grad) texts as drawn."""
        return {i: item.texts() for i, item in self.values.items()}

    def label_texts(self) -> dict[str, tuple[str, str]]:
        return {key: item.texts() for key, item in self.edge_labels.items()}

    def render_image(self, scale: float = 2.0) -> QImage:
        """The whole graph (not just what is scrolled into view) as an image."""
        return scene_image(self.scene(), self._style.color("window"), scale)

    def render_svg(self, path: str) -> None:
        """The whole graph as an SVG file, in vectors."""
        scene_svg(self.scene(), self._style.color("window"), path)

    # ---- zoom and pan ------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        factor = min(max(self.zoom * factor, low), high) / self.zoom
        self._auto_fit = False
        self.scale(factor, factor)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """Back to 100 %."""
        self._auto_fit = False
        self.resetTransform()

    def fit_to_window(self) -> None:
        """Show as much of the graph as stays readable: the whole of it, magnified at most
        `FIT_MAX` times and shrunk at most to `min_zoom` (a long graph is then scrolled, and
        follows the active node). Keeps fitting when the window is resized."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = min(max(self.zoom, self.min_zoom), FIT_MAX)
        if zoom != self.zoom:
            self.resetTransform()
            self.scale(zoom, zoom)
            self.centerOn(rect.center())
        self._auto_fit = True
        self._follow(self.player.snapshot().active)

    def _follow(self, node: int | None) -> None:
        """Centre the active node when it is (partly) out of view: only scrolls, never zooms,
        and centring shows what flows into it and out of it."""
        item = self.values.get(node) if node is not None else None
        if item is None or self.trace is not self._drawn:
            return
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        # keep room around it for the edges coming in and going out
        dx, dy = FOLLOW_MARGIN * seen.width(), FOLLOW_MARGIN * seen.height()
        wanted = item.rect.adjusted(-dx, -dy, dx, dy)
        if not seen.contains(wanted):
            self.centerOn(item.rect.center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_to_window()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        start, self._press = self._press, None
        point = event.position().toPoint()
        if start is None or (point - start).manhattanLength() > CLICK_SLOP:
            return
        for item in self.items(point):
            if isinstance(item, ValueItem | OpItem):
                self.node_clicked.emit(item.node_id)
                return


def _mark(active: bool, known: bool) -> Mark:
    if active:
        return Mark.ACTIVE
    return Mark.DONE if known else Mark.PENDING


def _value_state(snap: Snapshot, i: int, forward: int | None, backward: int | None) -> ValueState:
    value, grad = snap.values[i], snap.grads[i]
    return ValueState(
        labels.value_text(value),
        labels.grad_text(grad),
        _mark(i == forward, value is not None),
        _mark(i == backward, grad is not None),
        snap.final[i],
    )
