"""The sliding-window geometry: which input cells each output cell of a conv or pool reads.

One place for the arithmetic shared by `conv2d`, the pools and the conv view of the GUI:

- `output_size(n, k, s, p, d)` = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1, validated;
- `Window2d`: kernel, stride, padding and dilation as (rows, cols) pairs;
- `windows(h, w, geometry)`: for each output cell, the input cells it reads, one by one (for
  people and tests);
- `patches(x_padded, geometry)`: the same windows as one strided view (for the math), and
  `fold(...)` / `fold_offsets(...)`, its adjoint, which add window grads back onto the padded
  input (conv2d's reference uses these; its fast kernel the row layout of `gradlab.nn.row_layout`).

Coordinates: `windows()` speaks in UNPADDED input coordinates, so a padding cell has a row or
column outside 0..h−1 (e.g. −1) and is flagged `padding=True`. `patches()` and `fold()` work on the
PADDED array (`pad()` adds the border), where cell (r, c) sits at (r + pad_h, c + pad_w).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import DTypeLike

from gradlab.engine.trace import Array

IntPair = int | Sequence[int]
"""An int used for both axes, or a (rows, cols) pair, as PyTorch accepts."""


def pair(value: IntPair, name: str) -> tuple[int, int]:
    """`value` as a (rows, cols) pair; ValueError naming `name` if it is neither int nor pair."""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    items = tuple(value)
    if len(items) != 2 or not all(isinstance(v, int | np.integer) for v in items):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(items[0]), int(items[1])


def output_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Output length along one axis: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.

    n input length, k kernel_size, s stride, p padding, d dilation. The kernel's span d(k − 1) + 1
    must fit inside the padded input n + 2p.
    """
    if n < 1:
        raise ValueError(f"input size must be at least 1, got {n}")
    if k < 1:
        raise ValueError(f"kernel_size must be at least 1, got {k}")
    if s < 1:
        raise ValueError(f"stride must be at least 1, got {s}")
    if p < 0:
        raise ValueError(f"padding must not be negative, got {p}")
    if d < 1:
        raise ValueError(f"dilation must be at least 1, got {d}")
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(
            f"kernel_size {k} (dilation {d}, span {span}) is larger than the padded input "
            f"{n} + 2·{p} = {n + 2 * p}"
        )
    return (n + 2 * p - span) // s + 1


@dataclass(frozen=True)
class Window2d:
    """Kernel, stride, padding and dilation of a 2-d sliding window, each a (rows, cols) pair."""

    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)

    @classmethod
    def of(
        cls,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        dilation: IntPair = 1,
    ) -> Window2d:
        """From PyTorch-style arguments (ints or pairs); stride None means stride = kernel_size."""
        kernel = pair(kernel_size, "kernel_size")
        geometry = cls(
            kernel,
            kernel if stride is None else pair(stride, "stride"),
            pair(padding, "padding"),
            pair(dilation, "dilation"),
        )
        for name, values, low in (
            ("kernel_size", geometry.kernel, 1),
            ("stride", geometry.stride, 1),
            ("padding", geometry.padding, 0),
            ("dilation", geometry.dilation, 1),
        ):
            if min(values) < low:
                raise ValueError(f"{name} must be at least {low}, got {values}")
        return geometry

    @property
    def span(self) -> tuple[int, int]:
        """How many input rows and columns one window covers: d(k − 1) + 1."""
        return (
            self.dilation[0] * (self.kernel[0] - 1) + 1,
            self.dilation[1] * (self.kernel[1] - 1) + 1,
        )

    def output_shape(self, h: int, w: int) -> tuple[int, int]:
        """(rows, cols) of the output for an h × w input; ValueError naming the axis if none."""
        sizes = []
        for axis, n in (("height", h), ("width", w)):
            i = 0 if axis == "height" else 1
            k, s, p, d = self.kernel[i], self.stride[i], self.padding[i], self.dilation[i]
            try:
                sizes.append(output_size(n, k, s, p, d))
            except ValueError as err:
                raise ValueError(f"input {axis} {n}: {err}") from None
        return sizes[0], sizes[1]


@dataclass(frozen=True)
class Cell:
    """One input cell read by a window, in unpadded coordinates (padding cells lie outside)."""

    row: int
    col: int
    kernel_row: int
    kernel_col: int
    padding: bool


