"""A second core for independent work inside one op, as PyTorch's intra-op threads give it.

NumPy releases the GIL inside matmul, copies and large ufunc loops, so the kernels of relu, conv2d
and max_pool2d (`gradlab.engine.kernels`, `gradlab.nn.kernels`) give half of a big batch to a
helper thread, forward and backward, while the calling thread does the other half. Only big ops
split (`MIN_SPLIT_WORK`), and in two halves only (`MAX_THREADS`).

`set_num_threads(1)` runs everything on the calling thread; the default is `MAX_THREADS` where the
process may use that many CPUs, or GRADLAB_NUM_THREADS when set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

MAX_THREADS = 2
"""Threads an op may use: the caller's and one helper. `batch_parts` cuts a batch in two halves
and no more: on the 2-core machines this was measured on, more and smaller parts cost more in
thread wake-ups and GIL hand-offs than they saved, so a third thread would have nothing to do."""

MIN_SPLIT_WORK = 100_000
"""Array elements below which an op stays on one thread: handing half to the helper costs
about 30-50 µs (a thread wake-up and GIL hand-offs on a VM), the time NumPy takes for ~100k."""

_helper: ThreadPoolExecutor | None = None


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _default_threads() -> int:
    setting = os.environ.get("GRADLAB_NUM_THREADS", "").strip()
    count = int(setting) if setting.isdigit() and int(setting) >= 1 else _usable_cpus()
    return min(count, MAX_THREADS)


_threads = _default_threads()


def threads_beside_an_interface() -> int:
    """The count for work that shares the machine with a window: one core stays the
    interface's. On 2 cores the helper would only take turns with the drawing (measured: the
    MNIST lab trained 57-69 steps/s in the window on one thread, 60-69 on two)."""
    return min(MAX_THREADS, max(1, _usable_cpus() - 1))


def get_num_threads() -> int:
    """Threads an op may use: 1 (the caller's) or 2 (the caller's and one helper)."""
    return _threads


def set_num_threads(count: int) -> None:
    """Let ops use `count` threads (PyTorch's name); counts above `MAX_THREADS` act as it."""
    global _threads  # noqa: PLW0603 - a process-wide setting, like torch.set_num_threads
    if count < 1:
        raise ValueError(f"set_num_threads: count must be at least 1, got {count}")
    _threads = min(count, MAX_THREADS)


def _forget_helper() -> None:
    """In a forked child: the helper thread was not copied, so the next `run` makes a new one
    (submitting to the parent's executor would wait forever)."""
    global _helper  # noqa: PLW0603 - the process-wide helper, reset in the child
    _helper = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helper)


def batch_parts(batch: int, work: int) -> list[slice]:
    """The batch in one part per thread, or whole when `work` (array elements an op touches)
    is too little to pay for a hand-over (`MIN_SPLIT_WORK`)."""
    if _threads < 2 or batch < 2 or work < MIN_SPLIT_WORK:
        return [slice(0, batch)]
    return [slice(0, batch // 2), slice(batch // 2, batch)]


def run(task: Callable[[slice], T], parts: list[slice]) -> list[T]:
    """`task` on every part: the last on the helper thread, the others on this one."""
    global _helper  # noqa: PLW0603 - created on first use, so one-thread runs never start it
    if len(parts) == 1:
        return [task(parts[0])]
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradlab-helper")
    future = _helper.submit(task, parts[-1])
    try:
        here = [task(part) for part in parts[:-1]]
    finally:
        # never leave the helper working on arrays the caller is about to drop
        done = future.result()
    return [*here, done]
