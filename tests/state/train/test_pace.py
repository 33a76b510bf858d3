"""Pace and speed: a run trains at the chosen steps a second, in-process and in a worker; a
finished run continues to more epochs exactly as a longer run would have trained."""

from __future__ import annotations

import time

import numpy as np
import pytest

from gradlab.state.train.config import TrainSettings
from gradlab.state.train.pace import BURST, Pace, watching_speed
from gradlab.state.train.run import TrainingRun

SMALL = TrainSettings(points=120, hidden=(6,), batch_size=20)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pace_grants_rate_steps_a_second_without_drift_or_bursts() -> None:
    clock = Clock()
    pace = Pace(10.0, clock)
    assert pace.allowed() == 1  # the first step at once
    pace.took(1)
    assert pace.allowed() == 0
    assert pace.wait() == pytest.approx(0.1)
    clock.now += 0.25
    assert pace.allowed() == 2  # steps due at 0.1 and 0.2
    pace.took(2)
    clock.now += 60.0  # a long stall owes many steps: only a few come at once
    assert pace.allowed() == BURST
    assert Pace(None, clock).allowed() is None
    assert Pace(None, clock).wait() == 0.0
    with pytest.raises(ValueError, match="positive"):
        Pace(0.0)


def test_a_2d_lab_starts_slow_enough_to_watch_and_digits_at_full_speed() -> None:
    slow = watching_speed(False)
    assert slow is not None
    assert slow <= 60.0
    assert watching_speed(True) is None


def train(run: TrainingRun, seconds: float) -> None:
    run.play()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not run.finished:
        run.advance(0.005)
        time.sleep(0.005)
    run.hold()


@pytest.mark.parametrize("worker", [False, True])
def test_a_slow_speed_takes_about_rate_steps_a_second(worker: bool) -> None:
    run = TrainingRun(SMALL)
    run.use_worker(worker)
    try:
        if worker:
            run.step()  # the worker process starts (about half a second) before the clock runs
        start = run.steps_done
        run.set_speed(20.0)
        train(run, 0.5)
        taken = run.steps_done - start
        assert 5 <= taken <= 16  # 20 a second for half a second, give or take a tick
        run.set_speed(None)
        before = run.steps_done
        train(run, 0.5)
        assert run.steps_done - before > 3 * taken  # full speed is far faster
    finally:
        run.close()


@pytest.mark.parametrize("worker", [False, True])
def test_continue_after_the_last_epoch_is_the_longer_run(worker: bool) -> None:
    short = TrainingRun(TrainSettings(points=120, hidden=(6,), batch_size=20, epochs=2))
    long = TrainingRun(TrainSettings(points=120, hidden=(6,), batch_size=20, epochs=5))
    short.use_worker(worker)
    try:
        train(short, 30.0)
        assert short.finished
        assert short.ended_at_limit
        assert short.epochs_done == 2
        assert short.message.startswith("Finished")
        short.set_epochs(5)
        assert not short.finished
        assert short.message == ""
        train(short, 30.0)
        train(long, 30.0)
        assert short.finished
        assert short.epochs_done == long.epochs_done == 5
        assert short.loss.y.tolist() == long.loss.y.tolist()
        assert short.test_accuracy.y.tolist() == long.test_accuracy.y.tolist()
        ours, theirs = short.model.state_dict(), long.model.state_dict()
        assert all(np.array_equal(ours[k], theirs[k]) for k in theirs)
    finally:
        short.close()


def test_a_failed_run_does_not_continue() -> None:
    run = TrainingRun(
        TrainSettings(points=120, activation="relu", optimizer="sgd", lr=1e6, batch_size=20)
    )
    train(run, 30.0)
    assert run.finished
    assert not run.ended_at_limit
    run.set_epochs(50)
    assert run.finished
    with pytest.raises(ValueError, match="at least 1"):
        run.set_epochs(0)
