"""max_pool2d and avg_pool2d: single graph nodes on (N, C, H, W) or (C, H, W) tensors.

The reference ops below take every window as a view of the padded input
(`gradlab.nn.windows.patches`), combine the windows' entries one kernel offset at a time, and add
the grads back with `fold_offsets`. Max pool sends the grad to the first maximum of each window
in row-major order (the one PyTorch picks), which matters after relu, where all-zero windows are
common. Big inputs whose windows tile them (stride = kernel, as in every pool of the lessons) take
the kernels of `gradlab.nn.kernels.pool`, which give the same results from a reshape.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.kernels import large
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP
from gradlab.nn.kernels import pool as kernels
from gradlab.nn.windows import IntPair, Window2d, fold_offsets, pad, patches, unpad


def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
) -> Tensor:
    """The largest entry of each window (implicit −∞ padding); grad to the first maximum."""
    geometry = _pool_geometry(input.data, kernel_size, stride, padding, dilation, "max_pool2d")
    fast = kernels.tiles_input(geometry) and large(input.data.size)
    compute = kernels.max_pool2d if fast else max_pool2d_reference
    return Tensor.apply(Op.MAX_POOL2D, compute, input, geometry=geometry)


def max_pool2d_reference(x: Array, *, geometry: Window2d) -> tuple[Array, VJP]:
    xp = pad(x, geometry, -np.inf)
    win = patches(xp, geometry)
    kh, kw = geometry.kernel
    # one np.maximum per kernel offset over (N, C, oh, ow) views of the windows
    out = win[..., 0, 0].copy()
    for k in range(1, kh * kw):
        np.maximum(out, win[..., k // kw, k % kw], out=out)

    def vjp(g: Array) -> tuple[Array]:
        # d max/d entry = 1 for the first largest entry of the window (row-major), else 0
        taken = np.zeros(out.shape, dtype=bool)

        def grad_at(a: int, b: int) -> Array:
            hit = win[..., a, b] == out
            hit &= ~taken
            taken[...] |= hit
            picked: Array = g * hit
            return picked

        return (unpad(fold_offsets(grad_at, geometry, xp.shape, g.dtype), geometry),)

    return out, vjp


def avg_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
) -> Tensor:
    """The mean of each window; padding zeros count (count_include_pad=True, PyTorch's default)."""
    geometry = _pool_geometry(input.data, kernel_size, stride, padding, 1, "avg_pool2d")
    fast = kernels.tiles_input(geometry) and large(input.data.size)
    compute = kernels.avg_pool2d if fast else avg_pool2d_reference
    return Tensor.apply(Op.AVG_POOL2D, compute, input, geometry=geometry)


def avg_pool2d_reference(x: Array, *, geometry: Window2d) -> tuple[Array, VJP]:
    xp = pad(x, geometry)
    win = patches(xp, geometry)
    kh, kw = geometry.kernel
    area = kh * kw
    # one add per kernel offset (NumPy's sum over the two strided window axes is far slower)
    out = win[..., 0, 0].copy()
    for k in range(1, area):
        out += win[..., k // kw, k % kw]
    out /= area

    def vjp(g: Array) -> tuple[Array]:
        # d mean/d entry = 1/(kh·kw) for every entry of the window
        share = g / area
        grad = fold_offsets(lambda a, b: share, geometry, xp.shape, share.dtype)
        return (unpad(grad, geometry),)

    return out, vjp


def _pool_geometry(
    x: Array,
    kernel_size: IntPair,
    stride: IntPair | None,
    padding: IntPair,
    dilation: IntPair,
    name: str,
) -> Window2d:
    """The window geometry of a pool call, after checking it against the input's shape."""
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
    return geometry
