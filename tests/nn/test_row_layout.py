"""The row layout of conv2d: its windows are those of `patches` once wrapped reads are zeroed,
and its fold is their adjoint."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.nn.row_layout import RowLayout
from gradlab.nn.windows import Window2d, pad, patches


@st.composite
def geometries(draw: st.DrawFn) -> tuple[int, int, Window2d]:
    """An input size and a geometry whose window fits; padding up to 3 so that reads can wrap
    more than a row's width on narrow inputs."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    geometry = Window2d(kernel, stride, padding, dilation)
    span_h, span_w = geometry.span
    h = draw(st.integers(max(1, span_h - 2 * padding[0]), 8))
    w = draw(st.integers(max(1, span_w - 2 * padding[1]), 8))
    return h, w, geometry


def _zero_wrapped(view: np.ndarray, layout: RowLayout) -> np.ndarray:
    """A copy of a (..., kh, kw, oh, L) array with the wrapped reads zeroed."""
    out = view.copy()
    for b, columns in layout.wrapped():
        out[..., b, :, columns] = 0
    return out


@settings(max_examples=60, deadline=None)
@given(case=geometries(), seed=st.integers(0, 999))
def test_row_windows_are_the_windows_of_patches(case: tuple[int, int, Window2d], seed: int) -> None:
    h, w, geometry = case
    x = np.random.default_rng(seed).normal(size=(2, 3, h, w))
    layout = RowLayout.of(h, w, geometry)
    x_rows = layout.pad(x)
    np.testing.assert_array_equal(layout.crop(x_rows), x)
    view = layout.patches(x_rows)
    assert not view.flags.writeable
    assert view.shape == (2, 3, *geometry.kernel, layout.out_h, layout.length)
    assert layout.length >= layout.out_w
    expected = patches(pad(x, geometry), geometry).transpose(0, 1, 4, 5, 2, 3)
    real = _zero_wrapped(view, layout)[..., : layout.out_w]
    np.testing.assert_array_equal(real, expected)


def test_a_same_convolution_has_no_junk_columns() -> None:
    layout = RowLayout.of(28, 28, Window2d.of(3, 1, 1))
    assert (layout.out_w, layout.length, layout.row) == (28, 28, 28)
    assert list(layout.wrapped()) == [(0, slice(0, 1)), (2, slice(27, 28))]


@settings(max_examples=60, deadline=None)
@given(case=geometries(), seed=st.integers(0, 999))
def test_fold_is_the_adjoint_of_the_row_windows(case: tuple[int, int, Window2d], seed: int) -> None:
    """⟨patches(x), y⟩ = ⟨x, fold(y)⟩ for every y that is zero at the wrapped reads and in the
    junk columns, as conv2d's grads are."""
    h, w, geometry = case
    rng = np.random.default_rng(seed)
    layout = RowLayout.of(h, w, geometry)
    x_rows = layout.pad(rng.normal(size=(2, h, w)))
    view = layout.patches(x_rows)
    y = _zero_wrapped(rng.normal(size=view.shape), layout)
    y[..., layout.out_w :] = 0.0
    folded = layout.fold(y)
    assert folded.shape == x_rows.shape
    np.testing.assert_allclose((view * y).sum(), (x_rows * folded).sum(), rtol=1e-10)
