"""GUI test setup: fail on any Qt warning, keep settings in a temporary ini file."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QSettings,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

IGNORED = ("This plugin does not support propagateSizeHints()",)
"""The offscreen platform says this on every window; it is not a problem of gradlab."""


@pytest.fixture(autouse=True)
def _widgets_die_with_their_test(qapp: QApplication) -> Iterator[None]:
    """Delete what a test closed or scheduled for deletion before the next test starts.

    Otherwise the next test's first event processing paints pyqtgraph views whose windows are
    half torn down (segfault in GraphicsView.paintEvent, about one full GUI run in three).
    """
    yield
    # widgets a test made without qtbot (or that outlived it) go too: a stray view painted
    # during a later, non-GUI test crashed there the same way
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def qt_warnings() -> Iterator[list[str]]:
    """Collect Qt warnings (and worse) during a test; the test fails if any were seen."""
    seen: list[str] = []

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) and message not in IGNORED:
            seen.append(message)

    previous = qInstallMessageHandler(handler)
    yield seen
    qInstallMessageHandler(previous)
    assert seen == [], f"Qt warnings: {seen}"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gradlab.ini"), QSettings.Format.IniFormat)
