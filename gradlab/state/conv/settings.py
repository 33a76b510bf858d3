"""What the conv lab is set to, and the arrays those settings stand for (Qt-free).

`ConvSettings` holds every control of the lab as plain values (the base input and kernel as 2-d
grids, and the further channels of a colour image). `expand_input` and `expand_weight` turn them
into the NCHW input and the (O, C, kh, kw) weight the engine convolves: channel c of the input is
channel c of the chosen image (red, green and blue of the RGB scene; a grid has one), and any
channel beyond those a seeded random −1/0/1 grid. Filter o's slice for each of the image's own
channels is the chosen kernel turned by o·90° (square kernels), so a vertical-edge preset also
shows a horizontal edge filter; its slices for random channels are seeded random grids.
`formula_lines` writes the output-size formula with the current numbers per axis;
`scene_settings` turns a lesson's conv scene into settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import numpy as np

from gradlab.data import mnist_digit
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Array
from gradlab.lessons import ConvScene, presets
from gradlab.lessons.conv_scene import BACKWARD_MODES as CONV_BACKWARD_MODES
from gradlab.lessons.conv_scene import ConvMode
from gradlab.lessons.limits import MAX_GRID_SIDE

Mode = ConvMode
MODES: tuple[Mode, ...] = get_args(ConvMode)
"""Convolution forward and backward, the two pools forward and backward, and the transposed
convolution (the modes a lesson's conv scene names)."""
POOL_MODES = frozenset(mode for mode in MODES if mode.startswith("pool"))
BACKWARD_MODES = frozenset(CONV_BACKWARD_MODES)
Upstream = Literal["ones", "random", "typed"]
UPSTREAMS: tuple[Upstream, ...] = ("ones", "random", "typed")

MNIST_CHOICE = "mnist-digit"
RANDOM_CHOICE = "random"
TYPED_CHOICE = "typed"
INPUT_CHOICES: tuple[str, ...] = (
    *presets.INPUTS,
    *presets.COLOUR_INPUTS,
    MNIST_CHOICE,
    RANDOM_CHOICE,
)
"""Named inputs the lab offers (typed grids come through `ConvScrubber.set_input_grid`)."""
KERNEL_CHOICES: tuple[str, ...] = tuple(presets.KERNELS)

MAX_SIDE = MAX_GRID_SIDE
"""The largest input side the lab draws (a 28×28 digit fits with room for padding); a lesson's
grids have the same limit."""


def _array(grid: list[list[float]] | Array, what: str) -> Array:
    """A read-only float 2-d copy of `grid`; ValueError in plain words if it is not a grid."""
    try:
        array = np.array(grid, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"the {what} must be rows of numbers of equal length") from None
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"the {what} must be rows of numbers of equal length")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"the {what} must contain finite numbers only")
    if max(array.shape) > MAX_SIDE:
        raise ValueError(f"the {what} is {array.shape[0]}×{array.shape[1]}; at most {MAX_SIDE}")
    array.setflags(write=False)
    return array


def parse_grid(text: str, what: str = "grid") -> Array:
    """Numbers typed as rows: rows split by newlines or ';', numbers by spaces or commas.

    Only `float()` reads the numbers (never eval). ValueError names the row and the bad token.
    """
    rows = [row for row in re.split(r"[;\n]", text) if row.strip()]
    if not rows:
        raise ValueError(f"the {what} is empty: type rows of numbers, e.g. 1 0 -1; 2 0 -2")
    grid: list[list[float]] = []
    for number, row in enumerate(rows, start=1):
        values = []
        for token in re.split(r"[,\s]+", row.strip()):
            try:
                values.append(float(token))
            except ValueError:
                raise ValueError(f"{what} row {number}: {token!r} is not a number") from None
        grid.append(values)
    if len({len(row) for row in grid}) != 1:
        lengths = ", ".join(str(len(row)) for row in grid)
        raise ValueError(f"the {what} rows have different lengths ({lengths})")
    return _array(grid, what)


