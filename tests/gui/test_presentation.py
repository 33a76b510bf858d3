"""Presentation mode with a clicker: its keys reach the lesson whatever has focus, blanking works
like a slide program's, quizzes keep the keys with the lesson and hide their answers, and with
two screens the lecturer gets a presenter view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

pytestmark = pytest.mark.gui

DATA = Path(__file__).parents[1] / "lessons" / "data"
QUIZ_STEP = 2
"""01-chain-rule's quiz: ∂f/∂x of f = (x + y)·z at x = -2, y = 5, z = -4, answer -4."""


def open_window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def press(window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.windowHandle(), key)


def show_step(qtbot: QtBot, window: MainWindow, lesson: int, step: int) -> None:
    """Open a step and let the event loop show its new widgets, as a user's clicks wait for."""
    window.session.open_lesson(lesson, step)
    view, quiz = window.view, window.step_panel.quiz
    qtbot.waitUntil(lambda: view is not None and view.isVisible())
    if quiz is not None:
        qtbot.waitUntil(quiz.isVisible)


@pytest.fixture
def window(qtbot: QtBot, settings: QSettings) -> MainWindow:
    return open_window(qtbot, Session([DATA / "01-chain-rule.toml"]), settings)


def test_the_first_window_opens_inside_the_screen(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()  # the offscreen screen is 800×800
    assert screen.contains(window.frameGeometry())


def test_clicker_keys_reach_the_lesson_from_the_answer_box(
    window: MainWindow, qtbot: QtBot
) -> None:
    session = window.session
    show_step(qtbot, window, 0, QUIZ_STEP)
    press(window, Qt.Key.Key_F5)
    quiz = window.step_panel.quiz
    assert quiz is not None
    quiz.answer.setFocus()
    QTest.keyClicks(quiz.answer, "-")  # typing still types
    press(window, Qt.Key.Key_Space)  # but Space is the clicker's next: it reveals the answer
    assert quiz.answer.text() == "-"
    assert quiz.is_solved
    assert "-4" in quiz.feedback.text()
    assert not quiz.answer.hasFocus()
    press(window, Qt.Key.Key_PageDown)  # the scene is at its end: on to the next step
    assert session.step_index == QUIZ_STEP + 1
    cursor = window.scene_cursor()
    assert cursor is not None
    cursor.seek(3)
    press(window, Qt.Key.Key_PageUp)
    assert cursor.position == 2  # the scene's previous step first
    press(window, Qt.Key.Key_Escape)
    assert not window.presentation.active


def test_an_answer_checked_with_enter_leaves_the_keys_to_the_lesson(
    window: MainWindow, qtbot: QtBot
) -> None:
    show_step(qtbot, window, 0, QUIZ_STEP)
    quiz = window.step_panel.quiz
    assert quiz is not None
    quiz.answer.setFocus()
    QTest.keyClicks(quiz.answer, "-4")
    QTest.keyClick(quiz.answer, Qt.Key.Key_Return)
    assert "Correct" in quiz.feedback.text()
    assert QApplication.focusWidget() is quiz
    cursor = window.scene_cursor()
    assert cursor is not None
    before = cursor.position
    press(window, Qt.Key.Key_PageDown)  # normal mode: the shortcut, nothing typed
    assert cursor.position == before + 1


def test_reveal_never_hands_the_focus_to_the_expression_editor(
    window: MainWindow, qtbot: QtBot
) -> None:
    show_step(qtbot, window, 0, QUIZ_STEP)
    view = window.view
    assert isinstance(view, GraphLab)
    quiz = window.step_panel.quiz
    assert quiz is not None
    quiz.answer.setFocus()
    QTest.mouseClick(quiz.reveal_button, Qt.MouseButton.LeftButton)
    assert not quiz.reveal_button.isEnabled()
    assert view.editing is not None
    assert not view.editing.editor.hasFocus()
    assert QApplication.focusWidget() is quiz
    press(window, Qt.Key.Key_Space)  # it used to replace the expression the editor had selected
    assert window.session.step_index == QUIZ_STEP + 1


def test_while_blank_a_key_or_a_click_only_brings_the_lesson_back(
    window: MainWindow, qtbot: QtBot
) -> None:
    show_step(qtbot, window, 0, 0)
    press(window, Qt.Key.Key_F5)
    cursor = window.scene_cursor()
    assert cursor is not None
    press(window, Qt.Key.Key_B)
    assert window.presentation.blanked
    assert window.presenter.screen_state.text().startswith("The audience screen is blank")
    press(window, Qt.Key.Key_PageDown)
    assert not window.presentation.blanked
    assert cursor.position == 0  # nothing advanced unseen
    press(window, Qt.Key.Key_Period)
    assert window.presentation.blanked
    press(window, Qt.Key.Key_Escape)  # Esc too only unblanks
    assert window.presentation.active
    assert not window.presentation.blanked
    press(window, Qt.Key.Key_B)
    cover = window.presentation.cover
    QTest.mouseClick(cover, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert not window.presentation.blanked
    assert cursor.position == 0
    press(window, Qt.Key.Key_PageDown)
    assert cursor.position == 1


def test_a_grad_quiz_hides_the_check_table_explanation_and_the_answering_edge(
    window: MainWindow, qtbot: QtBot
) -> None:
    session = Session.from_folder(lessons_folder())
    other = open_window(qtbot, session, window.settings)
    show_step(qtbot, other, session.index_of(lessons_folder() / "01-derivative-slope.toml"), 5)
    view = other.view
    assert isinstance(view, GraphLab)
    assert view.checks.isHidden()
    assert "Predict first" in view.explanation.toPlainText()
    hidden = [key for key, label in view.view.edge_labels.items() if not label.isVisible()]
    assert len(hidden) == 1  # f = x³: the one edge x → f carries df/dx itself
    quiz = other.step_panel.quiz
    assert quiz is not None
    quiz.reveal()
    assert not view.checks.isHidden()
    assert "Predict first" not in view.explanation.toPlainText()
    assert all(label.isVisible() for label in view.view.edge_labels.values())


def test_a_size_quiz_hides_the_output_and_its_formula(window: MainWindow, qtbot: QtBot) -> None:
    session = Session.from_folder(lessons_folder())
    other = open_window(qtbot, session, window.settings)
    lesson = session.index_of(lessons_folder() / "10-convolution.toml")
    entry = session.entries[lesson].lesson
    assert entry is not None
    steps = entry.steps
    size_quiz = next(i for i, s in enumerate(steps) if s.quiz and s.quiz.ask == "output_size")
    show_step(qtbot, other, lesson, size_quiz)
    view = other.view
    assert isinstance(view, ConvLab)
    assert view.view.outputs.isHidden()
    assert view.view.formula.isHidden()
    assert view.view.unknown.isVisible()
    quiz = other.step_panel.quiz
    assert quiz is not None
    quiz.answer.setText("4")
    quiz.check()
    assert not view.view.outputs.isHidden()
    assert not view.view.unknown.isVisible()
    assert "= 4" in view.view.formula.text()


PRESENTER_RUN = """
import json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from gradlab.gui.main_window import MainWindow
from gradlab.state.session import Session

app = QApplication([])
settings = QSettings(str(Path(tempfile.mkdtemp()) / "g.ini"), QSettings.Format.IniFormat)
window = MainWindow(Session([sys.argv[1]]), settings)
window.show()
window.session.open_lesson(0, 2)
window.set_presentation(True)
presenter = window.presenter
for _ in range(100):  # the clock ticks every second
    QTest.qWait(50)
    if presenter.clock.text() != "0:00":
        break

def geometry(widget):
    g = widget.frameGeometry()
    return [g.x(), g.y(), g.width(), g.height()]

print(json.dumps({
    "screens": [[s.geometry().x(), s.geometry().width()] for s in app.screens()],
    "lesson": geometry(window),
    "presenter": geometry(presenter) if presenter.isVisible() else None,
    "now": presenter.now.text(),
    "notes": presenter.notes.toPlainText(),
    "answer": presenter.answer.text(),
    "next": presenter.next.text(),
    "clock": presenter.clock.text(),
}))
window.set_presentation(False)
print(json.dumps({"presenter_after": presenter.isVisible()}))
"""


def test_with_two_screens_the_lecturer_gets_a_presenter_view(tmp_path: Path) -> None:
    screens = [
        {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800},
        {"name": "projector", "x": 1280, "y": 0, "width": 1024, "height": 768},
    ]
    for screen in screens:
        screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, "-c", PRESENTER_RUN, str(DATA / "01-chain-rule.toml")],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    during, after = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    assert during["screens"] == [[0, 1280], [1280, 1024]]
    assert during["lesson"] == [1280, 0, 1024, 768]  # full screen on the projector
    presenter = during["presenter"]
    assert presenter is not None
    assert presenter[0] < 1280  # on the laptop
    assert "step 3 of 5" in during["now"]
    assert "predict ∂f/∂x" in during["notes"]
    assert during["answer"] == "Quiz answer: -4"
    assert during["next"].startswith("Next: step 4 of 5")
    assert during["clock"] == "0:01"
    assert after == {"presenter_after": False}


def test_play_trains_a_training_step_and_blanking_pauses_it(
    qtbot: QtBot, settings: QSettings
) -> None:
    session = Session.from_folder(lessons_folder())
    window = open_window(qtbot, session, settings)
    show_step(
        qtbot, window, session.index_of(lessons_folder() / "08-multilayer-perceptrons.toml"), 0
    )
    press(window, Qt.Key.Key_F5)
    view = window.view
    assert view is not None
    assert view.runner is not None
    assert window.clicker_cursor() is None  # next and previous move between lesson steps
    press(window, Qt.Key.Key_P)
    assert view.runner.running
    qtbot.waitUntil(lambda: view.run.steps_done > 0, timeout=30_000)
    press(window, Qt.Key.Key_B)
    assert window.presentation.blanked
    assert not view.runner.running  # nothing goes on unseen
    press(window, Qt.Key.Key_P)  # a key on the blank screen only brings the lesson back
    assert not window.presentation.blanked
    assert not view.runner.running


def test_entering_presentation_on_a_quiz_gives_the_text_only_the_room_it_needs(
    qtbot: QtBot, settings: QSettings
) -> None:
    """Presenting puts the question beside the answer box: the quiz gets shorter once its layout
    has followed, and the scene takes back the height the text no longer needs (it was left as
    a blank band between the step's text and its quiz)."""
    session = Session.from_folder(lessons_folder())
    window = open_window(qtbot, session, settings)
    window.resize(1024, 768)
    lesson = next(i for i, e in enumerate(session.entries) if e.path.name.startswith("09"))
    show_step(qtbot, window, lesson, 1)  # 09-2: a long text and a quiz
    window.set_presentation(True)
    panel = window.step_panel

    def fitted() -> bool:
        return window.text_splitter.sizes()[0] <= panel.preferred_height() + 4

    qtbot.waitUntil(fitted, timeout=3000)
