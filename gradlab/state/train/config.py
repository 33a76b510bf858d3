"""`TrainSettings`: what the training lab's model builder chooses, and the objects it makes.

The settings are plain data (frozen, comparable); `build_model`, `build_optimizer` and
`load_data` turn them into the dataset, model and optimiser, `goal_of` into the objective, and
`fit_settings` into the `gradlab.nn.train.fit` run over them. The "autoencoder" model is trained
to rebuild its input (no labels): its own curves, views and test inputs (`evaluation_data`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gradlab.data import DATASETS, Dataset, load_mnist, playground
from gradlab.lessons import TrainScene, limits, presets
from gradlab.lessons.presets import (
    AUTOENCODER_CODE,
    AUTOENCODER_HIDDEN,
    DEFAULT_HIDDEN,
    IMAGE_ONLY,
    hidden_from_slug,
)
from gradlab.nn.evaluate import Objective, objective
from gradlab.nn.layers import (
    BatchNorm1d,
    Dropout,
    Flatten,
    Linear,
)
from gradlab.nn.models import (
    ACTIVATIONS,
    autoencoder,
    autoencoder_widths,
    from_specs,
    lenet5,
    linear_classifier,
    mnist_cnn,
)
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.optim import SGD, Adam, Optimizer
from gradlab.nn.train import TrainRecord, corrupt, fit

Array = NDArray[Any]
LossName = Literal["mse", "bce", "cross_entropy", "hinge"]
OptimizerName = Literal["sgd", "momentum", "adam"]

LOSSES: tuple[LossName, ...] = ("cross_entropy", "bce", "mse", "hinge")
OPTIMIZERS: tuple[OptimizerName, ...] = ("sgd", "momentum", "adam")
ARCHITECTURES = presets.ARCHITECTURES
"""The model builder's choices: the models a lesson's train scene can name."""
MOMENTUM = 0.9

# the model outputs raw scores: "bce" is trained as BCE on sigmoid(score), computed stably
OBJECTIVE_NAMES: dict[LossName, str] = {
    "cross_entropy": "cross_entropy",
    "bce": "bce_with_logits",
    "mse": "mse",
    "hinge": "hinge",
}
RECONSTRUCTION_LOSSES: dict[LossName, str] = {
    "mse": "reconstruction_mse",
    "bce": "reconstruction_bce",
}
"""The autoencoder's losses: its output is a probability per pixel, compared with the input."""
TEST_NOISE_SEED = 1
"""The denoising test set's noise is drawn once from default_rng([seed, TEST_NOISE_SEED]): every
evaluation of a run sees the same noisy digits."""


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a hand-written model (mirrors the lesson schema's `Layer`)."""

    type: str
    in_: int | None = None
    out: int | None = None
    kernel_size: int | None = None
    stride: int | None = None
    padding: int | None = None
    p: float | None = None


@dataclass(frozen=True)
class TrainSettings:
    """Everything the model builder sets. Dropout and batch norm apply to MLP hidden layers."""

    dataset: str = "spiral"
    noise: float = 0.0
    points: int = 500
    test_fraction: float = 0.5
    architecture: str = "mlp"
    hidden: tuple[int, ...] = DEFAULT_HIDDEN
    activation: str = "tanh"
    loss: LossName = "cross_entropy"
    optimizer: OptimizerName = "adam"
    lr: float = 0.03
    batch_size: int = 16
    l2: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False
    bottleneck: int = AUTOENCODER_CODE
    """The autoencoder's code size."""
    input_noise: float = 0.0
    """The autoencoder's input corruption (denoising): Gaussian noise of this standard deviation."""
    seed: int = 0
    epochs: int | None = None
    steps: int | None = None
    layers: tuple[LayerSpec, ...] = field(default=())
    """A hand-written model; overrides `architecture` when not empty."""

    def __post_init__(self) -> None:
        problems = _problems(self) or _size_problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def is_images(self) -> bool:
        return self.dataset == "mnist"

    @property
    def reconstructs(self) -> bool:
        """The model is trained to rebuild its input (the autoencoder), not to classify it."""
        return self.architecture == "autoencoder" and not self.layers


def _problems(s: TrainSettings) -> list[str]:
    checks = [
        (s.dataset in DATASETS, f"unknown dataset {s.dataset!r} ({', '.join(DATASETS)})"),
        (0.0 <= s.noise <= 0.5, f"noise must be in [0, 0.5], got {s.noise}"),
        (0.05 <= s.test_fraction <= 0.9, f"test share must be 5%..90%, got {s.test_fraction}"),
        (s.points >= 20, f"at least 20 points are needed, got {s.points}"),
        (s.architecture in ARCHITECTURES, f"unknown architecture {s.architecture!r}"),
        (s.architecture not in IMAGE_ONLY or s.is_images, f"{s.architecture} needs image data"),
        (all(n >= 1 for n in s.hidden), f"hidden layers need at least 1 neuron: {s.hidden}"),
        (s.activation in ACTIVATIONS, f"unknown activation {s.activation!r}"),
        (s.loss in LOSSES, f"unknown loss {s.loss!r}"),
        (s.optimizer in OPTIMIZERS, f"unknown optimizer {s.optimizer!r}"),
        (s.lr > 0.0, f"the learning rate must be positive, got {s.lr}"),
        (s.batch_size >= 1, f"the batch size must be at least 1, got {s.batch_size}"),
        (s.l2 >= 0.0, f"L2 must be at least 0, got {s.l2}"),
        (0.0 <= s.dropout < 1.0, f"dropout must be in [0, 1), got {s.dropout}"),
        (s.seed >= 0, f"the seed must be at least 0, got {s.seed}"),
        (s.bottleneck >= 1, f"the bottleneck needs at least 1 unit, got {s.bottleneck}"),
        (0.0 <= s.input_noise <= 1.0, f"input noise must be in [0, 1], got {s.input_noise}"),
        (
            s.loss in RECONSTRUCTION_LOSSES or not s.reconstructs,
            "an autoencoder is trained with MSE or BCE: its target is its own input",
        ),
        (
            s.input_noise == 0.0 or s.reconstructs,
            "input noise (denoising) is for the autoencoder",
        ),
    ]
    return [message for ok, message in checks if not ok]


def _size_problems(s: TrainSettings) -> list[str]:
    """The limits a lesson's train scene has (`gradlab.lessons.limits`), checked by arithmetic on
    the declared shapes before anything is allocated."""
    checks = [
        (s.points <= limits.MAX_POINTS, f"at most {limits.MAX_POINTS} points, got {s.points}"),
        (s.batch_size <= limits.MAX_BATCH, f"the batch size is at most {limits.MAX_BATCH}"),
        (len(s.hidden) <= limits.MAX_LAYERS, f"at most {limits.MAX_LAYERS} hidden layers"),
        (len(s.layers) <= limits.MAX_LAYERS, f"at most {limits.MAX_LAYERS} layers"),
        (max(s.hidden, default=0) <= limits.MAX_WIDTH, f"at most {limits.MAX_WIDTH} units"),
        ((s.epochs or 0) <= limits.MAX_EPOCHS, f"at most {limits.MAX_EPOCHS} epochs"),
        ((s.steps or 0) <= limits.MAX_TRAIN_STEPS, f"at most {limits.MAX_TRAIN_STEPS:,} steps"),
    ]
    problems = [message for ok, message in checks if not ok]
    if problems or (s.architecture in IMAGE_ONLY and not s.layers and not s.reconstructs):
        return problems  # the CNN presets are small and fixed
    shape, classes = limits.dataset_shape(s.dataset)
    try:
        if s.layers:
            cost = limits.network_cost(s.layers, shape)
        elif s.reconstructs:
            widths = autoencoder_widths(math.prod(shape), s.hidden, s.bottleneck)
            cost = limits.mlp_cost(widths)
        else:
            hidden = s.hidden if s.architecture == "mlp" else ()
            cost = limits.mlp_cost([math.prod(shape), *hidden, classes])
        limits.check_budget(
            cost,
            copies=limits.LAB_COPIES,
            examples=limits.training_examples(s.dataset, s.batch_size),
            what="this model",
        )
    except ValueError as err:
        return [str(err)]
    return []


def load_data(settings: TrainSettings) -> Dataset:
    if settings.is_images:
        return load_mnist()
    return playground(
        settings.dataset,
        settings.points,
        noise=settings.noise,
        test_fraction=settings.test_fraction,
        seed=settings.seed,
    )


def output_size(settings: TrainSettings, classes: int) -> int:
    """Cross-entropy scores every class; the other losses score one margin when there are two."""
    if settings.loss == "cross_entropy" or (settings.loss == "mse" and classes > 2):
        return classes
    if classes > 2:
        raise ValueError(
            f"{settings.loss} separates two classes; use cross-entropy for {classes} classes"
        )
    return 1


def goal_of(settings: TrainSettings) -> Objective:
    """What the run's loss compares: the labels, or (an autoencoder) the input itself."""
    if settings.reconstructs:
        return objective(RECONSTRUCTION_LOSSES[settings.loss])
    return objective(OBJECTIVE_NAMES[settings.loss])


def evaluation_data(settings: TrainSettings, data: Dataset) -> tuple[Array, Array]:
    """The test set's inputs and what the loss compares the output with: the labels; for an
    autoencoder the clean digits, its inputs noisy ones (one fixed draw) when it denoises."""
    if not settings.reconstructs:
        return data.x_test, data.y_test
    if settings.input_noise == 0.0:
        return data.x_test, data.x_test
    rng = np.random.default_rng([settings.seed, TEST_NOISE_SEED])
    noisy = corrupt(data.x_test, settings.input_noise, rng)
    noisy.flags.writeable = False
    return noisy, data.x_test


def build_model(settings: TrainSettings, data: Dataset) -> Sequential:
    """The model the settings describe, initialised from `settings.seed`."""
    rng = np.random.default_rng(settings.seed)
    if settings.layers:
        return from_specs(settings.layers, rng=rng)
    if settings.reconstructs:
        inputs = int(np.prod(data.input_shape))
        s = settings
        return autoencoder(inputs, s.hidden, s.bottleneck, s.activation, rng=rng)
    outputs = output_size(settings, data.num_classes)
    if settings.architecture == "mnist-cnn":
        return mnist_cnn(rng=rng)
    if settings.architecture == "lenet5":
        return lenet5(padding=2, rng=rng)
    inputs = int(np.prod(data.input_shape))
    if settings.architecture == "linear":
        return linear_classifier(inputs, outputs, rng=rng)
    return _mlp(settings, inputs, outputs, rng)


def _mlp(
    settings: TrainSettings, inputs: int, outputs: int, rng: np.random.Generator
) -> Sequential:
    layers: list[Module] = [Flatten()] if settings.is_images else []
    width = inputs
    for hidden in settings.hidden:
        layers.append(Linear(width, hidden, rng=rng))
        if settings.batch_norm:
            layers.append(BatchNorm1d(hidden))
        layers.append(ACTIVATIONS[settings.activation]())
        if settings.dropout > 0.0:
            layers.append(Dropout(settings.dropout, rng=rng))
        width = hidden
    layers.append(Linear(width, outputs, rng=rng))
    return Sequential(*layers)


def build_optimizer(settings: TrainSettings, model: Module) -> Optimizer:
    params = model.parameters()
    if settings.optimizer == "adam":
        return Adam(params, lr=settings.lr, weight_decay=settings.l2)
    momentum = MOMENTUM if settings.optimizer == "momentum" else 0.0
    return SGD(params, lr=settings.lr, momentum=momentum, weight_decay=settings.l2)


def fit_settings(
    settings: TrainSettings,
    data: Dataset,
    model: Module,
    optimizer: Optimizer,
    *,
    stats: bool,
    stats_every: int,
) -> Iterator[TrainRecord]:
    """The `fit` generator the settings describe, for `model` and `optimizer` built from them."""
    s = settings
    return fit(
        model, data, goal_of(s), optimizer, epochs=s.epochs, steps=s.steps,
        batch_size=s.batch_size, seed=s.seed, stats=stats, stats_every=stats_every,
        noise=s.input_noise,
    )  # fmt: skip


def settings_from_scene(scene: TrainScene) -> TrainSettings:
    """The settings a lesson's train scene describes (model: preset slug or a list of layers)."""
    model: dict[str, Any] = {"architecture": "mlp"}
    if scene.model == "autoencoder":
        model = {
            "architecture": "autoencoder",
            "hidden": AUTOENCODER_HIDDEN,
            "activation": "relu",
            "bottleneck": scene.bottleneck or AUTOENCODER_CODE,
            "input_noise": scene.input_noise,
        }
    elif isinstance(scene.model, str):
        hidden = hidden_from_slug(scene.model)
        model = {"architecture": "mlp" if hidden is not None else scene.model}
        if hidden is not None:
            model["hidden"] = hidden
    else:
        model["layers"] = tuple(
            LayerSpec(x.type, x.in_, x.out, x.kernel_size, x.stride, x.padding, x.p)
            for x in scene.model
        )
    return TrainSettings(
        dataset=scene.dataset, noise=scene.noise, points=scene.points, loss=scene.loss,
        optimizer=scene.optimizer, lr=scene.lr, batch_size=scene.batch_size,
        epochs=scene.epochs, steps=scene.steps, seed=scene.seed, l2=scene.l2, **model,
    )  # fmt: skip
