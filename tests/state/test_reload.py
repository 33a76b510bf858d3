"""Reloading lessons: whatever breaks one lesson stays with it, and the watcher never blocks its
caller (the GUI thread) even when a file read hangs."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gradlab.lessons import Lesson
from gradlab.state import session as session_module
from gradlab.state.reload import ReloadWatcher
from gradlab.state.session import Session

DATA = Path(__file__).parents[1] / "lessons" / "data"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("01-a.toml", "02-b.toml"):
        shutil.copy(DATA / "01-chain-rule.toml", tmp_path / name)
    return tmp_path


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(later, later))


def wait_for(condition: Callable[[], bool], watcher: ReloadWatcher | None = None) -> list[int]:
    """Poll as the GUI timer does (if a watcher is given) until `condition()` holds, at most
    10 s; the indices the polls reloaded."""
    reloaded: list[int] = []
    deadline = time.monotonic() + 10.0
    while not condition():
        assert time.monotonic() < deadline, "the watcher never got there"
        if watcher is not None:
            reloaded += watcher.poll()
        time.sleep(0.01)
    return reloaded


def test_any_failure_while_loading_stays_with_its_lesson(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = session_module.load_lesson

    def flaky(path: Path) -> Lesson:
        if path.name == "01-a.toml":
            raise MemoryError("a hostile file")
        return real(path)

    monkeypatch.setattr(session_module, "load_lesson", flaky)
    session = Session.from_folder(folder)
    broken, good = session.entries
    assert broken.error is not None
    assert "MemoryError" in str(broken.error)
    assert good.lesson is not None


def test_poll_returns_at_once_while_a_read_hangs(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.from_folder(folder)
    session.open_lesson(0)
    watcher = ReloadWatcher(session)
    release = threading.Event()
    real = session_module.read_entry

    def hanging(path: Path) -> session_module.LessonEntry:
        release.wait(30)  # a FIFO, a dead network share
        return real(path)

    monkeypatch.setattr(session_module, "read_entry", hanging)
    touch(folder / "01-a.toml", (folder / "01-a.toml").read_text("utf-8").replace("tiny", "small"))
    start = time.perf_counter()
    for _ in range(20):
        assert watcher.poll() == []
    assert time.perf_counter() - start < 0.5
    release.set()
    assert wait_for(lambda: "small" in str(session.entries[0].lesson), watcher) == [0]


def test_an_open_lesson_replaced_by_a_fifo_shows_its_error(folder: Path) -> None:
    session = Session.from_folder(folder)
    session.open_lesson(0)
    opened: list[int] = []
    session.lesson_changed.connect(opened.append)
    watcher = ReloadWatcher(session)
    path = folder / "01-a.toml"
    path.unlink()
    os.mkfifo(path)
    wait_for(lambda: session.entries[0].error is not None, watcher)
    assert "FIFO" in str(session.entries[0].error)
    assert opened == [0]  # reopened in place, now showing the error
    assert session.entries[1].lesson is not None


def test_a_scan_of_an_old_folder_is_dropped(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    session = Session.from_folder(folder)
    watcher = ReloadWatcher(session)
    touch(folder / "01-a.toml", "broken = ")
    watcher.poll()  # a scan of `folder` starts, and will find 01-a.toml broken
    other = tmp_path_factory.mktemp("other")
    shutil.copy(DATA / "01-chain-rule.toml", other / "01-c.toml")
    session.set_folder(other)
    wait_for(lambda: not watcher.busy)
    assert watcher.poll() == []
    assert [entry.path.name for entry in session.entries] == ["01-c.toml"]
    assert session.entries[0].error is None
