"""`gradlab trace "q = x + y; f = q * z" --at x=-2 y=5 z=-4 --check`: both passes, in a terminal.

Prints the forward pass as a table, then the backward pass one edge per line in the form
``df/dx += df/dq * dq/dx = -4 * 1 = -4``, then (with --check) autograd against SymPy and finite
differences for every input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradlab.check import CheckReport, cross_check
from gradlab.engine import Op, Trace, node_names, record
from gradlab.engine.expr import ExpressionError, parse
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Number


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "trace",
        help="print the forward and backward pass of an expression, step by step",
        description="Print the forward and backward pass of an expression, step by step.",
    )
    add_expression_arguments(parser)
    parser.add_argument("--check", action="store_true", help="compare with SymPy and finite diffs")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        print(render(args.expression, args.at, check=args.check))
    except ExpressionError as err:
        print(f"gradlab trace: {err}", file=sys.stderr)
        return 2
    return 0


def render(expression: str, at: Sequence[str], *, check: bool) -> str:
    """The whole printout; raises ExpressionError for bad input."""
    program = parse(expression)
    built = program.build(values_at(at))
    trace = record(built.output)
    parts = [_forward(trace, set(program.inputs)), _backward(trace)]
    if check:
        parts.append(_check(cross_check(built.output, built.inputs), trace.nodes[-1].label))
    return "\n\n".join(parts)


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """The expression and its `--at` input values, as `trace` and `draw` take them."""
    parser.add_argument(
        "expression", help='assignments separated by ";", e.g. "q = x + y; f = q*z"'
    )
    parser.add_argument(
        "--at", nargs="*", default=[], metavar="NAME=VALUE", help="input values, e.g. x=-2 y=5"
    )


def values_at(at: Sequence[str]) -> dict[str, float]:
    """The input values `--at x=-2 y=5` gives; ExpressionError for a malformed one."""
    values: dict[str, float] = {}
    for item in at:
        name, sep, number = item.partition("=")
        if not sep or not name.strip():
            raise ExpressionError(f"--at wants NAME=VALUE, got {item!r}")
        try:
            values[name.strip()] = float(number)
        except ValueError:
            raise ExpressionError(f"--at {name}: {number!r} is not a number") from None
    return values


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  " + "  ".join(cells).rstrip()

    rule = "  " + "  ".join("─" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _forward(trace: Trace, inputs: set[str]) -> str:
    names = node_names(trace)
    rows = []
    for node in trace.nodes:
        if node.op is Op.LEAF:
            kind = "input" if node.label in inputs else "constant"
            rows.append([str(node.id + 1), names[node.id], kind, "", fmt(node.value)])
            continue
        operands = tuple(names[p] for p in node.parents)
        formula = node.op.formula(operands, node.arg)
        rows.append([str(node.id + 1), names[node.id], node.op.glyph, formula, fmt(node.value)])
    table = _table(["step", "node", "op", "formula", "value"], rows, numeric={0, 4})
    return f"Forward pass: values in topological order\n{table}"


def _backward(trace: Trace) -> str:
    names = [name if " " not in name else f"({name})" for name in node_names(trace)]
    out = names[trace.root]
    lines = [
        f"Backward pass: d{out}/d(node), from {out} back to the inputs",
        f"  d{out}/d{out} = 1",
    ]
    for step in trace.backward:
        node = names[step.node]
        for edge in step.edges:
            parent = names[edge.parent]
            local = fmt(float("nan") if edge.local is None else edge.local)
            lines.append(
                f"  d{out}/d{parent} += d{out}/d{node} * d{node}/d{parent}"
                f" = {fmt(step.grad)} * {local} = {fmt(edge.contribution)}"
                + (
                    f"   (now {fmt(edge.parent_grad)})"
                    if edge.parent_grad != edge.contribution
                    else ""
                )
            )
    return "\n".join(lines)


def _check(report: CheckReport, out: str) -> str:
    rows = [
        [
            leaf.label,
            format_number(leaf.autograd, 6),
            format_number(leaf.symbolic, 6),
            format_number(leaf.numeric, 6),
            "yes" if leaf.agree else "NO",
            leaf.short_formula,
        ]
        for leaf in report.leaves
    ]
    header = ["input", "autograd", "SymPy", "finite diff", "agree", f"d{out}/d(input), symbolic"]
    notes = [
        *(f"{leaf.label}: {leaf.note}" for leaf in report.leaves if leaf.note),
        *report.notes,
        *([report.problem] if report.problem else []),
    ]
    table = _table(header, rows, numeric={1, 2, 3})
    return "\n".join(
        [f"Check: d{out}/d(input) three ways", table, *(f"  note: {n}" for n in notes)]
    )


def fmt(x: Number) -> str:
    """A recorded scalar value or grad, as the app shows numbers."""
    return format_number(float(x))
