"""The sliding-window geometry: formula, validation, explicit windows, strided patches, fold."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.nn.windows import Window2d, fold, output_size, pad, patches, unpad, windows


@st.composite
def geometries(draw: st.DrawFn) -> tuple[int, int, Window2d]:
    """An input size and a geometry whose window fits in the padded input."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    geometry = Window2d(kernel, stride, padding, dilation)
    span_h, span_w = geometry.span
    h = draw(st.integers(max(1, span_h - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, span_w - 2 * padding[1]), 7))
    return h, w, geometry


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    k=st.integers(1, 4),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_output_size_counts_the_window_positions(n: int, k: int, s: int, p: int, d: int) -> None:
    span = d * (k - 1) + 1
    positions = [start for start in range(0, n + 2 * p, s) if start + span <= n + 2 * p]
    if not positions:
        with pytest.raises(ValueError, match="kernel_size"):
            output_size(n, k, s, p, d)
        return
    assert output_size(n, k, s, p, d) == len(positions)
    conv = torch.nn.functional.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), None, s, p, d)
    assert conv.shape[-1] == len(positions)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 3, 0, 0, 1), "stride must be at least 1, got 0"),
        ((5, 3, 1, -1, 1), "padding must not be negative, got -1"),
        ((5, 3, 1, 0, 0), "dilation must be at least 1, got 0"),
        ((5, 0, 1, 0, 1), "kernel_size must be at least 1, got 0"),
        ((3, 5, 1, 0, 1), r"kernel_size 5 .* larger than the padded input 3 \+ 2·0 = 3"),
        ((3, 3, 1, 0, 2), r"kernel_size 3 \(dilation 2, span 5\) is larger"),
    ],
)
def test_bad_geometry_names_the_argument(args: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        output_size(*args)


def test_window2d_from_torch_style_arguments() -> None:
    geometry = Window2d.of(3, padding=(1, 2))
    assert geometry == Window2d((3, 3), (3, 3), (1, 2), (1, 1))
    assert geometry.output_shape(6, 4) == (2, 2)
    with pytest.raises(ValueError, match="stride must be at least 1"):
        Window2d.of(3, stride=0)
    with pytest.raises(ValueError, match="kernel_size must be an int or a pair"):
        Window2d.of((3, 3, 3))
    with pytest.raises(ValueError, match="input width 2: kernel_size 3"):
        Window2d.of(3).output_shape(5, 2)


def test_windows_of_the_slide_example() -> None:
    """3×3 kernel, stride 2, padding 1 over a 4×4 input: 2×2 outputs, corners read padding."""
    found = list(windows(4, 4, Window2d.of(3, 2, 1)))
    assert [(win.row, win.col) for win in found] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    first = found[0].cells
    assert [(c.row, c.col) for c in first[:4]] == [(-1, -1), (-1, 0), (-1, 1), (0, -1)]
    assert [c.padding for c in first] == [True, True, True, True, False, False, True, False, False]
    last = found[-1].cells
    assert (last[-1].row, last[-1].col, last[-1].padding) == (3, 3, False)
    assert (last[-1].kernel_row, last[-1].kernel_col) == (2, 2)


@settings(max_examples=40, deadline=None)
@given(case=geometries(), seed=st.integers(0, 999))
def test_patches_hold_exactly_the_cells_windows_lists(
    case: tuple[int, int, Window2d], seed: int
) -> None:
    h, w, geometry = case
    x = np.random.default_rng(seed).normal(size=(2, h, w))
    view = patches(pad(x, geometry), geometry)
    out_h, out_w = geometry.output_shape(h, w)
    assert view.shape == (2, out_h, out_w, *geometry.kernel)
    assert not view.flags.writeable
    count = 0
    for win in windows(h, w, geometry):
        count += 1
        for cell in win.cells:
            inside = 0 <= cell.row < h and 0 <= cell.col < w
            assert cell.padding == (not inside)
            expected = x[:, cell.row, cell.col] if inside else np.zeros(2)
            np.testing.assert_array_equal(
                view[:, win.row, win.col, cell.kernel_row, cell.kernel_col], expected
            )
    assert count == out_h * out_w


@settings(max_examples=40, deadline=None)
@given(case=geometries(), seed=st.integers(0, 999))
def test_fold_is_the_adjoint_of_patches(case: tuple[int, int, Window2d], seed: int) -> None:
    """⟨patches(x), y⟩ = ⟨x, fold(y)⟩ for all x, y: fold sends window grads back exactly."""
    h, w, geometry = case
    rng = np.random.default_rng(seed)
    xp = pad(rng.normal(size=(3, h, w)), geometry)
    view = patches(xp, geometry)
    y = rng.normal(size=view.shape)
    folded = fold(y, geometry, xp.shape)
    assert folded.shape == xp.shape
    np.testing.assert_allclose((view * y).sum(), (xp * folded).sum(), rtol=1e-10)
    assert unpad(folded, geometry).shape == (3, h, w)
