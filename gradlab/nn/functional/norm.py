"""batch_norm and dropout: the functionals that behave differently in training and evaluation."""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.trace import Array


def batch_norm(
    input: Tensor,
    running_mean: Tensor | Array | None,
    running_var: Tensor | Array | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) of an (N, C, ...) input, then scale by weight, shift by bias.

    Training uses the batch's mean and (biased) variance and moves the running statistics towards
    them in place: r ← (1 − momentum)·r + momentum·batch, with the unbiased variance, as PyTorch.
    Evaluation uses the running statistics.
    """
    x = input.data
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must be (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    axes = (0, *range(2, x.ndim))
    stat_shape = (1, channels) + (1,) * (x.ndim - 2)
    count = x.size // channels
    stats = [
        _stat(s, channels, name)
        for s, name in ((running_mean, "running_mean"), (running_var, "running_var"))
    ]
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and t.shape != (channels,):
            raise ValueError(f"batch_norm: {name} must have shape ({channels},), got {t.shape}")
    if training:
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than 1 value per channel, got shape {x.shape}"
            )
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        if stats[0] is not None:
            stats[0] *= 1 - momentum
            stats[0] += momentum * mean
        if stats[1] is not None:
            stats[1] *= 1 - momentum
            stats[1] += momentum * var * (count / (count - 1))
    elif stats[0] is None or stats[1] is None:
        raise ValueError(
            "batch_norm: evaluation (training=False) needs running_mean and running_var"
        )
    else:
        mean, var = stats[0], stats[1]
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype).reshape(stat_shape)
    x_hat = (x - mean.astype(x.dtype).reshape(stat_shape)) * inv_std
    scale = np.ones(stat_shape, x.dtype) if weight is None else weight.data.reshape(stat_shape)
    out = x_hat * scale
    if bias is not None:
        out = out + bias.data.reshape(stat_shape)

    def grad_input(g: Array) -> Array:
        d_hat = g * scale
        if not training:
            # x̂ = (x − μ)/σ with fixed μ, σ: dx = dx̂/σ
            fixed: Array = d_hat * inv_std
            return fixed
        # μ and σ depend on x too: dx = (1/σ)(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))
        mean_d = d_hat.mean(axis=axes, keepdims=True)
        mean_dx = (d_hat * x_hat).mean(axis=axes, keepdims=True)
        grad: Array = inv_std * (d_hat - mean_d - x_hat * mean_dx)
        return grad

    def grad_weight(g: Array) -> Array:
        # d out/d weight = x̂
        grad: Array = (g * x_hat).sum(axis=axes)
        return grad

    def grad_bias(g: Array) -> Array:
        # d out/d bias = 1
        grad: Array = g.sum(axis=axes)
        return grad

    parents, vjps = [input], [grad_input]
    for t, vjp in ((weight, grad_weight), (bias, grad_bias)):
        if t is not None:
            parents.append(t)
            vjps.append(vjp)
    return Tensor.from_op(out, Op.BATCH_NORM, tuple(parents), tuple(vjps))


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | None = None,
) -> Tensor:
    """Zero each entry with probability p and scale the rest by 1/(1 − p) (inverted dropout).

    The identity when not training or p = 0. Pass a seeded `rng` for reproducible masks; without
    one a fresh, unseeded generator is used.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must lie in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    x = input.data
    if p == 1.0:
        keep = np.zeros_like(x)
    else:
        rng = np.random.default_rng() if rng is None else rng
        keep = (rng.random(x.shape) >= p).astype(x.dtype) / x.dtype.type(1.0 - p)
    # d(x·mask/(1 − p))/dx = mask/(1 − p)
    return Tensor.from_op(x * keep, Op.DROPOUT, (input,), (lambda g: g * keep,), p)


def _stat(stat: Tensor | Array | None, channels: int, name: str) -> Array | None:
    if stat is None:
        return None
    array = stat.data if isinstance(stat, Tensor) else stat
    if array.shape != (channels,):
        raise ValueError(f"batch_norm: {name} must have shape ({channels},), got {array.shape}")
    return array
