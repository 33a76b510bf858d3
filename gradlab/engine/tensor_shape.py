"""Tensor ops that move, select or reduce entries: matmul, sum/mean/max, reshape, permute, indexing.

Each builds its node with `Tensor.from_op` and keeps its vector-Jacobian product beside it. Kept
apart from `gradlab.engine.tensor` so both modules stay small; Tensor's methods call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gradlab.engine.ops import Op
from gradlab.engine.trace import Array

if TYPE_CHECKING:
    from gradlab.engine.tensor import Index, Tensor


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


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """a @ b with NumPy's rules (1-d operands, batched stacks)."""
    x, y = a.data, b.data
    inner_b = y.shape[-2] if y.ndim > 1 else y.shape[0] if y.ndim else None
    if x.ndim == 0 or y.ndim == 0 or x.shape[-1] != inner_b:
        raise ValueError(f"matmul: shapes {x.shape} and {y.shape} do not align")
    out = x @ y
    if x.ndim > 1 and y.ndim > 1:
        # d(A@B)/dA: g @ Bᵀ;  d(A@B)/dB: Aᵀ @ g
        vjps = (lambda g: g @ y.swapaxes(-1, -2), lambda g: x.swapaxes(-1, -2) @ g)
        return a.from_op(out, Op.MATMUL, (a, b), vjps)
    # A 1-d operand is a row (left) or column (right) matrix whose extra axis was dropped.
    x2 = x if x.ndim > 1 else x[None, :]
    y2 = y if y.ndim > 1 else y[:, None]

    def grow(g: Array) -> Array:
        g = g if y.ndim > 1 else g[..., None]
        return g if x.ndim > 1 else g[..., None, :]

    def grad_a(g: Array) -> Array:
        ga = grow(g) @ y2.swapaxes(-1, -2)
        return ga if x.ndim > 1 else ga[..., 0, :]

    def grad_b(g: Array) -> Array:
        gb = x2.swapaxes(-1, -2) @ grow(g)
        return gb if y.ndim > 1 else gb[..., 0]

    return a.from_op(out, Op.MATMUL, (a, b), (grad_a, grad_b))


def reduce_sum(t: Tensor, dim: int | Sequence[int] | None, keepdim: bool, op: Op) -> Tensor:
    """Sum (op SUM) or mean (op MEAN) over `dim` (all dims when None)."""
    x = t.data
    axes = _axes(dim, x.ndim)
    count = int(np.prod([x.shape[i] for i in axes]))
    out = (
        x.sum(axis=axes, keepdims=keepdim) if op is Op.SUM else x.mean(axis=axes, keepdims=keepdim)
    )
    kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    if op is Op.SUM:
        # d(Σ xᵢ)/dxᵢ = 1: every summed entry gets the upstream grad
        return t.from_op(out, op, (t,), (lambda g: np.broadcast_to(g.reshape(kept), x.shape),))
    # d(mean x)/dxᵢ = 1/n
    return t.from_op(out, op, (t,), (lambda g: np.broadcast_to(g.reshape(kept) / count, x.shape),))


def reduce_max(t: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    """max over everything (grad split evenly over ties) or along `dim` (grad to first argmax)."""
    x = t.data
    if x.size == 0:
        raise ValueError(f"max of an empty tensor (shape {x.shape})")
    if dim is None:
        m = x.max(keepdims=keepdim)
        ties = x == m
        # d max/dxᵢ = 1/(number of maxima) where xᵢ is a maximum, else 0
        return t.from_op(m, Op.MAX, (t,), (lambda g: g * ties / np.count_nonzero(ties),))
    d = axis(dim, x.ndim)
    where = np.argmax(x, axis=d, keepdims=True)
    out = np.take_along_axis(x, where, d)

    def vjp(g: Array) -> Array:
        # d max/dxᵢ = 1 at the (first) argmax along dim, else 0
        grad = np.zeros_like(x, dtype=g.dtype)
        np.put_along_axis(grad, where, g if keepdim else np.expand_dims(g, d), d)
        return grad

    return t.from_op(out if keepdim else out.squeeze(d), Op.MAX, (t,), (vjp,))


def reshape(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    x = t.data
    try:
        out = x.reshape(shape)
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} into shape {shape}") from None
    # reshaping moves no numbers: the grad is reshaped back
    return t.from_op(out, Op.RESHAPE, (t,), (lambda g: g.reshape(x.shape),))


def flatten(t: Tensor, start_dim: int, end_dim: int) -> Tensor:
    shape = t.shape
    if not shape:
        return reshape(t, (1,))
    start, end = axis(start_dim, len(shape)), axis(end_dim, len(shape))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = int(np.prod(shape[start : end + 1]))
    return reshape(t, (*shape[:start], merged, *shape[end + 1 :]))


def permute(t: Tensor, dims: tuple[int, ...]) -> Tensor:
    x = t.data
    order = tuple(axis(d, x.ndim) for d in dims) if x.ndim else dims
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not an ordering of the {x.ndim} dims of {x.shape}")
    inverse = tuple(int(i) for i in np.argsort(order))
    # a permutation moves entries: the grad moves back by the inverse permutation
    return t.from_op(x.transpose(order), Op.TRANSPOSE, (t,), (lambda g: g.transpose(inverse),))


def getitem(t: Tensor, index: Index) -> Tensor:
    """``t[index]``; integer arrays may repeat an entry, whose grads then add up (np.add.at)."""
    index = _index_arg(index)
    x = t.data
    try:
        out = x[index]
    except IndexError as err:
        raise ValueError(f"index {index!r} does not fit shape {x.shape}: {err}") from None
    parts = index if isinstance(index, tuple) else (index,)
    advanced = any(isinstance(part, np.ndarray) for part in parts)

    def vjp(g: Array) -> Array:
        # d x[index]/dx scatters the upstream grad back to the picked entries
        grad = np.zeros_like(x, dtype=g.dtype)
        if advanced:
            np.add.at(grad, index, g)
        else:
            grad[index] = g
        return grad

    return t.from_op(out, Op.INDEX, (t,), (vjp,))


def _index_arg(index: Any) -> Any:
    """Lists and Tensors inside an index become integer (or boolean) arrays."""
    if isinstance(index, tuple):
        return tuple(_index_arg(part) for part in index)
    if hasattr(index, "requires_grad"):  # a Tensor of indices
        index = index.data
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
