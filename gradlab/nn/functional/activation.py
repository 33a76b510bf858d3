"""Activations and softmax with PyTorch's names and arguments, each one graph node: a pure op on
arrays (`gradlab.engine.vjp`) with its vector-Jacobian product beside it, applied by `Tensor`."""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.tensor_math import sigmoid_array
from gradlab.engine.tensor_shape import axis
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP


def relu(input: Tensor) -> Tensor:
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return Tensor.apply(Op.LEAKY_RELU, _leaky_relu, input, slope=negative_slope, arg=negative_slope)


def _leaky_relu(x: Array, slope: float) -> tuple[Array, VJP]:
    # leaky_relu(x) = x if x > 0 else slope·x; d/dx = 1 if x > 0 else slope
    slopes = np.where(x > 0, 1, slope).astype(x.dtype)
    return x * slopes, lambda g: (g * slopes,)


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return Tensor.apply(Op.ELU, _elu, input, alpha=alpha, arg=alpha)


def _elu(x: Array, alpha: float) -> tuple[Array, VJP]:
    positive = x > 0
    e = np.expm1(np.minimum(x, 0))  # eˣ − 1, never overflowing
    # elu(x) = x if x > 0 else α(eˣ − 1); d/dx = 1 if x > 0 else α·eˣ
    slope = np.where(positive, 1, alpha * (e + 1))
    return np.where(positive, x, alpha * e), lambda g: (g * slope,)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx))/β, and x itself where βx > threshold (as PyTorch)."""
    return Tensor.apply(Op.SOFTPLUS, _softplus, input, beta=beta, threshold=threshold)


def _softplus(x: Array, beta: float, threshold: float) -> tuple[Array, VJP]:
    bx = beta * x
    linear_part = bx > threshold
    smooth = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    # d softplus/dx = σ(βx) (1 in the linear part)
    slope = np.where(linear_part, 1, sigmoid_array(bx))
    return np.where(linear_part, x, smooth), lambda g: (g * slope,)


def softmax(input: Tensor, dim: int) -> Tensor:
    """e^(xᵢ) / Σⱼ e^(xⱼ) along `dim`, shifted by the max so nothing overflows."""
    d = axis(dim, input.ndim)
    return Tensor.apply(Op.SOFTMAX, _softmax, input, d=d, arg=d)


def _softmax(x: Array, d: int) -> tuple[Array, VJP]:
    e = np.exp(x - x.max(axis=d, keepdims=True))
    s = e / e.sum(axis=d, keepdims=True)
    # ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ), so the VJP is s ⊙ (g − Σ g⊙s)
    return s, lambda g: (s * (g - (g * s).sum(axis=d, keepdims=True)),)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    """xᵢ − log Σⱼ e^(xⱼ) along `dim`, computed stably (log-sum-exp with the max shifted out)."""
    d = axis(dim, input.ndim)
    return Tensor.apply(Op.LOG_SOFTMAX, _log_softmax, input, d=d, arg=d)


def _log_softmax(x: Array, d: int) -> tuple[Array, VJP]:
    shifted = x - x.max(axis=d, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=d, keepdims=True))
    # ∂outᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ, so the VJP is g − softmax ⊙ Σ g
    return out, lambda g: (g - np.exp(out) * g.sum(axis=d, keepdims=True),)
