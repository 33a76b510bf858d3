"""`GraphSession`: an expression and its input values, kept as a graph the lab can show.

Text -> `Program` -> `Built` (Values) -> `Trace` (+ `CheckReport`, `Layout`). Editing the text
or an input rebuilds everything at once; when the new text or value does not work, the last
good graph stays, `error` says why and `failed` is emitted, and the typed text is kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from psygnal import Signal

from gradlab.check import CheckReport, cross_check
from gradlab.engine import record
from gradlab.engine.expr import Built, ExpressionError, Program, parse
from gradlab.engine.trace import Trace
from gradlab.layout import Engine, GraphSpec, Layout, Sizer, graph_spec, layout
from gradlab.state.graph.player import CursorSpec, Player, resolve_position

DEFAULT_INPUT = 1.0
"""A new input's value: 1 keeps log, division and the relu kink out of trouble."""
AUTO_CHECK_NODES = 60
"""Above this many nodes the SymPy check takes seconds: the GUI runs it on request only."""


class GraphSession:
    """The graph lab's state for one expression; raises ExpressionError if the first text fails."""

    rebuilt = Signal()
    """The graph, trace and layout were rebuilt (or relaid out)."""
    failed = Signal(str)
    """An edit did not work; the message says why (the last good graph is kept)."""
    checked = Signal()
    """The cross-check report was computed."""
    editable = True

    def __init__(
        self,
        expression: str,
        inputs: Mapping[str, float] | None = None,
        cursor: CursorSpec = "start",
        *,
        sizer: Sizer | None = None,
        engine: Engine = "auto",
    ) -> None:
        self._sizer = sizer
        self._engine: Engine = engine
        self._remembered: dict[str, float] = dict(inputs or {})
        self._text = expression
        self._error: str | None = None
        self._program = parse(expression)
        self._built = self._program.build(self._values(self._program))
        self._trace = record(self._built.output)
        self._report: CheckReport | None = None
        # laid out on first use: a view usually brings its own sizer first
        self._spec: GraphSpec | None = None
        self._layout: Layout | None = None
        self.player = Player(self._trace, resolve_position(self._trace, cursor))

    # ---- what the views read --------------------------------------------------------------

    @property
    def expression(self) -> str:
        """The text as last typed (even when it did not parse)."""
        return self._text

    @property
    def program(self) -> Program:
        """The last program that built."""
        return self._program

    @property
    def built(self) -> Built:
        return self._built

    @property
    def trace(self) -> Trace:
        return self._trace

    @property
    def layout(self) -> Layout:
        """Where everything is drawn (computed on first use after a change of shape or size)."""
        if self._layout is None:
            self._spec = graph_spec(self._trace, self._sizer)
            self._layout = layout(self._spec, self._engine)
        return self._layout

    @property
    def error(self) -> str | None:
        """Why the last edit failed, or None when the graph shows what was typed."""
        return self._error

    @property
    def inputs(self) -> dict[str, float]:
        """The current program's inputs and their values, in order of first use."""
        return {name: self._remembered[name] for name in self._program.inputs}

    @property
    def report(self) -> CheckReport:
        """Autograd against SymPy and finite differences (computed on first use: it can take
        seconds on a large graph)."""
        if self._report is None:
            self._report = cross_check(self._built.output, self._built.inputs)
            self.checked.emit()
        return self._report

    @property
    def report_ready(self) -> bool:
        return self._report is not None

    @property
    def auto_check(self) -> bool:
        """Whether the graph is small enough to check right after every edit."""
        return len(self._trace.nodes) <= AUTO_CHECK_NODES

    # ---- edits ------------------------------------------------------------------------------

    def set_expression(self, text: str) -> bool:
        """Rebuild from `text`; False (and `failed`) if it does not parse or compute."""
        self._text = text
        try:
            program = parse(text)
            built = program.build(self._values(program))
        except ExpressionError as error:
            return self._fail(str(error))
        self._program = program
        self._accept(built)
        return True

    def set_input(self, name: str, value: float) -> bool:
        """Change one input's value; False (and `failed`) if the arithmetic breaks there."""
        if name not in self._program.inputs:
            raise KeyError(f"{name!r} is not an input of {self._program.text!r}")
        previous = self._remembered[name]
        self._remembered[name] = float(value)
        try:
            built = self._program.build(self._values(self._program))
        except ExpressionError as error:
            self._remembered[name] = previous
            return self._fail(str(error))
        self._accept(built)
        return True

    def set_sizer(self, sizer: Sizer) -> None:
        """Measure nodes anew (another font or theme) and lay the graph out again."""
        self._sizer = sizer
        self._spec = self._layout = None
        self.rebuilt.emit()

    # ---- internals --------------------------------------------------------------------------

    def _values(self, program: Program) -> dict[str, float]:
        for name in program.inputs:
            self._remembered.setdefault(name, DEFAULT_INPUT)
        return {name: self._remembered[name] for name in program.inputs}

    def _fail(self, message: str) -> bool:
        self._error = message
        self.failed.emit(message)
        return False

    def _accept(self, built: Built) -> None:
        old_trace, old = self._trace, self.player
        self._built = built
        self._trace = record(built.output)
        self._report = None
        self._error = None
        self._relayout()
        same_steps = len(self._trace) == len(old_trace)
        position = len(self._trace) if old.at_end and not same_steps else old.position
        self.player.set_trace(self._trace, position)
        self.rebuilt.emit()

    def _relayout(self) -> None:
        # a new input value usually leaves every size as it was: keep the layout, so the
        # picture does not jump while a spin box is being dragged
        if self._layout is not None and graph_spec(self._trace, self._sizer) != self._spec:
            self._spec = self._layout = None


class TraceSession:
    """A fixed, recorded graph to step through (a tensor graph built in code): no editing, no
    SymPy check; the same `player`, `trace`, `layout` and `rebuilt` as `GraphSession`."""

    rebuilt = Signal()
    failed = Signal(str)
    checked = Signal()
    editable = False
    error: str | None = None
    report_ready = False
    auto_check = False

    def __init__(
        self,
        trace: Trace,
        cursor: CursorSpec = "start",
        *,
        sizer: Sizer | None = None,
        engine: Engine = "auto",
    ) -> None:
        self._engine: Engine = engine
        self._sizer = sizer
        self._layout: Layout | None = None
        self.trace = trace
        self.player = Player(trace, resolve_position(trace, cursor))

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = layout(graph_spec(self.trace, self._sizer), self._engine)
        return self._layout

    def set_sizer(self, sizer: Sizer) -> None:
        self._sizer = sizer
        self._layout = None
        self.rebuilt.emit()
