"""Test oracles shared by the tensor and nn tests: central differences and PyTorch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from gradlab.engine import Tensor

Fn = Callable[..., Tensor]


def numeric_grads(fn: Fn, arrays: Sequence[np.ndarray], weights: np.ndarray) -> list[np.ndarray]:
    """Central differences of L = Σ weights · fn(arrays) with respect to each array."""

    def loss(values: Sequence[np.ndarray]) -> float:
        return float((fn(*(Tensor(v) for v in values)).data * weights).sum())

    grads = []
    for k, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            h = 1e-6 * max(1.0, abs(array[i]))
            up = [a.copy() for a in arrays]
            down = [a.copy() for a in arrays]
            up[k][i] += h
            down[k][i] -= h
            grad[i] = (loss(up) - loss(down)) / (2 * h)
        grads.append(grad)
    return grads


def check_against_torch(
    fn: Fn,
    torch_fn: Callable[..., torch.Tensor],
    arrays: Sequence[np.ndarray],
    *,
    seed: int = 0,
    numeric_rtol: float | None = None,
) -> None:
    """Forward and grads (for a random upstream grad drawn with `seed`) equal PyTorch's to 1e-6
    in float64; with `numeric_rtol`, the grads also equal central differences to that relative
    tolerance (and 1e-6 absolute)."""
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    references = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = fn(*tensors), torch_fn(*references)
    np.testing.assert_allclose(
        out.data, expected.detach().numpy(), rtol=1e-6, atol=1e-6, strict=True
    )
    weights = np.random.default_rng(seed).normal(size=out.shape)
    (out * weights).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    for tensor, reference in zip(tensors, references, strict=True):
        assert tensor.grad is not None
        assert reference.grad is not None
        np.testing.assert_allclose(
            tensor.grad, reference.grad.numpy(), rtol=1e-6, atol=1e-6, strict=True
        )
    if numeric_rtol is not None:
        for tensor, approx in zip(tensors, numeric_grads(fn, arrays, weights), strict=True):
            np.testing.assert_allclose(tensor.grad, approx, rtol=numeric_rtol, atol=1e-6)
