"""Tensor arithmetic and elementwise functions: pure functions on arrays, each returning its result
and its vector-Jacobian product with the derivative beside it (the contract: `gradlab.engine.vjp`).

`Tensor` applies them: ``x * y`` is ``Tensor.apply(Op.MUL, mul, x, y)``. Results follow NumPy
broadcasting, and `Tensor` sums each grad back to its parent's shape, so the VJPs below are
written as if shapes matched.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP


def add(a: Array, b: Array) -> tuple[Array, VJP]:
    # d(a + b)/da = 1, d(a + b)/db = 1
    return a + b, lambda g: (g, g)


def sub(a: Array, b: Array) -> tuple[Array, VJP]:
    # d(a − b)/da = 1, d(a − b)/db = −1
    return a - b, lambda g: (g, -g)


def mul(a: Array, b: Array) -> tuple[Array, VJP]:
    # d(a·b)/da = b, d(a·b)/db = a
    return a * b, lambda g: (g * b, g * a)


def truediv(a: Array, b: Array) -> tuple[Array, VJP]:
    out = a / b
    # d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −(a/b)/b
    return out, lambda g: (g / b, -g * out / b)


def power(x: Array, n: float) -> tuple[Array, VJP]:
    if n == 0.0:
        # x⁰ = 1 everywhere: the grad is 0 (n·x⁻¹ would give nan at x = 0)
        return x**n, lambda g: (np.zeros_like(g),)
    # d(xⁿ)/dx = n·xⁿ⁻¹
    return x**n, lambda g: (g * (n * x ** (n - 1.0)),)


def neg(x: Array) -> tuple[Array, VJP]:
    # d(−x)/dx = −1
    return -x, lambda g: (-g,)


def cast(x: Array, dtype: np.dtype[Any]) -> tuple[Array, VJP]:
    # d cast(x)/dx = 1; the grad is cast back to x's dtype
    return x.astype(dtype), lambda g: (g.astype(x.dtype),)


def exp(x: Array) -> tuple[Array, VJP]:
    e = np.exp(x)
    # d eˣ/dx = eˣ
    return e, lambda g: (g * e,)


def log(x: Array) -> tuple[Array, VJP]:
    # d log x/dx = 1/x
    return np.log(x), lambda g: (g / x,)


def tanh(x: Array) -> tuple[Array, VJP]:
    th = np.tanh(x)
    # d tanh x/dx = 1 − tanh²x
    return th, lambda g: (g * (1 - th * th),)


def sigmoid(x: Array) -> tuple[Array, VJP]:
    s = sigmoid_array(x)
    # d σ(x)/dx = σ(x)(1 − σ(x))
    return s, lambda g: (g * (s * (1 - s)),)


def relu(x: Array) -> tuple[Array, VJP]:
    """max(x, 0). Big arrays take `gradlab.engine.kernels.relu`, the same split over two threads."""
    # d relu(x)/dx = 1 if x > 0 else 0 (0 at the kink, as PyTorch)
    return np.maximum(x, 0), lambda g: (g * (x > 0),)


def absolute(x: Array) -> tuple[Array, VJP]:
    # d|x|/dx = sign(x) (0 at 0, as PyTorch)
    return np.abs(x), lambda g: (g * np.sign(x),)


def sqrt(x: Array) -> tuple[Array, VJP]:
    r = np.sqrt(x)
    # d√x/dx = 1/(2√x)
    return r, lambda g: (g * 0.5 / r,)


def clamp(x: Array, low: float | None, high: float | None) -> tuple[Array, VJP]:
    """x limited to [low, high] (either may be None)."""
    out = np.clip(x, low, high)
    # d clamp(x)/dx = 1 where low ≤ x ≤ high, else 0 (bounds inclusive, as PyTorch)
    inside = np.ones(x.shape, dtype=bool)
    if low is not None:
        inside &= x >= low
    if high is not None:
        inside &= x <= high
    return out, lambda g: (g * inside,)


def sigmoid_array(x: Array) -> Array:
    """σ(x) = 1/(1 + e⁻ˣ) without overflow: e^(−|x|) never exceeds 1."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
