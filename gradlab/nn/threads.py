"""A second core for independent work inside one op, as PyTorch's intra-op threads give it.

NumPy releases the GIL inside matmul and large ufunc loops, so a whole independent piece of an
op's work (conv2d's weight grad, while the caller computes its input grad) can run on a helper
thread. Only whole pieces go there: splitting an op into many small chunks costs more in thread
wake-ups and GIL hand-offs than it saves (measured on this project's 2-core machines).

`set_num_threads(1)` runs everything on the calling thread; the default is 2 where the process
may use two or more CPUs, or GRADLAB_NUM_THREADS when set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_helper: ThreadPoolExecutor | None = None


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _default_threads() -> int:
    setting = os.environ.get("GRADLAB_NUM_THREADS", "").strip()
    count = int(setting) if setting.isdigit() and int(setting) >= 1 else _usable_cpus()
    return min(count, 2)


_threads = _default_threads()


def get_num_threads() -> int:
    """Threads an op may use: 1 (the caller's) or 2 (the caller's and one helper)."""
    return _threads


def set_num_threads(count: int) -> None:
    """Let ops use `count` threads (PyTorch's name); counts above 2 act as 2."""
    global _threads  # noqa: PLW0603 - a process-wide setting, like torch.set_num_threads
    if count < 1:
        raise ValueError(f"set_num_threads: count must be at least 1, got {count}")
    _threads = min(count, 2)


def _forget_helper() -> None:
    """In a forked child: the helper thread was not copied, so the next `start` makes a new one
    (submitting to the parent's executor would wait forever)."""
    global _helper  # noqa: PLW0603 - the process-wide helper, reset in the child
    _helper = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helper)


def start(task: Callable[[], T]) -> Callable[[], T]:
    """Begin `task` on the helper thread (or run it now with one thread); call the result to
    wait for its value. Exceptions surface at that call."""
    global _helper  # noqa: PLW0603 - created on first use, so one-thread runs never start it
    if _threads < 2:
        value = task()
        return lambda: value
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradlab-helper")
    future: Future[T] = _helper.submit(task)
    return future.result
