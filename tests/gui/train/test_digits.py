"""The digit tabs of the training lab: a digit drawn with the mouse on the real widget is read by
the trained network as it is drawn, exactly as the model reads the same 28×28 array; any test
digit can be picked for the feature maps; the mistakes are shown one by one."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gradlab.engine.tensor import Tensor
from gradlab.gui.theme import LIGHT
from gradlab.gui.train.canvas import DigitCanvas
from gradlab.gui.train.digits import ProbabilityBars
from gradlab.gui.train.lab import TrainLab
from gradlab.state.train.config import TrainSettings, build_model
from gradlab.state.train.digit import softmax, to_mnist
from gradlab.state.train.run import TrainingRun

pytestmark = pytest.mark.gui

CNN = TrainSettings(
    dataset="mnist", architecture="mnist-cnn", optimizer="adam", lr=0.003, batch_size=64, epochs=1
)
LINEAR = TrainSettings(
    dataset="mnist", architecture="linear", optimizer="adam", lr=0.01, batch_size=500, epochs=1
)


def trained_lab(qtbot: QtBot, settings: TrainSettings, *, worker: bool) -> TrainLab:
    lab = TrainLab(TrainingRun(settings), LIGHT, worker=worker)
    qtbot.addWidget(lab)
    lab.resize(1000, 600)
    lab.show()
    lab.run.set_speed(None)
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=300_000)
    return lab


def at(canvas: DigitCanvas, x: float, y: float) -> QPoint:
    """A point of the drawing square, in its own 0..1 coordinates."""
    square = canvas.square()
    return QPoint(
        round(square.left() + x * square.width()), round(square.top() + y * square.height())
    )


def stroke(canvas: DigitCanvas, points: list[tuple[float, float]], *, release: bool = True) -> None:
    QTest.mousePress(
        canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(canvas, *points[0])
    )
    for point in points[1:]:
        QTest.mouseMove(canvas, at(canvas, *point))
    if release:
        QTest.mouseRelease(
            canvas,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            at(canvas, *points[-1]),
        )


def line(a: tuple[float, float], b: tuple[float, float], n: int = 12) -> list[tuple[float, float]]:
    return [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1)]


def ring(cx: float, cy: float, rx: float, ry: float, n: int = 36) -> list[tuple[float, float]]:
    angles = np.linspace(0.0, 2.0 * np.pi, n + 1)
    return [(cx + rx * float(np.sin(t)), cy - ry * float(np.cos(t))) for t in angles]


def test_a_digit_drawn_with_the_mouse_is_read_as_the_model_reads_its_28x28_array(
    qtbot: QtBot,
) -> None:
    lab = trained_lab(qtbot, CNN, worker=True)  # the model trains in the worker process
    assert lab.digits is not None
    draw = lab.digits.draw
    lab.tabs.setCurrentWidget(draw)
    assert not lab.curves.isVisible()  # the drawing has the whole row
    canvas = draw.canvas
    # the network reads the digit while the stroke is still being drawn
    stroke(canvas, line((0.5, 0.12), (0.5, 0.5)), release=False)
    qtbot.waitUntil(lambda: draw.reading is not None and draw.reading.image.any(), timeout=5_000)
    first = draw.reading
    QTest.mouseRelease(
        canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(canvas, 0.5, 0.5)
    )
    stroke(canvas, line((0.5, 0.5), (0.5, 0.88)))
    qtbot.waitUntil(lambda: draw.reading is not first, timeout=5_000)
    # the same model, built anew from the run's last snapshot (its end), on the same array
    model = build_model(lab.run.settings, lab.run.data)
    snapshot = lab.run.snapshots.items[-1]
    assert snapshot.step == lab.run.steps_done
    model.load_state_dict(snapshot.state)
    model.eval()

    def the_models(ink: np.ndarray) -> np.ndarray:
        digit = to_mnist(ink)
        return softmax(model(Tensor(digit[None, None])).data[0])

    qtbot.waitUntil(
        lambda: np.array_equal(draw.reading.image, to_mnist(canvas.ink())), timeout=5_000
    )
    reading = draw.reading
    assert reading.probabilities == pytest.approx(the_models(canvas.ink()), abs=1e-6)
    assert reading.predicted == 1  # a trained CNN reads a vertical stroke as a one
    assert draw.bars.verdict.text().startswith("Read as 1")
    assert [m.tiles.shape for m in reading.maps] == [(8, 28, 28), (16, 14, 14)]
    draw.clear.click()
    qtbot.waitUntil(lambda: draw.reading is None, timeout=5_000)
    assert draw.bars.verdict.text() == "Write a digit."
    stroke(canvas, ring(0.5, 0.5, 0.22, 0.36))
    qtbot.waitUntil(
        lambda: (
            draw.reading is not None and np.array_equal(draw.reading.image, to_mnist(canvas.ink()))
        ),
        timeout=5_000,
    )
    assert draw.reading.probabilities == pytest.approx(the_models(canvas.ink()), abs=1e-6)
    assert draw.reading.predicted == 0
    # rewound to the untrained snapshot, the views read it with that model
    lab.step_cursor.seek(0)
    qtbot.waitUntil(
        lambda: draw.reading.predicted != 0 or draw.reading.probabilities.max() < 0.5, timeout=5_000
    )


def test_the_canvas_maps_the_widget_onto_a_fixed_ink_image(qtbot: QtBot) -> None:
    small, large = DigitCanvas(), DigitCanvas()
    for canvas, side in ((small, 120), (large, 400)):
        qtbot.addWidget(canvas)
        canvas.resize(side, side)
        canvas.show()
        stroke(canvas, line((0.3, 0.2), (0.6, 0.8)))
    # the same gesture at two sizes gives about the same drawing
    assert np.abs(small.ink() - large.ink()).mean() < 0.02
    assert small.to_ink(QPointF(small.square().topLeft())) == QPointF(0.0, 0.0)
    assert small.strokes == 1
    small.clear()
    assert small.blank
    assert not small.ink().any()


def test_any_test_digit_can_be_picked_and_the_mistakes_come_one_by_one(qtbot: QtBot) -> None:
    lab = trained_lab(qtbot, LINEAR, worker=False)
    assert lab.digits is not None
    filters, missed = lab.digits.filters, lab.digits.missed
    lab.tabs.setCurrentWidget(filters)
    filters.pick.setValue(7)
    truth = int(lab.run.data.y_test[7])
    evaluation = lab.run.latest_evaluation
    assert evaluation is not None
    expected = f"a {truth}, read as {evaluation.predictions[7]}"
    qtbot.waitUntil(lambda: filters.verdict.text() == expected, timeout=5_000)
    assert lab.digit == 7
    (templates,) = filters.filters.blocks  # a linear model: its weights as 28×28 templates
    assert templates.tiles.shape == (10, 28, 28)
    lab.tabs.setCurrentWidget(missed)
    qtbot.waitUntil(lambda: missed.missed != (), timeout=5_000)
    wrong = np.flatnonzero(evaluation.predictions != lab.run.data.y_test)
    assert [i for i, _ in missed.missed] == wrong[: len(missed.missed)].tolist()
    first = missed.label.text()
    test = int(wrong[0])
    assert first == (
        f"Mistake 1 of {len(missed.missed)}: test digit {test}, "
        f"true {lab.run.data.y_test[test]}, predicted {evaluation.predictions[test]}"
    )
    shown = missed.picture.image.image
    assert shown is not None
    assert np.array_equal(shown.T, lab.run.data.x_test[test, 0])
    missed.next.click()
    assert missed.label.text().startswith(
        f"Mistake 2 of {len(missed.missed)}: test digit {wrong[1]}"
    )
    missed.previous.click()
    missed.previous.click()  # round to the last
    assert missed.label.text().startswith(f"Mistake {len(missed.missed)} of")
    missed.maps_button.click()
    assert lab.tabs.currentWidget() is filters
    assert filters.pick.value() == missed.missed[-1][0]
    assert lab.digit == missed.missed[-1][0]


def test_the_softmax_axis_names_the_ten_digits_before_anything_is_written(qtbot: QtBot) -> None:
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.show_probabilities(np.zeros(0))
    ticks = bars.plot.getPlotItem().getAxis("bottom")._tickLevels
    assert [label for _, label in ticks[0]] == [str(d) for d in range(10)]
    low, high = bars.plot.getPlotItem().viewRange()[0]
    assert (low, high) == pytest.approx((-0.6, 9.6))
    assert bars.verdict.text() == "Write a digit."
