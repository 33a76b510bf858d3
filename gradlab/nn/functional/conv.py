"""conv2d: one graph node on NCHW tensors, computed as im2col + one matmul per image and group.

The input is stored in the row layout of `gradlab.nn.row_layout` (rows without padding columns,
so every kernel offset reads one long contiguous run per image and channel; the few reads that
wrap onto a neighbouring row stand for padding and are zeroed). It is copied once into a
(groups, C/groups·kh·kw, N, oh·L) array, plus a row of ones when there is a bias (the kernels
get the bias as one more column, so the matmul adds it). The matmuls write (N, O, oh·L): for a
"same" convolution L = ow, so that is already the NCHW result, with no transpose and no bias
pass. Backward uses the same matrices per image: dX = Wᵀ @ g added back onto the input by the
layout's fold (kh·kw adds of long runs, never a loop over pixels), and dW = Σ g @ colsᵀ (its
last column is the bias grad), computed on `threads`' helper thread meanwhile. Pools live in
`gradlab.nn.functional.pool`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from gradlab.engine import Op, Tensor, threads
from gradlab.engine.trace import Array
from gradlab.nn.row_layout import RowLayout
from gradlab.nn.windows import IntPair, Window2d

R = TypeVar("R")


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
    n, c, h, width = x.shape
    o, cg, kh, kw = w.shape
    layout = RowLayout.of(h, width, geometry)
    out_h, out_w, length = layout.out_h, layout.out_w, layout.length
    og, ckk, cells = o // groups, cg * kh * kw, out_h * length
    # im2col in the row layout, one (Cg·kh·kw [+1], oh·L) matrix per image and group, with the
    # reads that wrapped onto a neighbouring row zeroed (they stand for padding). A bias is one
    # more row of ones in every matrix and one more column of the kernels, so the matmul adds it
    depth = ckk + (bias is not None)
    cols = np.empty((groups, depth, n, cells), dtype=x.dtype)
    windows = cols[:, :ckk].reshape(groups, cg, kh, kw, n, out_h, length)
    kernels = np.empty((groups, og, depth), dtype=w.dtype)
    kernels[..., :ckk] = w.reshape(groups, og, ckk)
    if bias is not None:
        cols[:, ckk] = 1
        kernels[..., ckk] = bias.data.reshape(groups, og)
    per_image = cols.transpose(2, 0, 1, 3)
    product = np.empty((n, groups, og, cells), dtype=np.result_type(x, w))
    # each thread takes a part of the batch (`threads.batch_parts`)
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
    needs_kernels = weight.requires_grad or (bias is not None and bias.requires_grad)

    @_once_per_grad
    def grads(g: Array) -> tuple[Array | None, Array | None]:
        # the engine asks for each parent's grad in turn; all come from one pass over g, split
        # over the batch like the forward pass
        rows = _product_layout(g, (n, groups, og, cells), length - out_w)
        input_grad = np.empty(x.shape, dtype=g.dtype) if input.requires_grad else None

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
        return input_grad, np.sum(partials, axis=0) if partials else None

    def vjp_input(g: Array) -> Array:
        return _computed(grads(g)[0])

    def vjp_weight(g: Array) -> Array:
        return _computed(grads(g)[1])[..., :ckk].reshape(w.shape)

    def vjp_bias(g: Array) -> Array:
        return _computed(grads(g)[1])[..., ckk].reshape(o)

    parents: tuple[Tensor, ...] = (input, weight) if bias is None else (input, weight, bias)
    vjps = (vjp_input, vjp_weight, vjp_bias)[: len(parents)]
    return Tensor.from_op(result, Op.CONV2D, parents, vjps)


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


def _once_per_grad(compute: Callable[[Array], R]) -> Callable[[Array], R]:
    """`compute`, remembering its last argument and result. The engine hands one upstream grad
    to every VJP of a node, and conv2d computes all of its grads together from it."""
    last: list[tuple[Array, R]] = []

    def cached(g: Array) -> R:
        if not last or last[0][0] is not g:
            last[:] = [(g, compute(g))]
        return last[0][1]

    return cached


def _product_layout(g: Array, shape: tuple[int, int, int, int], junk: int) -> Array:
    """g (N, O, oh, ow) as the matmuls' (N, G, O/G, oh·L) product, zero in the `junk` columns
    L − ow (so they add nothing); a view when there are none."""
    if junk == 0:
        return g.reshape(shape)
    rows = np.zeros((*g.shape[:-1], g.shape[-1] + junk), dtype=g.dtype)
    rows[..., : g.shape[-1]] = g
    return rows.reshape(shape)


def _computed(grad: Array | None) -> Array:
    """A grad `grads` computed because its parent requires one (the engine asks for no other)."""
    assert grad is not None
    return grad


def _zero_wrapped(cols: Array, layout: RowLayout, *, kernel_column_axis: int) -> None:
    """Zero the im2col entries (last axis: output column) that read across a row end."""
    index: list[slice | int] = [slice(None)] * cols.ndim
    for b, columns in layout.wrapped():
        index[kernel_column_axis], index[-1] = b, columns
        cols[tuple(index)] = 0
