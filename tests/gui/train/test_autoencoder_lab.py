"""The training lab with an autoencoder (pytest-qt): digits beside their reconstructions, the
bottleneck control, the codes' scatter, reconstruction curves without accuracy, the denoising
rows; and the model builder showing only the fields that apply, with a layer list's real values."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from gradlab.gui.theme import LIGHT
from gradlab.gui.train.lab import TrainLab
from gradlab.gui.train.reconstruction import GAP, GROUP_GAP, PER_COLUMN
from gradlab.lessons import lessons_folder, load_lesson
from gradlab.state.train.config import TrainSettings, settings_from_scene
from gradlab.state.train.run import TrainingRun

pytestmark = pytest.mark.gui

# a small autoencoder on big batches: an epoch is 16 steps of well under a second in all
AE = TrainSettings(
    dataset="mnist", architecture="autoencoder", hidden=(16,), bottleneck=2, activation="relu",
    loss="mse", optimizer="adam", lr=0.01, batch_size=500,
)  # fmt: skip


def make_lab(qtbot: QtBot, settings: TrainSettings = AE, *, worker: bool = False) -> TrainLab:
    lab = TrainLab(TrainingRun(settings), LIGHT, worker=worker)
    qtbot.addWidget(lab)
    lab.resize(1200, 800)
    lab.show()
    return lab


def one_epoch(lab: TrainLab) -> None:
    for _ in range(lab.run.batches_per_epoch):
        lab.driver.step()
    lab.refresh()


def columns_of(kinds: int) -> int:
    """The width of the side-by-side image of ten digits in `kinds` versions each."""
    group = kinds * (28 + GAP) - GAP
    groups = -(-10 // PER_COLUMN)
    return groups * (group + GROUP_GAP) - GROUP_GAP


def test_the_lab_shows_digits_beside_their_reconstructions_and_reconstruction_curves(
    qtbot: QtBot,
) -> None:
    lab = make_lab(qtbot)
    one_epoch(lab)
    panel = lab.reconstruction
    assert panel is not None
    assert lab.confusion is None
    assert lab.boundary is None
    assert panel.heading.text() == "Left to right: original, rebuilt"
    image = panel.image.image
    assert image is not None
    assert image.shape == (columns_of(2), PER_COLUMN * (28 + GAP) - GAP)  # drawn transposed
    # the rebuilt column is the live model's output, redrawn as it learns
    frame = lab.run.frame()
    originals, copies = (images for _, images in frame.examples)
    np.testing.assert_allclose(image[28 + GAP : 2 * 28 + GAP, :28], copies[0].T.clip(0, 1))
    np.testing.assert_array_equal(image[:28, :28], originals[0].T)
    curves = lab.curves
    assert curves.accuracy_plot.isHidden()
    assert curves.loss_title == "reconstruction loss (MSE)"
    xs, ys = curves.loss_curves[2].getData()  # the test curve: one point after one epoch
    assert xs is not None
    assert ys is not None
    assert ys[-1] == pytest.approx(lab.run.test_loss.last)
    assert "test loss" in lab.message.text()
    assert "accuracy" not in lab.message.text()


def test_a_two_number_code_is_a_scatter_of_every_test_digit_coloured_by_class(
    qtbot: QtBot,
) -> None:
    lab = make_lab(qtbot)
    one_epoch(lab)
    codes = lab.codes
    assert codes is not None
    lab.tabs.setCurrentWidget(codes)
    lab.refresh()
    assert not codes.scatter_plot.isHidden()
    assert codes.values_plot.isHidden()
    points = codes.scatter.data
    assert len(points) == len(lab.run.data.x_test) == 2000
    frame = lab.run.frame()
    assert frame.codes is not None
    np.testing.assert_allclose(points["x"], frame.codes[:, 0])
    np.testing.assert_allclose(points["y"], frame.codes[:, 1])
    colours = {brush.color().name() for brush in points["brush"]}
    assert len(colours) == 10  # one per digit


def test_the_filters_tab_draws_first_layer_units_as_images(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    weights = lab.weights
    assert weights is not None
    lab.tabs.setCurrentWidget(weights)
    lab.refresh()
    mosaic = weights.image.image
    assert mosaic is not None
    assert min(mosaic.shape) > 28 * 2  # 16 weight images of 28×28, eight in a row
    assert weights.plot.isVisible()
    assert "28×28 weights" in weights.caption.text()


def test_the_bottleneck_control_starts_a_run_with_that_code_size(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    one_epoch(lab)
    panel = lab.reconstruction
    assert panel is not None
    panel.bottleneck.setCurrentIndex(panel.bottleneck.findData(8))
    assert lab.run.settings.bottleneck == 8
    assert lab.run.steps_done == 0
    assert lab.controls.bottleneck.value() == 8
    assert "8" in lab.controls.summary.toPlainText()
    codes = lab.codes
    assert codes is not None
    lab.tabs.setCurrentWidget(codes)
    lab.refresh()
    assert codes.scatter_plot.isHidden()
    assert not codes.values_plot.isHidden()
    values = codes.values.image
    assert values is not None
    assert values.shape == (8, 10)


def test_a_denoising_run_shows_noisy_input_original_and_rebuilt(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, replace(AE, input_noise=0.5))
    one_epoch(lab)
    panel = lab.reconstruction
    assert panel is not None
    assert panel.heading.text() == "Left to right: noisy input, original, rebuilt"
    image = panel.image.image
    assert image is not None
    assert image.shape[0] == columns_of(3)
    noisy, clean = image[:28, :28], image[28 + GAP : 2 * 28 + GAP, :28]
    assert not np.array_equal(noisy, clean)


def test_the_autoencoder_trains_in_the_worker(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, replace(AE, epochs=1), worker=True)
    assert lab.run.in_worker
    lab.driver.start()
    qtbot.waitUntil(lambda: lab.run.finished, timeout=120_000)
    assert lab.run.epochs_done == 1
    assert lab.run.test_loss.last is not None
    assert lab.run.test_loss.last < lab.run.snapshots.items[0].evaluation.loss
    assert len(lab.run.test_accuracy) == 0


def test_mnist_hides_the_fields_it_ignores(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, TrainSettings(dataset="mnist", architecture="linear", batch_size=500))
    controls = lab.controls
    form = controls.form
    assert not form.isRowVisible(controls.noise)
    assert not form.isRowVisible(controls.test_share)
    assert not form.isRowVisible(controls.dropout)  # a linear classifier has no dropout
    controls.dataset.setCurrentText("moons")
    controls.architecture.setCurrentText("mlp")
    assert form.isRowVisible(controls.noise)
    assert controls.noise.isEnabled()
    assert form.isRowVisible(controls.test_share)
    assert form.isRowVisible(controls.dropout)
    assert not form.isRowVisible(controls.bottleneck)


def test_a_lessons_dropout_layers_show_their_real_probability_read_only(qtbot: QtBot) -> None:
    lesson = load_lesson(lessons_folder() / "15-training-tricks.toml")
    (scene,) = (s.train for s in lesson.steps if s.train is not None and s.train.l2 > 0)
    assert scene is not None
    settings = settings_from_scene(scene)
    lab = make_lab(qtbot, settings)
    controls = lab.controls
    assert controls.dropout.value() == 0.5
    assert controls.dropout.text() == "0.50"
    assert not controls.dropout.isEnabled()  # the layer list fixes it
    assert controls.hidden.text() == "64, 64"
    controls.lr.setValue(0.02)
    controls.apply.click()  # applying keeps the lesson's layers, dropout and all
    assert lab.run.settings.layers == settings.layers
    assert lab.run.settings.lr == 0.02
