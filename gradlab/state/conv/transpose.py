"""The transposed convolution read as an ordinary one: the input stretched, padded, convolved.

`conv_transpose2d(x, W)` with stride s, padding p, dilation d and output_padding a equals a stride-1
convolution (dilation d) of the input stretched with s − 1 zeros between its cells, padded with
d(k − 1) − p zeros on each side (a more at the bottom and right; a negative amount cuts cells off)
and convolved with the kernel turned 180°. The conv lab slides its window over that stretched
array, so every product it lists is a real product of the sum, while the output itself comes from
`F.conv_transpose2d`. `adjoint_gap` measures that the same numbers are the input gradient of the
forward convolution.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from gradlab.engine import Tensor
from gradlab.engine.trace import Array
from gradlab.nn import functional as F
from gradlab.nn.windows import Window2d


def transposed_weight(weight: Array) -> Array:
    """The (C, O, kh, kw) weight of the transposed convolution from the lab's (O, C, kh, kw)
    forward kernels: the very kernels of the forward convolution, read the other way."""
    return np.ascontiguousarray(weight.transpose(1, 0, 2, 3))


def stretch(
    x: Array, kernel: tuple[int, int], stride: int, padding: int, dilation: int, extra: int
) -> tuple[Array, NDArray[np.bool_]]:
    """(Z, inserted): the (1, C, H′, W′) stretched and padded input the flipped kernel slides
    over, and a (H′, W′) mask that is True on the cells that are not input cells (inserted zeros
    and padding)."""
    _, channels, h, w = x.shape
    edge_h, edge_w = dilation * (kernel[0] - 1), dilation * (kernel[1] - 1)
    full_h = 2 * edge_h + (h - 1) * stride + 1 + extra
    full_w = 2 * edge_w + (w - 1) * stride + 1 + extra
    full = np.zeros((1, channels, full_h, full_w), dtype=np.float64)
    inserted = np.ones((full_h, full_w), dtype=bool)
    rows = slice(edge_h, edge_h + (h - 1) * stride + 1, stride)
    cols = slice(edge_w, edge_w + (w - 1) * stride + 1, stride)
    full[..., rows, cols] = x
    inserted[rows, cols] = False
    # padding p takes p cells off each side of the fully padded array
    crop = (slice(padding, full_h - padding), slice(padding, full_w - padding))
    stretched = np.ascontiguousarray(full[..., crop[0], crop[1]])
    mask: NDArray[np.bool_] = np.ascontiguousarray(inserted[crop])
    stretched.setflags(write=False)
    mask.setflags(write=False)
    return stretched, mask


def transposed_output(
    x: Array, weight: Array, bias: float, stride: int, padding: int, dilation: int, extra: int
) -> Array:
    """F.conv_transpose2d of the lab's input with its kernels: (O, oh, ow)."""
    out = F.conv_transpose2d(
        Tensor(x),
        Tensor(transposed_weight(weight)),
        Tensor(np.full(weight.shape[0], bias)),
        stride=stride,
        padding=padding,
        output_padding=extra,
        dilation=dilation,
    )
    result: Array = out.data[0]
    return result


def adjoint_gap(
    x: Array, weight: Array, output: Array, stride: int, padding: int, dilation: int, bias: float
) -> float:
    """The largest difference between the transposed convolution's output (less its bias) and
    dL/dX of the forward convolution conv2d(X, W) (same kernels, stride, padding and dilation) on
    an X of the output's size, for the upstream gradient dL/dY = the lab's input."""
    moved = Tensor(np.zeros((1, *output.shape)), requires_grad=True)
    y = F.conv2d(moved, Tensor(transposed_weight(weight)), None, stride, padding, dilation)
    geometry = Window2d.of(weight.shape[-2:], stride, padding, dilation)
    if y.shape != x.shape or geometry.output_shape(*output.shape[-2:]) != x.shape[-2:]:
        # a larger output_padding (allowed by a larger dilation) maps onto one more cell
        return float("nan")
    y.backward(x)
    grad = moved.grad
    if grad is None:
        return float("nan")
    return float(np.abs(output - bias - np.asarray(grad)[0]).max())


def transposed_formula_lines(
    n: tuple[int, int], k: tuple[int, int], s: int, p: int, d: int, output_padding: int
) -> tuple[str, ...]:
    """The transposed convolution's output size per axis with the numbers filled in, and how the
    stretched, padded input gives it."""
    lines = ["output size per axis: (n − 1)·s − 2p + d(k − 1) + output_padding + 1"]
    for axis, size, kernel in (("rows", n[0], k[0]), ("cols", n[1], k[1])):
        filled = f"({size} − 1)·{s} − 2·{p} + {d}·({kernel} − 1) + {output_padding} + 1"
        result = (size - 1) * s - 2 * p + d * (kernel - 1) + output_padding + 1
        shown = f"{result}" if result >= 1 else f"{result}: nothing is left"
        lines.append(f"{axis}: {filled} = {shown}")
    edge = d * (k[0] - 1) - p
    stretched = (n[0] - 1) * s + 1
    zeros = f"{s - 1} zero{'' if s == 2 else 's'} between input cells"
    border = (
        f"d(k − 1) − p = {edge} rows of zero padding on each side"
        if edge >= 0
        else f"p − d(k − 1) = {-edge} rows cut off each side"
    )
    extra = f" and {output_padding} more at the end" if output_padding else ""
    lines.append(
        f"read as a convolution: {zeros} ({n[0]} rows stretch to (n − 1)·s + 1 = {stretched}), "
        f"{border}{extra}, then the kernel turned 180° slides with stride 1"
    )
    return tuple(lines)
