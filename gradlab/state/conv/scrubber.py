"""`ConvScrubber`: a cursor over the window positions of a convolution, a pooling or a transposed
convolution (Qt-free).

Position p means the first p output cells are computed (row-major, one output map after the
other); the current window is number p − 1. Every number comes from the engine: outputs from
`F.conv2d` / `F.max_pool2d` / `F.avg_pool2d` / `F.conv_transpose2d`, gradients from Tensor
autograd, and the cells under a window from the geometry of `gradlab.nn.windows`. In the backward
modes `grads_at(p)` backpropagates the upstream gradient of the first p output cells only, so
dL/dW and dL/dX accumulate window by window and reach autograd's full result at the end (a pool
sends each window's gradient to its largest cell, or shares it equally).

Every control has a setter that rebuilds, emits `rebuilt` and then `changed`. Settings that do not
fit (a kernel larger than the padded input, a typed gradient of the wrong shape) never raise:
`error` explains why and the length is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from psygnal import Signal

from gradlab.engine.trace import Array
from gradlab.lessons import ConvScene
from gradlab.nn.windows import Window2d
from gradlab.state.conv.compute import BoolArray, ConvResult, compute, failed
from gradlab.state.conv.records import (
    WindowRecord,
    backward_readout,
    forward_readout,
    pool_backward_readout,
    pool_readout,
)
from gradlab.state.conv.settings import (
    TYPED_CHOICE,
    ConvSettings,
    Mode,
    Upstream,
    as_grid,
    formula_lines,
    named_kernel,
    parse_grid,
    scene_settings,
    with_input,
)
from gradlab.state.conv.transpose import transposed_formula_lines
from gradlab.state.cursor import Cursor

Grid = list[list[float]] | Array


class ConvScrubber(Cursor):
    """The conv lab's state: settings, the engine's arrays, and a cursor over window positions."""

    rebuilt = Signal()
    """The settings changed and everything was recomputed (emitted before `changed`)."""

    def __init__(self, settings: ConvSettings | None = None, position: int = 0) -> None:
        self._result = compute(settings if settings is not None else ConvSettings())
        super().__init__(self._result.length, position)

    @classmethod
    def from_scene(cls, scene: ConvScene) -> ConvScrubber:
        """The lab as a lesson step sets it up; in pooling modes the kernel's size is the pool's
        and the stride the pool's stride."""
        scrubber = cls(scene_settings(scene))
        if scene.cursor == "end":
            scrubber.to_end()
        return scrubber

    # ---- what the view reads ---------------------------------------------------------------

    @property
    def settings(self) -> ConvSettings:
        return self._result.settings

    @property
    def result(self) -> ConvResult:
        """The engine's arrays and window records for the current settings."""
        return self._result

    @property
    def error(self) -> str | None:
        """Why the current settings give no output (None when they work)."""
        return self._result.error

    @property
    def input_array(self) -> Array:
        """The (C, H, W) input the kernel slides over (unpadded)."""
        channels: Array = self._result.x[0]
        return channels

    @property
    def weight(self) -> Array:
        """The (O, C, kh, kw) kernel as applied (already turned 180° when `flip` is on)."""
        return self._result.weight

    @property
    def geometry(self) -> Window2d | None:
        return self._result.geometry

    @property
    def output(self) -> Array | None:
        """The engine's output maps (O, oh, ow) (pooling: (C, oh, ow)); None on an error."""
        return self._result.output

    @property
    def upstream(self) -> Array | None:
        """Backward modes: the upstream gradient dL/dy, shaped like `output`."""
        return self._result.upstream

    @property
    def inserted(self) -> BoolArray | None:
        """Transposed convolution: True on the input cells that are inserted zeros or padding."""
        return self._result.inserted

    @property
    def source(self) -> Array | None:
        """Transposed convolution: the (C, H, W) input before it was stretched."""
        source = self._result.source
        return None if source is None else source[0]

    @property
    def adjoint_gap(self) -> float | None:
        """Transposed convolution: how far its output is from the input gradient of the forward
        convolution (0 up to rounding; NaN where that gradient has another shape)."""
        return self._result.gap

    @property
    def formula(self) -> tuple[str, ...]:
        """The output-size formula per axis with the current numbers."""
        s = self.settings
        h, w = s.input.shape
        kernel = (int(s.kernel.shape[0]), int(s.kernel.shape[1]))
        if s.mode == "transpose":
            return transposed_formula_lines(
                (h, w), kernel, s.stride, s.padding, s.dilation, s.output_padding
            )
        if s.pooling:
            return formula_lines((h, w), (s.pool_size, s.pool_size), s.pool_stride, 0, 1)
        return formula_lines((h, w), kernel, s.stride, s.padding, s.dilation)

    def record(self, index: int) -> WindowRecord:
        """Window number `index` (0-based): its cells, products and the engine's output value."""
        return self._result.record(index)

    def current(self) -> WindowRecord | None:
        """The window computed last (None at the start or on an error)."""
        return self.record(self._position - 1) if self._position > 0 else None

    def readout(self, shown: int | None = None) -> str:
        """The current window in numbers, e.g. ``1·(-1) + 0·0 + 1·1 + ... = 2``; `shown`: the
        input channel the view shows large, whose products alone are listed (the others by
        their sums) where a colour picture's channels are summed."""
        record = self.current()
        if record is None:
            return ""
        s = self.settings
        if s.mode == "backward":
            return backward_readout(record)
        if s.pooling:
            kind = f"pool-{s.pool_kind}"
            return pool_backward_readout(record, kind) if s.backward else pool_readout(record, kind)
        if s.colour is None:
            return forward_readout(record, shown=shown)
        return forward_readout(record, s.channel_name, shown)

    def computed(self) -> BoolArray:
        """A bool mask shaped like `output`: True for the output cells computed so far."""
        return self._result.computed_until(self._position)

    def index_of(self, channel: int, row: int, col: int) -> int:
        """The window number of output cell (channel, row, col)."""
        if self.output is None:
            raise IndexError("there is no output to point at")
        return int(np.ravel_multi_index((channel, row, col), self.output.shape))

    def jump_to(self, channel: int, row: int, col: int) -> None:
        """Show output cell (channel, row, col) as the window just computed."""
        self.seek(self.index_of(channel, row, col) + 1)

    def grads_at(self, position: int) -> tuple[Array | None, Array]:
        """(dL/dW, dL/dX) after the first `position` windows (see `ConvResult.grads_at`); a pool
        has no dL/dW (None)."""
        return self._result.grads_at(position)

    # ---- controls ------------------------------------------------------------------------

    def set_input(self, choice: str) -> None:
        """One of `INPUT_CHOICES`: a preset, "mnist-digit" or "random"."""
        self._change_input(choice, self.settings)

    def set_input_grid(self, grid: Grid) -> None:
        """Typed input values."""
        self._guarded(
            lambda: replace(
                self.settings, input=as_grid(grid, "input"), input_name=TYPED_CHOICE, colour=None
            )
        )

    def set_input_text(self, text: str) -> None:
        """Typed input values as text (rows split by ';' or newlines, see `parse_grid`)."""
        self._guarded(
            lambda: replace(
                self.settings,
                input=parse_grid(text, "input"),
                input_name=TYPED_CHOICE,
                colour=None,
            )
        )

    def set_mnist_index(self, index: int) -> None:
        self._change_input("mnist-digit", replace(self.settings, mnist_index=index))

    def set_random_size(self, size: int) -> None:
        self._change_input("random", replace(self.settings, random_size=size))

    def set_seed(self, seed: int) -> None:
        """Seed of random inputs, extra channels and random upstream gradients."""
        settings = replace(self.settings, seed=seed)
        if settings.input_name == "random":
            self._change_input("random", settings)
        else:
            self._apply(settings)

    def set_kernel(self, kernel: str | Grid) -> None:
        """A kernel preset by name, or typed values."""
        if isinstance(kernel, str):
            self._guarded(
                lambda: replace(self.settings, kernel=named_kernel(kernel), kernel_name=kernel)
            )
        else:
            self._guarded(
                lambda: replace(
                    self.settings, kernel=as_grid(kernel, "kernel"), kernel_name=TYPED_CHOICE
                )
            )

    def set_kernel_text(self, text: str) -> None:
        """Typed kernel values as text."""
        self._guarded(
            lambda: replace(
                self.settings, kernel=parse_grid(text, "kernel"), kernel_name=TYPED_CHOICE
            )
        )

    def set_stride(self, stride: int) -> None:
        self._apply(replace(self.settings, stride=stride))

    def set_padding(self, padding: int) -> None:
        self._apply(replace(self.settings, padding=padding))

    def set_dilation(self, dilation: int) -> None:
        self._apply(replace(self.settings, dilation=dilation))

    def set_in_channels(self, channels: int) -> None:
        self._apply(replace(self.settings, in_channels=channels))

    def set_out_channels(self, filters: int) -> None:
        self._apply(replace(self.settings, out_channels=filters))

    def set_mode(self, mode: Mode) -> None:
        self._apply(replace(self.settings, mode=mode))

    def set_output_padding(self, extra: int) -> None:
        """Transposed convolution: extra output rows and columns at the bottom and right."""
        self._apply(replace(self.settings, output_padding=extra))

    def set_flip(self, flip: bool) -> None:
        self._apply(replace(self.settings, flip=flip))

    def set_pool_size(self, size: int) -> None:
        self._apply(replace(self.settings, pool_size=size))

    def set_pool_stride(self, stride: int) -> None:
        self._apply(replace(self.settings, pool_stride=stride))

    def set_bias(self, bias: float) -> None:
        self._apply(replace(self.settings, bias=bias))

    def set_upstream(self, kind: Upstream) -> None:
        self._apply(replace(self.settings, upstream=kind))

    def set_upstream_grid(self, grid: Grid) -> None:
        """Typed upstream gradient (one output map, used for every filter)."""
        self._guarded(
            lambda: replace(
                self.settings, upstream="typed", upstream_grid=as_grid(grid, "upstream gradient")
            )
        )

    def set_upstream_text(self, text: str) -> None:
        """Typed upstream gradient as text."""
        self._guarded(
            lambda: replace(
                self.settings,
                upstream="typed",
                upstream_grid=parse_grid(text, "upstream gradient"),
            )
        )

    # ---- rebuilding ----------------------------------------------------------------------

    def _change_input(self, choice: str, settings: ConvSettings) -> None:
        self._guarded(lambda: with_input(settings, choice))

    def _guarded(self, make: Callable[[], ConvSettings]) -> None:
        """Apply the settings `make()` returns; if it cannot (a bad grid), keep the settings and
        show why."""
        try:
            settings = make()
        except (ValueError, IndexError) as err:
            self._show(failed(self.settings, str(err)))
            return
        self._apply(settings)

    def _apply(self, settings: ConvSettings) -> None:
        self._show(compute(settings))

    def _show(self, result: ConvResult) -> None:
        at_end = self.at_end and self._length > 0
        self._result = result
        self.rebuilt.emit()
        self._reset(result.length, result.length if at_end else self._position)
