"""The SymPy column of the check: local derivatives edge by edge, totals by the chain rule in
40-digit arithmetic, and SymPy's derivative of the whole expression where it is small enough.

Only this module and `symbolic` and `precise` import SymPy, and `report` imports it with the first
check, so the app starts without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from gradlab.check import precise, symbolic
from gradlab.check.results import EdgeCheck, capped, close
from gradlab.engine.trace import Node, Trace, edge_records

EDGE_TOLERANCE = 1e-9
WHOLE_TOLERANCE = 1e-12
"""The whole derivative and the chain rule are both worked out in 40 digits: they differ by far
less than this unless one of them is wrong."""


def locals_and_totals(
    trace: Trace, names: Sequence[str], inputs: Mapping[str, int]
) -> tuple[dict[tuple[int, int], EdgeCheck], dict[int, float]]:
    """Every edge's `EdgeCheck` (SymPy's local derivative at the parents' numbers against the
    stored one), and d root / d input for each input by the chain rule over SymPy's local
    derivatives, from a 40-digit forward pass."""
    nodes = trace.nodes
    records = edge_records(trace)
    wanted = set(inputs.values())
    precise_values: list[precise.Number] = []
    local: dict[tuple[int, int], precise.Number] = {}
    edges: dict[tuple[int, int], EdgeCheck] = {}
    for node in nodes:
        if not node.parents:
            precise_values.append(precise.mp(float(node.value)))
            continue
        form = symbolic.op_form(node.op, node.arg, len(node.parents))
        at_precise = dict(
            zip(form.operands, (precise_values[p] for p in node.parents), strict=True)
        )
        at_stored = dict(
            zip(
                form.operands,
                (precise.mp(float(nodes[p].value)) for p in node.parents),
                strict=True,
            )
        )
        memo: dict[sp.Basic, precise.Number] = {}
        precise_values.append(precise.value(form.value, at_precise, memo))
        shown = _operand_names(nodes, node, names, wanted)
        stored_memo: dict[sp.Basic, precise.Number] = {}
        for k, partial in enumerate(form.partials):
            local[(node.id, k)] = precise.value(partial, at_precise, memo)
            record = records.get((node.id, k))
            if record is None or record.local is None:
                continue
            value = precise.to_float(precise.value(partial, at_stored, stored_memo))
            formula = str(symbolic.named(form, partial, shown))
            agree = close(value, record.local, EDGE_TOLERANCE)
            edges[(node.id, k)] = EdgeCheck(node.id, k, formula, value, record.local, agree)
    return edges, {
        i: precise.to_float(g) for i, g in _chain_rule(nodes, local).items() if i in wanted
    }


def whole_derivatives(
    trace: Trace, inputs: Mapping[str, int], chain: Mapping[int, float], limit: int
) -> dict[int, tuple[str, bool | None, float]]:
    """Per input: SymPy's derivative of the whole expression (its text), whether its value is
    the chain rule's, and its value; empty when the expression written out has more than
    `limit` ops (the chain rule's numbers stand alone then)."""
    nodes = trace.nodes
    if symbolic.tree_sizes(nodes, limit + 1)[trace.root] > limit:
        return {}
    symbols = {i: sp.Symbol(name, real=True) for name, i in inputs.items()}
    full = symbolic.expressions(nodes, symbols)
    point = {symbols[i]: precise.mp(float(nodes[i].value)) for i in symbols}
    memo: dict[sp.Basic, precise.Number] = {}
    found = {}
    for i, symbol in symbols.items():
        derivative = sp.diff(full[trace.root], symbol)
        value = precise.to_float(precise.value(derivative, point, memo))
        equal = close(value, chain[i], WHOLE_TOLERANCE) if i in chain else None
        found[i] = (capped(str(derivative)), equal, value)
    return found


def _chain_rule(
    nodes: Sequence[Node], local: Mapping[tuple[int, int], precise.Number]
) -> dict[int, precise.Number]:
    """d root / d node for every node: the sum over its uses of upstream × local."""
    grads = [precise.mp(0.0) for _ in nodes]
    grads[-1] = precise.mp(1.0)
    for node in reversed(nodes):
        for k, parent in enumerate(node.parents):
            grads[parent] += grads[node.id] * local[(node.id, k)]
    return dict(enumerate(grads))


def _operand_names(
    nodes: Sequence[Node], node: Node, names: Sequence[str], inputs: set[int]
) -> list[str | sp.Expr]:
    """How each operand appears in a local formula: a constant as its exact number, anything
    else by name."""
    shown: list[str | sp.Expr] = []
    for p in node.parents:
        parent = nodes[p]
        constant = not parent.parents and p not in inputs
        shown.append(symbolic.exact(float(parent.value)) if constant else names[p])
    return shown
