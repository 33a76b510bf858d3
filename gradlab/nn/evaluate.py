"""Objectives (a loss paired with its decision rule), prediction, accuracy and confusion matrices.

A model's raw output becomes a class in one of two ways: the arg-max of several scores, or, for a
single output, a threshold (0 for logits and ±1 margins, 0.5 for probabilities and regression onto
{0, 1}). An `Objective` keeps the loss and that rule together so training and evaluation agree.
A reconstruction objective (an autoencoder's) has no rule and no classes: its target is the input
itself, and its loss compares the output with that input pixel by pixel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn import functional as F
from gradlab.nn.modules import Module

Labels = NDArray[np.int64]


def _scores(output: Tensor) -> Tensor:
    """One score per example: (N, 1) and (N,) both become (N,)."""
    return output.reshape(-1) if output.ndim == 1 or output.shape[-1] == 1 else output


def _decide(threshold: float) -> Callable[[NDArray[Any]], Labels]:
    def predict(output: NDArray[Any]) -> Labels:
        if output.ndim == 2 and output.shape[1] > 1:
            labels = np.argmax(output, axis=1)
        else:
            labels = output.reshape(-1) > threshold
        return np.asarray(labels, dtype=np.int64)

    return predict


def _cross_entropy(output: Tensor, y: Labels) -> Tensor:
    # F.cross_entropy takes class indices; its annotation only names float arrays
    indices: Any = y
    return F.cross_entropy(output, indices)


def _bce_with_logits(output: Tensor, y: Labels) -> Tensor:
    return F.binary_cross_entropy_with_logits(_scores(output), y.astype(output.dtype))


def _bce(output: Tensor, y: Labels) -> Tensor:
    return F.binary_cross_entropy(_scores(output), y.astype(output.dtype))


def _mse(output: Tensor, y: Labels) -> Tensor:
    scores = _scores(output)
    # several outputs regress onto the one-hot code of the class, one output onto the label
    target = np.eye(scores.shape[1], dtype=output.dtype)[y] if scores.ndim == 2 else y
    return F.mse_loss(scores, target.astype(output.dtype))


def _hinge(output: Tensor, y: Labels) -> Tensor:
    # labels {0, 1} become the margins' signs {−1, 1}
    return F.hinge_loss(_scores(output), (2 * y - 1).astype(output.dtype))


def _reconstruction(
    compare: Callable[[Tensor, NDArray[Any]], Tensor],
) -> Callable[[Tensor, NDArray[Any]], Tensor]:
    def loss(output: Tensor, target: NDArray[Any]) -> Tensor:
        # images (N, 1, 28, 28) against a flat output (N, 784): the same pixels in the same order
        return compare(output, np.asarray(target, output.dtype).reshape(output.shape))

    return loss


@dataclass(frozen=True)
class Objective:
    """A loss on (model output, target) and the rule turning outputs into labels. The target is
    the integer labels, or for a reconstruction objective (`predict` None) the clean inputs."""

    name: str
    loss: Callable[[Tensor, NDArray[Any]], Tensor]
    predict: Callable[[NDArray[Any]], Labels] | None

    @property
    def reconstructs(self) -> bool:
        """True when the target is the input itself: no labels, no classes, no accuracy."""
        return self.predict is None


OBJECTIVES: dict[str, Objective] = {
    "cross_entropy": Objective("cross_entropy", _cross_entropy, _decide(0.0)),
    "bce_with_logits": Objective("bce_with_logits", _bce_with_logits, _decide(0.0)),
    "bce": Objective("bce", _bce, _decide(0.5)),
    "mse": Objective("mse", _mse, _decide(0.5)),
    "hinge": Objective("hinge", _hinge, _decide(0.0)),
    # the output is a probability per pixel (the autoencoder ends in a sigmoid)
    "reconstruction_mse": Objective("reconstruction_mse", _reconstruction(F.mse_loss), None),
    "reconstruction_bce": Objective(
        "reconstruction_bce", _reconstruction(F.binary_cross_entropy), None
    ),
}


def objective(which: str | Objective) -> Objective:
    """An objective by name (see OBJECTIVES), or `which` itself."""
    if isinstance(which, Objective):
        return which
    if which not in OBJECTIVES:
        raise ValueError(f"unknown loss {which!r}; choose one of {', '.join(OBJECTIVES)}")
    return OBJECTIVES[which]


def predict(
    model: Module,
    x: NDArray[Any],
    *,
    batch_size: int = 500,
    rule: str | Objective = "cross_entropy",
) -> Labels:
    """The predicted label of every row of `x`, in eval mode (the mode is restored after)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    decide = objective(rule).predict
    if decide is None:
        raise ValueError(f"{objective(rule).name} reconstructs its input: it predicts no labels")
    params = model.parameters()
    dtype = params[0].data.dtype if params else np.dtype(np.float32)
    was_training = model.training
    model.eval()
    try:
        chunks = [
            decide(model(Tensor(x[i : i + batch_size], dtype=dtype)).data)
            for i in range(0, len(x), batch_size)
        ]
    finally:
        model.train(was_training)
    return np.concatenate(chunks) if chunks else np.zeros(0, np.int64)


def evaluate(
    model: Module,
    x: NDArray[Any],
    y: NDArray[np.integer],
    batch_size: int = 500,
    *,
    rule: str | Objective = "cross_entropy",
) -> float:
    """The fraction of rows of `x` whose predicted label equals `y`."""
    if len(x) != len(y):
        raise ValueError(f"{len(x)} inputs but {len(y)} labels")
    if len(x) == 0:
        raise ValueError("cannot evaluate on an empty set")
    return float(np.mean(predict(model, x, batch_size=batch_size, rule=rule) == y))


def confusion_matrix(
    y_true: NDArray[np.integer], y_pred: NDArray[np.integer], num_classes: int
) -> NDArray[np.int64]:
    """counts[i, j] = how many examples of class i were predicted as class j."""
    if y_true.shape != y_pred.shape:
        raise ValueError(f"labels of shape {y_true.shape} but predictions of shape {y_pred.shape}")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and not 0 <= labels.min() <= labels.max() < num_classes:
            raise ValueError(f"{name} holds labels outside 0..{num_classes - 1}")
    counts = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
