"""The snapshot rule: every epoch while a run is short, bounded memory for long runs, and the
epoch with the lowest test loss always kept, so rewinding reaches it."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.lessons import lessons_folder, load_lesson
from gradlab.state.train.config import TrainSettings, settings_from_scene
from gradlab.state.train.run import TrainingRun
from gradlab.state.train.snapshots import (
    MAX_CAPACITY,
    MIN_CAPACITY,
    SNAPSHOT_BYTES,
    Evaluation,
    Snapshot,
    Snapshots,
)


def snapshot(epoch: int, loss: float) -> Snapshot:
    return Snapshot(epoch * 10, epoch, MappingProxyType({}), Evaluation(loss, None, None))


def offer(snapshots: Snapshots, losses: list[float]) -> None:
    """What a run does: step 0, then each epoch's end if it is due."""
    snapshots.add(snapshot(0, losses[0]))
    for epoch, loss in enumerate(losses[1:], start=1):
        if snapshots.due(epoch, loss):
            snapshots.add(snapshot(epoch, loss))


@given(
    st.lists(st.floats(0.0, 10.0), min_size=1, max_size=300),
    st.integers(3, 40),
)
@settings(max_examples=200, deadline=None)
def test_bounded_first_and_newest_kept_and_the_lowest_test_loss_never_lost(
    losses: list[float], capacity: int
) -> None:
    snapshots = Snapshots(capacity)
    offer(snapshots, losses)
    epochs = [s.epoch for s in snapshots.items]
    assert len(epochs) <= capacity
    assert epochs[0] == 0
    assert epochs == sorted(set(epochs))
    best = int(np.argmin(losses))  # the earliest of equal lowest losses
    assert best in epochs, f"epoch {best} (test loss {losses[best]}) cannot be rewound to"
    if len(losses) <= capacity:  # a short run: every epoch
        assert epochs == list(range(len(losses)))
    assert snapshots.at_end


def test_the_capacity_follows_the_models_size() -> None:
    small = TrainingRun(TrainSettings(points=120, hidden=(6,), batch_size=20))
    assert small.snapshots.capacity == MAX_CAPACITY  # a lesson's longest run, every epoch
    digits = TrainSettings(
        dataset="mnist", architecture="autoencoder", hidden=(256,), loss="mse", batch_size=64
    )
    big = TrainingRun(digits)
    size = big.snapshots.items[0].nbytes
    assert size == 4 * 419_120  # float32 weights; an autoencoder keeps no predictions
    assert big.snapshots.capacity == max(MIN_CAPACITY, SNAPSHOT_BYTES // size) == MIN_CAPACITY
    medium = TrainingRun(replace(digits, hidden=(8,)))
    fits = SNAPSHOT_BYTES // medium.snapshots.items[0].nbytes
    assert MIN_CAPACITY < medium.snapshots.capacity == min(fits, MAX_CAPACITY)
    medium.reset()
    assert medium.snapshots.capacity == min(fits, MAX_CAPACITY)


@pytest.mark.slow
def test_lesson_15_rewinds_to_the_epoch_with_the_lowest_test_loss() -> None:
    """Lesson 15's dropout step says "Rewind to the epoch where the test loss was lowest": after
    its 200 epochs every epoch is kept, and seeking that epoch shows its model and test loss."""
    lesson = load_lesson(lessons_folder() / "15-training-tricks.toml")
    (step,) = (s for s in lesson.steps if s.train is not None and "Rewind" in s.text)
    assert step.train is not None
    run = TrainingRun(settings_from_scene(step.train), stats=False)
    while not run.finished:
        run.step()
    assert run.epochs_done == 200
    epochs = [s.epoch for s in run.snapshots.items]
    assert epochs == list(range(201))
    lowest = int(run.test_loss.x[int(np.argmin(run.test_loss.y))])
    assert 0 < lowest < 200  # the curve turns upward: the lowest is not the last
    run.snapshots.seek(epochs.index(lowest))
    frame = run.frame()
    assert (frame.live, frame.epoch) == (False, lowest)
    assert frame.evaluation is not None
    assert frame.evaluation.loss == pytest.approx(float(np.min(run.test_loss.y)))
