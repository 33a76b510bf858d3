"""The main window: clicker keys, errors, settings (test_lesson_walk.py walks every lesson)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gradlab.gui.app import ErrorReporter
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.scenes import MessageView
from gradlab.gui.theme import DARK, LIGHT, PROJECTOR
from gradlab.state.graph.session import GraphSession
from gradlab.state.session import Session

pytestmark = pytest.mark.gui

DATA = Path(__file__).parents[1] / "lessons" / "data"


def open_window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    return window


def press(window: MainWindow, key: Qt.Key) -> None:
    # offscreen, QAction shortcuts fire only for keys sent to the QWindow
    QTest.keyClick(window.windowHandle(), key)


@pytest.fixture
def lesson_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(DATA / "01-chain-rule.toml", folder / "01-chain-rule.toml")
    (folder / "02-broken.toml").write_text('id = "b"\ntitle = "B"\nlevel = 3\n', encoding="utf-8")
    shutil.copy(DATA / "01-chain-rule.toml", folder / "03-again.toml")
    return folder


def test_clicker_keys_in_presentation_mode(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    session.open_lesson(0)
    press(window, Qt.Key.Key_F5)
    assert window.presentation.active
    assert window.isFullScreen()
    assert window.theme is PROJECTOR
    assert not window.lesson_list.isVisible()
    assert not window.transport.isVisible()
    cursor = window.scene_cursor()
    assert cursor is not None
    assert cursor.position == 0
    press(window, Qt.Key.Key_PageDown)
    press(window, Qt.Key.Key_Space)
    press(window, Qt.Key.Key_Right)
    assert cursor.position == 3
    press(window, Qt.Key.Key_PageUp)
    assert cursor.position == 2
    cursor.to_end()
    press(window, Qt.Key.Key_PageDown)  # the scene is done: on to the next lesson step
    assert session.step_index == 1
    press(window, Qt.Key.Key_B)
    assert window.presentation.blanked
    assert window.presentation.cover.geometry() == window.rect()
    press(window, Qt.Key.Key_B)
    assert not window.presentation.blanked
    press(window, Qt.Key.Key_Escape)
    assert not window.presentation.active
    assert not window.isFullScreen()
    assert window.theme is LIGHT
    assert window.lesson_list.isVisible()
    press(window, Qt.Key.Key_B)  # blanking is for presentations only
    assert not window.presentation.blanked


def test_next_walks_through_scene_steps_and_lessons(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    session.open_lesson(0, step=4)
    for _ in range(200):
        if session.lesson_index != 0:
            break
        window.go_next()
    assert session.lesson_index == 1  # the broken lesson is next in the list, shown in place
    assert isinstance(window.view, MessageView)
    assert "02-broken.toml" in window.step_panel.text.toPlainText()
    assert "level" in window.step_panel.text.toPlainText()


def test_broken_lesson_shows_its_message_and_others_still_work(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path, qt_warnings: list[str]
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    assert window.lesson_list.item(1).text().startswith("⚠")
    window.lesson_list.setCurrentRow(1)
    assert "could not be loaded" in window.step_panel.header.text()
    window.lesson_list.setCurrentRow(2)
    assert session.lesson_index == 2
    assert window.scene_cursor() is not None
    assert isinstance(window.view, GraphLab)


def test_graph_step_follows_transport_and_quiz_reveal(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    session.open_lesson(0, step=2)  # the quiz step, opened at "forward"
    state = window.view
    assert state is not None
    cursor = window.scene_cursor()
    assert cursor is not None
    assert cursor.position == 5
    quiz = window.step_panel.quiz
    assert quiz is not None
    quiz.answer.setText("4")
    quiz.check()
    assert "Not quite" in quiz.feedback.text()
    quiz.answer.setText("-4")
    quiz.check()
    assert "Correct" in quiz.feedback.text()
    quiz.reveal()
    assert cursor.at_end
    assert "-4" in quiz.feedback.text()
    cursor.to_start()
    window.transport.speed.setCurrentIndex(3)
    window.transport.play()
    qtbot.waitUntil(lambda: cursor.at_end, timeout=5000)
    assert not window.transport.is_playing
    assert window.transport.label.text() == f"step {cursor.length} of {cursor.length}"
    window.transport.slider.setValue(3)
    assert cursor.position == 3


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_shows_dialog_and_app_keeps_running(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    reporter = ErrorReporter(window)
    reporter.install()
    try:

        def broken_slot() -> None:
            raise RuntimeError("a bug in a slot")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(reporter.messages), timeout=3000)
        assert reporter.messages == ["RuntimeError: a bug in a slot"]
        dialog = reporter.dialog
        assert isinstance(dialog, QMessageBox)
        assert dialog.isVisible()
        assert "keeps running" in dialog.text()
        session.open_lesson(2)
        window.go_next()
        cursor = window.scene_cursor()
        assert cursor is not None
        assert cursor.position == 1
    finally:
        reporter.uninstall()


def test_settings_persist_geometry_theme_lesson_and_step(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    window.resize(700, 600)  # the offscreen screen is 800x800
    window.set_theme("dark")
    session.open_lesson(2, step=3)
    window.close()
    again = open_window(qtbot, Session.from_folder(lesson_folder), settings)
    assert again.theme is DARK
    assert again.session.lesson_index == 2
    assert again.session.step_index == 3
    assert (again.width(), again.height()) == (700, 600)
    assert "step 4 of 5" in again.step_panel.header.text()


def test_shortcut_list_covers_the_clicker_keys(qtbot: QtBot, settings: QSettings) -> None:
    from gradlab.gui.help import shortcut_rows

    window = open_window(qtbot, Session([DATA / "01-chain-rule.toml"]), settings)
    rows = dict(shortcut_rows(window.actions_))
    assert "PgDown" in rows["Next"]
    assert "PgUp" in rows["Previous"]
    assert rows["Presentation mode"] == "F5"
    assert "B" in rows["Blank the screen"]
    assert rows["Leave presentation"] == "Esc"


def test_graph_scene_state_is_a_graph_session(settings: QSettings) -> None:
    session = Session([DATA / "01-chain-rule.toml"])
    session.open_lesson(0)
    state = session.build_step()
    assert state is not None
    assert isinstance(state.scene, GraphSession)


def test_the_step_panel_asks_for_the_header_lines_it_shows(
    qtbot: QtBot, settings: QSettings, lesson_folder: Path
) -> None:
    """A wrapped header's size hint guesses a narrow label (three lines where a wide window
    shows one): the panel asks for what it shows, the rest goes to the scene."""
    session = Session.from_folder(lesson_folder)
    window = open_window(qtbot, session, settings)
    window.resize(1600, 700)
    session.open_lesson(0, step=0)
    panel = window.step_panel
    header = panel.header
    # the header holds its lines' height at its width once laid out at that width
    qtbot.waitUntil(lambda: 0 < header.height() == header.heightForWidth(header.width()))
    assert header.sizeHint().height() > header.height()  # the guess is wrong here
    margins = panel._layout.contentsMargins()
    fixed = 16 + margins.top() + margins.bottom() + 2 * panel._layout.spacing()
    document = int(panel.text.document().size().height())
    assert panel.preferred_height() == header.height() + document + fixed
