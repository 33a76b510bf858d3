"""`GraphSession`: an expression and its input values, kept as a graph the lab can show.

Text -> `Program` -> `Built` (Values) -> `Trace` (+ `CheckReport`, `Layout`). An edit rebuilds
everything at once; when the new text or value does not work, the last good graph stays, `error`
says why and `failed` is emitted, and the typed text is kept. While the text has an error, input
values are remembered but the old program is not rebuilt with them (the editor and the graph
would tell different stories).

The check runs when asked (`request_check`): at once without a background, in a worker process
with one (the GUI's), where a new edit cancels it. Edits are announced by `edited`, so a
learner's own version of a lesson step can be kept and brought back (`restore`, `reset`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from psygnal import Signal

from gradlab.check import CheckReport, check_trace
from gradlab.engine import record
from gradlab.engine.expr import Built, ExpressionError, Program, parse
from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Trace, node_names
from gradlab.layout import Engine, Sizer
from gradlab.state.graph.background import Background, Updates
from gradlab.state.graph.player import CursorSpec
from gradlab.state.graph.shown import ShownGraph
from gradlab.state.graph.trace_session import TraceSession

DEFAULT_INPUT = 1.0
"""A new input's value: 1 keeps log, division and the relu kink out of trouble."""
AUTO_CHECK_NODES = 400
"""Graphs up to this size are checked after every edit (in the background, well under a second);
larger ones on request."""

Edit = tuple[str, dict[str, float]]
"""An expression and its input values."""


class GraphSession(ShownGraph):
    """The graph lab's state for one expression; raises ExpressionError if the first text fails."""

    edited = Signal()
    """The learner changed the expression or an input, and it built."""
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
        self._remembered: dict[str, float] = dict(inputs or {})
        self._text = expression
        self._error: str | None = None
        self._program = parse(expression)
        self._built = self._program.build(self._values(self._program))
        self.original: Edit = (expression, self.inputs)
        """The expression and inputs the session started with (the lesson's version)."""
        self._report: CheckReport | None = None
        self.check_progress: tuple[float, str] | None = None
        super().__init__(record(self._built.output), cursor, sizer=sizer, engine=engine)

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
    def error(self) -> str | None:
        """Why the last edit failed, or None when the graph shows what was typed."""
        return self._error

    @property
    def inputs(self) -> dict[str, float]:
        """The current program's inputs and their values, in order of first use."""
        return {name: self._remembered[name] for name in self._program.inputs}

    @property
    def edit(self) -> Edit:
        """The expression and inputs as they stand (for keeping the learner's version)."""
        return (self._program.text, self.inputs)

    @property
    def modified(self) -> bool:
        """Whether the graph differs from the lesson's version."""
        return self.edit != self.original

    @property
    def warning(self) -> str:
        """A grad that is inf or NaN (a local derivative is infinite there), named; or empty."""
        return _grad_warning(self.trace)

    # ---- the check --------------------------------------------------------------------------

    @property
    def report(self) -> CheckReport | None:
        """Autograd against SymPy and finite differences, once it has been computed."""
        return self._report

    @property
    def report_ready(self) -> bool:
        return self._report is not None

    @property
    def checking(self) -> bool:
        return self.background is not None and self.background.checking

    @property
    def auto_check(self) -> bool:
        """Whether the graph is small enough to check right after every edit."""
        return len(self.trace.nodes) <= AUTO_CHECK_NODES

    def attach(self, background: Background) -> None:
        """Do the check and large layouts in `background` from now on; a small graph is checked
        there at once."""
        super().attach(background)
        if self.auto_check:
            self.request_check()

    def request_check(self) -> None:
        """Check the current graph: in the background if there is one, else at once."""
        if self._report is not None:
            return
        inputs = self.input_ids()
        if self.background is None:
            self._report = check_trace(self.trace, inputs)
            self.checked.emit()
            return
        self.check_progress = (0.0, "starting")
        self.background.check(self.trace, inputs)
        self.progressed.emit(0.0, "starting")

    def cancel_check(self) -> None:
        if self.background is not None:
            self.background.cancel_check()
        self.check_progress = None

    def input_ids(self) -> dict[str, int]:
        """Each input of the graph and its node id (an input the output ignores has none)."""
        names = set(self._program.inputs)
        found = {n.label: n.id for n in self.trace.nodes if not n.parents and n.label in names}
        return {name: found[name] for name in self._program.inputs if name in found}

    def _take(self, updates: Updates) -> None:
        super()._take(updates)
        if updates.progress is not None:
            self.check_progress = updates.progress
            self.progressed.emit(*updates.progress)
        if updates.report is not None:
            self._report, self.check_progress = updates.report, None
            self.checked.emit()
        elif updates.check_failed:
            self.check_progress = None
            self._report = CheckReport((), {}, f"the check failed: {updates.check_failed}")
            self.checked.emit()

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
        """Change one input's value; False (and `failed`) if the arithmetic breaks there, or if
        the expression has an error (the value is kept for when it is fixed)."""
        if name not in self._program.inputs:
            raise KeyError(f"{name!r} is not an input of {self._program.text!r}")
        if self._error is not None:
            self._remembered[name] = float(value)
            self.failed.emit(
                f"{self._error}. The graph still shows the last expression that worked; "
                f"{name} = {format_number(value)} is used once the expression is fixed."
            )
            return False
        previous = self._remembered[name]
        self._remembered[name] = float(value)
        try:
            built = self._program.build(self._values(self._program))
        except ExpressionError as error:
            self._remembered[name] = previous
            return self._fail(str(error))
        self._accept(built)
        return True

    def restore(self, edit: Edit) -> bool:
        """Show a kept version: its expression at its input values."""
        expression, inputs = edit
        self._remembered.update(inputs)
        return self.set_expression(expression)

    def reset(self) -> bool:
        """Back to the lesson's version."""
        return self.restore(self.original)

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
        old_trace, old = self.trace, self.player
        self._built = built
        self._error = None
        self.cancel_check()
        self._report = None
        trace = record(built.output)
        same_steps = len(trace) == len(old_trace)
        position = len(trace) if old.at_end and not same_steps else old.position
        self._show_trace(trace, min(position, len(trace)))
        self.rebuilt.emit()
        self.edited.emit()
        if self.background is not None and self.auto_check:
            self.request_check()


def _grad_warning(trace: Trace) -> str:
    """Name the first grad that is not finite, with the op whose local derivative made it."""
    for step in trace.backward:
        for edge in step.edges:
            if not math.isfinite(float(edge.contribution)):
                names = node_names(trace)
                node = trace.nodes[step.node]
                local = format_number(float("nan") if edge.local is None else edge.local)
                return (
                    f"d{names[trace.root]}/d{names[edge.parent]} is "
                    f"{format_number(float(edge.contribution))}: the local derivative of "
                    f"{names[node.id]} ({node.op.key}) is {local} here"
                )
    return ""


__all__ = ["AUTO_CHECK_NODES", "DEFAULT_INPUT", "Edit", "GraphSession", "TraceSession"]
