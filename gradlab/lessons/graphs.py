"""Checks of a lesson's expressions with the real parser and engine (never eval)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gradlab.engine import Trace, record
from gradlab.engine.expr import ExpressionError, Program, parse
from gradlab.engine.trace import Number, node_names


def build_trace(expression: str, inputs: Mapping[str, float]) -> Trace:
    """Parse, build and record the graph; any problem is a ValueError in plain words."""
    program = _parse(expression)
    try:
        built = program.build(inputs)
    except (ArithmeticError, ValueError) as err:
        raise ValueError(f"inputs: the expression cannot be computed here: {err}") from None
    return record(built.output)


def check_graph(expression: str, inputs: Mapping[str, float]) -> None:
    """Raise ValueError unless `expression` parses, its inputs match and it computes finite
    values and gradients everywhere (the labs show numbers, and inf or NaN explain nothing)."""
    program = _parse(expression)
    missing = [name for name in program.inputs if name not in inputs]
    if missing:
        raise ValueError(f"inputs: no value given for {', '.join(missing)}")
    unknown = [name for name in inputs if name not in program.inputs]
    if unknown:
        known = ", ".join(program.inputs) or "none"
        raise ValueError(f"inputs: {', '.join(unknown)} is not used by the expression ({known})")
    _check_finite(build_trace(expression, inputs))


def graph_labels(expression: str, inputs: Mapping[str, float]) -> set[str]:
    """Every node label of the built graph (inputs, named intermediates, the output)."""
    return {node.label for node in build_trace(expression, inputs).nodes if node.label}


def program_inputs(expression: str) -> tuple[str, ...]:
    """The free names of `expression`, in order of first use."""
    return _parse(expression).inputs


def _check_finite(trace: Trace) -> None:
    names = node_names(trace)
    found: list[tuple[str, str, Number]] = [
        ("value", names[node.id], node.value) for node in trace.nodes
    ]
    for step in trace.backward:
        found.append(("gradient", names[step.node], step.grad))
        for edge in step.edges:
            found.append(("gradient", names[edge.parent], edge.contribution))
            if edge.local is not None:
                found.append(("local derivative", names[edge.parent], edge.local))
    for what, name, number in found:
        if not np.all(np.isfinite(number)):
            raise ValueError(
                f"inputs: the {what} of {name} is {float(np.max(number))} at these inputs; "
                "a lesson's graph must compute finite numbers"
            )


def _parse(expression: str) -> Program:
    try:
        return parse(expression)
    except ExpressionError as err:
        raise ValueError(f"expression: does not parse: {err}") from None
