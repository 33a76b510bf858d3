"""Per-layer statistics against NumPy's own histogram, mean and std (the oracle)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradlab.nn.stats import ACTIVATION_EDGES, GRAD_EDGES, _linear, _logarithmic

# bin edges themselves, far outliers and tiny magnitudes, besides ordinary values
SPECIAL = st.sampled_from([-3.0, 3.0, -2.75, 0.0, 0.25, 1e-12, -1e-7, 50.0, -1e4])
VALUES = st.one_of(st.floats(-10, 10, allow_nan=False), SPECIAL)


@given(hnp.arrays(np.float64, st.integers(1, 300), elements=VALUES), st.booleans())
@settings(max_examples=200, deadline=None)
def test_activation_and_gradient_stats_match_numpy(values: np.ndarray, single: bool) -> None:
    x = values.astype(np.float32) if single else values
    expected, _ = np.histogram(
        np.clip(x, ACTIVATION_EDGES[0], ACTIVATION_EDGES[-1]), ACTIVATION_EDGES
    )
    linear = _linear(x)
    assert linear.counts == tuple(expected)
    assert linear.mean == pytest.approx(float(x.mean(dtype=np.float64)), abs=1e-9)
    assert linear.std == pytest.approx(float(x.std(dtype=np.float64)), rel=1e-9, abs=1e-9)
    magnitude = np.log10(np.maximum(np.abs(x), 1e-30))
    expected, _ = np.histogram(np.clip(magnitude, GRAD_EDGES[0], GRAD_EDGES[-1]), GRAD_EDGES)
    assert _logarithmic(x).counts == tuple(expected)
