"""Three ways to one derivative: autograd, SymPy and finite differences, compared per input and
per edge, with the kinks (relu at 0, step) called out instead of failed.

Fast by construction, so a deep graph is checked in well under a second:
- each op's local derivative is derived by SymPy once (`symbolic.op_form`), and every edge's is
  evaluated at its parents' numbers and held against the number autograd stored;
- the SymPy column is the chain rule over those local derivatives, accumulated in 40-digit
  arithmetic from a 40-digit forward pass (no giant nested form is built or simplified);
- where the whole expression is small enough to write out, SymPy also differentiates it at once,
  and that derivative's value must match the chain rule's: its formula is what the derivative
  column shows;
- finite differences replay only what depends on the nudged input.
A graph with an inf or a NaN is reported as such, never compared (or crashed on).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from gradlab.check.numeric import step_size, trace_difference
from gradlab.check.results import CheckReport, EdgeCheck, LeafCheck, close
from gradlab.engine import Value, record, topological_order
from gradlab.engine.numbers import format_number
from gradlab.engine.scalar_ops import SCALAR_OPS
from gradlab.engine.trace import Node, Trace, node_names

SYMBOLIC_LIMIT = 2_000
"""Above this many nodes no SymPy column is computed; finite differences still compare."""
WHOLE_BUDGET = 2_000
"""SymPy differentiates the whole expression only when, written out as a tree, its ops times the
number of inputs are at most this many (about 0.3 s here; a 20-layer tanh chain is 4,141 and
would take 2 s, nested squares triple at every level). Above it the derivative column writes the
chain rule's last step instead, with names: "df/dq · z"."""
KINKED = frozenset(op for op, entry in SCALAR_OPS.items() if entry.kinked)
"""Ops with a point where the derivative jumps; there the engine follows PyTorch's convention."""
EXACT_TOLERANCE = 1e-9
NUMERIC_TOLERANCE = 1e-5

Progress = Callable[[float, str], None]
"""Told how far a check has come (0..1) and what it is doing."""


def cross_check(root: Value, inputs: Mapping[str, Value]) -> CheckReport:
    """Compare autograd with SymPy and finite differences for every input and every edge.

    Runs one fresh backward pass (as `record` does), so the inputs' grads are d root / d input.
    """
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    return check_trace(record(root), {name: index[leaf] for name, leaf in inputs.items()})


def check_trace(
    trace: Trace, inputs: Mapping[str, int], progress: Progress | None = None
) -> CheckReport:
    """The cross-check of a recorded scalar graph; `inputs` maps each input's name to its node
    id. Plain data in and out, so it can run in another process."""
    tell = progress or _silent
    names = node_names(trace)
    grads = trace.snapshot(len(trace)).grads
    autograd = [math.nan if g is None else float(g) for g in grads]
    problem = _not_finite(trace, names)
    if problem:
        failed = tuple(
            LeafCheck(name, autograd[i], math.nan, math.nan, "", agree=False)
            for name, i in inputs.items()
        )
        return CheckReport(failed, {}, problem)
    notes = _kink_notes(trace, inputs)
    symbolic: dict[int, float] = {}
    formulas: dict[int, tuple[str, bool | None, float]] = {}
    edges: dict[tuple[int, int], EdgeCheck] = {}
    report_notes: tuple[str, ...] = ()
    if len(trace.nodes) <= SYMBOLIC_LIMIT:
        # SymPy takes seconds to import: load it with the first check, not with the app
        from gradlab.check import sympy_side  # noqa: PLC0415

        tell(0.0, "local derivatives with SymPy")
        edges, symbolic = sympy_side.locals_and_totals(trace, names, inputs)
        tell(0.3, "SymPy's derivative of the whole expression")
        budget = WHOLE_BUDGET // max(1, len(inputs))
        formulas = sympy_side.whole_derivatives(trace, inputs, symbolic, budget)
    else:
        report_notes = (
            f"{len(trace.nodes):,} nodes: SymPy is skipped above {SYMBOLIC_LIMIT:,}, "
            "finite differences still check every input",
        )
    leaves = []
    for count, (name, i) in enumerate(inputs.items()):
        tell(0.6 + 0.4 * count / max(1, len(inputs)), f"finite differences for {name}")
        numeric = trace_difference(trace, i)
        note = notes.get(i, "")
        exact = symbolic.get(i)
        formula, equal, whole = formulas.get(
            i, (_last_step(trace, names, i, edges), None, math.nan)
        )
        value = whole if equal else (math.nan if exact is None else exact)
        sym_agrees = exact is None or close(value, autograd[i], EXACT_TOLERANCE)
        num_agrees = bool(note) or close(numeric, autograd[i], NUMERIC_TOLERANCE)
        leaves.append(
            LeafCheck(
                label=name,
                autograd=autograd[i],
                symbolic=value,
                numeric=numeric,
                formula=formula,
                agree=sym_agrees and num_agrees and equal is not False,
                note=note,
                symbolic_equal=equal,
            )
        )
    tell(1.0, "done")
    return CheckReport(tuple(leaves), edges, "", report_notes)


