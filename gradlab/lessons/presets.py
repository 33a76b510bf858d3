"""Named grids a lesson can use instead of typing numbers (conv inputs and kernels), the models a
train scene names, and the networks a lesson lists layer by layer, built with gradlab.nn for their
summary table.

A lesson writes ``input = "slides-8x8"`` or ``kernel = "sobel-x"``; inline grids work too. The
slides' worked examples come from `gradlab.data.images`, so a lesson shows exactly their numbers.
A train scene names ``model = "mlp-8-8"`` (hidden widths) or one of `ARCHITECTURES`. The RGB
scene of `gradlab.data.rgb` is a colour input (`COLOUR_INPUTS`): three grids, red, green and blue,
read from its file only when a lesson or the lab uses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradlab.data import images, rgb
from gradlab.nn.models import LayerSpec, from_specs
from gradlab.nn.modules import Sequential
from gradlab.nn.summary import layer_rows

Grid = list[list[float]]

INPUTS: dict[str, Grid] = {
    "slides-8x8": images.SLIDE_IMAGE.tolist(),
    "pooling-4x4": images.POOLING_EXAMPLE.tolist(),
    **{f"{name}-8x8": images.shape(name, 8).tolist() for name in images.SHAPES},
}

COLOUR_INPUTS: dict[str, int] = {"rgb-scene-8x8": 8, "rgb-scene-32x32": 32}
"""Colour inputs by name -> their side (each has the three channels red, green and blue)."""
COLOUR_CHANNELS = rgb.CHANNELS


def colour_input(name: str) -> list[Grid]:
    """The red, green and blue grids of a colour input (0-255 per pixel)."""
    if name not in COLOUR_INPUTS:
        raise ValueError(
            f"unknown colour input {name!r} (colour inputs: {', '.join(COLOUR_INPUTS)})"
        )
    grids: list[Grid] = rgb.rgb_blocks(COLOUR_INPUTS[name]).tolist()
    return grids


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


ARCHITECTURES = ("mlp", "mnist-cnn", "lenet5", "linear", "autoencoder")
""""mlp" is built from hidden widths; the others are the CNN/linear presets for digits and the
digit autoencoder (trained to rebuild its input)."""
IMAGE_ONLY = frozenset({"mnist-cnn", "lenet5", "autoencoder"})
DEFAULT_HIDDEN = (16, 16)
AUTOENCODER_HIDDEN = (256,)
AUTOENCODER_CODE = 32
"""A lesson's autoencoder: 784 → 256 → 32 → 256 → 784 unless it names another code size."""


def hidden_from_slug(slug: str) -> tuple[int, ...] | None:
    """ "mlp-8-8" -> (8, 8); "mlp" -> the default; None for other slugs."""
    parts: Sequence[str] = slug.split("-")
    if parts[0] != "mlp" or not all(p.isdigit() and int(p) > 0 for p in parts[1:]):
        return None
    return tuple(int(p) for p in parts[1:]) or DEFAULT_HIDDEN


def build_model(layers: Sequence[LayerSpec]) -> Sequential:
    """The network a lesson lists layer by layer (weights seeded; only shapes and counts matter)."""
    return from_specs(layers, rng=0)


def model_table(
    layers: Sequence[LayerSpec], input_shape: tuple[int, ...]
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
