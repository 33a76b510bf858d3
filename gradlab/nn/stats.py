"""Per-layer statistics of one training step: how activations and gradients are distributed,
and the health checks Karpathy teaches (nn-zero-to-hero, makemore part 3).

Histograms use fixed bins so that steps can be compared (and animated): activations on a linear
scale, gradients on log₁₀|g|, where vanishing and exploding gradients show as a drift along the
axis. Values outside the range are counted in the first or last bin. `percentiles` reads
TensorBoard's distribution bands back out of such a histogram.

The health checks, per layer: the share of a tanh or sigmoid's outputs in its flat tails
(saturated: the local gradient there is under 6 % of its peak), the weight grad's spread against
the weight's (grad:data) and the update's spread against the weight's (update:data, about 1e-3
when a layer learns at a good pace).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn.layers import ReLU, Sigmoid, Tanh
from gradlab.nn.modules import Module, Sequential

ACTIVATION_EDGES = np.linspace(-3.0, 3.0, 25)
"""24 bins of width 0.25 over [-3, 3]."""
GRAD_EDGES = np.linspace(-10.0, 0.0, 21)
"""20 bins of log₁₀|g| over [-10, 0] (|g| from 1e-10 to 1); exact zeros fall in the first."""
SATURATED = 0.97
"""|t| above this counts as saturated (Karpathy's threshold): tanh′(t) = 1 − t² is then below
6 % of its peak. A sigmoid s is judged by 2s − 1, its tanh-shaped counterpart (the same share
of its peak slope)."""
BAND_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)
"""TensorBoard's distribution bands in basis points (min, 7, 16, 31, 50, 69, 84, 93 %, max):
the normal CDF at 0, ±0.5, ±1 and ±1.5 σ, so on normal data the bands are half a σ apart."""


@dataclass(frozen=True)
class Stats:
    mean: float
    std: float
    counts: tuple[int, ...]
    """Histogram counts over the matching EDGES."""


@dataclass(frozen=True)
class LayerStats:
    """One layer in one step: its output, the grad of the loss at that output, its weight grad."""

    name: str
    kind: str
    activation: Stats
    activation_grad: Stats | None
    """None when no grad reached this output (e.g. nothing before it needs grads)."""
    weight_grad: Stats | None
    """Over all of the layer's parameters' grads together; None for a layer without any."""
    dead: float
    """The fraction of output units that are exactly 0 for every example of the batch (dead
    ReLUs)."""
    saturated: float | None = None
    """Tanh, sigmoid: the share of outputs in the flat tails (|t| > `SATURATED`); ReLU: the
    share of outputs at 0, where it passes no gradient; None for other layers."""
    grad_data: float | None = None
    """std(weight grad) / std(weight) of a layer with a weight matrix or kernel; else None."""
    update_data: float | None = None
    """std(the optimiser's change of the weight) / std(weight), filled by `with_updates`."""


def _linear(values: NDArray[Any]) -> Stats:
    return _stats(values, values, ACTIVATION_EDGES)


def _logarithmic(values: NDArray[Any]) -> Stats:
    magnitude = np.log10(np.maximum(np.abs(values), 1e-30))
    return _stats(values, magnitude, GRAD_EDGES)


def _stats(values: NDArray[Any], binned: NDArray[Any], edges: NDArray[Any]) -> Stats:
    """Mean and std of `values`, histogram of `binned` over the evenly spaced `edges` (values
    outside fall in the end bins). Bin index arithmetic and bincount instead of np.histogram and
    np.std: the same numbers at a third of the cost, which is most of a small net's stats step."""
    flat = values.ravel().astype(np.float64)
    mean = float(flat.sum()) / flat.size
    centred = flat - mean
    std = math.sqrt(float(centred @ centred) / flat.size)
    bins = len(edges) - 1
    inside = np.clip(binned.ravel(), edges[0], edges[-1])
    index = np.minimum(
        ((inside - edges[0]) * (bins / (edges[-1] - edges[0]))).astype(np.intp), bins - 1
    )
    # rounding in the scaling can land a value next to its bin (3 − 1e-102 is 3.0): fix as
    # np.histogram does, against the edges themselves
    index -= inside < edges[index]
    index += (inside >= edges[index + 1]) & (index < bins - 1)
    counts = np.bincount(index, minlength=bins)
    return Stats(mean, std, tuple(counts.tolist()))


def saturation(layer: Module, output: NDArray[Any]) -> float | None:
    """The share of `output` where `layer` passes (almost) no gradient back: a tanh's or
    sigmoid's flat tails, a ReLU's zeros; None for a layer that does not saturate."""
    if isinstance(layer, Tanh):
        tails = np.abs(output) > SATURATED
    elif isinstance(layer, Sigmoid):
        tails = np.abs(2.0 * output - 1.0) > SATURATED
    elif isinstance(layer, ReLU):
        tails = output <= 0
    else:
        return None
    return float(np.count_nonzero(tails)) / max(output.size, 1)


def _weight(layer: Module) -> Tensor | None:
    """The layer's weight matrix or kernel (Karpathy's checks leave biases and norms out)."""
    weight = getattr(layer, "weight", None)
    return weight if isinstance(weight, Tensor) and weight.data.ndim >= 2 else None


def _spread_ratio(top: NDArray[Any], bottom: NDArray[Any]) -> float:
    """std(top) / std(bottom), in float64; inf when `bottom` does not vary."""
    low = float(np.std(bottom, dtype=np.float64))
    high = float(np.std(top, dtype=np.float64))
    return high / low if low > 0 else math.inf


def layer_stats(model: Module, layers: list[tuple[str, Tensor]]) -> tuple[LayerStats, ...]:
    """Statistics of each (name, output) pair after backward() (grads are read, not changed)."""
    children = model._modules if isinstance(model, Sequential) else {}
    result = []
    for name, out in layers:
        layer = children.get(name, model)
        grads = [p.grad.ravel() for p in layer.parameters() if p.grad is not None]
        data = out.data
        dead = float((data == 0).all(axis=0).mean()) if data.ndim > 1 else 0.0
        weight = _weight(layer)
        grad_data = None
        if weight is not None and weight.grad is not None:
            grad_data = _spread_ratio(weight.grad, weight.data)
        result.append(
            LayerStats(
                name=name,
                kind=type(layer).__name__,
                activation=_linear(data),
                activation_grad=None if out.grad is None else _logarithmic(out.grad),
                weight_grad=_logarithmic(np.concatenate(grads)) if grads else None,
                dead=dead,
                saturated=saturation(layer, data),
                grad_data=grad_data,
            )
        )
    return tuple(result)


def weights(model: Module, stats: tuple[LayerStats, ...]) -> dict[str, NDArray[Any]]:
    """Copies of the weights of the layers in `stats` that have one (before an update)."""
    children = model._modules if isinstance(model, Sequential) else {}
    copies = {}
    for layer in stats:
        weight = _weight(children.get(layer.name, model))
        if weight is not None:
            copies[layer.name] = np.array(weight.data)
    return copies


def with_updates(
    model: Module, stats: tuple[LayerStats, ...], before: dict[str, NDArray[Any]]
) -> tuple[LayerStats, ...]:
    """`stats` with update:data filled in: what the optimiser changed in each weight since
    `before` (from `weights`), against the weight's spread. Measured, not lr·grad, so momentum,
    Adam and weight decay count as they act."""
    children = model._modules if isinstance(model, Sequential) else {}
    result = []
    for layer in stats:
        weight = _weight(children.get(layer.name, model))
        old = before.get(layer.name)
        if weight is None or old is None:
            result.append(layer)
            continue
        change = np.asarray(weight.data, np.float64) - old
        result.append(replace(layer, update_data=_spread_ratio(change, old)))
    return tuple(result)


def percentiles(
    counts: NDArray[Any], edges: NDArray[Any], points: tuple[int, ...] = BAND_POINTS
) -> NDArray[np.float64]:
    """The values at `points` (basis points, 0 to 10,000) of each histogram in `counts` (rows
    over the bins between `edges`), as TensorBoard compresses a histogram: the cumulative count
    is interpolated linearly inside the bin where it crosses each point (values spread evenly
    within a bin). 0 is the left edge of the first non-empty bin, 10,000 the right edge of the
    last; a row without counts gives NaN. Shape: counts' rows × len(points)."""
    rows = np.atleast_2d(np.asarray(counts, np.float64))
    edges = np.asarray(edges, np.float64)
    totals = rows.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(rows, axis=1) / np.where(totals > 0, totals, 1.0)
    before = np.concatenate([np.zeros((len(rows), 1)), cumulative[:, :-1]], axis=1)
    result = np.full((len(rows), len(points)), np.nan)
    for j, point in enumerate(points):
        share = point / 10_000
        # the first bin whose cumulative share reaches the point, among non-empty bins
        reached = (cumulative >= share - 1e-12) & (rows > 0)
        if share == 0.0:
            reached = rows > 0
        index = np.argmax(reached, axis=1)
        found = reached[np.arange(len(rows)), index] & (totals[:, 0] > 0)
        width = edges[index + 1] - edges[index]
        inside = rows[np.arange(len(rows)), index] / np.where(totals[:, 0] > 0, totals[:, 0], 1)
        start = before[np.arange(len(rows)), index]
        fraction = np.clip((share - start) / np.where(inside > 0, inside, 1.0), 0.0, 1.0)
        result[found, j] = (edges[index] + fraction * width)[found]
    return result
