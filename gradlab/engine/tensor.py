"""`Tensor`: an ndarray that remembers how it was computed, with PyTorch's names.

Each op computes its result eagerly and stores, beside it, one vector-Jacobian product (VJP) per
parent: a function taking the upstream grad dL/dout to that parent's share dL/dparent. Backprop is
the same loop as for `Value` (`gradlab.engine.autodiff.backward_steps`). Broadcasting is undone in
one place (`_edge_grads` sums a contribution over the axes its parent was broadcast along), so the
ops (`gradlab.engine.tensor_math`, `gradlab.engine.tensor_shape`) are written as if shapes matched.

Grads are read-only arrays and accumulation replaces them (``grad = grad + c``) rather than adding
in place, so a recorded trace may hold grads without copying. Leaves keep accumulating across
``backward()`` calls; clear them with ``t.grad = None``. Results keep their input's dtype: float64
by default, float32 on request (Python numbers never upcast a float32 tensor).
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from gradlab.engine import tensor_math, tensor_shape
from gradlab.engine.autodiff import backward_steps, send_edges
from gradlab.engine.ops import Op
from gradlab.engine.trace import Array, EdgeGrad

VJP = Callable[[Array], Any]
"""upstream grad -> this parent's contribution (an array, or a NumPy scalar for 0-d results)."""
Operand: TypeAlias = "Tensor | ArrayLike"
Index = Any
"""What ``t[...]`` accepts: ints, slices, None, Ellipsis, integer arrays/lists/Tensors, tuples."""


