"""gradlab.engine.kernels: relu split over two threads equals the readable op, and `large` is
where ops switch to kernels (the size at which they split)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from window_cases import split_always

from gradlab.engine import kernels, tensor_math, threads


@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=4, max_side=5)),
    transpose=st.booleans(),
    count=st.sampled_from([1, 2]),
)
def test_the_relu_kernel_equals_relu(x: np.ndarray, transpose: bool, count: int) -> None:
    x = x.T if transpose else x  # a non-contiguous input too
    g = np.random.default_rng(x.size).normal(size=x.shape)
    with split_always(count):  # even these small arrays
        fast, fast_vjp = kernels.relu(x)
        (fast_grad,) = fast_vjp(g)
    reference, reference_vjp = tensor_math.relu(x)
    np.testing.assert_array_equal(fast, reference)
    np.testing.assert_array_equal(fast_grad, reference_vjp(g)[0])


def test_ops_switch_to_kernels_where_they_would_split() -> None:
    with split_always(2):
        threads.MIN_SPLIT_WORK = 1000  # restored by split_always
        assert not kernels.large(999)
        assert kernels.large(1000)
        assert len(threads.batch_parts(2, 999)) == 1
        assert len(threads.batch_parts(2, 1000)) == 2
