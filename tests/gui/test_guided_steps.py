"""Guided steps in the real window: every action the lessons ask for is performed as a learner
does it (the transport's buttons, typing into the lab's boxes, the play key, the mouse on the
drawing square), and the step panel ticks it then, not before. Lesson 7 ends with its three
learning rates on one plot, lesson 14 with the sigmoid and ReLU networks side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox
from pytestqt.qtbot import QtBot

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.train.lab import TrainLab
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

pytestmark = pytest.mark.gui

TRAINED_SECONDS = 120


@pytest.fixture
def window(qtbot: QtBot, settings: QSettings) -> MainWindow:
    return open_window(qtbot, Session.from_folder(lessons_folder()), settings)


def open_window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the play key reaches only the active window
    return window


def open_step(window: MainWindow, lesson: str, title: str) -> None:
    session = window.session
    index = session.index_of(session.folder / lesson if session.folder else lesson)
    entry = session.entries[index]
    assert entry.lesson is not None
    step = next(i for i, s in enumerate(entry.lesson.steps) if s.title == title)
    session.open_lesson(index, step)


def ticked(window: MainWindow) -> list[bool]:
    return [line.text().startswith("☑") for line in window.step_panel.guide.lines]


def step_until_ticked(qtbot: QtBot, window: MainWindow, which: int) -> int:
    """Click the transport's step-forward button until action `which` is ticked; the clicks."""
    for clicks in range(1, 200):
        assert not ticked(window)[which]
        qtbot.mouseClick(window.transport.forward_button, Qt.MouseButton.LeftButton)
        if ticked(window)[which]:
            return clicks
    raise AssertionError("never ticked")


def type_into(qtbot: QtBot, box: QAbstractSpinBox, text: str) -> None:
    line = box.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def graph(window: MainWindow) -> GraphLab:
    assert isinstance(window.view, GraphLab)
    return window.view


def train_with_play(qtbot: QtBot, window: MainWindow) -> TrainLab:
    """The play key, at full speed, until the step's epochs are done."""
    lab = window.view
    assert isinstance(lab, TrainLab)
    lab.run_bar.speed.setCurrentIndex(lab.run_bar.speed.findData(None))
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_P)
    qtbot.waitUntil(lambda: lab.run.finished, timeout=TRAINED_SECONDS * 1000)
    return lab


