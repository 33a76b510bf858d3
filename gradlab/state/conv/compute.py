"""`compute(settings) -> ConvResult`: everything the conv lab shows for one set of controls.

A pure function of `ConvSettings`: the input and kernel as the engine sees them, the output maps
from `F.conv2d` / `F.max_pool2d` / `F.avg_pool2d` / `F.conv_transpose2d`, the upstream gradient
in the backward modes, and per window position a `WindowRecord`. The transposed convolution's
window slides over the stretched and padded input (`gradlab.state.conv.transpose`). Settings that
do not fit give a result with `error` set and no windows, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from gradlab.engine import Tensor
from gradlab.engine.trace import Array
from gradlab.lessons.limits import check_transposed
from gradlab.nn import functional as F
from gradlab.nn.functional.conv_transpose import transposed_output_size
from gradlab.nn.windows import Window2d, pad, window
from gradlab.state.conv.records import Term, WindowRecord
from gradlab.state.conv.settings import ConvSettings, expand_input, expand_weight
from gradlab.state.conv.transpose import adjoint_gap, stretch, transposed_output

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class ConvResult:
    """The engine's arrays for one `ConvSettings` (see the module docstring)."""

    settings: ConvSettings
    x: Array
    """The (1, C, H, W) input the window slides over (transposed: the stretched input)."""
    weight: Array
    """The (O, C, kh, kw) kernel as applied (turned 180° when `flip` is on, and always for the
    transposed convolution)."""
    geometry: Window2d | None = None
    output: Array | None = None
    """(O, oh, ow) conv output maps, or (C, oh, ow) pooled maps; None on an error."""
    upstream: Array | None = None
    """Backward modes: dL/d output, shaped like `output`."""
    error: str | None = None
    source: Array | None = None
    """Transposed convolution: the (1, C, H, W) input before it was stretched."""
    inserted: BoolArray | None = None
    """Transposed convolution: True on the cells of `x` that are inserted zeros or padding."""
    gap: float | None = None
    """Transposed convolution: the largest difference between its output and the input gradient
    of the forward convolution (NaN where that gradient has another shape)."""
    _grads: dict[int, tuple[Array | None, Array]] = field(default_factory=dict, repr=False)

    @property
    def length(self) -> int:
        """The number of window positions (0 on an error)."""
        return 0 if self.output is None else int(self.output.size)

    def record(self, index: int) -> WindowRecord:
        """Window number `index` (0-based): its cells, products and the engine's output value."""
        out, geometry = self.output, self.geometry
        if out is None or geometry is None or not 0 <= index < out.size:
            raise IndexError(f"window {index} is outside 0..{self.length - 1}")
        channel, row, col = (int(v) for v in np.unravel_index(index, out.shape))
        h, w = self.x.shape[-2:]
        under = window(h, w, geometry, row, col)
        ph, pw = geometry.padding
        xp = pad(self.x[0], geometry)
        s = self.settings
        value = float(out[channel, row, col])
        upstream = None if self.upstream is None else float(self.upstream[channel, row, col])
        if s.pooling:
            terms = tuple(
                Term(channel, cell, float(xp[channel, cell.row + ph, cell.col + pw]), None)
                for cell in under.cells
            )
            # the first maximum, as F.max_pool2d routes the gradient to it
            winner = int(np.argmax([t.x for t in terms])) if s.pool_kind == "max" else None
            return WindowRecord(index, channel, row, col, terms, value, 0.0, winner, upstream)
        terms = tuple(
            Term(
                c,
                cell,
                float(xp[c, cell.row + ph, cell.col + pw]),
                float(self.weight[channel, c, cell.kernel_row, cell.kernel_col]),
            )
            for c in range(self.x.shape[1])
            for cell in under.cells
        )
        return WindowRecord(index, channel, row, col, terms, value, s.bias, None, upstream)

    def computed_until(self, position: int) -> BoolArray:
        """A bool mask shaped like `output`: True for the first `position` output cells."""
        shape = self.output.shape if self.output is not None else (0, 0, 0)
        mask: BoolArray = np.arange(int(np.prod(shape))).reshape(shape) < position
        return mask

    def grads_at(self, position: int) -> tuple[Array | None, Array]:
        """(dL/dW (O, C, kh, kw), dL/dX (C, H, W)) after the first `position` windows: autograd
        with the upstream gradient of the later output cells set to 0. A pool has no weights:
        its dL/dW is None."""
        if self.upstream is None:
            raise ValueError("gradients exist in backward modes only")
        cached = self._grads.get(position)
        if cached is not None:
            return cached
        s = self.settings
        upstream = np.where(self.computed_until(position), self.upstream, 0.0)
        x = Tensor(self.x, requires_grad=True)
        dw: Array | None = None
        if s.pooling:
            _pool(s)(x, s.pool_size, s.pool_stride).backward(upstream[None])
        else:
            w = Tensor(self.weight, requires_grad=True)
            bias = Tensor(np.full(self.weight.shape[0], s.bias))
            F.conv2d(x, w, bias, s.stride, s.padding, s.dilation).backward(upstream[None])
            dw = np.asarray(w.grad, np.float64)
        result = (dw, np.asarray(x.grad, np.float64)[0])
        # stepping asks for one position at a time: remember only the latest
        self._grads.clear()
        self._grads[position] = result
        return result


