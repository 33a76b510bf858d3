"""What the training lab draws for one model state: a `Frame`.

For 2D data: the decision boundary over a grid (as confidence in class 1, -1..1) and each hidden
neuron's own output over the same grid. For digits: how the model reads one chosen test digit
(its filters, the digit's feature maps at every conv layer, its class probabilities), the
confusion matrix and the misclassified test digits. For the autoencoder: one test digit of each
class as it went in (noisy, when it denoises), as it is and as rebuilt, its first layer's weights,
and with a 2-unit code every test digit's code, a point in the plane. Everything is
computed in eval mode (dropout off, batch norm on running statistics) from the weights alone, so
a snapshot's frame is a pure function of that snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.data import Dataset
from gradlab.engine.tensor import Tensor
from gradlab.nn.evaluate import Objective, confusion_matrix
from gradlab.nn.modules import Module, Sequential
from gradlab.state.train.digit import (
    ACTIVATION_LAYERS,
    DigitReading,
    Tiles,
    filters_of,
    layer_outputs,
    read_digit,
)
from gradlab.state.train.snapshots import Evaluation

Array = NDArray[Any]
GRID = 48
MAX_NEURON_MAPS = 32
MAX_MISCLASSIFIED = 500


@dataclass(frozen=True, eq=False)
class Frame:
    step: int
    epoch: int
    live: bool
    evaluation: Evaluation | None
    boundary: NDArray[np.float64] | None = None
    """(GRID, GRID) confidence in class 1 from -1 to 1, row = y, column = x."""
    extent: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
    """x_min, x_max, y_min, y_max of the grid."""
    neurons: tuple[tuple[str, NDArray[np.float64]], ...] = ()
    """(layer label, (n, GRID, GRID) outputs) for each hidden activation layer."""
    digit: DigitReading | None = None
    """How the model reads the chosen test digit: filters, feature maps, probabilities."""
    confusion: NDArray[np.int64] | None = None
    misclassified: tuple[tuple[int, int], ...] = ()
    """(test index, predicted class) of the misclassified test examples (the first 500)."""
    filters: tuple[Tiles, ...] = ()
    """Autoencoder: its first layer's weights seen as images (a digit model's are in `digit`)."""
    examples: tuple[tuple[str, NDArray[np.float64]], ...] = ()
    """Autoencoder: (row name, (n, h, w) images) for "noisy" (what the model saw, when it
    denoises), "original" and "rebuilt", the same n test digits in each."""
    code_values: NDArray[np.float64] | None = None
    """Autoencoder: (n, code size) codes of the digits of `examples`."""
    codes: NDArray[np.float64] | None = None
    """Autoencoder with a 2-unit code: (n, 2) codes of all the test digits."""
    code_digits: NDArray[np.int64] | None = None
    """The class of each of `codes`' digits."""


def extent_of(data: Dataset, margin: float = 0.5) -> tuple[float, float, float, float]:
    points = np.concatenate([data.x_train, data.x_test])
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def grid_points(extent: tuple[float, float, float, float], n: int = GRID) -> NDArray[np.float32]:
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[2], extent[3], n)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def confidence(output: Array, goal: Objective) -> NDArray[np.float64]:
    """Each output row as a confidence in class 1 in [-1, 1] (0 on the boundary)."""
    out = np.asarray(output, np.float64)
    if out.ndim == 2 and out.shape[1] > 1:
        shifted = np.exp(out - out.max(axis=1, keepdims=True))
        probs = shifted / shifted.sum(axis=1, keepdims=True)
        margin: NDArray[np.float64] = probs[:, 1] - probs[:, 0]
        return margin
    score = out.reshape(-1)
    if goal.name == "mse":
        return np.clip(2.0 * score - 1.0, -1.0, 1.0)
    if goal.name == "hinge":
        return np.clip(score, -1.0, 1.0)
    return np.tanh(score / 2.0)  # = 2·sigmoid(score) − 1


def frame_2d(
    model: Module, goal: Objective, data: Dataset, step: int, epoch: int, **common: Any
) -> Frame:
    extent = extent_of(data)
    outputs = layer_outputs(model, grid_points(extent))
    boundary = np.nan_to_num(confidence(outputs[-1][2], goal).reshape(GRID, GRID))
    neurons = []
    for name, layer, out in outputs[:-1]:
        if isinstance(layer, ACTIVATION_LAYERS) and out.ndim == 2:
            maps = out[:, :MAX_NEURON_MAPS].T.reshape(-1, GRID, GRID).astype(np.float64)
            maps = np.nan_to_num(maps, posinf=0.0, neginf=0.0)
            neurons.append((f"{name} {type(layer).__name__}", maps))
    return Frame(step, epoch, boundary=boundary, extent=extent, neurons=tuple(neurons), **common)


def shown_digits(data: Dataset) -> NDArray[np.int64]:
    """The first test example of every class that has one, in class order."""
    first = [np.flatnonzero(data.y_test == c)[:1] for c in range(data.num_classes)]
    return np.concatenate(first).astype(np.int64)


def frame_reconstruction(
    model: Sequential,
    data: Dataset,
    inputs: Array,
    code_at: int,
    step: int,
    epoch: int,
    **common: Any,
) -> Frame:
    """`model` an autoencoder (`gradlab.nn.models.autoencoder`) whose layer `code_at` outputs the
    code; `inputs` the test inputs it is evaluated on (noisy ones when it denoises)."""
    shown = shown_digits(data)
    side = data.input_shape[-2:]
    dtype = model.parameters()[0].data.dtype
    layers = model.intermediates(Tensor(inputs[shown], dtype=dtype))
    rebuilt = layers[-1][1].data.reshape(len(shown), *side)
    code_values = _finite(layers[code_at][1].data)
    rows = [("original", data.x_test[shown]), ("rebuilt", rebuilt)]
    if inputs is not data.x_test:
        rows.insert(0, ("noisy", inputs[shown]))
    examples = tuple(
        (name, np.asarray(images, np.float64).reshape(len(shown), *side)) for name, images in rows
    )
    codes = labels = None
    if code_values.shape[1] == 2:  # a plane: every test digit's code is drawn
        codes = _finite(model[: code_at + 1](Tensor(inputs, dtype=dtype)).data)
        labels = data.y_test
    return Frame(
        step, epoch, filters=filters_of(model), examples=examples, code_values=code_values,
        codes=codes, code_digits=labels, **common,
    )  # fmt: skip


def _finite(values: Array) -> NDArray[np.float64]:
    """As float64, with NaN and infinities (a model at the edge of overflow) drawn as 0."""
    return np.nan_to_num(np.asarray(values, np.float64), posinf=0.0, neginf=0.0)


def frame_images(
    model: Module, data: Dataset, digit: int, step: int, epoch: int, **common: Any
) -> Frame:
    evaluation: Evaluation | None = common.get("evaluation")
    confusion = None
    wrong: tuple[tuple[int, int], ...] = ()
    if evaluation is not None and evaluation.predictions is not None:
        confusion = confusion_matrix(data.y_test, evaluation.predictions, data.num_classes)
        missed = np.flatnonzero(evaluation.predictions != data.y_test)[:MAX_MISCLASSIFIED]
        wrong = tuple((int(i), int(evaluation.predictions[i])) for i in missed)
    return Frame(
        step,
        epoch,
        digit=read_digit(model, data.x_test[digit]),
        confusion=confusion,
        misclassified=wrong,
        **common,
    )
