"""The fast kernels (gradlab.nn.kernels) equal the readable ops they stand in for, values and
every grad, on drawn geometry, on one thread and split over two; and F switches to them only for
big inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from window_cases import case_arrays, conv_cases, split_always

from gradlab.engine import Tensor
from gradlab.nn import functional as F
from gradlab.nn.functional.conv import conv2d_reference
from gradlab.nn.functional.pool import avg_pool2d_reference, max_pool2d_reference
from gradlab.nn.kernels import conv, pool
from gradlab.nn.windows import Window2d


@settings(max_examples=60, deadline=None)
@given(case=conv_cases(), count=st.sampled_from([1, 2]), needs=st.sampled_from([0, 1, 2]))
def test_the_conv_kernel_equals_the_reference(case: dict, count: int, needs: int) -> None:
    arrays = case_arrays(case)
    args = case["args"]
    geometry = Window2d.of(arrays[1].shape[2:], args["stride"], args["padding"], args["dilation"])
    # every grad, then the kernel grads alone (a first layer), then the input grad alone
    wanted = [(True, True, True), (False, True, True), (True, False, False)][needs]
    wanted = wanted[: len(arrays)]
    reference, reference_vjp = conv2d_reference(
        *arrays, geometry=geometry, groups=args["groups"], needs=wanted
    )
    g = np.random.default_rng(case["seed"] + 1).normal(size=reference.shape)
    with split_always(count):  # even these small cases split over two threads
        fast, fast_vjp = conv.conv2d(
            *arrays, geometry=geometry, groups=args["groups"], needs=wanted
        )
        fast_grads = fast_vjp(g)
    np.testing.assert_allclose(fast, reference, rtol=1e-12, atol=1e-12)
    assert len(fast_grads) == len(arrays)
    for array, need, ours, theirs in zip(arrays, wanted, fast_grads, reference_vjp(g), strict=True):
        if need:
            assert ours.shape == theirs.shape == array.shape
            np.testing.assert_allclose(ours, theirs, rtol=1e-11, atol=1e-11)
    assert wanted[0] or fast_grads[0] is None  # an input needing no grad costs no fold


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(2, 9), st.integers(2, 9)),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    levels=st.integers(1, 4),
    count=st.sampled_from([1, 2]),
    seed=st.integers(0, 10_000),
)
def test_the_tiling_pool_kernels_equal_the_references(
    shape: tuple[int, ...], kernel: tuple[int, int], levels: int, count: int, seed: int
) -> None:
    """Sizes divisible by the tile or not, values from a few levels so most tiles hold ties: the
    kernel sends the grad to the same first maximum as the reference."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, size=shape).astype(np.float64)
    geometry = Window2d.of((min(kernel[0], shape[2]), min(kernel[1], shape[3])))
    assert pool.tiles_input(geometry)
    for fast_op, reference_op in (
        (pool.max_pool2d, max_pool2d_reference),
        (pool.avg_pool2d, avg_pool2d_reference),
    ):
        reference, reference_vjp = reference_op(x, geometry=geometry)
        g = rng.normal(size=reference.shape)
        with split_always(count):
            fast, fast_vjp = fast_op(x, geometry=geometry)
            (fast_grad,) = fast_vjp(g)
        np.testing.assert_array_equal(fast, reference)
        np.testing.assert_allclose(fast_grad, reference_vjp(g)[0], rtol=1e-15, atol=0)


def _calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Count the calls of `module.name` from now on."""
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_functional_takes_the_kernels_for_big_inputs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    convs = _calls(monkeypatch, conv, "conv2d")
    max_pools, avg_pools = (
        _calls(monkeypatch, pool, "max_pool2d"),
        _calls(monkeypatch, pool, "avg_pool2d"),
    )
    w = Tensor(np.ones((8, 4, 3, 3)), requires_grad=True)
    small = Tensor(np.ones((1, 4, 8, 8)))  # a picture a learner steps through
    F.max_pool2d(F.conv2d(small, w, padding=1), 2).sum().backward()
    F.avg_pool2d(small, 2)
    assert (convs, max_pools, avg_pools) == ([], [], [])
    # a batch of 64 as the lessons' CNN trains on
    big = Tensor(np.ones((64, 4, 14, 14)))
    F.max_pool2d(F.conv2d(big, w, padding=1), 2).sum().backward()
    F.avg_pool2d(F.conv2d(big, w, padding=1), 2)
    assert (len(convs), len(max_pools), len(avg_pools)) == (2, 1, 1)
    # overlapping windows have no kernel, however big
    F.max_pool2d(big, 3, 1)
    assert len(max_pools) == 1
