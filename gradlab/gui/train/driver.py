"""`TrainDriver`: start, pause and single-step a `TrainingRun` from a GUI-thread timer.

A training loop in a worker thread holds the GIL and starves the interface (about 7 repaints/s
measured). A run in a worker process trains on its own core: the timer only collects the steps it
has sent, every `POLL_MS`. An in-process run is trained in chunks from a zero-interval timer that
spends only `budget` seconds per tick, leaving the event loop free between chunks to paint and
answer input.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from gradlab.state.train.run import TrainingRun

BUDGET_SECONDS = 0.006
POLL_MS = 5
"""How often a worker's steps are collected: well under a frame, and the GUI thread stays idle."""


class TrainDriver(QObject):
    """Start, pause and single-step a run; `running_changed` tells the controls. It is the
    training lab's `Runner`: play (P, the clicker, the transport's button) toggles it, and
    after the last epoch it continues for `more_epochs` more."""

    running_changed = Signal(bool)

    def __init__(
        self, run: TrainingRun, budget: float = BUDGET_SECONDS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.run = run
        self.budget = budget
        self.more_epochs = run.settings.epochs or 1
        """How many epochs play adds to a run that has done all it was asked for."""
        self.steps_taken = 0
        self.busy_seconds = 0.0
        """Wall time spent inside training chunks, for the lab's redraw pacing."""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def in_process(self) -> bool:
        """True when training shares this (GUI) thread, so drawing should leave it time."""
        return not self.run.in_worker

    def start(self) -> None:
        """Train; a run that did the epochs it was asked for goes on for `more_epochs`."""
        if self.running:
            return
        if self.run.finished and self.run.ended_at_limit:
            self.run.set_epochs(self.run.epochs_done + self.more_epochs)
        if self.run.finished:
            return
        self.run.play()
        self._timer.start(0 if self.in_process else POLL_MS)
        self.running_changed.emit(True)

    def pause(self) -> None:
        if not self.running:
            return
        self._timer.stop()
        self.steps_taken += self.run.hold()
        self.running_changed.emit(False)

    def toggle(self) -> None:
        if self.running:
            self.pause()
        else:
            self.start()

    def step(self) -> None:
        """One optimisation step (pauses a running run first)."""
        self.pause()
        # the first step of a worker run waits for the process to start (about half a second)
        starting = self.run.in_worker and self.run.worker_pid is None
        if starting:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.steps_taken += self.run.step()
        finally:
            if starting:
                QApplication.restoreOverrideCursor()

    def reset(self) -> None:
        self.pause()
        self.run.reset()

    def _on_tick(self) -> None:
        started = time.perf_counter()
        self.steps_taken += self.run.advance(self.budget)
        self.busy_seconds += time.perf_counter() - started
        if self.run.finished:
            self.pause()
