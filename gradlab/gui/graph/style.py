"""`GraphStyle`: the fonts, colours and pens of a theme for the graph view, and `Mark`, how far a
part of the graph has come. The style doubles as the layout's `Sizer`, so boxes are exactly as
large as the text drawn in them.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from gradlab.engine.trace import Node, Number
from gradlab.gui.theme import Theme
from gradlab.layout import labels

BASE_FONT_PX = 14.0


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
        px = max(8, round(BASE_FONT_PX * theme.font_scale))
        self.font = QFont("DejaVu Sans")
        self.font.setPixelSize(px)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.italic = QFont(self.font)
        self.italic.setItalic(True)
        self.op_font = QFont(self.bold)
        self.op_font.setPixelSize(round(px * 1.15))
        self.pad = 0.55 * px
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
        self._widths: dict[tuple[str, int], float] = {}
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
            pen.setWidthF(self.line_width * width * (1.8 if active else 1.0))
            if mark is Mark.PENDING:
                pen.setColor(self.color("muted"))
                pen.setStyle(Qt.PenStyle.DashLine)
            self._pens[key] = pen
        return pen

    def _width(self, text: str, metrics: QFontMetricsF | None = None) -> float:
        # measured once per text and font: a large graph repeats "grad ?" thousands of times
        metrics = metrics or self.metrics
        key = (text, id(metrics))
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = metrics.horizontalAdvance(text)
        return width

    # ---- the layout's Sizer protocol ----------------------------------------------------------

    def value_node(self, node: Node, name: str, grad: Number | None) -> tuple[float, float]:
        title = self._width(labels.title_text(node, name), self.bold_metrics)
        numbers = max(
            self._width(labels.value_text(node.value)),
            self._width(labels.grad_text(grad), self.italic_metrics),
            self._width("data " + labels.NUMBER_ROOM),
        )
        if node.shape:
            numbers += self.thumb_width + self.pad  # a picture of the array beside its numbers
        if self.stacked:
            return (max(title, numbers) + 1.0 * self.pad, 3 * self.line + 3 * self.pad)
        return (title + numbers + 4 * self.pad, 2 * self.line + 2.2 * self.pad)

    def op_node(self, node: Node) -> tuple[float, float]:
        side = self.op_metrics.height() + 1.4 * self.pad
        glyph = self._width(labels.op_text(node), self.op_metrics)
        return (max(side, glyph + 1.5 * self.pad), side)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        width = max(
            self._width(labels.local_text(local)),
            self._width(labels.contribution_text(contribution)),
            self._width("+= " + labels.NUMBER_ROOM),
        )
        return (width + 0.6 * self.pad, 2 * self.line + 0.6 * self.pad)
