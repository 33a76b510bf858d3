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
    ours: Callable[[int], list[float]],
    theirs: Callable[[int], list[float]],
    *,
    rounds: int = 10,
    per_round: int = 5,
    warmup: int = 3,
) -> tuple[float, float]:
    """Seconds per call of two timed batches (`timed_calls`), each the median of
    rounds·per_round calls.

    The two take turns, `per_round` calls each (who goes first alternates), so both see the same
    machine: on a shared VM the speed of one process drifts by 40 % over seconds, and timing one
    side after the other measures that drift as much as the code.
    """
    ours(warmup)
    theirs(warmup)
    times: tuple[list[float], list[float]] = ([], [])
    for round_ in range(rounds):
        order = ((ours, times[0]), (theirs, times[1]))
        for timed, into in order if round_ % 2 == 0 else order[::-1]:
            into.extend(timed(per_round))
    return statistics.median(times[0]), statistics.median(times[1])


def describe(name: str, ours: float, reference: float | None, reference_name: str) -> str:
    """One aligned line: our time, the reference's, and the ratio (below 1 means we are faster)."""
    line = f"{name:<44} gradlab {ours * 1e3:9.3f} ms"
    if reference is None:
        return line
    return line + f"   {reference_name} {reference * 1e3:9.3f} ms   ratio {ours / reference:5.2f}x"
