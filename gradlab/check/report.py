"""Three ways to one derivative: autograd, SymPy and finite differences, compared per leaf and
per edge, with the kinks (relu at 0, step) called out instead of failed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from gradlab.check.numeric import central_difference, step_size
from gradlab.engine import Value, record, topological_order
from gradlab.engine.scalar_ops import SCALAR_OPS

SYMBOLIC_LIMIT = 300
"""Above this many nodes the SymPy expressions grow too large to be worth building."""
SIMPLIFY_LIMIT = 40
"""Above this many nodes the symbolic chain rule is not built; the numbers still compare."""
KINKED = frozenset(op for op, entry in SCALAR_OPS.items() if entry.kinked)
"""Ops with a point where the derivative jumps; there the engine follows PyTorch's convention."""
EXACT_TOLERANCE = 1e-9
NUMERIC_TOLERANCE = 1e-5


@dataclass(frozen=True)
class EdgeCheck:
    """The local derivative on one edge: SymPy's formula and value against the stored number."""

    node: int
    parent: int
    """The parent's position among the node's parents (0 or 1)."""
    formula: str
    symbolic: float
    autograd: float
    agree: bool


@dataclass(frozen=True)
class LeafCheck:
    """d root / d leaf three ways."""

    label: str
    autograd: float
    symbolic: float
    numeric: float
    formula: str
    agree: bool
    note: str = ""
    symbolic_equal: bool | None = None
    """Whether SymPy's derivative and the chain rule done symbolically simplify to the same
    expression; None where the graph was too large to try."""


@dataclass(frozen=True)
class CheckReport:
    leaves: tuple[LeafCheck, ...]
    edges: Mapping[tuple[int, int], EdgeCheck]

    def edge(self, node: int, parent: int) -> EdgeCheck:
        return self.edges[(node, parent)]

    def leaf(self, label: str) -> LeafCheck:
        return next(leaf for leaf in self.leaves if leaf.label == label)

    @property
    def ok(self) -> bool:
        return all(leaf.agree for leaf in self.leaves) and all(e.agree for e in self.edges.values())


def cross_check(root: Value, inputs: Mapping[str, Value]) -> CheckReport:
    """Compare autograd with SymPy and finite differences for every input and every edge.

    Runs one fresh backward pass (as `record` does), so the inputs' grads are d root / d input.
    """
    # SymPy takes seconds to import: load it with the first check, not with the app.
    import sympy as sp  # noqa: PLC0415

    from gradlab.check import symbolic  # noqa: PLC0415

    trace = record(root)
    order = topological_order(root)
    grads = trace.snapshot(len(trace)).grads
    autograd = {node: float(grads[i] or 0.0) for i, node in enumerate(order)}
    symbols = {leaf: sp.Symbol(name, real=True) for name, leaf in inputs.items()}
    point = {symbols[leaf]: symbolic.exact(leaf.data) for leaf in symbols}
    symbolic_ok = len(order) <= SYMBOLIC_LIMIT
    full = symbolic.expressions(order, symbols) if symbolic_ok else {}
    chain = symbolic.chain_rule(order, full) if len(order) <= SIMPLIFY_LIMIT else {}
    note = _kink_note(order)
    leaves = []
    for name, leaf in inputs.items():
        derivative = sp.diff(full[order[-1]], symbols[leaf]) if symbolic_ok else None
        exact_value = math.nan if derivative is None else symbolic.evaluate(derivative, point)
        numeric = central_difference(root, leaf)
        equal = None if leaf not in chain else symbolic.same(chain[leaf], derivative)
        sym_agrees = derivative is None or _close(exact_value, autograd[leaf], EXACT_TOLERANCE)
        num_agrees = bool(note) or _close(numeric, autograd[leaf], NUMERIC_TOLERANCE)
        leaves.append(
            LeafCheck(
                label=name,
                autograd=autograd[leaf],
                symbolic=exact_value,
                numeric=numeric,
                formula="" if derivative is None else str(derivative),
                agree=sym_agrees and num_agrees and equal is not False,
                note=note,
                symbolic_equal=equal,
            )
        )
    edges = {}
    for node_id, node in enumerate(order):
        if not node.parents or not symbolic_ok:
            continue
        locals_ = symbolic.local_derivatives(node, symbols, full)
        for k, ((formula, value), stored) in enumerate(zip(locals_, node.local, strict=True)):
            agree = _close(value, stored, EXACT_TOLERANCE)
            edges[(node_id, k)] = EdgeCheck(node_id, k, str(formula), value, stored, agree)
    return CheckReport(leaves=tuple(leaves), edges=edges)


def _close(a: float, b: float, tolerance: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance * 1e-3)


def _kink_note(order: list[Value]) -> str:
    """Say where an input sits on or next to a kink, where finite differences cannot agree."""
    for node in order:
        if node.op not in KINKED:
            continue
        x = node.parents[0].data
        name = node.op.key
        if x == 0.0:
            return f"at the kink of {name} (input 0): autograd and SymPy use the convention there"
        if abs(x) < 100 * step_size(x):
            return f"next to the kink of {name}: finite differences straddle it"
    return ""
