"""TrainingRun (Qt-free): steps and history, bounds, non-finite stops, rewind, export, scenes."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.engine.tensor import Tensor
from gradlab.lessons import TrainScene
from gradlab.nn.evaluate import evaluate
from gradlab.state.train.config import TrainSettings, build_model
from gradlab.state.train.frame import confidence, extent_of, grid_points
from gradlab.state.train.history import Series, Strip
from gradlab.state.train.run import TrainingRun
from gradlab.state.train.snapshots import Snapshots

SMALL = TrainSettings(points=120, hidden=(6,), batch_size=20)


@given(st.lists(st.floats(-1e3, 1e3), max_size=400), st.sampled_from([4, 8, 64]))
@settings(max_examples=60, deadline=None)
def test_series_is_bounded_and_exact_until_full(ys: list[float], capacity: int) -> None:
    series = Series(capacity)
    for x, y in enumerate(ys):
        series.append(x, y)
    assert len(series) < capacity or not ys
    if len(ys) < capacity:
        assert series.y.tolist() == ys
        assert series.x.tolist() == list(range(len(ys)))
    else:
        # merged points are means of neighbours: inside the data's range, x still increasing
        assert np.all(np.diff(series.x) > 0)
        assert series.y.min() >= min(ys) - 1e-9
        assert series.y.max() <= max(ys) + 1e-9
        merged = series.stride * len(series)
        assert math.isclose(series.y.mean(), np.mean(ys[:merged]), rel_tol=1e-9, abs_tol=1e-6)


def test_strip_is_bounded_and_rows_are_fractions() -> None:
    strip = Strip(bins=5, capacity=8)
    rng = np.random.default_rng(0)
    for x in range(1000):
        strip.append(x, rng.integers(0, 10, 5).astype(float))
    assert len(strip) < 8
    assert strip.stride > 1
    np.testing.assert_allclose(strip.image.sum(axis=1), 1.0)


def test_n_steps_give_n_points_and_counters() -> None:
    run = TrainingRun(SMALL)
    taken = sum(run.step() for _ in range(13))
    assert taken == 13 == run.steps_done == len(run.loss) == len(run.accuracy)
    assert run.loss.x.tolist() == list(range(1, 14))
    per_epoch = 3  # 60 training points in batches of 20
    assert run.batches_per_epoch == per_epoch
    assert run.epochs_done == 13 // per_epoch
    assert len(run.test_accuracy) == run.epochs_done
    assert len(run.layers.names) == len(run.model)


def test_advance_respects_a_step_limit_and_reports_it() -> None:
    run = TrainingRun(TrainSettings(points=120, batch_size=20, steps=7))
    messages: list[str] = []
    run.stopped.connect(messages.append)
    run_out(run)
    assert run.steps_done == 7
    assert messages == [run.message]
    assert run.advance(0.01) == 0


def test_epoch_end_evaluation_matches_evaluate() -> None:
    run = TrainingRun(SMALL)
    for _ in range(run.batches_per_epoch * 2):
        run.step()
    accuracy = evaluate(run.model, run.data.x_test, run.data.y_test, rule=run.goal)
    assert run.test_accuracy.last == accuracy
    assert run.latest_evaluation is not None
    assert run.latest_evaluation.accuracy == accuracy


def run_out(run: TrainingRun, seconds: float = 120.0) -> None:
    """Advance until the run ends (bounded, so a run that never ends fails instead of hanging)."""
    for _ in range(int(seconds / 0.05)):
        if run.finished:
            return
        run.advance(0.05)
    pytest.fail(f"the run did not finish: {run.steps_done} steps")


@pytest.mark.parametrize(("loss", "lr"), [("cross_entropy", 1e6), ("mse", 10.0)])
def test_exploding_learning_rate_stops_with_advice_and_keeps_last_good_state(
    loss: str, lr: float
) -> None:
    run = TrainingRun(
        TrainSettings(
            points=120, activation="relu", optimizer="sgd", lr=lr, batch_size=20, loss=loss
        )  # type: ignore[arg-type]
    )
    messages: list[str] = []
    run.stopped.connect(messages.append)
    run_out(run)
    assert len(messages) == 1
    assert "NaN or infinite" in run.message
    assert "smaller learning rate" in run.message
    assert all(np.isfinite(p.data).all() for p in run.model.parameters())
    assert run.snapshots.items
    assert all(np.isfinite(v).all() for s in run.snapshots.items for v in s.state.values())
    assert np.isfinite(run.loss.y).all()
    assert run.frame().boundary is not None
    assert run.step() == 0


def test_rewind_restores_the_snapshot_predictions_exactly() -> None:
    run = TrainingRun(SMALL)
    live_frames = {}
    for _ in range(4):
        for _ in range(run.batches_per_epoch):
            run.step()
        live_frames[run.epochs_done] = run.frame()
    assert [s.epoch for s in run.snapshots.items] == [0, 1, 2, 3, 4]
    run.snapshots.seek(2)
    shown = run.frame()
    assert not shown.live
    assert shown.epoch == 2
    assert shown.boundary is not None
    assert live_frames[2].boundary is not None
    assert np.array_equal(shown.boundary, live_frames[2].boundary)
    for (_, a), (_, b) in zip(shown.neurons, live_frames[2].neurons, strict=True):
        assert np.array_equal(a, b)
    # and independently: a fresh model loaded with the snapshot predicts the same
    model = build_model(run.settings, run.data)
    model.load_state_dict(run.snapshots.items[2].state)
    model.eval()
    out = model(Tensor(grid_points(extent_of(run.data)))).data
    assert np.array_equal(confidence(out, run.goal).reshape(shown.boundary.shape), shown.boundary)
    run.snapshots.to_end()
    assert run.frame().live


def test_snapshots_are_bounded_and_keep_the_first() -> None:
    run = TrainingRun(TrainSettings(points=40, hidden=(4,), batch_size=20))
    run.snapshots.capacity = 5
    for _ in range(run.batches_per_epoch * 40):
        run.step()
    items = run.snapshots.items
    assert len(items) <= 5
    assert items[0].step == 0
    assert items[-1].epoch <= run.epochs_done
    assert run.snapshots.every > 1
    assert run.snapshots.at_end


def test_rewound_cursor_keeps_its_snapshot_while_training_goes_on() -> None:
    run = TrainingRun(SMALL)
    for _ in range(run.batches_per_epoch * 2):
        run.step()
    run.snapshots.seek(1)
    step = run.snapshots.items[1].step
    for _ in range(run.batches_per_epoch * 2):
        run.step()
    current = run.snapshots.current
    assert current is not None
    assert current.step == step


def test_snapshot_cursor_rejects_tiny_capacity() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Snapshots(capacity=2)


def test_reset_clears_everything() -> None:
    run = TrainingRun(SMALL)
    first = run.model.state_dict()
    for _ in range(10):
        run.step()
    run.watch("0.weight", 1)
    run.reset()
    assert run.steps_done == 0
    assert len(run.loss) == len(run.test_loss) == 0
    assert len(run.snapshots.items) == 1
    assert not run.layers.names
    assert run.watched is not None
    assert len(run.watched.value) == 0
    for key, value in run.model.state_dict().items():
        assert np.array_equal(value, first[key])


def test_watched_weight_follows_value_grad_and_momentum() -> None:
    run = TrainingRun(TrainSettings(points=120, batch_size=20, optimizer="momentum", lr=0.1))
    run.watch("2.bias", 3)
    values, buffers = [], []
    param = dict(run.model.named_parameters())["2.bias"]
    for _ in range(5):
        run.step()
        values.append(float(param.data[3]))
        buffers.append(float(run.optimizer.state(param)["momentum_buffer"][3]))
    watched = run.watched
    assert watched is not None
    assert watched.value.y.tolist() == values
    assert watched.state["momentum_buffer"].y.tolist() == buffers
    assert len(watched.grad) == 5
    with pytest.raises(KeyError):
        run.watch("nope", 0)
    with pytest.raises(IndexError):
        run.watch("2.bias", 99)


def test_history_csv_round_trips() -> None:
    run = TrainingRun(SMALL)
    for _ in range(7):
        run.step()
    rows = list(csv.DictReader(io.StringIO(run.history_csv())))
    batch = [float(r["value"]) for r in rows if r["series"] == "batch_loss"]
    assert batch == run.loss.y.tolist()
    tests = [r for r in rows if r["series"] == "test_accuracy"]
    assert len(tests) == run.epochs_done


def test_from_scene_reads_presets_and_layer_lists() -> None:
    run = TrainingRun.from_scene(
        TrainScene(
            dataset="xor",
            model="mlp-5-3",
            steps=4,
            optimizer="adam",
            lr=0.01,
            noise=0.2,
            points=80,
        )
    )
    assert run.settings.hidden == (5, 3)
    assert run.settings.steps == 4
    assert run.settings.noise == 0.2
    assert len(run.data.x_train) + len(run.data.x_test) == 80
    listed = TrainScene.model_validate(
        {
            "dataset": "circle",
            "model": [
                {"type": "linear", "in": 2, "out": 4},
                {"type": "relu"},
                {"type": "linear", "in": 4, "out": 2},
            ],
            "epochs": 1,
        }
    )
    run = TrainingRun.from_scene(listed)
    assert [type(m).__name__ for m in run.model] == ["Linear", "ReLU", "Linear"]
    run_out(run)
    assert run.epochs_done == 1
    regularised = TrainScene.model_validate(
        {
            "dataset": "circle",
            "model": [
                {"type": "linear", "in": 2, "out": 4},
                {"type": "batch_norm1d", "out": 4},
                {"type": "relu"},
                {"type": "dropout", "p": 0.25},
                {"type": "linear", "in": 4, "out": 2},
            ],
            "l2": 0.01,
            "steps": 3,
        }
    )
    run = TrainingRun.from_scene(regularised)
    kinds = [type(m).__name__ for m in run.model]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]
    assert run.settings.l2 == 0.01
    assert run.optimizer.weight_decay == 0.01
    run_out(run)
    assert run.steps_done == 3


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"type": "dropout"}, "a dropout layer needs 'p'"),
        ({"type": "dropout", "p": 1.0}, "less than 1"),
        ({"type": "batch_norm2d"}, "a batch_norm2d layer needs 'out'"),
    ],
)
def test_scene_layers_say_what_they_miss(layer: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrainScene.model_validate({"dataset": "circle", "model": [layer], "steps": 1})


@pytest.mark.parametrize("loss", ["bce", "mse", "hinge", "cross_entropy"])
def test_every_loss_trains_a_2d_set(loss: str) -> None:
    run = TrainingRun(
        TrainSettings(dataset="gaussian", points=200, loss=loss, optimizer="adam", epochs=15)  # type: ignore[arg-type]
    )
    run_out(run)
    assert run.test_accuracy.last is not None
    assert run.test_accuracy.last >= 0.9


def test_bad_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="learning rate"):
        TrainSettings(lr=0.0)
    with pytest.raises(ValueError, match="needs image data"):
        TrainSettings(architecture="mnist-cnn")
    with pytest.raises(ValueError, match="two classes"):
        TrainingRun(TrainSettings(dataset="mnist", architecture="linear", loss="hinge"))


def test_dropout_and_batch_norm_build_and_train() -> None:
    run = TrainingRun(TrainSettings(points=120, batch_norm=True, dropout=0.2, l2=1e-3))
    kinds = [type(m).__name__ for m in run.model]
    assert "BatchNorm1d" in kinds
    assert "Dropout" in kinds
    for _ in range(5):
        run.step()
    assert run.steps_done == 5


def test_spiral_mlp_reaches_95_percent() -> None:
    run = TrainingRun(TrainSettings(dataset="spiral", epochs=120), stats=False)
    run_out(run)
    assert run.test_accuracy.last is not None
    assert run.test_accuracy.last >= 0.95
    assert max(run.epoch_accuracy.y) >= 0.95


@pytest.mark.slow
def test_mnist_cnn_reaches_96_percent_in_three_epochs() -> None:
    run = TrainingRun(
        TrainSettings(
            dataset="mnist", architecture="mnist-cnn", optimizer="momentum", lr=0.05,
            batch_size=64, epochs=3,
        ),
        stats=False,
    )  # fmt: skip
    run_out(run, seconds=600.0)
    assert run.epochs_done == 3
    assert run.test_accuracy.last is not None
    assert run.test_accuracy.last >= 0.96
    frame = run.frame(digit=5)
    assert frame.confusion is not None
    assert frame.confusion.sum() == len(run.data.y_test)
    assert frame.digit is not None
    assert [f.tiles.shape for f in frame.digit.filters] == [(8, 3, 3), (16 * 8, 3, 3)]
    assert [m.tiles.shape for m in frame.digit.maps] == [(8, 28, 28), (16, 14, 14)]
    assert run.latest_evaluation is not None
    assert frame.digit.predicted == run.latest_evaluation.predictions[5]
