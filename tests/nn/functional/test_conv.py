"""conv2d and the pools over random geometry: torch, central differences, and windows() agree."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import Fn, check_against_torch
from window_cases import case_arrays, conv_cases, split_always

from gradlab.engine import Op, Tensor
from gradlab.nn import functional as F
from gradlab.nn.windows import Window2d, windows


def check(
    fn: Fn, torch_fn: Callable[..., torch.Tensor], arrays: Sequence[np.ndarray], numeric: bool
) -> None:
    """Forward and grads equal PyTorch's to 1e-6 (float64); optionally also central differences."""
    check_against_torch(fn, torch_fn, arrays, numeric_rtol=1e-7 if numeric else None)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_conv2d_matches_torch_over_random_geometry(case: dict) -> None:
    arrays = case_arrays(case)
    args = case["args"]
    check(lambda *t: F.conv2d(*t, **args), lambda *t: TF.conv2d(*t, **args), arrays, numeric=False)


@settings(max_examples=8, deadline=None)
@given(case=conv_cases())
def test_conv2d_grads_match_central_differences(case: dict) -> None:
    rng = np.random.default_rng(case["seed"])
    arrays = [
        rng.normal(size=case["x"]),
        rng.normal(size=case["weight"]),
        rng.normal(size=case["weight"][0]),
    ]
    args = case["args"]
    check(lambda *t: F.conv2d(*t, **args), lambda *t: TF.conv2d(*t, **args), arrays, numeric=True)


@st.composite
def pool_cases(draw: st.DrawFn) -> dict[str, object]:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.sampled_from([None, (1, 1), (2, 1), (2, 3)]))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(kernel[0], 6))
    w = draw(st.integers(kernel[1], 6))
    return {
        "shape": (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w),
        "args": {"kernel_size": kernel, "stride": stride, "padding": padding},
        "seed": draw(st.integers(0, 10_000)),
        "numeric": draw(st.integers(0, 3)) == 0,
    }


@settings(max_examples=40, deadline=None)
@given(case=pool_cases())
def test_pools_match_torch_and_differences(case: dict) -> None:
    rng = np.random.default_rng(case["seed"])
    x = rng.permutation(np.prod(case["shape"])).reshape(case["shape"]) * 0.1  # distinct: no ties
    args = case["args"]
    check(
        lambda t: F.avg_pool2d(t, **args), lambda t: TF.avg_pool2d(t, **args), [x], case["numeric"]
    )
    check(
        lambda t: F.max_pool2d(t, **args), lambda t: TF.max_pool2d(t, **args), [x], case["numeric"]
    )


@pytest.mark.parametrize("dilation", [1, 2])
def test_max_pool_dilation_and_ties_go_to_the_first_maximum(dilation: int) -> None:
    x = np.zeros((1, 1, 5, 5))
    check(
        lambda t: F.max_pool2d(t, 2, 1, 0, dilation),
        lambda t: TF.max_pool2d(t, 2, 1, 0, dilation),
        [x],
        numeric=False,
    )
    ours = Tensor(x, requires_grad=True)
    F.max_pool2d(ours, 2, 2).sum().backward()
    assert ours.grad is not None
    np.testing.assert_array_equal(ours.grad[0, 0, :2, :2], [[1.0, 0.0], [0.0, 0.0]])


