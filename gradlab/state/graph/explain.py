"""The words and numbers of one step of a trace, for the explanation pane (and any text UI).

A forward step reads "q = x + y = -2 + 5 = 3". A backward step names the node's grad, then one
line per edge, "df/dx += df/dq · ∂q/∂x = -4 · 1 = -4", with the local derivative as SymPy
derives it when a `CheckReport` is at hand ("∂q/∂x = 1"), and, where a node is used more than
once, every contribution it has received and their sum. Totals, which add up over every path to
the output, are written d (df/dx); a local derivative, one op's own, is written ∂ (∂q/∂x), so
"df/dx = 1 + 1" never reads like "∂b/∂x = 1". In a tensor graph an edge sends a vector-Jacobian
product, and where broadcasting copied a parent (a bias added to every row of a batch), the
line says that its grad is the upstream grad summed over the copies.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from gradlab.check import CheckReport
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.trace import BackwardStep, ForwardStep, Node, Number, Trace, operand_names
from gradlab.layout.labels import node_names, number_text, shape_text

SMALL_ARRAY = 12
"""Arrays of at most this many entries are written out in the explanation; larger ones by shape
(their numbers are in the node's heatmap and, on a click, its table)."""
MAX_ROWS_ADDED = 4
"""A bias's grad is written as a sum of the batch's rows when there are at most this many rows
of at most this many entries."""


@dataclass(frozen=True)
class Explanation:
    """A title ("Forward: q") and the lines under it."""

    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.lines))

    @property
    def html(self) -> str:
        body = "".join(
            f"<p style='margin:2px 0 2px {2 if line.startswith(' ') else 0}em'>"
            f"{html.escape(line.strip())}</p>"
            for line in self.lines
        )
        return f"<h3 style='margin:0 0 4px 0'>{html.escape(self.title)}</h3>{body}"


def explain(
    trace: Trace,
    position: int,
    report: CheckReport | None = None,
    names: list[str] | None = None,
) -> Explanation:
    """What happened in the step that brought the trace to `position` (0: nothing yet).

    `names` is `node_names(trace)`; pass it when stepping through a big graph, so it is worked
    out once and not at every step."""
    if position == 0:
        return Explanation(
            "Start",
            (
                "Nothing is computed yet.",
                "Step forward to compute the values in topological order, then backward to "
                "send the gradient from the output back to every input.",
            ),
        )
    names = node_names(trace) if names is None else names
    step = trace.step(position - 1)
    if isinstance(step, ForwardStep):
        return _forward(trace, trace.nodes[step.node], names)
    return _backward(trace, position, step, names, report)


def _number(x: Number | None, *, first: bool = True) -> str:
    """A number inside a formula: negatives after the first operand get parentheses."""
    text = number_text(x)
    return text if first or not text.startswith("-") else f"({text})"


def _forward(trace: Trace, node: Node, names: list[str]) -> Explanation:
    name = names[node.id]
    title = f"Forward: {name}"
    if node.op is Op.GROUP:
        sends = "one number" if not node.shape else f"a {shape_text(node.shape)} array"
        return Explanation(
            title,
            (f"{name}: many nodes shown as one; it sends out {sends} (click it to open it)",),
        )
    if node.is_leaf:
        kind = "an input" if node.label and not _is_number(node.label) else "a constant"
        if node.shape:
            line = f"{name}: {kind} of shape {shape_text(node.shape)} (click it to see its numbers)"
        else:
            line = f"{name} = {number_text(node.value)} ({kind})"
        return Explanation(title, (line,))
    operands = operand_names(node, names)
    numbers = tuple(_number(trace.nodes[p].value, first=i == 0) for i, p in enumerate(node.parents))
    symbolic = node.op.formula(operands, node.arg)
    substituted = node.op.formula(numbers, node.arg)
    # an unnamed node is called by its formula: say it once
    head = symbolic if name == symbolic else f"{name} = {symbolic}"
    if node.shape or any(trace.nodes[p].shape for p in node.parents):
        shapes = ", ".join(shape_text(trace.nodes[p].shape) for p in node.parents)
        line = f"{head}: shapes {shapes} -> {shape_text(node.shape)}"
        if not node.shape or np.size(node.value) <= SMALL_ARRAY:
            line += f" = {array_text(node.value)}"
    else:
        line = f"{head} = {substituted} = {number_text(node.value)}"
    return Explanation(title, (line,))


