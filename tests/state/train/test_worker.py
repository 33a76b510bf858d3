"""A TrainingRun in a worker process: the same run as in-process, step for step, and it stops,
holds, fails and cleans up as a user would expect."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

import numpy as np
import pytest

from gradlab.state.train.config import TrainSettings
from gradlab.state.train.run import TrainingRun
from gradlab.state.train.worker import InWorker

SMALL = TrainSettings(points=120, hidden=(6,), batch_size=20)


def in_worker(settings: TrainSettings) -> TrainingRun:
    run = TrainingRun(settings)
    run.use_worker(True)
    assert run.in_worker
    return run


def worker_process(run: TrainingRun) -> BaseProcess:
    """The started worker process of `run`, for tests that kill it or watch it end."""
    engine = run._engine
    assert isinstance(engine, InWorker)
    assert engine._worker is not None
    return engine._worker._process


def play_until(run: TrainingRun, done: bool | None = None, steps: int = 0) -> None:
    """Play and collect until `steps` steps are in, or the run ends (bounded in time)."""
    run.play()
    deadline = time.monotonic() + 60.0
    while not run.finished and run.steps_done < (steps or 10**9):
        if time.monotonic() > deadline:
            pytest.fail(f"the worker took only {run.steps_done} steps in 60 s")
        run.advance(0.01)
        time.sleep(0.002)


def test_a_worker_run_is_the_in_process_run_step_for_step() -> None:
    local, remote = TrainingRun(SMALL), in_worker(SMALL)
    try:
        for run in (local, remote):
            run.watch("0.weight", 3)
        steps = local.batches_per_epoch * 3 + 2  # past three epoch ends
        for _ in range(steps):
            local.step()
            remote.step()
        assert remote.steps_done == steps
        assert remote.loss.y.tolist() == local.loss.y.tolist()
        assert remote.accuracy.y.tolist() == local.accuracy.y.tolist()
        assert remote.test_accuracy.y.tolist() == local.test_accuracy.y.tolist()
        assert remote.test_loss.y.tolist() == local.test_loss.y.tolist()
        theirs, ours = remote.model.state_dict(), local.model.state_dict()
        assert all(np.array_equal(theirs[k], ours[k]) for k in ours)
        assert [s.step for s in remote.snapshots.items] == [s.step for s in local.snapshots.items]
        for a, b in zip(remote.snapshots.items, local.snapshots.items, strict=True):
            assert np.array_equal(a.evaluation.predictions, b.evaluation.predictions)
            assert all(np.array_equal(a.state[k], b.state[k]) for k in b.state)
        assert remote.watched is not None
        assert local.watched is not None
        assert remote.watched.value.y.tolist() == local.watched.value.y.tolist()
        assert remote.watched.grad.y.tolist() == local.watched.grad.y.tolist()
        assert (
            sorted(remote.watched.state) == sorted(local.watched.state) == ["exp_avg", "exp_avg_sq"]
        )
        assert remote.layers.names == local.layers.names
        assert len(remote.layers.activations["0"]) == len(local.layers.activations["0"])
    finally:
        remote.close()


def test_play_collects_steps_and_hold_stops_them() -> None:
    run = in_worker(SMALL)
    try:
        play_until(run, steps=50)
        run.hold()
        held = run.steps_done
        assert held >= 50
        assert len(run.loss) == held
        time.sleep(0.2)
        assert run.advance(0.05) == 0
        assert run.steps_done == held
        assert run.step() == 1
        assert run.steps_done == held + 1
    finally:
        run.close()


def test_a_step_limit_and_a_nan_end_the_worker_run_with_the_usual_messages() -> None:
    limited = in_worker(TrainSettings(points=120, batch_size=20, steps=7))
    exploding = in_worker(
        TrainSettings(points=120, activation="relu", optimizer="sgd", lr=1e6, batch_size=20)
    )
    try:
        play_until(limited)
        assert limited.steps_done == 7
        assert limited.message == "Finished after 7 steps (2 epochs)."
        play_until(exploding)
        assert "NaN or infinite" in exploding.message
        pid = exploding.worker_pid
        assert exploding.step() == 0  # a finished run stays finished: no new worker either
        assert exploding.worker_pid == pid
        assert all(np.isfinite(p.data).all() for p in exploding.model.parameters())
        assert np.isfinite(exploding.loss.y).all()
    finally:
        limited.close()
        exploding.close()


def test_a_dead_worker_ends_the_run_with_a_message_and_reset_starts_a_new_one() -> None:
    run = in_worker(SMALL)
    run.step()
    process = worker_process(run)
    process.kill()
    process.join(5.0)
    play_until(run)
    assert run.finished
    assert "training process" in run.message
    run.reset()
    assert not run.finished
    assert run.step() == 1


def test_close_and_switching_back_stop_the_process() -> None:
    run = in_worker(SMALL)
    run.step()
    process = worker_process(run)
    run.use_worker(False)
    assert not process.is_alive()
    assert run.steps_done == 0  # switching starts over
    assert run.step() == 1


def test_the_worker_starts_with_the_first_step_not_before() -> None:
    before = len(multiprocessing.active_children())
    run = in_worker(SMALL)
    run.watch("0.bias", 2)
    assert run.advance(0.01) == 0
    assert run.hold() == 0
    assert len(multiprocessing.active_children()) == before  # browsing lessons costs no process
    assert run.worker_pid is None
    try:
        assert run.step() == 1
        assert len(multiprocessing.active_children()) == before + 1
        assert run.worker_pid in {p.pid for p in multiprocessing.active_children()}
        assert run.watched is not None
        assert len(run.watched.value) == 1  # the watch made before the start reached the worker
    finally:
        run.close()


def test_closing_a_playing_run_ends_its_worker_at_once() -> None:
    run = in_worker(TrainSettings(dataset="mnist", architecture="mnist-cnn", batch_size=64))
    run.play()
    deadline = time.monotonic() + 60.0
    while run.advance(0.01) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # the worker runs ahead until the pipe is full, then blocks sending
    pid = run.worker_pid
    started = time.monotonic()
    run.close()
    assert time.monotonic() - started < 1.5
    assert pid not in {p.pid for p in multiprocessing.active_children()}
    assert run.message == "Training was stopped."


def test_the_worker_chooses_its_own_settings_and_leaves_ours_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    before = dict(os.environ)
    run = in_worker(SMALL)
    try:
        assert run.step() == 1
        assert dict(os.environ) == before
        tasks = Path(f"/proc/{run.worker_pid}/task")
        if tasks.is_dir():  # Linux: OpenBLAS's own threads would be listed beside the main one
            assert len(list(tasks.iterdir())) == 1
    finally:
        run.close()


def test_the_worker_entry_point_loads_no_numpy() -> None:
    # a spawned worker imports it first: with NumPy loaded, its BLAS setting would come too late
    code = "import sys, gradlab.state.train.worker_main; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
