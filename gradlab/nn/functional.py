"""Neural-net functions with PyTorch's names and arguments; import as ``F``.

Activations, softmax and linear live here; conv2d in `functional_conv`, the pools in
`functional_pool`, losses in `functional_loss`, batch_norm and dropout in `functional_norm` (all
importable from here). Fused functions are single graph nodes with their own vector-Jacobian
product.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.tensor_math import sigmoid_array
from gradlab.engine.tensor_shape import axis
from gradlab.engine.trace import Array
from gradlab.nn.functional_conv import conv2d
from gradlab.nn.functional_loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
    nll_loss,
)
from gradlab.nn.functional_norm import batch_norm, dropout
from gradlab.nn.functional_pool import avg_pool2d, max_pool2d

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "elu",
    "hinge_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]


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


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weightᵀ + bias for input (..., in), weight (out, in), bias (out,): one graph node."""
    x, w = input.data, weight.data
    if w.ndim != 2 or x.ndim < 1 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input shape {x.shape} does not fit weight shape {w.shape} (out, in)"
        )
    if bias is not None and bias.shape != (w.shape[0],):
        raise ValueError(f"linear: bias must have shape ({w.shape[0]},), got {bias.shape}")
    out = x @ w.T
    if bias is not None:
        out += bias.data
    rows = x.reshape(-1, w.shape[1])

    def grad_input(g: Array) -> Array:
        # d(x Wᵀ)/dx: g @ W
        return g @ w

    def grad_weight(g: Array) -> Array:
        # d(x Wᵀ)/dW: gᵀ @ x, summed over all leading (batch) axes
        return g.reshape(-1, w.shape[0]).T @ rows

    def grad_bias(g: Array) -> Array:
        # d(x Wᵀ + b)/db = 1 for every row
        grad: Array = g.reshape(-1, w.shape[0]).sum(axis=0)
        return grad

    parents: tuple[Tensor, ...] = (input, weight) if bias is None else (input, weight, bias)
    vjps = (grad_input, grad_weight, grad_bias)[: len(parents)]
    return Tensor.from_op(out, Op.LINEAR, parents, vjps)
