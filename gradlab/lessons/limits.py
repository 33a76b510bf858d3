"""How large anything in a lesson may be, and what a network costs, worked out by arithmetic alone.

Each limit is one constant: the schema states it (so resources/lesson.schema.json shows it) and
the builders of what a lesson describes (the conv lab's settings, the training lab's settings,
`gradlab train`) check the very same constant, so a lesson that loads also builds. A network's
cost comes from its declared shapes before anything is allocated: one asking for more than
`MEMORY_LIMIT` is refused in microseconds, with the number it asked for.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from gradlab.lessons import presets
from gradlab.nn.models import LayerSpec

MEMORY_LIMIT = 200_000_000
"""Bytes one step's network may need (about 200 MB): weights, their copies, and activations."""
BYTES_PER_NUMBER = 4
"""gradlab.nn computes in float32."""

MAX_STEPS = 200
"""Steps in one lesson."""
MAX_TEXT_IMAGES = 200
"""Images one step's text names: the window lays 200 out in 0.02 s, 20,000 froze it for 2.3 s."""
MAX_ACTIONS = 4
"""Actions a guided step asks for: each is a line under the step's text, which must leave the
scene its room on a 768-line projector."""
MAX_ACTION_TEXT = 120
"""Characters of an action's own text: one line of the step panel."""
MAX_GRID_SIDE = 64
"""Rows or columns of a conv input or kernel grid: the most the conv lab draws."""
MAX_CHANNELS = 4
"""Input channels or filters of the conv lab: the most maps it draws side by side."""
MAX_CONV_STEP = 8
"""Stride, padding, dilation and pooling window of the conv lab (the range of its controls)."""
MAX_TRANSPOSED_PRODUCTS = 4_000_000
"""Products of the conv lab's transposed convolution (output cells × kernel cells × channels ×
filters; its check against the forward convolution's gradient takes as many again): about 0.1 s.
A 64 × 64 input with stride 8 and a dilated 64 × 64 kernel would ask for 4 × 10⁹."""
MAX_KERNEL = 16
"""Kernel size, stride and padding of a listed network's layer."""
MAX_LAYERS = 64
"""Layers of a listed network; hidden layers of an MLP."""
MAX_WIDTH = 16_384
"""Features, units or channels of one layer."""
MAX_INPUT_SIDE = 4096
"""One dimension of a listed network's input shape."""
MAX_BATCH = 4096
MAX_EPOCHS = 1000
MAX_TRAIN_STEPS = 1_000_000
MAX_POINTS = 5000
"""Points of a playground dataset."""
MAX_PLOT_X = 1e6
"""The largest |x| a plot may show: wider ranges overflow the axes' arithmetic."""
MIN_PLOT_WIDTH = 1e-6
"""The narrowest x range a plot may show (pyqtgraph fails on a range of 1e-300)."""
MAX_PLOT_FUNCTIONS = 8
MAX_SAMPLES = 2001
MAX_TABLE_ROWS = 200
MAX_TABLE_COLUMNS = 20

SUMMARY_COPIES = 3
"""A model summary holds the float32 weights and, while initialising them, a float64 draw."""
LAB_COPIES = 56
"""The training lab holds the weights, a probe copy, the gradients, two Adam moments, up to 49
snapshots for rewinding and a worker's copy."""
CLI_COPIES = 6
"""`gradlab train` holds the weights, gradients, two Adam moments and the float64 draw."""
PROBE_EXAMPLES_2D = 48 * 48
"""The training lab draws a 2D set's decision boundary from a 48 × 48 grid, in one pass."""
PROBE_EXAMPLES_IMAGES = 250
"""The training lab evaluates digits 250 at a time."""
CLI_PROBE_EXAMPLES = 500
"""`gradlab train` evaluates 500 examples at a time (gradlab.nn.evaluate)."""
IMAGE_SHAPE = (1, 28, 28)
IMAGE_CLASSES = 10
POINT_SHAPE = (2,)
POINT_CLASSES = 2


@dataclass(frozen=True)
class Cost:
    """What a network needs: its parameters, and the numbers one example makes on its way through
    (the input, every layer's output, a convolution's unfolded windows)."""

    parameters: int
    numbers: int

    def bytes(self, *, copies: int, examples: int) -> int:
        return BYTES_PER_NUMBER * (self.parameters * copies + self.numbers * examples)


def dataset_shape(dataset: str) -> tuple[tuple[int, ...], int]:
    """One example's shape and the number of classes of a built-in dataset."""
    if dataset == "mnist":
        return IMAGE_SHAPE, IMAGE_CLASSES
    return POINT_SHAPE, POINT_CLASSES


def training_examples(dataset: str, batch_size: int) -> int:
    """Twice the most examples the training lab runs through a model at once (a batch, or the
    examples it evaluates in one pass): their activations, and as many gradients or working
    arrays (measured: a conv net's training peak is 1.3 times its activations)."""
    probe = PROBE_EXAMPLES_IMAGES if dataset == "mnist" else PROBE_EXAMPLES_2D
    return 2 * max(batch_size, probe)


def mlp_cost(widths: Sequence[int]) -> Cost:
    """Linear layers of the given widths (input first) with an activation between each two."""
    parameters = sum(a * b + b for a, b in itertools.pairwise(widths))
    hidden = sum(widths[1:-1])
    return Cost(parameters, sum(widths) + hidden)


def network_cost(specs: Sequence[LayerSpec], input_shape: Sequence[int]) -> Cost:
    """The cost of the layers on one example of `input_shape` (without the batch dimension).

    Raises ValueError in plain words when a layer does not fit its input, so nothing larger than
    this arithmetic followed is ever built.
    """
    shape = tuple(input_shape)
    parameters, numbers = 0, math.prod(shape)
    for index, spec in enumerate(specs, start=1):
        layer_parameters, shape, work = _layer(spec, shape, index)
        parameters += layer_parameters
        numbers += math.prod(shape) + work
    return Cost(parameters, numbers)


