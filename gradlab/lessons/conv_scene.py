"""The conv scene of a lesson: a kernel sliding over an input, forward, backward, pooling or
transposed, and the checks of a quiz about it (an output size or cell, a gradient)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from gradlab.lessons import limits, presets
from gradlab.lessons.base import ConvStep, Grid, GridField, Model, grid_or_preset
from gradlab.nn.functional.conv_transpose import transposed_output_size
from gradlab.nn.windows import output_size

ConvMode = Literal[
    "forward",
    "backward",
    "pool-max",
    "pool-avg",
    "pool-max-backward",
    "pool-avg-backward",
    "transpose",
]
BACKWARD_MODES = ("backward", "pool-max-backward", "pool-avg-backward")


class ConvScene(Model):
    """A kernel sliding over an input (a preset name or an inline grid)."""

    input: str | GridField = Field(
        description=f"A preset ({', '.join((*presets.INPUTS, *presets.COLOUR_INPUTS))}) or a "
        "grid of rows of numbers. The rgb-scene inputs are a picture's red, green and blue."
    )
    kernel: str | GridField = Field(
        description=f"A preset ({', '.join(presets.KERNELS)}) or a grid of rows of numbers."
    )
    stride: ConvStep = 1
    padding: int = Field(default=0, ge=0, le=limits.MAX_CONV_STEP)
    dilation: ConvStep = 1
    output_padding: int = Field(
        default=0,
        ge=0,
        lt=limits.MAX_CONV_STEP,
        description="Transposed convolution: extra output rows and columns at the bottom and "
        "right (smaller than the stride or the dilation).",
    )
    in_channels: int | None = Field(
        default=None,
        ge=1,
        le=limits.MAX_CHANNELS,
        description="Input channels; by default the input's own (3 for an rgb-scene, else 1). "
        "Channels beyond the input's own are seeded random grids of −1, 0 and 1.",
    )
    out_channels: int = Field(default=1, ge=1, le=limits.MAX_CHANNELS)
    mode: ConvMode = Field(
        default="forward",
        description="forward or backward (dL/dW window by window, dL/dX scattered back); "
        "pool-max, pool-avg and their -backward modes (the kernel's size is the window's); "
        "transpose: the transposed convolution, read as the input stretched, padded, convolved.",
    )
    flip: bool = Field(
        default=False,
        description="True: true convolution (kernel flipped); false: cross-correlation.",
    )
    cursor: Literal["start", "end"] = Field(
        default="start",
        description="Where the step opens: no window computed yet, or every one (for a step about "
        "the output as a whole, whose windows are too many to step through on a clicker).",
    )
    upstream: Literal["ones", "random"] | GridField = Field(
        default="ones",
        description="Backward modes: dL/dy, all ones, seeded random whole numbers from −2 to 2, "
        "or a grid shaped like the output.",
    )

    @field_validator("input")
    @classmethod
    def _known_input(cls, value: str | Grid) -> str | Grid:
        if isinstance(value, str) and value in presets.COLOUR_INPUTS:
            return value
        # the colour inputs are known by name: their grids are read only when used
        known = {name: [[0.0]] for name in presets.COLOUR_INPUTS}
        return grid_or_preset(value, {**presets.INPUTS, **known}, "input")

    @field_validator("upstream")
    @classmethod
    def _upstream_grid(cls, value: str | Grid) -> str | Grid:
        return value if isinstance(value, str) else grid_or_preset(value, {}, "upstream")

    @field_validator("kernel")
    @classmethod
    def _known_kernel(cls, value: str | Grid) -> str | Grid:
        return grid_or_preset(value, presets.KERNELS, "kernel")

    @property
    def input_grid(self) -> Grid:
        """The input's first channel (red for an rgb-scene)."""
        return self.input_channels[0]

    @property
    def input_channels(self) -> list[Grid]:
        """The input's own channels: one grid, or red, green and blue for an rgb-scene."""
        if not isinstance(self.input, str):
            return [self.input]
        if self.input in presets.COLOUR_INPUTS:
            return presets.colour_input(self.input)
        return [presets.INPUTS[self.input]]

    @property
    def own_channels(self) -> int:
        """The input's own channels: 3 for an rgb-scene, else 1 (known without reading it)."""
        colour = isinstance(self.input, str) and self.input in presets.COLOUR_INPUTS
        return len(presets.COLOUR_CHANNELS) if colour else 1

    @property
    def input_size(self) -> tuple[int, int]:
        """(rows, cols) of the input (known from a colour input's name without reading it)."""
        if isinstance(self.input, str) and self.input in presets.COLOUR_INPUTS:
            side = presets.COLOUR_INPUTS[self.input]
            return side, side
        grid = self.input_grid
        return len(grid), len(grid[0])

    @property
    def backward(self) -> bool:
        return self.mode in BACKWARD_MODES

    def output_shape(self) -> tuple[int, int]:
        """(rows, cols) of one output map; ValueError in plain words if there is none."""
        rows, cols = self.input_size
        kernel = self.kernel_grid
        if self.mode.startswith("pool"):
            size = len(kernel)
            return output_size(rows, size, self.stride), output_size(cols, size, self.stride)
        k_rows, k_cols = len(kernel), len(kernel[0])
        if self.mode == "transpose":
            return tuple(  # type: ignore[return-value]
                transposed_output_size(
                    n, k, self.stride, self.padding, self.dilation, self.output_padding
                )
                for n, k in ((rows, k_rows), (cols, k_cols))
            )
        return (
            output_size(rows, k_rows, self.stride, self.padding, self.dilation),
            output_size(cols, k_cols, self.stride, self.padding, self.dilation),
        )

    @property
    def kernel_grid(self) -> Grid:
        return presets.KERNELS[self.kernel] if isinstance(self.kernel, str) else self.kernel

    @model_validator(mode="after")
    def _kernel_fits(self) -> Self:
        rows, cols = self.input_size
        k_rows, k_cols = len(self.kernel_grid), len(self.kernel_grid[0])
        if self.mode.startswith("pool") and max(k_rows, k_cols) > limits.MAX_CONV_STEP:
            most = limits.MAX_CONV_STEP
            raise ValueError(
                f"kernel: a pooling window is at most {most}x{most}, this kernel is "
                f"{k_rows}x{k_cols}"
            )
        span_r = self.dilation * (k_rows - 1) + 1
        span_c = self.dilation * (k_cols - 1) + 1
        fits = span_r <= rows + 2 * self.padding and span_c <= cols + 2 * self.padding
        # a transposed convolution spreads each input cell over the kernel: any kernel fits
        if not fits and self.mode != "transpose":
            raise ValueError(
                f"kernel: the kernel ({k_rows}x{k_cols}, dilation {self.dilation}, spanning "
                f"{span_r}x{span_c}) is larger than the input ({rows}x{cols}) with padding "
                f"{self.padding}"
            )
        if self.mode == "transpose":
            try:
                shape = self.output_shape()
            except ValueError as err:
                raise ValueError(f"output_padding: {err}") from None
            channels = self.in_channels or self.own_channels
            limits.check_transposed(shape, (k_rows, k_cols), channels, self.out_channels)
        if not isinstance(self.upstream, str):
            if not self.backward:
                raise ValueError(
                    f"upstream: a gradient is sent back in backward modes only, "
                    f"not in {self.mode!r}"
                )
            shape = self.output_shape()
            given = (len(self.upstream), len(self.upstream[0]))
            if given != shape:
                raise ValueError(
                    f"upstream: the gradient must be shaped like the output, {shape[0]}x"
                    f"{shape[1]}, not {given[0]}x{given[1]}"
                )
        return self


