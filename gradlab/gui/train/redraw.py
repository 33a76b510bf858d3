"""`Redraw`: the training lab's views redrawn from their own timer, cheaply however fast the
steps come.

One part per tick (each part at most 25 times a second) and only when something changed, so
each event-loop pass stays short: input and painting are never held up by a whole-lab redraw.
While an in-process run trains, the tick interval adapts so that training keeps about
`TRAIN_SHARE` of the time, whatever drawing costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

from gradlab.gui.train.driver import TrainDriver

MIN_TICK_MS = 10
"""Four parts at most every 10 ms: each is redrawn up to 25 times a second."""
MAX_TICK_MS = 250
TRAIN_SHARE = 0.8
PACE_SECONDS = 0.25


class Redraw(QObject):
    """Calls `parts` in turn from a timer whenever `mark` was called since the last round."""

    def __init__(
        self, parts: Sequence[Callable[[], None]], driver: TrainDriver, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.parts = tuple(parts)
        self.driver = driver
        self.dirty = True
        self.rounds = 0
        """Complete redraws so far."""
        self._pending: list[Callable[[], None]] = []
        self._paced_at, self._paced_busy = time.perf_counter(), 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(MIN_TICK_MS)
        self.timer.timeout.connect(self._on_tick)
        self.timer.start()

    def mark(self, *_: object) -> None:
        """Something changed: redraw on the next rounds (safe from psygnal callbacks)."""
        self.dirty = True

    def now(self) -> None:
        """Redraw every part at once."""
        for part in self.parts:
            part()
        self.dirty = False
        self.rounds += 1

    def _on_tick(self) -> None:
        if self.dirty and not self._pending:
            self._pending = list(self.parts)
            self.dirty = False
        if self._pending:
            self._pending.pop(0)()
            if not self._pending:
                self.rounds += 1
        self._pace()

    def _pace(self) -> None:
        now = time.perf_counter()
        wall = now - self._paced_at
        if wall < PACE_SECONDS:
            return
        busy = self.driver.busy_seconds - self._paced_busy
        self._paced_at, self._paced_busy = now, self.driver.busy_seconds
        interval = self.timer.interval()
        if self.driver.running and self.driver.in_process and busy / wall < TRAIN_SHARE:
            interval = min(int(interval * 1.3) + 1, MAX_TICK_MS)
        else:
            interval = max(int(interval * 0.8), MIN_TICK_MS)
        self.timer.setInterval(interval)
