"""Colour themes built from explicit colours: light, dark and a high-contrast projector theme.

The colours themselves are `gradlab.drawing.style`'s palettes, shared with the figures gradlab
draws without Qt (notebooks, ``gradlab draw``).

`QStyleHints.setColorScheme` does nothing offscreen (and not on every desktop), so every colour a
view uses comes from a `Theme` and the application palette is built from the same fields. A theme
also says whether the window is presenting; `gradlab.gui.typography` turns both into font sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

from PySide6.QtGui import QColor, QPalette

from gradlab.drawing import style
from gradlab.drawing.style import Palette

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
class Theme(Palette):
    """A palette (`gradlab.drawing.style`: the colours and sizes the app shares with its
    figures) and whether the window is in presentation mode (the views' text grows by role, see
    typography)."""

    presenting: bool = False
    """Presentation mode: the main window hands its views the theme with this set."""

    @classmethod
    def of(cls, palette: Palette) -> Theme:
        return cls(**{f.name: getattr(palette, f.name) for f in fields(Palette)})

    def presenting_as(self, on: bool) -> Theme:
        """This theme in or out of presentation mode (itself when it already is)."""
        return self if self.presenting == on else replace(self, presenting=on)

    def color(self, field: ColorField) -> QColor:
        """The named colour field as a QColor, e.g. ``theme.color("grad")``."""
        if field not in _COLOR_FIELDS:
            raise KeyError(f"{field!r} is not a colour field of Theme")
        return QColor(getattr(self, field))


_COLOR_FIELDS = frozenset(f.name for f in fields(Theme) if f.type == "str" and f.name != "name")

LIGHT = Theme.of(style.LIGHT)
DARK = Theme.of(style.DARK)
PROJECTOR = Theme.of(style.PROJECTOR)

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
