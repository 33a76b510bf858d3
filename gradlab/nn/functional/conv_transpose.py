"""conv_transpose2d: the adjoint of conv2d, one graph node on NCHW tensors.

Where conv2d gathers each output cell from a window of the input, the transposed convolution
scatters each input cell over a window of the output: input cell (i, j) adds x[n, c, i, j]·w[c, o]
to the output cells (i·s + a·d − p, j·s + b·d − p) for every kernel offset (a, b). That is exactly
the gradient conv2d sends back to its input, so conv_transpose2d(g, w) is dL/dX of
conv2d(X, w) for the upstream gradient g (tests check it). Read as a convolution, it is the
input stretched with s − 1 zeros between its cells, padded by d(k − 1) − p on each side (plus
output_padding at the bottom and right), then convolved with the kernel turned 180°.

PyTorch's names and arguments; the weight is (C_in, C_out/groups, kh, kw), as torch stores it.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import Op, Tensor
from gradlab.engine.tensor import grads_needed
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP, Needs
from gradlab.nn.windows import IntPair, pair


def transposed_output_size(
    n: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0
) -> int:
    """Output length along one axis: (n − 1)·s − 2p + d(k − 1) + output_padding + 1.

    The inverse of conv2d's ⌊(m + 2p − d(k − 1) − 1)/s⌋ + 1: the m a conv2d of the same geometry
    maps onto n (output_padding picks among the s sizes that all map onto n).
    """
    for name, value, low in (("input size", n, 1), ("kernel_size", k, 1), ("stride", s, 1)):
        if value < low:
            raise ValueError(f"{name} must be at least {low}, got {value}")
    if d < 1:
        raise ValueError(f"dilation must be at least 1, got {d}")
    if p < 0:
        raise ValueError(f"padding must not be negative, got {p}")
    if not 0 <= output_padding < max(s, d):
        raise ValueError(
            f"output_padding {output_padding} must be at least 0 and smaller than the stride "
            f"{s} or the dilation {d}"
        )
    size = (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1
    if size < 1:
        raise ValueError(
            f"padding {p} crops everything: (n − 1)·s − 2p + d(k − 1) + output_padding + 1 = "
            f"({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {output_padding} + 1 = {size}"
        )
    return size


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    groups: int = 1,
    dilation: IntPair = 1,
) -> Tensor:
    """Transposed convolution of an (N, C_in, H, W) input with (C_in, C_out/groups, kh, kw)
    kernels, + bias (C_out,); see the module docstring.

    out[n, g·C′ + o, i·s + a·d − p, j·s + b·d − p] += x[n, c, i, j] · w[c, o, a, b]
    for c in group g (C′ = C_out/groups), then + b.
    """
    geometry = _geometry(
        input.data, weight.data, bias, stride, padding, output_padding, groups, dilation
    )
    parents = (input, weight) if bias is None else (input, weight, bias)
    return Tensor.apply(
        Op.CONV_TRANSPOSE2D,
        conv_transpose2d_reference,
        *parents,
        geometry=geometry,
        groups=groups,
        needs=grads_needed(*parents),
    )


Geometry = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]
"""(stride, padding, output_padding, dilation), each a (rows, cols) pair."""


def conv_transpose2d_reference(
    x: Array,
    w: Array,
    b: Array | None = None,
    *,
    geometry: Geometry,
    groups: int,
    needs: Needs = (True, True, True),
) -> tuple[Array, VJP]:
    """conv_transpose2d on arrays, one kernel offset at a time; grads where `needs` says."""
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = geometry
    n, c, h, width = x.shape
    kh, kw = w.shape[2:]
    o = w.shape[1] * groups
    # the uncropped output: every cell any input cell reaches, and output_padding beyond it
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (width - 1) * sw + dw * (kw - 1) + 1 + opw
    # padding p crops p cells off each side
    out_h, out_w = full_h - 2 * ph, full_w - 2 * pw
    ins, outs = c // groups, o // groups
    group = [
        (slice(k * ins, (k + 1) * ins), slice(k * outs, (k + 1) * outs)) for k in range(groups)
    ]

    def offsets() -> list[tuple[int, int, slice, slice]]:
        """Each kernel offset (a, b) and the output cells it reaches, one per input cell."""
        return [
            (
                a,
                bb,
                slice(a * dh, a * dh + sh * (h - 1) + 1, sh),
                slice(bb * dw, bb * dw + sw * (width - 1) + 1, sw),
            )
            for a in range(kh)
            for bb in range(kw)
        ]

    # each group's input as (N, C′, H·W): one matrix product per kernel offset
    flat = [x[:, cin].reshape(n, ins, h * width) for cin, _ in group]
    full = np.zeros((n, o, full_h, full_w), np.result_type(x, w))
    for (cin, cout), x_flat in zip(group, flat, strict=True):
        for a, bb, rows, cols in offsets():
            # input cell (i, j) scatters x·w[c, o, a, b] to cell (i·s + a·d, j·s + b·d)
            stamp = np.matmul(w[cin, :, a, bb].T, x_flat)
            full[:, cout, rows, cols] += stamp.reshape(n, outs, h, width)
    out = full[:, :, ph : ph + out_h, pw : pw + out_w].copy()
    if b is not None:
        out += b.reshape(o, 1, 1)

    def vjp(g: Array) -> tuple[Array | None, ...]:
        # the upstream grad put back where the output was cut from: padding cells get none
        g_full = np.zeros(full.shape, g.dtype)
        g_full[:, :, ph : ph + out_h, pw : pw + out_w] = g
        dx = np.zeros((n, c, h * width), g.dtype) if needs[0] else None
        dw_ = np.zeros(w.shape, g.dtype) if needs[1] else None
        for (cin, cout), x_flat in zip(group, flat, strict=True):
            for a, bb, rows, cols in offsets():
                reached = g_full[:, cout, rows, cols].reshape(n, outs, h * width)
                if dx is not None:
                    # d out/d x[c, i, j] = w[c, o, a, b] at every cell it reached
                    dx[:, cin] += np.matmul(w[cin, :, a, bb], reached)
                if dw_ is not None:
                    # d out/d w[c, o, a, b] = x[c, i, j] at the cell (i, j) sent it to
                    dw_[cin, :, a, bb] = np.matmul(x_flat, reached.transpose(0, 2, 1)).sum(0)
        dx_ = None if dx is None else dx.reshape(x.shape)
        # d out/d b[o] = 1 at every output cell of channel o
        return (dx_, dw_) if b is None else (dx_, dw_, g.sum(axis=(0, 2, 3)))

    return out, vjp


def _geometry(
    x: Array,
    w: Array,
    bias: Tensor | None,
    stride: IntPair,
    padding: IntPair,
    output_padding: IntPair,
    groups: int,
    dilation: IntPair,
) -> Geometry:
    """The (stride, padding, output_padding, dilation) of a call, after checking every shape."""
    if x.ndim != 4:
        raise ValueError(f"conv_transpose2d: input must be (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(
            f"conv_transpose2d: weight must be (C_in, C_out/groups, kh, kw), got shape {w.shape}"
        )
    c = x.shape[1]
    if groups < 1 or c % groups:
        raise ValueError(f"conv_transpose2d: groups={groups} must divide input channels {c}")
    if w.shape[0] != c:
        raise ValueError(
            f"conv_transpose2d: weight shape {w.shape} expects {w.shape[0]} input channels, "
            f"input shape {x.shape} has {c}"
        )
    o = w.shape[1] * groups
    if bias is not None and bias.shape != (o,):
        raise ValueError(f"conv_transpose2d: bias must have shape ({o},), got {bias.shape}")
    geometry = (
        pair(stride, "stride"),
        pair(padding, "padding"),
        pair(output_padding, "output_padding"),
        pair(dilation, "dilation"),
    )
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = geometry
    try:
        for n, k, s, p, d, op in (
            (x.shape[2], w.shape[2], sh, ph, dh, oph),
            (x.shape[3], w.shape[3], sw, pw, dw, opw),
        ):
            transposed_output_size(n, k, s, p, d, op)
    except ValueError as err:
        raise ValueError(f"conv_transpose2d: {err} (input {x.shape}, weight {w.shape})") from None
    return geometry
