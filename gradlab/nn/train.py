"""`fit(...)`: training as a generator, one frozen `TrainRecord` per optimisation step.

Being a generator, a run is driven from outside: ``next(run)`` takes exactly one step, so the GUI
can train in time-budgeted chunks from a timer and stop or resume whenever it likes. A step whose
loss or grads are not finite is not applied: its record says where the NaN/inf first appeared
and the generator ends. With a reconstruction objective (an autoencoder's) the target of each
batch is the batch itself; with `noise` the model sees the batch corrupted (a denoising
autoencoder) while the target stays clean.

`fit` changes nothing process-wide. A program that trains for long should choose its process's
settings at its entry point, as gradlab's own do: `gradlab.nn.memory.keep_freed_memory` (steps
page-fault much less) and `gradlab.nn.blas.one_blas_thread` (before NumPy loads).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn.evaluate import Objective, objective
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.optim import Optimizer
from gradlab.nn.stats import LayerStats, layer_stats, weights, with_updates


class Splits(Protocol):
    """A dataset with a training part (`gradlab.data.Dataset` is one)."""

    @property
    def x_train(self) -> NDArray[Any]: ...

    @property
    def y_train(self) -> NDArray[np.integer]: ...


@dataclass(frozen=True)
class TrainRecord:
    """What happened in one step. Counters are 0-based: the first step is step 0 of epoch 0."""

    step: int
    epoch: int
    iteration: int
    """The batch's position within its epoch."""
    batches_per_epoch: int
    loss: float
    accuracy: float | None
    """Accuracy on this step's batch, before the update; None for a reconstruction objective."""
    lr: float
    stats: tuple[LayerStats, ...] = ()
    """Per-layer statistics, when `fit` was asked for them (empty otherwise)."""
    nonfinite: str | None = None
    """Where a NaN or inf first appeared ("loss", "activation of layer 3 (ReLU)", "gradient of
    0.weight", ...); None for a healthy step."""

    @property
    def finite(self) -> bool:
        return self.nonfinite is None

    @property
    def epoch_end(self) -> bool:
        """True for the last step of an epoch."""
        return self.iteration == self.batches_per_epoch - 1


def fit(
    model: Module,
    data: Splits | tuple[NDArray[Any], NDArray[np.integer]],
    loss: str | Objective,
    optimizer: Optimizer,
    *,
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int = 32,
    seed: int = 0,
    stats: bool = False,
    stats_every: int = 1,
    noise: float = 0.0,
) -> Iterator[TrainRecord]:
    """Train `model` on the training part of `data` with mini-batches shuffled by `seed`.

    Stops after `epochs` epochs or `steps` steps, whichever comes first (never, if both are
    None), or after a non-finite step. The model is put in training mode; its parameters take
    the dtype the batches are cast to (float32 for the default layers). With `stats`, steps 0,
    `stats_every`, 2·`stats_every`, ... carry per-layer statistics: they cost several times a
    small step, and a plot of their drift over time needs far fewer samples than there are steps.
    With `noise` > 0 every batch reaches the model as `corrupt` makes it (a fresh draw each step,
    from its own generator seeded by `seed`, so the batches are those of a run without noise);
    the objective still compares with the clean batch (or its labels).
    """
    x, y = data if isinstance(data, tuple) else (data.x_train, data.y_train)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} inputs but {len(y)} labels")
    if len(x) == 0:
        raise ValueError("cannot train on an empty set")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if stats_every < 1:
        raise ValueError(f"stats_every must be at least 1, got {stats_every}")
    if not noise >= 0.0:
        raise ValueError(f"noise must be at least 0, got {noise}")
    for name, limit in (("epochs", epochs), ("steps", steps)):
        if limit is not None and limit < 0:
            raise ValueError(f"{name} must be at least 0, got {limit}")
    goal = objective(loss)
    every = stats_every if stats else 0
    schedule = _Schedule(epochs, steps, batch_size, seed, every, noise)
    return _run(model, x, np.asarray(y), goal, optimizer, schedule)


def corrupt(x: NDArray[Any], noise: float, rng: np.random.Generator) -> NDArray[Any]:
    """`x` with Gaussian noise of standard deviation `noise` added to every number (same dtype)."""
    noisy: NDArray[Any] = x + (noise * rng.standard_normal(x.shape)).astype(x.dtype)
    return noisy


