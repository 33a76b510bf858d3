"""`DigitTabs`: the training lab's tabs for a digit model: the filters and the feature maps of
any test digit (Filters), a digit the learner writes, read as it is written (Draw), and the
misclassified test digits one at a time (Misclassified).

A drawing is read by the model the views show (live, or the snapshot rewound to) with the run's
own copy of the model, which follows the worker's parameters: about 4 ms for the mnist-cnn
preset (measured), far under the 50 ms that would send it off the GUI thread, so on this thread,
at the redraw's pace (at most 25 times a second).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtWidgets import QTabWidget, QWidget

from gradlab.gui.theme import Theme
from gradlab.gui.train.digits import DrawPanel, FiltersPanel
from gradlab.gui.train.mistakes import MissedPanel
from gradlab.state.train.frame import Frame
from gradlab.state.train.run import TrainingRun


class DigitTabs:
    """Adds the three tabs to `tabs`; `changed` asks the lab for a redraw."""

    def __init__(self, run: TrainingRun, tabs: QTabWidget, changed: Callable[[], None]) -> None:
        self.run = run
        self.tabs = tabs
        self.changed = changed
        self.digit = 0
        """The test digit whose feature maps the Filters tab shows."""
        self.filters = FiltersPanel(len(run.data.x_test))
        self.draw = DrawPanel()
        self.missed = MissedPanel()
        tabs.addTab(self.filters, "Filters")
        tabs.addTab(self.draw, "Draw")
        tabs.addTab(self.missed, "Misclassified")
        self.filters.digit_changed.connect(self._on_digit)
        self.missed.picked.connect(self._on_picked)
        self.draw.canvas.changed.connect(self.changed)

    @property
    def panels(self) -> tuple[FiltersPanel, DrawPanel, MissedPanel]:
        return self.filters, self.draw, self.missed

    @property
    def wide(self) -> tuple[QWidget, ...]:
        """Tabs that take the whole row when open (a digit's maps and the filters need room)."""
        return (self.filters, self.draw)

    def refresh(self, frame: Frame) -> None:
        """Redraw the open tab (if it is one of these) from `frame` and the run."""
        current = self.tabs.currentWidget()
        data = self.run.data
        if current is self.filters and frame.digit is not None:
            self.filters.show_reading(frame.digit, int(data.y_test[self.digit]))
        elif current is self.missed:
            images = data.x_test[:, 0]
            self.missed.show_missed(frame.misclassified, images, np.asarray(data.y_test))
        elif current is self.draw:
            canvas = self.draw.canvas
            self.draw.show_reading(None if canvas.blank else self.run.read_drawing(canvas.ink()))

    def _on_digit(self, digit: int) -> None:
        self.digit = digit
        self.changed()

    def _on_picked(self, digit: int) -> None:
        """A mistake's feature maps: the Filters tab, on that digit."""
        self.filters.pick.setValue(digit)
        self.tabs.setCurrentWidget(self.filters)

    def apply_theme(self, theme: Theme) -> None:
        for panel in self.panels:
            panel.apply_theme(theme)
