"""gradlab.engine.threads: big batches in two halves, one on a helper thread; small ones whole."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from gradlab.engine import Tensor, threads


@pytest.fixture(autouse=True)
def _restore_thread_count() -> Iterator[None]:
    before = threads.get_num_threads()
    yield
    threads.set_num_threads(before)


def test_big_batches_split_in_two_halves_and_small_ones_stay_whole() -> None:
    threads.set_num_threads(2)
    assert threads.batch_parts(64, threads.MIN_SPLIT_WORK) == [slice(0, 32), slice(32, 64)]
    assert threads.batch_parts(5, 10**9) == [slice(0, 2), slice(2, 5)]
    assert threads.batch_parts(64, threads.MIN_SPLIT_WORK - 1) == [slice(0, 64)]
    assert threads.batch_parts(1, 10**9) == [slice(0, 1)]
    threads.set_num_threads(1)
    assert threads.batch_parts(64, 10**9) == [slice(0, 64)]


def test_the_last_part_runs_on_the_helper_in_order() -> None:
    threads.set_num_threads(2)
    parts = [slice(0, 2), slice(2, 4)]
    ran = threads.run(lambda part: (part, threading.current_thread()), parts)
    assert [part for part, _ in ran] == parts
    assert ran[0][1] is threading.current_thread()
    assert ran[1][1] is not threading.current_thread()


def test_the_two_halves_overlap() -> None:
    # each half waits for the other to have started: run one after the other, both time out
    threads.set_num_threads(2)
    started = [threading.Event(), threading.Event()]

    def task(part: slice) -> bool:
        started[part.start].set()
        return started[1 - part.start].wait(timeout=5)

    assert threads.run(task, [slice(0, 1), slice(1, 2)]) == [True, True]


def test_an_exception_on_the_helper_surfaces_after_both_halves_ended() -> None:
    threads.set_num_threads(2)
    finished: list[int] = []

    def task(part: slice) -> None:
        if part.start == 1:
            raise ArithmeticError("boom")
        finished.append(part.start)

    with pytest.raises(ArithmeticError, match="boom"):
        threads.run(task, [slice(0, 1), slice(1, 2)])
    assert finished == [0]


def _answer_from_the_helper(results: multiprocessing.queues.Queue[list[int]]) -> None:
    results.put(threads.run(lambda part: part.start, [slice(0, 1), slice(1, 2)]))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_gets_a_helper_of_its_own() -> None:
    threads.set_num_threads(2)
    threads.run(lambda part: None, [slice(0, 1), slice(1, 2)])  # the parent's helper exists
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_answer_from_the_helper, args=(results,), daemon=True)
    child.start()
    assert results.get(timeout=20) == [0, 1]
    child.join(timeout=20)
    assert child.exitcode == 0


def test_counts_above_two_act_as_two_and_zero_is_refused() -> None:
    threads.set_num_threads(8)
    assert threads.get_num_threads() == 2
    with pytest.raises(ValueError, match="at least 1, got 0"):
        threads.set_num_threads(0)


@pytest.mark.parametrize(("cpus", "expected"), [(1, 1), (2, 1), (3, 2), (16, 2)])
def test_work_beside_a_window_leaves_the_interface_a_core(
    monkeypatch: pytest.MonkeyPatch, cpus: int, expected: int
) -> None:
    monkeypatch.setattr(threads, "_usable_cpus", lambda: cpus)
    assert threads.threads_beside_an_interface() == expected


@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4, 5)])
def test_relu_split_over_two_threads_matches_one_thread(
    monkeypatch: pytest.MonkeyPatch, shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(4)
    data = rng.normal(size=shape)
    data = data.T if data.ndim > 1 else data  # a non-contiguous input too
    g = rng.normal(size=data.shape)

    def relu_and_grad(count: int) -> tuple[np.ndarray, np.ndarray]:
        threads.set_num_threads(count)
        x = Tensor(data, requires_grad=True)
        out = x.relu()
        out.backward(g)
        assert x.grad is not None
        return out.data, x.grad

    monkeypatch.setattr(threads, "MIN_SPLIT_WORK", 0)
    for one, two in zip(relu_and_grad(1), relu_and_grad(2), strict=True):
        np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(relu_and_grad(2)[1], np.where(data > 0, g, 0.0))
