"""Bounded records of a training run: curves and histogram strips that stay a fixed size.

A long run must not grow without bound (memory, and plots that slow down). Each record keeps at
most `capacity` points; when full, neighbouring pairs are merged (their mean, at the first one's
x) and later points are merged `stride` at a time, so a run of any length is evenly covered.
Until the capacity is reached every step is its own point.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]
CAPACITY = 2048


class Series:
    """(x, y) points with y averaged over `stride` raw samples per point."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError(f"capacity must be an even number >= 2, got {capacity}")
        self.capacity = capacity
        self.clear()

    def clear(self) -> None:
        self._x: list[float] = []
        self._y: list[float] = []
        self.stride = 1
        self._bucket_x = 0.0
        self._bucket: list[float] = []

    def append(self, x: float, y: float) -> None:
        if not self._bucket:
            self._bucket_x = x
        self._bucket.append(y)
        if len(self._bucket) < self.stride:
            return
        self._x.append(self._bucket_x)
        self._y.append(sum(self._bucket) / len(self._bucket))
        self._bucket = []
        if len(self._x) >= self.capacity:
            self._halve()

    def _halve(self) -> None:
        self._x = self._x[::2]
        self._y = [(a + b) / 2.0 for a, b in zip(self._y[::2], self._y[1::2], strict=True)]
        self.stride *= 2

    def __len__(self) -> int:
        return len(self._x)

    @property
    def x(self) -> NDArray[np.float64]:
        return np.array(self._x, dtype=np.float64)

    @property
    def y(self) -> NDArray[np.float64]:
        return np.array(self._y, dtype=np.float64)

    @property
    def last(self) -> float | None:
        return self._y[-1] if self._y else None


class Strip:
    """A histogram per sample (fixed bins), kept as a bounded 2-D image: time × bins."""

    def __init__(self, bins: int, capacity: int = 512) -> None:
        self.bins = bins
        self.capacity = capacity
        self.clear()

    def clear(self) -> None:
        self._rows = np.zeros((self.capacity, self.bins), np.float64)
        self._x = np.zeros(self.capacity, np.float64)
        self._count = 0
        self.stride = 1
        self._bucket = np.zeros(self.bins, np.float64)
        self._bucket_x = 0.0
        self._bucket_n = 0

    def append(self, x: float, counts: Array) -> None:
        if self._bucket_n == 0:
            self._bucket_x = x
        self._bucket += counts
        self._bucket_n += 1
        if self._bucket_n < self.stride:
            return
        self._rows[self._count] = self._bucket / self._bucket_n
        self._x[self._count] = self._bucket_x
        self._count += 1
        self._bucket = np.zeros(self.bins, np.float64)
        self._bucket_n = 0
        if self._count == self.capacity:
            half = self.capacity // 2
            self._rows[:half] = (self._rows[0::2] + self._rows[1::2]) / 2.0
            self._x[:half] = self._x[0::2]
            self._rows[half:] = 0.0
            self._count = half
            self.stride *= 2

    def __len__(self) -> int:
        return self._count

    @property
    def image(self) -> NDArray[np.float64]:
        """(samples, bins), each row normalised to fractions of the layer's values."""
        rows = self._rows[: self._count]
        totals = rows.sum(axis=1, keepdims=True)
        fractions: NDArray[np.float64] = np.divide(
            rows, totals, out=np.zeros_like(rows), where=totals > 0
        )
        return fractions

    @property
    def x(self) -> NDArray[np.float64]:
        return self._x[: self._count].copy()


def history_csv(series: Mapping[str, Series]) -> str:
    """Long format, header ``series,x,value``: one row per point of every named series."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["series", "x", "value"])
    for name, points in series.items():
        for x, value in zip(points.x, points.y, strict=True):
            writer.writerow([name, f"{x:g}", repr(float(value))])
    return out.getvalue()
