"""Named grids a lesson can use instead of typing numbers (conv inputs and kernels), and the
networks a lesson lists layer by layer, built with gradlab.nn for their summary table.

A lesson writes ``input = "slides-8x8"`` or ``kernel = "sobel-x"``; inline grids work too. The
slides' worked examples come from `gradlab.data.images`, so a lesson shows exactly their numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from gradlab.data import images
from gradlab.nn.layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sigmoid, Tanh
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.summary import layer_rows

Grid = list[list[float]]

INPUTS: dict[str, Grid] = {
    "slides-8x8": images.SLIDE_IMAGE.tolist(),
    "pooling-4x4": images.POOLING_EXAMPLE.tolist(),
    **{f"{name}-8x8": images.shape(name, 8).tolist() for name in images.SHAPES},
}

KERNELS: dict[str, Grid] = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "slides-3x3": images.SLIDE_FILTER.tolist(),
    "vertical-edge": images.VERTICAL_EDGE_3.tolist(),
    "vertical-edge-5x5": images.VERTICAL_EDGE_5.tolist(),
    "horizontal-edge": images.VERTICAL_EDGE_3.T.tolist(),
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "box-blur": [[1 / 9] * 3 for _ in range(3)],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}


class LayerLike(Protocol):
    """The fields of `gradlab.lessons.schema.Layer` a model is built from."""

    @property
    def type(self) -> str: ...
    @property
    def in_(self) -> int | None: ...
    @property
    def out(self) -> int | None: ...
    @property
    def kernel_size(self) -> int | None: ...
    @property
    def stride(self) -> int | None: ...
    @property
    def padding(self) -> int | None: ...


_ACTIVATIONS: dict[str, type[Module]] = {
    "flatten": Flatten,
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
}


def build_model(layers: Sequence[LayerLike]) -> Sequential:
    """The network a lesson lists layer by layer (weights seeded; only shapes and counts matter)."""
    rng = np.random.default_rng(0)
    modules: list[Module] = []
    for layer in layers:
        k, padding = layer.kernel_size or 1, layer.padding or 0
        if layer.type == "linear" and layer.in_ and layer.out:
            modules.append(Linear(layer.in_, layer.out, rng=rng))
        elif layer.type == "conv2d" and layer.in_ and layer.out:
            modules.append(Conv2d(layer.in_, layer.out, k, layer.stride or 1, padding, rng=rng))
        elif layer.type == "max_pool2d":
            modules.append(MaxPool2d(k, layer.stride, padding))
        elif layer.type == "avg_pool2d":
            modules.append(AvgPool2d(k, layer.stride, padding))
        else:
            modules.append(_ACTIVATIONS[layer.type]())
    return Sequential(*modules)


def model_table(
    layers: Sequence[LayerLike], input_shape: tuple[int, ...]
) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of `gradlab.nn.summary` for a listed network: shapes and parameters.

    Raises ValueError in plain words when the layers do not fit the input or each other.
    """
    model = build_model(layers)
    try:
        summary = layer_rows(model, input_shape)
    except (ValueError, IndexError) as err:
        raise ValueError(
            f"model: the layers do not fit an input of shape {input_shape}: {err}"
        ) from None
    # counts as text with thousands separators, as summary() prints them ("61,706")
    rows: list[list[str]] = [
        [
            f"{int(row.name) + 1}. {row.kind}",
            " × ".join(map(str, row.output_shape)),
            f"{row.params:,}",
        ]
        for row in summary
    ]
    rows.append(["total", "", f"{model.num_parameters():,}"])
    return ["layer", "output shape", "parameters"], rows
