"""Tensor ops that move, select or reduce entries: matmul, sum/mean/max, reshape, permute, indexing.

Pure functions on arrays, each returning its result and its vector-Jacobian product with the
derivative beside it (the contract: `gradlab.engine.vjp`); `Tensor`'s methods apply them. Also the
shape arithmetic they share with `Tensor`: `axis`, `shape_arg`, `unbroadcast`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP, Needs


def unbroadcast(grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum `grad` down to `shape`, undoing NumPy broadcasting: d(x broadcast)/dx sums copies."""
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return np.asarray(grad)


def axis(dim: int, ndim: int) -> int:
    """`dim` as a non-negative axis of an `ndim`-d tensor (negative counts from the end)."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ValueError(f"dim {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % max(ndim, 1)


def shape_arg(args: Sequence[int | Sequence[int]]) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape (2, 3), as in PyTorch."""
    if len(args) == 1 and not isinstance(args[0], int):
        return tuple(int(n) for n in args[0])
    return tuple(int(n) for n in args)  # type: ignore[arg-type]


def matmul(x: Array, y: Array, needs: Needs = (True, True)) -> tuple[Array, VJP]:
    """x @ y with NumPy's rules (1-d operands, batched stacks); grads only where `needs` says."""
    inner_y = y.shape[-2] if y.ndim > 1 else y.shape[0] if y.ndim else None
    if x.ndim == 0 or y.ndim == 0 or x.shape[-1] != inner_y:
        raise ValueError(f"matmul: shapes {x.shape} and {y.shape} do not align")
    # A 1-d operand is a row (left) or column (right) matrix whose extra axis was dropped.
    x2 = x if x.ndim > 1 else x[None, :]
    y2 = y if y.ndim > 1 else y[:, None]

    def vjp(g: Array) -> tuple[Array | None, Array | None]:
        g2 = g if y.ndim > 1 else g[..., None]
        g2 = g2 if x.ndim > 1 else g2[..., None, :]
        # d(X@Y)/dX: g @ Yᵀ;  d(X@Y)/dY: Xᵀ @ g (then the dropped axes are dropped again)
        gx = g2 @ y2.swapaxes(-1, -2) if needs[0] else None
        gy = x2.swapaxes(-1, -2) @ g2 if needs[1] else None
        if gx is not None and x.ndim == 1:
            gx = gx[..., 0, :]
        if gy is not None and y.ndim == 1:
            gy = gy[..., 0]
        return gx, gy

    return x @ y, vjp


def reduce_sum(x: Array, dim: int | Sequence[int] | None, keepdim: bool) -> tuple[Array, VJP]:
    """The sum over `dim` (all dims when None)."""
    axes = _axes(dim, x.ndim)
    kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    out = x.sum(axis=axes, keepdims=keepdim)
    # d(Σ xᵢ)/dxᵢ = 1: every summed entry gets the upstream grad
    return out, lambda g: (np.broadcast_to(g.reshape(kept), x.shape),)


def reduce_mean(x: Array, dim: int | Sequence[int] | None, keepdim: bool) -> tuple[Array, VJP]:
    """The mean over `dim` (all dims when None)."""
    axes = _axes(dim, x.ndim)
    count = int(np.prod([x.shape[i] for i in axes]))
    kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    out = x.mean(axis=axes, keepdims=keepdim)
    # d(mean x)/dxᵢ = 1/n
    return out, lambda g: (np.broadcast_to(g.reshape(kept) / count, x.shape),)


def reduce_max(x: Array, dim: int | None, keepdim: bool) -> tuple[Array, VJP]:
    """max over everything (grad split evenly over ties) or along `dim` (grad to first argmax)."""
    if x.size == 0:
        raise ValueError(f"max of an empty tensor (shape {x.shape})")
    if dim is None:
        m = x.max(keepdims=keepdim)
        ties = x == m
        # d max/dxᵢ = 1/(number of maxima) where xᵢ is a maximum, else 0
        return m, lambda g: (g * ties / np.count_nonzero(ties),)
    d = axis(dim, x.ndim)
    where = np.argmax(x, axis=d, keepdims=True)
    out = np.take_along_axis(x, where, d)

    def vjp(g: Array) -> tuple[Array]:
        # d max/dxᵢ = 1 at the (first) argmax along dim, else 0
        grad = np.zeros_like(x, dtype=g.dtype)
        np.put_along_axis(grad, where, g if keepdim else np.expand_dims(g, d), d)
        return (grad,)

    return out if keepdim else out.squeeze(d), vjp


def reshape(x: Array, shape: tuple[int, ...]) -> tuple[Array, VJP]:
    try:
        out = x.reshape(shape)
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} into shape {shape}") from None
    # reshaping moves no numbers: the grad is reshaped back
    return out, lambda g: (g.reshape(x.shape),)


def flattened(shape: tuple[int, ...], start_dim: int, end_dim: int) -> tuple[int, ...]:
    """`shape` with dims start_dim..end_dim merged into one (a 0-d shape becomes (1,))."""
    if not shape:
        return (1,)
    start, end = axis(start_dim, len(shape)), axis(end_dim, len(shape))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = int(np.prod(shape[start : end + 1]))
    return (*shape[:start], merged, *shape[end + 1 :])


def permute(x: Array, dims: tuple[int, ...]) -> tuple[Array, VJP]:
    order = tuple(axis(d, x.ndim) for d in dims) if x.ndim else dims
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not an ordering of the {x.ndim} dims of {x.shape}")
    inverse = tuple(int(i) for i in np.argsort(order))
    # a permutation moves entries: the grad moves back by the inverse permutation
    return x.transpose(order), lambda g: (g.transpose(inverse),)


def getitem(x: Array, index: Any) -> tuple[Array, VJP]:
    """``x[index]``; integer arrays may repeat an entry, whose grads then add up (np.add.at).
    Lists in `index` are read as integer (or boolean) arrays."""
    index = _index_arg(index)
    try:
        out = x[index]
    except IndexError as err:
        raise ValueError(f"index {index!r} does not fit shape {x.shape}: {err}") from None
    parts = index if isinstance(index, tuple) else (index,)
    advanced = any(isinstance(part, np.ndarray) for part in parts)

    def vjp(g: Array) -> tuple[Array]:
        # d x[index]/dx scatters the upstream grad back to the picked entries
        grad = np.zeros_like(x, dtype=g.dtype)
        if advanced:
            np.add.at(grad, index, g)
        else:
            grad[index] = g
        return (grad,)

    return out, vjp


def _index_arg(index: Any) -> Any:
    """Lists and arrays inside an index become integer (or boolean) arrays."""
    if isinstance(index, tuple):
        return tuple(_index_arg(part) for part in index)
    if isinstance(index, list | np.ndarray):
        array = np.asarray(index)
        if array.dtype.kind == "f":
            if not np.array_equal(array, np.round(array)):
                raise ValueError("index arrays must hold whole numbers")
            array = array.astype(np.intp)
        return array
    return index


def _axes(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = tuple(axis(d, ndim) for d in dims) if dims else tuple(range(ndim))
    if len(set(axes)) != len(axes):
        raise ValueError(f"dim {dim} names an axis twice")
    return axes
