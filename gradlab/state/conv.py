"""`ConvScrubber`: a cursor over the window positions of a convolution or pooling (Qt-free).

Position p means the first p output cells are computed (row-major, one output map after the
other); the current window is number p − 1. Every number comes from the engine: outputs from
`F.conv2d` / `F.max_pool2d` / `F.avg_pool2d`, gradients from Tensor autograd, and the cells under
a window from the geometry of `gradlab.nn.windows`. In backward mode `grads_at(p)` backpropagates
the upstream gradient of the first p output cells only, so dL/dW and dL/dX accumulate window by
window and reach autograd's full result at the end.

Every control has a setter that rebuilds, emits `rebuilt` and then `changed`. Settings that do not
fit (a kernel larger than the padded input, a typed gradient of the wrong shape) never raise:
`error` explains why and the length is 0.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from psygnal import Signal

from gradlab.engine import Tensor
from gradlab.engine.trace import Array
from gradlab.lessons import ConvScene
from gradlab.nn import functional as F  # noqa: N812 (PyTorch's convention)
from gradlab.nn.windows import Window2d, pad
from gradlab.state.conv_records import (
    Term,
    WindowRecord,
    backward_readout,
    forward_readout,
    pool_readout,
    window_at,
)
from gradlab.state.conv_settings import (
    TYPED_CHOICE,
    ConvSettings,
    Mode,
    Upstream,
    as_grid,
    expand_input,
    expand_weight,
    formula_lines,
    named_input,
    named_kernel,
    parse_grid,
)
from gradlab.state.cursor import Cursor

Grid = list[list[float]] | Array
BoolArray = NDArray[np.bool_]


class ConvScrubber(Cursor):
    """The conv lab's state: settings, the engine's arrays, and a cursor over window positions."""

    rebuilt = Signal()
    """The settings changed and everything was recomputed (emitted before `changed`)."""

    def __init__(self, settings: ConvSettings | None = None, position: int = 0) -> None:
        super().__init__()
        self._settings = settings if settings is not None else ConvSettings()
        self._error: str | None = None
        self._x: Array = np.zeros((1, 1, 1, 1))
        self._xp: Array = self._x
        self._w: Array = np.zeros((1, 1, 1, 1))
        self._out: Array | None = None
        self._g: Array | None = None
        self._geometry: Window2d | None = None
        self._grad_cache: dict[int, tuple[Array, Array]] = {}
        self._build()
        self._position = min(max(position, 0), self._length)

    @classmethod
    def from_scene(cls, scene: ConvScene) -> ConvScrubber:
        """The lab as a lesson step sets it up; in pooling modes the kernel's size is the pool's
        and the stride the pool's stride."""
        kernel = scene.kernel_grid
        settings = ConvSettings(
            input=as_grid(scene.input_grid, "input"),
            input_name=scene.input if isinstance(scene.input, str) else TYPED_CHOICE,
            kernel=as_grid(kernel, "kernel"),
            kernel_name=scene.kernel if isinstance(scene.kernel, str) else TYPED_CHOICE,
            stride=scene.stride,
            padding=scene.padding,
            dilation=scene.dilation,
            in_channels=scene.in_channels,
            out_channels=scene.out_channels,
            mode=scene.mode,
            flip=scene.flip,
            pool_size=len(kernel),
            pool_stride=scene.stride,
        )
        return cls(settings)

    # ---- what the view reads ---------------------------------------------------------------

    @property
    def settings(self) -> ConvSettings:
        return self._settings

    @property
    def error(self) -> str | None:
        """Why the current settings give no output (None when they work)."""
        return self._error

    @property
    def input_array(self) -> Array:
        """The (C, H, W) input the kernel slides over (unpadded)."""
        channels: Array = self._x[0]
        return channels

    @property
    def weight(self) -> Array:
        """The (O, C, kh, kw) kernel as applied (already turned 180° when `flip` is on)."""
        return self._w

    @property
    def geometry(self) -> Window2d | None:
        return self._geometry

    @property
    def output(self) -> Array | None:
        """The engine's output maps (O, oh, ow) (pooling: (C, oh, ow)); None on an error."""
        return self._out

    @property
    def upstream(self) -> Array | None:
        """Backward mode: the upstream gradient dL/dy, shaped like `output`."""
        return self._g

    @property
    def formula(self) -> tuple[str, ...]:
        """The output-size formula per axis with the current numbers."""
        s = self._settings
        h, w = s.input.shape
        if s.pooling:
            return formula_lines((h, w), (s.pool_size, s.pool_size), s.pool_stride, 0, 1)
        kernel = (int(s.kernel.shape[0]), int(s.kernel.shape[1]))
        return formula_lines((h, w), kernel, s.stride, s.padding, s.dilation)

    def record(self, index: int) -> WindowRecord:
        """Window number `index` (0-based): its cells, products and the engine's output value."""
        if self._out is None or self._geometry is None or not 0 <= index < self._length:
            raise IndexError(f"window {index} is outside 0..{self._length - 1}")
        channel, row, col = (int(v) for v in np.unravel_index(index, self._out.shape))
        h, w = self._x.shape[-2:]
        window = window_at(h, w, self._geometry, row, col)
        ph, pw = self._geometry.padding
        xp = self._xp[0]
        s = self._settings
        if s.pooling:
            terms = tuple(
                Term(channel, cell, float(xp[channel, cell.row + ph, cell.col + pw]), None)
                for cell in window.cells
            )
            winner = None
            if s.mode == "pool-max":
                winner = int(np.argmax([t.x for t in terms]))
            return WindowRecord(
                index, channel, row, col, terms, float(self._out[channel, row, col]), 0.0, winner
            )
        terms = tuple(
            Term(
                c,
                cell,
                float(xp[c, cell.row + ph, cell.col + pw]),
                float(self._w[channel, c, cell.kernel_row, cell.kernel_col]),
            )
            for c in range(self._x.shape[1])
            for cell in window.cells
        )
        upstream = None if self._g is None else float(self._g[channel, row, col])
        value = float(self._out[channel, row, col])
        return WindowRecord(index, channel, row, col, terms, value, s.bias, None, upstream)

    def current(self) -> WindowRecord | None:
        """The window computed last (None at the start or on an error)."""
        return self.record(self._position - 1) if self._position > 0 else None

    def readout(self) -> str:
        """The current window in numbers, e.g. ``1·(-1) + 0·0 + 1·1 + ... = 2``."""
        record = self.current()
        if record is None:
            return ""
        mode = self._settings.mode
        if mode == "backward":
            return backward_readout(record)
        if mode == "forward":
            return forward_readout(record)
        return pool_readout(record, mode)

    def computed(self) -> BoolArray:
        """A bool mask shaped like `output`: True for the output cells computed so far."""
        return self.computed_until(self._position)

    def index_of(self, channel: int, row: int, col: int) -> int:
        """The window number of output cell (channel, row, col)."""
        if self._out is None:
            raise IndexError("there is no output to point at")
        return int(np.ravel_multi_index((channel, row, col), self._out.shape))

    def jump_to(self, channel: int, row: int, col: int) -> None:
        """Show output cell (channel, row, col) as the window just computed."""
        self.seek(self.index_of(channel, row, col) + 1)

    def grads_at(self, position: int) -> tuple[Array, Array]:
        """(dL/dW (O, C, kh, kw), dL/dX (C, H, W)) after the first `position` windows: autograd
        with the upstream gradient of the later output cells set to 0."""
        if self._g is None:
            raise ValueError("gradients exist in backward mode only")
        cached = self._grad_cache.get(position)
        if cached is not None:
            return cached
        upstream = np.where(self.computed_until(position), self._g, 0.0)
        s = self._settings
        x = Tensor(self._x, requires_grad=True)
        w = Tensor(self._w, requires_grad=True)
        bias = Tensor(np.full(self._w.shape[0], s.bias))
        y = F.conv2d(x, w, bias, s.stride, s.padding, s.dilation)
        y.backward(upstream[None])
        result = (np.asarray(w.grad, np.float64), np.asarray(x.grad, np.float64)[0])
        self._grad_cache = {position: result}
        return result

    def computed_until(self, position: int) -> BoolArray:
        """A bool mask shaped like `output`: True for the first `position` output cells."""
        shape = self._out.shape if self._out is not None else (0, 0, 0)
        mask: BoolArray = np.arange(int(np.prod(shape))).reshape(shape) < position
        return mask

    # ---- controls ------------------------------------------------------------------------

    def set_input(self, choice: str) -> None:
        """One of `INPUT_CHOICES`: a preset, "mnist-digit" or "random"."""
        self._change_input(choice, self._settings)

    def set_input_grid(self, grid: Grid) -> None:
        """Typed input values."""
        self._guarded(
            lambda: replace(self._settings, input=as_grid(grid, "input"), input_name=TYPED_CHOICE)
        )

    def set_input_text(self, text: str) -> None:
        """Typed input values as text (rows split by ';' or newlines, see `parse_grid`)."""
        self._guarded(
            lambda: replace(
                self._settings, input=parse_grid(text, "input"), input_name=TYPED_CHOICE
            )
        )

    def set_mnist_index(self, index: int) -> None:
        self._change_input("mnist-digit", replace(self._settings, mnist_index=index))

    def set_random_size(self, size: int) -> None:
        self._change_input("random", replace(self._settings, random_size=size))

    def set_seed(self, seed: int) -> None:
        """Seed of random inputs, extra channels and random upstream gradients."""
        settings = replace(self._settings, seed=seed)
        if settings.input_name == "random":
            self._change_input("random", settings)
        else:
            self._apply(settings)

    def set_kernel(self, kernel: str | Grid) -> None:
        """A kernel preset by name, or typed values."""
        if isinstance(kernel, str):
            self._guarded(
                lambda: replace(self._settings, kernel=named_kernel(kernel), kernel_name=kernel)
            )
        else:
            self._guarded(
                lambda: replace(
                    self._settings, kernel=as_grid(kernel, "kernel"), kernel_name=TYPED_CHOICE
                )
            )

    def set_kernel_text(self, text: str) -> None:
        """Typed kernel values as text."""
        self._guarded(
            lambda: replace(
                self._settings, kernel=parse_grid(text, "kernel"), kernel_name=TYPED_CHOICE
            )
        )

    def set_stride(self, stride: int) -> None:
        self._apply(replace(self._settings, stride=stride))

    def set_padding(self, padding: int) -> None:
        self._apply(replace(self._settings, padding=padding))

    def set_dilation(self, dilation: int) -> None:
        self._apply(replace(self._settings, dilation=dilation))

    def set_in_channels(self, channels: int) -> None:
        self._apply(replace(self._settings, in_channels=channels))

    def set_out_channels(self, filters: int) -> None:
        self._apply(replace(self._settings, out_channels=filters))

    def set_mode(self, mode: Mode) -> None:
        self._apply(replace(self._settings, mode=mode))

    def set_flip(self, flip: bool) -> None:
        self._apply(replace(self._settings, flip=flip))

    def set_pool_size(self, size: int) -> None:
        self._apply(replace(self._settings, pool_size=size))

    def set_pool_stride(self, stride: int) -> None:
        self._apply(replace(self._settings, pool_stride=stride))

    def set_bias(self, bias: float) -> None:
        self._apply(replace(self._settings, bias=bias))

    def set_upstream(self, kind: Upstream) -> None:
        self._apply(replace(self._settings, upstream=kind))

    def set_upstream_grid(self, grid: Grid) -> None:
        """Typed upstream gradient (one output map, used for every filter)."""
        self._guarded(
            lambda: replace(
                self._settings, upstream="typed", upstream_grid=as_grid(grid, "upstream gradient")
            )
        )

    def set_upstream_text(self, text: str) -> None:
        """Typed upstream gradient as text."""
        self._guarded(
            lambda: replace(
                self._settings,
                upstream="typed",
                upstream_grid=parse_grid(text, "upstream gradient"),
            )
        )

    # ---- rebuilding ----------------------------------------------------------------------

    def _change_input(self, choice: str, settings: ConvSettings) -> None:
        self._guarded(
            lambda: replace(settings, input=named_input(choice, settings), input_name=choice)
        )

    def _guarded(self, make: Any) -> None:
        """Apply the settings `make()` returns; if it cannot (a bad grid), keep the settings and
        show why."""
        try:
            settings = make()
        except (ValueError, IndexError) as err:
            self._apply(self._settings, str(err))
            return
        self._apply(settings)

    def _apply(self, settings: ConvSettings, error: str | None = None) -> None:
        at_end = self.at_end and self._length > 0
        self._settings = settings
        self._build()
        if error is not None:
            self._fail(error)
        self.rebuilt.emit()
        self._reset(self._length, self._length if at_end else self._position)

    def _build(self) -> None:
        s = self._settings
        self._grad_cache = {}
        self._error = None
        self._x = expand_input(s)
        self._w = expand_weight(s)
        try:
            self._compute(s)
        except ValueError as err:
            self._fail(str(err))

    def _fail(self, message: str) -> None:
        self._error = message
        self._out = self._g = self._geometry = None
        self._length = 0

    def _compute(self, s: ConvSettings) -> None:
        x = Tensor(self._x)
        if s.pooling:
            geometry = Window2d.of(s.pool_size, s.pool_stride)
            pool = F.max_pool2d if s.mode == "pool-max" else F.avg_pool2d
            out = pool(x, s.pool_size, s.pool_stride).data[0]
            self._g = None
        else:
            geometry = Window2d.of(self._w.shape[-2:], s.stride, s.padding, s.dilation)
            bias = Tensor(np.full(self._w.shape[0], s.bias))
            out = F.conv2d(x, Tensor(self._w), bias, s.stride, s.padding, s.dilation).data[0]
            self._g = self._upstream(s, out.shape) if s.mode == "backward" else None
        self._geometry = geometry
        self._xp = pad(self._x, geometry)
        self._out = out
        self._length = out.size

    def _upstream(self, s: ConvSettings, shape: tuple[int, ...]) -> Array:
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
