"""gradlab.nn.functional against central differences and torch.nn.functional (float64, 1e-6)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import Fn, check_against_torch

from gradlab.engine import Op, Tensor
from gradlab.nn import functional as F


def check(
    fn: Fn, torch_fn: Callable[..., torch.Tensor], *arrays: np.ndarray, seed: int = 0
) -> None:
    """Forward and grads equal PyTorch's to 1e-6, and grads equal central differences."""
    check_against_torch(fn, torch_fn, arrays, seed=seed, numeric_rtol=1e-5)


def off_kinks(x: np.ndarray, gap: float = 1e-3) -> np.ndarray:
    return np.where(np.abs(x) < gap, 2 * gap, x)


shapes = st.sampled_from([(5,), (2, 3), (2, 3, 2)])
seeds = st.integers(0, 10_000)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, slope=st.floats(0.0, 0.5), alpha=st.floats(0.1, 2.0))
def test_activations(shape: tuple[int, ...], seed: int, slope: float, alpha: float) -> None:
    x = off_kinks(3 * np.random.default_rng(seed).normal(size=shape))
    check(F.relu, TF.relu, x)
    check(F.sigmoid, torch.sigmoid, x)
    check(F.tanh, torch.tanh, x)
    check(lambda t: F.leaky_relu(t, slope), lambda t: TF.leaky_relu(t, slope), x)
    check(lambda t: F.elu(t, alpha), lambda t: TF.elu(t, alpha), x)
    check(F.softplus, TF.softplus, x)
    check(lambda t: F.softplus(t, 2.0, 3.0), lambda t: TF.softplus(t, 2.0, 3.0), x)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, pick=st.integers(0, 2))
def test_softmax_and_log_softmax(shape: tuple[int, ...], seed: int, pick: int) -> None:
    dim = pick % len(shape) - (1 if pick == 2 else 0)
    x = 2 * np.random.default_rng(seed).normal(size=shape)
    check(lambda t: F.softmax(t, dim), lambda t: TF.softmax(t, dim), x)
    check(lambda t: F.log_softmax(t, dim), lambda t: TF.log_softmax(t, dim), x)


def test_softmax_is_stable_for_huge_logits() -> None:
    x = np.array([[1000.0, 1001.0, -1000.0]])
    np.testing.assert_allclose(F.softmax(Tensor(x), 1).data, TF.softmax(torch.tensor(x), 1).numpy())
    np.testing.assert_allclose(
        F.log_softmax(Tensor(x), 1).data, TF.log_softmax(torch.tensor(x), 1).numpy()
    )
    assert np.isfinite(F.cross_entropy(Tensor(x), np.array([2])).item())


@settings(max_examples=10, deadline=None)
@given(seed=seeds, batch=st.sampled_from([(4,), (2, 3), ()]), bias=st.booleans())
def test_linear_is_one_node(seed: int, batch: tuple[int, ...], bias: bool) -> None:
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(*batch, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    if bias:
        check(F.linear, TF.linear, x, w, b)
    else:
        check(F.linear, TF.linear, x, w)
    assert F.linear(Tensor(x), Tensor(w), Tensor(b)).op is Op.LINEAR


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_class_losses(reduction: str) -> None:
    rng = np.random.default_rng(5)
    logits, labels = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 3])
    target = torch.tensor(labels)
    check(
        lambda t: F.cross_entropy(t, labels, reduction=reduction),  # type: ignore[arg-type]
        lambda t: TF.cross_entropy(t, target, reduction=reduction),
        logits,
    )
    check(
        lambda t: F.nll_loss(F.log_softmax(t, 1), labels, reduction=reduction),  # type: ignore[arg-type]
        lambda t: TF.nll_loss(TF.log_softmax(t, 1), target, reduction=reduction),
        logits,
    )
    assert F.cross_entropy(Tensor(logits), labels).op is Op.CROSS_ENTROPY


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_binary_losses(reduction: str) -> None:
    rng = np.random.default_rng(6)
    scores, target = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    probs, bits = rng.uniform(0.05, 0.95, size=(7,)), rng.uniform(0, 1, size=(7,))
    kw = {"reduction": reduction}
    check(lambda a, b: F.mse_loss(a, b, **kw), lambda a, b: TF.mse_loss(a, b, **kw), scores, target)
    check(
        lambda a, b: F.binary_cross_entropy(a, b, **kw),
        lambda a, b: TF.binary_cross_entropy(a, b, **kw),
        probs,
        bits,
    )
    check(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, **kw),
        lambda a, b: TF.binary_cross_entropy_with_logits(a, b, **kw),
        scores,
        target,
    )


