"""`Frame`: what a figure of a graph shows, one step of a recorded trace or a live graph as it is.

The graph lab's view decides, for each step, which values and grads are known, which node is
active and what each edge's label says (`gradlab.gui.graph.view`); `frame_at` makes the same
decisions for a figure. `live_frame` draws a `Value` or `Tensor` graph without running anything:
its values, and its grads as they are now (as micrograd's ``draw_dot``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from gradlab.engine import topological_order
from gradlab.engine.autodiff import GraphNode, node_records
from gradlab.engine.trace import BackwardStep, ForwardStep, Number, Trace
from gradlab.layout import edge_records, labels

PENDING_LOCAL = f"local {labels.PENDING}"


class Mark(Enum):
    """How far a part of the graph has come (as the app's `gradlab.gui.graph.style.Mark`)."""

    PENDING = "pending"
    DONE = "done"
    ACTIVE = "active"


@dataclass(frozen=True)
class Frame:
    """A graph and everything drawn on it at one moment."""

    trace: Trace
    """The nodes (the backward records are what the edge labels read)."""
    values: tuple[Number | None, ...]
    grads: tuple[Number | None, ...]
    final: tuple[bool, ...]
    """Per node: its grad is complete, so the edges into it have carried grads back."""
    active: int | None = None
    """The node of the step just taken."""
    forward: bool = True
    """Whether that step was a forward step."""
    edges: Mapping[tuple[int, int], tuple[str, str]] | None = None
    """(local derivative, contribution) text per labelled edge (node id, parent position)."""
    live: bool = False
    """A live graph's grads are whatever backward() left: never drawn as partial (italic)."""

    def partial(self, i: int) -> bool:
        """Node i's grad is shown but still collecting contributions (drawn in italics)."""
        return not (self.live or self.final[i] or self.grads[i] is None)

    def value_marks(self, i: int) -> tuple[Mark, Mark]:
        """How far node i's value and grad have come."""
        value = _mark(i == self.active and self.forward, self.values[i] is not None)
        grad = _mark(i == self.active and not self.forward, self.grads[i] is not None)
        return value, grad

    def op_mark(self, i: int) -> Mark:
        return _mark(i == self.active, self.values[i] is not None)

    def result_mark(self, i: int) -> Mark:
        """The short arrow from node i's op into its value box."""
        return _mark(i == self.active and self.forward, self.values[i] is not None)


def frame_at(trace: Trace, position: int) -> Frame:
    """`trace` after its first `position` steps, as the graph lab shows it."""
    snap = trace.snapshot(position)
    forward = not isinstance(snap.step, BackwardStep)
    edges: dict[tuple[int, int], tuple[str, str]] = {}
    for (i, k), record in edge_records(trace).items():
        known = snap.values[i] is not None
        local = labels.local_text(record.local) if known else PENDING_LOCAL
        sent = labels.contribution_text(record.contribution) if snap.final[i] else ""
        edges[(i, k)] = (local, sent)
    active = snap.step.node if isinstance(snap.step, ForwardStep | BackwardStep) else None
    return Frame(trace, snap.values, snap.grads, snap.final, active, forward, edges)


def live_frame(root: GraphNode[Any]) -> Frame:
    """`root`'s graph as it is now: every value, and each grad as backward() left it (a Value's
    grad is 0 before any backward pass, a Tensor's None). Nothing is computed or changed."""
    order = topological_order(root)
    nodes = node_records(order)
    grads = tuple(_grad(node) for node in order)
    flowed = grads[-1] is not None and bool(_nonzero(grads[-1]))
    edges: dict[tuple[int, int], tuple[str, str]] = {}
    for i, node in enumerate(order):
        local = getattr(node, "local", None)  # a Value keeps its local derivatives as numbers
        if local is not None:
            for k, derivative in enumerate(local):
                edges[(i, k)] = (labels.local_text(derivative), "")
    trace = Trace(nodes=nodes, root=len(nodes) - 1, backward=())
    values = tuple(node.value for node in nodes)
    return Frame(trace, values, grads, (flowed,) * len(nodes), edges=edges, live=True)


def _grad(node: GraphNode[Any]) -> Number | None:
    grad = getattr(node, "grad", None)
    return grad if grad is None or isinstance(grad, float) else np.asarray(grad)


def _nonzero(grad: Number) -> bool:
    return bool(grad != 0) if isinstance(grad, float) else True


def _mark(active: bool, known: bool) -> Mark:
    if active:
        return Mark.ACTIVE
    return Mark.DONE if known else Mark.PENDING
