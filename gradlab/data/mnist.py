"""The 10,000-digit MNIST subset shipped in resources/mnist10k.npz (see resources/README.md)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from gradlab.data._dataset import Dataset
from gradlab.data.resources import resource_path

FILE = "mnist10k.npz"
N_TRAIN = 8_000
N_TEST = 2_000
CLASSES = tuple(str(d) for d in range(10))


@lru_cache(maxsize=1)
def _raw() -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    path = resource_path(FILE)
    with np.load(path, allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    if images.shape != (N_TRAIN + N_TEST, 28, 28) or labels.shape != (N_TRAIN + N_TEST,):
        raise ValueError(f"{path}: unexpected shapes {images.shape} and {labels.shape}")
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_mnist() -> Dataset:
    """Digits as float32 images in [0, 1] of shape (N, 1, 28, 28) and int64 labels 0-9.

    The file is already shuffled, so the split is fixed: the first 8,000 digits train, the last
    2,000 test.
    """
    images, labels = _raw()
    x = (images.astype(np.float32) / np.float32(255.0))[:, None, :, :]
    y = labels.astype(np.int64)
    return Dataset(
        x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:], name="mnist", classes=CLASSES
    )


def mnist_digit(index: int) -> tuple[NDArray[np.float64], int]:
    """Digit number `index` (0-9,999, counted over the whole file) as a 28×28 float image in
    [0, 1], and its label."""
    images, labels = _raw()
    if not 0 <= index < len(images):
        raise IndexError(f"digit index {index} is outside 0..{len(images) - 1}")
    return images[index].astype(np.float64) / 255.0, int(labels[index])
