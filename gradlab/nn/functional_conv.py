"""conv2d: one graph node on NCHW tensors, computed as im2col + ONE matmul per group.

The input is stored in the row layout of `gradlab.nn.row_layout` (rows without padding columns,
so every kernel offset reads one long contiguous run per image and channel; the few reads that
wrap onto a neighbouring row stand for padding and are zeroed). It is copied once into a
(groups, C/groups·kh·kw, N·oh·L) matrix and multiplied by the kernels for the whole batch at
once, then copied to contiguous NCHW with the bias added (for a "same" convolution L = ow, so
that copy is a transpose of long runs). Backward uses the same matrices: dW = g @ colsᵀ (the
matmul sums over the batch), dX = Wᵀ @ g added back onto the input by the layout's fold (kh·kw
adds of long runs, never a loop over pixels). Pools live in `functional_pool`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.trace import Array
from gradlab.nn.row_layout import RowLayout
from gradlab.nn.windows import IntPair, Window2d


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
    x_rows = layout.pad(x)
    # im2col in the row layout: (C, kh, kw, N, oh, L) -> (G, Cg·kh·kw, N·oh·L), one copy of long
    # contiguous runs, with the reads that wrapped onto a neighbouring row zeroed (they stand for
    # padding); then ONE matmul per group over the whole batch
    og, ckk, cells = o // groups, cg * kh * kw, n * out_h * length
    cols = np.empty((groups, ckk, cells), dtype=x.dtype)
    windows = cols.reshape(c, kh, kw, n, out_h, length)
    np.copyto(windows, layout.patches(x_rows).transpose(1, 2, 3, 0, 4, 5))
    _zero_wrapped(windows, layout)
    kernels = w.reshape(groups, og, ckk)
    product = (kernels @ cols).reshape(o, n, out_h, length).transpose(1, 0, 2, 3)[..., :out_w]
    # one pass to contiguous NCHW (adding the bias on the way), so the elementwise ops that
    # follow run over long runs instead of short strided rows
    result = np.empty((n, o, out_h, out_w), dtype=product.dtype)
    if bias is None:
        np.copyto(result, product)
    else:
        np.add(product, bias.data.reshape(1, o, 1, 1), out=result)

    @_once_per_grad
    def grad_rows(g: Array) -> Array:
        # g in the layout of the matmul's product, zero in the junk columns so they add nothing
        rows = np.empty((o, n, out_h, length), dtype=g.dtype)
        rows[..., :out_w] = g.transpose(1, 0, 2, 3)
        rows[..., out_w:] = 0
        return rows.reshape(groups, og, cells)

    def grad_input(g: Array) -> Array:
        # d out/d window = kernel: dcols = Wᵀ @ g, then each window's grad is added back (fold)
        dcols = (kernels.transpose(0, 2, 1) @ grad_rows(g)).reshape(c, kh, kw, n, out_h, length)
        _zero_wrapped(dcols, layout)
        return layout.crop(layout.fold(dcols.transpose(3, 0, 1, 2, 4, 5)))

    def grad_weight(g: Array) -> Array:
        # d out/d kernel = window: dW = g @ colsᵀ, summed over the batch by the matmul itself
        grad: Array = (grad_rows(g) @ cols.transpose(0, 2, 1)).reshape(w.shape)
        return grad

    def grad_bias(g: Array) -> Array:
        # d out/d b[o] = 1 at every position of channel o
        grad: Array = grad_rows(g).sum(axis=-1).reshape(o)
        return grad

    parents: tuple[Tensor, ...] = (input, weight) if bias is None else (input, weight, bias)
    vjps = (grad_input, grad_weight, grad_bias)[: len(parents)]
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


def _once_per_grad(rearrange: Callable[[Array], Array]) -> Callable[[Array], Array]:
    """`rearrange`, remembering its last argument and result. The engine hands one upstream grad
    to every VJP of a node, and conv2d's three VJPs all start by laying it out as matmul rows."""
    last: list[Array] = []

    def cached(g: Array) -> Array:
        if not last or last[0] is not g:
            last[:] = [g, rearrange(g)]
        return last[1]

    return cached


def _zero_wrapped(cols: Array, layout: RowLayout) -> None:
    """Zero the entries of (C, kh, kw, N, oh, L) im2col rows that read across a row end."""
    for b, columns in layout.wrapped():
        cols[:, :, b, :, :, columns] = 0
