"""Comparing runs: records kept when a run is set up anew or its step is left, labelled by what
differs; the per-layer health checks and TensorBoard's bands as a run records them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gradlab.lessons import lessons_folder
from gradlab.nn.stats import ACTIVATION_EDGES, LayerStats, Stats, _linear, _logarithmic
from gradlab.state.session import Session
from gradlab.state.train.compare import RunMemory, differences
from gradlab.state.train.config import LayerSpec, TrainSettings
from gradlab.state.train.run import TrainingRun
from gradlab.state.train.stats import LayerStrips

SMALL = TrainSettings(points=120, hidden=(6,), batch_size=20, epochs=2)


def trained(settings: TrainSettings, steps: int = 5) -> TrainingRun:
    run = TrainingRun(settings)
    for _ in range(steps):
        run.step()
    return run


def test_labels_say_what_differs() -> None:
    lrs = [replace(SMALL, lr=lr) for lr in (0.001, 0.5, 8.0)]
    assert differences(lrs) == ["lr 0.001", "lr 0.5", "lr 8"]
    two = [replace(SMALL, optimizer="sgd", lr=0.1), replace(SMALL, optimizer="adam", lr=0.01)]
    assert differences(two) == ["sgd, lr 0.1", "adam, lr 0.01"]
    assert differences([SMALL, replace(SMALL, epochs=9)]) == ["run 1", "run 2"]
    layers = (LayerSpec("linear", 2, 8), LayerSpec("sigmoid"), LayerSpec("linear", 8, 2))
    relu = tuple(LayerSpec("relu") if x.type == "sigmoid" else x for x in layers)
    assert differences([replace(SMALL, layers=layers), replace(SMALL, layers=relu)]) == [
        "sigmoid",
        "relu",
    ]
    wider = (LayerSpec("linear", 2, 16), LayerSpec("sigmoid"), LayerSpec("linear", 16, 2))
    assert differences([replace(SMALL, layers=layers), replace(SMALL, layers=wider)]) == [
        "2-8-2",
        "2-16-2",
    ]


def test_a_run_set_up_anew_keeps_its_record_and_the_memory_is_bounded() -> None:
    run = trained(SMALL)
    run.configure(replace(SMALL, lr=0.5))
    (kept,) = run.memory.beside(run.settings)
    assert kept.settings == SMALL
    assert kept.steps == 5
    assert len(kept.batch_loss.x) == 5
    run.configure(replace(SMALL, lr=0.5))  # no step taken: nothing worth keeping
    assert len(run.memory.records) == 1
    for lr in (0.1, 0.2, 0.3, 0.4):
        for _ in range(2):
            run.step()
        run.configure(replace(SMALL, lr=lr))
    assert [r.settings.lr for r in run.memory.records] == [0.1, 0.2, 0.3]  # the last three
    # a run with a kept run's settings is not compared with its own twin
    assert [r.settings.lr for r in run.memory.beside(replace(SMALL, lr=0.2))] == [0.1, 0.3]
    assert run.memory.beside(replace(SMALL, dataset="xor")) == []


def test_a_record_is_a_copy_the_run_does_not_change() -> None:
    memory = RunMemory()
    run = trained(SMALL, 3)
    memory.keep(run.record())
    run.step()
    assert len(memory.records[0].batch_loss.x) == 3


def test_the_session_compares_the_runs_of_lesson_7s_learning_rate_steps() -> None:
    session = Session.from_folder(lessons_folder())
    session.open_lesson(session.index_of(lessons_folder() / "07-gradient-descent.toml"))
    runs = []
    for title in ("Too small a learning rate", "A good learning rate", "Too large a learning rate"):
        session.go_to_step(
            next(i for i, s in enumerate(session.entry.lesson.steps) if s.title == title)
        )
        state = session.build_step()
        assert state is not None
        run = state.scene
        assert isinstance(run, TrainingRun)
        for _ in range(10):
            run.step()
        runs.append(run)
    last = runs[-1]
    beside = last.memory.beside(last.settings)
    labels = differences([r.settings for r in beside] + [last.settings])
    assert labels == ["lr 0.001", "lr 0.5", "lr 8"]
    session.open_lesson(0)  # another lesson: nothing of lesson 7 is compared there
    assert session.runs.records == []


def layer(name: str, kind: str, values: np.ndarray, **health: float) -> LayerStats:
    return LayerStats(name, kind, _linear(values), _logarithmic(values), None, 0.0, **health)


def test_strips_band_normal_activations_half_a_sigma_apart_and_keep_the_checks() -> None:
    rng = np.random.default_rng(1)
    strips = LayerStrips()
    for step in range(40):
        strips.append(
            step,
            [
                layer("0", "Linear", rng.standard_normal(5000), grad_data=0.01, update_data=1e-3),
                layer("1", "Tanh", np.tanh(rng.standard_normal(5000)), saturated=0.1 + step / 1e3),
            ],
        )
    steps, bands = strips.bands("0", "activation")
    assert steps.tolist() == list(range(40))
    middle = np.median(bands, axis=0)
    assert middle[1:-1] == pytest.approx([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5], abs=0.05)
    assert middle[[0, -1]] == pytest.approx([ACTIVATION_EDGES[0], ACTIVATION_EDGES[-1]])
    health = strips.health()
    assert health.saturated == pytest.approx((0.139,))
    assert health.grad_data == pytest.approx((0.01,))
    (update,) = health.update_data
    assert update[1] == pytest.approx(np.full(40, -3.0))  # log₁₀ 1e-3, Karpathy's guide line


def test_a_deep_sigmoid_net_has_saturated_layers_and_vanishing_updates_a_relu_net_not() -> None:
    def net(activation: str) -> TrainSettings:
        layers: list[LayerSpec] = [LayerSpec("linear", 2, 16), LayerSpec(activation)]
        for _ in range(4):
            layers += [LayerSpec("linear", 16, 16), LayerSpec(activation)]
        layers.append(LayerSpec("linear", 16, 2))
        return TrainSettings(dataset="moons", layers=tuple(layers), optimizer="sgd", lr=0.1)

    sigmoid, relu = (trained(net(a), 40).layers.health() for a in ("sigmoid", "relu"))
    assert len(sigmoid.saturated) == 5
    assert len(sigmoid.grad_data) == len(sigmoid.update_data) == 6
    first = float(np.mean(sigmoid.update_data[0][1]))
    first_relu = float(np.mean(relu.update_data[0][1]))
    # the sigmoid net's first layer learns orders of magnitude slower than the ReLU net's
    assert first < first_relu - 1.0
    assert sigmoid.grad_data[0] < relu.grad_data[0] / 10


def test_stats_without_checks_leave_the_health_empty() -> None:
    strips = LayerStrips()
    counts = Stats(0.0, 1.0, tuple([1] * (len(ACTIVATION_EDGES) - 1)))
    strips.append(0, [LayerStats("0", "Linear", counts, None, None, 0.0)])
    assert strips.health().empty