def _last_step(
    trace: Trace, names: tuple[str, ...], leaf: int, edges: Mapping[tuple[int, int], EdgeCheck]
) -> str:
    """d root / d leaf as the chain rule's last step, one term per use of the leaf:
    "dh3/d(x · w0) · w0" (the total by name times SymPy's local derivative)."""
    root = names[trace.root]
    terms = []
    for node in trace.nodes:
        for k, parent in enumerate(node.parents):
            if parent != leaf or (node.id, k) not in edges:
                continue
            local = edges[(node.id, k)].formula
            local = f"({local})" if " + " in local or " - " in local else local
            if node.id == trace.root:
                terms.append(local)
            else:
                terms.append(f"d{_wrap(root)}/d{_wrap(names[node.id])} · {local}")
    return " + ".join(terms)


def _wrap(name: str) -> str:
    return f"({name})" if " " in name else name


def _silent(fraction: float, what: str) -> None:
    del fraction, what


def _not_finite(trace: Trace, names: tuple[str, ...]) -> str:
    """Name the first node whose value or grad is inf or NaN, and its op; empty if none is."""
    for node in trace.nodes:
        if not math.isfinite(float(node.value)):
            written = _written(trace, node, names)
            return f"{names[node.id]} = {written} is {_number(node.value)}: {_why}"
    for step in trace.backward:
        if not math.isfinite(float(step.grad)):
            node = trace.nodes[step.node]
            return (
                f"the grad of {names[node.id]} is {_number(step.grad)} (a local derivative is "
                f"infinite there): {_why}"
            )
    return ""


_why = "values are not finite, so the derivatives cannot be compared"


def _written(trace: Trace, node: Node, names: tuple[str, ...]) -> str:
    operands = tuple(
        format_number(float(trace.nodes[p].value), grouping=False) for p in node.parents
    )
    return node.op.formula(operands, node.arg) if node.parents else names[node.id]


def _number(x: object) -> str:
    return format_number(float(x))  # type: ignore[arg-type]


def _kink_notes(trace: Trace, inputs: Mapping[str, int]) -> dict[int, str]:
    """Per input: where it flows through a kink it sits on or next to, so finite differences
    cannot agree (the note belongs to the inputs upstream of the kink, not to every input)."""
    notes: dict[int, str] = {}
    wanted = set(inputs.values())
    for node in trace.nodes:
        if node.op not in KINKED:
            continue
        x = float(trace.nodes[node.parents[0]].value)
        name = node.op.key
        if x == 0.0:
            note = f"at the kink of {name} (input 0): autograd and SymPy use the convention there"
        elif abs(x) < 100 * step_size(x):
            note = f"next to the kink of {name}: finite differences straddle it"
        else:
            continue
        for leaf in _ancestors(trace, node.id) & wanted:
            notes.setdefault(leaf, note)
    return notes


def _ancestors(trace: Trace, node_id: int) -> set[int]:
    seen: set[int] = set()
    stack = [node_id]
    while stack:
        for parent in trace.nodes[stack.pop()].parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
