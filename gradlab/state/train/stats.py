"""Per-layer distributions over time (histograms, and the percentile bands read from them), the
per-layer health checks over time, and one watched weight's value, grad and optimiser state."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gradlab.nn.modules import Module
from gradlab.nn.optim import Optimizer
from gradlab.nn.stats import ACTIVATION_EDGES, BAND_POINTS, GRAD_EDGES, LayerStats, percentiles
from gradlab.state.train.history import Series, Strip

Kind = Literal["activation", "grad"]


@dataclass(frozen=True, eq=False)
class Health:
    """Karpathy's checks of a run, layer by layer from the input: each layer's last measured
    saturation (tanh, sigmoid, ReLU layers) and grad:data (layers with a weight), and the
    update:data of each layer with a weight over the steps (log₁₀, as he plots it)."""

    saturated: tuple[float, ...]
    grad_data: tuple[float, ...]
    update_data: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...]
    """(steps, log₁₀ update:data) per layer with a weight."""

    @property
    def empty(self) -> bool:
        return not (self.saturated or self.grad_data or self.update_data)


class LayerStrips:
    """For every layer: its activation histogram and its output-grad histogram over steps
    (log₁₀|g| bins, so vanishing or exploding gradients show as a drift along the axis)."""

    activation_edges = ACTIVATION_EDGES
    grad_edges = GRAD_EDGES

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.names: list[str] = []
        self.kinds: dict[str, str] = {}
        self.activations: dict[str, Strip] = {}
        self.grads: dict[str, Strip] = {}
        self.saturated: dict[str, Series] = {}
        self.grad_data: dict[str, Series] = {}
        self.update_data: dict[str, Series] = {}
        """log₁₀ of the ratio, as plotted."""

    def append(self, x: float, stats: Sequence[LayerStats]) -> None:
        for layer in stats:
            if layer.name not in self.activations:
                self.names.append(layer.name)
                self.kinds[layer.name] = layer.kind
                self.activations[layer.name] = Strip(len(ACTIVATION_EDGES) - 1)
                self.grads[layer.name] = Strip(len(GRAD_EDGES) - 1)
            self.activations[layer.name].append(x, np.asarray(layer.activation.counts))
            if layer.activation_grad is not None:
                self.grads[layer.name].append(x, np.asarray(layer.activation_grad.counts))
            for kept, value in (
                (self.saturated, layer.saturated),
                (self.grad_data, layer.grad_data),
                (self.update_data, _log10(layer.update_data)),
            ):
                if value is not None and math.isfinite(value):
                    kept.setdefault(layer.name, Series()).append(x, value)

    def label(self, name: str) -> str:
        return f"{name} {self.kinds.get(name, '')}".strip()

    def bands(self, name: str, kind: Kind) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """TensorBoard's distribution of layer `name` over the steps: (steps, bands), the bands
        (`nn.stats.BAND_POINTS`) read from the histograms, one row per step sampled. Merged
        samples (see `Strip`) are banded as the mixture they are."""
        strip, edges = (
            (self.activations[name], ACTIVATION_EDGES)
            if kind == "activation"
            else (self.grads[name], GRAD_EDGES)
        )
        if len(strip) == 0:
            return np.zeros(0), np.zeros((0, len(BAND_POINTS)))
        return strip.x, percentiles(strip.image, edges)

    def health(self) -> Health:
        """Each check's last value per layer, in the model's order, and update:data over time."""
        ordered = [name for name in self.names if name in self.saturated]
        weighted = [name for name in self.names if name in self.grad_data]
        last = [self.saturated[name].last for name in ordered]
        ratios = [self.grad_data[name].last for name in weighted]
        return Health(
            saturated=tuple(value for value in last if value is not None),
            grad_data=tuple(value for value in ratios if value is not None),
            update_data=tuple(
                (series.x, series.y)
                for name in weighted
                if (series := self.update_data.get(name)) is not None
            ),
        )


def _log10(value: float | None) -> float | None:
    return None if value is None or value <= 0 else math.log10(value)


@dataclass(frozen=True)
class WeightSample:
    """One weight after one step: its value (after the update), its grad (of that step) and each
    optimiser state entry (momentum buffer, Adam's moments), by name."""

    value: float
    grad: float | None
    state: tuple[tuple[str, float], ...]


def sample_weight(model: Module, optimizer: Optimizer, name: str, index: int) -> WeightSample:
    """Entry `index` (flat) of parameter `name`, as `model` and `optimizer` hold it now."""
    param = dict(model.named_parameters())[name]
    grad = None if param.grad is None else float(np.asarray(param.grad).flat[index])
    state = []
    for key, array in optimizer.state(param).items():
        values: Any = array
        if np.ndim(values) == 0:
            continue  # Adam's step counter, not a per-weight quantity
        state.append((key, float(values.flat[index])))
    return WeightSample(float(param.data.flat[index]), grad, tuple(state))


class WatchedWeight:
    """One entry of one parameter over the steps: value, grad and optimiser state."""

    def __init__(self, name: str, index: int) -> None:
        self.name = name
        self.index = index
        self.value = Series()
        self.grad = Series()
        self.state: dict[str, Series] = {}

    def add(self, x: float, sample: WeightSample) -> None:
        self.value.append(x, sample.value)
        if sample.grad is not None:
            self.grad.append(x, sample.grad)
        for key, value in sample.state:
            self.state.setdefault(key, Series()).append(x, value)

    @property
    def label(self) -> str:
        return f"{self.name}[{self.index}]"