def check_train_model(model: str | Sequence[LayerSpec], dataset: str, batch_size: int) -> None:
    """ValueError unless a train scene's model (a preset's name or a list of layers) exists, fits
    the dataset, and fits `MEMORY_LIMIT` in the training lab."""
    shape, classes = dataset_shape(dataset)
    if isinstance(model, str):
        cost = _preset_cost(model, dataset, math.prod(shape), classes)
    else:
        cost = network_cost(model, shape)
    if cost is not None:
        check_budget(cost, copies=LAB_COPIES, examples=training_examples(dataset, batch_size))


def check_budget(cost: Cost, *, copies: int, examples: int, what: str = "this network") -> None:
    """ValueError with the number asked for when `cost` needs more than `MEMORY_LIMIT`."""
    needed = cost.bytes(copies=copies, examples=examples)
    if needed > MEMORY_LIMIT:
        raise ValueError(
            f"{what} needs about {size_text(needed)} ({cost.parameters:,} parameters, "
            f"{cost.numbers:,} numbers per example); at most {size_text(MEMORY_LIMIT)} are allowed"
        )


def check_transposed(
    output: tuple[int, int], kernel: tuple[int, int], channels: int, filters: int
) -> None:
    """ValueError unless a transposed convolution of this size fits `MAX_TRANSPOSED_PRODUCTS`."""
    products = output[0] * output[1] * kernel[0] * kernel[1] * channels * filters
    if products > MAX_TRANSPOSED_PRODUCTS:
        raise ValueError(
            f"a {output[0]}×{output[1]} transposed output of a {kernel[0]}×{kernel[1]} kernel over "
            f"{channels} channel(s) and {filters} filter(s) takes {products:,} products; at most "
            f"{MAX_TRANSPOSED_PRODUCTS:,} are allowed"
        )


def size_text(count: int) -> str:
    """Bytes for people: 200000000 -> "200 MB", 3.6e12 -> "3,600 GB"."""
    if count < 1_000_000_000:
        return f"{count / 1e6:,.0f} MB" if count >= 1_000_000 else f"{count / 1e3:,.0f} kB"
    return f"{count / 1e9:,.1f} GB"


def _preset_cost(slug: str, dataset: str, inputs: int, classes: int) -> Cost | None:
    """The cost of an MLP or linear preset; None for the CNN presets (small and fixed)."""
    hidden = presets.hidden_from_slug(slug)
    if hidden is not None:
        if len(hidden) > MAX_LAYERS or max(hidden) > MAX_WIDTH:
            raise ValueError(
                f"{slug!r} asks for {len(hidden)} hidden layers of up to {max(hidden):,} units; "
                f"an MLP has at most {MAX_LAYERS} hidden layers of {MAX_WIDTH:,} units"
            )
        return mlp_cost([inputs, *hidden, classes])
    if slug not in presets.ARCHITECTURES:
        names = ", ".join(("mlp-8-8", *presets.ARCHITECTURES))
        raise ValueError(f"unknown model {slug!r} (models: {names})")
    if slug in presets.IMAGE_ONLY:
        if dataset != "mnist":
            raise ValueError(f"{slug} needs the mnist dataset")
        return None
    return mlp_cost([inputs, classes])


def _layer(spec: LayerSpec, shape: tuple[int, ...], index: int) -> tuple[int, tuple[int, ...], int]:
    """(parameters, output shape, working numbers) of one layer on an input of `shape`."""
    kind = spec.type
    if kind in {"relu", "tanh", "sigmoid", "dropout"}:
        return 0, shape, 0
    if kind == "flatten":
        return 0, (math.prod(shape),), 0
    n_in, n_out = spec.in_ or 0, spec.out or 0
    if kind == "linear" and shape[-1] == n_in:
        return n_in * n_out + n_out, (*shape[:-1], n_out), 0
    if kind in {"batch_norm1d", "batch_norm2d"} and _features(kind, shape) == n_out:
        # weight and bias; the running mean and variance (as many again, at most 128 kB) are
        # buffers, not parameters, and too small to count
        return 2 * n_out, shape, 0
    if kind in {"conv2d", "max_pool2d", "avg_pool2d"} and len(shape) == 3:
        channels, height, width = shape
        kernel = spec.kernel_size or 2
        pooling = kind != "conv2d"
        stride = spec.stride or (kernel if pooling else 1)
        padding = spec.padding or 0
        rows = (height + 2 * padding - kernel) // stride + 1
        columns = (width + 2 * padding - kernel) // stride + 1
        if rows >= 1 and columns >= 1 and (pooling or channels == n_in):
            windows = channels * kernel * kernel * rows * columns  # the unfolded input
            if pooling:
                return 0, (channels, rows, columns), windows
            return n_out * n_in * kernel * kernel + n_out, (n_out, rows, columns), windows
    shown = " × ".join(map(str, shape))
    raise ValueError(f"layer {index} ({_described(spec)}) does not fit its input of shape {shown}")


def _features(kind: str, shape: tuple[int, ...]) -> int | None:
    wanted = {"batch_norm1d": (1, 2), "batch_norm2d": (3,)}[kind]
    return shape[0] if len(shape) in wanted else None


def _described(spec: LayerSpec) -> str:
    sizes = [
        f"{name} {value}"
        for name, value in (("in", spec.in_), ("out", spec.out), ("kernel", spec.kernel_size))
        if value is not None
    ]
    return ", ".join([spec.type, *sizes])
