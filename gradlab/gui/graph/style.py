"""`GraphStyle`: the fonts, colours and pens of a theme for the graph view, and `Mark`, how far a
part of the graph has come. The style doubles as the layout's `Sizer`, so boxes are exactly as
large as the text drawn in them. Its sizes are `gradlab.drawing.style`'s, which the SVG figures
use too.
"""

from __future__ import annotations

import string
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from gradlab.drawing import style
from gradlab.engine.ops import Op
from gradlab.engine.trace import Node, Number
from gradlab.gui.theme import Theme
from gradlab.layout.metrics import GlyphWidths, MetricSizer

GRAPH_CHARACTERS = "".join(
    sorted(
        set(string.printable.strip() + " ")
        | {c for op in Op for c in op.glyph + op.template}
        | set("·×÷−…ⁿ²ᵀσ∂▦₀₁₂₃₄₅₆₇₈₉ ")
    )
)
"""Every character the graph's labels can contain: ASCII, the ops' glyphs, subscripts."""


class Mark(Enum):
    """How far a part of the graph has come at the current step."""

    PENDING = "pending"
    """Not computed yet: drawn muted and dashed."""
    DONE = "done"
    ACTIVE = "active"
    """Part of the step just taken: drawn in the accent colour."""


class GraphStyle:
    """Fonts, pens and sizes of one theme; measures text for the layout (a `Sizer`)."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        px = style.font_px(theme)
        self.font = QFont(style.FONT_FAMILY)
        self.font.setPixelSize(px)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.italic = QFont(self.font)
        self.italic.setItalic(True)
        self.op_font = QFont(self.bold)
        self.op_font.setPixelSize(round(px * style.OP_FONT))
        self.pad = style.PAD * px
        self.metrics = QFontMetricsF(self.font)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.italic_metrics = QFontMetricsF(self.italic)
        self.op_metrics = QFontMetricsF(self.op_font)
        self.line = self.metrics.height()
        self.line_width = theme.line_width
        self.thumb_width = 2.2 * self.line
        """The width of a tensor node's heatmaps of its data and grad (a line high each)."""
        self.stacked = theme.presenting
        """Value nodes with the name above the numbers (narrower): a projected graph then fits
        the screen's width with text about a third larger."""
        self.sizer = MetricSizer(
            regular=glyph_widths(self.metrics),
            bold=glyph_widths(self.bold_metrics),
            italic=glyph_widths(self.italic_metrics),
            op=glyph_widths(self.op_metrics),
            line=self.line,
            op_line=self.op_metrics.height(),
            pad=self.pad,
            thumb=self.thumb_width,
            stacked=self.stacked,
        )
        self._colors: dict[str, QColor] = {}
        self._pens: dict[tuple[str, Mark, float], QPen] = {}

    def color(self, name: str) -> QColor:
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = QColor(getattr(self.theme, name))
        return color

    def pen(self, color: str, mark: Mark, width: float = 1.0) -> QPen:
        """The pen for a part in state `mark` (made once per combination: paints are hot)."""
        key = (color, mark, width)
        pen = self._pens.get(key)
        if pen is None:
            active = mark is Mark.ACTIVE
            pen = QPen(self.color("accent" if active else color))
            pen.setWidthF(self.line_width * width * (style.ACTIVE_LINE if active else 1.0))
            if mark is Mark.PENDING:
                pen.setColor(self.color("muted"))
                pen.setStyle(Qt.PenStyle.DashLine)
            self._pens[key] = pen
        return pen

    # ---- the layout's Sizer protocol, by the picklable sizer the layout worker uses too ----

    def value_node(
        self, node: Node, name: str, grad: Number | None, *, backward: bool = True
    ) -> tuple[float, float]:
        return self.sizer.value_node(node, name, grad, backward=backward)

    def op_node(self, node: Node) -> tuple[float, float]:
        return self.sizer.op_node(node)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        return self.sizer.edge_label(local, contribution)


def glyph_widths(metrics: QFontMetricsF) -> GlyphWidths:
    """Every character a graph can show, measured in this font."""
    advances = {char: metrics.horizontalAdvance(char) for char in GRAPH_CHARACTERS}
    return GlyphWidths(advances, max(advances.values()))
