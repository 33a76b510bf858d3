"""Driving the training lab as a lecturer does: play (the transport's button) starts and pauses
training at the chosen speed, the epochs box and Continue go on after a run ends; the views
follow a finished run; legends stay out of the plots."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from gradlab.gui.theme import LIGHT
from gradlab.gui.train.lab import TrainLab
from gradlab.gui.transport import TransportBar
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.pace import watching_speed
from gradlab.state.train.run import TrainingRun

pytestmark = pytest.mark.gui

SMALL = TrainSettings(points=120, hidden=(6, 4), batch_size=20, epochs=2)


def make_lab(qtbot: QtBot, settings: TrainSettings = SMALL, *, worker: bool = False) -> TrainLab:
    lab = TrainLab(TrainingRun(settings), LIGHT, worker=worker)
    qtbot.addWidget(lab)
    lab.resize(1000, 600)
    lab.show()
    return lab


def test_the_transports_play_button_starts_and_pauses_training(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, TrainSettings(points=120, hidden=(6,), batch_size=20), worker=True)
    transport = TransportBar()
    qtbot.addWidget(transport)
    transport.set_cursor(lab.step_cursor, lab.runner)
    assert transport.play_button.isEnabled()
    assert not transport.speed.isVisible()  # the run's speed is the lab's, in its run bar
    transport.play_button.click()
    assert lab.driver.running
    assert transport.is_playing
    qtbot.waitUntil(lambda: lab.run.steps_done >= 3, timeout=20_000)
    transport.play_button.click()
    assert not lab.driver.running
    steps = lab.run.steps_done
    qtbot.wait(100)
    assert lab.run.steps_done == steps
    lab.refresh()
    assert f"step {steps}" in lab.run_bar.counter.text()


def test_a_2d_lab_trains_slowly_enough_to_watch_and_the_speed_box_changes_it(
    qtbot: QtBot,
) -> None:
    lab = make_lab(qtbot)
    assert lab.run.speed == watching_speed(False)
    assert lab.run_bar.speed.currentData() == lab.run.speed
    full = lab.run_bar.speed.findData(None)
    lab.run_bar.speed.setCurrentIndex(full)
    assert lab.run.speed is None
    slow = lab.run_bar.speed.findData(10.0)
    lab.run_bar.speed.setCurrentIndex(slow)
    assert lab.run.speed == 10.0
    lab.driver.start()
    qtbot.wait(500)
    lab.driver.pause()
    assert 2 <= lab.run.steps_done <= 9  # about 10 a second for half a second


def test_after_the_last_epoch_play_continues_and_the_epochs_box_sets_how_far(
    qtbot: QtBot,
) -> None:
    lab = make_lab(qtbot)
    lab.run.set_speed(None)
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=20_000)
    assert lab.run.epochs_done == 2
    lab.refresh()
    assert lab.run_bar.start.text() == "Continue"
    assert lab.run_bar.start.isEnabled()
    lab.run_bar.start.click()  # as play does: two more epochs, as many as the lesson asked for
    assert lab.driver.running
    qtbot.waitUntil(lambda: lab.run.finished, timeout=20_000)
    assert lab.run.epochs_done == 4
    lab.run_bar.epochs.setValue(5)
    assert not lab.run.finished
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=20_000)
    assert lab.run.epochs_done == 5
    lab.refresh()
    assert lab.run_bar.epochs.value() == 5


def test_views_follow_a_finished_run_without_a_rewind(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.run.set_speed(None)
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=20_000)
    lab.refresh()
    assert len(lab.distributions.activations.bands) == 0  # not drawn while hidden
    lab.tabs.setCurrentWidget(lab.distributions)  # opened after the run ended
    qtbot.waitUntil(lambda: len(lab.distributions.activations.bands) > 0, timeout=5_000)
    first = np.array(lab.distributions.activations.bands)
    assert lab.distributions.layer.count() == len(lab.run.layers.names)
    lab.distributions.layer.setCurrentIndex(2)
    name = lab.run.layers.names[2]
    _, expected = lab.run.layers.bands(name, "activation")
    qtbot.waitUntil(
        lambda: np.array_equal(lab.distributions.activations.bands, expected, equal_nan=True),
        timeout=5_000,
    )
    assert not np.array_equal(first, expected, equal_nan=True)
    assert "24 bins of 0.25 on [-3, 3]" in lab.distributions.binning.text()


def test_a_digit_run_without_statistics_says_why_its_distributions_are_empty(
    qtbot: QtBot,
) -> None:
    lab = make_lab(
        qtbot, TrainSettings(dataset="mnist", architecture="mnist-cnn", batch_size=64, epochs=1)
    )
    assert not lab.run.stats
    lab.tabs.setCurrentWidget(lab.distributions)
    lab.refresh()
    assert lab.distributions.note.isVisible()
    assert "statistics are off" in lab.distributions.note.text()
    assert not lab.distributions.activations.isVisible()


def test_misclassified_digits_show_after_the_run_when_the_tab_is_opened(qtbot: QtBot) -> None:
    lab = make_lab(
        qtbot,
        TrainSettings(
            dataset="mnist",
            architecture="linear",
            optimizer="adam",
            lr=0.01,
            batch_size=500,
            epochs=1,
        ),
    )
    lab.run.set_speed(None)
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=60_000)
    lab.refresh()
    assert lab.digits is not None
    missed = lab.digits.missed
    lab.tabs.setCurrentWidget(missed)
    qtbot.waitUntil(lambda: missed.picture.image.image is not None, timeout=5_000)
    assert "predicted" in missed.label.text()


def test_legends_sit_outside_the_plots(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    for plot in (lab.curves.loss_plot, lab.curves.accuracy_plot, lab.watch.grad_plot):
        assert plot.getPlotItem().legend is None
    assert [entry.name for entry in lab.curves.legend.entries] == [
        "batch",
        "train (epoch)",
        "test (epoch)",
    ]
    assert "test&nbsp;(epoch)" in lab.curves.legend.text()  # one entry, never broken


@pytest.mark.slow
def test_the_mnist_lesson_trains_its_three_epochs_from_the_gui(qtbot: QtBot) -> None:
    from gradlab.lessons import lessons_folder, load_lesson

    lesson = load_lesson(lessons_folder() / "12-mnist-cnn.toml")
    scene = next(step.train for step in lesson.steps if step.train is not None)
    lab = TrainLab(scene, LIGHT)  # as the lesson opens it: in a worker, at full speed
    qtbot.addWidget(lab)
    lab.show()
    assert lab.run.speed is None
    lab.run_bar.epochs.setValue(3)
    lab.run_bar.start.click()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=600_000)
    assert lab.run.epochs_done == 3
    assert lab.run.ended_at_limit
    assert lab.run.test_accuracy.last is not None
    assert lab.run.test_accuracy.last >= 0.95
