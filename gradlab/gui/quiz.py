"""`QuizWidget`: predict, then reveal. Type a number and check it, or reveal the answer."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.plain_text import plain_label
from gradlab.gui.theme import Theme
from gradlab.gui.typography import QUIZ
from gradlab.state.quiz import Feedback, QuizState


class QuizWidget(QWidget):
    """Question, an answer box, Check and Reveal; feedback in good/bad colours."""

    revealed = Signal()

    def __init__(self, quiz: QuizState, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quiz = quiz
        self._theme = theme
        self._last: Feedback | None = None
        # the prompt is the lesson's: escaped, so only "Predict:" is markup
        self.question = QLabel(f"<b>Predict:</b> {html.escape(quiz.question)}")
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.question.setWordWrap(True)
        self.answer = QLineEdit()
        self.answer.setPlaceholderText("your answer, e.g. -4")
        self.answer.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.clicked.connect(self.reveal)
        self.feedback = plain_label()  # bold comes from the style sheet
        self.feedback.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.answer, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.reveal_button)
        # the question above the answer box; beside it while presenting, where every line of
        # height goes to the graph
        self.ask = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.ask.addWidget(self.question, 1)
        self.ask.addLayout(row, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self.ask)
        layout.addWidget(self.feedback)
        self.apply_theme(theme)

    def check(self) -> None:
        self._last = self.quiz.check(self.answer.text())
        self.feedback.setText(self._last.message)
        self._color_feedback()

    def reveal(self) -> None:
        shown = self.quiz.reveal()
        self._last = None
        self.feedback.setText(f"The engine computed {shown}.")
        self._color_feedback()
        self.reveal_button.setEnabled(False)
        self.revealed.emit()

    def _color_feedback(self) -> None:
        theme = self._theme
        color = (
            theme.text if self._last is None else (theme.good if self._last.correct else theme.bad)
        )
        self.feedback.setStyleSheet(f"color: {color}; font-weight: bold;")

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.ask.setDirection(
            QBoxLayout.Direction.LeftToRight
            if theme.presenting
            else QBoxLayout.Direction.TopToBottom
        )
        font = QUIZ.font(theme, self.font())
        for widget in (self.question, self.answer, self.check_button, self.reveal_button):
            widget.setFont(font)
        self.feedback.setFont(font)
        self._color_feedback()
