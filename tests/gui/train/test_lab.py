"""TrainLab (pytest-qt): steps leave points, pause stops, reset clears, rewind restores."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gradlab.engine.tensor import Tensor
from gradlab.gui.theme import LIGHT, PROJECTOR
from gradlab.gui.train.controls import LESSON_LAYERS
from gradlab.gui.train.lab import TrainLab
from gradlab.lessons import TrainScene
from gradlab.state.cursor import Cursor
from gradlab.state.train.config import LayerSpec, TrainSettings, build_model
from gradlab.state.train.frame import confidence, extent_of, grid_points
from gradlab.state.train.run import TrainingRun

pytestmark = pytest.mark.gui

SMALL = TrainSettings(points=120, hidden=(6, 4), batch_size=20)


def make_lab(qtbot: QtBot, settings: TrainSettings = SMALL, *, worker: bool = True) -> TrainLab:
    lab = TrainLab(TrainingRun(settings), LIGHT, worker=worker)
    qtbot.addWidget(lab)
    lab.resize(1200, 800)
    lab.show()
    return lab


def loss_points(lab: TrainLab) -> int:
    xs, _ = lab.curves.loss_curves[0].getData()
    return 0 if xs is None else len(xs)


def test_n_steps_leave_n_points_on_the_loss_curve(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    for _ in range(17):
        lab.run_bar.step.click()
    lab.refresh()
    assert loss_points(lab) == 17
    assert "step 17" in lab.run_bar.counter.text()
    assert QApplication.overrideCursor() is None  # the wait cursor of the worker's start is gone


@pytest.mark.parametrize("worker", [True, False])
def test_start_trains_and_pause_stops_the_steps(qtbot: QtBot, worker: bool) -> None:
    lab = make_lab(qtbot, worker=worker)
    assert lab.driver.in_process is not worker
    lab.run_bar.start.click()
    assert lab.driver.running
    qtbot.waitUntil(lambda: lab.run.steps_done >= 20, timeout=10_000)
    lab.run_bar.start.click()  # the same button pauses
    assert not lab.driver.running
    steps = lab.run.steps_done
    qtbot.wait(150)
    assert lab.run.steps_done == steps
    qtbot.waitUntil(lambda: loss_points(lab) == steps, timeout=5_000)


def test_the_lab_trains_in_a_worker_and_its_process_ends_with_the_lab(qtbot: QtBot) -> None:
    run = TrainingRun(SMALL)
    lab = TrainLab(run, LIGHT)
    assert run.in_worker
    lab.show()
    lab.driver.start()
    qtbot.waitUntil(lambda: run.steps_done >= 10, timeout=10_000)
    pid = run.worker_pid
    assert pid in {p.pid for p in multiprocessing.active_children()}
    lab.close()
    lab.deleteLater()
    qtbot.waitUntil(lambda: run.finished, timeout=5_000)
    assert run.message == "Training was stopped."
    assert pid not in {p.pid for p in multiprocessing.active_children()}


def test_a_finished_run_counts_whole_epochs(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, TrainSettings(points=120, batch_size=20, steps=3), worker=False)
    for _ in range(4):
        lab.driver.step()
    lab.refresh()
    assert lab.run.message == "Finished after 3 steps (1 epoch)."
    assert lab.run_bar.counter.text().startswith("1 epoch done (batch of 20), step 3")


def test_reset_clears_curves_and_counters(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    for _ in range(9):
        lab.driver.step()
    lab.run_bar.reset.click()
    lab.refresh()
    assert lab.run.steps_done == 0
    assert loss_points(lab) == 0
    assert len(lab.run.snapshots.items) == 1
    assert "step 0" in lab.run_bar.counter.text()


def test_rewind_restores_the_snapshot_predictions_exactly(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    for _ in range(lab.run.batches_per_epoch * 3):
        lab.driver.step()
    cursor = lab.step_cursor
    assert isinstance(cursor, Cursor)
    assert cursor.length == 4  # step 0 and three epoch ends
    cursor.seek(1)
    lab.refresh()
    assert lab.boundary is not None
    shown = lab.boundary.image.image
    snapshot = lab.run.snapshots.items[1]
    model = build_model(lab.run.settings, lab.run.data)
    model.load_state_dict(snapshot.state)
    model.eval()
    out = model(Tensor(grid_points(extent_of(lab.run.data)))).data
    expected = confidence(out, lab.run.goal).reshape(shown.shape[::-1]).T
    assert np.array_equal(shown, expected)
    assert "snapshot after epoch 1" in lab.message.text()
    assert lab.curves.markers[0].isVisible()
    cursor.to_end()
    lab.refresh()
    assert "live" in lab.message.text()
    assert not lab.curves.markers[0].isVisible()


def test_live_plots_survive_300_repaints(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, worker=False)
    lab.tabs.setCurrentWidget(lab.distributions)
    for _ in range(300):
        lab.run.step()
        lab.refresh()
        lab.repaint()
    assert lab.repaints >= 300
    assert loss_points(lab) == 300
    assert len(lab.distributions.activations.bands) > 0


def test_exploding_learning_rate_stops_with_a_message_and_the_app_goes_on(qtbot: QtBot) -> None:
    lab = make_lab(
        qtbot, TrainSettings(points=120, activation="relu", optimizer="sgd", lr=1e6, batch_size=20)
    )
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=10_000)
    qtbot.waitUntil(lambda: "NaN or infinite" in lab.message.text(), timeout=5_000)
    assert not lab.driver.running
    assert not lab.run_bar.start.isEnabled()
    assert lab.run.snapshots.items
    assert lab.step_cursor is not None
    lab.step_cursor.seek(0)
    lab.refresh()
    assert "snapshot after epoch 0" in lab.message.text()
    lab.run_bar.reset.click()
    lab.refresh()
    assert lab.run_bar.start.isEnabled()
    assert lab.run.message == ""


def test_scene_view_interface_theme_presentation_and_exports(qtbot: QtBot, tmp_path: Path) -> None:
    lab = make_lab(qtbot)
    for _ in range(5):
        lab.driver.step()
    lab.apply_theme(PROJECTOR)
    lab.set_presentation(True)
    assert lab.controls.editors.isHidden()
    lab.set_presentation(False)
    assert not lab.controls.editors.isHidden()
    assert lab.export_widget() is lab.views
    assert lab.export_png(tmp_path / "plots.png")
    lab.export_svg(tmp_path / "plots.svg")
    lab.export_csv(tmp_path / "history.csv")
    assert (tmp_path / "plots.png").stat().st_size > 1000
    assert "<svg" in (tmp_path / "plots.svg").read_text(encoding="utf-8")
    assert (tmp_path / "history.csv").read_text(encoding="utf-8").count("batch_loss") == 5


def test_applying_settings_rebuilds_the_lab(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.controls.dataset.setCurrentText("xor")
    lab.controls.hidden.setText("3")
    lab.controls.apply.click()
    assert lab.run.settings.dataset == "xor"
    assert lab.run.settings.hidden == (3,)
    assert "Total params: 17" in lab.controls.summary.toPlainText()
    lab.controls.hidden.setText("three")
    lab.controls.apply.click()
    assert "neuron counts" in lab.controls.error.text()
    assert lab.run.settings.hidden == (3,)


def test_applying_settings_while_training_restarts_in_a_new_worker(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.steps_done >= 5, timeout=10_000)
    old = lab.run.worker_pid
    lab.controls.dataset.setCurrentText("xor")
    lab.controls.apply.click()
    assert not lab.driver.running
    assert lab.run.steps_done == 0
    assert old not in {p.pid for p in multiprocessing.active_children()}
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.steps_done >= 5, timeout=10_000)
    assert lab.run.worker_pid not in {None, old}
    assert lab.run.settings.dataset == "xor"
    lab.driver.pause()


def test_clicking_a_neuron_follows_its_bias(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    assert lab.neurons is not None
    lab.refresh()
    first, second = lab.neurons.blocks  # hidden layers of 6 and 4 neurons, one block each
    top, count, columns, h, w = second
    assert (count, columns) == (4, 4)
    x = 2 * (w + 2) + w / 2  # the middle of the third tile of the second block
    assert lab.neurons.tile_at(x, top + h / 2) == (1, 2)
    assert lab.neurons.tile_at(x, first[0] + h / 2) == (0, 2)
    assert lab.neurons.tile_at(5 * (w + 2), top + h / 2) is None  # past the last tile
    lab.neurons.tile_clicked.emit(1, 2)  # second hidden layer, third neuron
    assert lab.run.watched is not None
    assert (lab.run.watched.name, lab.run.watched.index) == ("2.bias", 2)
    assert lab.tabs.currentWidget() is lab.watch
    for _ in range(4):
        lab.driver.step()
    lab.refresh()
    xs, _ = lab.watch.value_curve.getData()
    assert xs is not None
    assert len(xs) == 4
    assert "2.bias[2]" in lab.watch.title.text()


def test_digits_show_filters_confusion_and_mistakes(qtbot: QtBot) -> None:
    lab = make_lab(
        qtbot,
        TrainSettings(
            dataset="mnist", architecture="linear", optimizer="adam", lr=0.01, batch_size=500
        ),
    )
    for _ in range(lab.run.batches_per_epoch):
        lab.driver.step()
    assert lab.digits is not None
    lab.tabs.setCurrentWidget(lab.digits.missed)
    lab.refresh()
    assert lab.confusion is not None
    assert lab.confusion.image.image is not None
    assert lab.run.test_accuracy.last is not None
    assert lab.run.test_accuracy.last > 0.8
    assert "predicted" in lab.digits.missed.label.text()
    lab.tabs.setCurrentWidget(lab.digits.filters)
    lab.refresh()
    filters = lab.digits.filters.filters.image.image
    assert filters is not None
    assert filters.shape[0] > 28 * 4  # a mosaic of 28×28 weight images


def test_a_lesson_scene_opens_the_lab(qtbot: QtBot) -> None:
    from gradlab.gui.scenes import make_view
    from gradlab.state.session import build_scene

    view = make_view(build_scene(TrainScene(dataset="moons", model="mlp-4", steps=3)), LIGHT)
    qtbot.addWidget(view)
    assert isinstance(view, TrainLab)
    assert view.step_cursor is view.run.snapshots


def test_a_lessons_layer_list_shows_as_its_own_model_and_survives_apply(qtbot: QtBot) -> None:
    layers = (LayerSpec("linear", 2, 5), LayerSpec("tanh"), LayerSpec("linear", 5, 2))
    lab = make_lab(qtbot, TrainSettings(points=120, batch_size=20, layers=layers), worker=False)
    controls = lab.controls
    assert controls.architecture.currentText() == LESSON_LAYERS
    assert not controls.hidden.isEnabled()
    controls.lr.setValue(0.05)
    controls.apply.click()
    assert lab.run.settings.layers == layers
    assert lab.run.settings.lr == 0.05
    assert "Total params: 27" in controls.summary.toPlainText()  # 2·5 + 5 + 5·2 + 2
    controls.architecture.setCurrentText("mlp")
    assert controls.hidden.isEnabled()
    controls.apply.click()
    assert lab.run.settings.layers == ()
    controls.architecture.setCurrentText(LESSON_LAYERS)  # the lesson's model stays on offer
    controls.apply.click()
    assert lab.run.settings.layers == layers


@pytest.mark.slow
def test_the_app_trains_the_mnist_cnn_in_its_worker(qtbot: QtBot) -> None:
    # one epoch: the 3-epoch 96 % run is tests/state/train/test_run.py's, and worker runs equal
    # in-process runs step for step (tests/state/train/test_worker.py)
    lab = make_lab(
        qtbot,
        TrainSettings(
            dataset="mnist",
            architecture="mnist-cnn",
            optimizer="momentum",
            lr=0.05,
            batch_size=64,
            epochs=1,
        ),
    )
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=600_000)
    assert lab.run.epochs_done == 1
    assert lab.run.test_accuracy.last is not None
    assert lab.run.test_accuracy.last >= 0.9
