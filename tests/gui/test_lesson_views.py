"""Lesson texts against the drawn view: the shapes a text names, the keys it names, the conv lab's
new modes on screen."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsItem, QStyleOptionGraphicsItem
from pytestqt.qtbot import QtBot

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.graph.items import OpItem, ValueItem
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.theme import LIGHT
from gradlab.layout import graph_spec, value_key
from gradlab.lessons import ConvScene, lessons_folder
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.session import GraphSession
from gradlab.state.session import Session

pytestmark = pytest.mark.gui

KEYS = {"→": (Qt.Key.Key_Right, 1), "←": (Qt.Key.Key_Left, -1)}
"""A key a text may name in bold, the key it is, and how far it moves the scene's cursor."""


def open_at(qtbot: QtBot, settings: QSettings, lesson: int, step: int) -> MainWindow:
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    session.open_lesson(lesson, step)
    QApplication.processEvents()
    return window


def named_keys() -> list[tuple[int, int, str]]:
    session = Session.from_folder(lessons_folder())
    found = []
    for index, entry in enumerate(session.entries):
        assert entry.lesson is not None
        for number, step in enumerate(entry.lesson.steps):
            named = re.findall(r"\*\*([→←↑↓])\*\*|[Pp]ress \*\*([^*]+)\*\*", step.text)
            found += [(index, number, arrow or other) for arrow, other in named]
    return found


@pytest.mark.parametrize(("lesson", "step", "key"), named_keys())
def test_keys_a_text_names_do_what_it_says(
    qtbot: QtBot, settings: QSettings, lesson: int, step: int, key: str
) -> None:
    assert key in KEYS, f"lesson {lesson + 1} step {step + 1} names the key {key!r}"
    window = open_at(qtbot, settings, lesson, step)
    cursor = window.scene_cursor()
    assert cursor is not None
    before = cursor.position
    code, moves = KEYS[key]
    QTest.keyClick(window.windowHandle(), code)
    assert cursor.position == before + moves
    # "compute one node at a time": the graph shows one more value
    view = window.view
    if isinstance(view, GraphLab) and moves == 1:
        shown = [texts for texts in view.view.node_texts().values() if "?" not in texts[1]]
        assert len(shown) == cursor.position


