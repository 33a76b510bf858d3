"""`NetworkSession`: a big scalar graph (micrograd's MLP on a batch of points, thousands of nodes)
shown as a summary of groups (inputs, layers, loss) that open one level at a time: a layer into
its neurons, a neuron into its nodes. The player steps through the level in view; opening or
closing a group keeps the place in the pass (the same point of the full forward or backward
pass, as near as the new level has a step for it)."""

from __future__ import annotations

from gradlab.engine.trace import Trace
from gradlab.layout import Engine, Sizer
from gradlab.lessons.schema import NetworkScene
from gradlab.state.graph.groups import Grouped, Grouping, Path, Summary
from gradlab.state.graph.networks import scalar_network, tensor_network
from gradlab.state.graph.player import CursorSpec, resolve_position
from gradlab.state.graph.trace_session import TraceSession


class NetworkSession(TraceSession):
    """A full trace, its grouping and the groups opened so far."""

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

    def _regroup(self, opened: frozenset[Path]) -> None:
        full_position = self.summary.positions[self.player.position]
        self.opened = opened
        self.summary = self._grouped.summarise(opened)
        self._show_trace(self.summary.trace, self.summary.position_for(full_position))
        self.rebuilt.emit()


def build_network(scene: NetworkScene) -> NetworkSession | TraceSession:
    """The state of a lesson's network scene."""
    if scene.values == "tensor":
        return TraceSession(tensor_network(scene), scene.cursor)
    trace, grouping = scalar_network(scene)
    return NetworkSession(trace, grouping, scene.cursor)
