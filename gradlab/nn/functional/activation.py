"""Activations and softmax with PyTorch's names and arguments, each one graph node with its
vector-Jacobian product beside it."""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.tensor_math import sigmoid_array
from gradlab.engine.tensor_shape import axis


def relu(input: Tensor) -> Tensor:
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    x = input.data
    positive = x > 0
    # leaky_relu(x) = x if x > 0 else slope·x; d/dx = 1 if x > 0 else slope
    slope = np.where(positive, 1, negative_slope).astype(x.dtype)
    return Tensor.from_op(
        x * slope, Op.LEAKY_RELU, (input,), (lambda g: g * slope,), negative_slope
    )


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    x = input.data
    positive = x > 0
    e = np.expm1(np.minimum(x, 0))  # eˣ − 1, never overflowing
    out = np.where(positive, x, alpha * e)
    # elu(x) = x if x > 0 else α(eˣ − 1); d/dx = 1 if x > 0 else α·eˣ
    return Tensor.from_op(
        out, Op.ELU, (input,), (lambda g: g * np.where(positive, 1, alpha * (e + 1)),), alpha
    )


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx))/β, and x itself where βx > threshold (as PyTorch)."""
    x = input.data
    bx = beta * x
    linear_part = bx > threshold
    smooth = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    out = np.where(linear_part, x, smooth)
    # d softplus/dx = σ(βx) (1 in the linear part)
    slope = np.where(linear_part, 1, sigmoid_array(bx))
    return Tensor.from_op(out, Op.SOFTPLUS, (input,), (lambda g: g * slope,))


def softmax(input: Tensor, dim: int) -> Tensor:
    """e^(xᵢ) / Σⱼ e^(xⱼ) along `dim`, shifted by the max so nothing overflows."""
    x = input.data
    d = axis(dim, x.ndim)
    e = np.exp(x - x.max(axis=d, keepdims=True))
    s = e / e.sum(axis=d, keepdims=True)
    # ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ), so the VJP is s ⊙ (g − Σ g⊙s)
    return Tensor.from_op(
        s, Op.SOFTMAX, (input,), (lambda g: s * (g - (g * s).sum(axis=d, keepdims=True)),), d
    )


def log_softmax(input: Tensor, dim: int) -> Tensor:
    """xᵢ − log Σⱼ e^(xⱼ) along `dim`, computed stably (log-sum-exp with the max shifted out)."""
    x = input.data
    d = axis(dim, x.ndim)
    shifted = x - x.max(axis=d, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=d, keepdims=True))
    # ∂outᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ, so the VJP is g − softmax ⊙ Σ g
    return Tensor.from_op(
        out,
        Op.LOG_SOFTMAX,
        (input,),
        (lambda g: g - np.exp(out) * g.sum(axis=d, keepdims=True),),
        d,
    )
