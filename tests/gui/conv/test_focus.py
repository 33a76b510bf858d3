"""Where stacked channels would be images, the conv lab shows one channel large with its numbers
and the others as thumbnails; a click or the C key shows another (lesson 10's colour step on a
1024×768 projector)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.theme import PROJECTOR
from gradlab.lessons import ConvScene
from gradlab.state.conv.scrubber import ConvScrubber

pytestmark = pytest.mark.gui

COLOUR_STEP = ConvScene(input="rgb-scene-8x8", kernel="sobel-x", out_channels=2)
"""Lesson 10's "Several channels, several filters"."""


def projector_lab(qtbot: QtBot, width: int, height: int) -> ConvLab:
    """The lab presenting in the room a 1024×768 projector leaves under the step's text."""
    scrubber = ConvScrubber.from_scene(COLOUR_STEP)
    lab = ConvLab(scrubber, PROJECTOR.presenting_as(True))
    qtbot.addWidget(lab)
    lab.set_presentation(True)
    lab.resize(width, height)
    lab.show()
    qtbot.waitExposed(lab)
    return lab


def large(lab: ConvLab) -> int:
    view = lab.view
    shown = [c for c, grid in enumerate(view.inputs.grids) if not grid.thumbnail]
    assert len(shown) == 1
    return shown[0]


def test_one_channel_large_with_numbers_on_a_small_projector(qtbot: QtBot) -> None:
    lab = projector_lab(qtbot, 1016, 500)
    view = lab.view
    qtbot.waitUntil(lambda: view.inputs.condensed)
    grids = view.inputs.grids
    assert [grid.thumbnail for grid in grids] == [False, True, True]
    qtbot.waitUntil(grids[0].shows_numbers)
    assert not any(grid.shows_numbers() for grid in grids[1:])
    assert view.outputs.condensed
    assert not view.outputs.grids[0].thumbnail
    qtbot.waitUntil(view.outputs.grids[0].shows_numbers)
    # the kernel slice that meets the large channel is outlined
    assert [grid.emphasised for grid in view.kernels.grids] == [True, False, False]


def test_a_thumbnail_click_and_the_c_key_show_another_channel(qtbot: QtBot) -> None:
    lab = projector_lab(qtbot, 1016, 500)
    view = lab.view
    qtbot.waitUntil(lambda: view.inputs.condensed)
    blue = view.inputs.grids[2]
    QTest.mouseClick(blue, Qt.MouseButton.LeftButton, pos=blue.rect().center())
    assert large(lab) == 2
    assert [grid.emphasised for grid in view.kernels.grids] == [False, False, True]
    lab.activateWindow()
    qtbot.waitUntil(lab.isActiveWindow)
    QTest.keyClick(lab, Qt.Key.Key_C)
    assert large(lab) == 0
    QTest.keyClick(lab, Qt.Key.Key_C)
    assert large(lab) == 1


def test_the_window_shows_on_the_large_grid_and_the_readout_names_it(qtbot: QtBot) -> None:
    lab = projector_lab(qtbot, 1016, 500)
    view = lab.view
    qtbot.waitUntil(lambda: view.inputs.condensed)
    view.show_input(1)
    lab.scrubber.seek(2)
    record = lab.scrubber.current()
    assert record is not None
    green = view.inputs.grids[1]
    assert not green.thumbnail
    assert green.window_cells == {(t.cell.row, t.cell.col) for t in record.terms if t.channel == 1}
    text = view.readout.text()
    assert text.startswith("green (shown): ")
    assert "red " in text
    assert "blue " in text
    assert text.endswith(f"= {lab.scrubber.readout().rsplit('= ', 1)[1]}")
    # the output's current cell is marked on the large map
    assert view.outputs.grids[0].current == (record.row, record.col)


def test_a_map_thumbnail_goes_to_its_filter(qtbot: QtBot) -> None:
    lab = projector_lab(qtbot, 1016, 500)
    view = lab.view
    qtbot.waitUntil(lambda: view.outputs.condensed)
    second = view.outputs.grids[1]
    assert second.thumbnail
    QTest.mouseClick(second, Qt.MouseButton.LeftButton, pos=second.rect().center())
    record = lab.scrubber.current()
    assert record is not None
    assert record.channel == 1
    assert not second.thumbnail
    assert view.outputs.grids[0].thumbnail


def test_with_room_every_channel_stays_stacked_with_numbers(qtbot: QtBot) -> None:
    lab = projector_lab(qtbot, 1900, 900)
    view = lab.view
    qtbot.waitUntil(lambda: all(grid.shows_numbers() for grid in view.inputs.grids))
    assert not view.inputs.condensed
    assert not view.outputs.condensed
    assert not any(grid.thumbnail for grid in view.inputs.grids + view.outputs.grids)