@dataclass(frozen=True)
class Window:
    """Output cell (row, col) and the input cells it reads, in kernel order (row-major)."""

    row: int
    col: int
    cells: tuple[Cell, ...]


def windows(h: int, w: int, geometry: Window2d) -> Iterator[Window]:
    """Every output cell of an h × w input, row-major, with the cells its window reads."""
    out_h, out_w = geometry.output_shape(h, w)
    for i in range(out_h):
        for j in range(out_w):
            yield window(h, w, geometry, i, j)


def window(h: int, w: int, geometry: Window2d, row: int, col: int) -> Window:
    """The window of output cell (row, col) of an h × w input, its cells in kernel order."""
    (kh, kw), (sh, sw) = geometry.kernel, geometry.stride
    (ph, pw), (dh, dw) = geometry.padding, geometry.dilation
    cells = []
    for a in range(kh):
        for b in range(kw):
            r, c = row * sh - ph + a * dh, col * sw - pw + b * dw
            cells.append(Cell(r, c, a, b, not (0 <= r < h and 0 <= c < w)))
    return Window(row, col, tuple(cells))


def pad(x: Array, geometry: Window2d, value: float = 0.0) -> Array:
    """`x` with `geometry.padding` cells of `value` around its last two axes."""
    ph, pw = geometry.padding
    if ph == 0 and pw == 0:
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths, constant_values=value)


def unpad(x_padded: Array, geometry: Window2d) -> Array:
    """The inverse of `pad`: the interior of the last two axes (a view)."""
    ph, pw = geometry.padding
    h, w = x_padded.shape[-2] - 2 * ph, x_padded.shape[-1] - 2 * pw
    return x_padded[..., ph : ph + h, pw : pw + w]


def patches(x_padded: Array, geometry: Window2d) -> Array:
    """All windows of an already padded (..., H, W) array as a read-only view (..., oh, ow, kh, kw).

    ``patches(xp, g)[..., i, j, a, b] == xp[..., i·sh + a·dh, j·sw + b·dw]``: no copy is made.
    """
    *lead, h, w = x_padded.shape
    unpadded = Window2d(geometry.kernel, geometry.stride, (0, 0), geometry.dilation)
    out_h, out_w = unpadded.output_shape(h, w)
    *lead_strides, row, col = x_padded.strides
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    return as_strided(
        x_padded,
        shape=(*lead, out_h, out_w, *geometry.kernel),
        strides=(*lead_strides, row * sh, col * sw, row * dh, col * dw),
        writeable=False,
    )


def fold(grad_patches: Array, geometry: Window2d, padded_shape: Sequence[int]) -> Array:
    """The adjoint of `patches`: add every window's grad onto the padded input it was read from.

    `grad_patches` has the shape of ``patches(x_padded, geometry)``: (..., oh, ow, kh, kw).
    """

    def grad_at(a: int, b: int) -> Array:
        return grad_patches[..., a, b]

    return fold_offsets(grad_at, geometry, padded_shape, grad_patches.dtype)


def fold_offsets(
    grad_at: Callable[[int, int], Array],
    geometry: Window2d,
    padded_shape: Sequence[int],
    dtype: DTypeLike,
) -> Array:
    """`fold` with the window grads supplied per kernel offset, so they never coexist in memory.

    ``grad_at(a, b)`` is the (..., oh, ow) grad of cell (a, b) of every window; it is called once
    per offset in row-major order. One strided add per offset (kh·kw in all), never a loop over
    pixels; a plain copy when windows do not overlap (stride ≥ span, as in most pools).
    """
    *_, height, width = padded_shape
    unpadded = Window2d(geometry.kernel, geometry.stride, (0, 0), geometry.dilation)
    out_h, out_w = unpadded.output_shape(height, width)
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    span_h, span_w = geometry.span
    overlapping = sh < span_h or sw < span_w
    out = np.zeros(tuple(padded_shape), dtype=dtype)
    for a in range(kh):
        rows = slice(a * dh, a * dh + sh * (out_h - 1) + 1, sh)
        for b in range(kw):
            cols = slice(b * dw, b * dw + sw * (out_w - 1) + 1, sw)
            if overlapping:
                out[..., rows, cols] += grad_at(a, b)
            else:
                out[..., rows, cols] = grad_at(a, b)
    return out
