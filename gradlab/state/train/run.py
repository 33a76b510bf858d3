"""`TrainingRun`: a live training run the lab drives, in-process or in a worker process (Qt-free).

The run keeps the bookkeeping: history, per-layer statistics, the watched weight, snapshots for
rewinding (at epoch ends) and the frames the lab draws; histories and snapshots are bounded. Its
`Engine` takes the steps (`gradlab.state.train.engine`). In-process (`InProcess`, the default),
`advance(budget)` takes steps until the time budget is spent (the GUI calls it from a timer on
its own thread), `step()` takes exactly one, and at every epoch end the test set is evaluated in
small chunks spread over later `advance` calls. With `use_worker(True)` a worker process trains
and evaluates instead (`InWorker`): `play()` and `hold()` start and stop it, `advance` only
collects the steps it has taken, and the run's model follows the parameters it sends.

The run also reads digits with the model the views show (`read_digit`, `read_drawing`: about
4 ms for the mnist-cnn preset with a 224×224 drawing, measured, far under the 50 ms that would
send it off the GUI thread, so on the caller's thread), and keeps its
record in its `memory` when it is set up anew, for comparing runs (`gradlab.state.train.compare`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from psygnal import Signal

from gradlab.lessons import TrainScene
from gradlab.nn.models import code_layer
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.summary import summary
from gradlab.nn.train import TrainRecord
from gradlab.state.train.compare import Curve, RunMemory, RunRecord
from gradlab.state.train.config import (
    TrainSettings,
    build_model,
    build_optimizer,
    evaluation_data,
    goal_of,
    load_data,
    settings_from_scene,
)
from gradlab.state.train.digit import DigitReading, read_digit, to_mnist
from gradlab.state.train.engine import Engine, InProcess, TakenStep
from gradlab.state.train.evaluation import evaluation_chunks, quiet
from gradlab.state.train.frame import Frame, frame_2d, frame_images, frame_reconstruction
from gradlab.state.train.history import Series, Strip, history_csv
from gradlab.state.train.pace import Pace
from gradlab.state.train.snapshots import Evaluation, Snapshot, Snapshots, freeze
from gradlab.state.train.stats import LayerStrips, WatchedWeight
from gradlab.state.train.worker import InWorker

STATS_EVERY = 8
"""Per-layer statistics on every 8th step: they cost several times a small step (measured), and
the distributions' drift shows just as well from a sample."""


