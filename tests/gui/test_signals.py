"""signals_blocked: widgets are silent inside the block and speak again afterwards, always."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot

from gradlab.gui.signals import signals_blocked

pytestmark = pytest.mark.gui


def spin_box(qtbot: QtBot, heard: list[int]) -> QSpinBox:
    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.valueChanged.connect(heard.append)
    return spin


def test_silent_inside_and_heard_after_even_when_the_block_raises(qtbot: QtBot) -> None:
    heard: list[int] = []
    first, second = spin_box(qtbot, heard), spin_box(qtbot, heard)

    def sync_that_fails() -> None:
        with signals_blocked(first, second):
            first.setValue(1)
            second.setValue(2)
            raise ValueError("mid-sync")

    with pytest.raises(ValueError, match="mid-sync"):
        sync_that_fails()
    assert (first.value(), second.value()) == (1, 2)
    assert heard == []
    first.setValue(3)
    second.setValue(4)
    assert heard == [3, 4]


def test_nested_blocks_keep_the_outer_block(qtbot: QtBot) -> None:
    heard: list[int] = []
    spin = spin_box(qtbot, heard)
    with signals_blocked(spin):
        with signals_blocked(spin):
            spin.setValue(1)
        spin.setValue(2)  # still inside the outer block
        assert spin.signalsBlocked()
    spin.setValue(3)
    assert heard == [3]
