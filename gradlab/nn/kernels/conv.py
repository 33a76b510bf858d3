"""The fast conv2d kernel: `gradlab.nn.functional.conv2d_reference`'s results, from im2col in a row
layout and one matmul per image and group, split over two threads.

The input is stored in the row layout of `gradlab.nn.row_layout` (rows without padding columns,
so every kernel offset reads one long contiguous run per image and channel; the few reads that
wrap onto a neighbouring row stand for padding and are zeroed). It is copied once into a
(groups, C/groups·kh·kw, N, oh·L) array, plus a row of ones when there is a bias (the kernels
get the bias as one more column, so the matmul adds it). The matmuls write (N, O, oh·L): for a
"same" convolution L = ow, so that is already the NCHW result, with no transpose and no bias
pass. Backward uses the same matrices per image: dX = Wᵀ @ g added back onto the input by the
layout's fold (kh·kw adds of long runs, never a loop over pixels), and dW = Σ g @ colsᵀ (its
last column is the bias grad), all from one pass over g. Each thread takes a part of the batch
(`gradlab.engine.threads`), forward and backward.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import threads
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP, Needs
from gradlab.nn.row_layout import RowLayout
from gradlab.nn.windows import Window2d


def conv2d(
    x: Array,
    w: Array,
    b: Array | None = None,
    *,
    geometry: Window2d,
    groups: int,
    needs: Needs = (True, True, True),
) -> tuple[Array, VJP]:
    """conv2d of (N, C, H, W) `x` with (O, C/groups, kh, kw) `w` and (O,) `b`, arguments checked
    by the caller; the VJP computes only the grads `needs` asks for (x, w, b)."""
    n, c, h, width = x.shape
    o, cg, kh, kw = w.shape
    layout = RowLayout.of(h, width, geometry)
    out_h, out_w, length = layout.out_h, layout.out_w, layout.length
    og, ckk, cells = o // groups, cg * kh * kw, out_h * length
    # im2col in the row layout, one (Cg·kh·kw [+1], oh·L) matrix per image and group, with the
    # reads that wrapped onto a neighbouring row zeroed (they stand for padding). A bias is one
    # more row of ones in every matrix and one more column of the kernels, so the matmul adds it
    depth = ckk + (b is not None)
    cols = np.empty((groups, depth, n, cells), dtype=x.dtype)
    windows = cols[:, :ckk].reshape(groups, cg, kh, kw, n, out_h, length)
    kernels = np.empty((groups, og, depth), dtype=w.dtype)
    kernels[..., :ckk] = w.reshape(groups, og, ckk)
    if b is not None:
        cols[:, ckk] = 1
        kernels[..., ckk] = b.reshape(groups, og)
    per_image = cols.transpose(2, 0, 1, 3)
    product = np.empty((n, groups, og, cells), dtype=np.result_type(x, w))
    parts = threads.batch_parts(n, cols.size + product.size)

    def forward(part: slice) -> None:
        patches = layout.patches(layout.pad(x[part])).transpose(1, 2, 3, 0, 4, 5)
        np.copyto(windows[:, :, :, :, part], patches.reshape(windows[:, :, :, :, part].shape))
        _zero_wrapped(windows[:, :, :, :, part], layout, kernel_column_axis=3)
        # one matmul per image and group, straight into (N, O, oh, L): NCHW when L = ow
        np.matmul(kernels, per_image[part], out=product[part])

    threads.run(forward, parts)
    product_nchw = product.reshape(n, o, out_h, length)
    result = product_nchw if length == out_w else np.ascontiguousarray(product_nchw[..., :out_w])
    needs_kernels = needs[1] or (b is not None and needs[2])

    def vjp(g: Array) -> tuple[Array | None, ...]:
        rows = _product_layout(g, (n, groups, og, cells), length - out_w)
        input_grad = np.empty(x.shape, dtype=g.dtype) if needs[0] else None

        def backward(part: slice) -> Array | None:
            if input_grad is not None:
                # d out/d window = kernel: dcols = Wᵀ @ g per image, each window's grad then
                # added back onto the cells it read (fold), in fold's (N, C, kh, kw, oh, L) order
                dcols = np.matmul(kernels[..., :ckk].transpose(0, 2, 1), rows[part])
                dcols = dcols.reshape(-1, c, kh, kw, out_h, length)
                _zero_wrapped(dcols, layout, kernel_column_axis=3)
                input_grad[part] = layout.crop(layout.fold(dcols))
            if not needs_kernels:
                return None
            # d out/d kernel = window: dW = Σ_images g @ colsᵀ; with a bias, its last column is
            # d out/d b = Σ g (from the row of ones)
            partial: Array = np.matmul(rows[part], per_image[part].transpose(0, 1, 3, 2))
            summed: Array = partial.sum(axis=0)
            return summed

        partials = [p for p in threads.run(backward, parts) if p is not None]
        weight_grad = bias_grad = None
        if partials:
            kernel_grad = np.sum(partials, axis=0)
            weight_grad = kernel_grad[..., :ckk].reshape(w.shape)
            bias_grad = kernel_grad[..., ckk].reshape(o) if b is not None else None
        return (input_grad, weight_grad) if b is None else (input_grad, weight_grad, bias_grad)

    return result, vjp


def _product_layout(g: Array, shape: tuple[int, int, int, int], junk: int) -> Array:
    """g (N, O, oh, ow) as the matmuls' (N, G, O/G, oh·L) product, zero in the `junk` columns
    L − ow (so they add nothing); a view when there are none."""
    if junk == 0:
        return g.reshape(shape)
    rows = np.zeros((*g.shape[:-1], g.shape[-1] + junk), dtype=g.dtype)
    rows[..., : g.shape[-1]] = g
    return rows.reshape(shape)


def _zero_wrapped(cols: Array, layout: RowLayout, *, kernel_column_axis: int) -> None:
    """Zero the im2col entries (last axis: output column) that read across a row end."""
    index: list[slice | int] = [slice(None)] * cols.ndim
    for b, columns in layout.wrapped():
        index[kernel_column_axis], index[-1] = b, columns
        cols[tuple(index)] = 0
