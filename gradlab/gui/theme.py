"""Colour themes built from explicit colours: light, dark and a high-contrast projector theme.

`QStyleHints.setColorScheme` does nothing offscreen (and not on every desktop), so every colour a
view uses comes from a `Theme` and the application palette is built from the same fields. A theme
also says whether the window is presenting; `gradlab.gui.typography` turns both into font sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

from PySide6.QtGui import QColor, QPalette

ColorField = Literal[
    "window",
    "panel",
    "text",
    "muted",
    "accent",
    "value",
    "grad",
    "good",
    "bad",
    "node_fill",
    "op_fill",
    "node_border",
    "edge",
    "highlight_fill",
]


@dataclass(frozen=True)
class Theme:
    """Every colour a view draws with (hex strings), scale factors for fonts and lines, and
    whether the window is in presentation mode (the views' text grows by role, see typography)."""

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
    presenting: bool = False
    """Presentation mode: the main window hands its views the theme with this set."""

    def presenting_as(self, on: bool) -> Theme:
        """This theme in or out of presentation mode (itself when it already is)."""
        return self if self.presenting == on else replace(self, presenting=on)

    def color(self, field: ColorField) -> QColor:
        """The named colour field as a QColor, e.g. ``theme.color("grad")``."""
        if field not in _COLOR_FIELDS:
            raise KeyError(f"{field!r} is not a colour field of Theme")
        return QColor(getattr(self, field))


_COLOR_FIELDS = frozenset(f.name for f in fields(Theme) if f.type == "str" and f.name != "name")

LIGHT = Theme(
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

DARK = Theme(
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
PROJECTOR = Theme(
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

THEMES: dict[str, Theme] = {theme.name: theme for theme in (LIGHT, DARK, PROJECTOR)}


def palette(theme: Theme) -> QPalette:
    """A complete QPalette from the theme's explicit colours (works offscreen too)."""
    pal = QPalette()
    role = QPalette.ColorRole
    roles = {
        role.Window: theme.window,
        role.WindowText: theme.text,
        role.Base: theme.panel,
        role.AlternateBase: theme.window,
        role.ToolTipBase: theme.panel,
        role.ToolTipText: theme.text,
        role.PlaceholderText: theme.muted,
        role.Text: theme.text,
        role.Button: theme.panel,
        role.ButtonText: theme.text,
        role.BrightText: theme.bad,
        role.Highlight: theme.accent,
        role.HighlightedText: theme.panel,
        role.Link: theme.value,
        role.LinkVisited: theme.grad,
        role.Light: theme.panel,
        role.Midlight: theme.op_fill,
        role.Mid: theme.edge,
        role.Dark: theme.node_border,
        role.Shadow: theme.text,
    }
    for color_role, hex_color in roles.items():
        pal.setColor(color_role, QColor(hex_color))
    disabled = QPalette.ColorGroup.Disabled
    for color_role in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, color_role, QColor(theme.muted))
    return pal
