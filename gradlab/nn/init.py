"""Weight initialisation as PyTorch does it, from a NumPy generator.

PyTorch's default for Linear and Conv2d is ``kaiming_uniform_(w, a=√5)``: gain = √(2/(1 + a²)),
bound = gain·√(3/fan_in), which for a = √5 is exactly 1/√fan_in; biases are drawn from
U(−1/√fan_in, 1/√fan_in) too. The functions on shapes (`kaiming_uniform`, ...) are what the
layers use; the ones ending in ``_`` are torch.nn.init's, for a learner's script: they refill a
tensor (``nn.init.xavier_uniform_(layer.weight)``) and return it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from gradlab.engine.seeding import default_generator
from gradlab.engine.tensor import Tensor

Rng = np.random.Generator | int | None
"""A generator, a seed, or None for gradlab's default generator (never NumPy's global state)."""


def as_generator(rng: Rng) -> np.random.Generator:
    """`rng` as a Generator: passed through, seeded from an int, or for None the default
    generator (fresh OS entropy until ``gradlab.manual_seed``: `gradlab.engine.seeding`)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return default_generator() if rng is None else np.random.default_rng(rng)


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


# ---- torch.nn.init's in-place functions ---------------------------------------------------------

_GAINS = {"linear": 1.0, "conv2d": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0)}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain PyTorch recommends for an activation: √2 for relu, 5/3 for tanh, √(2/(1 + a²))
    for leaky_relu with slope a (0.01 by default), 1 for linear, conv and sigmoid."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity not in _GAINS:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return _GAINS[nonlinearity]


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Refill `tensor` from U(a, b)."""
    tensor.data = as_generator(generator).uniform(a, b, tensor.shape).astype(tensor.dtype)
    return tensor


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Refill `tensor` from N(mean, std²)."""
    tensor.data = as_generator(generator).normal(mean, std, tensor.shape).astype(tensor.dtype)
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    tensor.data = np.full(tensor.shape, val, tensor.dtype)
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Refill `tensor` with Glorot uniform: U(±gain·√(6/(fan_in + fan_out)))."""
    rng = as_generator(generator)
    tensor.data = xavier_uniform(tensor.shape, rng, gain=gain, dtype=tensor.dtype)
    return tensor


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Refill `tensor` with He uniform: U(±gain·√(3/fan)), fan_in or fan_out by `mode`."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    shape = tensor.shape
    fan = fan_in(shape) if mode == "fan_in" else shape[0] * math.prod(shape[2:])
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    tensor.data = uniform(shape, bound, as_generator(generator), tensor.dtype)
    return tensor