def test_lesson_2_ticks_the_backward_pass_when_it_reaches_x(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_step(window, "02-chain-rule.toml", "Backward: gradients flow right to left")
    session = graph(window).session
    x = session.trace.node("x").id
    step_until_ticked(qtbot, window, 0)
    assert session.player.snapshot().final[x]  # ticked at the very step x's grad is final
    session.player.step_back()
    assert not session.player.snapshot().final[x]
    assert ticked(window) == [True]  # and it stays ticked


def test_lesson_4_ticks_the_backward_pass_and_a_typed_weight(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_step(window, "04-activation-functions.toml", "Saturation kills gradients")
    assert ticked(window) == [False, False]
    step_until_ticked(qtbot, window, 0)
    spin = graph(window).editing.inputs.spins["w"]
    type_into(qtbot, spin, "0.7")
    assert ticked(window) == [True, False]
    type_into(qtbot, spin, "0.5")
    assert ticked(window) == [True, True]
    assert "done" in window.step_panel.guide.lines[1].text()


def test_lesson_7_ticks_its_actions_and_overlays_three_learning_rates(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_step(window, "07-gradient-descent.toml", "Which way is down?")
    step_until_ticked(qtbot, window, 0)
    open_step(window, "07-gradient-descent.toml", "Two updates, written out")
    type_into(qtbot, graph(window).editing.inputs.spins["lr"], "1.1")
    assert ticked(window) == [True]
    for title in ("Too small a learning rate", "A good learning rate"):
        open_step(window, "07-gradient-descent.toml", title)
        assert ticked(window) == [False]
        train_with_play(qtbot, window)
        assert ticked(window) == [True]
    open_step(window, "07-gradient-descent.toml", "Too large a learning rate")
    assert ticked(window) == [False, False]
    lab = train_with_play(qtbot, window)
    assert ticked(window) == [True, True]
    lab.refresh()
    curves = lab.curves
    assert curves.labels == ["lr 0.001", "lr 0.5", "lr 8"]
    kept = [curve for curve in curves.kept_loss if curve.isVisible()]
    assert len(kept) == 2
    assert [len(curve.getData()[0]) for curve in kept] == [160, 160]  # 10 epochs of 16 batches
    legend = curves.legend.text()
    for label in ("lr 0.001", "lr 0.5", "lr 8"):
        assert label.replace(" ", "&nbsp;") in legend  # a run's name is never broken


def test_lesson_12_ticks_play_and_a_digit_drawn_with_the_mouse(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_step(window, "12-mnist-cnn.toml", "Train it")
    lab = train_with_play(qtbot, window)
    assert ticked(window) == [True, False]
    assert lab.digits is not None
    lab.tabs.setCurrentWidget(lab.digits.draw)
    canvas = lab.digits.draw.canvas
    square = canvas.square()
    top = QPoint(int(square.center().x()), int(square.top() + 0.15 * square.height()))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, top)
    for k in range(1, 8):
        QTest.mouseMove(canvas, top + QPoint(0, int(0.1 * k * square.height())))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: ticked(window) == [True, True], timeout=5_000)


def test_lesson_14_ticks_its_actions_and_shows_both_networks_diagnostics(
    qtbot: QtBot, window: MainWindow
) -> None:
    lesson = "14-vanishing-gradients.toml"
    open_step(window, lesson, "Five sigmoid layers")
    step_until_ticked(qtbot, window, 0)
    open_step(window, lesson, "Exploding gradients")
    spins = graph(window).editing.inputs.spins
    type_into(qtbot, spins["w5"], "0.5")
    assert ticked(window) == [False, True]
    type_into(qtbot, spins["w1"], "0.5")
    assert ticked(window) == [True, True]
    open_step(window, lesson, "A deep sigmoid network trains slowly")
    train_with_play(qtbot, window)
    assert ticked(window) == [True]
    open_step(window, lesson, "The same network with ReLU")
    lab = train_with_play(qtbot, window)
    assert ticked(window) == [True, True]
    lab.tabs.setCurrentWidget(lab.diagnostics)
    lab.refresh()
    runs = lab.diagnostics.runs
    assert [label for label, _, _ in runs] == ["sigmoid", "relu"]
    sigmoid, relu = (health for _, _, health in runs)
    assert len(sigmoid.grad_data) == len(relu.grad_data) == 6
    assert sigmoid.grad_data[0] < relu.grad_data[0] / 10  # the sigmoid's first layer starves
    assert not lab.curves.isVisible()  # the diagnostics take the whole row
    assert lab.diagnostics.guide.value() == -3.0  # Karpathy's 1e-3, on the log₁₀ axis


def test_a_conv_step_ticks_the_stride_and_a_train_step_the_epochs_typed(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    (tmp_path / "01-guided.toml").write_text(
        'id = "guided"\ntitle = "Guided"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'
        '[[steps]]\ntitle = "Stride"\ntext = "Set the stride to 2."\n'
        '[steps.conv]\ninput = "slides-8x8"\nkernel = "slides-3x3"\n'
        '[[steps.actions]]\ndo = "set"\nname = "stride"\nvalue = 2\n'
        '[[steps]]\ntitle = "Epochs"\ntext = "Train for three epochs."\n'
        '[steps.train]\ndataset = "moons"\nmodel = "mlp-4"\nepochs = 1\n'
        '[[steps.actions]]\ndo = "set"\nname = "epochs"\nvalue = 3\n',
        encoding="utf-8",
    )
    window = open_window(qtbot, Session.from_folder(tmp_path), settings)
    open_step(window, "01-guided.toml", "Stride")
    lab = window.view
    assert isinstance(lab, ConvLab)
    assert window.step_panel.guide.lines[0].text() == "☐ Set the stride to 2"
    type_into(qtbot, lab.controls.stride, "3")
    assert ticked(window) == [False]
    type_into(qtbot, lab.controls.stride, "2")
    assert ticked(window) == [True]
    open_step(window, "01-guided.toml", "Epochs")
    train = window.view
    assert isinstance(train, TrainLab)
    type_into(qtbot, train.run_bar.epochs, "3")
    assert ticked(window) == [True]
