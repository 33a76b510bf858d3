"""Weight initialisation as PyTorch does it, always from an explicit NumPy generator.

PyTorch's default for Linear and Conv2d is ``kaiming_uniform_(w, a=√5)``: gain = √(2/(1 + a²)),
bound = gain·√(3/fan_in), which for a = √5 is exactly 1/√fan_in; biases are drawn from
U(−1/√fan_in, 1/√fan_in) too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

Rng = np.random.Generator | int | None
"""A generator, a seed, or None for fresh OS entropy (never NumPy's global state)."""


def as_generator(rng: Rng) -> np.random.Generator:
    """`rng` as a Generator: passed through, seeded from an int, or freshly seeded for None."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def fan_in(shape: tuple[int, ...]) -> int:
    """Inputs feeding one output unit: in_features, or in_channels/groups × kernel area."""
    if len(shape) < 2:
        raise ValueError(f"fan_in needs a weight with at least 2 dimensions, got shape {shape}")
    return shape[1] * math.prod(shape[2:])


def uniform(
    shape: tuple[int, ...], bound: float, rng: np.random.Generator, dtype: DTypeLike
) -> NDArray[Any]:
    """U(−bound, bound), drawn in float64 (as the generator does) and then cast."""
    return rng.uniform(-bound, bound, shape).astype(dtype)


def kaiming_uniform(
    shape: tuple[int, ...],
    rng: np.random.Generator,
    *,
    a: float = math.sqrt(5.0),
    dtype: DTypeLike = np.float32,
) -> NDArray[Any]:
    """He/Kaiming uniform for a leaky-ReLU slope `a`: U(±√(2/(1 + a²))·√(3/fan_in))."""
    gain = math.sqrt(2.0 / (1.0 + a * a))
    return uniform(shape, gain * math.sqrt(3.0 / fan_in(shape)), rng, dtype)


def xavier_uniform(
    shape: tuple[int, ...],
    rng: np.random.Generator,
    *,
    gain: float = 1.0,
    dtype: DTypeLike = np.float32,
) -> NDArray[Any]:
    """Glorot uniform: U(±gain·√(6/(fan_in + fan_out))), the classic choice for tanh nets."""
    fan_out = shape[0] * math.prod(shape[2:])
    return uniform(shape, gain * math.sqrt(6.0 / (fan_in(shape) + fan_out)), rng, dtype)
