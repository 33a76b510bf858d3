"""Small images and filters for the convolution lessons, as float64 arrays (rows top to bottom)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.float64]

# The binary image of the "convolution by hand" slide (CURRICULUM.md).
SLIDE_IMAGE: Image = np.array(
    [
        [1, 0, 1, 0, 0, 1, 0, 1],
        [0, 1, 0, 0, 1, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 0, 1],
        [1, 0, 1, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 1, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 0, 1],
    ],
    dtype=np.float64,
)
SLIDE_FILTER: Image = np.array([[-1, 0, 1], [-2, 1, 2], [-3, 0, 3]], dtype=np.float64)

# The edge filters slide: [1, 0, -1] on three rows; [1, 0, 0, 0, -1] on five rows.
VERTICAL_EDGE_3: Image = np.tile(np.array([1.0, 0.0, -1.0]), (3, 1))
VERTICAL_EDGE_5: Image = np.tile(np.array([1.0, 0.0, 0.0, 0.0, -1.0]), (5, 1))

# The worked pooling example (2×2 windows, stride 2).
POOLING_EXAMPLE: Image = np.array(
    [[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]], dtype=np.float64
)

for _array in (SLIDE_IMAGE, SLIDE_FILTER, VERTICAL_EDGE_3, VERTICAL_EDGE_5, POOLING_EXAMPLE):
    _array.flags.writeable = False


def square(size: int = 8) -> Image:
    """A hollow square one pixel in from the border."""
    image = np.zeros((size, size))
    image[1 : size - 1, 1 : size - 1] = 1.0
    image[2 : size - 2, 2 : size - 2] = 0.0
    return image


def cross(size: int = 8) -> Image:
    """A plus sign through the centre (two pixels wide when the size is even)."""
    image = np.zeros((size, size))
    mid = slice((size - 1) // 2, size // 2 + 1)
    image[mid, 1 : size - 1] = 1.0
    image[1 : size - 1, mid] = 1.0
    return image


def diagonal(size: int = 8) -> Image:
    """A line from the top-left to the bottom-right corner."""
    return np.eye(size)


def circle(size: int = 8) -> Image:
    """A closed ring one pixel in from the border.

    A pixel is on the ring when its centre lies within 0.6 pixel of a circle of radius
    (size − 1)/2 − 0.75; the slack over half a pixel closes the gaps a digital circle would have.
    """
    centre = (size - 1) / 2.0
    index = np.arange(size, dtype=np.float64) - centre
    distance = np.hypot(index[:, None], index[None, :])
    radius = centre - 0.75
    return (np.abs(distance - radius) <= 0.6).astype(np.float64)


SHAPES: dict[str, Callable[[int], Image]] = {
    "square": square,
    "cross": cross,
    "diagonal": diagonal,
    "circle": circle,
}


def shape(name: str, size: int = 8) -> Image:
    """One of the simple shapes by name, as a `size`×`size` image of 0s and 1s."""
    if name not in SHAPES:
        raise ValueError(f"unknown shape {name!r}; choose one of {', '.join(SHAPES)}")
    if size < 5:
        raise ValueError(f"size must be at least 5 to draw a shape, got {size}")
    return SHAPES[name](size)
