"""One digit as a trained network reads it, and a drawing made into such a digit.

`to_mnist` prepares a drawing as MNIST's digits were prepared (LeCun, Cortes and Burges): the
ink's bounding box scaled to fit a 20×20 box, keeping its aspect ratio, with anti-aliasing (each
new pixel the mean of the area it covers), then placed in the 28×28 field so that its centre of
mass sits at the field's centre. `read_digit` runs one digit through a model in eval mode: the
class probabilities (softmax of its scores), the feature maps after every conv layer and the
learned filters of every conv layer (of the first layer, for a model without convolutions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn.layers import Conv2d, Linear, ReLU, Sigmoid, Tanh
from gradlab.nn.modules import Module, Sequential

Array = NDArray[Any]
SIDE = 28
BOX = 20
CENTRE = SIDE / 2
"""Where the centre of mass goes, in pixel indices: MNIST's own digits put it at (14, 14) (the
shipped test digits' average is (14.01, 14.00), measured), not at 13.5, halfway between the
middle pixels."""
MAX_TILES = 16
"""Maps, filters and input channels shown per layer."""
ACTIVATION_LAYERS = (Tanh, ReLU, Sigmoid)


def _area_weights(before: int, after: int) -> NDArray[np.float64]:
    """(after, before) weights that average the part of `before` pixels each of `after` pixels
    covers (the new pixel i spans [i, i + 1) · before / after of the old axis)."""
    scale = before / after
    starts = np.arange(after)[:, None] * scale
    old = np.arange(before)[None, :]
    overlap = np.minimum(starts + scale, old + 1) - np.maximum(starts, old)
    weights: NDArray[np.float64] = np.clip(overlap, 0.0, None) / scale
    return weights


def to_mnist(drawing: Array) -> NDArray[np.float32]:
    """A drawing (rows × columns of ink from 0 to 1 on a 0 background) as a 28×28 MNIST digit
    (see the module docstring); zeros for a blank drawing. The centring shift is a whole number
    of pixels, as it leaves the strokes as sharp as they were drawn."""
    ink = np.clip(np.nan_to_num(np.asarray(drawing, np.float64)), 0.0, 1.0)
    if ink.ndim != 2:
        raise ValueError(f"a drawing is rows of pixels, not an array of shape {ink.shape}")
    field = np.zeros((SIDE, SIDE), np.float32)
    rows, columns = np.flatnonzero(ink.max(axis=1) > 0), np.flatnonzero(ink.max(axis=0) > 0)
    if rows.size == 0:
        return field
    crop = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = _area_weights(h, new_h) @ crop @ _area_weights(w, new_w).T
    mass = small.sum()
    centre_y = float(small.sum(axis=1) @ np.arange(new_h)) / mass
    centre_x = float(small.sum(axis=0) @ np.arange(new_w)) / mass
    top = int(np.clip(round(CENTRE - centre_y), 0, SIDE - new_h))
    left = int(np.clip(round(CENTRE - centre_x), 0, SIDE - new_w))
    field[top : top + new_h, left : left + new_w] = small
    return field


@dataclass(frozen=True, eq=False)
class Tiles:
    """Images of one layer, shown as a mosaic of `columns` per row."""

    label: str
    tiles: NDArray[np.float64]
    """(n, height, width)."""
    columns: int


@dataclass(frozen=True, eq=False)
class DigitReading:
    """What a model makes of one digit."""

    image: NDArray[np.float32]
    """The (28, 28) digit the model read."""
    probabilities: NDArray[np.float64]
    """Softmax of the model's class scores."""
    maps: tuple[Tiles, ...]
    """Per conv layer: its feature maps for this digit (after its activation, if one follows)."""
    filters: tuple[Tiles, ...]
    """Per conv layer: its filters, one row per filter, one tile per input channel; or the first
    layer's weights of each unit seen as an image, for a model without convolutions."""

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))


def layer_outputs(model: Module, x: Array) -> list[tuple[str, Module, Array]]:
    """(name, layer, output) per layer of a Sequential for the batch `x`; one triple otherwise."""
    dtype = model.parameters()[0].data.dtype
    batch = Tensor(x, dtype=dtype)
    if isinstance(model, Sequential):
        layers = list(model._modules.values())
        return [
            (name, layers[i], out.data) for i, (name, out) in enumerate(model.intermediates(batch))
        ]
    return [("output", model, model(batch).data)]


def softmax(scores: Array) -> NDArray[np.float64]:
    shifted = np.exp(np.asarray(scores, np.float64) - np.max(scores))
    probabilities: NDArray[np.float64] = shifted / shifted.sum()
    return probabilities


def read_digit(model: Module, digit: Array) -> DigitReading:
    """`model` (already in eval mode) on one (28, 28) or (1, 28, 28) digit."""
    image = np.asarray(digit, np.float32).reshape(SIDE, SIDE)
    outputs = layer_outputs(model, image[None, None])
    scores = np.nan_to_num(outputs[-1][2].reshape(-1))
    return DigitReading(image, softmax(scores), _maps(outputs), filters_of(model))


def _maps(outputs: list[tuple[str, Module, Array]]) -> tuple[Tiles, ...]:
    found: list[Tiles] = []
    for i, (_, layer, conv_out) in enumerate(outputs):
        if not isinstance(layer, Conv2d):
            continue
        after = outputs[i + 1] if i + 1 < len(outputs) else None
        activated = after is not None and isinstance(after[1], ACTIVATION_LAYERS)
        out = after[2] if after is not None and activated else conv_out
        maps = np.nan_to_num(np.asarray(out[0, :MAX_TILES], np.float64))
        n, h, w = out.shape[1:]
        label = f"conv {len(found) + 1}: {n} maps of {h}×{w}"
        found.append(Tiles(label, maps, min(len(maps), 8)))
    return tuple(found)


def filters_of(model: Module) -> tuple[Tiles, ...]:
    """Every conv layer's filters; else the first Linear's rows as square images (if square)."""
    convs = [layer for _, layer in model.named_modules() if isinstance(layer, Conv2d)]
    found = []
    for k, conv in enumerate(convs):
        weight = np.asarray(conv.weight.data, np.float64)
        out, channels, kh, kw = weight.shape
        shown = weight[:MAX_TILES, :MAX_TILES]
        tiles = shown.reshape(-1, kh, kw)
        columns = shown.shape[1] if channels > 1 else min(len(tiles), 8)
        label = f"conv {k + 1}: {out} filters of {channels}×{kh}×{kw}"
        found.append(Tiles(label, tiles, columns))
    if found:
        return tuple(found)
    first = next((layer for _, layer in model.named_modules() if isinstance(layer, Linear)), None)
    if first is None:
        return ()
    rows = np.asarray(first.weight.data[:MAX_TILES], np.float64)
    side = int(np.sqrt(rows.shape[1]))
    if side * side != rows.shape[1]:
        return ()
    label = f"layer 1: each unit's {side}×{side} weights"
    return (Tiles(label, rows.reshape(-1, side, side), 8),)
