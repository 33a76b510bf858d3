"""`TrainingWorker`: a run's training in a separate process, so the interface keeps its own core.

A pure-Python training loop holds the GIL: in a thread it starves the interface, and in short
chunks on the GUI thread it still shares one core with the drawing (an MNIST CNN step cannot be
split, so input waits for it). Here a worker process owns the model, optimiser and `fit`
generator and sends what the lab draws: every step's record (with the watched weight), the
parameters after the last step of each message, and at every epoch end the test evaluation of
that moment. The run's own copy of the model follows those parameters, so frames, snapshots and
rewind work as they do in-process.

Protocol, tuples over a duplex pipe. To the worker: ("run", n) takes up to n steps (n None: until
held), ("hold",), ("watch", name, index), ("stop",). From it: ("steps", [TakenStep, ...]) about
every `SEND_SECONDS`; ("held",) after a hold or when the n steps are done; ("finished",) when
`fit` ends; ("failed", text) if the worker raised. The pipe's own buffer is the back-pressure: a
worker far ahead of the interface blocks on sending.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
import traceback
import weakref
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from gradlab.engine import threads
from gradlab.nn.evaluate import objective
from gradlab.nn.train import TrainRecord
from gradlab.state.train.config import (
    OBJECTIVE_NAMES,
    TrainSettings,
    build_model,
    build_optimizer,
    fit_settings,
    load_data,
)
from gradlab.state.train.evaluation import evaluate_at_once, quiet
from gradlab.state.train.snapshots import Array, Evaluation
from gradlab.state.train.stats import WeightSample, sample_weight

SEND_SECONDS = 0.01
"""Steps are batched into one message per this much training: ~100 small messages a second."""
STOP_SECONDS = 0.3
"""How long a worker told to stop may take to finish its step before it is terminated."""
ANSWER_SECONDS = 60.0
"""How long a blocking request (hold, one step) waits, worker start-up included."""


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


class TrainingWorker:
    """The GUI side: start the process, send commands, collect the steps it has taken."""

    def __init__(self, settings: TrainSettings, stats: bool, stats_every: int) -> None:
        # spawn, not fork: forking a process that runs Qt's threads is unsafe. The child inherits
        # this environment: one BLAS thread, or its threads fight the interface for the cores
        # (measured here: MNIST CNN steps many times slower on a busy 2-core machine)
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve,
            args=(child, settings, stats, stats_every),
            name="gradlab-training",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._inbox: deque[TakenStep] = deque()
        self.finished = False
        """`fit` has ended in the worker (its last steps may still be in the inbox)."""
        self.failure: str | None = None
        self._stop = weakref.finalize(self, _stop, self._conn, self._process)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def run(self, steps: int | None = None) -> None:
        """Train `steps` more steps, or until `hold` when None."""
        self._send(("run", steps))

    def step(self) -> None:
        """Take exactly one step and wait until it has arrived."""
        self._send(("run", 1))
        self._wait_for("held")

    def hold(self) -> None:
        """Stop training; return once every step taken so far is in the inbox."""
        self._send(("hold",))
        self._wait_for("held")

    def watch(self, name: str, index: int) -> None:
        self._send(("watch", name, index))

    def poll(self) -> TakenStep | None:
        """The next step the worker has taken, without waiting; None if none has arrived."""
        while not self._inbox and self.failure is None and self._conn.poll():
            self._receive()
        return self._inbox.popleft() if self._inbox else None

    def close(self) -> None:
        """Stop the process (also done when this object is collected or the app exits)."""
        self._stop()

    def _send(self, command: tuple[Any, ...]) -> None:
        if self.failure is not None:
            return
        try:
            self._conn.send(command)
        except OSError:
            self.failure = "The training process has ended unexpectedly."

    def _wait_for(self, kind: str) -> None:
        deadline = time.monotonic() + ANSWER_SECONDS
        while not self.finished and self.failure is None:
            if not self._conn.poll(max(deadline - time.monotonic(), 0.0)):
                self.failure = f"The training process did not answer within {ANSWER_SECONDS:g} s."
                return
            if self._receive() == kind:
                return

    def _receive(self) -> str:
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            self.failure = "The training process has ended unexpectedly."
            return "failed"
        kind: str = message[0]
        if kind == "steps":
            self._inbox.extend(message[1])
        elif kind == "finished":
            self.finished = True
        elif kind == "failed":
            self.failure = f"The training process failed:\n{message[1]}"
        return kind


def _stop(conn: Connection, process: BaseProcess) -> None:
    with contextlib.suppress(OSError):  # already gone
        conn.send(("stop",))
    # a playing worker may be blocked sending steps nobody reads: its state is disposable, so
    # closing (a lab, the app) waits only briefly before ending it
    process.join(timeout=STOP_SECONDS)
    if process.is_alive():
        process.terminate()
        process.join(timeout=2.0)
    conn.close()


def serve(conn: Connection, settings: TrainSettings, stats: bool, stats_every: int) -> None:
    """The worker process: build the run from `settings` and obey commands until told to stop."""
    threads.set_num_threads(threads.threads_beside_an_interface())
    try:
        _Trainer(conn, settings, stats, stats_every).serve()
    except (EOFError, BrokenPipeError):
        return  # the interface has gone: nothing left to train for
    except Exception:  # whatever went wrong, the interface must be told
        conn.send(("failed", traceback.format_exc(limit=4)))


class _Trainer:
    """The worker side: the same data, model and optimiser a local run would build."""

    def __init__(
        self, conn: Connection, settings: TrainSettings, stats: bool, stats_every: int
    ) -> None:
        self.conn = conn
        self.data = load_data(settings)
        self.model = build_model(settings, self.data)
        self.optimizer = build_optimizer(settings, self.model)
        self.goal = objective(OBJECTIVE_NAMES[settings.loss])
        self.steps = fit_settings(
            settings, self.data, self.model, self.optimizer, stats=stats, stats_every=stats_every
        )
        self.budget: int | None = 0
        self.watched: tuple[str, int] | None = None

    def serve(self) -> None:
        while True:
            if self.budget == 0 or self.conn.poll():
                if not self._obey(self.conn.recv()):
                    return
            else:
                self._train()

    def _obey(self, command: tuple[Any, ...]) -> bool:
        """Carry out one command; False for "stop"."""
        kind: str = command[0]
        if kind == "run":
            self.budget = command[1]
        elif kind == "hold":
            self.budget = 0
            self.conn.send(("held",))
        elif kind == "watch":
            self.watched = (command[1], command[2])
        return kind != "stop"

    def _train(self) -> None:
        """Steps for about `SEND_SECONDS` (fewer at an epoch end or the end), then one message."""
        taken: list[TakenStep] = []
        deadline = time.perf_counter() + SEND_SECONDS
        ended = False
        while self.budget != 0 and time.perf_counter() < deadline:
            with quiet():
                record = next(self.steps, None)
            if record is None:
                ended = True
                break
            taken.append(self._describe(record))
            if self.budget is not None:
                self.budget -= 1
            if record.epoch_end or not record.finite:
                break
        self.conn.send(("steps", self._with_state(taken)))
        if ended:
            self.budget = 0
            self.conn.send(("finished",))
        if self.budget == 0:
            self.conn.send(("held",))

    def _describe(self, record: TrainRecord) -> TakenStep:
        if not record.finite:
            return TakenStep(record)  # not applied: the model is as after the last good step
        watched = None if self.watched is None else sample_weight(
            self.model, self.optimizer, *self.watched
        )  # fmt: skip
        evaluation = None
        if record.epoch_end:
            x, y = self.data.x_test, self.data.y_test
            evaluation = evaluate_at_once(self.model, self.goal, x, y)
        return TakenStep(record, watched, evaluation=evaluation)

    def _with_state(self, taken: list[TakenStep]) -> list[TakenStep]:
        """`taken` with the model's parameters on its last applied step."""
        for i in range(len(taken) - 1, -1, -1):
            if taken[i].record.finite:
                taken[i] = replace(taken[i], state=self.model.state_dict())
                break
        return taken
