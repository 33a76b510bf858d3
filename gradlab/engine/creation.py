"""Making tensors the PyTorch way: `tensor`, `zeros`, `ones`, `rand`, `randn`, `arange`, and the
function form of `flatten`; `gradlab` exports them all.

New tensors are float32 by default, PyTorch's default dtype (gradlab's `Tensor(...)` constructor
keeps float64, for gradient checks); a float array passed to `tensor` keeps its own dtype, as
``torch.tensor`` keeps it. gradlab tensors hold floats only: where PyTorch would make an integer
tensor (``tensor([3, 1])``, ``arange(5)``), gradlab makes a float one holding the same whole
numbers (exact up to 2²⁴ in float32), which its losses accept as class labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from gradlab.engine.seeding import default_generator
from gradlab.engine.tensor import Tensor
from gradlab.engine.tensor_shape import shape_arg

DEFAULT_DTYPE = np.dtype(np.float32)
"""PyTorch's default dtype, used wherever no dtype is given or implied by float data."""

Size = int | Sequence[int]


def tensor(
    data: Tensor | ArrayLike, *, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """A new tensor holding a copy of `data` (numbers, nested lists, an array, a tensor)."""
    given = data.data if isinstance(data, Tensor) else data
    if dtype is None:
        # a float array keeps its dtype; Python numbers and integer data take the default
        floats = isinstance(given, np.ndarray | np.generic) and given.dtype.kind == "f"
        dtype = given.dtype if floats else DEFAULT_DTYPE  # type: ignore[union-attr]
    return Tensor(np.array(given, dtype=_float(dtype)), requires_grad=requires_grad)


def zeros(*size: Size, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return _filled(np.zeros, size, dtype, requires_grad)


def ones(*size: Size, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return _filled(np.ones, size, dtype, requires_grad)


def rand(
    *size: Size,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform on [0, 1), from `generator` or the default one (`gradlab.manual_seed`)."""
    numbers = (generator or default_generator()).random(shape_arg(size))
    return Tensor(numbers.astype(_float(dtype)), requires_grad=requires_grad)


def randn(
    *size: Size,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal, from `generator` or the default one (`gradlab.manual_seed`)."""
    numbers = (generator or default_generator()).standard_normal(shape_arg(size))
    return Tensor(numbers.astype(_float(dtype)), requires_grad=requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """start, start + step, ... up to but not including `end`; ``arange(n)`` is 0..n−1."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    return Tensor(np.arange(start, end, step, dtype=_float(dtype)), requires_grad=requires_grad)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """``input.flatten(start_dim, end_dim)``, as ``torch.flatten``."""
    return input.flatten(start_dim, end_dim)


def _filled(
    fill: Any, size: tuple[Size, ...], dtype: DTypeLike | None, requires_grad: bool
) -> Tensor:
    return Tensor(fill(shape_arg(size), dtype=_float(dtype)), requires_grad=requires_grad)


def _float(dtype: DTypeLike | None) -> np.dtype[Any]:
    """`dtype` (default float32) if it is a float type; else PyTorch's words for why not."""
    target = DEFAULT_DTYPE if dtype is None else np.dtype(dtype)
    if target.kind != "f":
        raise TypeError(
            f"gradlab tensors hold floats (float32 or float64), so dtype={target} (an integer or "
            "bool tensor in PyTorch) is not available; class labels can be a float tensor of "
            "whole numbers, which gradlab's losses accept"
        )
    return target
