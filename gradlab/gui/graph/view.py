"""`GraphView`: the laid-out graph drawn with Qt items, following a `Player` step by step.

The layout is fixed for a trace; a step only recomputes each item's small state and repaints
the items whose state changed (no relayout). A large graph's items are made a batch at a time,
so the window never waits for thousands of them at once. The whole graph fits the view by
default, at whatever zoom that takes; zoom with Ctrl +/-/0 or the wheel, pan by dragging, and
when zoomed in an overview in the corner shows where you are. A click on a node emits
`node_clicked` with its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QWidget,
)

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
from gradlab.gui.graph.overview import Overview
from gradlab.gui.graph.style import GraphStyle, Mark
from gradlab.layout import Layout, edge_key, edge_records, labels, op_key, result_key, value_key
from gradlab.layout.fold import FOLD_NODES, best_fold
from gradlab.state.graph.player import Player

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.01, 8.0)
FIT_MAX = 3.0
"""Fitting never magnifies beyond this: a three-node graph should not fill a projector."""
CLICK_SLOP = 4
BATCH = 300
"""Items made per turn of the event loop while a large graph is drawn (about 10 ms here)."""
FOLLOW_MARGIN = 0.15
"""The active node is re-centred when it comes closer than this share of the view to an edge."""


class GraphView(QGraphicsView):
    """The graph of `player.trace` laid out as `layout`, redrawn at every step of `player`."""

    node_clicked = Signal(int)

    def __init__(
        self,
        player: Player,
        layout: Layout | None,
        style: GraphStyle,
        parent: QWidget | None = None,
    ) -> None:
        # the scene is parented to the view: a parentless QGraphicsScene is garbage-collected
        scene = QGraphicsScene()
        super().__init__(scene, parent)
        scene.setParent(self)
        self.player = player
        self._style = style
        self._layout: Layout | None = None
        self._placed: Layout | None = None
        """What is drawn: the layout, maybe folded into strips to suit the view's shape."""
        self._drawn: Trace | None = None
        self._shown: Snapshot | None = None
        self._shown_titles: list[tuple[str, str]] = []
        self._auto_fit = True
        self._press: QPoint | None = None
        self.values: dict[int, ValueItem] = {}
        self.ops: dict[int, OpItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.edge_labels: dict[str, EdgeLabelItem] = {}
        self._records: dict[tuple[int, int], EdgeGrad[Number]] = {}
        self._pending: Iterator[QGraphicsItem] | None = None
        self._batches = QTimer(self)
        self._batches.setInterval(0)
        self._batches.timeout.connect(self._next_batch)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.overview = Overview(self, style.color("accent"))
        self.notice = QLabel(self.viewport())
        self.notice.setVisible(False)
        self.notice.setMargin(6)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self.overview.follow)
        callback = self._on_changed
        player.changed.connect(callback)
        # the player can outlive this view: drop the link when the widget goes
        self.destroyed.connect(lambda *_: player.changed.disconnect(callback))
        if layout is not None:
            self.set_layout(layout, style)

    @property
    def trace(self) -> Trace:
        return self.player.trace

    # ---- building --------------------------------------------------------------------------

    def set_layout(self, layout: Layout, style: GraphStyle | None = None) -> None:
        """Show the player's current trace placed as `layout` says.

        When only numbers changed (an input was edited: same layout, style and names), the
        items stay and are brought up to date; otherwise every item is made anew, a batch per
        turn of the event loop when there are many (`drawing` is True meanwhile).
        """
        style = style or self._style
        titles = self._titles(self.trace)
        self.set_notice("")
        if layout is self._layout and style is self._style and titles == self._shown_titles:
            if self._pending is None:
                self._drawn = self.trace
                self._records = edge_records(self.trace)
                self._shown = None
                self.refresh()
            return
        self._layout, self._style, self._shown_titles = layout, style, titles
        self._records = edge_records(self.trace)
        self._draw(self._folded(layout))

    def _folded(self, layout: Layout) -> Layout:
        """`layout` folded into strips when that lets it be drawn larger in this view."""
        if len(self.trace.nodes) > FOLD_NODES:
            return layout
        sizes = {
            edge_key(node, k): self._style.edge_label(record.local, record.contribution)
            for (node, k), record in self._records.items()
        }
        port = self.viewport().rect()
        return best_fold(layout, sizes, (port.width() - 4, port.height() - 4), FIT_MAX)

    def _draw(self, layout: Layout) -> None:
        """Make the items of `layout` (a batch per turn of the event loop when they are many)."""
        self._placed = layout
        self._batches.stop()
        scene = self.scene()
        scene.clear()
        self.values.clear()
        self.ops.clear()
        self.edges.clear()
        self.edge_labels.clear()
        self._drawn = None
        self._shown = None
        scene.setBackgroundBrush(self._style.color("window"))
        scene.setSceneRect(QRectF(0, 0, layout.width, layout.height))
        self.overview.accent = self._style.color("accent")
        self._pending = self._items(layout, self._shown_titles)
        self._next_batch()
        if self._pending is not None:
            self.set_notice(f"Drawing {len(self.trace.nodes):,} nodes…")
            self._batches.start()

    @property
    def up_to_date(self) -> bool:
        """Whether every item of the player's current trace is drawn."""
        return self._drawn is self.trace

    def _items(self, layout: Layout, titles: list[tuple[str, str]]) -> Iterator[QGraphicsItem]:
        for node, (title, glyph) in zip(self.trace.nodes, titles, strict=True):
            box = layout.boxes[value_key(node.id)]
            rect = QRectF(box.x, box.y, box.width, box.height)
            value = self.values[node.id] = ValueItem(self._style, rect, node.id, title)
            yield value
            if not node.is_leaf:
                op = layout.boxes[op_key(node.id)]
                rect = QRectF(op.x, op.y, op.width, op.height)
                op_item = self.ops[node.id] = OpItem(self._style, rect, node.id, glyph)
                yield op_item
        for path in layout.edges:
            edge = self.edges[path.key] = EdgeItem(self._style, path)
            yield edge
        for (node_id, k), record in self._records.items():
            key = edge_key(node_id, k)
            center = layout.edge(key).label
            if center is not None:
                size = self._style.edge_label(record.local, record.contribution)
                label = self.edge_labels[key] = EdgeLabelItem(self._style, center, size, key)
                yield label

    def _next_batch(self) -> None:
        pending = self._pending
        if pending is None:
            self._batches.stop()
            return
        scene = self.scene()
        for count, item in enumerate(pending, start=1):
            scene.addItem(item)
            if count == BATCH:
                return
        self._pending = None
        self._batches.stop()
        self._drawn = self.trace
        self.set_notice("")
        self.refresh()
        if self._auto_fit:
            self.fit_to_window()
        # the overview's picture waits a turn: the view is on screen first
        QTimer.singleShot(0, self, self._redraw_overview)

    def _redraw_overview(self) -> None:
        if self._pending is None and self._placed is not None:
            self.overview.redraw(
                self._placed, self._style.color("window"), self._style.color("node_border")
            )

    def set_notice(self, text: str) -> None:
        """A line over the graph's top-left corner ("Laying out…"); empty hides it."""
        self.notice.setText(text)
        self.notice.setStyleSheet(
            f"background: {self._style.theme.highlight_fill}; color: {self._style.theme.text};"
            "border-radius: 4px"
        )
        self.notice.adjustSize()
        self.notice.move(8, 8)
        self.notice.setVisible(bool(text))

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
        if node.shape:
            self.values[i].set_maps(snap.values[i], snap.grads[i])
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
        self.overview.follow()

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """Back to 100 %."""
        self._auto_fit = False
        self.resetTransform()
        self.overview.follow()

    def fit_to_window(self) -> None:
        """Show the whole graph, at whatever zoom that takes (magnified at most `FIT_MAX`
        times); keeps fitting when the window is resized, until the learner zooms."""
        rect = self.scene().sceneRect()
        port = self.viewport().rect()
        if rect.isEmpty() or port.isEmpty():
            return
        # the view's size but a pixel on each side (fitInView keeps a few more)
        zoom = min((port.width() - 2) / rect.width(), (port.height() - 2) / rect.height())
        zoom = min(max(zoom, ZOOM_RANGE[0]), FIT_MAX)
        self.resetTransform()
        self.scale(zoom, zoom)
        self.centerOn(rect.center())
        self._auto_fit = True
        self.overview.follow()

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
        if self._auto_fit and self._layout is not None and self.up_to_date:
            # another shape of view may want the graph folded otherwise
            folded = self._folded(self._layout)
            placed = self._placed
            if placed is None or (folded.width, folded.height) != (placed.width, placed.height):
                self._draw(folded)
                return
        if self._auto_fit:
            self.fit_to_window()
        self.overview.follow()

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
