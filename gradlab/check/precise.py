"""High-precision values of SymPy expressions, every shared subexpression evaluated once.

A derivative of a deep graph is a huge tree with a small DAG inside it: d/dx of a 20-layer tanh
chain repeats each layer's tanh many times over. ``expr.subs(point).evalf()`` walks the tree
(6.8 s for the 8-layer chain's derivatives, measured), so here each distinct subexpression is
evaluated once, with mpmath at `DIGITS` significant digits: the same derivatives take
milliseconds, and float rounding in the engine shows up as a difference of about 1e-16, far
below the check's tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from gradlab.check.symbolic import elu, leaky_relu, relu, step

DIGITS = 40

Number = Any
"""An mpmath number (mpmath has no type information)."""

_CONTEXT = mpmath.MPContext()
_CONTEXT.dps = DIGITS


def _relu(x: Number) -> Number:
    return x if x > 0 else _CONTEXT.mpf(0)


def _step(x: Number) -> Number:
    return _CONTEXT.mpf(1 if x > 0 else 0)


def _leaky_relu(x: Number, slope: Number) -> Number:
    return x if x > 0 else slope * x


def _elu(x: Number, alpha: Number) -> Number:
    return x if x > 0 else alpha * (_CONTEXT.exp(x) - 1)


FUNCTIONS: dict[type, Callable[..., Number]] = {
    sp.exp: _CONTEXT.exp,
    sp.log: _CONTEXT.log,
    sp.tanh: _CONTEXT.tanh,
    sp.atan: _CONTEXT.atan,
    sp.Abs: abs,
    relu: _relu,
    step: _step,
    leaky_relu: _leaky_relu,
    elu: _elu,
}
"""The functions that SymPy forms of the scalar ops (and their derivatives) are made of."""


class NotRealError(ArithmeticError):
    """The value is complex, infinite in SymPy's sense (zoo) or undefined (a log of 0)."""


def exact(x: float) -> Fraction:
    """The float as the decimal it prints as (0.1 -> 1/10): the number the learner typed."""
    return Fraction(repr(x))


def mp(x: Fraction | float) -> Number:
    """A number in the evaluation's precision."""
    if isinstance(x, float):
        if not math.isfinite(x):
            return _CONTEXT.mpf(x)
        x = exact(x)
    return _CONTEXT.mpf(x.numerator) / x.denominator


def value(
    expr: sp.Basic, point: Mapping[sp.Symbol, Number], memo: dict[sp.Basic, Number] | None = None
) -> Number:
    """`expr` at `point` in high precision, NaN where it has no real value (a log of 0, a
    complex number)."""
    try:
        return evaluate(expr, point, memo)
    except (NotRealError, ZeroDivisionError, ValueError):
        return _CONTEXT.mpf("nan")


def evaluate(
    expr: sp.Basic, point: Mapping[sp.Symbol, Number], memo: dict[sp.Basic, Number] | None = None
) -> Number:
    """`expr` at `point` in high precision; raises NotRealError where it has no real value. `memo`
    keeps the values of subexpressions between calls at the same point."""
    memo = {} if memo is None else memo
    # children before parents, without recursion (a 10,000-deep chain is a 10,000-deep tree)
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if node in memo:
            continue
        if expanded or not node.args:
            memo[node] = _value(node, [memo[a] for a in node.args], point)
            continue
        stack.append((node, True))
        stack.extend((arg, False) for arg in node.args if arg not in memo)
    return memo[expr]


def _value(node: sp.Basic, args: list[Number], point: Mapping[sp.Symbol, Number]) -> Number:
    if node.is_Symbol:
        return point[node]
    if node.is_Rational:
        return _CONTEXT.mpf(int(node.p)) / int(node.q)
    if node.is_Float or node.is_NumberSymbol:
        return _CONTEXT.mpf(str(node.evalf(DIGITS)))
    if node in (sp.oo, -sp.oo):
        return _CONTEXT.mpf("inf") if node == sp.oo else _CONTEXT.mpf("-inf")
    if node.is_Number:
        raise NotRealError(f"{node} is not a real number")  # zoo, nan
    if node.is_Add:
        return _CONTEXT.fsum(args)
    if node.is_Mul:
        return _CONTEXT.fprod(args)
    if node.is_Pow:
        base, exponent = args
        if base < 0 and not _CONTEXT.isint(exponent):
            raise NotRealError(f"a negative base to a fractional power: {node}")
        if base == 0 and exponent < 0:
            raise NotRealError(f"0 to a negative power: {node}")
        return _real(_CONTEXT.power(base, exponent))
    function = FUNCTIONS.get(type(node)) or FUNCTIONS.get(node.func)
    if function is None:
        raise NotRealError(f"no numeric form for {type(node).__name__}")
    if node.func is sp.log and args[0] <= 0:
        raise NotRealError(f"a log of a number ≤ 0: {node}")
    return _real(function(*args))


def _real(x: Number | mpmath.mpc) -> Number:
    if isinstance(x, mpmath.mpc):
        raise NotRealError("a complex value")
    return x


def to_float(x: Number) -> float:
    """A high-precision number as a float: ±inf beyond the float range."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf
