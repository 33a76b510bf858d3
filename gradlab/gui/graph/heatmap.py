"""Arrays as small pictures: blue for negative, red for positive, white at zero, scaled by the
largest magnitude. The array panel shows large arrays this way, and a tensor node carries a
thumbnail of its data and grad."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from PySide6.QtGui import QImage


def heatmap_image(array: ArrayLike) -> tuple[QImage, float]:
    """The array (as rows: a vector is one row, higher ranks are flattened to their last axis)
    as an image, one pixel per entry, and the magnitude that maps to full colour."""
    values = np.atleast_2d(np.asarray(array, dtype=float))
    matrix = values.reshape(-1, values.shape[-1])
    finite = matrix[np.isfinite(matrix)]
    scale = float(np.max(np.abs(finite))) if finite.size else 1.0
    t = np.clip(np.nan_to_num(matrix / (scale or 1.0)), -1.0, 1.0)
    rgb = np.empty((*matrix.shape, 3), dtype=np.uint8)
    rgb[..., 0] = (255 * np.where(t < 0, 1 + t, 1)).astype(np.uint8)
    rgb[..., 1] = (255 * (1 - np.abs(t))).astype(np.uint8)
    rgb[..., 2] = (255 * np.where(t > 0, 1 - t, 1)).astype(np.uint8)
    rgb = np.ascontiguousarray(rgb)
    height, width = matrix.shape
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return image, scale or 1.0
