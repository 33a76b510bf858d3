"""How a learner writes each scalar op, for tests that build expressions from the registry."""

from __future__ import annotations

from collections.abc import Sequence

from gradlab.engine.scalar_ops import ScalarOp


def written(entry: ScalarOp, operands: Sequence[str], number: str | None = None) -> str:
    """`entry` applied to `operands` (expressions), with `number` as its parameter if given:
    ``exp(x)``, ``leaky_relu(x, 0.1)``, ``x + y``, ``x ** 2``, ``-x``."""
    assert len(operands) == entry.operands, (entry.name, operands)
    if entry.is_function:
        arguments = [*operands, *([] if number is None else [number])]
        return f"{entry.name}({', '.join(arguments)})"
    if entry.operands == 2:
        return f"{operands[0]} {entry.name} {operands[1]}"
    if entry.parameter is not None:
        assert number is not None, f"{entry.name} needs its {entry.parameter.name}"
        return f"{operands[0]} {entry.name} {number}"
    return f"{entry.name}{operands[0]}"
