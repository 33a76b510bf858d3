"""`GroupBar`: above a summarised graph, how big it is, what is open, and how to close it again.

A group is opened by clicking it in the graph; the bar names the opened groups, deepest last,
and closes the last one or all of them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gradlab.gui.plain_text import plain_label
from gradlab.lessons.schema import MAX_NETWORK_NODES
from gradlab.state.graph.network_session import NetworkSession


class GroupBar(QWidget):
    """The size and open groups of a `NetworkSession`, with buttons to close them."""

    def __init__(self, session: NetworkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.label = plain_label()  # group names come from the lesson: never markup
        self.label.setWordWrap(True)
        self.close_one = QPushButton("Close the last group")
        self.close_all = QPushButton("Close all")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_one)
        row.addWidget(self.close_all)
        self.close_one.clicked.connect(self._close_last)
        self.close_all.clicked.connect(session.close_all)
        self.follow()

    def follow(self) -> None:
        session = self.session
        opened = sorted(session.opened, key=lambda p: (len(p), p))
        shown = len(session.trace.nodes)
        text = (
            f"{len(session.full.nodes):,} nodes (a network's graph has at most "
            f"{MAX_NETWORK_NODES:,}) collapsed into groups: the inputs, each layer and the loss. "
            f"Click a group (▦) to open it one level: a layer into its neurons, a neuron into "
            f"its nodes. {shown:,} shown."
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
