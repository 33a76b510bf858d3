"""Hostile lesson files (tests/hostile.py) are refused by `gradlab check` in well under 3 s each,
with the file and the field named and never a traceback; a folder of them stops nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from hostile import CASES, Case, Hostile, build

from gradlab.cli import main
from gradlab.lessons import LessonError, discover, load_lesson
from gradlab.state.session import Session

SECONDS_PER_FILE = 3.0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return build(tmp_path_factory.mktemp("hostile"))


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts a blocked read or open (PEP 475 retries them
    only when the handler returns, and this one raises)."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file)
def test_check_refuses_each_file_quickly_naming_file_and_field(
    hostile: Hostile, case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile.folder / case.file
    start = time.process_time()  # the CPU it costs; a hang is the deadline's to catch
    with deadline(20):
        status = main(["check", str(path)])
    elapsed = time.process_time() - start
    out, err = capsys.readouterr()
    assert status == 1, out
    assert elapsed < SECONDS_PER_FILE, f"{case.file} took {elapsed:.1f} s"
    assert f"FAIL  {path}" in out
    for words in case.names:
        assert words in out, f"{words!r} not in {out!r}"
    assert "Traceback" not in out + err


def test_the_good_lesson_passes_check(hostile: Hostile, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(hostile.folder / "01-good.toml")]) == 0
    assert "1 of 1 lessons ok" in capsys.readouterr().out


def test_check_of_the_folder_reports_every_file(hostile: Hostile) -> None:
    """One process over the whole folder: a hang, a crash or a traceback would show here."""
    done = subprocess.run(
        [sys.executable, "-m", "gradlab.cli", "check", str(hostile.folder)],
        capture_output=True,
        text=True,
        timeout=SECONDS_PER_FILE * (len(CASES) + 1) + 10,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert f"ok    {hostile.folder / '01-good.toml'}" in lines
    for case in CASES:
        assert any(line.startswith(f"FAIL  {hostile.folder / case.file}") for line in lines), (
            case.file
        )
    assert lines[-1] == f"1 of {len(CASES) + 1} lessons ok"


def test_discovery_lists_pipes_and_folders_so_they_are_named(hostile: Hostile) -> None:
    names = [path.name for path in discover(hostile.folder)]
    assert names == ["01-good.toml", *(case.file for case in CASES)]


@pytest.mark.parametrize(("file", "words"), [("14-pipe.toml", "FIFO"), ("15-dir.toml", "folder")])
def test_the_loader_opens_regular_files_only(hostile: Hostile, file: str, words: str) -> None:
    with deadline(5), pytest.raises(LessonError, match=words) as caught:
        load_lesson(hostile.folder / file)
    assert caught.value.path == hostile.folder / file


def test_the_session_lists_every_broken_file_and_opens_the_good_one(hostile: Hostile) -> None:
    with deadline(30):
        session = Session.from_folder(hostile.folder)
    assert [entry.path.name for entry in session.entries][1:] == [case.file for case in CASES]
    broken = {entry.path.name for entry in session.entries if entry.error is not None}
    assert broken == {case.file for case in CASES if not case.loads}
    session.open_lesson(0)
    state = session.build_step()
    assert state is not None
    assert state.scene is not None


def test_ninety_thousand_unknown_keys_are_counted_not_listed(hostile: Hostile) -> None:
    start = time.process_time()
    with deadline(20), pytest.raises(LessonError) as caught:
        load_lesson(hostile.folder / "22-unknown-keys.toml")
    # refusing them is linear (0.6 s of CPU here alone, 1.05 s beside a full suite on the other
    # core); the quadratic refusal this guards against took over 15 s
    assert time.process_time() - start < 3.0
    problems = caught.value.problems
    assert len(problems) <= 10
    assert problems[0].field == "step 1, graph.k0"
    assert "90,000" in str(caught.value)


def test_a_lesson_path_given_as_a_folder_is_named(
    hostile: Hostile, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = hostile.root / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 1
    assert str(empty) in capsys.readouterr().err


def test_missing_file_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match="cannot be read") as caught:
        load_lesson(tmp_path / "01-gone.toml")
    assert caught.value.path.name == "01-gone.toml"
