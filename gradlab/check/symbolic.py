"""The graph, walked into SymPy: exact local and total derivatives to hold autograd against.

Each op becomes a small SymPy form of its operands, differentiated once per op (`op_form`); a
node's whole expression of the inputs is built only where the check writes out a total. The
kinked functions are SymPy functions of their own (`relu`, `step`, ...) with the engine's
convention at the kink: step(0) = 0, so relu′(0) = 0 (SymPy's Heaviside(0) is 1/2). They print
as a learner writes them (d relu(x)/dx = step(x)) and, unlike nested Piecewise, stay cheap to
differentiate and compare. Numbers in the graph become exact rationals, and nothing from the
learner ever reaches `sympify`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gradlab.engine import Op
from gradlab.engine.scalar_ops import SCALAR_OPS
from gradlab.engine.trace import Node

Parents = Sequence[sp.Expr]


def exact(x: float) -> sp.Expr:
    """A float as the exact rational it was typed as (0.1 -> 1/10), so formulas read cleanly."""
    fraction = Fraction(repr(x))
    return sp.Rational(fraction.numerator, fraction.denominator)


def _positive(x: sp.Expr) -> bool | None:
    """Whether a number is > 0; None while `x` still has symbols."""
    if not x.is_number:
        return None
    return bool(x > 0)


class step(sp.Function):  # noqa: N801 - SymPy functions print by class name
    """The binary step: 1 for x > 0, else 0 (also at 0, as the engine); its derivative is 0."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        positive = _positive(x)
        return None if positive is None else sp.Integer(1 if positive else 0)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Integer(0)


class relu(sp.Function):  # noqa: N801
    """max(x, 0), with relu′(x) = step(x), so relu′(0) = 0."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        positive = _positive(x)
        return None if positive is None else (x if positive else sp.Integer(0))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return step(self.args[0])


class leaky_relu(sp.Function):  # noqa: N801
    """x for x > 0, else s·x; the derivative is s + (1 − s)·step(x)."""

    @classmethod
    def eval(cls, x: sp.Expr, slope: sp.Expr) -> sp.Expr | None:
        positive = _positive(x)
        return None if positive is None else (x if positive else slope * x)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, slope = self.args
        if argindex == 2:
            return x * (1 - step(x))
        return slope + (1 - slope) * step(x)


class elu(sp.Function):  # noqa: N801
    """x for x > 0, else α(eˣ − 1); the derivative is step(x) + (1 − step(x))·α·eˣ."""

    @classmethod
    def eval(cls, x: sp.Expr, alpha: sp.Expr) -> sp.Expr | None:
        positive = _positive(x)
        return None if positive is None else (x if positive else alpha * (sp.exp(x) - 1))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, alpha = self.args
        if argindex == 2:
            return (1 - step(x)) * (sp.exp(x) - 1)
        return step(x) + (1 - step(x)) * alpha * sp.exp(x)


SYMPY_FORMS: dict[Op, Callable[[Parents, sp.Expr], sp.Expr]] = {
    Op.ADD: lambda p, _: p[0] + p[1],
    Op.SUB: lambda p, _: p[0] - p[1],
    Op.MUL: lambda p, _: p[0] * p[1],
    Op.DIV: lambda p, _: p[0] / p[1],
    Op.POW: lambda p, n: p[0] ** n,
    Op.NEG: lambda p, _: -p[0],
    Op.EXP: lambda p, _: sp.exp(p[0]),
    Op.LOG: lambda p, _: sp.log(p[0]),
    Op.TANH: lambda p, _: sp.tanh(p[0]),
    Op.SIGMOID: lambda p, _: 1 / (1 + sp.exp(-p[0])),
    Op.RELU: lambda p, _: relu(p[0]),
    Op.LEAKY_RELU: lambda p, s: leaky_relu(p[0], s),
    Op.ELU: lambda p, a: elu(p[0], a),
    Op.SOFTPLUS: lambda p, _: sp.log(1 + sp.exp(p[0])),
    Op.ARCTAN: lambda p, _: sp.atan(p[0]),
    Op.GAUSSIAN: lambda p, _: sp.exp(-(p[0] ** 2)),
    Op.STEP: lambda p, _: step(p[0]),
}
"""Each scalar op as SymPy: its parents' expressions and its number (0 when it has none) in, its
value out. Exactly the ops of `SCALAR_OPS`, checked here so a new op without its form fails on
import (and in tests/check/test_every_scalar_op.py), not in the middle of a learner's check."""

assert SYMPY_FORMS.keys() == SCALAR_OPS.keys(), "SymPy forms and scalar ops differ: " + ", ".join(
    sorted(op.key for op in SYMPY_FORMS.keys() ^ SCALAR_OPS.keys())
)


def function(op: Op, parents: Parents, arg: float | None) -> sp.Expr:
    """The node's value as a SymPy expression of its parents' expressions."""
    return SYMPY_FORMS[op](parents, sp.Integer(0) if arg is None else exact(arg))


@dataclass(frozen=True)
class OpForm:
    """One op as SymPy on placeholder operands: its value and its partial derivative by each
    operand (``tanh(p0)`` and ``1 - tanh(p0)**2``). Small whatever the graph's size."""

    operands: tuple[sp.Dummy, ...]
    value: sp.Expr
    partials: tuple[sp.Expr, ...]


@functools.cache
def op_form(op: Op, arg: float | None, arity: int) -> OpForm:
    """The form of `op` with its number `arg` (made once per op and number: a graph of 10,000
    tanh nodes differentiates tanh once). Each operand gets its own placeholder, so `a + a`
    has the partial 1 per edge, not 2."""
    operands = tuple(sp.Dummy(f"p{k}", real=True) for k in range(arity))
    value = function(op, operands, arg)
    return OpForm(operands, value, tuple(sp.diff(value, p) for p in operands))


def named(form: OpForm, expr: sp.Expr, names: Sequence[str | sp.Expr]) -> sp.Expr:
    """`expr` (the form's value or a partial) written with the operands' names: a name becomes
    a symbol (in parentheses when it has spaces, so 2·(x + y) never prints as 2*x + y), a
    SymPy expression stands for itself (a constant's exact number)."""
    replacements = {}
    for placeholder, name in zip(form.operands, names, strict=True):
        if isinstance(name, str):
            replacements[placeholder] = sp.Symbol(f"({name})" if " " in name else name, real=True)
        else:
            replacements[placeholder] = name
    return expr.xreplace(replacements)


def expressions(nodes: Sequence[Node], inputs: Mapping[int, sp.Symbol]) -> list[sp.Expr]:
    """Every node as one SymPy expression of the input symbols (constants as exact numbers)."""
    full: list[sp.Expr] = []
    for node in nodes:
        if node.parents:
            form = op_form(node.op, node.arg, len(node.parents))
            full.append(
                form.value.xreplace(
                    dict(zip(form.operands, (full[p] for p in node.parents), strict=True))
                )
            )
        else:
            full.append(inputs[node.id] if node.id in inputs else exact(float(node.value)))
    return full


def tree_sizes(nodes: Sequence[Node], cap: int) -> list[int]:
    """How many ops each node's expression has when written out as a tree (shared parts counted
    every time they appear), capped at `cap`: nested squares grow 3ⁿ, so SymPy's derivative of
    the whole expression, which walks that tree, is only attempted below a limit."""
    sizes: list[int] = []
    for node in nodes:
        sizes.append(min(cap, 1 + sum(sizes[p] for p in node.parents)))
    return sizes
