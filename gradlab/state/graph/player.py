"""`Player`: the cursor over a recorded `Trace` that the graph lab steps through.

Position p means the first p steps are done: forward steps reveal values in topological order,
then backward steps reveal grads in reverse order. Views subscribe to `changed` and redraw from
`snapshot()`, which is a pure function of the trace, so stepping back is as cheap as forward.
"""

from __future__ import annotations

from typing import Literal

from gradlab.engine.trace import Snapshot, Trace
from gradlab.state.cursor import Cursor

CursorSpec = Literal["start", "forward", "backward", "end"] | int
"""Where a lesson step opens: "forward" and "backward" both mean every value shown and the
backward pass not yet begun; an int is a position."""


def resolve_position(trace: Trace, where: CursorSpec) -> int:
    """The position a lesson's cursor spec names in `trace`, clamped to 0..len(trace)."""
    if isinstance(where, int):
        return min(max(where, 0), len(trace))
    if where == "start":
        return 0
    if where == "end":
        return len(trace)
    return len(trace.nodes)


class Player(Cursor):
    """A cursor over the steps of `trace`: all of them, or only its forward pass (a step that
    counts parameters has nothing to differentiate)."""

    def __init__(self, trace: Trace, position: int = 0, *, backward: bool = True) -> None:
        self.backward = backward
        super().__init__(self._steps(trace), position)
        self._trace = trace
        self._cached: Snapshot | None = None

    def _steps(self, trace: Trace) -> int:
        return len(trace) if self.backward else len(trace.nodes)

    @property
    def trace(self) -> Trace:
        return self._trace

    @property
    def forward_length(self) -> int:
        """The number of forward steps (one per node): the position where backward begins."""
        return len(self._trace.nodes)

    def snapshot(self) -> Snapshot:
        """What is known at the current position (computed once per position)."""
        cached = self._cached
        if cached is None or cached.position != self.position:
            cached = self._cached = self._trace.snapshot(self.position)
        return cached

    def set_trace(self, trace: Trace, position: int) -> None:
        """Replace the trace (the graph was rebuilt) and announce the new position."""
        self._trace = trace
        self._cached = None
        self._reset(self._steps(trace), position)
