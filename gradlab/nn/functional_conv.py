"""conv2d and the 2-d pools: single graph nodes on NCHW tensors, windows from `gradlab.nn.windows`.

conv2d is im2col + one batched matmul: the windows are a strided view, copied once into an
(N, groups, C/groups·kh·kw, oh·ow) stack of matrices, and the product lands in NCHW order.
Backward: dW is a matmul with the same matrices, dX a matmul followed by `fold` (kh·kw strided
adds, never a loop over pixels). Pools take max / mean over the same windows.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.trace import Array
from gradlab.nn.windows import IntPair, Window2d, fold, fold_offsets, pad, patches, unpad


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
    x, w = input.data, weight.data
    geometry = _conv_geometry(x, w, bias, stride, padding, dilation, groups)
    n, c, _, _ = x.shape
    o, cg, kh, kw = w.shape
    out_h, out_w = geometry.output_shape(*x.shape[-2:])
    xp = pad(x, geometry)
    og, ckk, area = o // groups, cg * kh * kw, out_h * out_w
    # im2col per image: windows (N, C, oh, ow, kh, kw) -> (N, G, Cg·kh·kw, oh·ow), one copy whose
    # innermost axis runs along input rows (the cheap direction to gather)
    windows = patches(xp, geometry).transpose(0, 1, 4, 5, 2, 3)
    cols = windows.reshape(n, groups, ckk, area)
    kernels = w.reshape(groups, og, ckk)
    # one matmul per image and group, written straight into NCHW order
    result = (kernels @ cols).reshape(n, o, out_h, out_w)
    if bias is not None:
        result += bias.data.reshape(1, o, 1, 1)

    def grad_input(g: Array) -> Array:
        # d out/d window = kernel: dcols = Wᵀ @ g, then each window's grad is added back (fold)
        dcols = kernels.transpose(0, 2, 1) @ g.reshape(n, groups, og, area)
        dwin = dcols.reshape(n, c, kh, kw, out_h, out_w).transpose(0, 1, 4, 5, 2, 3)
        return unpad(fold(dwin, geometry, xp.shape), geometry)

    def grad_weight(g: Array) -> Array:
        # d out/d kernel = window: dW = Σ over images of g @ colsᵀ
        per_image = g.reshape(n, groups, og, area) @ cols.transpose(0, 1, 3, 2)
        grad: Array = per_image.sum(axis=0).reshape(w.shape)
        return grad

    def grad_bias(g: Array) -> Array:
        # d out/d b[o] = 1 at every position of channel o
        grad: Array = g.sum(axis=(0, 2, 3))
        return grad

    parents: tuple[Tensor, ...] = (input, weight) if bias is None else (input, weight, bias)
    vjps = (grad_input, grad_weight, grad_bias)[: len(parents)]
    return Tensor.from_op(result, Op.CONV2D, parents, vjps)


def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
) -> Tensor:
    """The largest entry of each window (implicit −∞ padding); grad to the first maximum."""
    x, geometry = _pool_input(input, kernel_size, stride, padding, dilation, "max_pool2d")
    xp = pad(x, geometry, -np.inf)
    win = patches(xp, geometry)
    kh, kw = geometry.kernel
    # one np.maximum per kernel offset over (N, C, oh, ow) views of the windows
    out = win[..., 0, 0].copy()
    for k in range(1, kh * kw):
        np.maximum(out, win[..., k // kw, k % kw], out=out)

    def vjp(g: Array) -> Array:
        # d max/d entry = 1 for the first largest entry of the window (row-major), else 0
        taken = np.zeros(out.shape, dtype=bool)

        def grad_at(a: int, b: int) -> Array:
            hit = win[..., a, b] == out
            hit &= ~taken
            taken[...] |= hit
            picked: Array = g * hit
            return picked

        return unpad(fold_offsets(grad_at, geometry, xp.shape, g.dtype), geometry)

    return Tensor.from_op(out, Op.MAX_POOL2D, (input,), (vjp,))


def avg_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
) -> Tensor:
    """The mean of each window; padding zeros count (count_include_pad=True, PyTorch's default)."""
    x, geometry = _pool_input(input, kernel_size, stride, padding, 1, "avg_pool2d")
    xp = pad(x, geometry)
    win = patches(xp, geometry)
    area = geometry.kernel[0] * geometry.kernel[1]
    out = win.sum(axis=(-2, -1)) / area

    def vjp(g: Array) -> Array:
        # d mean/d entry = 1/(kh·kw) for every entry of the window
        share = g / area
        return unpad(fold_offsets(lambda a, b: share, geometry, xp.shape, share.dtype), geometry)

    return Tensor.from_op(out, Op.AVG_POOL2D, (input,), (vjp,))


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


def _pool_input(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None,
    padding: IntPair,
    dilation: IntPair,
    name: str,
) -> tuple[Array, Window2d]:
    x = input.data
    if x.ndim not in (3, 4):
        raise ValueError(f"{name}: input must be (N, C, H, W) or (C, H, W), got shape {x.shape}")
    geometry = Window2d.of(kernel_size, stride, padding, dilation)
    span_h, span_w = geometry.span
    if 2 * geometry.padding[0] > span_h or 2 * geometry.padding[1] > span_w:
        raise ValueError(
            f"{name}: padding {geometry.padding} must be at most half of the kernel span "
            f"{geometry.span}"
        )
    try:
        geometry.output_shape(*x.shape[-2:])
    except ValueError as err:
        raise ValueError(f"{name}: {err} (input {x.shape})") from None
    return x, geometry
