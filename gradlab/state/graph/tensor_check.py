"""The check of a tensor program: every entry's grad from autograd against finite differences.

SymPy checks scalar expressions (`gradlab.check`); a tensor graph's grads are checked entry by
entry instead: the program is built again with one entry nudged by ±h and (f(x + h) − f(x − h))
/ 2h compared with the grad backprop gave. Plain data in and out, so it runs in the worker
process like the scalar check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from gradlab.check import CheckReport, LeafCheck
from gradlab.check.numeric import step_size
from gradlab.check.report import NUMERIC_TOLERANCE
from gradlab.check.results import close
from gradlab.engine.expr import ExpressionError
from gradlab.engine.tensor_expr import TensorProgram
from gradlab.state.graph.jobs import Report

MAX_CHECKED = 200
"""Entries nudged at most (two builds each); larger programs are checked at a spread of
entries of every input."""
SYMPY_NOTE = (
    "A tensor graph: SymPy is for single numbers, so each entry's grad is checked against "
    "finite differences."
)


def check_tensor_program(
    report: Report, program: TensorProgram, values: Mapping[str, np.ndarray]
) -> CheckReport:
    """Autograd against finite differences for (a spread of) the entries of every input."""
    built = program.build(values)
    if built.output.requires_grad:
        built.output.backward()
    # an input the output does not use gets no grad: its grad is zero
    grads = {
        name: np.zeros(program.shapes[name]) if leaf.grad is None else leaf.grad
        for name, leaf in built.inputs.items()
    }
    picked = _spread(program, MAX_CHECKED)
    count = sum(len(entries) for entries in picked.values())
    leaves: list[LeafCheck] = []
    for name, entries in picked.items():
        for index in entries:
            report(len(leaves) / max(1, count), f"finite differences for {name}")
            autograd = float(grads[name][index])
            numeric = _difference(program, values, name, index)
            leaves.append(
                LeafCheck(
                    label=_entry_name(name, index),
                    autograd=autograd,
                    symbolic=math.nan,
                    numeric=numeric,
                    formula="",
                    agree=close(numeric, autograd, NUMERIC_TOLERANCE),
                )
            )
    total = sum(math.prod(program.shapes[name]) for name in program.inputs)
    notes = [SYMPY_NOTE]
    if count < total:
        notes.append(f"{count:,} of the inputs' {total:,} entries are checked, spread over each.")
    return CheckReport(tuple(leaves), {}, "", tuple(notes))


def _spread(program: TensorProgram, most: int) -> dict[str, list[tuple[int, ...]]]:
    """Which entries of each input to check: all of them, or evenly spaced ones so that no
    more than `most` are checked in all (at least one per input)."""
    total = sum(math.prod(program.shapes[name]) for name in program.inputs)
    picked: dict[str, list[tuple[int, ...]]] = {}
    for name in program.inputs:
        shape = program.shapes[name]
        size = math.prod(shape)
        share = size if total <= most else max(1, most * size // total)
        flat = np.unique(np.linspace(0, size - 1, share).round().astype(int))
        picked[name] = [tuple(int(i) for i in np.unravel_index(k, shape)) for k in flat]
    return picked


def _difference(
    program: TensorProgram, values: Mapping[str, np.ndarray], name: str, index: tuple[int, ...]
) -> float:
    x = float(values[name][index])
    h = step_size(x)
    outputs = []
    for moved in (x + h, x - h):
        nudged = dict(values)
        array = np.array(values[name], dtype=float)
        array[index] = moved
        nudged[name] = array
        try:
            outputs.append(program.build(nudged).output.item())
        except (ArithmeticError, ExpressionError):
            return math.nan
    return (outputs[0] - outputs[1]) / (2.0 * h)


def _entry_name(name: str, index: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(i) for i in index)}]" if index else name
