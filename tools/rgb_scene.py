"""Draw resources/rgb-scene.npz: a 32 × 32 RGB picture (sky, sun, grass, a house, a tree).

gradlab ships no photograph: this small scene is drawn here, by arithmetic on pixel centres, so its
provenance is this file and it is in the public domain (CC0, see resources/README.md). Its three
channels differ where a conv lesson wants them to: the sky is high in blue, the sun in red and
green, the grass in green only, the roof in red only. Run ``python tools/rgb_scene.py`` to write
the file again; tests/data/test_rgb.py checks the shipped file is exactly what this draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SIDE = 32
OUT = Path(__file__).resolve().parents[1] / "resources" / "rgb-scene.npz"
HORIZON = 21
"""The first row of grass."""

Colour = tuple[int, int, int]
SKY_TOP: Colour = (70, 130, 220)
SKY_LOW: Colour = (170, 210, 250)
SUN: Colour = (255, 215, 60)
GRASS_NEAR: Colour = (40, 120, 30)
GRASS_FAR: Colour = (90, 180, 60)
WALL: Colour = (230, 220, 190)
ROOF: Colour = (190, 40, 30)
DOOR: Colour = (110, 70, 40)
TRUNK: Colour = (100, 60, 30)
LEAVES: Colour = (20, 100, 40)


def draw() -> NDArray[np.uint8]:
    """The scene as uint8 of shape (3, 32, 32): channels red, green, blue; rows top to bottom."""
    rows, cols = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    image = np.zeros((SIDE, SIDE, 3))
    sky = np.clip(rows / (HORIZON - 1), 0.0, 1.0)[..., None]
    image[:] = (1 - sky) * np.array(SKY_TOP) + sky * np.array(SKY_LOW)
    near = np.clip((rows - HORIZON) / (SIDE - 1 - HORIZON), 0.0, 1.0)[..., None]
    grass = (1 - near) * np.array(GRASS_FAR) + near * np.array(GRASS_NEAR)
    image = np.where((rows >= HORIZON)[..., None], grass, image)
    shapes: list[tuple[NDArray[np.bool_], Colour]] = [
        (np.hypot(rows - 5, cols - 26) <= 3.8, SUN),
        ((rows >= 15) & (rows <= 24) & (cols >= 4) & (cols <= 14), WALL),
        # the roof: a triangle over the walls, apex at (8, 9)
        ((rows >= 8) & (rows <= 14) & (np.abs(cols - 9) <= (rows - 8) * 1.05 + 0.5), ROOF),
        ((rows >= 19) & (rows <= 24) & (cols >= 8) & (cols <= 10), DOOR),
        ((rows >= 18) & (rows <= 26) & (cols >= 23) & (cols <= 24), TRUNK),
        (np.hypot(rows - 15, (cols - 23.5) * 1.2) <= 4.6, LEAVES),
    ]
    for mask, colour in shapes:
        image[mask] = colour
    return np.ascontiguousarray(np.rint(image).astype(np.uint8).transpose(2, 0, 1))


def main() -> int:
    np.savez_compressed(OUT, image=draw())
    sys.stdout.write(f"wrote {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