def grid_text(array: Array) -> str:
    """`array` as `parse_grid` reads it back: one line per row."""
    return "\n".join(" ".join(format_number(float(v)) for v in row) for row in array)


def _read_only(array: Array) -> Array:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class ConvSettings:
    """Every control of the conv lab. Arrays are read-only; change settings with `replace`."""

    input: Array = field(default_factory=lambda: _array(presets.INPUTS["slides-8x8"], "input"))
    """The chosen image's first channel (the one typed values replace)."""
    input_name: str = "slides-8x8"
    colour: Array | None = None
    """A colour image's green and blue channels, (2, H, W); None for a one-channel input."""
    kernel: Array = field(default_factory=lambda: _array(presets.KERNELS["slides-3x3"], "kernel"))
    kernel_name: str = "slides-3x3"
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    in_channels: int = 1
    out_channels: int = 1
    mode: Mode = "forward"
    output_padding: int = 0
    """Transposed convolution: extra output rows and columns at the bottom and right."""
    flip: bool = False
    """True: true convolution (the kernel turned 180°); False: cross-correlation, as in DL."""
    pool_size: int = 2
    pool_stride: int = 2
    bias: float = 0.0
    upstream: Upstream = "ones"
    upstream_grid: Array | None = None
    seed: int = 0
    mnist_index: int = 0
    random_size: int = 6

    @property
    def pooling(self) -> bool:
        """Max or average pooling, forward or backward."""
        return self.mode in POOL_MODES

    @property
    def backward(self) -> bool:
        """A backward mode: an upstream gradient flows back through the windows."""
        return self.mode in BACKWARD_MODES

    @property
    def pool_kind(self) -> Literal["max", "avg"]:
        return "max" if self.mode.startswith("pool-max") else "avg"

    @property
    def image_channels(self) -> int:
        """How many channels the chosen image has (3 for a colour image, else 1)."""
        return 1 if self.colour is None else 1 + len(self.colour)

    def channel_name(self, channel: int) -> str:
        """ "red", "green", "blue" for a colour image's channels; else "ch 1", "ch 2", ..."""
        if channel < self.image_channels and self.colour is not None:
            return presets.COLOUR_CHANNELS[channel]
        return f"ch {channel + 1}"


def with_input(settings: ConvSettings, choice: str) -> ConvSettings:
    """`settings` showing the named input (a colour image brings its three channels, and as many
    input channels)."""
    if choice in presets.COLOUR_INPUTS:
        red, *rest = presets.colour_input(choice)
        colour = _read_only(np.stack([_array(grid, "input") for grid in rest]))
        return replace(
            settings,
            input=_array(red, "input"),
            input_name=choice,
            colour=colour,
            in_channels=max(settings.in_channels, 1 + len(colour)),
        )
    return replace(settings, input=named_input(choice, settings), input_name=choice, colour=None)


def named_input(choice: str, settings: ConvSettings) -> Array:
    """The base input for one of `INPUT_CHOICES` (digit and random size/seed from `settings`;
    a colour image's first channel)."""
    if choice in presets.INPUTS:
        return _array(presets.INPUTS[choice], "input")
    if choice in presets.COLOUR_INPUTS:
        return _array(presets.colour_input(choice)[0], "input")
    if choice == MNIST_CHOICE:
        return _array(mnist_digit(settings.mnist_index)[0], "input")
    if choice == RANDOM_CHOICE:
        if not 1 <= settings.random_size <= MAX_SIDE:
            raise ValueError(f"the random input size must be 1..{MAX_SIDE}")
        rng = np.random.default_rng(settings.seed)
        size = (settings.random_size, settings.random_size)
        return _read_only(rng.integers(0, 10, size).astype(np.float64))
    raise ValueError(f"unknown input {choice!r}; choose one of {', '.join(INPUT_CHOICES)}")


def named_kernel(choice: str) -> Array:
    if choice not in presets.KERNELS:
        raise ValueError(f"unknown kernel {choice!r}; choose one of {', '.join(KERNEL_CHOICES)}")
    return _array(presets.KERNELS[choice], "kernel")


