"""`GroupBar`: above a summarised graph, how big it is, what is open, and how to close it again.

A group is opened by clicking it in the graph, or with Enter when the step is on it (a lecturer
with a clicker and a keyboard has no mouse at hand); the bar names the opened groups, deepest
last, and closes the last one (or Backspace) or all of them. Its text is short, and a little
larger on a projector; the whole story of the grouping is its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gradlab.gui.plain_text import plain_label
from gradlab.gui.theme import Theme
from gradlab.gui.typography import GRAPH_GROUPS
from gradlab.lessons.schema import MAX_NETWORK_NODES
from gradlab.state.graph.network_session import NetworkSession


class GroupBar(QWidget):
    """The size and open groups of a `NetworkSession`, with buttons to close them."""

    def __init__(self, session: NetworkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.label = plain_label()  # group names come from the lesson: never markup
        self.label.setWordWrap(True)
        self.label.setToolTip(
            "A network's graph is collapsed into groups: the inputs, each layer and the loss. "
            "Opening a group shows it one level deeper: a layer as its neurons, a neuron as its "
            "nodes for every point. The transport steps through what is shown."
        )
        self.close_one = QPushButton("Close the last group")
        self.close_all = QPushButton("Close all")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_one)
        row.addWidget(self.close_all)
        self.close_one.clicked.connect(self._close_last)
        self.close_all.clicked.connect(session.close_all)
        self.key_actions = [
            self._action("Open the group the step is on", ("Return", "Enter"), self.open_active),
            self._action("Close the last group", ("Backspace",), self._close_last),
        ]
        """For the lab to add to itself: they act while the focus is anywhere in it."""
        self.follow()

    def _action(self, text: str, keys: tuple[str, ...], slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        return action

    def apply_theme(self, theme: Theme) -> None:
        for widget in (self.label, self.close_one, self.close_all):
            widget.setFont(GRAPH_GROUPS.font(theme, widget.font()))

    def open_active(self) -> bool:
        """Open the group the transport's step is on; False if that is no group (or no step)."""
        node = self.session.player.snapshot().active
        return node is not None and self.session.open(node)

    def follow(self) -> None:
        session = self.session
        opened = sorted(session.opened, key=lambda p: (len(p), p))
        shown = len(session.trace.nodes)
        text = (
            f"{len(session.full.nodes):,} nodes (at most {MAX_NETWORK_NODES:,}), {shown:,} shown. "
            "Open a group (▦): click it, or step onto it and press Enter; Backspace closes the "
            "last."
        )
        if opened:
            text += " Open: " + ", ".join(" › ".join(p) for p in opened) + "."
        self.label.setText(text)
        self.close_one.setEnabled(bool(opened))
        self.close_all.setEnabled(bool(opened))

    def _close_last(self) -> None:
        opened = sorted(self.session.opened, key=lambda p: (len(p), p))
        if opened:
            self.session.close(opened[-1])
