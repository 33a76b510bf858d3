"""Finite differences: the derivative measured by nudging an input, with no calculus at all.

The graph is replayed with one leaf moved by ±h, each node recomputed from its parents with the
same `Value` op that built it, and (f(x + h) − f(x − h)) / 2h compared with autograd.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from gradlab.engine import Op, Value, topological_order

_REPLAY: dict[Op, Callable[[Sequence[Value], float | None], Value]] = {
    Op.ADD: lambda p, _: p[0] + p[1],
    Op.SUB: lambda p, _: p[0] - p[1],
    Op.MUL: lambda p, _: p[0] * p[1],
    Op.DIV: lambda p, _: p[0] / p[1],
    Op.POW: lambda p, n: p[0] ** _arg(n),
    Op.NEG: lambda p, _: -p[0],
    Op.EXP: lambda p, _: p[0].exp(),
    Op.LOG: lambda p, _: p[0].log(),
    Op.TANH: lambda p, _: p[0].tanh(),
    Op.SIGMOID: lambda p, _: p[0].sigmoid(),
    Op.RELU: lambda p, _: p[0].relu(),
    Op.LEAKY_RELU: lambda p, s: p[0].leaky_relu(_arg(s)),
    Op.ELU: lambda p, a: p[0].elu(_arg(a)),
    Op.SOFTPLUS: lambda p, _: p[0].softplus(),
    Op.ARCTAN: lambda p, _: p[0].arctan(),
    Op.GAUSSIAN: lambda p, _: p[0].gaussian(),
    Op.STEP: lambda p, _: p[0].step(),
}
"""How to recompute each scalar op from its parents (the op's numeric argument second)."""


def _arg(arg: float | None) -> float:
    if arg is None:
        raise ValueError("this op needs its numeric argument")
    return arg


def replay(order: Sequence[Value], overrides: Mapping[Value, float]) -> float:
    """The root's value (last in `order`) with some leaves set to other numbers."""
    values: dict[Value, Value] = {}
    for node in order:
        if not node.parents:
            values[node] = Value(overrides.get(node, node.data))
        else:
            parents = [values[p] for p in node.parents]
            values[node] = _REPLAY[node.op](parents, node.arg)
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
