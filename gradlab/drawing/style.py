"""The look shared by the app and its figures, Qt-free: colour palettes and the graph's sizes.

The GUI's themes (`gradlab.gui.theme`) are these palettes plus presentation mode, and its graph
items (`gradlab.gui.graph`) use the sizes below; the SVG drawing (`gradlab.drawing.svg`) uses
both, so a notebook figure or a slide made by ``gradlab draw`` looks like the graph lab.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """Every colour a view draws with (hex strings) and scale factors for fonts and lines."""

    name: str
    window: str
    panel: str
    text: str
    muted: str
    """Pending: not computed yet."""
    accent: str
    """The active node or edge."""
    value: str
    """Forward numbers."""
    grad: str
    """Backward numbers."""
    good: str
    bad: str
    node_fill: str
    op_fill: str
    node_border: str
    edge: str
    highlight_fill: str
    font_scale: float = 1.0
    """1.0 normal; about 1.8 on a projector."""
    line_width: float = 1.5


LIGHT = Palette(
    name="light",
    window="#f6f7f9",
    panel="#ffffff",
    text="#1b1f24",
    muted="#9aa3ad",
    accent="#e8590c",
    value="#1864ab",
    grad="#c2255c",
    good="#2b8a3e",
    bad="#c92a2a",
    node_fill="#ffffff",
    op_fill="#edf2f7",
    node_border="#495057",
    edge="#6c757d",
    highlight_fill="#fff3bf",
)

DARK = Palette(
    name="dark",
    window="#1e2126",
    panel="#272b31",
    text="#e9ecef",
    muted="#6c757d",
    accent="#ffa94d",
    value="#74c0fc",
    grad="#f783ac",
    good="#69db7c",
    bad="#ff6b6b",
    node_fill="#2f343b",
    op_fill="#3a4048",
    node_border="#adb5bd",
    edge="#8f99a3",
    highlight_fill="#5c4813",
)

# Projectors wash out pale tints and thin strokes: pure black on white, saturated primaries,
# thick lines and large type so the back row can read every number.
PROJECTOR = Palette(
    name="projector",
    window="#ffffff",
    panel="#ffffff",
    text="#000000",
    muted="#8c8c8c",
    accent="#d9480f",
    value="#0b3d91",
    grad="#a50050",
    good="#006b1f",
    bad="#b00000",
    node_fill="#ffffff",
    op_fill="#e6e6e6",
    node_border="#000000",
    edge="#333333",
    highlight_fill="#ffe066",
    font_scale=1.8,
    line_width=3.0,
)

PALETTES: dict[str, Palette] = {palette.name: palette for palette in (LIGHT, DARK, PROJECTOR)}

# ---- the graph's sizes ---------------------------------------------------------------------------

FONT_FAMILY = "DejaVu Sans"
GRAPH_FONT_PX = 14.0
"""Node and edge labels, in pixels at font scale 1 (boxes are measured in pixels)."""
MIN_FONT_PX = 8
OP_FONT = 1.15
"""An op's glyph is bold and this much larger than the labels."""
PAD = 0.55
"""Padding inside boxes, in font sizes."""
CORNER = 0.6
"""A value box's corner radius, in paddings."""
LABEL_CORNER = 4.0
"""An edge label's corner radius, in pixels."""
LABEL_OPACITY = 0.92
"""An edge label's background lets the edge under it show through a little."""
ACTIVE_LINE = 1.8
"""The active step's lines are this much thicker."""
ARROW = 9.0
"""An arrowhead's length in pixels at line width 1.5 (it grows with thicker lines)."""


def font_px(palette: Palette) -> int:
    """The graph's label size in whole pixels for `palette`'s font scale."""
    return max(MIN_FONT_PX, round(GRAPH_FONT_PX * palette.font_scale))
