"""The row layout conv2d's fast kernel computes in: every window offset as ONE contiguous run.

In `patches` an output row reads ow short pieces of input rows, and an im2col copy or a fold
moves oh·ow short runs per image and channel. Here the input is stored as rows of `row` cells
(the input's columns first, zeros after) with no padding columns: output row i, kernel offset
(a, b) reads the flat run that starts at row i·sh + a·dh, column b·dw − pw, so with stride 1 all
oh·L reads of one offset are consecutive cells (L = row/sw output positions per row). Reads
whose column falls outside 0..w−1 land on the neighbouring row instead of on padding: `wrapped`
lists those (offset, output columns) so callers zero them, which is what the padding would have
contributed. Output columns j ≥ ow, if any, are junk that callers drop or weight by zero.

For a "same" convolution (ow = w, as in the lessons' CNNs) there is no junk at all, so the
result is already in NCHW order up to one transpose of long runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from gradlab.engine.trace import Array
from gradlab.nn.windows import Window2d


@dataclass(frozen=True)
class RowLayout:
    """Where an h × w input and its windows sit in the row layout of `geometry`."""

    geometry: Window2d
    height: int
    width: int
    out_h: int
    out_w: int
    row: int
    """Cells per stored row: at least the input width and ow·sw, a multiple of sw."""
    top: int
    """Zero guard rows above the padded input, for reads left of column 0 in its first row."""
    rows: int
    """Stored rows: guard, vertical padding, the input, padding, guard."""

    @classmethod
    def of(cls, h: int, w: int, geometry: Window2d) -> RowLayout:
        out_h, out_w = geometry.output_shape(h, w)
        (ph, pw), sw = geometry.padding, geometry.stride[1]
        row = -(-max(w, out_w * sw) // sw) * sw
        # the first read starts pw cells before the first row; the last ends (kw − 1)·dw − pw
        # cells past the last row (see `patches`)
        top = -(-pw // row)
        bottom = -(-max(0, geometry.span[1] - 1 - pw) // row)
        return cls(geometry, h, w, out_h, out_w, row, top, top + h + 2 * ph + bottom)

    @property
    def length(self) -> int:
        """Output positions per output row, L = row/sw; the first out_w are real."""
        return self.row // self.geometry.stride[1]

    def pad(self, x: Array) -> Array:
        """`x` (..., h, w) stored in the layout, zeros elsewhere."""
        out = np.zeros((*x.shape[:-2], self.rows, self.row), dtype=x.dtype)
        first = self.top + self.geometry.padding[0]
        out[..., first : first + self.height, : self.width] = x
        return out

    def crop(self, x_rows: Array) -> Array:
        """The inverse of `pad`: the input's cells (a view)."""
        first = self.top + self.geometry.padding[0]
        return x_rows[..., first : first + self.height, : self.width]

    def patches(self, x_rows: Array) -> Array:
        """All windows as a read-only view (..., kh, kw, oh, L) of a `pad`ded array.

        ``[..., a, b, i, j]`` is input cell (i·sh + a·dh − ph, j·sw + b·dw − pw) for j < ow,
        except at the `wrapped` positions, which hold a neighbouring row's cell.
        """
        *lead, _, _ = x_rows.shape
        *lead_strides, row_stride, col = x_rows.strides
        (sh, sw), (dh, dw) = self.geometry.stride, self.geometry.dilation
        return as_strided(
            self._flat(x_rows)[..., self._start :],
            shape=(*lead, *self.geometry.kernel, self.out_h, self.length),
            strides=(*lead_strides, row_stride * dh, col * dw, row_stride * sh, col * sw),
            writeable=False,
        )

    def wrapped(self) -> Iterator[tuple[int, slice]]:
        """(b, output columns j < ow) whose read at kernel column b falls outside the input's
        columns: padding in the real convolution, a neighbouring row's cell here."""
        sw, dw, pw = self.geometry.stride[1], self.geometry.dilation[1], self.geometry.padding[1]
        for b in range(self.geometry.kernel[1]):
            shift = b * dw - pw
            first = -(shift // sw)  # the smallest j with j·sw + shift ≥ 0
            end = (self.width - 1 - shift) // sw + 1  # past the largest j with j·sw + shift < w
            if first > 0:
                yield b, slice(0, min(first, self.out_w))
            if end < self.out_w:
                yield b, slice(max(end, 0), self.out_w)

    def fold(self, grad_rows: Array) -> Array:
        """The adjoint of `patches`: add each window's grad onto the cell it read.

        `grad_rows` (..., kh, kw, oh, L) must be zero at the `wrapped` positions. One add per
        kernel offset over the same long runs `patches` reads.
        """
        *lead, kh, kw, _, _ = grad_rows.shape
        out = np.zeros((*lead, self.rows, self.row), dtype=grad_rows.dtype)
        cells = self._flat(out)
        *lead_strides, row_stride, col = out.strides
        (sh, sw), (dh, dw) = self.geometry.stride, self.geometry.dilation
        span = self.out_h * self.length
        for a in range(kh):
            for b in range(kw):
                start = self._start + a * dh * self.row + b * dw
                if (sh, sw) == (1, 1):
                    # all oh·L reads of one offset are consecutive cells: a plain slice
                    target = cells[..., start : start + span].reshape(*lead, self.out_h, -1)
                else:
                    target = as_strided(
                        cells[..., start:],
                        shape=(*lead, self.out_h, self.length),
                        strides=(*lead_strides, row_stride * sh, col * sw),
                    )
                target += grad_rows[..., a, b, :, :]
        return out

    @property
    def _start(self) -> int:
        """Flat index of the first window's first read: the top guard, minus pw cells."""
        return self.top * self.row - self.geometry.padding[1]

    def _flat(self, x_rows: Array) -> Array:
        return x_rows.reshape(*x_rows.shape[:-2], self.rows * self.row)
