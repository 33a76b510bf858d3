"""`MissedPanel`: the test digits the network gets wrong, one at a time, each with its true and
its predicted class; a button hands one to the Filters tab for its feature maps."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gradlab.gui.theme import Theme
from gradlab.gui.train.maps import image_plot
from gradlab.gui.train.plots import style_plot
from gradlab.gui.typography import TRAIN_LEGEND


class DigitPicture(QWidget):
    """One 28×28 digit, as the network sees it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot, self.image = image_plot(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_digit(self, image: NDArray[np.float32]) -> None:
        self.image.setImage(np.asarray(image, np.float64).T, autoLevels=False, levels=(0, 1))

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self.plot, theme)
        self.image.setColorMap(pg.ColorMap([0.0, 1.0], [theme.panel, theme.text]))


class MissedPanel(QWidget):
    """The misclassified test digits one at a time, with their true and predicted classes."""

    picked = Signal(int)
    """The learner asked for this test digit's feature maps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previous = QPushButton("◀")
        self.next = QPushButton("▶")
        self.previous.setToolTip("The previous mistake")
        self.next.setToolTip("The next mistake")
        self.maps_button = QPushButton("Its maps")
        self.maps_button.setToolTip("Show this digit's feature maps in the Filters tab")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture = DigitPicture("misclassified")
        row = QHBoxLayout()
        for button in (self.previous, self.next, self.maps_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.label)
        layout.addWidget(self.picture, 1)
        self.previous.clicked.connect(lambda: self._go(-1))
        self.next.clicked.connect(lambda: self._go(1))
        self.maps_button.clicked.connect(self._on_maps)
        self.missed: tuple[tuple[int, int], ...] = ()
        self.truth: NDArray[np.int64] = np.zeros(0, np.int64)
        self.images: NDArray[np.float32] = np.zeros((0, 28, 28), np.float32)
        self.index = 0

    def show_missed(
        self,
        missed: tuple[tuple[int, int], ...],
        images: NDArray[np.float32],
        truth: NDArray[np.int64],
    ) -> None:
        """`missed`: (test index, predicted) pairs; `images` and `truth`: the whole test set."""
        if missed != self.missed:
            shown = self.missed[self.index][0] if self.missed else None
            indices = [i for i, _ in missed]
            self.index = indices.index(shown) if shown in indices else 0
        self.missed, self.images, self.truth = missed, images, truth
        self._show()

    def _go(self, step: int) -> None:
        if self.missed:
            self.index = (self.index + step) % len(self.missed)
            self._show()

    def _show(self) -> None:
        for button in (self.previous, self.next, self.maps_button):
            button.setEnabled(bool(self.missed))
        if not self.missed:
            self.label.setText("No misclassified test digits (yet).")
            self.picture.image.clear()
            return
        test, predicted = self.missed[self.index]
        truth = int(self.truth[test])
        self.label.setText(
            f"Mistake {self.index + 1} of {len(self.missed)}: test digit {test}, "
            f"true {truth}, predicted {predicted}"
        )
        self.picture.show_digit(self.images[test])

    def _on_maps(self) -> None:
        if self.missed:
            self.picked.emit(self.missed[self.index][0])

    def apply_theme(self, theme: Theme) -> None:
        self.picture.apply_theme(theme)
        for widget in (self.label, self.previous, self.next, self.maps_button):
            widget.setFont(TRAIN_LEGEND.font(theme, widget.font()))
