"""Finite differences: the derivative measured by nudging an input, with no calculus at all.

The recorded graph is replayed with one leaf moved by ±h, each node downstream of it recomputed
from its parents with the same `Value` method that built it (its `SCALAR_OPS` entry, given the
node's number), and (f(x + h) − f(x − h)) / 2h compared with autograd.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from gradlab.engine import Value, record, topological_order
from gradlab.engine.scalar_ops import SCALAR_OPS
from gradlab.engine.trace import Node, Trace


def replay(nodes: Sequence[Node], overrides: Mapping[int, float]) -> float:
    """The root's value (the last node) with some leaves set to other numbers; only the nodes
    that depend on them are recomputed."""
    values = [float(node.value) for node in nodes]
    changed = set(overrides)
    for node_id, value in overrides.items():
        values[node_id] = value
    for node in nodes[min(overrides, default=len(nodes)) :]:
        if node.parents and not changed.isdisjoint(node.parents):
            operands = [Value(values[p]) for p in node.parents]
            values[node.id] = SCALAR_OPS[node.op].apply(operands, node.arg).data
            changed.add(node.id)
    return values[-1]


def step_size(x: float) -> float:
    """A step that balances truncation error (h²) against rounding error (ε/h)."""
    return 1e-6 * max(1.0, abs(x))


def trace_difference(trace: Trace, leaf: int, h: float | None = None) -> float:
    """d root / d node `leaf` of a recorded scalar graph ≈ (f(x + h) − f(x − h)) / 2h; NaN where
    f is undefined at x ± h."""
    x = float(trace.nodes[leaf].value)
    h = step_size(x) if h is None else h
    try:
        up = replay(trace.nodes, {leaf: x + h})
        down = replay(trace.nodes, {leaf: x - h})
    except (ArithmeticError, ValueError):
        return math.nan
    return (up - down) / (2.0 * h)


def central_difference(root: Value, leaf: Value, h: float | None = None) -> float:
    """d root / d leaf ≈ (f(x + h) − f(x − h)) / 2h; NaN where f is undefined at x ± h.
    (It records the graph, which runs a backward pass: the grads are d root / d node after.)"""
    leaf_id = topological_order(root).index(leaf)
    return trace_difference(record(root), leaf_id, h)