def compute(settings: ConvSettings) -> ConvResult:
    """Run the engine for `settings`; a ValueError (settings that do not fit) becomes `error`."""
    x, weight = expand_input(settings), expand_weight(settings)
    try:
        if settings.mode == "transpose":
            return _transposed(settings, x)
        if settings.pooling:
            geometry = Window2d.of(settings.pool_size, settings.pool_stride)
            geometry.output_shape(*x.shape[-2:])
            out = _pool(settings)(Tensor(x), settings.pool_size, settings.pool_stride).data[0]
        else:
            geometry = Window2d.of(
                weight.shape[-2:], settings.stride, settings.padding, settings.dilation
            )
            # the geometry's own check first: its message speaks of the lab's controls only
            geometry.output_shape(*x.shape[-2:])
            bias = Tensor(np.full(weight.shape[0], settings.bias))
            out = F.conv2d(
                Tensor(x),
                Tensor(weight),
                bias,
                settings.stride,
                settings.padding,
                settings.dilation,
            ).data[0]
        upstream = _upstream(settings, out.shape) if settings.backward else None
    except ValueError as err:
        return ConvResult(settings, x, weight, error=f"Does not fit: {err}")
    return ConvResult(settings, x, weight, geometry, out, upstream)


def failed(settings: ConvSettings, error: str) -> ConvResult:
    """A result that shows `error` (e.g. a typed grid that could not be read)."""
    return ConvResult(settings, expand_input(settings), expand_weight(settings), error=error)


def _pool(settings: ConvSettings) -> Callable[[Tensor, int, int], Tensor]:
    return F.max_pool2d if settings.pool_kind == "max" else F.avg_pool2d


def _transposed(settings: ConvSettings, source: Array) -> ConvResult:
    """The transposed convolution of the input with the (unflipped) kernels."""
    s = settings
    weight = expand_weight(replace(s, flip=False))
    (kh, kw), (h, w) = weight.shape[-2:], source.shape[-2:]
    out_h, out_w = (
        transposed_output_size(n, k, s.stride, s.padding, s.dilation, s.output_padding)
        for n, k in ((h, kh), (w, kw))
    )
    # sizes by arithmetic first: nothing is allocated for a transposed convolution too large
    check_transposed((out_h, out_w), (kh, kw), s.in_channels, s.out_channels)
    out = transposed_output(
        source, weight, s.bias, s.stride, s.padding, s.dilation, s.output_padding
    )
    stretched, inserted = stretch(
        source, (kh, kw), s.stride, s.padding, s.dilation, s.output_padding
    )
    flipped = np.ascontiguousarray(weight[..., ::-1, ::-1])
    flipped.setflags(write=False)
    geometry = Window2d.of((kh, kw), 1, 0, s.dilation)
    gap = adjoint_gap(source, weight, out, s.stride, s.padding, s.dilation, s.bias)
    return ConvResult(
        s, stretched, flipped, geometry, out, source=source, inserted=inserted, gap=gap
    )


def _upstream(s: ConvSettings, shape: tuple[int, ...]) -> Array:
    if s.upstream == "ones":
        return np.ones(shape)
    if s.upstream == "random":
        return np.random.default_rng((s.seed, 3)).integers(-2, 3, shape).astype(np.float64)
    grid = s.upstream_grid
    if grid is None or grid.shape != shape[1:]:
        typed = "nothing" if grid is None else f"{grid.shape[0]}×{grid.shape[1]}"
        raise ValueError(
            f"the typed upstream gradient must be {shape[1]}×{shape[2]} like the output, "
            f"got {typed}"
        )
    return np.broadcast_to(grid, shape).copy()
