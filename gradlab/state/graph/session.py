"""`GraphSession`: an expression and its input values, kept as a graph the lab can show.

Text -> `Program` -> `Built` (Values) -> `Trace` (+ `CheckReport`, `Layout`); text that declares
shapes is a `TensorProgram` and builds Tensors (`gradlab.engine.tensor_expr`), whose inputs are
arrays (`gradlab.state.graph.values`) and whose check compares each entry's grad with finite
differences (`gradlab.state.graph.tensor_check`). An edit rebuilds
everything at once; when the new text or value does not work, the last good graph stays, `error`
says why and `failed` is emitted, and the typed text is kept. While the text has an error, input
values are remembered but the old program is not rebuilt with them (the editor and the graph
would tell different stories).

The check runs when asked (`request_check`): at once without a background, in a worker process
with one (the GUI's), where a new edit cancels it. Edits are announced by `edited`, so a
learner's own version of a lesson step can be kept and brought back (`restore`, `reset`).
"""

from __future__ import annotations

from collections.abc import Mapping

from psygnal import Signal

from gradlab.check import CheckReport, check_trace
from gradlab.engine import record
from gradlab.engine.expr import Built, ExpressionError
from gradlab.engine.tensor_expr import TensorBuilt, TensorProgram, parse_program
from gradlab.engine.trace import Trace
from gradlab.layout import Engine, Sizer
from gradlab.state.graph.background import Background, Updates
from gradlab.state.graph.player import CursorSpec
from gradlab.state.graph.shown import ShownGraph
from gradlab.state.graph.tensor_check import check_tensor_program
from gradlab.state.graph.trace_session import TraceSession
from gradlab.state.graph.values import (
    DEFAULT_INPUT,
    AnyProgram,
    Edit,
    InputValue,
    as_arrays,
    fitted,
    grad_warning,
    same_edit,
    value_text,
    values_for,
)

AUTO_CHECK_NODES = 400
"""Graphs up to this size are checked after every edit (in the background, well under a second);
larger ones on request."""


class GraphSession(ShownGraph):
    """The graph lab's state for one expression; raises ExpressionError if the first text fails."""

    edited = Signal()
    """The learner changed the expression or an input, and it built."""
    editable = True

    def __init__(
        self,
        expression: str,
        inputs: Mapping[str, InputValue] | None = None,
        cursor: CursorSpec = "start",
        *,
        sizer: Sizer | None = None,
        engine: Engine = "auto",
        backward: bool = True,
    ) -> None:
        self._remembered: dict[str, InputValue] = dict(inputs or {})
        self._text = expression
        self._error: str | None = None
        self._program: AnyProgram = parse_program(expression)
        self._built = self._build(self._program)
        self.original: Edit = (expression, self.inputs)
        """The expression and inputs the session started with (the lesson's version)."""
        self._report: CheckReport | None = None
        self.check_progress: tuple[float, str] | None = None
        self._warning: tuple[Trace | None, str] = (None, "")
        super().__init__(
            record(self._built.output), cursor, sizer=sizer, engine=engine, backward=backward
        )

    # ---- what the views read --------------------------------------------------------------

    @property
    def expression(self) -> str:
        """The text as last typed (even when it did not parse)."""
        return self._text

    @property
    def program(self) -> AnyProgram:
        """The last program that built."""
        return self._program

    @property
    def tensor(self) -> bool:
        """Whether the graph is a tensor program's (its inputs are arrays)."""
        return isinstance(self._program, TensorProgram)

    @property
    def built(self) -> Built | TensorBuilt:
        return self._built

    @property
    def error(self) -> str | None:
        """Why the last edit failed, or None when the graph shows what was typed."""
        return self._error

    @property
    def inputs(self) -> dict[str, InputValue]:
        """The current program's inputs and their values, in order of first use."""
        return {name: self._remembered[name] for name in self._program.inputs}

    @property
    def edit(self) -> Edit:
        """The expression and inputs as they stand (for keeping the learner's version)."""
        return (self._program.text, self.inputs)

    @property
    def modified(self) -> bool:
        """Whether the graph differs from the lesson's version."""
        return not same_edit(self.edit, self.original)

    @property
    def warning(self) -> str:
        """A grad that is inf or NaN (a local derivative is infinite there), named; or empty."""
        if self._warning[0] is not self.trace:
            self._warning = (self.trace, grad_warning(self.trace))
        return self._warning[1]

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
        program = self._program
        if self.background is None:
            if isinstance(program, TensorProgram):
                values = as_arrays(self.inputs)
                self._report = check_tensor_program(_quiet, program, values)
            else:
                self._report = check_trace(self.trace, self.input_ids())
            self.checked.emit()
            return
        self.check_progress = (0.0, "starting")
        if isinstance(program, TensorProgram):
            self.background.check_tensors(program, as_arrays(self.inputs))
        else:
            self.background.check(self.trace, self.input_ids())
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
            program = parse_program(text)
            built = self._build(program)
        except ExpressionError as error:
            return self._fail(str(error))
        self._program = program
        self._accept(built)
        return True

    def set_input(self, name: str, value: InputValue) -> bool:
        """Change one input's value (an array of its shape for a tensor input); False (and
        `failed`) if the arithmetic breaks there, or if the expression has an error (the value
        is kept for when it is fixed)."""
        if name not in self._program.inputs:
            raise KeyError(f"{name!r} is not an input of {self._program.text!r}")
        value = fitted(self._program, name, value)
        if self._error is not None:
            self._remembered[name] = value
            self.failed.emit(
                f"{self._error}. The graph still shows the last expression that worked; "
                f"{name} = {value_text(value)} is used once the expression is fixed."
            )
            return False
        previous = self._remembered[name]
        self._remembered[name] = value
        try:
            built = self._build(self._program)
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

    def _build(self, program: AnyProgram) -> Built | TensorBuilt:
        values = values_for(program, self._remembered)
        if isinstance(program, TensorProgram):
            return program.build(values)
        return program.build({name: float(value) for name, value in values.items()})

    def _fail(self, message: str) -> bool:
        self._error = message
        self.failed.emit(message)
        return False

    def _accept(self, built: Built | TensorBuilt) -> None:
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


def _quiet(fraction: float, what: str) -> None:
    """Progress of a check run here and now: nobody is waiting for it."""
    del fraction, what


__all__ = ["AUTO_CHECK_NODES", "DEFAULT_INPUT", "Edit", "GraphSession", "TraceSession"]
