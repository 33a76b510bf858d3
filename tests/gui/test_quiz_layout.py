"""The quiz while presenting: the question beside its answer box, so the scene under it (a graph
to read from the back of the room) keeps a line of height."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from gradlab.gui.quiz import QuizWidget
from gradlab.gui.theme import LIGHT
from gradlab.lessons import lessons_folder
from gradlab.state.quiz import QuizState
from gradlab.state.session import Session

pytestmark = pytest.mark.gui


def test_presenting_puts_the_question_beside_the_answer(qtbot: QtBot) -> None:
    session = Session.from_folder(lessons_folder())
    step = next(
        step
        for entry in session.entries
        if entry.lesson
        for step in entry.lesson.steps
        if step.quiz
    )
    assert step.quiz is not None
    quiz = QuizWidget(QuizState(step.quiz, step), LIGHT)
    qtbot.addWidget(quiz)
    quiz.resize(1600, 200)
    quiz.show()
    qtbot.waitExposed(quiz)
    assert quiz.answer.y() > quiz.question.y()  # at a desk: the question above the box
    height = quiz.sizeHint().height()
    quiz.apply_theme(LIGHT.presenting_as(True))
    qtbot.waitUntil(
        lambda: (
            abs(quiz.answer.geometry().center().y() - quiz.question.geometry().center().y())
            < quiz.answer.height()
        )
    )
    assert (
        quiz.sizeHint().height() < height * LIGHT.presenting_as(True).font_scale / LIGHT.font_scale
    )
    quiz.apply_theme(LIGHT)
    qtbot.waitUntil(lambda: quiz.answer.y() > quiz.question.y())
