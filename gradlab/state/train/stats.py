"""Per-layer distributions over time, and one watched weight's value, grad and optimiser state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradlab.nn.modules import Module
from gradlab.nn.optim import Optimizer
from gradlab.nn.stats import ACTIVATION_EDGES, GRAD_EDGES, LayerStats
from gradlab.state.train.history import Series, Strip


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

    def label(self, name: str) -> str:
        return f"{name} {self.kinds.get(name, '')}".strip()


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
