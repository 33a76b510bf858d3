"""`Cursor`: a position over a fixed number of steps, with a `changed` signal.

Every steppable scene (the graph lab's `Player`, the conv lab's scrubber, a training run's rewind)
is a Cursor, so one transport bar in the GUI (step, back, play, scrubber, clicker keys) drives
them all. Position p means "the first p steps are done": 0 is the start, `length` the end.
"""

from __future__ import annotations

from psygnal import Signal


class Cursor:
    """A clamped position in 0..length that announces every move."""

    changed = Signal(int)
    """Emitted with the new position whenever it (or the length) changes."""

    def __init__(self, length: int = 0, position: int = 0) -> None:
        if length < 0:
            raise ValueError(f"length must be at least 0, got {length}")
        self._length = length
        self._position = min(max(position, 0), length)

    @property
    def position(self) -> int:
        return self._position

    @property
    def length(self) -> int:
        return self._length

    @property
    def at_start(self) -> bool:
        return self._position == 0

    @property
    def at_end(self) -> bool:
        return self._position == self._length

    def seek(self, position: int) -> None:
        """Move to `position`, clamped to 0..length; emits `changed` only on a real move."""
        clamped = min(max(position, 0), self._length)
        if clamped != self._position:
            self._position = clamped
            self.changed.emit(clamped)

    def step_forward(self) -> None:
        self.seek(self._position + 1)

    def step_back(self) -> None:
        self.seek(self._position - 1)

    def to_start(self) -> None:
        self.seek(0)

    def to_end(self) -> None:
        self.seek(self._length)

    def _reset(self, length: int, position: int) -> None:
        """For subclasses whose content was rebuilt: new length and position, always announced."""
        self._length = length
        self._position = min(max(position, 0), length)
        self.changed.emit(self._position)
