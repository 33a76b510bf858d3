"""The fast pools: `gradlab.nn.functional.pool`'s reference results where the windows tile the
input (stride = kernel, no padding or dilation: every pool of the lessons).

A reshape to (..., oh, kh, ow, kw) is then a view, and each kernel offset (a, b) is one
(..., oh, ow) slice of it, so forward and backward are a few whole-array operations with no
window bookkeeping (rows and columns that no tile covers get no grad, as in PyTorch). Max pool
also splits big inputs over their first axis across `gradlab.engine.threads`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradlab.engine import threads
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP
from gradlab.nn.windows import Window2d


def tiles_input(geometry: Window2d) -> bool:
    """True if the windows tile the input: stride = kernel, no padding, no dilation."""
    return (
        geometry.stride == geometry.kernel
        and geometry.padding == (0, 0)
        and geometry.dilation == (1, 1)
    )


def max_pool2d(x: Array, *, geometry: Window2d) -> tuple[Array, VJP]:
    """max_pool2d over tiles (`tiles_input(geometry)` must hold): a running np.maximum per kernel
    offset, remembering where each entry beat all earlier ones (strictly, so the first maximum
    keeps ties)."""
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

    def vjp(g: Array) -> tuple[Array]:
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
        return (grad,)

    return out, vjp


def avg_pool2d(x: Array, *, geometry: Window2d) -> tuple[Array, VJP]:
    """avg_pool2d over tiles (`tiles_input(geometry)` must hold): one add per kernel offset, and
    the grad of a tile's mean spread evenly over the tile."""
    tiles = _tiles(x, geometry)
    kh, kw = geometry.kernel
    total = tiles[..., 0, :, 0].copy()
    for k in range(1, kh * kw):
        total += tiles[..., k // kw, :, k % kw]

    def vjp(g: Array) -> tuple[Array]:
        # d mean/d entry = 1/(kh·kw) for every entry of the tile
        share = g / (kh * kw)
        grad, grad_tiles = _zero_tiles(x.shape, geometry, g.dtype)
        for a in range(kh):
            for b in range(kw):
                grad_tiles[..., a, :, b] = share
        return (grad,)

    return total / (kh * kw), vjp


def _tiles(x: Array, geometry: Window2d) -> Array:
    """The kh × kw tiles of `x` as (..., oh, kh, ow, kw), [..., i, a, j, b] = x[..., i·kh + a,
    j·kw + b]; a view (rows and columns past the last whole tile are left out)."""
    *lead, h, w = x.shape
    (kh, kw), (out_h, out_w) = geometry.kernel, geometry.output_shape(h, w)
    return x[..., : out_h * kh, : out_w * kw].reshape(*lead, out_h, kh, out_w, kw)


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
