"""The graph, walked into SymPy: exact local and total derivatives to hold autograd against.

Each node's op becomes a SymPy expression of its parents. The kinked functions are SymPy
functions of their own (`relu`, `step`, ...) with the engine's convention at the kink: step(0) = 0,
so relu′(0) = 0 (SymPy's Heaviside(0) is 1/2). They print as a learner writes them (d relu(x)/dx =
step(x)) and, unlike nested Piecewise, stay cheap to differentiate and compare. Numbers in the
graph become exact rationals, and nothing from the learner ever reaches `sympify`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import sympy as sp

from gradlab.engine import Op, Value
from gradlab.engine.scalar_ops import SCALAR_OPS

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


def symbol_for(node: Value, inputs: dict[Value, sp.Symbol], full: dict[Value, sp.Expr]) -> sp.Expr:
    """How a parent appears in a local formula: its symbol, its number, its name, or (unnamed)
    its whole expression."""
    if node in inputs:
        return inputs[node]
    if not node.parents:
        return exact(node.data)
    if node.label:
        return sp.Symbol(node.label, real=True)
    return full[node]


def local_derivatives(
    node: Value, inputs: dict[Value, sp.Symbol], full: dict[Value, sp.Expr]
) -> tuple[tuple[sp.Expr, float], ...]:
    """(∂node/∂parent_k written with the parents' names, its value here) per parent position k.

    Each parent position gets its own dummy symbol first, so `a + a` gives 1 per edge (not 2).
    """
    dummies = [sp.Dummy(f"p{k}", real=True) for k in range(len(node.parents))]
    formula = function(node.op, dummies, node.arg)
    names = {d: symbol_for(p, inputs, full) for d, p in zip(dummies, node.parents, strict=True)}
    here = {d: exact(p.data) for d, p in zip(dummies, node.parents, strict=True)}
    derivatives = [sp.diff(formula, d) for d in dummies]
    return tuple((d.subs(names), evaluate(d, here)) for d in derivatives)


def evaluate(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> float:
    """A SymPy expression's value at `point`, as a float (NaN where undefined)."""
    value = expr.subs(point).evalf()
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.I):
        return float("nan")
    return float(value)


def expressions(order: Sequence[Value], inputs: dict[Value, sp.Symbol]) -> dict[Value, sp.Expr]:
    """Every node as a SymPy expression of the input symbols (constants as exact numbers)."""
    full: dict[Value, sp.Expr] = {}
    for node in order:
        if node.parents:
            full[node] = function(node.op, [full[p] for p in node.parents], node.arg)
        else:
            full[node] = inputs.get(node, exact(node.data))
    return full


def chain_rule(order: Sequence[Value], full: dict[Value, sp.Expr]) -> dict[Value, sp.Expr]:
    """Backprop done symbolically: d root/d node as a sum over edges of upstream × local."""
    grads: dict[Value, sp.Expr] = {node: sp.Integer(0) for node in order}
    grads[order[-1]] = sp.Integer(1)
    for node in reversed(order):
        dummies = [sp.Dummy(f"p{k}", real=True) for k in range(len(node.parents))]
        formula = function(node.op, dummies, node.arg) if node.parents else sp.Integer(0)
        parents = {d: full[p] for d, p in zip(dummies, node.parents, strict=True)}
        for dummy, parent in zip(dummies, node.parents, strict=True):
            grads[parent] += grads[node] * sp.diff(formula, dummy).subs(parents)
    return grads


SIMPLIFY_OPS = 80
"""`simplify` is worth trying below this many operations; above it, it can take minutes, so
equality is decided by `expand` alone or left undecided."""


def same(a: sp.Expr, b: sp.Expr) -> bool | None:
    """Whether two expressions are equal: True, False, or None when it could not be decided
    cheaply. Compare with `simplify(a - b) == 0`, never by string."""
    difference = sp.expand(a - b)
    if difference == 0:
        return True
    if sp.count_ops(difference) > SIMPLIFY_OPS:
        return None
    return bool(sp.simplify(difference) == 0)
