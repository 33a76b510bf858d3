"""Runs kept for comparison: the curves and health checks of a lesson's last runs, each labelled
by what differs from the others ("lr 0.001", "lr 0.5", "lr 8").

A `TrainingRun` keeps its record in its `RunMemory` when it is set up anew with other settings;
a `Session` shares one memory between the steps of a lesson and keeps the run of a step the
learner leaves, so a later step overlays the runs of the steps before it (lesson 7's learning
rates, lesson 14's sigmoid and ReLU networks). Only runs on the same dataset are compared, and a
run with the same settings as a newer one is replaced by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from gradlab.state.train.config import TrainSettings
from gradlab.state.train.history import Series
from gradlab.state.train.stats import Health

ACTIVATION_TYPES = ("tanh", "sigmoid", "relu")


@dataclass(frozen=True, eq=False)
class Curve:
    """A frozen copy of a `Series`."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]

    @classmethod
    def of(cls, series: Series) -> Curve:
        return cls(series.x, series.y)


@dataclass(frozen=True, eq=False)
class RunRecord:
    """What a finished (or abandoned) run leaves for comparison."""

    settings: TrainSettings
    steps: int
    batch_loss: Curve
    batch_accuracy: Curve
    test_accuracy: Curve
    """Per epoch (x: epochs done)."""
    batches_per_epoch: int
    health: Health


def same_run(a: TrainSettings, b: TrainSettings) -> bool:
    """The same training but for how long it goes."""
    return replace(a, epochs=None, steps=None) == replace(b, epochs=None, steps=None)


class RunMemory:
    """The last `capacity` runs kept, oldest first."""

    def __init__(self, capacity: int = 3) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self.records: list[RunRecord] = []

    def keep(self, record: RunRecord) -> None:
        """Keep `record` (a run that took no step is not worth comparing)."""
        if record.steps == 0:
            return
        self.records = [r for r in self.records if not same_run(r.settings, record.settings)]
        self.records = [*self.records, record][-self.capacity :]

    def beside(self, settings: TrainSettings) -> list[RunRecord]:
        """The kept runs to draw next to a run with `settings`: on its dataset, not its twin."""
        return [
            r
            for r in self.records
            if r.settings.dataset == settings.dataset and not same_run(r.settings, settings)
        ]

    def clear(self) -> None:
        self.records = []


def differences(runs: Sequence[TrainSettings]) -> list[str]:
    """One label per run saying what differs between them: "lr 0.001", "sigmoid", "adam, lr
    0.01"; "run 1", "run 2"... when nothing shown does."""
    facets = [_facets(s) for s in runs]
    keys = [k for k in facets[0] if len({f[k] for f in facets}) > 1] if facets else []
    labels = [", ".join(f[k] for k in keys if f[k]) for f in facets]
    if len(set(labels)) < len(labels) or not all(labels):
        labels = [
            f"{label}, run {i + 1}" if label else f"run {i + 1}" for i, label in enumerate(labels)
        ]
    return labels


def _facets(s: TrainSettings) -> dict[str, str]:
    """Every setting a run can differ in, as the label writes it."""
    return {
        "model": _shape(s),
        "activation": _activations(s),
        "optimizer": s.optimizer,
        "lr": f"lr {s.lr:g}",
        "batch": f"batch {s.batch_size}",
        "loss": s.loss,
        "l2": f"L2 {s.l2:g}",
        "dropout": f"dropout {s.dropout:g}",
        "batch_norm": "batch norm" if s.batch_norm else "no batch norm",
        "noise": f"noise {s.noise:g}",
        "points": f"{s.points} points",
        "test": f"test {s.test_fraction:.0%}",
        "seed": f"seed {s.seed}",
    }


def _activations(s: TrainSettings) -> str:
    """The activation functions the model uses, in order of first use ("" for a preset CNN)."""
    if not s.layers:
        return s.activation if s.architecture == "mlp" else ""
    used = [layer.type for layer in s.layers if layer.type in ACTIVATION_TYPES]
    return "/".join(dict.fromkeys(used))


def _shape(s: TrainSettings) -> str:
    """The widths of the layers with weights ("2-16-16-2"), or the preset's name."""
    if s.layers:
        sized = [layer for layer in s.layers if layer.out is not None and layer.in_ is not None]
        return "-".join(str(n) for n in [sized[0].in_, *(x.out for x in sized)]) if sized else ""
    if s.architecture == "mlp":
        return "mlp " + "-".join(str(n) for n in s.hidden)
    return s.architecture