@settings(max_examples=25, deadline=None)
@given(case=conv_cases())
def test_conv2d_reads_exactly_the_cells_windows_lists(case: dict) -> None:
    """Cell by cell: out[n, o, i, j] = bias + Σ over the window's non-padding cells of w · x."""
    rng = np.random.default_rng(case["seed"])
    x, w = rng.normal(size=case["x"]), rng.normal(size=case["weight"])
    b = rng.normal(size=case["weight"][0])
    args = case["args"]
    out = F.conv2d(Tensor(x), Tensor(w), Tensor(b), **args).data
    groups = args["groups"]
    geometry = Window2d.of(w.shape[2:], args["stride"], args["padding"], args["dilation"])
    c_group, o_group = x.shape[1] // groups, w.shape[0] // groups
    cells = list(windows(x.shape[2], x.shape[3], geometry))
    assert len(cells) == out.shape[2] * out.shape[3]
    for window in cells:
        for o in range(w.shape[0]):
            channels = slice((o // o_group) * c_group, (o // o_group + 1) * c_group)
            expected = b[o] + sum(
                x[:, channels, cell.row, cell.col] @ w[o, :, cell.kernel_row, cell.kernel_col]
                for cell in window.cells
                if not cell.padding
            )
            np.testing.assert_allclose(out[:, o, window.row, window.col], expected, atol=1e-12)


def test_pools_read_exactly_the_cells_windows_lists() -> None:
    x = np.random.default_rng(2).normal(size=(2, 3, 7, 6))
    geometry = Window2d.of(3, 2, 1)
    biggest = F.max_pool2d(Tensor(x), 3, 2, 1).data
    mean = F.avg_pool2d(Tensor(x), 3, 2, 1).data
    for window in windows(7, 6, geometry):
        inside = [(c.row, c.col) for c in window.cells if not c.padding]
        values = np.stack([x[:, :, r, c] for r, c in inside])
        np.testing.assert_array_equal(biggest[:, :, window.row, window.col], values.max(axis=0))
        np.testing.assert_allclose(mean[:, :, window.row, window.col], values.sum(axis=0) / 9)


def test_float32_conv_agrees_with_float64() -> None:
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 4, 9, 9)), rng.normal(size=(6, 2, 3, 3))
    wide = F.conv2d(Tensor(x), Tensor(w), padding=1, groups=2)
    narrow_x, narrow_w = (
        Tensor(x, requires_grad=True, dtype=np.float32),
        Tensor(w, requires_grad=True, dtype=np.float32),
    )
    narrow = F.conv2d(narrow_x, narrow_w, padding=1, groups=2)
    assert narrow.dtype == np.float32
    np.testing.assert_allclose(narrow.data, wide.data, rtol=1e-4, atol=1e-4)
    F.max_pool2d(narrow, 2).sum().backward()
    assert narrow_x.grad is not None
    assert narrow_x.grad.dtype == np.float32
    assert narrow_w.grad is not None
    assert narrow.op is Op.CONV2D


def test_conv2d_skips_the_input_grad_when_not_needed() -> None:
    x = Tensor(np.ones((1, 1, 4, 4)))
    w = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad, np.full((1, 1, 3, 3), 4.0))


