"""gradlab.nn.threads: a helper thread with two threads, the caller's thread with one."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import threading
from collections.abc import Iterator

import pytest

from gradlab.nn import threads


@pytest.fixture(autouse=True)
def _restore_thread_count() -> Iterator[None]:
    before = threads.get_num_threads()
    yield
    threads.set_num_threads(before)


def test_two_threads_run_the_task_on_the_helper() -> None:
    threads.set_num_threads(2)
    wait = threads.start(threading.current_thread)
    assert wait() is not threading.current_thread()


def test_one_thread_runs_the_task_at_once_on_the_caller() -> None:
    threads.set_num_threads(1)
    ran: list[threading.Thread] = []
    wait = threads.start(lambda: ran.append(threading.current_thread()) or len(ran))
    assert ran == [threading.current_thread()]
    assert wait() == 1


def test_the_task_and_the_caller_overlap() -> None:
    # the helper waits for an event only the caller sets after start() returned: with one
    # thread this would deadlock, so it is only run with two
    threads.set_num_threads(2)
    go = threading.Event()
    wait = threads.start(lambda: go.wait(timeout=5))
    go.set()
    assert wait() is True


def test_an_exception_in_the_task_surfaces_when_waiting() -> None:
    threads.set_num_threads(2)

    def fail() -> None:
        raise ArithmeticError("boom")

    wait = threads.start(fail)
    with pytest.raises(ArithmeticError, match="boom"):
        wait()


def _answer_from_the_helper(results: multiprocessing.queues.Queue[int]) -> None:
    results.put(threads.start(lambda: 42)())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_gets_a_helper_of_its_own() -> None:
    threads.set_num_threads(2)
    threads.start(lambda: None)()  # the parent's helper exists before the fork
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_answer_from_the_helper, args=(results,), daemon=True)
    child.start()
    assert results.get(timeout=20) == 42
    child.join(timeout=20)
    assert child.exitcode == 0


def test_counts_above_two_act_as_two_and_zero_is_refused() -> None:
    threads.set_num_threads(8)
    assert threads.get_num_threads() == 2
    with pytest.raises(ValueError, match="at least 1, got 0"):
        threads.set_num_threads(0)
