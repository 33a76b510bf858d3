"""The inputs' values of an editable graph: numbers for a scalar program, arrays of the declared
shapes for a tensor program (a single-number input stays a number in both), kept across edits.

A value the learner set is kept while the name is used with a shape it fits; a tensor input
without one is seeded (`gradlab.engine.tensor_expr.seeded`), so the same text always shows the
same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.expr import Program
from gradlab.engine.numbers import format_number
from gradlab.engine.tensor_expr import TensorProgram, seeded
from gradlab.engine.trace import Trace, node_names

DEFAULT_INPUT = 1.0
"""A new scalar input's value: 1 keeps log, division and the relu kink out of trouble."""

Array = NDArray[np.float64]
InputValue = float | Array
"""One input's value: a number, or a (read-only) array of its declared shape."""
Edit = tuple[str, dict[str, InputValue]]
"""An expression and its input values."""
AnyProgram = Program | TensorProgram


def values_for(program: AnyProgram, kept: dict[str, InputValue]) -> dict[str, InputValue]:
    """Each input's value: the one in `kept` if it fits, else a fresh one (stored in `kept`)."""
    shapes = program.shapes if isinstance(program, TensorProgram) else {}
    values: dict[str, InputValue] = {}
    for name in program.inputs:
        shape = shapes.get(name, ())
        value = kept.get(name)
        if value is not None and np.shape(value) == shape:
            value = float(value) if not shape else value
        elif shape:
            value = frozen(seeded(name, shape))
        else:
            value = DEFAULT_INPUT
        values[name] = kept[name] = value
    return values


def fitted(program: AnyProgram, name: str, value: InputValue) -> InputValue:
    """`value` as input `name` of `program` takes it; ValueError if it has the wrong shape."""
    shape = program.shapes[name] if isinstance(program, TensorProgram) else ()
    if not shape:
        return float(value)
    array = np.array(value, dtype=float)
    if array.shape != shape:
        raise ValueError(f"{name} is {shape}, not {array.shape}")
    return frozen(array)


def frozen(array: Array) -> Array:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


def same_edit(a: Edit, b: Edit) -> bool:
    """Whether two versions have the same text and the same values (arrays compared by entry)."""
    (text_a, values_a), (text_b, values_b) = a, b
    return (
        text_a == text_b
        and values_a.keys() == values_b.keys()
        and all(_same_value(values_a[k], values_b[k]) for k in values_a)
    )


def _same_value(a: InputValue, b: InputValue) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b  # the common case, 500 of them per edit of a long sum
    return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))


def value_text(value: InputValue) -> str:
    """An input's value in a message: "2.5", or "a 3×2 array"."""
    if np.ndim(value) == 0:
        return format_number(float(value))
    return f"a {'×'.join(str(n) for n in np.shape(value))} array"


def grad_warning(trace: Trace) -> str:
    """Name the first grad that is not finite, with the op whose local derivative (or
    vector-Jacobian product) made it; empty when every grad is finite."""
    for step in trace.backward:
        for edge in step.edges:
            sent = edge.contribution
            if isinstance(sent, np.ndarray) and sent.ndim:
                if bool(np.isfinite(sent).all()):
                    continue
            elif math.isfinite(float(sent)):
                continue
            names = node_names(trace)
            node = trace.nodes[step.node]
            head = f"d{names[trace.root]}/d{names[edge.parent]}"
            if isinstance(sent, np.ndarray) and sent.ndim:
                bad = float(sent[~np.isfinite(sent)][0])
                return (
                    f"{head} has entries that are {format_number(bad)}: the vector-Jacobian "
                    f"product of {names[node.id]} ({node.op.key}) is not finite there"
                )
            local = format_number(math.nan if edge.local is None else edge.local)
            return (
                f"{head} is {format_number(float(sent))}: the local derivative of "
                f"{names[node.id]} ({node.op.key}) is {local} here"
            )
    return ""


def as_arrays(values: Mapping[str, InputValue]) -> dict[str, Array]:
    """The values as arrays (what a tensor program's `build` and check take)."""
    return {name: np.asarray(value, dtype=float) for name, value in values.items()}
