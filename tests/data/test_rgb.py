"""The shipped RGB scene: what tools/rgb_scene.py draws, three real channels, block means."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

from gradlab.data import resource_path, rgb_blocks, rgb_scene

TOOL = Path(__file__).resolve().parents[2] / "tools" / "rgb_scene.py"


def test_the_shipped_file_is_what_the_tool_draws() -> None:
    drawn = runpy.run_path(str(TOOL))["draw"]()
    with np.load(resource_path("rgb-scene.npz"), allow_pickle=False) as archive:
        shipped = archive["image"]
    assert shipped.dtype == np.uint8
    np.testing.assert_array_equal(shipped, drawn)
    np.testing.assert_array_equal(rgb_scene(), drawn.astype(np.float64))


def test_the_three_channels_differ_where_the_picture_does() -> None:
    red, green, blue = rgb_scene()
    assert rgb_scene().shape == (3, 32, 32)
    sky, grass, sun = (0, 0), (31, 0), (5, 26)
    assert blue[sky] > red[sky]
    assert blue[sky] > green[sky]
    assert green[grass] > red[grass]
    assert green[grass] > blue[grass]
    assert red[sun] > blue[sun]
    assert green[sun] > blue[sun]
    with pytest.raises(ValueError, match="read-only"):
        rgb_scene()[0, 0, 0] = 1.0


def test_blocks_are_rounded_means() -> None:
    small = rgb_blocks(8)
    assert small.shape == (3, 8, 8)
    block = rgb_scene()[:, 4:8, 12:16].mean(axis=(1, 2))
    np.testing.assert_array_equal(small[:, 1, 3], np.floor(block + 0.5))
    np.testing.assert_array_equal(rgb_blocks(32), rgb_scene())
    with pytest.raises(ValueError, match="must divide 32"):
        rgb_blocks(5)
