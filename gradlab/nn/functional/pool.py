"""max_pool2d and avg_pool2d: single graph nodes on (N, C, H, W) or (C, H, W) tensors.

The common case, stride = kernel with no padding or dilation (every pool of the lessons), tiles
the input: a reshape to (..., oh, kh, ow, kw) is a view, and each kernel offset (a, b) is one
(..., oh, ow) slice of it, so forward and backward are a few whole-array operations with no
window bookkeeping (rows and columns that no tile covers get no grad, as in PyTorch). Any other
geometry takes the overlapping windows of `gradlab.nn.windows.patches` and adds their grads back
with `fold_offsets`. Max pool sends the grad to the first maximum of each window in row-major
order (the one PyTorch picks), which matters after relu, where all-zero windows are common.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradlab.engine import Op, Tensor, threads
from gradlab.engine.trace import Array
from gradlab.nn.windows import IntPair, Window2d, fold_offsets, pad, patches, unpad


def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
) -> Tensor:
    """The largest entry of each window (implicit −∞ padding); grad to the first maximum."""
    x, geometry = _pool_input(input, kernel_size, stride, padding, dilation, "max_pool2d")
    if _tiles_input(geometry):
        return _max_pool_tiles(input, geometry)
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
    if _tiles_input(geometry):
        return _avg_pool_tiles(input, geometry)
    xp = pad(x, geometry)
    win = patches(xp, geometry)
    kh, kw = geometry.kernel
    area = kh * kw
    # one add per kernel offset (NumPy's sum over the two strided window axes is far slower)
    out = win[..., 0, 0].copy()
    for k in range(1, area):
        out += win[..., k // kw, k % kw]
    out /= area

    def vjp(g: Array) -> Array:
        # d mean/d entry = 1/(kh·kw) for every entry of the window
        share = g / area
        return unpad(fold_offsets(lambda a, b: share, geometry, xp.shape, share.dtype), geometry)

    return Tensor.from_op(out, Op.AVG_POOL2D, (input,), (vjp,))


def _tiles_input(geometry: Window2d) -> bool:
    """True if the windows tile the input: stride = kernel, no padding, no dilation."""
    return (
        geometry.stride == geometry.kernel
        and geometry.padding == (0, 0)
        and geometry.dilation == (1, 1)
    )


def _tiles(x: Array, geometry: Window2d) -> Array:
    """The kh × kw tiles of `x` as (..., oh, kh, ow, kw), [..., i, a, j, b] = x[..., i·kh + a,
    j·kw + b]; a view (rows and columns past the last whole tile are left out)."""
    *lead, h, w = x.shape
    (kh, kw), (out_h, out_w) = geometry.kernel, geometry.output_shape(h, w)
    return x[..., : out_h * kh, : out_w * kw].reshape(*lead, out_h, kh, out_w, kw)


def _max_pool_tiles(input: Tensor, geometry: Window2d) -> Tensor:
    """max_pool2d over tiles: a running np.maximum per kernel offset, remembering where each
    entry beat all earlier ones (strictly, so the first maximum keeps ties). Big inputs split
    over their first axis across `threads`."""
    x = input.data
    tiles = _tiles(x, geometry)
    kh, kw = geometry.kernel
    out = np.empty(tiles[..., 0, :, 0].shape, dtype=x.dtype)
    beats = np.empty((kh * kw - 1, *out.shape), dtype=bool)
    parts = threads.batch_parts(x.shape[0], x.size)

    def forward(part: slice) -> None:
        out[part] = tiles[part, ..., 0, :, 0]
        for k in range(1, kh * kw):
            entry = tiles[part, ..., k // kw, :, k % kw]
            np.greater(entry, out[part], out=beats[k - 1, part])
            np.maximum(out[part], entry, out=out[part])

    threads.run(forward, parts)

    def vjp(g: Array) -> Array:
        # d max/d entry = 1 for the first largest entry of the tile (row-major), else 0: entry k
        # is that one if it beat every earlier entry and no later entry beat it
        grad, grad_tiles = _zero_tiles(x.shape, geometry, g.dtype)

        def backward(part: slice) -> None:
            beaten_later = np.zeros(out[part].shape, dtype=bool)
            for k in range(kh * kw - 1, 0, -1):
                first = beats[k - 1, part] & ~beaten_later
                np.multiply(g[part], first, out=grad_tiles[part, ..., k // kw, :, k % kw])
                beaten_later |= beats[k - 1, part]
            np.multiply(g[part], ~beaten_later, out=grad_tiles[part, ..., 0, :, 0])

        threads.run(backward, parts)
        return grad

    return Tensor.from_op(out, Op.MAX_POOL2D, (input,), (vjp,))


def _avg_pool_tiles(input: Tensor, geometry: Window2d) -> Tensor:
    """avg_pool2d over tiles: one add per kernel offset, as in the general case, and the grad of
    a tile's mean spread evenly over the tile."""
    x = input.data
    tiles = _tiles(x, geometry)
    kh, kw = geometry.kernel
    total = tiles[..., 0, :, 0].copy()
    for k in range(1, kh * kw):
        total += tiles[..., k // kw, :, k % kw]

    def vjp(g: Array) -> Array:
        # d mean/d entry = 1/(kh·kw) for every entry of the tile
        share = g / (kh * kw)
        grad, grad_tiles = _zero_tiles(x.shape, geometry, g.dtype)
        for a in range(kh):
            for b in range(kw):
                grad_tiles[..., a, :, b] = share
        return grad

    return Tensor.from_op(total / (kh * kw), Op.AVG_POOL2D, (input,), (vjp,))


def _zero_tiles(
    shape: tuple[int, ...], geometry: Window2d, dtype: np.dtype[Any]
) -> tuple[Array, Array]:
    """An input-shaped grad and its `_tiles` view to fill in. Only cells outside every tile need
    zeros (the caller writes every tile cell), so the memset is skipped when there are none."""
    *_, h, w = shape
    (kh, kw), (out_h, out_w) = geometry.kernel, geometry.output_shape(h, w)
    covered = out_h * kh == h and out_w * kw == w
    grad = np.empty(shape, dtype=dtype) if covered else np.zeros(shape, dtype=dtype)
    return grad, _tiles(grad, geometry)


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
