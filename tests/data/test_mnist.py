"""The shipped MNIST subset: shapes, scaling, the fixed split, and a clear error when missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradlab.data import load_mnist, mnist_digit, resource_path
from gradlab.data import resources as resources_module


def test_images_labels_and_fixed_split() -> None:
    data = load_mnist()
    assert data.x_train.shape == (8000, 1, 28, 28)
    assert data.x_test.shape == (2000, 1, 28, 28)
    assert data.x_train.dtype == np.float32
    assert data.y_train.dtype == np.int64
    assert data.x_train.min() == 0.0
    assert data.x_train.max() == 1.0
    assert data.classes == tuple("0123456789")
    counts = np.bincount(np.concatenate([data.y_train, data.y_test]), minlength=10)
    # the counts the data README states for the whole file
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    with np.load(resource_path("mnist10k.npz")) as raw:
        np.testing.assert_array_equal(data.x_test[5, 0] * 255, raw["images"][8005])
        assert data.y_train[17] == raw["labels"][17]
    assert load_mnist().x_train is not data.x_train  # each call gets its own arrays


def test_digit_by_index() -> None:
    image, label = mnist_digit(8005)
    data = load_mnist()
    np.testing.assert_allclose(image, data.x_test[5, 0], atol=1e-7)
    assert label == data.y_test[5]
    with pytest.raises(IndexError, match=r"0\.\.9999"):
        mnist_digit(10_000)


def test_missing_file_names_the_expected_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources_module, "RESOURCES", tmp_path)
    with pytest.raises(
        FileNotFoundError, match=r"missing data file 'mnist10k.npz'.*never downloads"
    ):
        resources_module.resource_path("mnist10k.npz")
