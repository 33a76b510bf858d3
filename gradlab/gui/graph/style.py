"""`GraphStyle`: the fonts, colours and pens of a theme for the graph view, and `Mark`, how far a
part of the graph has come. The style doubles as the layout's `Sizer`, so boxes are exactly as
large as the text drawn in them. Its sizes are `gradlab.drawing.style`'s, which the SVG figures
use too.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from gradlab.drawing import style
from gradlab.engine.trace import Node, Number
from gradlab.gui.theme import Theme
from gradlab.layout import labels


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
        self.op_metrics = QFontMetricsF(self.op_font)
        self.line = self.metrics.height()
        self.line_width = theme.line_width
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

    def _width(self, text: str, metrics: QFontMetricsF | None = None) -> float:
        return (metrics or self.metrics).horizontalAdvance(text)

    # ---- the layout's Sizer protocol ----------------------------------------------------------

    def value_node(self, node: Node, name: str, grad: Number | None) -> tuple[float, float]:
        title = self._width(labels.title_text(node, name), self.bold_metrics)
        numbers = max(
            self._width(labels.value_text(node.value)),
            self._width(labels.grad_text(grad), QFontMetricsF(self.italic)),
            self._width("data " + labels.NUMBER_ROOM),
        )
        return (title + numbers + 4 * self.pad, 2 * self.line + 2.2 * self.pad)

    def op_node(self, node: Node) -> tuple[float, float]:
        side = self.op_metrics.height() + 1.4 * self.pad
        return (max(side, self._width(labels.op_text(node), self.op_metrics) + 2 * self.pad), side)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        width = max(
            self._width(labels.local_text(local)),
            self._width(labels.contribution_text(contribution)),
            self._width("+= " + labels.NUMBER_ROOM),
        )
        return (width + 1.2 * self.pad, 2 * self.line + 0.6 * self.pad)
