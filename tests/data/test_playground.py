"""Playground 2D sets: seeded, labelled by their geometry, split as asked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.data import DATASETS, Dataset, load, playground
from gradlab.data.playground import GENERATORS

NAMES = sorted(GENERATORS)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    a, b, c = playground(name, seed=3), playground(name, seed=3), playground(name, seed=4)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    n=st.integers(2, 400),
    noise=st.floats(0.0, 0.5),
    test_fraction=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_shapes_types_and_labels(
    name: str, n: int, noise: float, test_fraction: float, seed: int
) -> None:
    data = playground(name, n, noise=noise, test_fraction=test_fraction, seed=seed)
    assert len(data.x_train) + len(data.x_test) == n
    assert len(data.x_test) == round(n * test_fraction)
    assert data.x_train.shape[1:] == (2,)
    assert data.input_shape == (2,)
    assert data.x_train.dtype == np.float32
    assert data.y_train.dtype == np.int64
    labels = np.concatenate([data.y_train, data.y_test])
    assert set(np.unique(labels)) <= {0, 1}
    assert np.isfinite(data.x_train).all()
    assert data.classes == ("0", "1")
    assert data.num_classes == 2


def test_noiseless_labels_follow_the_geometry() -> None:
    circle = playground("circle", 1000)
    for x, y in ((circle.x_train, circle.y_train), (circle.x_test, circle.y_test)):
        np.testing.assert_array_equal(np.hypot(*x.T) < 2.5, y == 1)
    xor = playground("xor", 1000)
    np.testing.assert_array_equal(xor.x_train[:, 0] * xor.x_train[:, 1] >= 0, xor.y_train == 1)
    gauss = playground("gaussian", 1000)
    # with the smallest variance the blobs sit on their own side of the line x + y = 0
    agree = (gauss.x_train.sum(axis=1) > 0) == (gauss.y_train == 1)
    assert agree.mean() > 0.99


def test_spiral_arms_are_point_reflections_of_each_other() -> None:
    data = playground("spiral", 400, test_fraction=0.0)
    arms = [data.x_train[data.y_train == k] for k in (0, 1)]
    key = [arm[np.lexsort((arm[:, 1], arm[:, 0]))] for arm in arms]
    # rotating one arm by π (x ↦ −x) gives the other
    mirrored = -key[1]
    np.testing.assert_allclose(
        mirrored[np.lexsort((mirrored[:, 1], mirrored[:, 0]))], key[0], atol=1e-5
    )
    assert np.hypot(*data.x_train.T).max() <= 5.0


def test_noise_moves_points_or_labels() -> None:
    clean, noisy = playground("spiral", noise=0.0), playground("spiral", noise=0.3)
    assert not np.allclose(clean.x_train, noisy.x_train)
    blurred = playground("circle", 2000, noise=0.5)
    inside = np.hypot(*blurred.x_train.T) < 2.5
    assert (inside != (blurred.y_train == 1)).any()


def test_arrays_are_read_only() -> None:
    data = playground("moons")
    with pytest.raises(ValueError, match="read-only"):
        data.x_train[0, 0] = 1.0


def test_bad_arguments_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'swirl'"):
        playground("swirl")
    with pytest.raises(ValueError, match="noise"):
        playground("xor", noise=2.0)
    with pytest.raises(ValueError, match="test_fraction"):
        playground("xor", test_fraction=1.0)
    with pytest.raises(ValueError, match="2 inputs but 3 labels"):
        Dataset(
            np.zeros((2, 2), np.float32),
            np.zeros(3, np.int64),
            np.zeros((0, 2), np.float32),
            np.zeros(0, np.int64),
            "bad",
            ("0", "1"),
        )


def test_load_by_name_covers_every_dataset() -> None:
    assert set(DATASETS) == {*NAMES, "mnist"}
    assert load("moons", seed=1).name == "moons"