def test_hinge_loss() -> None:
    rng = np.random.default_rng(7)
    s, y = off_kinks(rng.normal(size=8) - 1.0) + 1.0, np.sign(rng.normal(size=8))
    y_t = torch.tensor(y)
    check(lambda t: F.hinge_loss(t, y), lambda t: torch.clamp(1 - y_t * t, min=0).mean(), s)
    check(
        lambda t: F.hinge_loss(t, y, reduction="sum"),
        lambda t: torch.clamp(1 - y_t * t, min=0).sum(),
        s,
    )


def test_binary_cross_entropy_clamps_logs_like_torch() -> None:
    p, y = np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])
    expected = TF.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction="none")
    np.testing.assert_allclose(
        F.binary_cross_entropy(Tensor(p), y, reduction="none").data, expected.numpy()
    )
    big = np.array([800.0, -800.0])
    loss = F.binary_cross_entropy_with_logits(Tensor(big), np.array([0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [800.0, 800.0])


@pytest.mark.parametrize("shape", [(6, 3), (4, 2, 3), (3, 2, 3, 2)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training_and_running_stats(shape: tuple[int, ...], affine: bool) -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(2.0, 3.0, size=shape)
    c = shape[1]
    w, b = rng.normal(size=c), rng.normal(size=c)
    params = (w, b) if affine else ()
    mean_ours, var_ours = np.zeros(c), np.ones(c)
    mean_torch, var_torch = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    F.batch_norm(Tensor(x), mean_ours, var_ours, training=True, momentum=0.2)
    TF.batch_norm(torch.tensor(x), mean_torch, var_torch, training=True, momentum=0.2)
    np.testing.assert_allclose(mean_ours, mean_torch.numpy())
    np.testing.assert_allclose(var_ours, var_torch.numpy())  # updated with the unbiased variance

    # the grads, with throwaway running statistics (central differences call fn many times)
    def ours(t: Tensor, *wb: Tensor) -> Tensor:
        return F.batch_norm(t, np.zeros(c), np.ones(c), *wb, training=True)

    def theirs(t: torch.Tensor, *wb: torch.Tensor) -> torch.Tensor:
        return TF.batch_norm(t, None, None, *wb, training=True)

    check(ours, theirs, x, *params)
    # evaluation uses the running statistics and leaves them alone
    before = mean_ours.copy()
    check(
        lambda t, *wb: F.batch_norm(t, mean_ours, var_ours, *wb),
        lambda t, *wb: TF.batch_norm(t, mean_torch, var_torch, *wb),
        x,
        *params,
    )
    np.testing.assert_array_equal(mean_ours, before)


def test_dropout_is_seeded_inverted_and_differentiable() -> None:
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    a = F.dropout(x, 0.3, rng=np.random.default_rng(1))
    b = F.dropout(x, 0.3, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.data, b.data)
    assert set(np.unique(a.data)) == {0.0, 1 / 0.7}
    assert abs((a.data == 0).mean() - 0.3) < 0.02
    assert a.op is Op.DROPOUT
    a.sum().backward()
    np.testing.assert_array_equal(x.grad, a.data)  # d out/dx = mask/(1 − p) = out for x = 1
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0.0)


def test_bad_arguments_name_themselves() -> None:
    x = Tensor(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"class indices must lie in 0..3, got 0..4"):
        F.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(
        ValueError, match=r"target must be class indices of shape \(3,\), got \(2,\)"
    ):
        F.nll_loss(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape \(3, 4\)"):
        F.mse_loss(x, np.ones(4))
    with pytest.raises(ValueError, match="reduction must be"):
        F.mse_loss(x, np.ones((3, 4)), reduction="avg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must lie in"):
        F.binary_cross_entropy(x * 2, np.ones((3, 4)))
    with pytest.raises(ValueError, match="-1 or 1"):
        F.hinge_loss(x, np.zeros((3, 4)))
    with pytest.raises(
        ValueError, match=r"linear: input shape \(3, 4\) does not fit weight shape \(2, 3\)"
    ):
        F.linear(x, Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match="p must lie in"):
        F.dropout(x, 1.5)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(Tensor(np.ones((1, 3))), None, None, training=True)
    with pytest.raises(ValueError, match=r"running_mean must have shape \(4,\)"):
        F.batch_norm(x, np.zeros(3), np.ones(4))


def test_float32_stays_float32_through_the_functionals() -> None:
    x = Tensor(np.random.default_rng(9).normal(size=(4, 3)), requires_grad=True, dtype=np.float32)
    w = Tensor(np.ones((2, 3)), dtype=np.float32)
    h = F.dropout(F.elu(F.linear(x, w)), 0.5, rng=np.random.default_rng(0))
    loss = F.cross_entropy(F.log_softmax(h, 1), np.array([0, 1, 1, 0]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad is not None
    assert x.grad.dtype == np.float32
