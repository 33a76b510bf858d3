"""Seeded 2D classification sets after TensorFlow Playground: circle, xor, gaussian, spiral, moons.

The generators follow Playground's (github.com/tensorflow/playground, dataset.ts): points live in
about [-6, 6]², `noise` is Playground's slider divided by 100 (0 to 0.5), and labels are 1 for
Playground's positive (blue) class and 0 for its negative one. Moons follows scikit-learn's
make_moons, scaled by 3 and centred so it shares Playground's range.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from gradlab.data._dataset import Dataset, split

Points = tuple[NDArray[np.float64], NDArray[np.int64]]
Generator = Callable[[int, float, np.random.Generator], Points]

RADIUS = 5.0
CLASSES = ("0", "1")


def circle(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Half the points inside radius 2.5 (label 1), half in the ring 3.5..5 (label 0).

    As in Playground the label is decided after jittering the point by the noise, so noise blurs
    the boundary instead of moving the points.
    """
    inner = n // 2
    r = np.concatenate(
        [rng.uniform(0.0, RADIUS * 0.5, inner), rng.uniform(RADIUS * 0.7, RADIUS, n - inner)]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-RADIUS, RADIUS, (n, 2)) * noise
    label = np.hypot(*(x + jitter).T) < RADIUS * 0.5
    return x, label.astype(np.int64)


def xor(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Uniform points in the four quadrants (kept 0.3 away from the axes); label 1 where x·y ≥ 0."""
    x = rng.uniform(-5.0, 5.0, (n, 2))
    x += np.where(x > 0.0, 0.3, -0.3)
    jitter = rng.uniform(-5.0, 5.0, (n, 2)) * noise
    moved = x + jitter
    label = moved[:, 0] * moved[:, 1] >= 0.0
    return x, label.astype(np.int64)


def gaussian(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two blobs at (2, 2) (label 1) and (-2, -2) (label 0).

    The variance grows from 0.5 to 4 as noise goes from 0 to 0.5.
    """
    variance = 0.5 + 7.0 * noise
    half = n // 2
    centres = np.concatenate([np.full((half, 2), 2.0), np.full((n - half, 2), -2.0)])
    x = centres + rng.normal(0.0, np.sqrt(variance), (n, 2))
    label = np.concatenate([np.ones(half, np.int64), np.zeros(n - half, np.int64)])
    return x, label


def spiral(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two interleaved arms of 1.75 turns out to radius 5; one arm is the other rotated by π."""
    half = n // 2
    arms = []
    for count, turn, label in ((half, 0.0, 1), (n - half, np.pi, 0)):
        i = np.arange(count) / count
        r, t = i * 5.0, 1.75 * i * 2.0 * np.pi + turn
        x = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        x += rng.uniform(-1.0, 1.0, (count, 2)) * noise
        arms.append((x, np.full(count, label, np.int64)))
    return np.concatenate([a[0] for a in arms]), np.concatenate([a[1] for a in arms])


def moons(n: int, noise: float, rng: np.random.Generator) -> Points:
    """scikit-learn's two half circles (upper label 0, lower label 1) with Gaussian noise of
    standard deviation `noise`, scaled ×3 and centred on the origin."""
    upper = n // 2
    t_upper, t_lower = np.linspace(0.0, np.pi, upper), np.linspace(0.0, np.pi, n - upper)
    x = np.concatenate(
        [
            np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1),
            np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1),
        ]
    )
    x += rng.normal(0.0, noise, x.shape)
    x = (x - np.array([0.5, 0.25])) * 3.0
    label = np.concatenate([np.zeros(upper, np.int64), np.ones(n - upper, np.int64)])
    return x, label


GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gaussian": gaussian,
    "spiral": spiral,
    "moons": moons,
}


def playground(
    name: str, n: int = 500, *, noise: float = 0.0, test_fraction: float = 0.5, seed: int = 0
) -> Dataset:
    """`n` points of the named set, shuffled and split with `seed` (Playground's defaults:
    500 points, half for training)."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(GENERATORS)}")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be in [0, 1], got {noise}")
    rng = np.random.default_rng(seed)
    x, y = GENERATORS[name](n, noise, rng)
    return split(x, y, test_fraction=test_fraction, rng=rng, name=name, classes=CLASSES)
