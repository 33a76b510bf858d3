"""`TrainingWorker` and `InWorker`: a run's training in a separate process, so the interface
keeps its own core.

A pure-Python training loop holds the GIL: in a thread it starves the interface, and in short
chunks on the GUI thread it still shares one core with the drawing (an MNIST CNN step cannot be
split, so input waits for it). Here a worker process (`gradlab.state.train.worker_loop`) owns the
model, optimiser and `fit` generator and sends what the lab draws: every step's record (with the
watched weight), the parameters after the last step of each message, and at every epoch end the
test evaluation of that moment. The run's own copy of the model follows those parameters, so
frames, snapshots and rewind work as they do in-process.

Protocol, tuples over a duplex pipe. To the worker: ("run", n, rate) takes up to n steps (n None:
until held) at most `rate` a second (None: no limit), ("hold",), ("limit", epochs, steps) sets
where `fit` stops (a raised limit continues a finished run), ("watch", name, index), ("stop",).
From it: ("steps", [TakenStep, ...]) about every `worker_loop.SEND_SECONDS`; ("held",) after a
hold or when the n steps are done; ("finished",) when `fit` ends; ("failed", text) if the worker
raised. The pipe's own buffer is the back-pressure: a worker far ahead of the interface blocks on
sending.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import time
import weakref
from collections import deque
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from gradlab.state.train import worker_main
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.engine import TakenStep

STOP_SECONDS = 0.3
"""How long a worker told to stop may take to finish its step before it is terminated."""
ANSWER_SECONDS = 60.0
"""How long a blocking request (hold, one step) waits, worker start-up included."""


class TrainingWorker:
    """The GUI side: start the process, send commands, collect the steps it has taken."""

    def __init__(self, settings: TrainSettings, stats: bool, stats_every: int) -> None:
        # spawn, not fork: forking a process that runs Qt's threads is unsafe. The job goes
        # pickled, to be unpickled only once the worker's main has made its settings (see there)
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        job = pickle.dumps((settings, stats, stats_every))
        self._process = context.Process(
            target=worker_main.main, args=(child, job), name="gradlab-training", daemon=True
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

    @property
    def done(self) -> bool:
        """`fit` has ended in the worker and every step it took has been polled."""
        return self.finished and not self._inbox

    def run(self, steps: int | None = None, rate: float | None = None) -> None:
        """Train `steps` more steps, or until `hold` when None; at most `rate` a second."""
        self._send(("run", steps, rate))

    def step(self) -> None:
        """Take exactly one step and wait until it has arrived."""
        self._send(("run", 1, None))
        self._wait_for("held")

    def limit(self, epochs: int | None, steps: int | None) -> None:
        """Stop after `epochs` epochs or `steps` steps; a worker that finished at a lower limit
        goes on when told to run."""
        self._send(("limit", epochs, steps))
        self.finished = False

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


class InWorker:
    """The `Engine` of a run trained by a `TrainingWorker`, started with the first play or step
    (a process costs memory and half a second: only runs that train get one)."""

    def __init__(self, settings: TrainSettings, stats: bool, stats_every: int) -> None:
        self._job = (settings, stats, stats_every)
        self._worker: TrainingWorker | None = None
        self._watched: tuple[str, int] | None = None
        self._limit = (settings.epochs, settings.steps)

    @property
    def pid(self) -> int | None:
        return None if self._worker is None else self._worker.pid

    @property
    def failure(self) -> str | None:
        return None if self._worker is None else self._worker.failure

    @property
    def done(self) -> bool:
        return self._worker is not None and self._worker.done

    def play(self, rate: float | None) -> None:
        self._started().run(None, rate)

    def set_limit(self, epochs: int | None, steps: int | None) -> None:
        self._limit = (epochs, steps)
        if self._worker is not None:
            self._worker.limit(epochs, steps)

    def hold(self) -> list[TakenStep]:
        if self._worker is None:
            return []
        self._worker.hold()
        return list(iter(self._worker.poll, None))

    def next_step(self) -> TakenStep | None:
        return None if self._worker is None else self._worker.poll()

    def take_step(self) -> TakenStep | None:
        worker = self._started()
        worker.step()
        return worker.poll()

    def watch(self, name: str, index: int) -> None:
        self._watched = (name, index)
        if self._worker is not None:
            self._worker.watch(name, index)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def _started(self) -> TrainingWorker:
        if self._worker is None:
            settings, stats, stats_every = self._job
            epochs, steps = self._limit
            settings = replace(settings, epochs=epochs, steps=steps)
            self._worker = TrainingWorker(settings, stats, stats_every)
            if self._watched is not None:
                self._worker.watch(*self._watched)
        return self._worker
