"""Named grids a lesson can use instead of typing numbers: conv inputs and kernels.

A lesson writes ``input = "slides-8x8"`` or ``kernel = "sobel-x"``; inline grids work too. The
slides' worked examples come from `gradlab.data.images`, so a lesson shows exactly their numbers.
"""

from __future__ import annotations

from gradlab.data import images

Grid = list[list[float]]

INPUTS: dict[str, Grid] = {
    "slides-8x8": images.SLIDE_IMAGE.tolist(),
    "pooling-4x4": images.POOLING_EXAMPLE.tolist(),
    **{f"{name}-8x8": images.shape(name, 8).tolist() for name in images.SHAPES},
}

KERNELS: dict[str, Grid] = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "slides-3x3": images.SLIDE_FILTER.tolist(),
    "vertical-edge": images.VERTICAL_EDGE_3.tolist(),
    "vertical-edge-5x5": images.VERTICAL_EDGE_5.tolist(),
    "horizontal-edge": images.VERTICAL_EDGE_3.T.tolist(),
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "box-blur": [[1 / 9] * 3 for _ in range(3)],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}
