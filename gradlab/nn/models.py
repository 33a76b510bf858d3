"""The models the lessons, the CLI and the benchmarks use, each built from a seed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Protocol

from gradlab.nn.init import Rng, as_generator
from gradlab.nn.layers import (
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Tanh,
)
from gradlab.nn.modules import Module, Sequential

ACTIVATIONS: dict[str, Callable[[], Module]] = {"tanh": Tanh, "relu": ReLU, "sigmoid": Sigmoid}


def mlp(
    sizes: Sequence[int] = (2, 8, 8, 1), activation: str = "tanh", *, rng: Rng = 0
) -> Sequential:
    """Linear layers of the given widths with `activation` between them (none after the last)."""
    if len(sizes) < 2:
        raise ValueError(f"an MLP needs at least an input and an output size, got {list(sizes)}")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    generator = as_generator(rng)
    layers: list[Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        if i:
            layers.append(ACTIVATIONS[activation]())
        layers.append(Linear(n_in, n_out, rng=generator))
    return Sequential(*layers)


def mnist_cnn(*, rng: Rng = 0) -> Sequential:
    """conv(1→8, 3×3, pad 1) − relu − maxpool 2 − conv(8→16, 3×3, pad 1) − relu − maxpool 2 −
    linear(784→10): the small CNN of the MNIST lesson (9,098 parameters)."""
    g = as_generator(rng)
    return Sequential(
        Conv2d(1, 8, 3, padding=1, rng=g),
        ReLU(),
        MaxPool2d(2),
        Conv2d(8, 16, 3, padding=1, rng=g),
        ReLU(),
        MaxPool2d(2),
        Flatten(),
        Linear(16 * 7 * 7, 10, rng=g),
    )


def lenet5(*, padding: int = 0, rng: Rng = 0) -> Sequential:
    """LeNet-5 as in the lesson: tanh, average pooling, a full C3; 61,706 parameters.

    Built for 1×32×32 input; ``padding=2`` on C1 takes 28×28 MNIST digits to the same shapes.
    """
    g = as_generator(rng)
    return Sequential(
        Conv2d(1, 6, 5, padding=padding, rng=g),  # C1: 6@28×28
        Tanh(),
        AvgPool2d(2),  # S2: 6@14×14
        Conv2d(6, 16, 5, rng=g),  # C3: 16@10×10
        Tanh(),
        AvgPool2d(2),  # S4: 16@5×5
        Conv2d(16, 120, 5, rng=g),  # C5: 120@1×1
        Tanh(),
        Flatten(),
        Linear(120, 84, rng=g),  # F6
        Tanh(),
        Linear(84, 10, rng=g),
    )


def autoencoder_widths(inputs: int, hidden: Sequence[int], code: int) -> list[int]:
    """The widths of `autoencoder`'s Linear layers, input first: 784, 256, 32, 256, 784."""
    return [inputs, *hidden, code, *reversed(hidden), inputs]


def autoencoder(
    inputs: int = 784,
    hidden: Sequence[int] = (256,),
    code: int = 32,
    activation: str = "relu",
    *,
    rng: Rng = 0,
) -> Sequential:
    """Flatten, an encoder down to `code` numbers and a decoder back to `inputs`, ending in a
    sigmoid so that every output (a pixel) lies in (0, 1): 784 → 256 → 32 → 256 → 784 by default.

    The encoder is Linear and `activation` per hidden width, then a Linear to the code with no
    activation (a code may take any value); the decoder mirrors it. ``model[:code_layer(hidden)
    + 1]`` is the encoder: its output is the code.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    generator = as_generator(rng)
    widths = autoencoder_widths(inputs, hidden, code)
    layers: list[Module] = [Flatten()]
    last = len(widths) - 2
    for i, (n_in, n_out) in enumerate(itertools.pairwise(widths)):
        layers.append(Linear(n_in, n_out, rng=generator))
        if i == last:
            layers.append(Sigmoid())
        elif i != len(hidden):  # the Linear to the code has no activation
            layers.append(ACTIVATIONS[activation]())
    return Sequential(*layers)


def code_layer(hidden: Sequence[int]) -> int:
    """The position in `autoencoder`'s layers of the Linear whose output is the code."""
    return 1 + 2 * len(hidden)


def linear_classifier(inputs: int = 784, classes: int = 10, *, rng: Rng = 0) -> Sequential:
    """Flatten then one Linear layer: the MNIST linear classifier (7,850 parameters)."""
    return Sequential(Flatten(), Linear(inputs, classes, rng=rng))


class LayerSpec(Protocol):
    """One layer written out by name and sizes (a lesson's `Layer`, the training lab's builder)."""

    @property
    def type(self) -> str: ...
    @property
    def in_(self) -> int | None: ...
    @property
    def out(self) -> int | None: ...
    @property
    def kernel_size(self) -> int | None: ...
    @property
    def stride(self) -> int | None: ...
    @property
    def padding(self) -> int | None: ...
    @property
    def p(self) -> float | None: ...


_PARAMETER_FREE: dict[str, type[Module]] = {
    "flatten": Flatten,
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
}


def from_specs(specs: Sequence[LayerSpec], *, rng: Rng = 0) -> Sequential:
    """The network a list of layer specs describes, e.g. linear(2 -> 8), tanh, linear(8 -> 1)."""
    generator = as_generator(rng)
    return Sequential(*(_layer(spec, generator) for spec in specs))


def _layer(spec: LayerSpec, rng: Rng) -> Module:
    kernel, padding = spec.kernel_size or 2, spec.padding or 0
    if spec.type in _PARAMETER_FREE:
        return _PARAMETER_FREE[spec.type]()
    if spec.type == "linear" and spec.in_ and spec.out:
        return Linear(spec.in_, spec.out, rng=rng)
    if spec.type == "conv2d" and spec.in_ and spec.out:
        return Conv2d(spec.in_, spec.out, kernel, spec.stride or 1, padding, rng=rng)
    if spec.type == "max_pool2d":
        return MaxPool2d(kernel, spec.stride, padding)
    if spec.type == "avg_pool2d":
        return AvgPool2d(kernel, spec.stride, padding)
    if spec.type == "dropout" and spec.p is not None:
        return Dropout(spec.p, rng=rng)
    if spec.type == "batch_norm1d" and spec.out:
        return BatchNorm1d(spec.out)
    if spec.type == "batch_norm2d" and spec.out:
        return BatchNorm2d(spec.out)
    raise ValueError(f"cannot build a {spec.type} layer from {spec}")
