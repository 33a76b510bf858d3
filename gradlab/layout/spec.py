"""From a recorded trace to the graph that is drawn, in micrograd's style.

Every node becomes a value box (label, data, grad; no grad row on a graph whose backward pass is
never run); every computed node also gets a small op
node just in front of it (its `Lead`). Edges run parent value -> op -> value, so the local
derivative of an edge (node id i, parent position k) has a place to be written: on the edge
keyed `edge_key(i, k)`; the op -> value arrow is keyed `result_key(i)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gradlab.engine.trace import Node, Number, Trace, edge_records
from gradlab.layout import labels
from gradlab.layout.model import EdgeSpec, GraphSpec, Lead, NodeSpec

OP_GAP = 0.55
"""The arrow from an op to its value is this many op heights long."""


def value_key(node_id: int) -> str:
    return f"v{node_id}"


def op_key(node_id: int) -> str:
    return f"o{node_id}"


def edge_key(node_id: int, parent_position: int) -> str:
    """The edge from parent number `parent_position` of node `node_id` into its op node."""
    return f"e{node_id}.{parent_position}"


def result_key(node_id: int) -> str:
    """The short edge from a node's op to its value box."""
    return f"r{node_id}"


class Sizer(Protocol):
    """Measures what the drawing of each part needs; the GUI implements it with font metrics.

    `backward=False` sizes a value box for a graph that only runs forward: its name and data,
    no grad row."""

    def value_node(
        self, node: Node, name: str, grad: Number | None, *, backward: bool = True
    ) -> tuple[float, float]: ...

    def op_node(self, node: Node) -> tuple[float, float]: ...

    def edge_label(
        self, local: float | None, contribution: Number | None
    ) -> tuple[float, float]: ...


@dataclass(frozen=True)
class EstimateSizer:
    """A Qt-free sizer from character counts: good enough for tests, benchmarks and .dot export."""

    font_px: float = 13.0
    char_width: float = 0.62
    """Average glyph advance as a fraction of the font size (generous for proportional fonts)."""

    def _text(self, text: str) -> float:
        return len(text) * self.char_width * self.font_px

    def value_node(
        self, node: Node, name: str, grad: Number | None, *, backward: bool = True
    ) -> tuple[float, float]:
        numbers = max(
            self._text(labels.value_text(node.value)),
            self._text(labels.grad_text(grad)) if backward else 0.0,
            self._text("data " + labels.NUMBER_ROOM),
        )
        width = self._text(labels.title_text(node, name)) + numbers + 3 * self.font_px
        rows = 2 if backward else 1
        return (width, (1.2 * rows + 0.8) * self.font_px)

    def op_node(self, node: Node) -> tuple[float, float]:
        side = max(2.6 * self.font_px, self._text(labels.op_text(node)) + 1.4 * self.font_px)
        return (side, 2.6 * self.font_px)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        width = max(
            self._text(labels.local_text(local)),
            self._text(labels.contribution_text(contribution)),
            self._text("+= " + labels.NUMBER_ROOM),
        )
        return (width + 0.6 * self.font_px, 2.6 * self.font_px)


def graph_spec(trace: Trace, sizer: Sizer | None = None, *, backward: bool = True) -> GraphSpec:
    """The drawn graph of `trace`: value boxes, op nodes and labelled edges, sized by `sizer`;
    `backward=False` for a graph whose backward pass is never run (no grad rows)."""
    sizer = EstimateSizer() if sizer is None else sizer
    grads = trace.snapshot(len(trace)).grads
    records = edge_records(trace)
    names = labels.node_names(trace)
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    for node in trace.nodes:
        size = sizer.value_node(node, names[node.id], grads[node.id], backward=backward)
        if node.is_leaf:
            nodes.append(NodeSpec(value_key(node.id), *size))
            continue
        op_width, op_height = sizer.op_node(node)
        lead = Lead(op_key(node.id), op_width, op_height, op_height * OP_GAP, result_key(node.id))
        nodes.append(NodeSpec(value_key(node.id), *size, lead=lead))
        for position, parent in enumerate(node.parents):
            record = records.get((node.id, position))
            size = (
                sizer.edge_label(None, None)
                if record is None
                else sizer.edge_label(record.local, record.contribution)
            )
            key = edge_key(node.id, position)
            edges.append(EdgeSpec(key, value_key(parent), op_key(node.id), *size))
    return GraphSpec(tuple(nodes), tuple(edges))