class Tensor:
    """An n-d array node: ``Tensor([[1.0, 2.0]], requires_grad=True, label="x")``.

    A float ndarray of the requested dtype is shared, not copied (like ``torch.from_numpy``).
    """

    __slots__ = ("_vjps", "arg", "data", "grad", "label", "op", "parents", "requires_grad")

    # Let NumPy defer to Tensor's reflected operators (ndarray + Tensor -> Tensor.__radd__).
    __array_ufunc__ = None

    data: Array
    grad: Array | None
    requires_grad: bool
    label: str
    parents: tuple[Tensor, ...]
    op: Op
    arg: builtins.float | None
    _vjps: tuple[VJP, ...]

    def __init__(
        self,
        data: Tensor | ArrayLike,
        requires_grad: bool = False,
        label: str = "",
        dtype: DTypeLike | None = None,
    ) -> None:
        self.data = _as_float_array(data.data if isinstance(data, Tensor) else data, dtype)
        self.grad = None
        self.requires_grad = requires_grad
        self.label = label
        self.parents = ()
        self.op = Op.LEAF
        self.arg = None
        self._vjps = ()

    @classmethod
    def from_op(
        cls,
        data: Any,
        op: Op,
        parents: tuple[Tensor, ...],
        vjps: tuple[VJP, ...],
        arg: builtins.float | None = None,
    ) -> Tensor:
        """The result of `op` on `parents`: `vjps[i]` maps dL/dresult to dL/dparents[i]."""
        out = cls.__new__(cls)
        out.data = np.asarray(data)
        out.grad = None
        out.label = ""
        out.parents = parents
        out.op = op
        out.arg = arg
        out.requires_grad = False
        out._vjps = ()
        for parent in parents:
            if parent.requires_grad:
                out.requires_grad = True
                # kept only when needed: VJPs hold the arrays they were built on (conv's im2col)
                out._vjps = vjps
                break
        return out

    # ---- array facts ---------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def numel(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> builtins.float:
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return builtins.float(self.data.reshape(()))

    def numpy(self) -> Array:
        """The data array itself (shared, as in PyTorch); copy it before mutating."""
        return self.data

    def detach(self) -> Tensor:
        """A leaf sharing this data, outside the graph."""
        return Tensor(self.data, label=self.label)

    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def to(self, dtype: DTypeLike) -> Tensor:
        """This tensor in another float dtype; the grad flows back in the original dtype."""
        target = _float_dtype(dtype)
        if target == self.data.dtype:
            return self
        source = self.data.dtype
        # d cast(x)/dx = 1, cast back
        return Tensor.from_op(
            self.data.astype(target), Op.CAST, (self,), (lambda g: g.astype(source),)
        )

    def __repr__(self) -> str:
        extras = ", requires_grad=True" if self.requires_grad else ""
        extras += f", label={self.label!r}" if self.label else ""
        extras += "" if self.data.dtype == np.float64 else f", dtype={self.data.dtype}"
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        return f"Tensor({body}{extras})"

    # ---- arithmetic and elementwise functions (gradlab.engine.tensor_math) --------------------

    __add__ = tensor_math.add
    __sub__ = tensor_math.sub
    __mul__ = tensor_math.mul
    __truediv__ = tensor_math.truediv
    __matmul__ = tensor_math.matmul
    __pow__ = tensor_math.power
    __neg__ = tensor_math.neg
    __radd__ = tensor_math.radd
    __rsub__ = tensor_math.rsub
    __rmul__ = tensor_math.rmul
    __rtruediv__ = tensor_math.rtruediv
    __rmatmul__ = tensor_math.rmatmul
    exp = tensor_math.exp
    log = tensor_math.log
    tanh = tensor_math.tanh
    sigmoid = tensor_math.sigmoid
    relu = tensor_math.relu
    abs = tensor_math.absolute
    sqrt = tensor_math.sqrt
    clamp = tensor_math.clamp

    # ---- reductions and shape (gradlab.engine.tensor_shape) ----------------------------------

    def sum(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return tensor_shape.reduce_sum(self, dim, keepdim, Op.SUM)

    def mean(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return tensor_shape.reduce_sum(self, dim, keepdim, Op.MEAN)

    def max(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """The largest entry (grad split evenly over ties), or along `dim` (grad to the first
        argmax). Both as PyTorch; unlike ``torch.max(dim)`` this returns the values only."""
        return tensor_shape.reduce_max(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Array:
        """Indices of the largest entries (an integer array; not differentiable)."""
        return np.asarray(np.argmax(self.data, axis=dim, keepdims=keepdim))

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        return tensor_shape.reshape(self, tensor_shape.shape_arg(shape))

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        return tensor_shape.reshape(self, tensor_shape.shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return tensor_shape.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        dims = list(range(self.ndim))
        d0, d1 = tensor_shape.axis(dim0, self.ndim), tensor_shape.axis(dim1, self.ndim)
        dims[d0], dims[d1] = dims[d1], dims[d0]
        return tensor_shape.permute(self, tuple(dims))

    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        return tensor_shape.permute(self, tensor_shape.shape_arg(dims))

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (the transpose of a matrix)."""
        return tensor_shape.permute(self, tuple(reversed(range(self.ndim))))

    def __getitem__(self, index: Index) -> Tensor:
        return tensor_shape.getitem(self, index)

    # ---- backprop ----------------------------------------------------------------------------

    def backward(self, grad: Tensor | ArrayLike | None = None) -> None:
        """Fill in ``.grad`` of every leaf this tensor depends on (dL/dleaf, L = this tensor
        weighted by `grad`; `grad` may be omitted for a one-element tensor)."""
        if not self.requires_grad:
            raise RuntimeError("this tensor does not require grad: no leaf had requires_grad=True")
        deque(backward_steps(self, seed=grad), maxlen=0)

    # ---- the autodiff protocol (gradlab.engine.autodiff.GraphNode) -----------------------------

    def _recorded_value(self) -> Array:
        value = self.data.copy()
        value.setflags(write=False)
        return value

    def _reset_grad(self) -> None:
        self.grad = None

    def _seed_grad(self, seed: Any) -> None:
        if seed is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a grad needs a one-element tensor, got shape {self.shape}"
                )
            grad = np.ones(self.shape, self.data.dtype)
        else:
            grad = np.array(seed.data if isinstance(seed, Tensor) else seed, self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"grad has shape {grad.shape}, the tensor has shape {self.shape}")
        grad.setflags(write=False)
        self.grad = grad

    def _current_grad(self) -> Array:
        return np.zeros_like(self.data) if self.grad is None else self.grad

    def _edge_grads(self) -> Sequence[tuple[None, Array | None]]:
        upstream = self._current_grad()
        edges: list[tuple[None, Array | None]] = []
        for parent, vjp in zip(self.parents, self._vjps, strict=True):
            if not parent.requires_grad:
                edges.append((None, None))
                continue
            contribution = np.asarray(vjp(upstream))
            if contribution.shape != parent.data.shape:
                contribution = tensor_shape.unbroadcast(contribution, parent.data.shape)
            if contribution.dtype != parent.data.dtype:
                contribution = contribution.astype(parent.data.dtype)
            contribution.setflags(write=False)
            edges.append((None, contribution))
        return edges

    def _send(self, index: Mapping[Any, int]) -> tuple[EdgeGrad[Array], ...]:
        return send_edges(self, index)

    def _accumulate(self, contribution: Array) -> Array:
        if self.grad is None:
            self.grad = contribution
        else:
            grad = np.asarray(self.grad + contribution)
            grad.setflags(write=False)
            self.grad = grad
        return self.grad


def _as_float_array(data: ArrayLike, dtype: DTypeLike | None) -> Array:
    """A float array: `dtype` if given, else a float ndarray's own dtype, else float64."""
    if dtype is None:
        dtype = (
            data.dtype if isinstance(data, np.ndarray) and data.dtype.kind == "f" else np.float64
        )
    return np.asarray(data, dtype=_float_dtype(dtype))


def _float_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    target = np.dtype(dtype)
    if target.kind != "f":
        raise ValueError(f"a Tensor holds floats (float32 or float64), not dtype {target}")
    return target
