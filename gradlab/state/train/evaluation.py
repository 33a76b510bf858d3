"""Test-set evaluation of a training run, in chunks: the GUI spreads them over several event-loop
passes, the training worker runs them all at once."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn.evaluate import Labels, Objective
from gradlab.nn.modules import Module
from gradlab.state.train.snapshots import Evaluation

EVAL_CHUNK = 250


def quiet() -> np.errstate:
    """NumPy's overflow warnings are noise here: fit() reports where values stop being finite."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def evaluation_chunks(
    model: Module, goal: Objective, x: NDArray[Any], y: NDArray[Any]
) -> Generator[None, None, Evaluation]:
    """Test loss, accuracy and predictions, yielding after each chunk of `EVAL_CHUNK` inputs;
    the evaluation is the generator's return value. The model is in eval mode only meanwhile.
    `y` is the labels, or for a reconstruction objective the clean inputs (no accuracy then)."""
    losses, predictions = [], []
    dtype = model.parameters()[0].data.dtype
    for start in range(0, len(x), EVAL_CHUNK):
        model.eval()
        try:
            with quiet():
                out = model(Tensor(x[start : start + EVAL_CHUNK], dtype=dtype))
                chunk_y = y[start : start + EVAL_CHUNK]
                losses.append(float(goal.loss(out, chunk_y).item()) * len(chunk_y))
                if goal.predict is not None:
                    predictions.append(goal.predict(out.data))
        finally:
            model.train()
        yield
    if not predictions:
        return Evaluation(sum(losses) / len(x), None, None)
    preds: Labels = np.concatenate(predictions)
    return Evaluation(sum(losses) / len(x), float(np.mean(preds == y)), preds)


def evaluate_at_once(
    model: Module, goal: Objective, x: NDArray[Any], y: NDArray[Any]
) -> Evaluation:
    """`evaluation_chunks` without the pauses."""
    chunks = evaluation_chunks(model, goal, x, y)
    while True:
        try:
            next(chunks)
        except StopIteration as done:
            evaluation: Evaluation = done.value
            return evaluation