class _Schedule(NamedTuple):
    epochs: int | None
    steps: int | None
    batch_size: int
    seed: int
    stats_every: int
    """0: no statistics."""
    noise: float


def _run(
    model: Module,
    x: NDArray[Any],
    y: NDArray[np.integer],
    goal: Objective,
    optimizer: Optimizer,
    schedule: _Schedule,
) -> Iterator[TrainRecord]:
    """The loop of `fit`."""
    epochs, steps, batch_size, seed, stats_every, noise = schedule
    rng = np.random.default_rng(seed)
    noise_rng = np.random.default_rng([seed, 1])
    params = model.parameters()
    dtype = params[0].data.dtype if params else np.dtype(np.float32)
    per_epoch = math.ceil(len(x) / batch_size)
    step, epoch = 0, 0
    while epochs is None or epoch < epochs:
        order = rng.permutation(len(x))
        for iteration in range(per_epoch):
            if steps is not None and step >= steps:
                return
            index = order[iteration * batch_size : (iteration + 1) * batch_size]
            clean = np.asarray(x[index], dtype)
            batch = Tensor(corrupt(clean, noise, noise_rng) if noise else clean)
            target = clean if goal.reconstructs else y[index].astype(np.int64)
            # every step, since the caller may have evaluated the model between two steps
            model.train()
            # overflow is detected and reported by _step, so NumPy need not warn about it
            with np.errstate(all="ignore"):
                stats = stats_every > 0 and step % stats_every == 0
                done = _step(model, batch, target, goal, optimizer, stats=stats)
            yield TrainRecord(
                step, epoch, iteration, per_epoch, done.loss, done.accuracy, optimizer.lr,
                done.stats, done.nonfinite,
            )  # fmt: skip
            if done.nonfinite is not None:
                return
            step += 1
        epoch += 1


class _Outcome(NamedTuple):
    loss: float
    accuracy: float | None
    stats: tuple[LayerStats, ...] = ()
    nonfinite: str | None = None


def _step(
    model: Module,
    batch: Tensor,
    target: NDArray[Any],
    goal: Objective,
    optimizer: Optimizer,
    *,
    stats: bool,
) -> _Outcome:
    """Forward, backward and update on one batch (no update if anything is not finite)."""
    optimizer.zero_grad()
    layers = _forward(model, batch)
    output = layers[-1][1]
    loss = goal.loss(output, target)
    value = float(loss.item())
    accuracy = None
    if goal.predict is not None:
        accuracy = float(np.mean(goal.predict(output.data) == target))
    if not math.isfinite(value):
        where = _first_bad_activation(model, layers) or "loss"
        return _Outcome(value, accuracy, nonfinite=where)
    loss.backward()
    bad_grad = _first_bad_grad(model, layers)
    if bad_grad is not None:
        return _Outcome(value, accuracy, nonfinite=bad_grad)
    # statistics before the update: the activations and grads of this very step
    summary = layer_stats(model, layers) if stats else ()
    before = weights(model, summary) if stats else {}
    optimizer.step()
    if stats:
        summary = with_updates(model, summary, before)
    return _Outcome(value, accuracy, summary)


def _forward(model: Module, batch: Tensor) -> list[tuple[str, Tensor]]:
    """(layer name, output) per layer of a Sequential; one ("output", y) pair otherwise."""
    if isinstance(model, Sequential):
        return model.intermediates(batch)
    return [("output", model(batch))]


def _describe(model: Module, name: str) -> str:
    if isinstance(model, Sequential) and name in model._modules:
        return f"layer {name} ({type(model._modules[name]).__name__})"
    return "the model's output"


def _first_bad_activation(model: Module, layers: list[tuple[str, Tensor]]) -> str | None:
    for name, out in layers:
        if not np.isfinite(out.data).all():
            return f"activation of {_describe(model, name)}"
    return None


def _first_bad_grad(model: Module, layers: list[tuple[str, Tensor]]) -> str | None:
    """Where backprop first produced a NaN/inf, output side first; None if every parameter's
    grad is finite (the common case costs one pass over the parameters)."""
    bad = [
        name
        for name, param in model.named_parameters()
        if param.grad is not None and not np.isfinite(param.grad).all()
    ]
    if not bad:
        return None
    for name, out in reversed(layers):
        if out.grad is not None and not np.isfinite(out.grad).all():
            return f"gradient of the output of {_describe(model, name)}"
    return f"gradient of {bad[-1]}"
