"""Loss functions with PyTorch's names, arguments and reductions ("mean" by default).

cross_entropy, nll_loss and the binary cross-entropies are single graph nodes with their own VJP
(stable and fast); mse_loss and hinge_loss are composed from Tensor ops, so the graph view shows
their parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.tensor_math import sigmoid_array
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP

Reduction = Literal["mean", "sum", "none"]
Target = Tensor | Array


def cross_entropy(input: Tensor, target: Target, *, reduction: Reduction = "mean") -> Tensor:
    """−log softmax(input)[target] for logits (N, C) and class indices (N,), fused."""
    labels = _class_indices(target, input.data, "cross_entropy")
    return Tensor.apply(Op.CROSS_ENTROPY, _cross_entropy, input, labels=labels, reduction=reduction)


def _cross_entropy(x: Array, labels: Array, reduction: Reduction) -> tuple[Array, VJP]:
    rows = np.arange(x.shape[0])
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    out, expand = _reduce(-log_probs[rows, labels], reduction)

    def vjp(g: Array) -> tuple[Array]:
        # d loss_n/d input[n] = softmax(input[n]) − onehot(target[n])
        grad = np.exp(log_probs)
        grad[rows, labels] -= 1
        return (grad * expand(g)[:, None],)

    return out, vjp


def nll_loss(input: Tensor, target: Target, *, reduction: Reduction = "mean") -> Tensor:
    """−input[n, target[n]] for log-probabilities (N, C) and class indices (N,)."""
    labels = _class_indices(target, input.data, "nll_loss")
    return Tensor.apply(Op.NLL_LOSS, _nll_loss, input, labels=labels, reduction=reduction)


def _nll_loss(x: Array, labels: Array, reduction: Reduction) -> tuple[Array, VJP]:
    rows = np.arange(x.shape[0])
    out, expand = _reduce(-x[rows, labels], reduction)

    def vjp(g: Array) -> tuple[Array]:
        # d(−x[n, yₙ])/dx = −1 at (n, yₙ), else 0
        grad = np.zeros_like(x, dtype=g.dtype)
        grad[rows, labels] = -expand(g)
        return (grad,)

    return out, vjp


def mse_loss(input: Tensor, target: Target, *, reduction: Reduction = "mean") -> Tensor:
    """(input − target)², reduced; built from Tensor ops."""
    target = _same_shape(input, target, "mse_loss")
    return _reduce_tensor((input - target) ** 2, reduction)


def hinge_loss(input: Tensor, target: Target, *, reduction: Reduction = "mean") -> Tensor:
    """max(0, 1 − y·s) for scores s and labels y ∈ {−1, 1}; built from Tensor ops."""
    target = _same_shape(input, target, "hinge_loss")
    if not np.all(np.abs(target.data) == 1):
        raise ValueError("hinge_loss: target labels must be -1 or 1")
    return _reduce_tensor((1.0 - target * input).relu(), reduction)


def binary_cross_entropy(input: Tensor, target: Target, *, reduction: Reduction = "mean") -> Tensor:
    """−(y·log p + (1 − y)·log(1 − p)) for probabilities p; logs clamped at −100 as PyTorch."""
    target = _same_shape(input, target, "binary_cross_entropy")
    if np.any((input.data < 0) | (input.data > 1)):
        raise ValueError("binary_cross_entropy: input probabilities must lie in [0, 1]")
    return Tensor.apply(Op.BCE, _binary_cross_entropy, input, target, reduction=reduction)


def _binary_cross_entropy(p: Array, y: Array, reduction: Reduction) -> tuple[Array, VJP]:
    with np.errstate(divide="ignore"):
        log_p, log_q = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    out, expand = _reduce(-(y * log_p + (1 - y) * log_q), reduction)

    def vjp(g: Array) -> tuple[Array, Array]:
        each = expand(g)  # the grad of each element's loss
        # d/dp = (p − y)/(p(1 − p)), with p(1 − p) kept ≥ 1e-12 as PyTorch;
        # d/dy = log(1 − p) − log p
        return each * (p - y) / np.maximum(p * (1 - p), 1e-12), each * (log_q - log_p)

    return out, vjp


def binary_cross_entropy_with_logits(
    input: Tensor, target: Target, *, reduction: Reduction = "mean"
) -> Tensor:
    """binary_cross_entropy(σ(x), y) computed stably: max(x, 0) − x·y + log(1 + e^(−|x|))."""
    target = _same_shape(input, target, "binary_cross_entropy_with_logits")
    return Tensor.apply(Op.BCE_WITH_LOGITS, _bce_with_logits, input, target, reduction=reduction)


def _bce_with_logits(x: Array, y: Array, reduction: Reduction) -> tuple[Array, VJP]:
    loss = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    out, expand = _reduce(loss, reduction)

    def vjp(g: Array) -> tuple[Array, Array]:
        each = expand(g)  # the grad of each element's loss
        # d/dx = σ(x) − y, d/dy = −x
        return each * (sigmoid_array(x) - y), -each * x

    return out, vjp


def _reduce(loss: Array, reduction: Reduction) -> tuple[Array, Callable[[Array], Array]]:
    """The reduced loss and the map from its grad back to per-element grads."""
    if reduction == "none":
        return loss, lambda g: g
    if reduction == "sum":
        return np.asarray(loss.sum()), lambda g: np.broadcast_to(g, loss.shape)
    if reduction == "mean":
        count = max(loss.size, 1)
        return np.asarray(loss.mean()), lambda g: np.broadcast_to(g / count, loss.shape)
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce_tensor(loss: Tensor, reduction: Reduction) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _same_shape(input: Tensor, target: Target, name: str) -> Tensor:
    target = target if isinstance(target, Tensor) else Tensor(target, dtype=input.dtype)
    if target.shape != input.shape:
        raise ValueError(
            f"{name}: target shape {target.shape} differs from input shape {input.shape}"
        )
    return target


def _class_indices(target: Target, x: Array, name: str) -> Array:
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if x.ndim != 2:
        raise ValueError(f"{name}: input must be (N, C), got shape {x.shape}")
    if labels.shape != (x.shape[0],):
        raise ValueError(
            f"{name}: target must be class indices of shape ({x.shape[0]},), got {labels.shape}"
        )
    if labels.size and labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels)):
        raise ValueError(f"{name}: target must hold whole class indices")
    labels = labels.astype(np.intp)
    if labels.size and (labels.min() < 0 or labels.max() >= x.shape[1]):
        raise ValueError(
            f"{name}: class indices must lie in 0..{x.shape[1] - 1}, "
            f"got {labels.min()}..{labels.max()}"
        )
    return labels