def counted(n: int, noun: str) -> str:
    """ "1 epoch", "3 epochs": the counters as the lab's messages say them."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class TrainingRun:
    """Settings -> data, model, optimiser and an engine taking steps; history, snapshots,
    frames."""

    advanced = Signal(int)
    """Emitted after `advance`/`step` with the number of steps just taken (may be 0)."""
    stopped = Signal(str)
    """Emitted once when the run ends: the step limit, or a non-finite value (the message)."""
    cleared = Signal()
    """Emitted after `reset`: everything was rebuilt."""
    played = Signal()
    """Emitted when `play` starts (or goes on with) training."""
    adjusted = Signal()
    """Emitted when the epochs to train change (the run goes on, nothing is rebuilt)."""
    drawn = Signal()
    """Emitted when `read_drawing` has read a drawing."""

    def __init__(self, settings: TrainSettings | None = None, *, stats: bool | None = None) -> None:
        self.settings = settings or TrainSettings()
        self._stats_choice = stats
        self._in_worker = False
        self.speed: float | None = None
        """Steps a second while playing (None: as fast as the machine can; see `set_speed`)."""
        self._pace = Pace(self.speed)
        self._playing = False
        self.snapshots = Snapshots()
        self.loss, self.accuracy = Series(), Series()
        self.epoch_loss, self.epoch_accuracy = Series(), Series()
        self.test_loss, self.test_accuracy = Series(), Series()
        self.layers = LayerStrips()
        self.watched: WatchedWeight | None = None
        self.memory = RunMemory()
        """Where this run's record goes when it is set up anew (a session shares one)."""
        self._start()

    # ---- building ----------------------------------------------------------------------------

    @classmethod
    def from_scene(cls, scene: TrainScene) -> TrainingRun:
        """The run a lesson's train scene describes (model: preset slug or a list of layers)."""
        return cls(settings_from_scene(scene))

    def configure(self, settings: TrainSettings) -> None:
        """New settings: the run starts over, and its record so far is kept in `memory`."""
        self.memory.keep(self.record())
        self.settings = settings
        self.reset()

    def reset(self) -> None:
        """Back to step 0: a freshly initialised model, empty history, one snapshot (step 0)."""
        previous = self._engine
        self._start()
        previous.close()  # only now: settings that fail to build leave the old engine going

    def _start(self) -> None:
        """Build the data, model, optimiser and engine; step 0's evaluation and snapshot."""
        s = self.settings
        self.data = load_data(s)
        self.model = build_model(s, self.data)
        self._probe = build_model(s, self.data)
        self.optimizer = build_optimizer(s, self.model)
        self.goal = goal_of(s)
        self.test_inputs, self.test_targets = evaluation_data(s, self.data)
        # per-layer statistics cost about 4x a small CNN step (measured): on by default only for
        # the 2D sets, where the steps are cheap and the distributions are the lesson
        self.stats = not s.is_images if self._stats_choice is None else self._stats_choice
        self._engine: Engine
        if self._in_worker:  # the process starts with the first step or play
            self._engine = InWorker(s, self.stats, STATS_EVERY)
        else:
            self._engine = InProcess(
                s, self.data, self.model, self.optimizer, stats=self.stats, stats_every=STATS_EVERY
            )
        self.steps_done = 0
        self.epochs_done = 0
        self.iteration = 0
        self.batches_per_epoch = -(-len(self.data.x_train) // s.batch_size)
        self.finished = False
        self.ended_at_limit = False
        """Finished because the epochs (or steps) asked for are done: `set_epochs` goes on."""
        self.message = ""
        self._playing = False
        self._epoch_losses: list[float] = []
        self._epoch_accuracies: list[float] = []
        self._pending: Iterator[None] | None = None
        self._frame_cache: tuple[tuple[int, int, int], Frame] | None = None
        self._live_evaluation: Evaluation | None = None
        for series in self._series():
            series.clear()
        self.layers.clear()
        if self.watched is not None:
            self.watch(self.watched.name, self.watched.index)
        self.snapshots.clear()
        self._drain(self._evaluate_and_snapshot())
        self.cleared.emit()

    def _series(self) -> tuple[Series, ...]:
        return (
            self.loss, self.accuracy, self.epoch_loss, self.epoch_accuracy,
            self.test_loss, self.test_accuracy,
        )  # fmt: skip

    # ---- running -----------------------------------------------------------------------------

    @property
    def in_worker(self) -> bool:
        """True when a worker process trains (see `use_worker`)."""
        return self._in_worker

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id once it has started (for monitoring), else None."""
        return self._engine.pid

    def use_worker(self, on: bool) -> None:
        """Train in a worker process (on) or in this one; switching starts the run over."""
        if on != self._in_worker:
            self._in_worker = on
            self.reset()

    def close(self) -> None:
        """Stop the worker process, if one has started (the run cannot go on without it)."""
        if self._engine.pid is not None:
            self._engine.close()
            self._finish("Training was stopped.")

    def play(self) -> None:
        """Train from now on at `speed`: a worker trains until `hold` and `advance` collects its
        steps; in-process, `advance` takes the steps the pace allows."""
        if not self.finished:
            self._playing = True
            self._pace.restart()
            self._engine.play(self.speed)
            self.played.emit()

    def hold(self) -> int:
        """Worker: stop training and apply every step it has taken; the count. In-process: 0."""
        self._playing = False
        if self._engine.pid is None:
            return 0  # nothing trains ahead: in-process, or no worker started yet
        taken = self._take(self._engine.hold())
        self.advanced.emit(taken)
        return taken

    def set_speed(self, speed: float | None) -> None:
        """Train at `speed` steps a second from now on (None: full speed)."""
        self.speed = speed
        self._pace = Pace(speed)
        if self._playing and not self.finished:
            self._engine.play(speed)

    def set_epochs(self, epochs: int) -> None:
        """Train until `epochs` epochs are done. A run that has finished at its old limit goes
        on when played again, as if it had been asked for `epochs` from the start."""
        if epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}")
        self.settings = replace(self.settings, epochs=epochs, steps=None)
        self._engine.set_limit(epochs, None)
        if self.ended_at_limit and epochs > self.epochs_done:
            self.finished = self.ended_at_limit = False
            self.message = ""
            self.advanced.emit(0)
        self.adjusted.emit()

    def advance(self, budget_seconds: float) -> int:
        """Take steps (and evaluation chunks) until `budget_seconds` is spent or the pace says
        wait; the step count. With a worker (which keeps the pace itself): apply the steps it
        has sent, without waiting for more."""
        deadline = time.perf_counter() + budget_seconds
        allowed = None if self._in_worker else self._pace.allowed()
        taken = 0
        while not self.finished and time.perf_counter() < deadline:
            if self._pending is not None:
                self._drain(self._pending, once=True)
                continue
            if allowed is not None and taken >= allowed:
                break
            step = self._engine.next_step()
            if step is None:
                self._check_end()
                break
            taken += self._apply(step)
        if not self._in_worker:
            self._pace.took(taken)
        self.advanced.emit(taken)
        return taken

    def step(self) -> int:
        """Exactly one step, with any evaluation it completes (for single-stepping). A worker
        is held first, and the steps it had taken are applied too."""
        if self._pending is not None:
            self._drain(self._pending)
        taken = 0
        if not self.finished:
            taken = self._take(self._engine.hold())
        if not self.finished:
            step = self._engine.take_step()
            taken += self._take([] if step is None else [step])
        if self._pending is not None:
            self._drain(self._pending)
        self.advanced.emit(taken)
        return taken

    def _take(self, steps: Iterable[TakenStep]) -> int:
        """Apply `steps` in order until the run ends; then see whether the engine has ended."""
        taken = 0
        for step in steps:
            if self.finished:
                break
            taken += self._apply(step)
        self._check_end()
        return taken

    def _check_end(self) -> None:
        """Finish the run if its engine failed or has no more steps to give."""
        if self.finished:
            return
        if self._engine.failure is not None:
            self._finish(self._engine.failure)
        elif self._engine.done:
            self._finish(self._finished_message())
            self.ended_at_limit = True  # not a failure: the epochs asked for are done

    def _finished_message(self) -> str:
        steps, epochs = counted(self.steps_done, "step"), counted(self.epochs_done, "epoch")
        return f"Finished after {steps} ({epochs})."

    def _apply(self, step: TakenStep) -> int:
        """Add one step to the history (1), or end the run at a non-finite one (0)."""
        record = step.record
        if not record.finite:
            self._finish(self._nonfinite_message(record))
            return 0
        self.steps_done = record.step + 1
        self.iteration = record.iteration + 1
        self.loss.append(self.steps_done, record.loss)
        self._epoch_losses.append(record.loss)
        if record.accuracy is not None:
            self.accuracy.append(self.steps_done, record.accuracy)
            self._epoch_accuracies.append(record.accuracy)
        if record.stats:
            self.layers.append(self.steps_done, record.stats)
        if step.state is not None:
            self.model.load_state_dict(step.state)
        if self.watched is not None and step.watched is not None:
            self.watched.add(self.steps_done, step.watched)
        if record.epoch_end:
            self.epochs_done = record.epoch + 1
            self.iteration = 0
            self.epoch_loss.append(self.epochs_done, float(np.mean(self._epoch_losses)))
            if self._epoch_accuracies:
                accuracy = float(np.mean(self._epoch_accuracies))
                self.epoch_accuracy.append(self.epochs_done, accuracy)
            self._epoch_losses, self._epoch_accuracies = [], []
            if step.evaluation is not None:
                self._keep(step.evaluation)
            else:
                self._pending = self._evaluate_and_snapshot()
        return 1

    def _nonfinite_message(self, record: TrainRecord) -> str:
        return (
            f"Stopped at step {record.step + 1} (epoch {record.epoch + 1}): the "
            f"{record.nonfinite} became NaN or infinite, so that step was not applied. "
            "The model, plots and snapshots show the last good state. Try a smaller learning "
            f"rate (e.g. {record.lr / 10:g}), Adam instead of SGD, or batch norm, then Reset."
        )

    def _finish(self, message: str) -> None:
        self.finished = True
        self.message = message
        self._pending = None
        self.stopped.emit(message)

    def _drain(self, work: Iterator[None], *, once: bool = False) -> None:
        for _ in work:
            if once:
                return
        self._pending = None

    def _evaluate_and_snapshot(self) -> Iterator[None]:
        """Evaluate in chunks (yielding in between), then `_keep` the result."""
        x, y = self.test_inputs, self.test_targets
        evaluation = yield from evaluation_chunks(self.model, self.goal, x, y)
        self._keep(evaluation)

    def _keep(self, evaluation: Evaluation) -> None:
        """Record the test evaluation of the model as it is now, and snapshot it when due."""
        if self.steps_done:
            self.test_loss.append(self.epochs_done, evaluation.loss)
            if evaluation.accuracy is not None:
                self.test_accuracy.append(self.epochs_done, evaluation.accuracy)
        if self.steps_done == 0 or self.snapshots.due(self.epochs_done, evaluation.loss):
            state = freeze(self.model.state_dict())
            self.snapshots.add(Snapshot(self.steps_done, self.epochs_done, state, evaluation))
        self._live_evaluation = evaluation

    # ---- what the views draw -----------------------------------------------------------------

    def frame(self, digit: int = 0) -> Frame:
        """The views' content at the cursor: a snapshot, or the live model at the end."""
        shown = self.snapshots.current
        key = (self.snapshots.position, -1, digit) if shown else (-1, self.steps_done, digit)
        if self._frame_cache is not None and self._frame_cache[0] == key:
            return self._frame_cache[1]
        if shown is None:
            step, epoch, evaluation = self.steps_done, self.epochs_done, self._live_evaluation
        else:
            step, epoch, evaluation = shown.step, shown.epoch, shown.evaluation
        common: dict[str, Any] = {"live": shown is None, "evaluation": evaluation}
        with self._model_shown() as model:
            if self.settings.reconstructs:
                if not isinstance(model, Sequential):  # models.autoencoder builds one
                    raise TypeError("an autoencoder's layers are read one by one: a Sequential")
                code_at = code_layer(self.settings.hidden)
                frame = frame_reconstruction(
                    model, self.data, self.test_inputs, code_at, step, epoch, **common
                )
            elif self.settings.is_images:
                frame = frame_images(model, self.data, digit, step, epoch, **common)
            else:
                frame = frame_2d(model, self.goal, self.data, step, epoch, **common)
        self._frame_cache = (key, frame)
        return frame

    @contextmanager
    def _model_shown(self) -> Iterator[Module]:
        """The model the views show (a snapshot's, or the live one at the end), in eval mode;
        a model at the edge of overflow is still read (the views clean non-finite values)."""
        shown = self.snapshots.current
        model = self.model if shown is None else self._probe
        if shown is not None:
            self._probe.load_state_dict(shown.state)
        was_training = model.training
        model.eval()
        try:
            with quiet():
                yield model
        finally:
            model.train(was_training)

    def read_digit(self, digit: Any) -> DigitReading:
        """The model the views show reading one (28, 28) digit."""
        with self._model_shown() as model:
            return read_digit(model, digit)

    def read_drawing(self, drawing: Any) -> DigitReading:
        """A drawing (rows × columns of ink from 0 to 1) made into an MNIST digit (`to_mnist`)
        and read by the model the views show."""
        reading = self.read_digit(to_mnist(drawing))
        self.drawn.emit()
        return reading

    def record(self) -> RunRecord:
        """This run so far, for comparing with later ones."""
        return RunRecord(
            settings=self.settings,
            steps=self.steps_done,
            batch_loss=Curve.of(self.loss),
            batch_accuracy=Curve.of(self.accuracy),
            test_accuracy=Curve.of(self.test_accuracy),
            batches_per_epoch=self.batches_per_epoch,
            health=self.layers.health(),
        )

    @property
    def latest_evaluation(self) -> Evaluation | None:
        """The most recent test evaluation (the end of the last epoch)."""
        return self._live_evaluation

    def summary(self) -> str:
        return summary(self.model, self.data.input_shape)

    def watch(self, name: str, index: int) -> None:
        """Record parameter `name`'s entry `index` (flat) from the next step on."""
        params = dict(self.model.named_parameters())
        if name not in params:
            raise KeyError(f"the model has no parameter {name!r}")
        if not 0 <= index < params[name].size:
            raise IndexError(f"{name} has {params[name].size} entries, not {index + 1}")
        self.watched = WatchedWeight(name, index)
        self._engine.watch(name, index)

    # ---- export ------------------------------------------------------------------------------

    def history_csv(self) -> str:
        """Long format: one row per (kind, step or epoch) point of every curve."""
        names = ("batch_loss", "batch_accuracy", "epoch_train_loss", "epoch_train_accuracy",
                 "test_loss", "test_accuracy")  # fmt: skip
        return history_csv(dict(zip(names, self._series(), strict=True)))

    def export_csv(self, path: str | Path) -> None:
        Path(path).write_text(self.history_csv(), encoding="utf-8")


__all__ = ["Frame", "Series", "Strip", "TrainSettings", "TrainingRun"]
