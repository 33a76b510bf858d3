"""`ShownGraph`: what every graph-lab state has in common: a recorded trace, the `Player` over it,
and the layout it is drawn with, computed at once or in the background.

Alone, a graph is laid out when its layout is first asked for (tests, the CLI, exports). Once the
GUI `attach`es a `Background`, a graph of more than `SYNC_LAYOUT_NODES` nodes is measured and
laid out in a worker process (so the sizer must pickle: the GUI hands over its `MetricSizer`):
`layout_ready` is False meanwhile (the view keeps the last drawing, marked as out of date),
`poll()` takes the result and `laid_out` says it arrived. A result for an older trace is never
applied, and one with the same sizes as the last keeps the last (so the view keeps its items).
"""

from __future__ import annotations

from psygnal import Signal

from gradlab.engine.trace import Trace
from gradlab.layout import Engine, GraphSpec, Layout, Sizer, graph_spec, layout
from gradlab.state.graph.background import Background, Updates
from gradlab.state.graph.player import CursorSpec, Player, resolve_position

SYNC_LAYOUT_NODES = 60
"""Graphs up to this size are laid out at once, even in the GUI: Graphviz takes about 30 ms for
60 nodes here; larger ones go to the background."""


class ShownGraph:
    """A recorded graph, its player and its layout."""

    rebuilt = Signal()
    """The graph was rebuilt (a new trace) or is to be drawn anew (another sizer)."""
    laid_out = Signal()
    """A layout computed in the background for the current trace has arrived."""
    failed = Signal(str)
    checked = Signal()
    """The cross-check report was computed."""
    progressed = Signal(float, str)
    """A background check has come this far (0..1), doing this."""
    editable = False

    def __init__(
        self,
        trace: Trace,
        cursor: CursorSpec = "start",
        *,
        sizer: Sizer | None = None,
        engine: Engine = "auto",
        backward: bool = True,
    ) -> None:
        self._trace = trace
        self._sizer = sizer
        self._engine: Engine = engine
        self._spec: GraphSpec | None = None
        self._layout: Layout | None = None
        self._laid_out_trace: Trace | None = None
        self.background: Background | None = None
        self.player = Player(trace, resolve_position(trace, cursor), backward=backward)

    @property
    def trace(self) -> Trace:
        return self._trace

    @property
    def error(self) -> str | None:
        """Why the last edit failed (only editable graphs have edits)."""
        return None

    # ---- the layout -------------------------------------------------------------------------

    @property
    def layout(self) -> Layout:
        """Where everything of the current trace is drawn. Computed here when it is not ready
        and cannot come from the background; while a background layout is on its way this is
        the previous trace's layout (see `layout_ready`)."""
        if not self.layout_ready and (self._layout is None or not self._deferred):
            self._lay_out_now(self._current_spec())
        assert self._layout is not None
        return self._layout

    @property
    def layout_ready(self) -> bool:
        """Whether `layout` belongs to the current trace."""
        return self._layout is not None and self._laid_out_trace is self._trace

    @property
    def _deferred(self) -> bool:
        return self.background is not None and self.background.laying_out

    def set_sizer(self, sizer: Sizer) -> None:
        """Measure nodes anew (another font or theme) and lay the graph out again."""
        self._sizer = sizer
        self._spec = None
        self._laid_out_trace = None
        self.relayout()
        self.rebuilt.emit()

    def attach(self, background: Background) -> None:
        """Do slow work in `background` from now on (the GUI calls `poll()` from a timer)."""
        self.background = background

    def detach(self) -> None:
        """Cancel the background work (the view that wanted it is gone)."""
        if self.background is not None:
            self.background.cancel()
        self.background = None

    @property
    def busy(self) -> bool:
        """Whether background work is on its way (keep polling)."""
        return self.background is not None and (
            self.background.laying_out or self.background.checking
        )

    def poll(self) -> bool:
        """Take finished background work; True while more is on its way."""
        if self.background is None:
            return False
        self._take(self.background.poll())
        return self.busy

    def _take(self, updates: Updates) -> None:
        if updates.layout is not None:
            spec, layout = updates.layout
            if self._layout is None or spec != self._spec:
                # a layout of the same sizes is kept, so the view keeps its items
                self._spec, self._layout = spec, layout
            self._laid_out_trace = self._trace
            self.laid_out.emit()
        elif updates.layout_failed:
            # the worker broke: lay out here rather than show nothing
            self._lay_out_now(self._current_spec())
            self.laid_out.emit()

    def relayout(self) -> None:
        """Make sure the current trace gets a layout: kept when no size changed, else computed
        now (small graphs, or no background) or measured and laid out in the background."""
        if self.background is not None and len(self._trace.nodes) > SYNC_LAYOUT_NODES:
            self.background.lay_out(
                self._trace, self._sizer, self._engine, backward=self.player.backward
            )
            return
        spec = self._current_spec()
        if self._layout is not None and spec == self._spec:
            self._laid_out_trace = self._trace
            return
        self._lay_out_now(spec)

    def _current_spec(self) -> GraphSpec:
        # a graph that only runs forward gets boxes without a grad row
        return graph_spec(self._trace, self._sizer, backward=self.player.backward)

    def _lay_out_now(self, spec: GraphSpec) -> None:
        if self.background is not None:
            self.background.cancel_layout()
        self._spec = spec
        self._layout = layout(spec, self._engine)
        self._laid_out_trace = self._trace

    def _show_trace(self, trace: Trace, position: int) -> None:
        """Adopt a rebuilt trace: relayout (if its sizes changed) and move the player."""
        self._trace = trace
        self.relayout()
        self.player.set_trace(trace, position)
