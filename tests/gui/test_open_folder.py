"""Opening another lesson folder reads it off the GUI thread, and the newest choice wins."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state import session as session_module
from gradlab.state.session import LessonEntry, Session

pytestmark = pytest.mark.gui


def folder_of(tmp_path: Path, name: str, lessons: list[str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for lesson in lessons:
        shutil.copy(lessons_folder() / lesson, folder / lesson)
    return folder


def test_a_folder_is_read_off_the_gui_thread_and_its_first_lesson_opens(
    qtbot: QtBot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of(tmp_path, "one", ["02-chain-rule.toml", "05-gradient-accumulation.toml"])
    window = MainWindow(Session.from_folder(lessons_folder()), settings)
    qtbot.addWidget(window)
    window.show()
    threads: list[str] = []
    read_entry = session_module.read_entry

    def watched(path: Path) -> LessonEntry:
        threads.append(threading.current_thread().name)
        return read_entry(path)

    monkeypatch.setattr(session_module, "read_entry", watched)
    window.open_folder(folder)
    assert "Reading the lessons" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.session.folder == folder, timeout=10_000)
    assert threads
    assert threading.main_thread().name not in threads
    assert [entry.path.name for entry in window.session.entries] == [
        "02-chain-rule.toml",
        "05-gradient-accumulation.toml",
    ]
    assert window.session.lesson_index == 0
    assert window.lesson_list.count() == 2
    assert settings.value("lessons/folder") == str(folder)


def test_the_folder_chosen_last_wins_and_a_missing_one_is_a_message(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    first = folder_of(tmp_path, "first", ["02-chain-rule.toml"])
    last = folder_of(tmp_path, "last", ["05-gradient-accumulation.toml"])
    window = MainWindow(Session.from_folder(lessons_folder()), settings)
    qtbot.addWidget(window)
    window.show()
    window.open_folder(first)
    window.open_folder(last)
    qtbot.waitUntil(lambda: not window.folder_opener.busy, timeout=10_000)
    assert window.session.folder == last
    assert [entry.path.name for entry in window.session.entries] == [
        "05-gradient-accumulation.toml"
    ]
    before = list(window.session.entries)
    window.open_folder(tmp_path / "no such folder")
    qtbot.waitUntil(lambda: not window.folder_opener.busy, timeout=10_000)
    assert "is not a folder" in window.statusBar().currentMessage()
    assert window.session.entries == before
    assert window.session.folder == last
