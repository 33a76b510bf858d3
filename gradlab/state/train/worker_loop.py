"""The training worker process's side of the pipe: build the run, then obey commands.

The protocol is described in `gradlab.state.train.worker`; the process starts in
`gradlab.state.train.worker_main`, which makes its process-wide settings first.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from gradlab.state.train.config import (
    TrainSettings,
    build_model,
    build_optimizer,
    evaluation_data,
    goal_of,
    load_data,
)
from gradlab.state.train.engine import InProcess, TakenStep
from gradlab.state.train.evaluation import evaluate_at_once
from gradlab.state.train.pace import Pace

SEND_SECONDS = 0.01
"""Steps are batched into one message per this much training: ~100 small messages a second."""


def serve(conn: Connection, settings: TrainSettings, stats: bool, stats_every: int) -> None:
    """Build the run from `settings` and obey commands until told to stop."""
    try:
        _Trainer(conn, settings, stats, stats_every).serve()
    except (EOFError, BrokenPipeError):
        return  # the interface has gone: nothing left to train for
    except Exception:  # whatever went wrong, the interface must be told
        conn.send(("failed", traceback.format_exc(limit=4)))


class _Trainer:
    """The same data, model and optimiser a local run would build, trained by an `InProcess`
    engine, as a local run is."""

    def __init__(
        self, conn: Connection, settings: TrainSettings, stats: bool, stats_every: int
    ) -> None:
        self.conn = conn
        self.data = load_data(settings)
        self.model = build_model(settings, self.data)
        optimizer = build_optimizer(settings, self.model)
        self.goal = goal_of(settings)
        self.test_inputs, self.test_targets = evaluation_data(settings, self.data)
        self.engine = InProcess(
            settings, self.data, self.model, optimizer, stats=stats, stats_every=stats_every
        )
        self.budget: int | None = 0
        self.pace = Pace()

    def serve(self) -> None:
        while True:
            # idle, a command waiting, or a command arriving before the next step is due
            if self.budget == 0 or self.conn.poll(self.pace.wait()):
                if not self._obey(self.conn.recv()):
                    return
            else:
                self._train()

    def _obey(self, command: tuple[Any, ...]) -> bool:
        """Carry out one command; False for "stop"."""
        kind: str = command[0]
        if kind == "run":
            self.budget = command[1]
            self.pace = Pace(command[2])
        elif kind == "limit":
            self.engine.set_limit(command[1], command[2])
        elif kind == "hold":
            self.budget = 0
            self.conn.send(("held",))
        elif kind == "watch":
            self.engine.watch(command[1], command[2])
        return kind != "stop"

    def _train(self) -> None:
        """Steps for about `SEND_SECONDS` (fewer at an epoch end, the end, or when the pace says
        so), then one message."""
        allowed = self.pace.allowed()
        if allowed == 0:
            return
        taken: list[TakenStep] = []
        deadline = time.perf_counter() + SEND_SECONDS
        ended = False
        while (
            self.budget != 0
            and time.perf_counter() < deadline
            and (allowed is None or len(taken) < allowed)
        ):
            step = self.engine.next_step()
            if step is None:
                ended = True
                break
            taken.append(self._evaluated(step))
            if self.budget is not None:
                self.budget -= 1
            if step.record.epoch_end or not step.record.finite:
                break
        self.pace.took(len(taken))
        self.conn.send(("steps", self._with_state(taken)))
        if ended:
            self.budget = 0
            self.conn.send(("finished",))
        if self.budget == 0:
            self.conn.send(("held",))

    def _evaluated(self, step: TakenStep) -> TakenStep:
        """`step` with the test evaluation at an epoch end (the run would evaluate it there)."""
        if not (step.record.finite and step.record.epoch_end):
            return step  # a non-finite step is not applied: the model is as after the last one
        x, y = self.test_inputs, self.test_targets
        return replace(step, evaluation=evaluate_at_once(self.model, self.goal, x, y))

    def _with_state(self, taken: list[TakenStep]) -> list[TakenStep]:
        """`taken` with the model's parameters on its last applied step."""
        for i in range(len(taken) - 1, -1, -1):
            if taken[i].record.finite:
                taken[i] = replace(taken[i], state=self.model.state_dict())
                break
        return taken
