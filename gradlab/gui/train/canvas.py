"""`DigitCanvas`: a square the learner writes a digit on with the mouse.

The strokes go into an ink image of a fixed size (`SIDE` pixels, a round pen `PEN` wide,
anti-aliased), whatever size the widget has on screen, so the same gesture gives the same digit
in a small tab and on a projector. `ink()` hands the image over as rows of ink from 0 to 1, the
form `gradlab.state.train.digit.to_mnist` prepares as MNIST's digits were prepared. `changed` is
emitted after every piece of a stroke, so the network can read the digit as it is written.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gradlab.gui.theme import LIGHT, Theme

SIDE = 224
"""The ink image's side in pixels: eight times MNIST's 28."""
PEN = 18.0
"""The pen's width in ink pixels: a digit written across most of the square comes out with
strokes about as thick as MNIST's (two to three of its pixels)."""
MIN_SIDE = 96


class DigitCanvas(QWidget):
    """Draw with the left button; `clear` wipes the square."""

    changed = Signal()
    """The ink changed (a piece of a stroke, or a clear)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Write a digit here with the mouse")
        self._ink = QImage(SIDE, SIDE, QImage.Format.Format_Grayscale8)
        self._ink.fill(0)
        self._last: QPointF | None = None
        self._theme = LIGHT
        self.strokes = 0
        """Strokes drawn since the last clear."""

    # ---- the ink --------------------------------------------------------------------------

    def ink(self) -> NDArray[np.float64]:
        """The drawing as (SIDE, SIDE) ink from 0 (paper) to 1 (a full stroke)."""
        raw = self._ink.constBits()
        rows = np.frombuffer(raw, np.uint8, self._ink.sizeInBytes())
        pixels = rows.reshape(SIDE, self._ink.bytesPerLine())[:, :SIDE]
        ink: NDArray[np.float64] = pixels.astype(np.float64) / 255.0
        return ink

    @property
    def blank(self) -> bool:
        return self.strokes == 0

    def clear(self) -> None:
        self._ink.fill(0)
        self.strokes = 0
        self.update()
        self.changed.emit()

    def _draw(self, start: QPointF, end: QPointF) -> None:
        painter = QPainter(self._ink)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(255, 255, 255), PEN)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawLine(start, end)
        painter.end()
        self.update()
        self.changed.emit()

    # ---- where the square is on screen ------------------------------------------------------

    def square(self) -> QRectF:
        """The drawing square in widget coordinates: as large as fits, centred."""
        side = float(min(self.width(), self.height()) - 2)
        return QRectF((self.width() - side) / 2.0, (self.height() - side) / 2.0, side, side)

    def to_ink(self, point: QPointF) -> QPointF:
        """A widget position as a position on the ink image."""
        square = self.square()
        scale = SIDE / max(square.width(), 1.0)
        return QPointF((point.x() - square.left()) * scale, (point.y() - square.top()) * scale)

    # ---- Qt ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._last = self.to_ink(event.position())
        self.strokes += 1
        self._draw(self._last, self._last)  # a click alone leaves a dot

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        point = self.to_ink(event.position())
        self._draw(self._last, point)
        self._last = point

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._last = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self._ink.convertToFormat(QImage.Format.Format_Indexed8)
        paper, ink = QColor(self._theme.panel), QColor(self._theme.text)
        shown.setColorTable([_mix(paper, ink, i / 255.0) for i in range(256)])
        square = self.square()
        painter.drawImage(square, shown)
        painter.setPen(QPen(QColor(self._theme.node_border), 1.0))
        painter.drawRect(square)
        painter.end()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def sizeHint(self) -> QSize:
        return QSize(160, 160)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()


def _mix(paper: QColor, ink: QColor, share: float) -> Any:
    """The colour `share` of the way from paper to ink, as a colour-table entry."""
    red = paper.red() + (ink.red() - paper.red()) * share
    green = paper.green() + (ink.green() - paper.green()) * share
    blue = paper.blue() + (ink.blue() - paper.blue()) * share
    return QColor(round(red), round(green), round(blue)).rgb()
