"""Datasets: seeded playground 2D sets, the shipped MNIST subset, small images for conv lessons and
the shipped RGB scene."""

from gradlab.data._dataset import Dataset
from gradlab.data.images import SHAPES, SLIDE_FILTER, SLIDE_IMAGE, shape
from gradlab.data.mnist import load_mnist, mnist_digit
from gradlab.data.playground import GENERATORS, playground
from gradlab.data.resources import resource_path
from gradlab.data.rgb import rgb_blocks, rgb_scene

DATASETS = (*GENERATORS, "mnist")


def load(name: str, *, seed: int = 0, n: int = 500, noise: float = 0.0) -> Dataset:
    """A dataset by name: one of the playground sets (seeded) or "mnist" (fixed split)."""
    if name == "mnist":
        return load_mnist()
    return playground(name, n, noise=noise, seed=seed)


__all__ = [
    "DATASETS",
    "SHAPES",
    "SLIDE_FILTER",
    "SLIDE_IMAGE",
    "Dataset",
    "load",
    "load_mnist",
    "mnist_digit",
    "playground",
    "resource_path",
    "rgb_blocks",
    "rgb_scene",
    "shape",
]
