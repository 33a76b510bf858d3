"""Shared timing helper: warm up, then the median of repeated runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(run: Callable[[], object], *, repeats: int = 20, warmup: int = 3) -> float:
    """Seconds per call of `run`: the median of `repeats` timed calls after `warmup` untimed."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def describe(name: str, ours: float, reference: float | None, reference_name: str) -> str:
    """One aligned line: our time, the reference's, and the ratio (below 1 means we are faster)."""
    line = f"{name:<44} gradlab {ours * 1e3:9.3f} ms"
    if reference is None:
        return line
    return line + f"   {reference_name} {reference * 1e3:9.3f} ms   ratio {ours / reference:5.2f}x"
