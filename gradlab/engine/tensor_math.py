"""Tensor arithmetic and elementwise functions, each with its vector-Jacobian product beside it.

`Tensor` binds these as its operators and methods (``Tensor.__add__ = add``, ``Tensor.exp = exp``).
Results follow NumPy broadcasting; `Tensor._edge_grads` sums each VJP back to its parent's shape,
so the VJPs below are written as if shapes matched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, SupportsFloat

import numpy as np
from numpy.typing import ArrayLike

from gradlab.engine import threads
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.tensor_shape import matmul as matmul_nodes
from gradlab.engine.trace import Array

if TYPE_CHECKING:
    from gradlab.engine.tensor import Operand, Tensor


def add(t: Tensor, other: Operand) -> Tensor:
    other = lift(t, other)
    # d(a + b)/da = 1, d(a + b)/db = 1
    return t.from_op(t.data + other.data, Op.ADD, (t, other), (_same, _same))


def sub(t: Tensor, other: Operand) -> Tensor:
    other = lift(t, other)
    # d(a − b)/da = 1, d(a − b)/db = −1
    return t.from_op(t.data - other.data, Op.SUB, (t, other), (_same, np.negative))


def mul(t: Tensor, other: Operand) -> Tensor:
    other = lift(t, other)
    a, b = t.data, other.data
    # d(a·b)/da = b, d(a·b)/db = a
    return t.from_op(a * b, Op.MUL, (t, other), (lambda g: g * b, lambda g: g * a))


def truediv(t: Tensor, other: Operand) -> Tensor:
    other = lift(t, other)
    b = other.data
    out = t.data / b
    # d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −(a/b)/b
    vjps = (lambda g: g / b, lambda g: -g * out / b)
    return t.from_op(out, Op.DIV, (t, other), vjps)


def matmul(t: Tensor, other: Tensor | ArrayLike) -> Tensor:
    other = lift(t, other)
    return matmul_nodes(t, other)


def power(t: Tensor, exponent: SupportsFloat) -> Tensor:
    if hasattr(exponent, "requires_grad"):
        raise TypeError("only number exponents are supported: write (y * x.log()).exp()")
    n = float(exponent)
    x = t.data
    out = x**n
    if n == 0.0:
        return t.from_op(out, Op.POW, (t,), (np.zeros_like,), n)
    # d(xⁿ)/dx = n·xⁿ⁻¹
    return t.from_op(out, Op.POW, (t,), (lambda g: g * (n * x ** (n - 1.0)),), n)


def neg(t: Tensor) -> Tensor:
    # d(−a)/da = −1
    return t.from_op(-t.data, Op.NEG, (t,), (np.negative,))


def radd(t: Tensor, other: Operand) -> Tensor:
    return lift(t, other) + t


def rsub(t: Tensor, other: Operand) -> Tensor:
    return lift(t, other) - t


def rmul(t: Tensor, other: Operand) -> Tensor:
    return lift(t, other) * t


def rtruediv(t: Tensor, other: Operand) -> Tensor:
    return lift(t, other) / t


def rmatmul(t: Tensor, other: ArrayLike) -> Tensor:
    return lift(t, other) @ t


def lift(t: Tensor, other: Operand) -> Tensor:
    """Numbers and arrays mixed into arithmetic become constant leaves in this dtype."""
    if isinstance(other, type(t)):
        return other
    if isinstance(other, int | float):
        number = float(other)
        return type(t)(np.asarray(number, t.data.dtype), label=format_number(number))
    return type(t)(other, dtype=t.data.dtype)


def exp(t: Tensor) -> Tensor:
    e = np.exp(t.data)
    # d eˣ/dx = eˣ
    return t.from_op(e, Op.EXP, (t,), (lambda g: g * e,))


def log(t: Tensor) -> Tensor:
    x = t.data
    # d log x/dx = 1/x
    return t.from_op(np.log(x), Op.LOG, (t,), (lambda g: g / x,))


def tanh(t: Tensor) -> Tensor:
    th = np.tanh(t.data)
    # d tanh x/dx = 1 − tanh²x
    return t.from_op(th, Op.TANH, (t,), (lambda g: g * (1 - th * th),))


def sigmoid(t: Tensor) -> Tensor:
    s = sigmoid_array(t.data)
    # d σ(x)/dx = σ(x)(1 − σ(x))
    return t.from_op(s, Op.SIGMOID, (t,), (lambda g: g * (s * (1 - s)),))


def relu(t: Tensor) -> Tensor:
    x = t.data.reshape(-1)
    out = np.empty(t.shape, dtype=t.dtype)
    # large arrays in two halves, one on the helper thread (`threads`); flat views, so any shape
    parts = threads.batch_parts(x.size, x.size)
    threads.run(lambda part: np.maximum(x[part], 0, out=out.reshape(-1)[part]), parts)

    def vjp(g: Array) -> Array:
        # d relu(x)/dx = 1 if x > 0 else 0 (0 at the kink, as PyTorch)
        grad = np.empty(g.shape, dtype=g.dtype)
        g_flat, grad_flat = g.reshape(-1), grad.reshape(-1)
        threads.run(lambda part: np.multiply(g_flat[part], x[part] > 0, out=grad_flat[part]), parts)
        return grad

    return t.from_op(out, Op.RELU, (t,), (vjp,))


def absolute(t: Tensor) -> Tensor:
    x = t.data
    # d|x|/dx = sign(x) (0 at 0, as PyTorch)
    return t.from_op(np.abs(x), Op.ABS, (t,), (lambda g: g * np.sign(x),))


def sqrt(t: Tensor) -> Tensor:
    r = np.sqrt(t.data)
    # d√x/dx = 1/(2√x), drawn as x^0.5
    return t.from_op(r, Op.POW, (t,), (lambda g: g * 0.5 / r,), 0.5)


def clamp(t: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max")
    x = t.data
    out = np.clip(x, min, max)
    # d clamp(x)/dx = 1 where min ≤ x ≤ max, else 0 (bounds inclusive, as PyTorch)
    inside = np.ones(x.shape, dtype=bool)
    if min is not None:
        inside &= x >= min
    if max is not None:
        inside &= x <= max
    return t.from_op(out, Op.CLAMP, (t,), (lambda g: g * inside,))


def _same(g: Array) -> Array:
    return g


def sigmoid_array(x: Array) -> Array:
    """σ(x) = 1/(1 + e⁻ˣ) without overflow: e^(−|x|) never exceeds 1."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
