"""`Detail`: the drawing a `GraphView` shows, and how near.

Far out, where text would be a few pixels high, the drawing is one picture (its items hidden:
thousands of items each painted by Python code at every repaint cost too much), the active node
is framed on it and a hint says why the nodes are boxes and how to read them; near, every item
shows. Edge labels show only near, never on a graph that only runs forward (it has no local
derivatives to show), and never the one masked (a quiz's answer).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtWidgets import QWidget

from gradlab.gui.graph.drawing import Drawing
from gradlab.gui.graph.items import TINY_TEXT
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.plain_text import plain_label

FAR_HINT = (
    "Too far out to read: nodes are drawn as boxes. Zoom in (Ctrl +, the wheel) to read them."
)


def too_far(zoom: float, style: GraphStyle) -> bool:
    """Whether `style`'s text is too small to read at `zoom` (the graph is one picture then)."""
    return zoom * style.font.pixelSize() < TINY_TEXT


class Detail:
    """The drawing shown in `viewport` (None before the first is complete), far or near."""

    def __init__(self, viewport: QWidget, *, backward: bool) -> None:
        self.drawing: Drawing | None = None
        self.far = False
        """Zoomed out so far that text would not be readable: one picture, no items."""
        self.backward = backward
        """Whether the graph runs backward (else no edge label ever shows)."""
        self.masked: str | None = None
        """An edge label kept hidden (see `mask`)."""
        self.active: int | None = None
        """The node of the step shown, framed on the far picture."""
        self._viewport = viewport
        self.hint = plain_label(FAR_HINT, viewport)
        self.hint.setVisible(False)
        self.hint.setMargin(4)

    def show(self, drawing: Drawing) -> None:
        """Show `drawing` from now on, as near or far as it was made."""
        self.drawing, self.far, self.active = drawing, drawing.far, None
        self._show_labels()
        self.place_hint()

    def set_far(self, far: bool) -> None:
        """One picture (far) or every item (near)."""
        if far == self.far:
            return
        self.far = far
        if self.drawing is not None:
            self.drawing.set_far(far)
            self._show_labels()
        self.place_hint()
        self.frame(self.active)

    def mask(self, key: str | None) -> None:
        """Keep the label of edge `key` hidden; None shows every label again (when near)."""
        self.masked = key
        self._show_labels()

    def frame(self, node: int | None) -> None:
        """Frame node `node` (the active one) on the far picture (items show it themselves)."""
        self.active = node
        drawing = self.drawing
        if drawing is None:
            return
        item = drawing.values.get(node) if node is not None and self.far else None
        drawing.marker.setVisible(item is not None)
        if item is not None:
            drawing.marker.setRect(item.rect)

    def place_hint(self) -> None:
        """The hint shown far out, in the bottom-left corner of the viewport."""
        drawing = self.drawing
        self.hint.setVisible(self.far and drawing is not None)
        if drawing is not None and self.hint.isVisible():
            self.hint.setStyleSheet(f"color: {drawing.style.theme.muted}")
            self.hint.adjustSize()
            self.hint.move(8, self._viewport.height() - self.hint.height() - 4)

    @contextlib.contextmanager
    def near(self) -> Iterator[None]:
        """Every item shown meanwhile, not the far picture (an export is read close up)."""
        drawing, far = self.drawing, self.far
        if drawing is not None and far:
            drawing.set_far(False)
            self._show_labels(far=False)  # but a masked one
        try:
            yield
        finally:
            if drawing is not None and far:
                drawing.set_far(True)
                self._show_labels()
                self.frame(self.active)

    def _show_labels(self, *, far: bool | None = None) -> None:
        if self.drawing is None:
            return
        # a graph that only computes forward has no local derivatives to show
        hidden = (self.far if far is None else far) or not self.backward
        for key, label in self.drawing.edge_labels.items():
            label.setVisible(not hidden and key != self.masked)
