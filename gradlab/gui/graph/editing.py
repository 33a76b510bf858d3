"""`EditorPanel`: the graph lab's expression editor, its messages and the inputs.

Typing is never slowed by the graph: the text is built once typing pauses (`TYPING_PAUSE_MS`, or
at once on Enter), so a half-typed prefix that happens to parse ("f = 1e30" on the way to
"f = 1e308*x*10") never becomes the graph. When the text does not work, the message says why and
that the graph still shows the last expression that worked, and the input boxes wait (changing
them would rebuild a program the editor no longer shows). When the learner's version differs
from the lesson's, a button brings the lesson's back.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from gradlab.engine.expr import MAX_CHARS, MAX_NODES
from gradlab.engine.tensor_shapes import MAX_ENTRIES
from gradlab.gui.graph.inputs import InputsPanel
from gradlab.gui.plain_text import plain_label
from gradlab.gui.theme import Theme
from gradlab.state.graph.session import AUTO_CHECK_NODES, GraphSession
from gradlab.state.graph.values import InputValue

TYPING_PAUSE_MS = 350
"""The graph follows the text once typing pauses this long."""
LIMITS = (
    f"At most {MAX_NODES:,} nodes and {MAX_CHARS:,} characters; a line like  X: (3, 2)  gives "
    f"an input a shape and makes a tensor graph (at most {MAX_ENTRIES:,} entries per tensor). "
    "Press Enter to build at once; what you can type: docs/expressions.md"
)


class EditorPanel(QWidget):
    """Editor, error and warning lines, the lesson's-version button and the inputs."""

    def __init__(self, session: GraphSession, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.theme = theme
        self.editor = QLineEdit(session.expression)
        self.editor.setPlaceholderText("q = x + y; f = q * z")
        self.editor.setToolTip(LIMITS)
        self.editor.setFont(QFont("DejaVu Sans Mono"))
        self.error = plain_label()  # messages quote what was typed: never markup
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.warning = plain_label()  # messages quote what was typed: never markup
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.size_note = plain_label()
        self.size_note.setToolTip(LIMITS)
        self.reset = QPushButton("Lesson's version")
        self.reset.setToolTip("Bring back the lesson's expression and inputs (yours is kept)")
        self.inputs = InputsPanel()
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.editor, 1)
        top.addWidget(self.size_note)
        top.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.warning)
        layout.addWidget(self.inputs)
        self.editor.textEdited.connect(lambda _: self.typing.start())
        self.editor.returnPressed.connect(self.commit)
        self.typing.timeout.connect(self.commit)
        self.inputs.changed.connect(self._on_input)
        self.inputs.array_changed.connect(self._on_input)
        self.reset.clicked.connect(self._on_reset)
        self.apply_theme(theme)
        self.follow()

    @property
    def typing_pending(self) -> bool:
        """Whether typed text waits for the pause before it is built."""
        return self.typing.isActive()

    def commit(self) -> None:
        """Build the typed text now."""
        self.typing.stop()
        if self.editor.text() != self.session.expression or self.session.error is not None:
            self.session.set_expression(self.editor.text())

    def follow(self) -> None:
        """Show what the session holds: its text (unless the learner is typing), the error or
        warning, the inputs, and whether the lesson's version differs."""
        session = self.session
        typing = self.editor.hasFocus() or self.typing_pending
        if not typing and self.editor.text() != session.expression:
            self.editor.setText(session.expression)
        self.show_error(session.error)
        warning = session.warning
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.inputs.sync(session.inputs)
        enabled = session.error is None
        if self.inputs.isEnabled() != enabled:
            # every one of 500 spin boxes hears of it: only when it changes
            self.inputs.setEnabled(enabled)
        self.reset.setVisible(session.modified)
        self.size_note.setText(size_note(session))

    def show_error(self, message: str | None) -> None:
        if message is None:
            self.error.setVisible(False)
            return
        shown = self.session.program.text
        self.error.setText(f"{message}\nThe graph shows the last expression that worked: {shown}")
        self.error.setVisible(True)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.size_note.setStyleSheet(f"color: {theme.muted}")
        self.error.setStyleSheet(f"color: {theme.bad}; font-weight: bold")
        self.warning.setStyleSheet(f"color: {theme.bad}")

    def _on_input(self, name: str, value: InputValue) -> None:
        if name in self.session.program.inputs:
            self.session.set_input(name, value)

    def _on_reset(self) -> None:
        self.typing.stop()
        self.session.reset()
        self.editor.setText(self.session.expression)
        self.follow()


def size_note(session: GraphSession) -> str:
    """The graph's size against the limit, and what its size changes: "12 of at most 10,000
    nodes"; "…, checked on request" past the size checked after every edit."""
    nodes = len(session.trace.nodes)
    text = f"{nodes:,} of at most {MAX_NODES:,} nodes"
    if not session.auto_check:
        text += f", checked on request (above {AUTO_CHECK_NODES:,})"
    return text