def filled_near_corner(item: QGraphicsItem) -> bool:
    """Whether the item paints the point 10 % in from its top-left corner (a box does; that
    point lies outside a circle, whose edge passes 0.57 radii in from the corner)."""
    rect = item.boundingRect()
    image = QImage(int(rect.width()) + 1, int(rect.height()) + 1, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.translate(-rect.topLeft())
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    inner = item.rect  # type: ignore[attr-defined]
    x = inner.left() - rect.left() + 0.1 * inner.width()
    y = inner.top() - rect.top() + 0.1 * inner.height()
    return image.pixelColor(int(x), int(y)).alpha() > 0


def test_numbers_are_boxes_and_operations_circles_as_lesson_2_says(
    qtbot: QtBot, settings: QSettings
) -> None:
    window = open_at(qtbot, settings, 1, 0)
    step = window.session.step
    assert step is not None
    said = dict(re.findall(r"Each (box|circle) is an? (number|operation)", step.text))
    assert said == {"box": "number", "circle": "operation"}
    view = window.view
    assert isinstance(view, GraphLab)
    graph = view.view
    assert graph.values
    assert graph.ops
    drawn = {ValueItem: "number", OpItem: "operation"}
    for items in (graph.values.values(), graph.ops.values()):
        for item in items:
            shape = "box" if filled_near_corner(item) else "circle"
            assert said[shape] == drawn[type(item)]


def make_lab(qtbot: QtBot, scene: ConvScene) -> ConvLab:
    lab = ConvLab(ConvScrubber.from_scene(scene), LIGHT)
    qtbot.addWidget(lab)
    lab.resize(1400, 800)
    lab.show()
    qtbot.waitExposed(lab)
    return lab


def test_pool_backward_shows_the_gradient_routed_to_the_winner(qtbot: QtBot) -> None:
    scene = ConvScene(
        input="pooling-4x4",
        kernel=[[1, 1], [1, 1]],
        stride=2,
        mode="pool-max-backward",
        upstream=[[1, 2], [3, 4]],
    )
    lab = make_lab(qtbot, scene)
    view = lab.view
    assert view.backward_row.isVisibleTo(lab)
    assert not view.dweights.isVisibleTo(lab)
    assert lab.controls.upstream.isVisibleTo(lab)
    lab.scrubber.seek(2)
    shown = view.grid_values()
    assert shown["dX"][0].tolist() == [[0, 1, 2, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert view.dinputs.grids[0].winner == (0, 2)
    assert view.readout.text() == lab.scrubber.readout()
    lab.scrubber.to_end()
    assert view.grid_values()["dX"][0][3, 0] == 3
    # on a projector the grids take the room of the output-size rule, and get it back after
    assert view.formula.isVisibleTo(lab)
    lab.set_presentation(True)
    assert not view.formula.isVisibleTo(lab)
    lab.set_presentation(False)
    assert view.formula.isVisibleTo(lab)


def test_transposed_mode_shows_the_stretched_input_and_its_proof(qtbot: QtBot) -> None:
    scene = ConvScene(
        input=[[1, 2], [3, 4]],
        kernel="slides-3x3",
        stride=2,
        padding=1,
        output_padding=1,
        mode="transpose",
    )
    lab = make_lab(qtbot, scene)
    view = lab.view
    grid = view.inputs.grids[0]
    assert grid.values.shape == (6, 6)
    assert grid.hatched is not None
    assert int((~grid.hatched).sum()) == 4
    assert grid.title == "stretched · 6×6"
    assert view.kernels.grids[0].title == "flipped kernel"
    assert view.outputs.grids[0].values.shape == (4, 4)
    assert "largest difference 0" in view.note.text()
    assert "(n − 1)·s − 2p + d(k − 1) + output_padding + 1" in view.formula.text()
    assert lab.controls.output_padding.isVisibleTo(lab)
    assert not lab.controls.flip.isVisibleTo(lab)
    lab.controls.output_padding.setValue(0)
    assert lab.scrubber.settings.output_padding == 0
    assert view.outputs.grids[0].values.shape == (3, 3)


def test_rgb_scene_shows_its_channels_by_name(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, ConvScene(input="rgb-scene-8x8", kernel="sobel-x"))
    view = lab.view
    titles = [grid.title for grid in view.inputs.grids if grid.isVisibleTo(lab)]
    assert [title.split(" · ")[0] for title in titles] == ["red", "green", "blue"]
    np.testing.assert_array_equal(view.grid_values()["input"][1], lab.scrubber.input_array[1])
    assert "colour picture" in view.note.text()
    lab.controls.input_choice.setCurrentText("slides-8x8")
    assert lab.scrubber.settings.colour is None


def counting_steps() -> list[tuple[int, int]]:
    session = Session.from_folder(lessons_folder())
    return [
        (index, number)
        for index, entry in enumerate(session.entries)
        if entry.lesson is not None
        for number, step in enumerate(entry.lesson.steps)
        if step.graph is not None and not step.graph.backward
    ]


@pytest.mark.parametrize(("lesson", "step"), counting_steps())
def test_a_counting_step_stops_at_its_total_with_no_derivatives(
    qtbot: QtBot, settings: QSettings, lesson: int, step: int
) -> None:
    window = open_at(qtbot, settings, lesson, step)
    view = window.view
    assert isinstance(view, GraphLab)
    quiz = window.step_panel.quiz
    assert quiz is not None
    quiz.reveal_button.click()
    cursor = view.session.player
    while not cursor.at_end:
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Right)
    assert cursor.at_end
    assert cursor.position == len(view.session.trace.nodes)
    assert all(grad == "" for _, _, grad in view.view.node_texts().values())  # no grad row
    assert not view.checks.isVisible()
    assert view.view.edge_labels
    assert not any(label.isVisible() for label in view.view.edge_labels.values())
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Right)  # past the total: the next step
    session = window.session
    assert (session.lesson_index, session.step_index) != (lesson, step)


def ink_below(item: ValueItem, depth: float) -> int:
    """How many pixels `item` paints in the `depth` pixels under its box (where a grad row that
    does not fit would spill)."""
    bounds = item.boundingRect()
    size = (int(bounds.width()) + 1, int(bounds.height() + depth) + 1)
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(-bounds.left(), -bounds.top())
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    below = image.copy(0, int(bounds.height()) + 1, image.width(), int(depth))
    white = QColor("white").rgb()
    return sum(
        below.pixel(x, y) != white for x in range(below.width()) for y in range(below.height())
    )


@pytest.mark.parametrize(("lesson", "step"), counting_steps())
def test_a_counting_step_draws_no_grad_rows_and_shorter_boxes(
    qtbot: QtBot, settings: QSettings, lesson: int, step: int
) -> None:
    window = open_at(qtbot, settings, lesson, step)
    lab = window.view
    assert isinstance(lab, GraphLab)
    session = lab.session
    assert isinstance(session, GraphSession)
    qtbot.waitUntil(lambda: lab.view.up_to_date)
    lab.view.reset_zoom()  # near: the items paint their text
    with_grads = GraphSession(session.expression, session.inputs, sizer=lab.style_.sizer)
    items = lab.view.values
    assert items.keys() == {n.id for n in session.trace.nodes}
    for i, item in items.items():
        assert not item.grad_row
        assert item.texts()[2] == ""
        # a row shorter than the same graph's box with a backward pass
        full = with_grads.layout.boxes[value_key(i)].height
        assert item.rect.height() <= full - lab.style_.line
        assert ink_below(item, 2 * lab.style_.line) == 0  # and nothing painted under it
        # (where a grad row would spill: an item with one, in the same box, paints there)
        control = ValueItem(lab.style_, item.rect, i, item.title)
        control.set_state(item.state)
        assert ink_below(control, 2 * lab.style_.line) > 0
    lab.step_cursor.to_end()
    assert all(grad == "" for _, _, grad in lab.view.node_texts().values())


def test_a_step_with_a_backward_pass_still_draws_grad_rows(
    qtbot: QtBot, settings: QSettings
) -> None:
    found = Session.from_folder(lessons_folder())
    lesson, step = next(
        (index, number)
        for index, entry in enumerate(found.entries)
        if entry.lesson is not None
        for number, step in enumerate(entry.lesson.steps)
        if step.graph is not None and step.graph.backward
    )
    window = open_at(qtbot, settings, lesson, step)
    lab = window.view
    assert isinstance(lab, GraphLab)
    session = lab.session
    assert isinstance(session, GraphSession)
    qtbot.waitUntil(lambda: lab.view.up_to_date)
    spec = graph_spec(session.trace, lab.style_.sizer)
    heights = {node.key: node.height for node in spec.nodes}
    for i, item in lab.view.values.items():
        assert item.grad_row
        assert item.texts()[2].startswith("grad ")
        assert item.rect.height() == pytest.approx(heights[value_key(i)])
    lab.step_cursor.to_end()
    assert all("?" not in grad for _, _, grad in lab.view.node_texts().values())
