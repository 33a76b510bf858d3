"""`NetworkSession`: a big scalar graph (micrograd's MLP on a batch of points, thousands of nodes)
shown as a summary of groups (inputs, layers, loss) that open one level at a time: a layer into
its neurons, a neuron into its nodes. The player steps through the level in view; opening or
closing a group keeps the place in the pass (the same point of the full forward or backward
pass, as near as the new level has a step for it).

Summarising 10,000 nodes takes 30 ms: with a background (the GUI's) it is done in a thread of
its own (pure Python, so the GIL changes hands every few milliseconds and the window keeps
answering), and `poll()` takes the summary; `regrouping` says one is on its way."""

from __future__ import annotations

import threading

from psygnal import Signal

from gradlab.engine.trace import Trace
from gradlab.layout import Engine, Sizer
from gradlab.lessons.schema import NetworkScene
from gradlab.state.graph.groups import Grouped, Grouping, Path, Summary
from gradlab.state.graph.networks import scalar_network, tensor_network
from gradlab.state.graph.player import CursorSpec, resolve_position
from gradlab.state.graph.trace_session import TraceSession


class NetworkSession(TraceSession):
    """A full trace, its grouping and the groups opened so far."""

    regrouping = Signal()
    """Groups were opened or closed: their summary is on its way (`poll()` takes it)."""

    def __init__(
        self,
        full: Trace,
        grouping: Grouping,
        cursor: CursorSpec = "start",
        *,
        sizer: Sizer | None = None,
        engine: Engine = "auto",
    ) -> None:
        self.full = full
        self.grouping = grouping
        self._grouped = Grouped(full, grouping)
        self.opened: frozenset[Path] = frozenset()
        self.summary: Summary = self._grouped.summarise(self.opened)
        self._next: Summariser | None = None
        """The summary being made in a thread, when there is a background."""
        position = self.summary.position_for(resolve_position(full, cursor))
        super().__init__(self.summary.trace, position, sizer=sizer, engine=engine)

    def group(self, node_id: int) -> Path | None:
        """The group a node of the summary stands for (None for a single node)."""
        unit = self.summary.units[node_id]
        return None if isinstance(unit, int) else unit

    def open(self, node_id: int) -> bool:
        """Open the group that summary node `node_id` stands for, one level; False for a node
        that is no group."""
        path = self.group(node_id)
        if path is None:
            return False
        self._regroup(self.opened | {path})
        return True

    def close(self, path: Path) -> None:
        """Close an opened group (and every group opened inside it)."""
        self._regroup(frozenset(p for p in self.opened if p[: len(path)] != path))

    def close_all(self) -> None:
        self._regroup(frozenset())

    @property
    def busy(self) -> bool:
        return super().busy or self._next is not None

    def poll(self) -> bool:
        """Take a finished summary (and background work); True while more is on its way."""
        if self._next is not None and self._next.done:
            summary, self._next = self._next.summary, None
            if summary is not None:
                self._adopt(summary)
        return super().poll() or self._next is not None

    def _regroup(self, opened: frozenset[Path]) -> None:
        self.opened = opened
        if self.background is None:
            self._adopt(self._grouped.summarise(opened))
            return
        self._next = Summariser(self._grouped, opened)  # an older one's result is dropped
        self.regrouping.emit()

    def _adopt(self, summary: Summary) -> None:
        full_position = self.summary.positions[self.player.position]
        self.summary = summary
        self._show_trace(summary.trace, summary.position_for(full_position))
        self.rebuilt.emit()


class Summariser:
    """`grouped.summarise(opened)` in a thread of its own."""

    def __init__(self, grouped: Grouped, opened: frozenset[Path]) -> None:
        self.summary: Summary | None = None
        self._thread = threading.Thread(
            target=self._run, args=(grouped, opened), name="gradlab-summary", daemon=True
        )
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _run(self, grouped: Grouped, opened: frozenset[Path]) -> None:
        self.summary = grouped.summarise(opened)


def build_network(scene: NetworkScene) -> NetworkSession | TraceSession:
    """The state of a lesson's network scene."""
    if scene.values == "tensor":
        return TraceSession(tensor_network(scene), scene.cursor)
    trace, grouping = scalar_network(scene)
    return NetworkSession(trace, grouping, scene.cursor)
