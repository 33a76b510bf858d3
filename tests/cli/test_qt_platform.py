"""Before the window opens, `gradlab` checks that Qt's platform plugin can load; on a machine
without libxcb-cursor0 (faked by a library folder without it) it names the missing libraries and
the apt command, and exits 1 without ever loading Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradlab.cli import qt_platform
from gradlab.cli.elf import dependencies

XCB = qt_platform.plugin("xcb")
pytestmark = pytest.mark.skipif(
    XCB is None or sys.platform != "linux", reason="PySide6's xcb plugin is not installed"
)
TAKEN = ("libxcb-cursor.so.0", "libxcb-icccm.so.4")


def fake_system(tmp_path: Path, without: tuple[str, ...] = TAKEN) -> Path:
    """A library folder holding (links to) every system library the xcb plugin needs, but
    `without`: this machine with those packages uninstalled."""
    assert XCB is not None
    folder = tmp_path / "lib"
    folder.mkdir()
    qt_own = XCB.parents[2]
    for soname, path in qt_platform.resolve(XCB, qt_platform.system_library_dirs()).items():
        if path is not None and soname not in without and not path.is_relative_to(qt_own):
            (folder / soname).symlink_to(path)
    return folder


def test_the_plugins_dependencies_are_read_from_the_file() -> None:
    assert XCB is not None
    deps = dependencies(XCB)
    assert "libxcb-cursor.so.0" in deps.needed
    assert "libQt6XcbQpa.so.6" in deps.needed
    assert deps.search == ("$ORIGIN/../../lib",)
    assert dependencies(Path(__file__)).needed == ()  # not ELF: no dependencies, no alarm


def test_a_complete_system_has_nothing_missing(tmp_path: Path) -> None:
    assert XCB is not None
    assert qt_platform.missing_libraries(XCB, [fake_system(tmp_path, without=())]) == []


def test_missing_libraries_are_named_with_the_command_that_installs_them(tmp_path: Path) -> None:
    assert XCB is not None
    system = [fake_system(tmp_path)]
    assert qt_platform.missing_libraries(XCB, system) == list(TAKEN)
    message = qt_platform.explain("xcb", list(TAKEN))
    assert "libxcb-cursor.so.0" in message
    if qt_platform.shutil.which("apt-get"):
        assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in message
    else:
        assert "sudo dnf install xcb-util-cursor xcb-util-wm" in message


def test_gradlab_exits_1_without_loading_qt(tmp_path: Path) -> None:
    system = fake_system(tmp_path)
    driver = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gradlab.cli import main, qt_platform\n"
        f"qt_platform.system_library_dirs = lambda: [Path({str(system)!r})]\n"
        "status = main([])\n"
        "print('Qt loaded' if 'PySide6' in sys.modules else 'Qt never loaded')\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    env["QT_QPA_PLATFORM"] = "xcb"
    done = subprocess.run(
        [sys.executable, "-c", driver],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == "Qt never loaded\n"
    assert done.stderr.startswith("gradlab: Qt cannot open a window: its xcb platform plugin")
    assert "libxcb-cursor.so.0" in done.stderr
    assert "install libxcb-cursor0 libxcb-icccm4" in done.stderr or "dnf install" in done.stderr
    assert "could not load the Qt platform plugin" not in done.stderr


def test_which_platforms_qt_will_try(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland;xcb:nograb")
    assert qt_platform.candidates() == ["wayland", "xcb"]
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    assert qt_platform.candidates() == ["xcb"]
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert qt_platform.problem() is None  # the GUI tests run offscreen on this machine
    assert qt_platform.problem([Path("/nowhere")]) is not None  # offscreen needs libraries too
    monkeypatch.setenv("QT_QPA_PLATFORM", "eglfs-made-up")
    assert qt_platform.problem([Path("/nowhere")]) is None  # not a plugin of ours: Qt says why
