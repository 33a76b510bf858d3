"""`MetricSizer`: node and label sizes from fonts' glyph widths, with no GUI at hand.

The GUI measures its fonts once (`GlyphWidths` per font: the advance of every character a graph
can show) and hands the sizer to the layout worker, so even a 10,000-node graph is measured and
laid out off the GUI thread, to the pixel the GUI draws (a string's width is the sum of its
glyphs' advances: exact for the graph's fonts but for kerning, which only ever narrows text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gradlab.engine.trace import Node, Number
from gradlab.layout import labels


@dataclass(frozen=True)
class GlyphWidths:
    """One font's advance per character; characters not measured count as the widest."""

    advances: Mapping[str, float]
    widest: float

    def width(self, text: str) -> float:
        advances, widest = self.advances, self.widest
        return sum(advances.get(char, widest) for char in text)


@dataclass(frozen=True)
class MetricSizer:
    """The graph lab's node, op and label sizes (a `Sizer`) from measured fonts."""

    regular: GlyphWidths
    bold: GlyphWidths
    italic: GlyphWidths
    op: GlyphWidths
    line: float
    """The height of a line of regular text."""
    op_line: float
    pad: float
    thumb: float
    """The width of a tensor node's heatmaps."""
    stacked: bool
    """Value nodes with the name above the numbers (presenting), not beside them."""

    def value_node(
        self, node: Node, name: str, grad: Number | None, *, backward: bool = True
    ) -> tuple[float, float]:
        title = self.bold.width(labels.title_text(node, name))
        numbers = max(
            self.regular.width(labels.value_text(node.value)),
            self.italic.width(labels.grad_text(grad)) if backward else 0.0,
            self.regular.width("data " + labels.NUMBER_ROOM),
        )
        if node.shape:
            numbers += self.thumb + self.pad  # a picture of the array beside its numbers
        if self.stacked:
            # the name's row (a line and a pad), then the numbers' rows with half a pad above
            # and below them and a fifth between (as `ValueItem` paints them); a graph that
            # only runs forward has the data row alone
            height = 3 * self.line + 2.2 * self.pad if backward else 2 * self.line + 2 * self.pad
            return (max(title, numbers) + 1.0 * self.pad, height)
        height = 2 * self.line + 2.2 * self.pad if backward else self.line + 2 * self.pad
        return (title + numbers + 4 * self.pad, height)

    def op_node(self, node: Node) -> tuple[float, float]:
        side = self.op_line + 1.4 * self.pad
        glyph = self.op.width(labels.op_text(node))
        return (max(side, glyph + 1.5 * self.pad), side)

    def edge_label(self, local: float | None, contribution: Number | None) -> tuple[float, float]:
        width = max(
            self.regular.width(labels.local_text(local)),
            self.regular.width(labels.contribution_text(contribution)),
            self.regular.width("+= " + labels.NUMBER_ROOM),
        )
        return (width + 0.6 * self.pad, 2 * self.line + 0.6 * self.pad)
