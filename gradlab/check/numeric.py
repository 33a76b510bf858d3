"""Finite differences: the derivative measured by nudging an input, with no calculus at all.

The graph is replayed with one leaf moved by ±h, each node recomputed from its parents with the
same `Value` method that built it (its `SCALAR_OPS` entry, given the node's number), and
(f(x + h) − f(x − h)) / 2h compared with autograd.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from gradlab.engine import Value, topological_order
from gradlab.engine.scalar_ops import SCALAR_OPS


def replay(order: Sequence[Value], overrides: Mapping[Value, float]) -> float:
    """The root's value (last in `order`) with some leaves set to other numbers."""
    values: dict[Value, Value] = {}
    for node in order:
        if not node.parents:
            values[node] = Value(overrides.get(node, node.data))
        else:
            parents = [values[p] for p in node.parents]
            values[node] = SCALAR_OPS[node.op].apply(parents, node.arg)
    return values[order[-1]].data


def step_size(x: float) -> float:
    """A step that balances truncation error (h²) against rounding error (ε/h)."""
    return 1e-6 * max(1.0, abs(x))


def central_difference(root: Value, leaf: Value, h: float | None = None) -> float:
    """d root / d leaf ≈ (f(x + h) − f(x − h)) / 2h; NaN where f is undefined at x ± h."""
    order = topological_order(root)
    h = step_size(leaf.data) if h is None else h
    try:
        up = replay(order, {leaf: leaf.data + h})
        down = replay(order, {leaf: leaf.data - h})
    except (ArithmeticError, ValueError):
        return math.nan
    return (up - down) / (2.0 * h)
