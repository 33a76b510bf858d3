"""micrograd's demo workload, timed for gradlab's `Value` and (when installed) for micrograd.

The workload: MLP(2, [16, 16, 1]) on 100 two-moons points, one full-batch step with the hinge
loss and L2 regularisation (forward, backward, SGD update), exactly as micrograd's demo notebook.
gradlab records everything its trace needs while doing it (local derivatives at forward time and
one BackwardStep per node). Run: ``python -m benchmarks.scalar``.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from gradlab.engine import Value

POINTS = 100
SIZES = (2, 16, 16, 1)
REPEATS = 7


def moons(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles, labels in {-1, 1} (as micrograd's demo uses)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.pi * rng.random(n)
    outer = np.c_[np.cos(t[:half]), np.sin(t[:half])]
    inner = np.c_[1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])]
    x = np.vstack([outer, inner]) + noise * rng.standard_normal((n, 2))
    y = np.r_[-np.ones(half), np.ones(n - half)]
    return x.tolist(), y.tolist()


class ScalarMLP:
    """micrograd's MLP, written for any scalar class with micrograd's surface."""

    def __init__(self, value: Callable[[float], Any], sizes: Sequence[int], seed: int) -> None:
        rng = random.Random(seed)
        self.layers = [
            [([value(rng.uniform(-1, 1)) for _ in range(n_in)], value(0.0)) for _ in range(n_out)]
            for n_in, n_out in pairwise(sizes)
        ]

    def __call__(self, x: list[Any]) -> Any:
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            x = [self._neuron(w, b, x, nonlinear=not last) for w, b in layer]
        return x[0]

    @staticmethod
    def _neuron(w: list[Any], b: Any, x: list[Any], *, nonlinear: bool) -> Any:
        act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
        return act.relu() if nonlinear else act

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


def train_step(
    model: ScalarMLP, value: Callable[[float], Any], x: list[list[float]], y: list[float]
) -> float:
    """One step of micrograd's demo: hinge loss + 1e-4 L2, backward, SGD."""
    scores = [model([value(v) for v in row]) for row in x]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    for p in model.parameters():
        p.grad = 0.0
    total.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    return float(total.data)


def time_step(value: Callable[[float], Any]) -> tuple[float, float]:
    """Median seconds per step over REPEATS fresh steps, and the first step's loss."""
    x, y = moons(POINTS, 0.1, seed=1)
    times, losses = [], []
    for _ in range(REPEATS):
        model = ScalarMLP(value, SIZES, seed=1337)
        start = time.perf_counter()
        losses.append(train_step(model, value, x, y))
        times.append(time.perf_counter() - start)
    return statistics.median(times), losses[0]


def main() -> None:
    print("Scalar engine: micrograd's demo step, MLP(2, [16, 16, 1]) on 100 points")
    ours, our_loss = time_step(Value)
    print(f"  gradlab Value   {ours * 1e3:8.1f} ms per step (loss {our_loss:.6f})")
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        print("  micrograd       not installed: pip install micrograd to compare")
        return
    theirs, their_loss = time_step(MicrogradValue)
    print(f"  micrograd       {theirs * 1e3:8.1f} ms per step (loss {their_loss:.6f})")
    same = abs(our_loss - their_loss) < 1e-9
    print(
        f"  ratio           {theirs / ours:8.2f}x faster than micrograd (goal: at least 3x)"
        f"; same loss: {'yes' if same else 'NO'}"
    )


if __name__ == "__main__":
    main()
