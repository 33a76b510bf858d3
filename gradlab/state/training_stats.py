"""Per-layer distributions over time, and one watched weight's value, grad and optimiser state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradlab.nn.modules import Module
from gradlab.nn.optim import Optimizer
from gradlab.nn.stats import ACTIVATION_EDGES, GRAD_EDGES, LayerStats
from gradlab.state.training_history import Series, Strip


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


class WatchedWeight:
    """One entry of one parameter, recorded after every step: value (after the update), grad
    (of that step) and each optimiser state entry (momentum buffer, Adam's moments)."""

    def __init__(self, name: str, index: int) -> None:
        self.name = name
        self.index = index
        self.value = Series()
        self.grad = Series()
        self.state: dict[str, Series] = {}

    def record(self, x: float, model: Module, optimizer: Optimizer) -> None:
        param = dict(model.named_parameters())[self.name]
        self.value.append(x, float(param.data.flat[self.index]))
        if param.grad is not None:
            self.grad.append(x, float(np.asarray(param.grad).flat[self.index]))
        for key, array in optimizer.state(param).items():
            values: Any = array
            if np.ndim(values) == 0:
                continue  # Adam's step counter, not a per-weight quantity
            self.state.setdefault(key, Series()).append(x, float(values.flat[self.index]))

    @property
    def label(self) -> str:
        return f"{self.name}[{self.index}]"
