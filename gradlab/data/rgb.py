"""The RGB picture shipped in resources/rgb-scene.npz (drawn by tools/rgb_scene.py, CC0; see
resources/README.md): real multi-channel data for the conv lab, red, green and blue."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gradlab.data.images import Image
from gradlab.data.resources import resource_path

FILE = "rgb-scene.npz"
SIDE = 32
CHANNELS = ("red", "green", "blue")


@lru_cache(maxsize=1)
def rgb_scene() -> Image:
    """The 32 × 32 scene as float64 of shape (3, 32, 32), channels red, green, blue, each pixel
    0-255 (read-only)."""
    path = resource_path(FILE)
    with np.load(path, allow_pickle=False) as archive:
        image = archive["image"]
    if image.shape != (len(CHANNELS), SIDE, SIDE) or image.dtype != np.uint8:
        raise ValueError(
            f"{path}: expected uint8 of shape (3, 32, 32), got {image.dtype} {image.shape}"
        )
    scene: Image = image.astype(np.float64)
    scene.flags.writeable = False
    return scene


def rgb_blocks(side: int) -> Image:
    """The scene shrunk to `side` × `side` (a divisor of 32): each pixel the mean of the block it
    covers, rounded to a whole number, per channel (read-only)."""
    if side < 1 or SIDE % side:
        raise ValueError(f"the side must divide {SIDE}, got {side}")
    block = SIDE // side
    means = rgb_scene().reshape(len(CHANNELS), side, block, side, block).mean(axis=(2, 4))
    small: Image = np.floor(means + 0.5)  # halves round up, as people round
    small.flags.writeable = False
    return small
