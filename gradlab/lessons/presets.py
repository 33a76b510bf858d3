"""Named grids a lesson can use instead of typing numbers: conv inputs and kernels.

A lesson writes ``input = "slides-8x8"`` or ``kernel = "sobel-x"``; inline grids work too. The
numbers here are teaching material (the slides' worked examples and textbook filters), so a test
can check that a lesson shows exactly what the slides show.
"""

from __future__ import annotations

Grid = list[list[float]]

INPUTS: dict[str, Grid] = {
    # the 8x8 binary image of the slides' "convolution by hand" example
    "slides-8x8": [
        [1, 0, 1, 0, 0, 1, 0, 1],
        [0, 1, 0, 0, 1, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 0, 1],
        [1, 0, 1, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 1, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 1, 0, 0, 1, 0, 1],
    ],
    # the slides' 2x2 pooling example
    "pooling-4x4": [
        [12, 20, 30, 0],
        [8, 12, 2, 0],
        [34, 70, 37, 4],
        [112, 100, 25, 12],
    ],
    # a bright square on a dark field: edges in both directions
    "square-8x8": [
        [1.0 if 2 <= r <= 5 and 2 <= c <= 5 else 0.0 for c in range(8)] for r in range(8)
    ],
    # left half dark, right half bright: one vertical edge
    "vertical-edge-6x6": [[0.0 if c < 3 else 1.0 for c in range(6)] for _ in range(6)],
}

KERNELS: dict[str, Grid] = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "slides-3x3": [[-1, 0, 1], [-2, 1, 2], [-3, 0, 3]],
    "vertical-edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "horizontal-edge": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "vertical-edge-5x5": [[1, 0, 0, 0, -1] for _ in range(5)],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "box-blur": [[1 / 9] * 3 for _ in range(3)],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}
