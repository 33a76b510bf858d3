"""`Value`: a scalar that remembers how it was computed, with micrograd's public surface.

Each op computes its result eagerly and stores, beside it, the local derivative of the result with
respect to each parent as a plain number. Backprop (`gradlab.engine.autodiff`) then only multiplies
and adds; nothing is differentiated twice.

Results that leave the 64-bit range become ±inf, as in IEEE arithmetic and PyTorch (``exp(1000)``
is inf, as ``1e200 * 1e200`` is), instead of raising Python's bare "math range error": whoever
builds a graph for people (`gradlab.engine.expr`) then names the node that overflowed.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, SupportsFloat

from gradlab import _display
from gradlab.engine.autodiff import backward_steps, send_scalar_edges_fast
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


class Value:
    """A scalar node: ``Value(2.0, label="x")``; arithmetic on Values builds the graph."""

    __slots__ = ("arg", "data", "grad", "label", "local", "op", "parents")

    requires_grad = True
    shape: tuple[int, ...] = ()

    data: float
    grad: float
    label: str
    parents: tuple[Value, ...]
    op: Op
    local: tuple[float, ...]
    arg: float | None

    def __init__(self, data: SupportsFloat, label: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.parents = ()
        self.op = Op.LEAF
        self.local = ()
        self.arg = None

    @classmethod
    def _node(
        cls,
        data: float,
        op: Op,
        parents: tuple[Value, ...],
        local: tuple[float, ...],
        arg: float | None = None,
    ) -> Value:
        out = cls.__new__(cls)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.parents = parents
        out.op = op
        out.local = local
        out.arg = arg
        return out

    def _repr_svg_(self) -> str | None:
        """The graph that computed this value, drawn for a notebook (`gradlab._display`)."""
        return _display.svg(self)

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        data, grad = format_number(self.data, 6), format_number(self.grad, 6)
        return f"Value(data={data}, grad={grad}{name})"

    # ---- arithmetic -------------------------------------------------------------------------

    def __add__(self, other: Value | SupportsFloat) -> Value:
        if not isinstance(other, Value):
            other = _lift(other)
        # d(a + b)/da = 1, d(a + b)/db = 1
        return Value._node(self.data + other.data, Op.ADD, (self, other), (1.0, 1.0))

    def __sub__(self, other: Value | SupportsFloat) -> Value:
        if not isinstance(other, Value):
            other = _lift(other)
        # d(a − b)/da = 1, d(a − b)/db = −1
        return Value._node(self.data - other.data, Op.SUB, (self, other), (1.0, -1.0))

    def __mul__(self, other: Value | SupportsFloat) -> Value:
        if not isinstance(other, Value):
            other = _lift(other)
        # d(a·b)/da = b, d(a·b)/db = a
        return Value._node(self.data * other.data, Op.MUL, (self, other), (other.data, self.data))

    def __truediv__(self, other: Value | SupportsFloat) -> Value:
        if not isinstance(other, Value):
            other = _lift(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.display} / {other.display}")
        # d(a/b)/da = 1/b, d(a/b)/db = −a/b²
        inv = 1.0 / other.data
        return Value._node(self.data * inv, Op.DIV, (self, other), (inv, -self.data * inv * inv))

    def __pow__(self, exponent: SupportsFloat) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("only number exponents are supported: write exp(y * log(x)) for x ** y")
        n = float(exponent)
        x = self.data
        if x < 0.0 and not n.is_integer():
            raise ValueError(f"a negative base ({format_number(x)}) has no real power {n:g}")
        if x == 0.0 and n < 0.0:
            raise ZeroDivisionError(f"0 raised to the negative power {n:g}")
        # d(xⁿ)/dx = n·xⁿ⁻¹ (infinite at 0 when n < 1)
        if n == 0.0:
            slope = 0.0
        elif x == 0.0 and n < 1.0:
            slope = math.inf
        else:
            slope = n * _power(x, n - 1.0)
        return Value._node(_power(x, n), Op.POW, (self,), (slope,), n)

    def __neg__(self) -> Value:
        # d(−a)/da = −1
        return Value._node(-self.data, Op.NEG, (self,), (-1.0,))

    def __radd__(self, other: SupportsFloat) -> Value:
        return _lift(other) + self

    def __rsub__(self, other: SupportsFloat) -> Value:
        return _lift(other) - self

    def __rmul__(self, other: SupportsFloat) -> Value:
        return _lift(other) * self

    def __rtruediv__(self, other: SupportsFloat) -> Value:
        return _lift(other) / self

    # ---- functions ----------------------------------------------------------------------------

    def exp(self) -> Value:
        e = _exp(self.data)
        # d eˣ/dx = eˣ
        return Value._node(e, Op.EXP, (self,), (e,))

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log needs a positive number, got {format_number(x)}")
        # d log x/dx = 1/x
        return Value._node(math.log(x), Op.LOG, (self,), (1.0 / x,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        # d tanh x/dx = 1 − tanh²x
        return Value._node(t, Op.TANH, (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        # d σ(x)/dx = σ(x)(1 − σ(x))
        return Value._node(s, Op.SIGMOID, (self,), (s * (1.0 - s),))

    def relu(self) -> Value:
        x = self.data
        # d relu(x)/dx = 1 if x > 0 else 0 (0 at the kink, as PyTorch)
        return Value._node(x if x > 0.0 else 0.0, Op.RELU, (self,), (1.0 if x > 0.0 else 0.0,))

    def leaky_relu(self, slope: float = LEAKY_SLOPE) -> Value:
        x = self.data
        # d/dx = 1 if x > 0 else slope
        out, d = (x, 1.0) if x > 0.0 else (slope * x, slope)
        return Value._node(out, Op.LEAKY_RELU, (self,), (d,), slope)

    def elu(self, alpha: float = ELU_ALPHA) -> Value:
        x = self.data
        # elu(x) = x if x > 0 else α(eˣ − 1); d/dx = 1 if x > 0 else α·eˣ
        if x > 0.0:
            return Value._node(x, Op.ELU, (self,), (1.0,), alpha)
        e = math.exp(x)
        return Value._node(alpha * (e - 1.0), Op.ELU, (self,), (alpha * e,), alpha)

    def softplus(self) -> Value:
        x = self.data
        # softplus(x) = log(1 + eˣ), computed without overflow; d/dx = σ(x)
        out = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        return Value._node(out, Op.SOFTPLUS, (self,), (_sigmoid(x),))

    def arctan(self) -> Value:
        x = self.data
        # d arctan x/dx = 1/(1 + x²)
        return Value._node(math.atan(x), Op.ARCTAN, (self,), (1.0 / (1.0 + x * x),))

    def gaussian(self) -> Value:
        x = self.data
        g = math.exp(-x * x)
        # d exp(−x²)/dx = −2x·exp(−x²)
        return Value._node(g, Op.GAUSSIAN, (self,), (-2.0 * x * g,))

    def step(self) -> Value:
        # the binary step: 1 if x > 0 else 0; its derivative is 0 wherever it exists
        return Value._node(1.0 if self.data > 0.0 else 0.0, Op.STEP, (self,), (0.0,))

    # ---- backprop -----------------------------------------------------------------------------

    def backward(self) -> None:
        """Fill in ``.grad`` of every node this one depends on (d self / d node)."""
        deque(backward_steps(self), maxlen=0)

    @property
    def display(self) -> str:
        """The label if there is one, else the value."""
        return self.label or format_number(self.data)

    # ---- the autodiff protocol (gradlab.engine.autodiff.GraphNode) -----------------------------

    def _recorded_value(self) -> float:
        return self.data

    def _reset_grad(self) -> None:
        self.grad = 0.0

    def _seed_grad(self, seed: Any) -> None:
        self.grad = 1.0 if seed is None else float(seed)

    def _current_grad(self) -> float:
        return self.grad

    # the function itself, not a method calling it: one call less per node of the backward pass
    _send = send_scalar_edges_fast


class Constant(Value):
    """A number written into an expression (the 2 of ``2 * x``): a leaf that needs no grad, as
    a plain number in PyTorch, so the backward pass takes no step for it."""

    __slots__ = ()
    requires_grad = False


def _lift(x: Value | SupportsFloat) -> Value:
    """Numbers mixed into arithmetic become constant leaves labelled with their value."""
    if isinstance(x, Value):
        return x
    number = float(x)
    return Value(number, format_number(number, grouping=False))


def _exp(x: float) -> float:
    """eˣ, inf where it leaves the float range (math.exp raises there)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _power(x: float, n: float) -> float:
    """xⁿ for a real result, ±inf where it leaves the float range (float ** raises there)."""
    try:
        return float(x**n)
    except OverflowError:
        # only |x| > 1 overflows; a negative base has a whole exponent here, its parity the sign
        return -math.inf if x < 0.0 and n % 2.0 == 1.0 else math.inf


def _sigmoid(x: float) -> float:
    # split by sign so exp never overflows
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
