"""The window reaches a scene view only through `SceneView`: capabilities, exports, presenting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.scene_view import ExportKind
from gradlab.gui.table_view import TableView
from gradlab.gui.theme import LIGHT, PROJECTOR
from gradlab.gui.typography import QUIZ, STEP_TEXT, TABLE
from gradlab.lessons import TableScene, lessons_folder
from gradlab.state.session import Session

pytestmark = pytest.mark.gui

GRAPH = (0, 4)
"""Lesson 01, step 5: a graph whose lesson shows only some panels (no editor)."""
TABLE_STEP = (3, 9)
QUIZ_STEP = (0, 5)


@pytest.fixture
def window(qtbot: QtBot, settings: QSettings) -> MainWindow:
    window = MainWindow(Session.from_folder(lessons_folder()), settings)
    qtbot.addWidget(window)
    window.show()
    return window


def export_to(
    window: MainWindow, kind: ExportKind, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(path), ""))
    window.export(kind)


def test_the_graph_lab_offers_zoom_panels_and_its_own_files(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.session.open_lesson(*GRAPH)
    view = window.view
    assert isinstance(view, GraphLab)
    assert window.zoom_menu.isEnabled()
    assert [a.text() for a in window.zoom_menu.actions()][:2] == ["Zoom in", "Zoom out"]
    assert window.actions_.export_dot.isEnabled()
    assert not view.editing.isVisibleTo(view)  # the step's panels leave the editor out
    assert view.explanation.isVisibleTo(view)
    export_to(window, "dot", tmp_path / "graph.dot", monkeypatch)
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8").startswith("digraph")
    export_to(window, "svg", tmp_path / "graph.svg", monkeypatch)
    assert "<svg" in (tmp_path / "graph.svg").read_text(encoding="utf-8")


def test_a_plain_view_exports_grabs_and_offers_no_zoom_or_dot(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.session.open_lesson(*TABLE_STEP)
    view = window.view
    assert isinstance(view, TableView)
    assert view.step_cursor is None
    assert window.scene_cursor() is None
    assert not window.transport.forward_button.isEnabled()
    assert not window.zoom_menu.isEnabled()
    assert window.zoom_menu.actions() == []
    assert not window.actions_.export_dot.isEnabled()
    export_to(window, "dot", tmp_path / "table.dot", monkeypatch)
    assert not (tmp_path / "table.dot").exists()
    export_to(window, "png", tmp_path / "table.png", monkeypatch)
    image = QImage(str(tmp_path / "table.png"))
    assert image.width() == view.table.grab().width()
    QGuiApplication.clipboard().clear()
    window.copy_image()
    assert not QGuiApplication.clipboard().image().isNull()


def test_presentation_reaches_every_part_through_the_theme(window: MainWindow) -> None:
    window.session.open_lesson(*QUIZ_STEP)
    quiz = window.step_panel.quiz
    assert quiz is not None
    before = quiz.question.font().pointSizeF()
    window.set_presentation(True)
    presenting = PROJECTOR.presenting_as(True)
    assert window.theme is PROJECTOR
    assert window.view is not None
    assert window.view.theme == presenting
    assert quiz.question.font().pointSizeF() == pytest.approx(QUIZ.points(presenting))
    assert window.step_panel.text.font().pointSizeF() == pytest.approx(STEP_TEXT.points(presenting))
    window.session.open_lesson(*TABLE_STEP)  # a view made while presenting presents too
    table = window.view
    assert isinstance(table, TableView)
    assert table.table.font().pointSizeF() == pytest.approx(TABLE.points(presenting))
    window.set_presentation(False)
    assert table.theme is LIGHT
    assert table.table.font().pointSizeF() == pytest.approx(TABLE.points(LIGHT))
    window.session.open_lesson(*QUIZ_STEP)
    assert window.step_panel.quiz is not None
    assert window.step_panel.quiz.question.font().pointSizeF() == before


def test_a_long_column_title_wraps_to_fit_a_narrow_column(qtbot: QtBot) -> None:
    scene = TableScene(columns=["a", "with the numbers put in"], rows=[[1, 2]])
    view = TableView(scene, LIGHT)
    qtbot.addWidget(view)
    view.resize(240, 300)
    view.show()
    header = view.table.horizontalHeader()
    item = view.table.horizontalHeaderItem(1)
    assert item is not None
    qtbot.waitUntil(lambda: "\n" in item.text())
    lines = item.text().splitlines()
    assert " ".join(lines) == "with the numbers put in"
    assert header.sectionSizeFromContents(1).width() <= header.sectionSize(1)
    view.resize(1600, 300)
    qtbot.waitUntil(lambda: item.text() == scene.columns[1])


def test_a_word_wider_than_its_column_breaks_at_its_hyphen_or_shrinks(qtbot: QtBot) -> None:
    scene = TableScene(columns=["zero-centred", "saturates"], rows=[["no", "yes"]])
    view = TableView(scene, LIGHT)
    qtbot.addWidget(view)
    view.show()
    header = view.table.horizontalHeader()
    base = view.table.font().pointSizeF()
    narrow = header.sectionSizeFromContents(1).width() * 2 - 20
    view.resize(narrow, 300)
    first = view.table.horizontalHeaderItem(0)
    assert first is not None
    qtbot.waitUntil(lambda: first.text() == "zero-\ncentred")
    qtbot.waitUntil(lambda: f"font-size: {base:.2f}pt" not in header.styleSheet())
    for column in range(2):
        assert header.sectionSizeFromContents(column).width() <= header.sectionSize(column)
