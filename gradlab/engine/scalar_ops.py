"""Every scalar op in one table: how a learner writes it, the `Value` method that computes it, the
number it may take, and whether it has a kink.

The expression parser (`gradlab.engine.expr`), the finite-difference replay
(`gradlab.check.numeric`) and the kink notes (`gradlab.check.report`) all read `SCALAR_OPS`. The
SymPy form of each op lives in `gradlab.check.symbolic` (only check imports SymPy), keyed by the
same `Op` and checked against this table when it is imported.

Adding a scalar op: its `Op` member, its `Value` method, one entry here, its SymPy form and its
line in docs/expressions.md. tests/check/test_every_scalar_op.py fails while any is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gradlab.engine.ops import Op
from gradlab.engine.value import ELU_ALPHA, LEAKY_SLOPE, Value


@dataclass(frozen=True)
class Parameter:
    """A number written into the op rather than a graph input: the exponent of ``x ** 2``, the
    slope of ``leaky_relu(x, 0.1)``. The node keeps it as its ``arg``."""

    name: str
    default: float | None
    """The value when the learner leaves it out; None when it must be given."""


@dataclass(frozen=True)
class ScalarOp:
    """One scalar op: ``method(*operands)``, or ``method(*operands, number)`` with a parameter."""

    op: Op
    method: Callable[..., Value]
    operands: int
    """How many `Value` parents the op has."""
    parameter: Parameter | None = None
    kinked: bool = False
    """Whether the derivative jumps somewhere (relu at 0); there the engine follows PyTorch."""

    @property
    def name(self) -> str:
        """What the learner types: a function's name, or an operator's symbol."""
        return self.op.symbol

    @property
    def is_function(self) -> bool:
        """Called by name, like ``tanh(x)``; the others are operators, like ``x + y``."""
        return self.name.isidentifier()

    def apply(self, operands: Sequence[Value], arg: float | None = None) -> Value:
        """Compute the op on `operands`. `arg` is its parameter (None for the default), and is
        ignored by ops without one, so a node's ``arg`` can always be passed back in."""
        if self.parameter is None:
            return self.method(*operands)
        number = self.parameter.default if arg is None else arg
        if number is None:
            raise ValueError(f"{self.name} needs its {self.parameter.name}")
        return self.method(*operands, number)


_TABLE = (
    ScalarOp(Op.ADD, Value.__add__, 2),
    ScalarOp(Op.SUB, Value.__sub__, 2),
    ScalarOp(Op.MUL, Value.__mul__, 2),
    ScalarOp(Op.DIV, Value.__truediv__, 2),
    ScalarOp(Op.POW, Value.__pow__, 1, Parameter("n", None)),
    ScalarOp(Op.NEG, Value.__neg__, 1),
    ScalarOp(Op.EXP, Value.exp, 1),
    ScalarOp(Op.LOG, Value.log, 1),
    ScalarOp(Op.TANH, Value.tanh, 1),
    ScalarOp(Op.SIGMOID, Value.sigmoid, 1),
    ScalarOp(Op.RELU, Value.relu, 1, kinked=True),
    ScalarOp(Op.LEAKY_RELU, Value.leaky_relu, 1, Parameter("slope", LEAKY_SLOPE), kinked=True),
    ScalarOp(Op.ELU, Value.elu, 1, Parameter("alpha", ELU_ALPHA), kinked=True),
    ScalarOp(Op.SOFTPLUS, Value.softplus, 1),
    ScalarOp(Op.ARCTAN, Value.arctan, 1),
    ScalarOp(Op.GAUSSIAN, Value.gaussian, 1),
    ScalarOp(Op.STEP, Value.step, 1, kinked=True),
)

SCALAR_OPS: dict[Op, ScalarOp] = {entry.op: entry for entry in _TABLE}
"""Every op a `Value` can be the result of, in the order the docs list them."""
