"""`compute(settings) -> ConvResult`: everything the conv lab shows for one set of controls.

A pure function of `ConvSettings`: the input and kernel as the engine sees them, the output maps
from `F.conv2d` / `F.max_pool2d` / `F.avg_pool2d`, the upstream gradient in backward mode, and per
window position a `WindowRecord`. Settings that do not fit give a result with `error` set and no
windows, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from gradlab.engine import Tensor
from gradlab.engine.trace import Array
from gradlab.nn import functional as F
from gradlab.nn.windows import Window2d, pad, window
from gradlab.state.conv.records import Term, WindowRecord
from gradlab.state.conv.settings import ConvSettings, expand_input, expand_weight

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class ConvResult:
    """The engine's arrays for one `ConvSettings` (see the module docstring)."""

    settings: ConvSettings
    x: Array
    """The (1, C, H, W) input."""
    weight: Array
    """The (O, C, kh, kw) kernel as applied (turned 180° when `flip` is on)."""
    geometry: Window2d | None = None
    output: Array | None = None
    """(O, oh, ow) conv output maps, or (C, oh, ow) pooled maps; None on an error."""
    upstream: Array | None = None
    """Backward mode: dL/d output, shaped like `output`."""
    error: str | None = None
    _grads: dict[int, tuple[Array, Array]] = field(default_factory=dict, repr=False)

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
        if s.pooling:
            terms = tuple(
                Term(channel, cell, float(xp[channel, cell.row + ph, cell.col + pw]), None)
                for cell in under.cells
            )
            # the first maximum, as F.max_pool2d routes the gradient to it
            winner = int(np.argmax([t.x for t in terms])) if s.mode == "pool-max" else None
            return WindowRecord(index, channel, row, col, terms, value, 0.0, winner)
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
        upstream = None if self.upstream is None else float(self.upstream[channel, row, col])
        return WindowRecord(index, channel, row, col, terms, value, s.bias, None, upstream)

    def computed_until(self, position: int) -> BoolArray:
        """A bool mask shaped like `output`: True for the first `position` output cells."""
        shape = self.output.shape if self.output is not None else (0, 0, 0)
        mask: BoolArray = np.arange(int(np.prod(shape))).reshape(shape) < position
        return mask

    def grads_at(self, position: int) -> tuple[Array, Array]:
        """(dL/dW (O, C, kh, kw), dL/dX (C, H, W)) after the first `position` windows: autograd
        with the upstream gradient of the later output cells set to 0."""
        if self.upstream is None:
            raise ValueError("gradients exist in backward mode only")
        cached = self._grads.get(position)
        if cached is not None:
            return cached
        s = self.settings
        upstream = np.where(self.computed_until(position), self.upstream, 0.0)
        x = Tensor(self.x, requires_grad=True)
        w = Tensor(self.weight, requires_grad=True)
        bias = Tensor(np.full(self.weight.shape[0], s.bias))
        F.conv2d(x, w, bias, s.stride, s.padding, s.dilation).backward(upstream[None])
        result = (np.asarray(w.grad, np.float64), np.asarray(x.grad, np.float64)[0])
        # stepping asks for one position at a time: remember only the latest
        self._grads.clear()
        self._grads[position] = result
        return result


def compute(settings: ConvSettings) -> ConvResult:
    """Run the engine for `settings`; a ValueError (settings that do not fit) becomes `error`."""
    x, weight = expand_input(settings), expand_weight(settings)
    try:
        if settings.pooling:
            geometry = Window2d.of(settings.pool_size, settings.pool_stride)
            geometry.output_shape(*x.shape[-2:])
            pool = F.max_pool2d if settings.mode == "pool-max" else F.avg_pool2d
            out = pool(Tensor(x), settings.pool_size, settings.pool_stride).data[0]
            return ConvResult(settings, x, weight, geometry, out)
        geometry = Window2d.of(
            weight.shape[-2:], settings.stride, settings.padding, settings.dilation
        )
        # the geometry's own check first: its message speaks of the lab's controls only
        geometry.output_shape(*x.shape[-2:])
        bias = Tensor(np.full(weight.shape[0], settings.bias))
        out = F.conv2d(
            Tensor(x), Tensor(weight), bias, settings.stride, settings.padding, settings.dilation
        ).data[0]
        upstream = _upstream(settings, out.shape) if settings.mode == "backward" else None
    except ValueError as err:
        return ConvResult(settings, x, weight, error=f"Does not fit: {err}")
    return ConvResult(settings, x, weight, geometry, out, upstream)


def failed(settings: ConvSettings, error: str) -> ConvResult:
    """A result that shows `error` (e.g. a typed grid that could not be read)."""
    return ConvResult(settings, expand_input(settings), expand_weight(settings), error=error)


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
