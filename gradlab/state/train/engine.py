"""Where a `TrainingRun`'s steps are taken: the `Engine` interface and its in-process engine.

A run keeps the bookkeeping (history, snapshots, rewind, frames) and asks its engine for steps;
the engine only takes them, in order, and says when no more will come. `InProcess` takes each
step when asked, on the caller's thread; `gradlab.state.train.worker.InWorker` has a worker
process train ahead and hands out the steps it has sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from gradlab.data import Dataset
from gradlab.nn.modules import Module
from gradlab.nn.optim import Optimizer
from gradlab.nn.train import TrainRecord
from gradlab.state.train.config import TrainSettings, fit_settings
from gradlab.state.train.evaluation import quiet
from gradlab.state.train.snapshots import Array, Evaluation
from gradlab.state.train.stats import WeightSample, sample_weight


@dataclass(frozen=True, eq=False)
class TakenStep:
    """One step as the run applies it, wherever it was taken."""

    record: TrainRecord
    watched: WeightSample | None = None
    """The watched weight after this step, if one is watched."""
    state: Mapping[str, Array] | None = None
    """The model's parameters and buffers after this step (worker: last step of a message)."""
    evaluation: Evaluation | None = None
    """The test evaluation after this step (worker: at an epoch end)."""


class Engine(Protocol):
    """Takes a run's steps, in order: `InProcess` or `InWorker`."""

    @property
    def pid(self) -> int | None:
        """The process training apart from this one, once it has started; else None."""

    @property
    def failure(self) -> str | None:
        """Why no more steps can come (the worker process failed or vanished); else None."""

    @property
    def done(self) -> bool:
        """`fit` has ended and every step it took has been handed out."""

    def play(self, rate: float | None) -> None:
        """Train ahead until `hold`, at most `rate` steps a second (None: no limit), where a
        separate process can."""

    def set_limit(self, epochs: int | None, steps: int | None) -> None:
        """Stop after `epochs` epochs or `steps` steps (None: no limit); a raised limit lets an
        engine that has stopped at the old one go on."""

    def hold(self) -> list[TakenStep]:
        """Stop training ahead; the steps taken meanwhile that were not handed out yet."""

    def next_step(self) -> TakenStep | None:
        """The next step without waiting: taken now, or already sent; None if there is none."""

    def take_step(self) -> TakenStep | None:
        """Exactly one more step, waiting for it if need be; None if there is none."""

    def watch(self, name: str, index: int) -> None:
        """From the next step on, sample entry `index` (flat) of parameter `name` with each."""

    def close(self) -> None:
        """Stop training for good (a worker process ends)."""


class InProcess:
    """Steps taken here, one per `next_step`, by a `fit` generator over the caller's model.

    The GUI asks from a timer, a few milliseconds' worth at a time, so the interface keeps
    turns on its thread (a training thread would hold the GIL and starve it). The worker process
    trains with one of these too. `fit` runs without an end and the engine stops at the
    settings' epochs or steps itself, so raising the limit continues the very run a longer
    setting would have made (same shuffles, same steps).
    """

    pid: int | None = None
    failure: str | None = None

    def __init__(
        self,
        settings: TrainSettings,
        data: Dataset,
        model: Module,
        optimizer: Optimizer,
        *,
        stats: bool,
        stats_every: int,
    ) -> None:
        self._model = model
        self._optimizer = optimizer
        endless = replace(settings, epochs=None, steps=None)
        self._steps = fit_settings(
            endless, data, model, optimizer, stats=stats, stats_every=stats_every
        )
        self._limit = (settings.epochs, settings.steps)
        self._last: TrainRecord | None = None
        self._watched: tuple[str, int] | None = None
        self.done = False

    def play(self, rate: float | None) -> None:
        """Nothing trains ahead: each step is taken when asked for (the run keeps the pace)."""

    def set_limit(self, epochs: int | None, steps: int | None) -> None:
        self._limit = (epochs, steps)
        self.done = False

    def _at_limit(self) -> bool:
        epochs, steps = self._limit
        last = self._last
        steps_done = 0 if last is None else last.step + 1
        epochs_done = 0 if last is None else last.epoch + int(last.epoch_end)
        return (steps is not None and steps_done >= steps) or (
            epochs is not None and epochs_done >= epochs
        )

    def hold(self) -> list[TakenStep]:
        return []

    def next_step(self) -> TakenStep | None:
        if self._at_limit():
            self.done = True
            return None
        # fit() reports where a value stopped being finite; NumPy's overflow warnings on the way
        # there say nothing more (and would be errors under a strict warnings filter)
        with quiet():
            record = next(self._steps, None)
        if record is None:
            self.done = True
            return None
        self._last = record
        if self._watched is None or not record.finite:
            return TakenStep(record)
        return TakenStep(record, sample_weight(self._model, self._optimizer, *self._watched))

    def take_step(self) -> TakenStep | None:
        return self.next_step()

    def watch(self, name: str, index: int) -> None:
        self._watched = (name, index)

    def close(self) -> None:
        """Nothing to stop: the generator goes with this object."""
