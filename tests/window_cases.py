"""Hypothesis cases of conv2d geometry, and a switch that makes ops split however small; shared by
tests/nn/functional/test_conv.py and tests/nn/test_kernels.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from hypothesis import strategies as st

from gradlab.engine import threads


@st.composite
def conv_cases(draw: st.DrawFn) -> dict[str, object]:
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 1)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
    h = draw(st.integers(max(1, span[0] - 2 * padding[0]), 6))
    w = draw(st.integers(max(1, span[1] - 2 * padding[1]), 6))
    return {
        "x": (draw(st.integers(1, 2)), c_in, h, w),
        "weight": (c_out, c_in // groups, *kernel),
        "bias": draw(st.booleans()),
        "args": {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups},
        "seed": draw(st.integers(0, 10_000)),
    }


def case_arrays(case: dict) -> list[np.ndarray]:
    """Input, weight and (if drawn) bias of a `conv_cases` case, from its seed."""
    rng = np.random.default_rng(case["seed"])
    arrays = [rng.normal(size=case["x"]), rng.normal(size=case["weight"])]
    if case["bias"]:
        arrays.append(rng.normal(size=case["weight"][0]))
    return arrays


@contextmanager
def split_always(count: int) -> Iterator[None]:
    """`count` threads, with ops splitting arrays however small (both restored after). Every
    input is then `gradlab.engine.kernels.large`, so ops also take their fast kernels."""
    saved = threads.get_num_threads(), threads.MIN_SPLIT_WORK
    threads.set_num_threads(count)
    threads.MIN_SPLIT_WORK = 0
    try:
        yield
    finally:
        threads.set_num_threads(saved[0])
        threads.MIN_SPLIT_WORK = saved[1]
