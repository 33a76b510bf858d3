"""Typography: every font size the GUI draws with, and how much each grows when presenting.

A `FontRole` is one kind of text: its size at font scale 1, times the theme's `font_scale` (1.8 on
the projector theme), times the role's presentation factor while `Theme.presenting`. Views ask
their role for a size or a font and never multiply by hand, so this table alone says how large
everything is on a laptop and on a projector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtGui import QFont

from gradlab.gui.theme import Theme

BASE_POINT_SIZE = 12.0
"""Body text in points: a step's text, quizzes, tables and the conv lab's readout."""
CHROME_POINT_SIZE = 11.0
"""The window's own parts: the lesson list, the transport bar, plot axes, grid titles."""
LABEL_PIXEL_SIZE = 14.0
"""The graph lab's node labels and explanation, in pixels (their boxes are measured in pixels)."""
TRAIN_POINT_SIZE = 9.0
"""The training lab's plots: many small plots share the scene."""

# How much larger a role's text gets in presentation mode, on top of the projector theme's font
# scale: text the back row reads while listening grows most, controls the lecturer alone uses
# grow least.
PRESENT_LARGER = 1.2
"""Quiz and transport bar."""
PRESENT_LARGE = 1.3
"""The graph lab's explanation, the conv lab, a scene's message."""
PRESENT_LARGEST = 1.4
"""Tables and the training lab, whose numbers are small to begin with."""


@dataclass(frozen=True)
class FontRole:
    """One kind of text: its base size and how it follows the theme and presentation mode."""

    size: float
    """At font scale 1 outside presentation mode, in points (pixels for the graph's labels)."""
    presenting: float = 1.0
    """Extra factor while presenting."""
    growth: float = 1.0
    """The share of the scale it follows: 0.5 grows half as fast (numbers packed into cells)."""
    max_scale: float = math.inf
    """It never grows beyond this factor (a wide table that must leave room to the plots)."""

    def scale(self, theme: Theme) -> float:
        """The factor this role's text (and anything sized with it) is drawn at."""
        scale = theme.font_scale * (self.presenting if theme.presenting else 1.0)
        if self.growth != 1.0:
            scale = 1.0 + self.growth * (scale - 1.0)
        return min(scale, self.max_scale)

    def points(self, theme: Theme) -> float:
        return self.size * self.scale(theme)

    def pixels(self, theme: Theme) -> int:
        return round(self.size * self.scale(theme))

    def font(self, theme: Theme, base: QFont | None = None) -> QFont:
        """`base` (or the default font) at this role's point size."""
        font = QFont() if base is None else QFont(base)
        font.setPointSizeF(self.points(theme))
        return font


# ---- the shell ---------------------------------------------------------------------------------
LESSON_LIST = FontRole(CHROME_POINT_SIZE)
STEP_TEXT = FontRole(BASE_POINT_SIZE)
STEP_HEADER = FontRole(BASE_POINT_SIZE * 1.15)
QUIZ = FontRole(BASE_POINT_SIZE, PRESENT_LARGER)
TRANSPORT = FontRole(CHROME_POINT_SIZE, PRESENT_LARGER)
TRANSPORT_ICON = FontRole(22.0)
"""The transport bar's icons, in pixels: they grow with the projector theme's type."""
MESSAGE = FontRole(14.0, PRESENT_LARGE)
TABLE = FontRole(BASE_POINT_SIZE, PRESENT_LARGEST)
PLOT = FontRole(CHROME_POINT_SIZE)
"""A function plot's axes and legend (its caption hides while presenting)."""
PRESENTER_NOTES = FontRole(BASE_POINT_SIZE * 1.2)
"""The presenter view's notes, read at arm's length on the lecturer's screen."""
PRESENTER_CLOCK = FontRole(BASE_POINT_SIZE * 2.5)

# ---- the graph lab -----------------------------------------------------------------------------
GRAPH_LABEL = FontRole(LABEL_PIXEL_SIZE)
"""Node and edge labels: the layout measures boxes with them, so presenting zooms instead."""
GRAPH_EXPLAIN = FontRole(LABEL_PIXEL_SIZE, PRESENT_LARGE)
GRAPH_GROUPS = FontRole(CHROME_POINT_SIZE, max_scale=1.3)
"""The bar above a summarised network: read once, then the graph needs the room."""

# ---- the conv lab ------------------------------------------------------------------------------
CONV_TEXT = FontRole(BASE_POINT_SIZE)
"""The readout of the current window (the projector theme's scale only: the grids' numbers
are what the back row reads, and on a 768-line projector every line of words is a line less for
the grids)."""
CONV_SYMBOL = FontRole(BASE_POINT_SIZE * 2.0, PRESENT_LARGE)
"""The ⋆ and = between the grids."""
CONV_WORD = FontRole(BASE_POINT_SIZE * 1.2, PRESENT_LARGE)
"""A word between the grids ("pool"): as large as the symbols it would be four times wider."""
CONV_NOTE = FontRole(BASE_POINT_SIZE * 0.8)
"""The output-size formula and the notes."""
CONV_GRID = FontRole(CHROME_POINT_SIZE, PRESENT_LARGE)
"""A grid's cells grow by this role's scale (their numbers are sized to fit the cells)."""
CONV_TITLE = FontRole(CHROME_POINT_SIZE)
"""A grid's title (bold), by the projector theme's scale only: presenting, a title at the cells'
scale took a row of cells from every grid on a 768-line projector, and the numbers are what the
back row reads."""

# ---- the training lab --------------------------------------------------------------------------
TRAIN_SCALE_CAP = 1.8
"""The training lab's text grows at most this much: beyond it, axes and titles took the room of
the data on a 1024×768 projector (a plot's chrome is several lines of its text tall)."""
TRAIN_PLOT = FontRole(TRAIN_POINT_SIZE, PRESENT_LARGEST, max_scale=TRAIN_SCALE_CAP)
"""Axes and titles of the training plots; the boundary's points grow by the same scale."""
TRAIN_LEGEND = FontRole(TRAIN_POINT_SIZE * 0.8, PRESENT_LARGEST, max_scale=TRAIN_SCALE_CAP)
TRAIN_CELL = FontRole(TRAIN_POINT_SIZE, PRESENT_LARGEST, growth=0.5)
"""The confusion matrix's counts, written inside its cells."""
TRAIN_TEXT = FontRole(10.0, PRESENT_LARGEST, max_scale=TRAIN_SCALE_CAP)
"""The run's message, counters and buttons."""
TRAIN_SUMMARY = FontRole(TRAIN_POINT_SIZE, PRESENT_LARGEST, max_scale=1.2)
"""The model's summary table: wide, so it stays compact and leaves the plots their room."""
