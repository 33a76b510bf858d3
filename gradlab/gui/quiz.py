"""`QuizWidget`: predict, then reveal. Type a number and check it, or reveal the answer.

The keys stay with the lesson: Check and Reveal take no focus from a click, and after Enter,
Check or Reveal the focus rests on the quiz itself, never in another editor (a Space there would
type over the graph's expression), so the clicker's keys and Space step the lesson again.
"""

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

QUESTION_SHARE, ANSWER_SHARE = 3, 2
"""Side by side (presenting), the question takes three fifths of the row: at half of a
1024-pixel projector a one-sentence question wrapped to three lines, each a line of scene lost."""


class QuizWidget(QWidget):
    """Question, an answer box, Check and Reveal; feedback in good/bad colours."""

    revealed = Signal()
    solved = Signal()
    """The answer is known: revealed, or checked correct (the scene may show it again)."""

    def __init__(self, quiz: QuizState, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quiz = quiz
        self._theme = theme
        self._last: Feedback | None = None
        self.is_solved = quiz.is_revealed
        # the quiz itself holds the focus after an answer: keys it ignores go to the lesson
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
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
        for button in (self.check_button, self.reveal_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus alone
        self.feedback = plain_label()  # bold comes from the style sheet
        self.feedback.setWordWrap(True)
        self.feedback.setVisible(False)  # an empty line would take a row from the scene
        row = QHBoxLayout()
        row.addWidget(self.answer, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.reveal_button)
        # the question above the answer box; beside it while presenting, where every line of
        # height goes to the graph
        self.ask = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.ask.addWidget(self.question, QUESTION_SHARE)
        self.ask.addLayout(row, ANSWER_SHARE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self.ask)
        layout.addWidget(self.feedback)
        self.apply_theme(theme)

    def check(self) -> None:
        self._last = self.quiz.check(self.answer.text())
        self.feedback.setText(self._last.message)
        self._color_feedback()
        self._rest_focus()
        if self._last.correct:
            self._solve()

    def reveal(self) -> None:
        shown = self.quiz.reveal()
        self._last = None
        self.feedback.setText(f"The engine computed {shown}.")
        self._color_feedback()
        self._rest_focus()  # before disabling: Qt would pass the focus on to the next editor
        self.reveal_button.setEnabled(False)
        self.revealed.emit()
        self._solve()

    def _rest_focus(self) -> None:
        if self.isVisible():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _solve(self) -> None:
        if not self.is_solved:
            self.is_solved = True
            self.solved.emit()

    def _color_feedback(self) -> None:
        self.feedback.setVisible(bool(self.feedback.text()))
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