def check_conv_quiz(ask: str, cell: list[int], conv: ConvScene | None) -> None:
    """A conv quiz has a conv scene, a backward mode when it asks for a gradient, and a cell
    inside what it asks about."""
    if conv is None:
        raise ValueError(f"a quiz asking for {ask} needs a conv scene")
    if ask == "output_size":
        return
    if ask.startswith("grad") and not conv.backward:
        modes = ", ".join(BACKWARD_MODES)
        raise ValueError(f"quiz.ask: {ask} needs a backward mode ({modes}), not {conv.mode!r}")
    if ask == "grad_weight" and conv.mode != "backward":
        raise ValueError("quiz.ask: grad_weight needs the mode 'backward' (a pool has no weights)")
    if len(cell) != 2:
        raise ValueError(f"quiz.cell: a quiz asking for {ask} needs a cell [row, col]")
    kernel = conv.kernel_grid
    sizes = {
        "output": conv.output_shape(),
        "grad_input": conv.input_size,
        "grad_weight": (len(kernel), len(kernel[0])),
    }
    rows, cols = sizes[ask]
    row, col = cell
    if row >= rows or col >= cols:
        what = {"output": "output", "grad_input": "input", "grad_weight": "kernel"}[ask]
        raise ValueError(
            f"quiz.cell: [{row}, {col}] is outside the {rows}x{cols} {what} (rows and columns "
            "count from 0)"
        )