def _backward(
    trace: Trace,
    position: int,
    step: BackwardStep[Number],
    names: list[str],
    report: CheckReport | None,
) -> Explanation:
    root = names[trace.root]
    node = trace.nodes[step.node]
    name = names[node.id]

    def d(of: str, by: str) -> str:
        return f"d{_wrap(of)}/d{_wrap(by)}"

    def partial(of: str, by: str) -> str:
        return f"∂{_wrap(of)}/∂{_wrap(by)}"

    lines: list[str] = []
    if node.id == trace.root:
        lines.append(
            f"{d(root, root)} = {number_text(step.grad)} (the start: the output's own grad)"
        )
    else:
        lines.append(f"{d(root, name)} = {array_text(step.grad)} (all its uses have sent theirs)")
    if not step.edges:
        kind = "an input" if node.label and not _is_number(node.label) else "a constant"
        lines.append(f"{name} is {kind}: nothing further to send back.")
    received = _contributions(trace, position)
    positions = _edge_positions(trace, step)
    for edge, k in zip(step.edges, positions, strict=True):
        parent = names[edge.parent]
        local_name = partial(name, parent)
        if edge.local is None:
            lines.append(
                f"{d(root, parent)} += {d(root, name)} · {local_name} (vector-Jacobian product)"
                f" = {array_text(edge.contribution)}"
            )
            # a group's edges gather many; only an op's operand is broadcast
            summed = (
                ""
                if node.op is Op.GROUP
                else broadcast_note(node.shape, trace.nodes[edge.parent].shape)
            )
            if summed:
                lines.append(f"    {parent} {summed}")
                rows = summed_rows(step.grad, edge.contribution, trace.nodes[edge.parent].shape)
                if rows:
                    lines.append(f"    the rows added up: {rows}")
        else:
            lines.append(
                f"{d(root, parent)} += {d(root, name)} · {local_name} = "
                f"{_number(step.grad)} · {_number(edge.local, first=False)} = "
                f"{number_text(edge.contribution)}"
            )
            lines.append(f"    {local_name} = {_local(report, node.id, k, edge.local)}")
    grads = trace.snapshot(position).grads
    for used in dict.fromkeys(edge.parent for edge in step.edges):
        parts = received[used]
        uses = sum(other.parents.count(used) for other in trace.nodes)
        if len(parts) == 1 and uses > 1:
            lines.append(
                f"{names[used]} is used {uses} times: {d(root, names[used])} = "
                f"{number_text(grads[used])} so far, {uses - 1} more to come"
            )
        elif len(parts) > 1:
            total = " + ".join(_number(c, first=i == 0) for i, c in enumerate(parts))
            so_far = "" if len(parts) == uses else " so far"
            lines.append(
                f"{names[used]} is used {uses} times: its contributions add up{so_far}, "
                f"{d(root, names[used])} = {total} = {number_text(grads[used])}"
            )
    return Explanation(f"Backward: {name}", tuple(lines))


def broadcast_note(out: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """How a parent of `shape` was broadcast to the output's shape `out`, and so how its grad is
    summed back: "was added to each of the 3 rows: its grad sums those 3 rows"; empty when it
    was not broadcast."""
    if not out or shape == out or len(shape) > len(out):
        return ""
    padded = (1,) * (len(out) - len(shape)) + shape
    axes = [i for i, (a, b) in enumerate(zip(padded, out, strict=True)) if a == 1 and b != 1]
    if not axes:
        return ""
    copies = 1
    for axis in axes:
        copies *= out[axis]
    if len(out) == 2 and axes == [0]:
        where = f"each of the {out[0]} rows (the batch)"
    elif len(out) == 2 and axes == [1]:
        where = f"each of the {out[1]} columns"
    else:
        where = f"{copies} places of the {shape_text(out)} result"
    return (
        f"({shape_text(shape)}) was copied to {where}: its grad is the upstream grad summed "
        f"over those {copies} copies"
    )


def array_text(x: Number | None) -> str:
    """A value or grad in a sentence: a number; a small array's entries, row by row
    ("[[0.5, -1], [2, 0]]"); else its shape ("3×4")."""
    if not isinstance(x, np.ndarray) or x.ndim == 0 or x.size > SMALL_ARRAY:
        return number_text(x)
    if x.ndim == 1:
        return "[" + ", ".join(format_number(float(v), 3, grouping=False) for v in x) + "]"
    return "[" + ", ".join(array_text(row) for row in x.reshape(-1, x.shape[-1])) + "]"


def summed_rows(upstream: Number, total: Number, shape: tuple[int, ...]) -> str:
    """A bias's grad as the sum of the batch's rows, written out when they are few:
    "[0.1, 0.2] + [0.3, -0.1] + [0, 0.5] = [0.4, 0.6]"; empty otherwise."""
    if not isinstance(upstream, np.ndarray) or upstream.ndim != 2:
        return ""
    rows, columns = upstream.shape
    if shape != (columns,) or rows > MAX_ROWS_ADDED or columns > MAX_ROWS_ADDED:
        return ""
    added = " + ".join(array_text(row) for row in upstream)
    return f"{added} = {array_text(total)}"


def _local(report: CheckReport | None, node: int, parent: int, value: float) -> str:
    """The local derivative: SymPy's formula and its value, or the stored number alone."""
    number = format_number(value)
    if report is None or (node, parent) not in report.edges:
        return number
    formula = report.edge(node, parent).formula
    return number if formula == number else f"{formula} = {number}"


def _contributions(trace: Trace, position: int) -> dict[int, list[Number]]:
    """Every contribution each node has received in the backward steps up to `position`."""
    received: dict[int, list[Number]] = {}
    for back in trace.backward[: position - len(trace.nodes)]:
        for edge in back.edges:
            received.setdefault(edge.parent, []).append(edge.contribution)
    return received


def _edge_positions(trace: Trace, step: BackwardStep[Number]) -> list[int]:
    """Each recorded edge's parent position (edges skip parents that need no grad)."""
    positions: list[int] = []
    parents = trace.nodes[step.node].parents
    k = 0
    for edge in step.edges:
        while parents[k] != edge.parent:
            k += 1
        positions.append(k)
        k += 1
    return positions


def _wrap(name: str) -> str:
    return f"({name})" if " " in name else name


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
