"""`NumberSpin`: a spin box for any float the learner types, 1e-5 included (a derivative
lesson's step h), shown without rounding and without thousands separators."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

LIMIT = 1e12
"""The largest input in size (exp of it already overflows; larger ones are typos)."""
DIGITS = 12
"""Significant digits a spin box keeps and shows."""


class NumberSpin(QDoubleSpinBox):
    """A spin box for any float: "0.5", "-2", "1e-5", "3.2e4"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(323)  # the float range's smallest magnitudes survive (1e-5, 1e-300)
        self.setRange(-LIMIT, LIMIT)
        self.setSingleStep(0.1)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{DIGITS}g}"
        return "0" if text == "-0" else text

    def valueFromText(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            return self.value()
        return value if math.isfinite(value) else self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            # on the way to a number: "", "-", "1e", "1e-", "."
            partial = stripped in {"", "-", "+", "."} or stripped.lower().endswith(("e", "e-"))
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return (state, text, pos)
        if not math.isfinite(value) or abs(value) > LIMIT:
            return (QValidator.State.Invalid, text, pos)
        return (QValidator.State.Acceptable, text, pos)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance("-0.000012345") + 32
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
