"""`Dataset`: a train/test split of inputs and integer class labels, and the seeded splitter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
LabelArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs `x_*` (float32, one example per row) and labels `y_*` (int64 class indices)."""

    x_train: FloatArray
    y_train: LabelArray
    x_test: FloatArray
    y_test: LabelArray
    name: str
    classes: tuple[str, ...]

    def __post_init__(self) -> None:
        for x, y, part in (
            (self.x_train, self.y_train, "train"),
            (self.x_test, self.y_test, "test"),
        ):
            if len(x) != len(y):
                raise ValueError(f"{part}: {len(x)} inputs but {len(y)} labels")
            # a dataset is shared by views and training runs: nobody may edit it in place
            x.flags.writeable = False
            y.flags.writeable = False

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one example, e.g. (2,) for points, (1, 28, 28) for digits."""
        return tuple(int(n) for n in self.x_train.shape[1:])


def split(
    x: NDArray[np.floating],
    y: NDArray[np.integer],
    *,
    test_fraction: float,
    rng: np.random.Generator,
    name: str,
    classes: tuple[str, ...],
) -> Dataset:
    """Shuffle (x, y) together with `rng` and cut off the last `test_fraction` as the test set."""
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    order = rng.permutation(len(x))
    n_test = round(len(x) * test_fraction)
    train, test = order[: len(x) - n_test], order[len(x) - n_test :]
    xs, ys = x.astype(np.float32), y.astype(np.int64)
    return Dataset(xs[train], ys[train], xs[test], ys[test], name, classes)
