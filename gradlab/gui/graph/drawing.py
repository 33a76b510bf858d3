"""`Drawing`: the items of one laid-out graph, made into a scene of their own a slice of time per
turn of the event loop; and `Teardown`, which takes old scenes apart the same way.

The view keeps showing its last finished drawing while the next one is made, then swaps the
scenes, so the window never waits for thousands of items at once (made, added, or deleted) and
nothing half-drawn is ever shown. Far out, where text would be a few pixels high, the items are
hidden and the scene shows one picture of the whole graph instead (`FarPicture`, with the active
node marked on it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence

from PySide6.QtCore import QObject, QRectF, QTimer
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from gradlab.engine.trace import EdgeGrad, Number, Snapshot, Trace
from gradlab.gui.graph.far import FarPicture, marker
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
from gradlab.layout import Layout, edge_key, labels, op_key, result_key, value_key

BATCH_SECONDS = 0.008
"""Items are made (or taken apart) for about this long per turn of the event loop."""


class Drawing:
    """A scene being filled with the items of `layout`; `step()` until it returns True."""

    def __init__(
        self,
        parent: QObject,
        trace: Trace,
        layout: Layout,
        style: GraphStyle,
        titles: Sequence[tuple[str, str]],
        records: Mapping[tuple[int, int], EdgeGrad[Number]],
        *,
        far: bool,
        backward: bool = True,
    ) -> None:
        self.scene = QGraphicsScene(parent)
        # no index: building one for 4,000 items took 10 ms at the first repaint, and finding
        # the items in view without one takes a fraction of a millisecond (they never move)
        self.scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.scene.setBackgroundBrush(style.color("window"))
        self.scene.setSceneRect(QRectF(0, 0, layout.width, layout.height))
        self.values: dict[int, ValueItem] = {}
        self.ops: dict[int, OpItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.edge_labels: dict[str, EdgeLabelItem] = {}
        self.style = style
        self.far = far
        """Whether the items are made hidden, the picture shown."""
        self.backward = backward
        """Whether the graph runs backward: else its value boxes have no grad row."""
        self.picture = FarPicture(layout, style)
        self.marker = marker(style)
        self.picture.setVisible(far)
        self.scene.addItem(self.picture)
        self.scene.addItem(self.marker)
        self._pending = self._items(trace, layout, style, titles, records)

    def step(self) -> bool:
        """Make and add items for about `BATCH_SECONDS`; True once all are in the scene."""
        until = time.perf_counter() + BATCH_SECONDS
        for item in self._pending:
            item.setVisible(not self.far)
            self.scene.addItem(item)
            if time.perf_counter() > until:
                return False
        return True

    def items(self) -> list[QGraphicsItem]:
        """Every item made so far (the picture and the marker too)."""
        return [*self.details(), self.picture, self.marker]

    def details(self) -> list[QGraphicsItem]:
        """The items of the graph's nodes, edges and labels."""
        items: list[QGraphicsItem] = [*self.values.values(), *self.ops.values()]
        return [*items, *self.edges.values(), *self.edge_labels.values()]

    def set_far(self, far: bool) -> None:
        """Show the picture (far) or the items."""
        self.far = far
        self.picture.setVisible(far)
        for item in self.details():
            item.setVisible(not far)
        if not far:
            self.marker.setVisible(False)

    def refresh_node(
        self,
        trace: Trace,
        records: Mapping[tuple[int, int], EdgeGrad[Number]],
        snap: Snapshot,
        i: int,
        active: tuple[int | None, int | None],
    ) -> int:
        """Bring node `i`'s items (value, op, edges, labels) up to `snap`, where `active` is the
        node of the forward and of the backward step; returns how many changed."""
        forward, backward = active
        node = trace.nodes[i]
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
                record = records[(i, k)]
                local = labels.local_text(record.local) if known else PENDING_LOCAL
                sent = labels.contribution_text(record.contribution) if snap.final[i] else ""
                changed += label.set_state(LabelState(local, sent, mark))
        return changed

    def _items(
        self,
        trace: Trace,
        layout: Layout,
        style: GraphStyle,
        titles: Sequence[tuple[str, str]],
        records: Mapping[tuple[int, int], EdgeGrad[Number]],
    ) -> Iterator[QGraphicsItem]:
        for node, (title, glyph) in zip(trace.nodes, titles, strict=True):
            box = layout.boxes[value_key(node.id)]
            rect = QRectF(box.x, box.y, box.width, box.height)
            value = ValueItem(style, rect, node.id, title, grad_row=self.backward)
            self.values[node.id] = value
            yield value
            if not node.is_leaf:
                op = layout.boxes[op_key(node.id)]
                rect = QRectF(op.x, op.y, op.width, op.height)
                op_item = self.ops[node.id] = OpItem(style, rect, node.id, glyph)
                yield op_item
        for path in layout.edges:
            edge = self.edges[path.key] = EdgeItem(style, path)
            yield edge
        for (node_id, k), record in records.items():
            key = edge_key(node_id, k)
            center = layout.edge(key).label
            if center is not None:
                size = style.edge_label(record.local, record.contribution)
                label = self.edge_labels[key] = EdgeLabelItem(style, center, size, key)
                yield label


class Teardown:
    """Old scenes emptied a slice of time per turn of the event loop, then deleted (deleting a
    scene of 3,000 items at once takes tens of milliseconds)."""

    def __init__(self, parent: QObject) -> None:
        self._queue: list[tuple[QGraphicsScene, list[QGraphicsItem]]] = []
        self._timer = QTimer(parent)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def retire(self, scene: QGraphicsScene, items: list[QGraphicsItem]) -> None:
        """Take `scene` (no longer shown) and its `items` apart, then delete it."""
        # without an index, removing an item does not rebalance a tree
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._queue.append((scene, items))
        self._timer.start()

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def _step(self) -> None:
        until = time.perf_counter() + BATCH_SECONDS
        while self._queue:
            scene, items = self._queue[0]
            while items:
                scene.removeItem(items.pop())  # the item goes with its last reference
                if time.perf_counter() > until:
                    return
            self._queue.pop(0)
            scene.deleteLater()
        self._timer.stop()


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


def item_titles(trace: Trace) -> list[tuple[str, str]]:
    """What each node's items are labelled with: (title, op glyph)."""
    names = labels.node_names(trace)
    return [(labels.title_text(n, names[n.id]), labels.op_text(n)) for n in trace.nodes]
