"""`Pace`: training at a chosen number of steps a second, so a lecture can watch a boundary form.

At full speed a small 2D run is over in about a second; at 20 steps a second the same run takes
long enough to follow each epoch. The pace is a budget that grows with the clock (no drift: a
late tick takes the steps it missed), capped at `BURST` steps so a stalled interface does not
make the run jump ahead when it wakes up. `SPEEDS` are the choices the lab offers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

SPEEDS: tuple[tuple[str, float | None], ...] = (
    ("2 steps/s", 2.0),
    ("10 steps/s", 10.0),
    ("30 steps/s", 30.0),
    ("100 steps/s", 100.0),
    ("300 steps/s", 300.0),
    ("full speed", None),
)
"""Steps a second, slowest first; None trains as fast as the machine can."""
WATCHING_SPEED = 30.0
"""The 2D lessons' default: an epoch of 16 batches in about half a second, a 30-epoch run in
about 15 s, slow enough to see the boundary settle."""
BURST = 5
"""At most this many steps are owed at once, however long the wait since the last ones."""


def watching_speed(is_images: bool) -> float | None:
    """The speed a lab starts at: a 2D run is over in about a second at full speed, so it is
    slowed down to watch; a digit model's steps are slow enough as they are."""
    return None if is_images else WATCHING_SPEED


class Pace:
    """How many steps may be taken now to keep `rate` steps a second (None: no limit)."""

    def __init__(
        self, rate: float | None = None, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        if rate is not None and not rate > 0:
            raise ValueError(f"a pace must be positive steps a second, got {rate}")
        self.rate = rate
        self._clock = clock
        self._start = clock()
        self._granted = 0

    def restart(self) -> None:
        """Count from now: the first step is due at once."""
        self._start = self._clock()
        self._granted = 0

    def allowed(self) -> int | None:
        """Steps that may be taken now (None: any number)."""
        if self.rate is None:
            return None
        due = 1 + math.floor((self._clock() - self._start) * self.rate)
        owed = due - self._granted
        if owed > BURST:  # fell behind (a pause, a busy interface): do not catch up in a burst
            self._granted = due - BURST
            owed = BURST
        return max(owed, 0)

    def took(self, steps: int) -> None:
        self._granted += steps

    def wait(self) -> float:
        """Seconds until the next step is due (0 when one is due now or there is no limit)."""
        if self.rate is None:
            return 0.0
        due_at = self._start + self._granted / self.rate
        return max(due_at - self._clock(), 0.0)