def test_conv2d_grads_of_a_frozen_kernel_and_a_trained_bias() -> None:
    # the bias grad comes from the same matmul as the kernel grad (a row of ones in the windows)
    rng = np.random.default_rng(5)
    x = Tensor(rng.normal(size=(3, 2, 5, 5)), requires_grad=True)
    w, b = Tensor(rng.normal(size=(4, 2, 3, 3))), Tensor(rng.normal(size=4), requires_grad=True)
    g = rng.normal(size=(3, 4, 5, 5))
    F.conv2d(x, w, b, padding=1).backward(g)
    assert w.grad is None
    np.testing.assert_allclose(b.grad, g.sum(axis=(0, 2, 3)), rtol=1e-12)
    expected = TF.grad.conv2d_input(x.shape, torch.tensor(w.data), torch.tensor(g), padding=1)
    np.testing.assert_allclose(x.grad, expected.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(case=conv_cases())
def test_conv2d_is_the_same_on_one_thread_and_split_over_two(case: dict) -> None:
    arrays = case_arrays(case)

    def run(count: int) -> list[np.ndarray]:
        tensors = [Tensor(a, requires_grad=True) for a in arrays]
        with split_always(count):  # even these small cases
            out = F.conv2d(*tensors, **case["args"])
            (out**2).sum().backward()
        return [out.data, *(t.grad for t in tensors)]

    for one, two in zip(run(1), run(2), strict=True):
        # the kernel grad adds the two halves' sums: equal up to rounding
        np.testing.assert_allclose(one, two, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x, w: F.conv2d(x, w, padding=-1), "padding must be at least 0"),
        (lambda x, w: F.conv2d(x, w, stride=0), "stride must be at least 1"),
        (lambda x, w: F.conv2d(x, w, dilation=0), "dilation must be at least 1"),
        (
            lambda x, w: F.conv2d(x[:, :, :2, :2], w),
            r"input height 2: kernel_size 3 .* larger than the padded input .*"
            r"\(1, 2, 2, 2\), weight \(4, 2, 3, 3\)",
        ),
        (lambda x, w: F.conv2d(x, w, groups=3), "groups=3 must divide input channels 2"),
        (
            lambda x, w: F.conv2d(x.reshape(2, 5, 5), w),
            r"input must be \(N, C, H, W\), got shape \(2, 5, 5\)",
        ),
        (
            lambda x, w: F.conv2d(x, w[:, :1]),
            r"weight shape \(4, 1, 3, 3\) expects 1 input channels",
        ),
        (
            lambda x, w: F.conv2d(x, w, Tensor(np.ones(3))),
            r"bias must have shape \(4,\), got \(3,\)",
        ),
        (lambda x, w: F.max_pool2d(x, 2, padding=2), "padding .* at most half"),
        (lambda x, w: F.avg_pool2d(x, 6), r"avg_pool2d: input height 5: kernel_size 6"),
    ],
)
def test_bad_arguments_name_the_argument_and_shapes(
    call: Callable[[Tensor, Tensor], Tensor], message: str
) -> None:
    x, w = Tensor(np.ones((1, 2, 5, 5))), Tensor(np.ones((4, 2, 3, 3)))
    with pytest.raises(ValueError, match=message):
        call(x, w)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(2, 9), st.integers(2, 9)),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    levels=st.integers(1, 4),
    seed=st.integers(0, 10_000),
)
def test_tiling_pools_match_torch_with_ties(
    shape: tuple[int, ...], kernel: tuple[int, int], levels: int, seed: int
) -> None:
    """stride = kernel (the tiling fast path), sizes divisible or not, values drawn from a few
    levels so most windows hold ties: the grad goes to the first maximum, as in PyTorch."""
    kernel = (min(kernel[0], shape[2]), min(kernel[1], shape[3]))
    x = np.random.default_rng(seed).integers(0, levels, size=shape).astype(np.float64)
    for fn, torch_fn in ((F.max_pool2d, TF.max_pool2d), (F.avg_pool2d, TF.avg_pool2d)):
        check(lambda t, f=fn: f(t, kernel), lambda t, f=torch_fn: f(t, kernel), [x], numeric=False)


@pytest.mark.parametrize("shape", [(5, 3, 6, 7), (4, 6, 5)])
def test_max_pool_split_over_two_threads_matches_torch_with_ties(shape: tuple[int, ...]) -> None:
    # the first axis in two halves, one on the helper thread; ties everywhere (3 levels)
    x = np.random.default_rng(11).integers(0, 3, size=shape).astype(np.float64)
    with split_always(2):
        check(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), [x], numeric=False)


def test_max_pool_sends_an_all_zero_window_to_its_first_cell() -> None:
    """After relu whole windows are 0: each tile's grad goes to its top-left cell only."""
    x = Tensor(np.zeros((1, 1, 4, 6), dtype=np.float32), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad is not None
    expected = np.zeros((4, 6), dtype=np.float32)
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(x.grad[0, 0], expected)


def test_pools_take_an_unbatched_image() -> None:
    x = np.random.default_rng(4).normal(size=(2, 5, 6))
    check(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), [x], numeric=False)
    check(
        lambda t: F.avg_pool2d(t, 3, 1, 1), lambda t: TF.avg_pool2d(t, 3, 1, 1), [x], numeric=False
    )
