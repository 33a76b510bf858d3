"""`FigureSizer`: the layout's `Sizer` for figures, the graph lab's box formulas with text
measured from DejaVu Sans's advance widths (`gradlab.drawing.glyphs`) instead of Qt's fonts."""

from __future__ import annotations

from gradlab.drawing import glyphs, style
from gradlab.drawing.frame import Frame
from gradlab.drawing.style import Palette
from gradlab.engine.trace import Node, Number
from gradlab.layout import labels


class FigureSizer:
    """Measures text and boxes for `palette` (the same sizes as `gradlab.gui.graph.style`)."""

    def __init__(self, palette: Palette, frame: Frame | None = None) -> None:
        self.palette = palette
        self.px = float(style.font_px(palette))
        self.op_px = float(round(self.px * style.OP_FONT))
        self.pad = style.PAD * self.px
        self.line = self.line_height(self.px)
        self._frame = frame

    @staticmethod
    def line_height(px: float) -> float:
        return (glyphs.ASCENT + glyphs.DESCENT) * px

    @staticmethod
    def width(text: str, px: float, *, bold: bool = False) -> float:
        """The advance of `text` at `px` pixels (kerning ignored: a hair wider, never narrower
        than needed for the strings a graph shows)."""
        table = glyphs.BOLD if bold else glyphs.REGULAR
        return px * sum(table.get(c, glyphs.FALLBACK) for c in text)

    def title_split(self, title: str) -> float:
        """Where a value box's name column ends, from its left edge."""
        return self.width(title, self.px, bold=True) + 2 * self.pad

    # ---- the layout's Sizer protocol ------------------------------------------------------------

    def value_node(self, node: Node, name: str, grad: Number | None) -> tuple[float, float]:
        if self._frame is not None:  # a live graph: its grads are not in the trace's records
            grad = self._frame.grads[node.id]
        numbers = max(
            self.width(labels.value_text(node.value), self.px),
            self.width(labels.grad_text(grad), self.px),
            self.width("data " + labels.NUMBER_ROOM, self.px),
        )
        title = self.width(labels.title_text(node, name), self.px, bold=True)
        return (title + numbers + 4 * self.pad, 2 * self.line + 2.2 * self.pad)

    def op_node(self, node: Node) -> tuple[float, float]:
        side = self.line_height(self.op_px) + 1.4 * self.pad
        text = self.width(labels.op_text(node), self.op_px, bold=True)
        return (max(side, text + 2 * self.pad), side)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        texts = [labels.local_text(local), labels.contribution_text(contribution)]
        if self._frame is not None and self._frame.edges:  # a live graph: its widest label
            texts += [text for pair in self._frame.edges.values() for text in pair]
        width = max(self.width(text, self.px) for text in [*texts, "+= " + labels.NUMBER_ROOM])
        return (width + 1.2 * self.pad, 2 * self.line + 0.6 * self.pad)
