"""Small images for the conv lessons: the slide's numbers and well-formed shapes."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.data import SHAPES, SLIDE_FILTER, SLIDE_IMAGE, shape
from gradlab.data.images import POOLING_EXAMPLE, VERTICAL_EDGE_3, VERTICAL_EDGE_5


def test_slide_image_and_filter_are_the_curriculum_numbers() -> None:
    rows = """1 0 1 0 0 1 0 1
0 1 0 0 1 0 1 0
0 0 1 0 0 1 0 1
1 0 1 0 0 1 0 0
0 0 0 0 1 0 1 0
0 0 1 0 0 1 1 1
0 0 0 0 0 0 1 0
0 0 1 0 0 1 0 1"""
    expected = np.array([[float(v) for v in row.split()] for row in rows.splitlines()])
    np.testing.assert_array_equal(SLIDE_IMAGE, expected)
    np.testing.assert_array_equal(SLIDE_FILTER, [[-1, 0, 1], [-2, 1, 2], [-3, 0, 3]])
    assert VERTICAL_EDGE_3.shape == (3, 3)
    assert VERTICAL_EDGE_5.shape == (5, 5)
    assert (VERTICAL_EDGE_5[:, 0] == 1).all()
    assert (VERTICAL_EDGE_5[:, -1] == -1).all()
    assert POOLING_EXAMPLE[3, 0] == 112
    with pytest.raises(ValueError, match="read-only"):
        SLIDE_IMAGE[0, 0] = 5.0


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("size", [5, 8, 11])
def test_shapes_are_binary_symmetric_and_fresh(name: str, size: int) -> None:
    image = shape(name, size)
    assert image.shape == (size, size)
    assert image.dtype == np.float64
    assert set(np.unique(image)) == {0.0, 1.0}
    # every shape is symmetric under transposition (so it reads the same to rows and columns)
    np.testing.assert_array_equal(image, image.T)
    image[0, 0] = 7.0
    assert shape(name, size)[0, 0] != 7.0


def test_shape_geometry() -> None:
    np.testing.assert_array_equal(shape("diagonal"), np.eye(8))
    assert shape("cross")[3:5, 1:7].all()
    assert not shape("cross")[0].any()
    square = shape("square")
    assert square[1, 1:7].all()
    assert not square[3, 2:6].any()
    assert not square[0].any()
    ring = shape("circle", 9)
    assert ring[4, 4] == 0.0
    assert ring[4, 1] == 1.0


def test_bad_shape_requests() -> None:
    with pytest.raises(ValueError, match="unknown shape 'star'"):
        shape("star")
    with pytest.raises(ValueError, match="at least 5"):
        shape("cross", 3)
