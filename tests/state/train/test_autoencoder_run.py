"""A training run of the MNIST autoencoder (Qt-free): reconstruction curves without accuracy, the
test loss it reports, the frames the lab draws (digits beside their reconstructions, codes), the
denoising variant, the worker, and the settings and lesson scenes that make one."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gradlab.engine.tensor import Tensor
from gradlab.lessons import TrainScene, lessons_folder, load_lesson
from gradlab.nn.models import code_layer, from_specs
from gradlab.state.train.config import TrainSettings, evaluation_data, settings_from_scene
from gradlab.state.train.frame import shown_digits
from gradlab.state.train.run import TrainingRun

# 16 batches of 500 digits an epoch, a small net: an epoch takes well under a second
AE = TrainSettings(
    dataset="mnist", architecture="autoencoder", hidden=(16,), bottleneck=2, activation="relu",
    loss="mse", optimizer="adam", lr=0.01, batch_size=500,
)  # fmt: skip


def one_epoch(run: TrainingRun) -> None:
    for _ in range(run.batches_per_epoch):
        run.step()


def rebuilt(run: TrainingRun, inputs: np.ndarray) -> np.ndarray:
    run.model.eval()
    try:
        return run.model(Tensor(inputs)).data.reshape(inputs.shape)
    finally:
        run.model.train()


def test_an_autoencoder_run_has_reconstruction_curves_and_no_accuracy() -> None:
    run = TrainingRun(AE)
    assert run.goal.reconstructs
    assert run.batches_per_epoch == 16
    one_epoch(run)
    assert len(run.loss) == 16
    assert len(run.accuracy) == len(run.epoch_accuracy) == len(run.test_accuracy) == 0
    assert len(run.epoch_loss) == len(run.test_loss) == 1
    evaluation = run.latest_evaluation
    assert evaluation is not None
    assert evaluation.accuracy is None
    assert evaluation.predictions is None
    # the test loss: the mean squared error of every rebuilt test pixel
    x = run.data.x_test
    expected = float(np.mean((rebuilt(run, x) - x) ** 2))
    assert run.test_loss.last == pytest.approx(expected, rel=1e-5)
    assert run.loss.y[-1] < run.loss.y[0]  # it learns
    assert not [row for row in run.history_csv().splitlines() if "accuracy" in row]


def test_the_frame_shows_each_class_beside_its_reconstruction_and_the_codes() -> None:
    run = TrainingRun(AE)
    one_epoch(run)
    frame = run.frame()
    shown = shown_digits(run.data)
    assert sorted(run.data.y_test[shown]) == list(range(10))
    names = [name for name, _ in frame.examples]
    assert names == ["original", "rebuilt"]
    originals, copies = (images for _, images in frame.examples)
    np.testing.assert_array_equal(originals, run.data.x_test[shown, 0])
    np.testing.assert_allclose(copies, rebuilt(run, run.data.x_test[shown])[:, 0], rtol=1e-6)
    # a 2-unit code: every test digit is a point, labelled by its class
    assert frame.codes is not None
    assert frame.codes.shape == (len(run.data.x_test), 2)
    assert frame.code_digits is run.data.y_test
    encoder = run.model[: code_layer(AE.hidden) + 1]
    np.testing.assert_allclose(frame.codes, encoder(Tensor(run.data.x_test)).data, rtol=1e-5)
    assert frame.code_values is not None
    assert frame.code_values.shape == (10, 2)
    wide = TrainingRun(replace(AE, bottleneck=8)).frame()
    assert wide.codes is None  # 8 numbers are no point in a plane
    assert wide.code_values is not None
    assert wide.code_values.shape == (10, 8)


def test_a_denoising_run_sees_noisy_digits_and_is_scored_against_clean_ones() -> None:
    settings = replace(AE, input_noise=0.5)
    run = TrainingRun(settings)
    inputs, targets = evaluation_data(settings, run.data)
    assert targets is run.data.x_test
    assert np.std(inputs - targets) == pytest.approx(0.5, rel=0.01)
    # one fixed draw: every evaluation and every frame sees the same noisy test digits
    np.testing.assert_array_equal(evaluation_data(settings, run.data)[0], inputs)
    one_epoch(run)
    expected = float(np.mean((rebuilt(run, inputs) - targets) ** 2))
    assert run.test_loss.last == pytest.approx(expected, rel=1e-5)
    frame = run.frame()
    assert [name for name, _ in frame.examples] == ["noisy", "original", "rebuilt"]
    shown = shown_digits(run.data)
    noisy, original, copy = (images for _, images in frame.examples)
    np.testing.assert_allclose(noisy, inputs[shown, 0])
    np.testing.assert_array_equal(original, run.data.x_test[shown, 0])
    np.testing.assert_allclose(copy, rebuilt(run, inputs[shown])[:, 0], rtol=1e-6)


def test_a_worker_trains_the_autoencoder_as_this_process_does() -> None:
    settings = replace(AE, input_noise=0.3)
    local, remote = TrainingRun(settings), TrainingRun(settings)
    remote.use_worker(True)
    try:
        for run in (local, remote):
            for _ in range(local.batches_per_epoch + 1):
                run.step()
        assert remote.loss.y.tolist() == pytest.approx(local.loss.y.tolist(), rel=1e-5)
        assert remote.test_loss.y.tolist() == pytest.approx(local.test_loss.y.tolist(), rel=1e-5)
        assert len(remote.test_accuracy) == 0
    finally:
        remote.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"loss": "cross_entropy"}, "MSE or BCE"),
        ({"dataset": "moons"}, "needs image data"),
        ({"bottleneck": 0}, "bottleneck"),
        ({"input_noise": 1.5}, "input noise"),
        ({"hidden": (16_000,), "bottleneck": 16_000}, "needs about"),
        ({"architecture": "mlp", "input_noise": 0.5}, "for the autoencoder"),
    ],
)
def test_autoencoder_settings_that_cannot_work_are_refused(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        replace(AE, **change)  # type: ignore[arg-type]


def test_a_lesson_scene_makes_the_autoencoder_it_names() -> None:
    scene = TrainScene(
        dataset="mnist", model="autoencoder", loss="bce", optimizer="adam", lr=0.003,
        batch_size=64, epochs=3, bottleneck=2, input_noise=0.5,
    )  # fmt: skip
    settings = settings_from_scene(scene)
    assert settings.reconstructs
    assert (settings.hidden, settings.bottleneck, settings.input_noise) == ((256,), 2, 0.5)
    assert (settings.activation, settings.loss, settings.epochs) == ("relu", "bce", 3)
    default = settings_from_scene(scene.model_copy(update={"bottleneck": None}))
    assert default.bottleneck == 32


def test_lesson_17s_table_is_the_autoencoder_its_train_steps_build() -> None:
    lesson = load_lesson(lessons_folder() / "17-autoencoders.toml")
    (table,) = (s.table for s in lesson.steps if s.table is not None and s.table.model)
    (first, *_) = (s.train for s in lesson.steps if s.train is not None)
    assert table is not None
    assert table.model is not None
    assert first is not None
    settings = settings_from_scene(first)
    run = TrainingRun(settings)
    listed = from_specs(table.model.layers)
    assert [type(layer).__name__ for layer in listed] == [
        type(layer).__name__ for layer in run.model
    ]
    shapes = {name: value.shape for name, value in listed.state_dict().items()}
    assert shapes == {name: value.shape for name, value in run.model.state_dict().items()}
    assert shapes["3.weight"] == (32, 256)  # the code: 32 numbers
