"""`ConvView`: input ⋆ kernel = output grids, the window readout and the output-size formula.

The view takes a `ConvScrubber` and draws from it; it computes nothing. Forward: one input grid per
channel (hatched padding; red, green and blue for a colour image), the current filter's kernel
slice per channel, one output map per filter. Pooling: input channels and pooled maps. The
backward modes add a second row: the upstream gradient, dL/dW of the current filter (convolution
only; a pool has no weights) and dL/dX, accumulating window by window. The transposed convolution
shows the input stretched and padded (its inserted zeros hatched), the kernel turned 180° and the
output. Clicking an output cell jumps to its window.

The view places the parts: the two rows of grids stacked, or side by side where that gives larger
cells (see `arrange`), a column condensed around one large grid where its stacked grids would be
images (see `focus`), and the readout and formulas under or beside the grids. What each grid
shows, window by window, and the readout's text come from `contents`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.engine.trace import Array
from gradlab.gui.conv.arrange import Band, brief, condensed, side_by_side, stretches
from gradlab.gui.conv.column import Column, Columns, band_of
from gradlab.gui.conv.contents import MAX_MAPS, GridContents
from gradlab.gui.conv.focus import Focus, row_heights
from gradlab.gui.conv.grid import BASE_CELL, MAX_CELL
from gradlab.gui.conv.notes import note_text
from gradlab.gui.theme import Theme
from gradlab.gui.typography import CONV_GRID, CONV_NOTE, CONV_SYMBOL, CONV_TEXT, CONV_WORD
from gradlab.state.conv.scrubber import ConvScrubber

WORDS_BESIDE_WIDTH = 1400
"""From this width on, presenting, the readout and formulas sit beside the grids."""
STACKED_GAP = 6
"""Pixels between the forward row of grids and the backward row under it."""
BESIDE_GAP = 0.5 * BASE_CELL
"""Between the forward row and the backward row beside it: half a cell (at font scale 1)."""


class ConvView(QWidget):
    """Grids, readout and formula of a `ConvScrubber`, following its signals."""

    def __init__(self, scrubber: ConvScrubber, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scrubber = scrubber
        self._theme = theme
        self._contents = GridContents(scrubber, theme)
        c = self._contents.columns
        self.inputs, self.kernels, self.outputs, self.upstreams, self.dweights, self.dinputs = c
        self._focus = Focus(scrubber, c)
        # a thumbnail clicked: that channel large, or that map's first window
        for inputs in (self.inputs, self.dinputs):
            inputs.picked.connect(self.show_input)
        for maps in (self.outputs, self.upstreams):
            maps.picked.connect(self._focus.pick_map)
        self._condensing = False
        self._stretches: list[tuple[QHBoxLayout, int, Column]] = []
        self._parts: dict[QWidget, tuple[QHBoxLayout, tuple[QWidget, ...]]] = {}
        """Each row of grids: its layout and what stands in it, in order."""
        self.star = self._symbol("⋆")
        self.equals = self._symbol("=")
        self.unknown = self._symbol("?")
        self.unknown.setToolTip("The output is the question: answer it to see the output")
        self.unknown.setVisible(False)
        self.forward_row = self._row(
            self.inputs, self.star, self.kernels, self.equals, self.unknown, self.outputs
        )
        self.asked: str | None = None
        """What an open quiz asks for ("output_size", "output", "grad_input", "grad_weight"):
        the grids that show it stay hidden until it is answered."""
        self._words_may_go_beside = False
        self._words_beside = False
        self.backward_row = self._row(self.upstreams, self.dweights, self.dinputs)
        self.readout = self._label()
        self.formula = self._label()
        self.note = self._label()
        self.error = self._label()
        grids = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        grids.addWidget(self.forward_row, 1)
        grids.addWidget(self.backward_row, 1)
        self.grids = grids
        """The forward row over the backward row, or beside it (`rows_side_by_side`)."""
        words = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        for group in ((self.readout, self.error), (self.formula, self.note)):
            column = QVBoxLayout()
            for label in group:
                column.addWidget(label)
            column.addStretch(1)
            words.addLayout(column, 1)
        self.words = words
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addLayout(grids, 3)
        self._layout.addLayout(words, 0)
        scrubber.rebuilt.connect(self._on_rebuilt)
        scrubber.changed.connect(self._on_changed)
        self.apply_theme(theme)
        self._on_rebuilt()
        self._on_changed(scrubber.position)

    def _symbol(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self._parts[row] = (layout, widgets)
        for index, widget in enumerate(widgets):
            layout.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
            if isinstance(widget, Column):
                self._stretches.append((layout, index, widget))
        return row

    # ---- theme and presentation ----------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        """Colours, and sizes by role: larger while `theme.presenting`."""
        self._theme = theme
        roles = {self.equals: CONV_SYMBOL, self.unknown: CONV_SYMBOL}
        roles |= {self.formula: CONV_NOTE, self.note: CONV_NOTE}
        for label in (self.readout, self.formula, self.note, self.error, *roles):
            label.setFont(roles.get(label, CONV_TEXT).font(theme, self.font()))
        self._show_operator()
        self._show_formula()
        self.readout.setStyleSheet(f"color: {theme.text};")
        self.formula.setStyleSheet(f"color: {theme.text};")
        self.note.setStyleSheet(f"color: {theme.muted};")
        self.error.setStyleSheet(f"color: {theme.bad}; font-weight: bold;")
        self._contents.apply_theme(theme)
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"ConvView {{ background: {theme.panel}; }}")

    def set_words_beside(self, presenting: bool) -> None:
        """Presenting, the readout and the formulas take no height from the grids: on a wide
        screen (a 1080p projector) they go to the right of the grids, on a narrower one (1024
        pixels: a column beside was too narrow to read) under them, side by side."""
        self._words_may_go_beside = presenting
        # the notes repeat what the lesson's text says: presenting, the grids need the room
        self.note.setVisible(not presenting)
        self._place_words()

    def _place_words(self) -> None:
        presenting = self._words_may_go_beside
        beside = presenting and self.width() >= WORDS_BESIDE_WIDTH
        self._words_beside = beside
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self.words.setDirection(across if presenting and not beside else down)
        if (across if beside else down) != self._layout.direction():
            self._layout.setDirection(across if beside else down)
            self._layout.setStretch(0, 3)
            self._layout.setStretch(1, 1 if beside else 0)
        self._show_formula()
        self._arrange_grids()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_words()

    def rows_side_by_side(self) -> bool:
        """The backward row of grids stands beside the forward row, not under it."""
        return self.grids.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange_grids(self) -> None:
        """Condense the columns that need it (see `focus`), stack the rows of grids or set them
        side by side, whichever gives larger cells, and give each row the room its cells need
        (see `arrange`)."""
        width, height = self._grids_room()
        if width <= 0 or height <= 0:
            return
        scale = CONV_GRID.scale(self._theme)
        # side by side, half a cell apart, so the forward and the backward pass read as two
        gaps = (float(STACKED_GAP), round(BESIDE_GAP * scale))
        self._condense(width, self._choice_height(), MAX_CELL * scale, gaps)
        shown = [
            (index, band)
            for index, row in enumerate((self.forward_row, self.backward_row))
            if (band := self._band(row)) is not None
        ]
        bands = [band for _, band in shown]
        beside = side_by_side(bands, width, height, MAX_CELL * scale, gaps)
        spacing = gaps[1] if beside else gaps[0]
        if self.grids.spacing() != spacing:
            self.grids.setSpacing(int(spacing))
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        if self.grids.direction() != (across if beside else down):
            self.grids.setDirection(across if beside else down)
            self._contents.regroup(beside)
        factors = stretches(bands, width, height, spacing, beside)
        for (index, _), factor in zip(shown, factors, strict=True):
            if self.grids.stretch(index) != factor:
                self.grids.setStretch(index, factor)

    def _condense(
        self, width: float, height: float, largest: float, gaps: tuple[float, float]
    ) -> None:
        """Show one channel (map) large where a column's stacked grids would be images."""
        if self._condensing:
            return  # the readout this changes re-arranges the grids: keep this choice
        before = self.inputs.condensed
        rows = [row for row in (self.forward_row, self.backward_row) if row.isVisibleTo(self)]
        bands = [self._band(row, whole=True) for row in rows]
        heights = row_heights([b for b in bands if b is not None], width, height, largest, gaps)
        room = dict(zip([r for r, b in zip(rows, bands, strict=True) if b], heights, strict=True))
        self._focus.condense(room.get(self.forward_row), room.get(self.backward_row))
        self._share_width()
        if self.inputs.condensed != before:
            self._condensing = True
            try:
                self._show_readout()  # the readout details the channel shown, or all of them
            finally:
                self._condensing = False

    def show_input(self, channel: int) -> None:
        """Show input channel `channel` large (where the inputs are condensed)."""
        self._focus.show_input(channel)
        self._show_readout()

    def next_input(self) -> None:
        """The next input channel large (the lab's C key)."""
        self.show_input(self._focus.input + 1)

    def _choice_height(self) -> float:
        """The height condensing is judged in: the view's less one line of words. Not the words'
        real height: a condensed column's readout is shorter, so judging in the room the long
        one leaves would keep it long."""
        margins = self._layout.contentsMargins()
        line = QFontMetrics(self.readout.font()).lineSpacing()
        words = 0 if self._words_beside else line + max(self._layout.spacing(), 0)
        return float(self.height() - margins.top() - margins.bottom() - words)

    def _grids_room(self) -> tuple[float, float]:
        """The pixels the grids get, whatever their arrangement: the view less its margins and
        the words (beside: a quarter of the width; under: their height at the full width)."""
        margins = self._layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        height = self.height() - margins.top() - margins.bottom()
        spacing = max(self._layout.spacing(), 0)
        if self._words_beside:
            return (width - spacing) * 3 / 4, height
        words = self.words
        taken = words.heightForWidth(width) if words.hasHeightForWidth() else 0
        if taken > 0:
            height -= taken + spacing
        return width, height

    def _band(self, row: QWidget, whole: bool = False) -> Band | None:
        """A row of grids in cells and fixed pixels, from what it shows (None when hidden);
        `whole`: as if no column were condensed."""
        if not row.isVisibleTo(self):
            return None
        layout, widgets = self._parts[row]
        return band_of(widgets, max(layout.spacing(), 0), whole=whole)

    def hide_answer_of(self, asked: str | None) -> None:
        """Hide what an open quiz asks for until it is answered (None: nothing): the output
        maps (and, for its size, the size formula) behind a "?", or ∂L/∂X or ∂L/∂W."""
        self.asked = asked
        self._show_asked()
        self._show_formula()
        self._arrange_grids()

    def _show_asked(self) -> None:
        settings = self.scrubber.settings
        output = self.asked in {"output_size", "output"}
        self.outputs.setVisible(not output)
        self.unknown.setVisible(output)
        self.dinputs.setVisible(self.asked != "grad_input")
        self.dweights.setVisible(self.asked != "grad_weight" and not settings.pooling)

    def _show_formula(self) -> None:
        # hidden while a quiz asks for the output's size; and a projector has no room for two
        # rows of grids and the output-size rule, which is not what a backward step is about
        presenting = self._theme.presenting
        # nor for it and the channels' numbers (condensed around one channel)
        crowded = presenting and (self.scrubber.settings.backward or self.inputs.condensed)
        self.formula.setVisible(self.asked != "output_size" and not crowded)
        # under the grids on a slide: this step's numbers only, the rule in full on hover
        formula = self.scrubber.formula
        short = self._words_may_go_beside and not self._words_beside
        self.formula.setText("\n".join(brief(formula) if short else condensed(formula)))
        self.formula.setToolTip("\n".join(condensed(formula)) if short else "")
        # the readout takes the whole width when nothing stands beside it
        side = not self.formula.isHidden() or not self.note.isHidden()
        self.words.setStretch(1, 1 if side else 0)

    def _show_operator(self) -> None:
        """⋆ between input and kernel, or the word "pool" (at a word's size: a symbol's made it
        wider than a pooled map)."""
        pooling = self.scrubber.settings.pooling
        self.star.setText("pool" if pooling else "⋆")
        role = CONV_WORD if pooling else CONV_SYMBOL
        self.star.setFont(role.font(self._theme, self.font()))

    def _columns(self) -> Columns:
        return self._contents.columns

    # ---- following the scrubber ----------------------------------------------------------

    def _on_rebuilt(self) -> None:
        s = self.scrubber
        settings = s.settings
        self._contents.rebuilt()
        self.kernels.setVisible(not settings.pooling)
        self._show_operator()
        self.backward_row.setVisible(settings.backward and s.error is None)
        self._show_asked()
        self._show_formula()
        self.error.setText(s.error or "")
        self.error.setVisible(s.error is not None)
        self.note.setText(note_text(self.scrubber, MAX_MAPS))
        self._share_width()
        self._arrange_grids()

    def _share_width(self) -> None:
        """Give each column width in proportion to its grid's columns, so cells can be equal."""
        s = self.scrubber
        geometry = s.geometry
        padding = 0 if s.settings.pooling or geometry is None else geometry.padding[1]
        width = s.input_array.shape[-1]
        out = s.output.shape[-1] if s.output is not None else 1
        columns = {
            self.inputs: width + 2 * padding,
            self.kernels: s.weight.shape[-1],
            self.outputs: out,
            self.upstreams: out,
            self.dweights: s.weight.shape[-1],
            self.dinputs: width,
        }
        if any(column.condensed for column in columns):
            # one grid large: each column gets the pixels its numbers need, the strip included
            # (a map of 4-digit sums needs cells twice an 8-bit channel's)
            for column, cols in columns.items():
                grids = column.large()
                need = max((grid.number_cell() for grid in grids), default=0.0)
                title = max((grid.title_width() for grid in grids), default=0.0)
                columns[column] = max(1, round(max(cols * need, title) + column.strip_width()))
        for layout, index, column in self._stretches:
            layout.setStretch(index, columns[column])

    def _on_changed(self, _position: int) -> None:
        record = self.scrubber.current()
        self._contents.follow(record)
        self._focus.follow(record)
        self._show_readout()

    def _show_readout(self) -> None:
        """The current window in numbers (see `GridContents.readout`)."""
        text = self._contents.readout(self.inputs.condensed, self._focus.input)
        if text != self.readout.text():
            self.readout.setText(text)
            self._arrange_grids()  # a readout of another height leaves the grids another room

    def grid_values(self) -> dict[str, list[Array]]:
        """What each visible column shows (for tests and export)."""
        return {
            name: [np.array(g.values) for g in column.grids if g.isVisibleTo(self)]
            for name, column in zip(
                ("input", "kernel", "output", "upstream", "dW", "dX"), self._columns(), strict=True
            )
        }
