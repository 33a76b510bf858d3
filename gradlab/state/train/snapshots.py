"""Snapshots of a model along a run (bounded), their evaluations, and the rewind cursor.

The rule: a snapshot is taken at the end of every epoch, with the test evaluation of that moment,
until there are `capacity` of them: as many as `SNAPSHOT_BYTES` hold at the first snapshot's size,
at least `MIN_CAPACITY` and at most `MAX_CAPACITY` (a lesson's longest run, every epoch). A short
run (a 200-epoch run of a small MLP keeps all 201) can so be rewound to any epoch. Past the
capacity, the snapshots off a grid of twice the interval are dropped and the interval doubles
(epochs 0, 2, 4, ..., then 0, 4, 8, ...), so a run of any length keeps an even cover in bounded
memory; the first and the newest always stay, and so does the one with the lowest test loss: an
epoch that beats every kept snapshot's test loss is snapshotted even off the grid, so rewinding
to where the test loss was lowest (where early stopping would stop) is always possible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.lessons import limits
from gradlab.state.cursor import Cursor

Array = NDArray[Any]
SNAPSHOT_BYTES = 48_000_000
"""What the snapshots of a run may take beyond `MIN_CAPACITY` of them (about 48 MB)."""
MIN_CAPACITY = 48
MAX_CAPACITY = limits.MAX_EPOCHS + 1


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The model on the test set at one moment."""

    loss: float
    accuracy: float | None
    """None for a reconstruction objective (no classes)."""
    predictions: NDArray[np.int64] | None
    """The predicted class of every test example; None for a reconstruction objective."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    step: int
    """Optimisation steps done when it was taken."""
    epoch: int
    """Epochs done when it was taken."""
    state: Mapping[str, Array]
    """Read-only copies of the model's parameters and buffers."""
    evaluation: Evaluation

    @property
    def nbytes(self) -> int:
        predictions = self.evaluation.predictions
        kept = 0 if predictions is None else predictions.nbytes
        return kept + sum(int(np.asarray(value).nbytes) for value in self.state.values())


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

    def __init__(self, capacity: int | None = None) -> None:
        """At most `capacity` snapshots; None: by the rule above, from the first one's size."""
        if capacity is not None and capacity < 3:
            raise ValueError(f"capacity must be at least 3, got {capacity}")
        super().__init__()
        self._fixed = capacity
        self.capacity = capacity or MIN_CAPACITY
        self.items: list[Snapshot] = []
        self.every = 1

    def clear(self) -> None:
        self.items = []
        self.every = 1
        self.capacity = self._fixed or MIN_CAPACITY
        self._reset(0, 0)

    def due(self, epochs_done: int, test_loss: float) -> bool:
        """Whether the end of epoch `epochs_done` is snapshotted: on the grid, or the best yet."""
        best = self.best
        return epochs_done % self.every == 0 or (
            best is not None and test_loss < best.evaluation.loss
        )

    @property
    def best(self) -> Snapshot | None:
        """The kept snapshot with the lowest test loss (the earliest of equals)."""
        finite = [s for s in self.items if np.isfinite(s.evaluation.loss)]
        return min(finite, key=lambda s: s.evaluation.loss, default=None)

    def add(self, snapshot: Snapshot) -> None:
        """Append; a cursor at the end stays at the end, a rewound one keeps its snapshot."""
        following = self.at_end
        shown = None if following else self.items[self.position]
        if not self.items and self._fixed is None:
            fits = SNAPSHOT_BYTES // max(snapshot.nbytes, 1)
            self.capacity = min(max(fits, MIN_CAPACITY), MAX_CAPACITY)
        self.items.append(snapshot)
        while len(self.items) > self.capacity:  # the best off the grid may need two rounds
            self._thin()
        if following or shown is None:
            position = len(self.items)
        else:
            position = min(
                range(len(self.items)), key=lambda i: abs(self.items[i].step - shown.step)
            )
        self._reset(len(self.items), position)

    def _thin(self) -> None:
        """Keep the grid of twice the interval, the first, the newest and the best."""
        self.every *= 2
        best, last = self.best, len(self.items) - 1
        self.items = [
            s
            for i, s in enumerate(self.items)
            if i in (0, last) or s.epoch % self.every == 0 or s is best
        ]

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
