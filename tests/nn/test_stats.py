"""Per-layer statistics against NumPy's own histogram, mean and std (the oracle); the bands
against NumPy's percentiles and the normal distribution; the health checks against torch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradlab.data import playground
from gradlab.nn.layers import Linear, ReLU, Sigmoid, Tanh
from gradlab.nn.models import mlp
from gradlab.nn.optim import SGD, Adam
from gradlab.nn.stats import (
    ACTIVATION_EDGES,
    BAND_POINTS,
    GRAD_EDGES,
    SATURATED,
    _linear,
    _logarithmic,
    percentiles,
    saturation,
)
from gradlab.nn.train import fit

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


# ---- TensorBoard's bands and Karpathy's health checks ----------------------------------------


def test_the_bands_sit_half_a_sigma_apart_on_normal_data() -> None:
    values = np.random.default_rng(0).standard_normal(400_000)
    bands = percentiles(np.array(_linear(values).counts), ACTIVATION_EDGES)[0]
    # the 7/16/31/50/69/84/93 % points of N(0, 1) are -1.5, -1, -0.5, 0, 0.5, 1, 1.5 σ (and the
    # integer percentiles 69/31, 84/16, 93/7 of a normal are ±0.496, ±0.994, ±1.476 σ)
    assert bands[1:-1] == pytest.approx([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5], abs=0.02)
    assert (bands[0], bands[-1]) == pytest.approx((-3.0, 3.0))  # beyond the bins: at the ends
    assert list(BAND_POINTS) == [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000]


@given(hnp.arrays(np.float64, st.integers(1, 400), elements=st.floats(-2.99, 2.99)))
@settings(max_examples=150, deadline=None)
def test_a_band_is_within_a_bin_of_numpys_percentile(values: np.ndarray) -> None:
    counts = np.array(_linear(values).counts)
    bands = percentiles(counts, ACTIVATION_EDGES)[0]
    width = ACTIVATION_EDGES[1] - ACTIVATION_EDGES[0]
    for point, band in zip(BAND_POINTS, bands, strict=True):
        exact = np.percentile(values, point / 100, method="inverted_cdf")
        assert abs(band - exact) <= width + 1e-9
    assert np.all(np.diff(bands) >= -1e-12)  # the bands nest


def test_rows_are_banded_each_on_its_own_and_an_empty_one_is_nan() -> None:
    rows = np.zeros((2, len(GRAD_EDGES) - 1))
    rows[1, 4] = 10  # every value in one bin: the bands spread evenly across it
    bands = percentiles(rows, GRAD_EDGES)
    assert np.isnan(bands[0]).all()
    assert bands[1] == pytest.approx(GRAD_EDGES[4] + np.array(BAND_POINTS) / 1e4 * 0.5)


def test_saturation_counts_the_flat_tails_of_tanh_and_sigmoid_and_relus_zeros() -> None:
    t = np.array([0.0, 0.5, -0.96, 0.971, -0.99, 1.0])
    assert saturation(Tanh(), t) == pytest.approx(3 / 6)
    s = (t + 1.0) / 2.0  # the same points as sigmoid outputs: the same share
    assert saturation(Sigmoid(), s) == pytest.approx(3 / 6)
    assert saturation(ReLU(), np.array([0.0, 0.0, 2.0, 0.5])) == pytest.approx(0.5)
    assert saturation(Linear(2, 2, rng=0), t) is None


def test_grad_data_and_update_data_of_an_sgd_step_match_torch() -> None:
    torch = pytest.importorskip("torch")
    data = playground("moons", 64, test_fraction=0.0, seed=0)
    x, y = data.x_train, data.y_train
    model = mlp((2, 8, 8, 2), activation="tanh", rng=3)
    twin = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 2),
    )  # fmt: skip
    with torch.no_grad():
        for ours, theirs in zip(model.parameters(), twin.parameters(), strict=True):
            theirs.copy_(torch.tensor(np.array(ours.data)))
    lr = 0.3
    record = next(
        iter(
            fit(
                model,
                (x, y),
                "cross_entropy",
                SGD(model.parameters(), lr),
                batch_size=64,
                stats=True,
            )
        )
    )
    out = twin(torch.tensor(x, dtype=torch.float32))
    torch.nn.functional.cross_entropy(out, torch.tensor(y)).backward()
    stats = {layer.name: layer for layer in record.stats}
    for index in ("0", "2", "4"):
        weight = twin[int(index)].weight
        # Karpathy's p.grad.std() / p.std() and ((lr * p.grad).std() / p.data.std()), with
        # NumPy's population std on both sides (the ratio is the same either way)
        expected = float(weight.grad.std(unbiased=False) / weight.data.std(unbiased=False))
        assert stats[index].grad_data == pytest.approx(expected, rel=1e-4)
        assert stats[index].update_data == pytest.approx(lr * expected, rel=1e-3)
    tanh = stats["1"]
    hidden = np.tanh(twin[0](torch.tensor(x, dtype=torch.float32)).detach().numpy())
    assert tanh.saturated == pytest.approx(float(np.mean(np.abs(hidden) > SATURATED)))
    assert tanh.grad_data is None
    assert tanh.update_data is None


def test_update_data_is_measured_so_adam_counts_as_it_acts() -> None:
    x, y = _points()
    model = mlp((2, 8, 2), rng=0)
    before = np.array(model[0].weight.data)
    record = next(
        iter(fit(model, (x, y), "cross_entropy", Adam(model.parameters(), 0.01), stats=True))
    )
    change = np.asarray(model[0].weight.data, np.float64) - before
    expected = change.std() / before.std()
    assert record.stats[0].update_data == pytest.approx(expected, rel=1e-6)
    # Adam's first step moves every weight by about lr, whatever its grad: not lr·grad
    assert record.stats[0].update_data != pytest.approx(0.01 * record.stats[0].grad_data)


def _points() -> tuple[np.ndarray, np.ndarray]:
    data = playground("gaussian", 40, test_fraction=0.0, seed=1)
    return data.x_train, data.y_train
