"""The autoencoder's views of a training `Frame`: test digits beside their reconstructions, with
the bottleneck's size as a control, and the codes: every test digit's code as a point coloured by
its class when the bottleneck has 2 units, else the code numbers of the digits shown."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.gui.theme import Theme
from gradlab.gui.train.heatmap import Heatmap
from gradlab.gui.train.maps import diverging
from gradlab.gui.train.plots import make_plot, style_plot
from gradlab.gui.typography import TRAIN_LEGEND, TRAIN_PLOT, TRAIN_TEXT
from gradlab.state.train.frame import Frame

Array = NDArray[Any]
GAP = 2
"""Pixels between the digits of a group."""
GROUP_GAP = 8
"""Pixels between two groups of columns."""
PER_COLUMN = 5
"""Digits one above the other: ten test digits make two groups."""
SEPARATOR = -0.25
"""The value of the gaps, drawn in the theme's muted colour; digits' pixels lie in [0, 1]."""
BOTTLENECKS = (1, 2, 4, 8, 16, 32, 64, 128)
"""The code sizes offered beside the digits (a lesson's own is added)."""
ROW_NAMES = {"noisy": "noisy input", "original": "original", "rebuilt": "rebuilt"}
DIGIT_COLOURS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#79706e",
)  # fmt: skip
"""One colour per digit 0-9 (Tableau 10, the last darkened to show on white): ten classes need
more colours than a theme has, and these stay apart on light, dark and projector backgrounds."""


def side_by_side(examples: Sequence[tuple[str, Array]], per_column: int = PER_COLUMN) -> Array:
    """One image of the examples' digits: each digit's versions (noisy, original, rebuilt) side
    by side in a row, `per_column` digits one above the other, then the next group to the right.
    Pixels are clipped to [0, 1]; the gaps hold `SEPARATOR`."""
    kinds = len(examples)
    count, height, width = examples[0][1].shape
    groups = -(-count // per_column)
    group_width = kinds * (width + GAP) - GAP
    out = np.full(
        (per_column * (height + GAP) - GAP, groups * (group_width + GROUP_GAP) - GROUP_GAP),
        SEPARATOR,
    )
    for index in range(count):
        group, row = divmod(index, per_column)
        top = row * (height + GAP)
        for kind, (_, images) in enumerate(examples):
            left = group * (group_width + GROUP_GAP) + kind * (width + GAP)
            out[top : top + height, left : left + width] = np.clip(images[index], 0.0, 1.0)
    return out


def ink(theme: Theme) -> pg.ColorMap:
    """Digits as ink on the panel (0 the panel's colour, 1 the text's), gaps muted."""
    paper = -SEPARATOR / (1.0 - SEPARATOR)
    return pg.ColorMap([0.0, paper, 1.0], [theme.muted, theme.panel, theme.text])


class ReconstructionPanel(QWidget):
    """One test digit of each class as it went in, as it is and as the autoencoder rebuilds it,
    and the bottleneck's size: choosing another starts a new run."""

    bottleneck_changed = Signal(int)

    def __init__(self, bottleneck: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bottleneck = QComboBox()
        self.bottleneck.setToolTip("How many numbers pass the middle; another size starts over")
        for size in sorted({*BOTTLENECKS, bottleneck}):
            self.bottleneck.addItem(str(size), size)
        self.bottleneck.setCurrentIndex(self.bottleneck.findData(bottleneck))
        self.bottleneck.currentIndexChanged.connect(
            lambda _: self.bottleneck_changed.emit(self.bottleneck.currentData())
        )
        self.heading = QLabel()
        """Which column is which: a label wraps where a plot title is clipped."""
        self.heading.setWordWrap(True)
        self.plot = make_plot("")
        item = self.plot.getPlotItem()
        item.invertY(True)
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setAspectLocked(True)
        self.image = Heatmap()
        self.plot.addItem(self.image)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("Bottleneck")
        row.addWidget(self.label)
        row.addWidget(self.bottleneck)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.heading)
        layout.addWidget(self.plot, 1)
        self.rows: tuple[str, ...] = ()

    def show_frame(self, frame: Frame) -> None:
        if not frame.examples:
            return
        self.image.setImage(
            side_by_side(frame.examples).T, autoLevels=False, levels=(SEPARATOR, 1.0)
        )
        rows = tuple(name for name, _ in frame.examples)
        if rows != self.rows:
            self.rows = rows
            names = ", ".join(ROW_NAMES[name] for name in rows)
            self.heading.setText(f"Left to right: {names}")

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        self.image.setColorMap(ink(theme))
        for widget in (self.label, self.bottleneck, self.heading):
            widget.setFont(TRAIN_TEXT.font(theme, widget.font()))


class CodesPanel(QWidget):
    """With a 2-unit bottleneck: every test digit's code as a point in the plane, coloured by its
    class (digits alike should gather). Wider: the code numbers of the digits shown beside their
    reconstructions, one row per digit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.scatter_plot = make_plot("")  # the note above says what it is: a title is clipped
        self.scatter = pg.ScatterPlotItem(pxMode=True)
        self.scatter_plot.addItem(self.scatter)
        self.values_plot = make_plot("")
        item = self.values_plot.getPlotItem()
        item.invertY(True)
        item.hideAxis("bottom")
        item.getAxis("left").setTicks([[(i + 0.5, str(i)) for i in range(10)]])
        self.values = Heatmap()
        self.values_plot.addItem(self.values)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        layout.addWidget(self.scatter_plot, 1)
        layout.addWidget(self.values_plot, 1)
        self._brushes: list[pg.QtGui.QBrush] = [pg.mkBrush(c) for c in DIGIT_COLOURS]
        self._digits: Array | None = None
        self._brush_list: list[pg.QtGui.QBrush] = []
        self._size = 4.0

    def show_frame(self, frame: Frame) -> None:
        plane = frame.codes is not None
        self.scatter_plot.setVisible(plane)
        self.legend.setVisible(plane)
        self.values_plot.setVisible(not plane and frame.code_values is not None)
        if frame.codes is not None and frame.code_digits is not None:
            self.note.setText("Each point: a test digit's code (2 numbers), coloured by its digit")
            if frame.code_digits is not self._digits:
                self._digits = frame.code_digits
                self._brush_list = [self._brushes[int(d) % 10] for d in frame.code_digits]
            self.scatter.setData(pos=frame.codes, brush=self._brush_list, size=self._size, pen=None)
        elif frame.code_values is not None:
            values = frame.code_values
            units = values.shape[1]
            self.note.setText(
                f"The {units} numbers of each digit's code (one row per digit shown beside, "
                "0 at the top). Two units would make the codes points in a plane."
            )
            peak = float(np.abs(values).max()) or 1.0
            self.values.setImage((values / peak).T, autoLevels=False, levels=(-1.0, 1.0))
            self.values.setRect(0.0, 0.0, float(units), float(len(values)))
            self.values_plot.setRange(xRange=(0, units), yRange=(0, len(values)), padding=0.0)

    def apply_theme(self, theme: Theme) -> None:
        for plot in (self.scatter_plot, self.values_plot):
            style_plot(plot, theme)
        self.values.setColorMap(diverging(theme))
        self._size = 4.0 * TRAIN_PLOT.scale(theme)
        for label in (self.legend, self.note):
            label.setFont(TRAIN_LEGEND.font(theme, label.font()))
        marks = " ".join(
            f"<span style='color:{colour}'>●</span>&nbsp;{html.escape(str(digit))}"
            for digit, colour in enumerate(DIGIT_COLOURS)
        )
        self.legend.setText(f"<span style='color:{theme.text}'>{marks}</span>")
