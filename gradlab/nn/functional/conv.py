"""conv2d: one graph node on NCHW tensors.

`conv2d_reference` computes it as the formula reads: every window is a view of the padded input
(`gradlab.nn.windows.patches`), each group's output is one contraction (a matmul) of its windows
with its kernels, and the input grad is each window's grad added back onto the cells it read
(`gradlab.nn.windows.fold`). Big inputs take the kernel of `gradlab.nn.kernels.conv`, which gives
the same results from a row layout split over two threads. Pools live in
`gradlab.nn.functional.pool`.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.kernels import large
from gradlab.engine.tensor import grads_needed
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP, Needs
from gradlab.nn.kernels import conv as kernels
from gradlab.nn.windows import IntPair, Window2d, fold, pad, patches, unpad


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    """Cross-correlation of an (N, C, H, W) input with (O, C/groups, kh, kw) kernels, + bias (O,).

    out[n, o, i, j] = b[o] + Σ_{c,a,b} w[o, c, a, b] · xp[n, gC' + c, i·sh + a·dh, j·sw + b·dw]
    where g is the group of output channel o, C' = C/groups and xp the zero-padded input.
    """
    geometry = _conv_geometry(input.data, weight.data, bias, stride, padding, dilation, groups)
    parents = (input, weight) if bias is None else (input, weight, bias)
    n, c = input.shape[:2]
    out_h, out_w = geometry.output_shape(*input.shape[2:])
    # the windows' numbers (im2col) and the output's: where the kernel splits over two threads
    work = n * out_h * out_w * (c * geometry.kernel[0] * geometry.kernel[1] + weight.shape[0])
    compute = kernels.conv2d if large(work) else conv2d_reference
    needs = grads_needed(*parents)
    return Tensor.apply(Op.CONV2D, compute, *parents, geometry=geometry, groups=groups, needs=needs)


def conv2d_reference(
    x: Array,
    w: Array,
    b: Array | None = None,
    *,
    geometry: Window2d,
    groups: int,
    needs: Needs = (True, True, True),
) -> tuple[Array, VJP]:
    """conv2d on arrays (`conv2d` checked them); grads for x, w, b where `needs` says."""
    xp = pad(x, geometry)
    win = patches(xp, geometry)  # win[n, c, i, j, a, b] = xp[n, c, i·sh + a·dh, j·sw + b·dw]
    (n, c, out_h, out_w, _, _), o = win.shape, w.shape[0]
    ins, outs = c // groups, o // groups
    group = [
        (slice(k * ins, (k + 1) * ins), slice(k * outs, (k + 1) * outs)) for k in range(groups)
    ]
    out = np.empty((n, o, out_h, out_w), dtype=np.result_type(x, w))
    for cin, cout in group:  # a group's output channels read its own input channels only
        out[:, cout] = np.einsum("ncijab,ocab->noij", win[:, cin], w[cout], optimize=True)
    if b is not None:
        out += b.reshape(o, 1, 1)

    def vjp(g: Array) -> tuple[Array | None, ...]:
        dwin = np.empty(win.shape, dtype=g.dtype) if needs[0] else None
        dw = np.empty(w.shape, dtype=g.dtype) if needs[1] else None
        for cin, cout in group:
            if dw is not None:
                # d out/d kernel = window: dW[o,c,a,b] = Σ_{n,i,j} g[n,o,i,j]·win[n,c,i,j,a,b]
                dw[cout] = np.einsum("noij,ncijab->ocab", g[:, cout], win[:, cin], optimize=True)
            if dwin is not None:
                # d out/d window = kernel: dwin[n,c,i,j,a,b] = Σ_o g[n,o,i,j]·w[o,c,a,b]
                dwin[:, cin] = np.einsum("noij,ocab->ncijab", g[:, cout], w[cout], optimize=True)
        # each window's grad goes back onto the cells it read: fold, the adjoint of patches
        dx = None if dwin is None else unpad(fold(dwin, geometry, xp.shape), geometry)
        # d out/d b[o] = 1 at every output cell of channel o
        return (dx, dw) if b is None else (dx, dw, g.sum(axis=(0, 2, 3)))

    return out, vjp


def _conv_geometry(
    x: Array,
    w: Array,
    bias: Tensor | None,
    stride: IntPair,
    padding: IntPair,
    dilation: IntPair,
    groups: int,
) -> Window2d:
    """The window geometry of a conv2d call, after checking every shape against the others."""
    if x.ndim != 4:
        raise ValueError(f"conv2d: input must be (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be (O, C/groups, kh, kw), got shape {w.shape}")
    c, o = x.shape[1], w.shape[0]
    if groups < 1 or c % groups or o % groups:
        raise ValueError(
            f"conv2d: groups={groups} must divide input channels {c} and output channels {o}"
        )
    if w.shape[1] * groups != c:
        raise ValueError(
            f"conv2d: weight shape {w.shape} expects {w.shape[1] * groups} input channels "
            f"(groups={groups}), input shape {x.shape} has {c}"
        )
    if bias is not None and bias.shape != (o,):
        raise ValueError(f"conv2d: bias must have shape ({o},), got {bias.shape}")
    geometry = Window2d.of(w.shape[2:], stride, padding, dilation)
    try:
        geometry.output_shape(*x.shape[-2:])
    except ValueError as err:
        raise ValueError(f"conv2d: {err} (input {x.shape}, weight {w.shape})") from None
    return geometry
