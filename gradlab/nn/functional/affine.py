"""linear: input @ weightᵀ + bias as one graph node (PyTorch's `F.linear`).

Named `affine` so that the submodule never shadows the function `F.linear` on the package.
"""

from __future__ import annotations

from gradlab.engine import Op, Tensor
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP, Needs


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weightᵀ + bias for input (..., in), weight (out, in), bias (out,): one graph node."""
    x, w = input.data, weight.data
    if w.ndim != 2 or x.ndim < 1 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input shape {x.shape} does not fit weight shape {w.shape} (out, in)"
        )
    if bias is not None and bias.shape != (w.shape[0],):
        raise ValueError(f"linear: bias must have shape ({w.shape[0]},), got {bias.shape}")
    # the input and the weight say whether they need grads (the bias's is a cheap sum)
    needs = (input.requires_grad, weight.requires_grad)
    if bias is None:
        return Tensor.apply(Op.LINEAR, _linear, input, weight, needs=needs)
    return Tensor.apply(Op.LINEAR, _linear, input, weight, bias, needs=needs)


def _linear(x: Array, w: Array, b: Array | None = None, *, needs: Needs) -> tuple[Array, VJP]:
    """`linear` on arrays; the grads of x and w only where `needs` says (the bias's always)."""
    out = x @ w.T
    if b is not None:
        out += b
    rows = x.reshape(-1, w.shape[1])

    def vjp(g: Array) -> tuple[Array | None, ...]:
        # d(x Wᵀ)/dx: g @ W
        dx = g @ w if needs[0] else None
        # d(x Wᵀ)/dW: gᵀ @ x, summed over all leading (batch) axes
        dw = g.reshape(-1, w.shape[0]).T @ rows if needs[1] else None
        if b is None:
            return dx, dw
        # d(x Wᵀ + b)/db = 1 for every row
        return dx, dw, g.reshape(-1, w.shape[0]).sum(axis=0)

    return out, vjp
