"""Shared timing helpers: warm up, then the median of repeated runs (alone or interleaved)."""

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


def timed_calls(run: Callable[[], object]) -> Callable[[int], list[float]]:
    """`run` as a timed batch: calls → the seconds of each call."""

    def timed(calls: int) -> list[float]:
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return times

    return timed


def interleaved_medians(
    *sides: Callable[[int], list[float]],
    rounds: int = 10,
    per_round: int = 5,
    warmup: int = 3,
) -> list[float]:
    """Seconds per call of each timed batch (`timed_calls`), the median of rounds·per_round calls.

    The sides take turns, `per_round` calls each (the order rotates every round), so all see the
    same machine: on a shared VM the speed of one process drifts by 40 % over seconds, and timing
    one side after the other measures that drift as much as the code.
    """
    for timed in sides:
        timed(warmup)
    times: list[list[float]] = [[] for _ in sides]
    for round_ in range(rounds):
        for k in range(len(sides)):
            turn = (round_ + k) % len(sides)
            times[turn].extend(sides[turn](per_round))
    return [statistics.median(side_times) for side_times in times]


def describe(name: str, ours: float, reference: float | None, reference_name: str) -> str:
    """One aligned line: our time, the reference's, and the ratio (below 1 means we are faster)."""
    line = f"{name:<44} gradlab {ours * 1e3:9.3f} ms"
    if reference is None:
        return line
    return line + f"   {reference_name} {reference * 1e3:9.3f} ms   ratio {ours / reference:5.2f}x"