def as_grid(grid: list[list[float]] | Array, what: str) -> Array:
    """A validated read-only copy of a grid given as nested lists or an array."""
    return _array(grid, what)


def _extra(seed: int, key: tuple[int, ...], shape: tuple[int, ...]) -> Array:
    # seeded per channel/filter so adding a channel never changes the others
    rng = np.random.default_rng((seed, *key))
    return rng.integers(-1, 2, shape).astype(np.float64)


def expand_input(settings: ConvSettings) -> Array:
    """The (1, C, H, W) input: the chosen image's channels, then seeded random −1/0/1 ones."""
    own = [np.asarray(settings.input)]
    if settings.colour is not None:
        own.extend(np.asarray(settings.colour))
    channels = own[: settings.in_channels]
    for c in range(len(channels), settings.in_channels):
        channels.append(_extra(settings.seed, (1, c), settings.input.shape))
    return _read_only(np.stack(channels)[None])


def expand_weight(settings: ConvSettings) -> Array:
    """The (O, C, kh, kw) kernel as the engine applies it (turned 180° when `flip` is on).

    Filter o's slice for each of the image's own channels is the kernel turned by o·90° (so a
    colour image's red, green and blue meet the same edge filter and the filter adds them up);
    slices for seeded random channels are seeded random too."""
    kernel = np.asarray(settings.kernel)
    square = kernel.shape[0] == kernel.shape[1]
    own = min(settings.image_channels, settings.in_channels)
    filters = []
    for o in range(settings.out_channels):
        first = np.rot90(kernel, o) if square else (kernel if o % 2 == 0 else -kernel)
        rest = [
            _extra(settings.seed, (2, o, c), kernel.shape) for c in range(own, settings.in_channels)
        ]
        filters.append(np.stack([first] * own + rest))
    weight = np.stack(filters)
    if settings.flip:
        weight = weight[..., ::-1, ::-1]
    return _read_only(weight.copy(order="C"))


def formula_lines(
    n: tuple[int, int], k: tuple[int, int], s: int, p: int, d: int
) -> tuple[str, ...]:
    """The output-size formula, then per axis the numbers filled in (and the result, if any)."""
    lines = ["output size per axis: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1"]
    for axis, size, kernel in (("rows", n[0], k[0]), ("cols", n[1], k[1])):
        filled = f"⌊({size} + 2·{p} − {d}·({kernel} − 1) − 1) / {s}⌋ + 1"
        numerator = size + 2 * p - d * (kernel - 1) - 1
        if s < 1:
            result = "stride must be at least 1"
        elif numerator < 0:
            result = f"⌊{numerator} / {s}⌋ + 1: the kernel does not fit"
        else:
            result = f"⌊{numerator} / {s}⌋ + 1 = {numerator // s + 1}"
        lines.append(f"{axis}: {filled} = {result}")
    return tuple(lines)


def scene_settings(scene: ConvScene) -> ConvSettings:
    """The settings a lesson's conv scene stands for: its input (a colour image brings its
    channels), kernel, geometry, mode and upstream gradient."""
    kernel = scene.kernel_grid
    if isinstance(scene.input, str):
        base = with_input(ConvSettings(), scene.input)
    else:
        base = ConvSettings(input=as_grid(scene.input_grid, "input"), input_name=TYPED_CHOICE)
    upstream: Upstream = "typed" if not isinstance(scene.upstream, str) else scene.upstream
    grid = None if isinstance(scene.upstream, str) else as_grid(scene.upstream, "upstream")
    return replace(
        base,
        kernel=as_grid(kernel, "kernel"),
        kernel_name=scene.kernel if isinstance(scene.kernel, str) else TYPED_CHOICE,
        stride=scene.stride,
        padding=scene.padding,
        dilation=scene.dilation,
        output_padding=scene.output_padding,
        in_channels=scene.in_channels or base.image_channels,
        out_channels=scene.out_channels,
        mode=scene.mode,
        flip=scene.flip,
        pool_size=len(kernel),
        pool_stride=scene.stride,
        upstream=upstream,
        upstream_grid=grid,
    )
