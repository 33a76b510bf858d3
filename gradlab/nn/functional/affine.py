"""linear: input @ weightᵀ + bias as one graph node (PyTorch's `F.linear`).

Named `affine` so that the submodule never shadows the function `F.linear` on the package.
"""

from __future__ import annotations

from gradlab.engine import Op, Tensor
from gradlab.engine.trace import Array


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
