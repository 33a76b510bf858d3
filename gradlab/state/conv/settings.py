"""What the conv lab is set to, and the arrays those settings stand for (Qt-free).

`ConvSettings` holds every control of the lab as plain values (the base input and kernel as 2-d
grids). `expand_input` and `expand_weight` turn them into the NCHW input and the (O, C, kh, kw)
weight the engine convolves: channel 0 of the input is the chosen image and filter 0's channel 0
the chosen kernel; further channels are seeded random −1/0/1 grids, and filter o's first channel
is the kernel turned by o·90° (square kernels), so a vertical-edge preset also shows a horizontal
edge filter. `formula_lines` writes the output-size formula with the current numbers per axis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from gradlab.data import mnist_digit
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Array
from gradlab.lessons import presets
from gradlab.lessons.limits import MAX_GRID_SIDE

Mode = Literal["forward", "pool-max", "pool-avg", "backward"]
MODES: tuple[Mode, ...] = ("forward", "pool-max", "pool-avg", "backward")
Upstream = Literal["ones", "random", "typed"]
UPSTREAMS: tuple[Upstream, ...] = ("ones", "random", "typed")

MNIST_CHOICE = "mnist-digit"
RANDOM_CHOICE = "random"
TYPED_CHOICE = "typed"
INPUT_CHOICES: tuple[str, ...] = (*presets.INPUTS, MNIST_CHOICE, RANDOM_CHOICE)
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
    input_name: str = "slides-8x8"
    kernel: Array = field(default_factory=lambda: _array(presets.KERNELS["slides-3x3"], "kernel"))
    kernel_name: str = "slides-3x3"
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    in_channels: int = 1
    out_channels: int = 1
    mode: Mode = "forward"
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
        return self.mode in {"pool-max", "pool-avg"}


def named_input(choice: str, settings: ConvSettings) -> Array:
    """The base input for one of `INPUT_CHOICES` (digit and random size/seed from `settings`)."""
    if choice in presets.INPUTS:
        return _array(presets.INPUTS[choice], "input")
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
    """The (1, C, H, W) input: the chosen image, then seeded random −1/0/1 channels."""
    channels = [np.asarray(settings.input)]
    for c in range(1, settings.in_channels):
        channels.append(_extra(settings.seed, (1, c), settings.input.shape))
    return _read_only(np.stack(channels)[None])


def expand_weight(settings: ConvSettings) -> Array:
    """The (O, C, kh, kw) kernel as the engine applies it (turned 180° when `flip` is on)."""
    kernel = np.asarray(settings.kernel)
    square = kernel.shape[0] == kernel.shape[1]
    filters = []
    for o in range(settings.out_channels):
        first = np.rot90(kernel, o) if square else (kernel if o % 2 == 0 else -kernel)
        rest = [
            _extra(settings.seed, (2, o, c), kernel.shape) for c in range(1, settings.in_channels)
        ]
        filters.append(np.stack([first, *rest]))
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
