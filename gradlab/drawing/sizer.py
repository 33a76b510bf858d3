"""`FigureSizer`: the layout's `Sizer` for figures, the graph lab's box formulas with text
measured from DejaVu Sans's advance widths (`gradlab.drawing.glyphs`) instead of Qt's fonts."""

from __future__ import annotations

from gradlab.drawing import glyphs, style
from gradlab.drawing.frame import Frame
from gradlab.drawing.style import Palette
from gradlab.engine.trace import Node, Number
from gradlab.layout.metrics import GlyphWidths, MetricSizer


def _table(widths: dict[str, float], px: float) -> GlyphWidths:
    return GlyphWidths({char: px * width for char, width in widths.items()}, px * glyphs.FALLBACK)


class FigureSizer:
    """Measures text and boxes for `palette` with the graph lab's own formulas (`MetricSizer`),
    so a figure's boxes are the app's."""

    def __init__(self, palette: Palette, frame: Frame | None = None) -> None:
        self.palette = palette
        self.px = float(style.font_px(palette))
        self.op_px = float(round(self.px * style.OP_FONT))
        self.pad = style.PAD * self.px
        self.line = self.line_height(self.px)
        self._frame = frame
        regular = _table(glyphs.REGULAR, self.px)
        self._metrics = MetricSizer(
            regular=regular,
            bold=_table(glyphs.BOLD, self.px),
            italic=regular,  # DejaVu Sans Oblique has the upright face's advances
            op=_table(glyphs.BOLD, self.op_px),
            line=self.line,
            op_line=self.line_height(self.op_px),
            pad=self.pad,
            thumb=2.2 * self.line,
            stacked=False,
        )

    @staticmethod
    def line_height(px: float) -> float:
        return (glyphs.ASCENT + glyphs.DESCENT) * px

    def title_split(self, title: str) -> float:
        """Where a value box's name column ends, from its left edge."""
        return self._metrics.bold.width(title) + 2 * self.pad

    # ---- the layout's Sizer protocol ------------------------------------------------------------

    def value_node(
        self, node: Node, name: str, grad: Number | None, *, backward: bool = True
    ) -> tuple[float, float]:
        if self._frame is not None:  # a live graph: its grads are not in the trace's records
            grad = self._frame.grads[node.id]
        return self._metrics.value_node(node, name, grad, backward=backward)

    def op_node(self, node: Node) -> tuple[float, float]:
        return self._metrics.op_node(node)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        width, height = self._metrics.edge_label(local, contribution)
        if self._frame is not None and self._frame.edges:  # a live graph: its widest label
            texts = [text for pair in self._frame.edges.values() for text in pair]
            width = max(width, *(self._metrics.regular.width(t) + 0.6 * self.pad for t in texts))
        return (width, height)
