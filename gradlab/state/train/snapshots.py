"""Snapshots of a model along a run (bounded), their evaluations, and the rewind cursor.

A snapshot is taken at the end of every `every`-th epoch together with the test evaluation of
that moment. When `capacity` is reached every other inner snapshot is dropped (first and newest
stay) and `every` doubles, so a run of any length keeps an even cover in bounded memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.state.cursor import Cursor

Array = NDArray[Any]


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The model on the test set at one moment."""

    loss: float
    accuracy: float
    predictions: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Snapshot:
    step: int
    """Optimisation steps done when it was taken."""
    epoch: int
    """Epochs done when it was taken."""
    state: Mapping[str, Array]
    """Read-only copies of the model's parameters and buffers."""
    evaluation: Evaluation


def freeze(state: Mapping[str, Array]) -> Mapping[str, Array]:
    copies = {}
    for name, value in state.items():
        copy = np.array(value)
        copy.flags.writeable = False
        copies[name] = copy
    return MappingProxyType(copies)


class Snapshots(Cursor):
    """The snapshots, and a cursor over them: position i < length shows snapshot i; position
    `length` (the end) means "now", the live model."""

    def __init__(self, capacity: int = 48) -> None:
        if capacity < 3:
            raise ValueError(f"capacity must be at least 3, got {capacity}")
        super().__init__()
        self.capacity = capacity
        self.items: list[Snapshot] = []
        self.every = 1

    def clear(self) -> None:
        self.items = []
        self.every = 1
        self._reset(0, 0)

    def due(self, epochs_done: int) -> bool:
        return epochs_done % self.every == 0

    def add(self, snapshot: Snapshot) -> None:
        """Append; a cursor at the end stays at the end, a rewound one keeps its snapshot."""
        following = self.at_end
        shown = None if following else self.items[self.position]
        self.items.append(snapshot)
        if len(self.items) > self.capacity:
            inner = self.items[1:-1]
            self.items = [self.items[0], *inner[1::2], self.items[-1]]
            self.every *= 2
        if following or shown is None:
            position = len(self.items)
        else:
            position = min(
                range(len(self.items)), key=lambda i: abs(self.items[i].step - shown.step)
            )
        self._reset(len(self.items), position)

    @property
    def live(self) -> bool:
        """True when the cursor is at the end: views follow the live model."""
        return self.at_end

    @property
    def current(self) -> Snapshot | None:
        """The snapshot the cursor shows; None at the end (live)."""
        return None if self.at_end else self.items[self.position]

    @property
    def latest(self) -> Snapshot | None:
        return self.items[-1] if self.items else None
