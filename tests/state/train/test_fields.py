"""The model builder's rule: fields that do not apply are not shown, and a lesson's layer list is
described by its own values (lesson 15's dropout step said "Dropout 0.00" of p = 0.5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gradlab.lessons import lessons_folder, load_lesson
from gradlab.state.train.config import LayerSpec, TrainSettings, settings_from_scene
from gradlab.state.train.fields import applicable, described


def test_mnist_has_no_dataset_noise_or_test_share() -> None:
    for model in ("mlp", "linear", "mnist-cnn", "lenet5", "autoencoder"):
        fields = applicable("mnist", model)
        assert "noise" not in fields
        assert "test_share" not in fields
    assert applicable("moons", "mlp")["noise"] == applicable("moons", "mlp")["test_share"] == "edit"


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("mlp", {"hidden", "activation", "dropout", "batch_norm"}),
        ("autoencoder", {"hidden", "activation", "bottleneck", "input_noise"}),
        ("mnist-cnn", set()),
        ("lenet5", set()),
        ("linear", set()),
    ],
)
def test_each_model_shows_the_fields_it_is_built_from(model: str, shown: set[str]) -> None:
    fields = applicable("mnist", model)
    assert set(fields) == shown
    assert set(fields.values()) <= {"edit"}


def lesson_settings(lesson: str, title: str) -> TrainSettings:
    for step in load_lesson(lessons_folder() / lesson).steps:
        if step.title == title and step.train is not None:
            return settings_from_scene(step.train)
    raise AssertionError(f"no train step {title!r} in {lesson}")


def test_a_layer_list_shows_its_own_widths_activation_and_dropout_read_only() -> None:
    settings = lesson_settings(
        "15-training-tricks.toml", "Dropout and weight decay against over-fitting"
    )
    shown = described(settings)
    assert shown.dropout == 0.5
    assert (shown.hidden, shown.activation, shown.batch_norm) == ((64, 64), "relu", False)
    assert shown.layers == settings.layers
    fields = applicable(settings.dataset, settings.architecture, settings.layers)
    assert {name: fields[name] for name in ("hidden", "activation", "dropout", "batch_norm")} == {
        "hidden": "show", "activation": "show", "dropout": "show", "batch_norm": "show",
    }  # fmt: skip
    plain = lesson_settings("15-training-tricks.toml", "Over-fitting in the curves")
    assert described(plain).dropout == 0.0  # no dropout layer: 0 is the truth
    assert described(TrainSettings()) == TrainSettings()


def test_mixed_activations_name_none() -> None:
    layers = (
        LayerSpec("linear", 2, 4), LayerSpec("tanh"), LayerSpec("linear", 4, 4),
        LayerSpec("relu"), LayerSpec("batch_norm1d", out=4), LayerSpec("linear", 4, 2),
    )  # fmt: skip
    settings = TrainSettings(layers=layers)
    assert "activation" not in applicable("moons", "mlp", layers)
    assert described(settings).batch_norm
    assert described(settings).hidden == (4, 4)


def test_a_cnns_layer_list_shows_no_hidden_widths_and_no_absent_dropout() -> None:
    settings = lesson_settings("12-mnist-cnn.toml", "Train it")
    assert any(layer.type == "conv2d" for layer in settings.layers)
    fields = applicable(settings.dataset, settings.architecture, settings.layers)
    assert fields == {"activation": "show"}  # ReLU throughout; no dropout, no batch norm
    with_dropout = (*settings.layers[:-1], LayerSpec("dropout", p=0.25), settings.layers[-1])
    fields = applicable("mnist", "mlp", with_dropout)
    assert fields == {"activation": "show", "dropout": "show"}
    assert described(replace(settings, layers=with_dropout)).dropout == 0.25
