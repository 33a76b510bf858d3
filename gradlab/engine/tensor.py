"""`Tensor`: an ndarray that remembers how it was computed, with PyTorch's names.

The ops are pure functions on arrays (`gradlab.engine.tensor_math`, `gradlab.engine.tensor_shape`,
and `gradlab.nn.functional`), each returning its result and one vector-Jacobian product (VJP): a
function taking the upstream grad dL/dout to every parent's share dL/dparent (the contract:
`gradlab.engine.vjp`). ``x * y`` is ``Tensor.apply(Op.MUL, tensor_math.mul, x, y)``: `apply`
(from `gradlab.engine.tensor_node`, the graph side of a Tensor) runs the op on the parents' arrays
and keeps the VJP; none of the op modules imports this one. Backprop is the same loop as for
`Value` (`gradlab.engine.autodiff.backward_steps`).

Leaves keep accumulating grads across ``backward()`` calls; clear them with ``t.grad = None``.
Results keep their input's dtype: float64 by default, float32 on request (Python numbers never
upcast a float32 tensor).
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, SupportsFloat, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from gradlab import _display
from gradlab.engine import kernels, tensor_math, tensor_shape
from gradlab.engine.autodiff import backward_steps
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.tensor_node import ArrayOp, TensorNode
from gradlab.engine.trace import Array

Operand: TypeAlias = "Tensor | ArrayLike"
Index = Any
"""What ``t[...]`` accepts: ints, slices, None, Ellipsis, integer arrays/lists/Tensors, tuples."""


def _binary(
    op: Op, compute: ArrayOp, *, reflected: bool = False
) -> Callable[[Tensor, Operand], Tensor]:
    """The operator ``t <op> other`` (or, `reflected`, ``other <op> t``) applying `compute`."""
    if reflected:
        return lambda t, other: Tensor.apply(op, compute, lift(t, other), t)
    return lambda t, other: Tensor.apply(op, compute, t, lift(t, other))


def _unary(op: Op, compute: ArrayOp) -> Callable[[Tensor], Tensor]:
    """The method ``t.<op>()`` applying `compute`."""
    return lambda t: Tensor.apply(op, compute, t)


class Tensor(TensorNode):
    """An n-d array node: ``Tensor([[1.0, 2.0]], requires_grad=True, label="x")``.

    A float ndarray of the requested dtype is shared, not copied (like ``torch.from_numpy``).
    """

    __slots__ = ()

    # Let NumPy defer to Tensor's reflected operators (ndarray + Tensor -> Tensor.__radd__).
    __array_ufunc__ = None

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
        self._vjp = None

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
        """This tensor in another float dtype; the grad flows back in the original dtype. As
        PyTorch's ``.to(device)``, ``.to("cpu")`` is the tensor itself: gradlab has no other."""
        if isinstance(dtype, str) and dtype in _DEVICES:
            return self
        if isinstance(dtype, str) and dtype.split(":")[0] in ("cuda", "mps", "xpu", "meta"):
            raise RuntimeError(
                f"gradlab computes on the CPU with NumPy: there is no {dtype!r} device; "
                "leave .to(...) out, or use .to('cpu')"
            )
        target = _float_dtype(dtype)
        if target == self.data.dtype:
            return self
        return Tensor.apply(Op.CAST, tensor_math.cast, self, dtype=target)

    def _repr_svg_(self) -> str | None:
        """The graph that computed this tensor, drawn for a notebook (`gradlab._display`)."""
        return _display.svg(self)

    def __repr__(self) -> str:
        extras = ", requires_grad=True" if self.requires_grad else ""
        extras += f", label={self.label!r}" if self.label else ""
        extras += "" if self.data.dtype == np.float64 else f", dtype={self.data.dtype}"
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        return f"Tensor({body}{extras})"

    # ---- arithmetic and elementwise functions (gradlab.engine.tensor_math) --------------------

    __add__ = _binary(Op.ADD, tensor_math.add)
    __sub__ = _binary(Op.SUB, tensor_math.sub)
    __mul__ = _binary(Op.MUL, tensor_math.mul)
    __truediv__ = _binary(Op.DIV, tensor_math.truediv)
    __radd__ = _binary(Op.ADD, tensor_math.add, reflected=True)
    __rsub__ = _binary(Op.SUB, tensor_math.sub, reflected=True)
    __rmul__ = _binary(Op.MUL, tensor_math.mul, reflected=True)
    __rtruediv__ = _binary(Op.DIV, tensor_math.truediv, reflected=True)
    __neg__ = _unary(Op.NEG, tensor_math.neg)
    exp = _unary(Op.EXP, tensor_math.exp)
    log = _unary(Op.LOG, tensor_math.log)
    tanh = _unary(Op.TANH, tensor_math.tanh)
    sigmoid = _unary(Op.SIGMOID, tensor_math.sigmoid)
    abs = _unary(Op.ABS, tensor_math.absolute)

    def __matmul__(self, other: Operand) -> Tensor:
        return _matmul(self, lift(self, other))

    def __rmatmul__(self, other: Operand) -> Tensor:
        return _matmul(lift(self, other), self)

    def __pow__(self, exponent: SupportsFloat) -> Tensor:
        if isinstance(exponent, Tensor):
            raise TypeError("only number exponents are supported: write (y * x.log()).exp()")
        n = builtins.float(exponent)
        return Tensor.apply(Op.POW, tensor_math.power, self, n=n, arg=n)

    def relu(self) -> Tensor:
        # big arrays take the same op split over two threads (`gradlab.engine.kernels`)
        big = kernels.large(self.data.size)
        return Tensor.apply(Op.RELU, kernels.relu if big else tensor_math.relu, self)

    def sqrt(self) -> Tensor:
        # drawn as x^0.5
        return Tensor.apply(Op.POW, tensor_math.sqrt, self, arg=0.5)

    def clamp(self, min: builtins.float | None = None, max: builtins.float | None = None) -> Tensor:
        if min is None and max is None:
            raise ValueError("clamp needs at least one of min and max")
        return Tensor.apply(Op.CLAMP, tensor_math.clamp, self, low=min, high=max)

    # ---- reductions and shape (gradlab.engine.tensor_shape) ----------------------------------

    def sum(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return Tensor.apply(Op.SUM, tensor_shape.reduce_sum, self, dim=dim, keepdim=keepdim)

    def mean(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return Tensor.apply(Op.MEAN, tensor_shape.reduce_mean, self, dim=dim, keepdim=keepdim)

    def max(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """The largest entry (grad split evenly over ties), or along `dim` (grad to the first
        argmax). Both as PyTorch; unlike ``torch.max(dim)`` this returns the values only."""
        return Tensor.apply(Op.MAX, tensor_shape.reduce_max, self, dim=dim, keepdim=keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Array:
        """Indices of the largest entries (an integer array; not differentiable)."""
        return np.asarray(np.argmax(self.data, axis=dim, keepdims=keepdim))

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        return self._reshaped(tensor_shape.shape_arg(shape))

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        return self._reshaped(tensor_shape.shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return self._reshaped(tensor_shape.flattened(self.shape, start_dim, end_dim))

    def _reshaped(self, shape: tuple[int, ...]) -> Tensor:
        return Tensor.apply(Op.RESHAPE, tensor_shape.reshape, self, shape=shape)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        dims = list(range(self.ndim))
        d0, d1 = tensor_shape.axis(dim0, self.ndim), tensor_shape.axis(dim1, self.ndim)
        dims[d0], dims[d1] = dims[d1], dims[d0]
        return self._permuted(tuple(dims))

    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        return self._permuted(tensor_shape.shape_arg(dims))

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (the transpose of a matrix)."""
        return self._permuted(tuple(reversed(range(self.ndim))))

    def _permuted(self, dims: tuple[int, ...]) -> Tensor:
        return Tensor.apply(Op.TRANSPOSE, tensor_shape.permute, self, dims=dims)

    def __getitem__(self, index: Index) -> Tensor:
        return Tensor.apply(Op.INDEX, tensor_shape.getitem, self, index=_plain_index(index))

    # ---- backprop ----------------------------------------------------------------------------

    def backward(self, grad: Tensor | ArrayLike | None = None) -> None:
        """Fill in ``.grad`` of every leaf this tensor depends on (dL/dleaf, L = this tensor
        weighted by `grad`; `grad` may be omitted for a one-element tensor)."""
        if not self.requires_grad:
            raise RuntimeError("this tensor does not require grad: no leaf had requires_grad=True")
        deque(backward_steps(self, seed=grad), maxlen=0)


_DEVICES = ("cpu",)
"""The devices ``Tensor.to`` accepts, as PyTorch names them: gradlab computes on the CPU only."""


def lift(t: Tensor, other: Operand) -> Tensor:
    """Numbers and arrays mixed into arithmetic with `t` become constant leaves in its dtype."""
    if isinstance(other, Tensor):
        return other
    if isinstance(other, int | builtins.float):
        number = builtins.float(other)
        return Tensor(np.asarray(number, t.data.dtype), label=format_number(number))
    return Tensor(other, dtype=t.data.dtype)


def grads_needed(*tensors: Tensor) -> tuple[bool, ...]:
    """Which of `tensors` need a grad: the ``needs`` of ops whose grads cost real work."""
    return tuple(t.requires_grad for t in tensors)


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    return Tensor.apply(Op.MATMUL, tensor_shape.matmul, a, b, needs=grads_needed(a, b))


def _plain_index(index: Index) -> Any:
    """`index` with every Tensor in it replaced by its array (of indices)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    return index.data if isinstance(index, Tensor) else index


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
