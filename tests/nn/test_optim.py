"""SGD and Adam take the same steps as torch.optim given the same grads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.engine import record
from gradlab.engine.tensor import Tensor
from gradlab.nn.optim import SGD, Adam, Optimizer

SHAPES = [(3, 4), (5,), (2, 1, 3)]


def _run_both(
    make_ours: Callable[[list[Tensor]], Optimizer],
    make_torch: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    seed: int,
    steps: int,
    dtype: Any = np.float64,
) -> tuple[list[Tensor], list[torch.Tensor], Optimizer, torch.optim.Optimizer]:
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    ours = [Tensor(a.copy(), requires_grad=True) for a in start]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in start]
    opt, ref = make_ours(ours), make_torch(theirs)
    for _ in range(steps):
        for p, q in zip(ours, theirs, strict=True):
            g = rng.normal(size=p.shape).astype(dtype)
            p.grad = g
            q.grad = torch.tensor(g.copy())
        opt.step()
        ref.step()
    return ours, theirs, opt, ref


@settings(max_examples=30, deadline=None)
@given(
    kwargs=st.fixed_dictionaries(
        {
            "lr": st.floats(1e-3, 0.5),
            "momentum": st.sampled_from([0.0, 0.5, 0.9]),
            "nesterov": st.booleans(),
            "weight_decay": st.sampled_from([0.0, 1e-2]),
            "dampening": st.sampled_from([0.0, 0.3]),
        }
    ),
    seed=st.integers(0, 1000),
)
def test_sgd_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    momentum = kwargs["momentum"]
    if momentum == 0.0 or kwargs["dampening"] != 0.0:
        kwargs["nesterov"] = False
    ours, theirs, opt, ref = _run_both(
        lambda ps: SGD(ps, **kwargs),
        lambda ps: torch.optim.SGD(ps, **kwargs),
        seed,
        steps=6,
    )
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-12)
    if momentum:
        buffer = opt.state(ours[0])["momentum_buffer"]
        expected = ref.state[theirs[0]]["momentum_buffer"].numpy()
        np.testing.assert_allclose(buffer, expected, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    kwargs=st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": st.tuples(st.sampled_from([0.0, 0.8, 0.9]), st.sampled_from([0.9, 0.999])),
            "eps": st.sampled_from([1e-8, 1e-3]),
            "weight_decay": st.sampled_from([0.0, 1e-2]),
        }
    ),
    seed=st.integers(0, 1000),
)
def test_adam_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    ours, theirs, opt, ref = _run_both(
        lambda ps: Adam(ps, **kwargs), lambda ps: torch.optim.Adam(ps, **kwargs), seed, steps=7
    )
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-10, atol=1e-12)
    state, expected = opt.state(ours[1]), ref.state[theirs[1]]
    np.testing.assert_allclose(state["exp_avg"], expected["exp_avg"].numpy(), rtol=1e-10)
    np.testing.assert_allclose(state["exp_avg_sq"], expected["exp_avg_sq"].numpy(), rtol=1e-10)
    assert int(state["step"]) == int(expected["step"]) == 7


def test_float32_parameters_stay_float32_and_match_torch() -> None:
    ours, theirs, _, _ = _run_both(
        lambda ps: Adam(ps, lr=0.01),
        lambda ps: torch.optim.Adam(ps, lr=0.01),
        seed=5,
        steps=10,
        dtype=np.float32,
    )
    for p, q in zip(ours, theirs, strict=True):
        assert p.data.dtype == np.float32
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_state_is_a_read_only_copy_and_steps_replace_data() -> None:
    p = Tensor(np.ones(3), requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.full(3, 2.0)
    before = p.data
    opt.step()
    assert p.data is not before
    np.testing.assert_array_equal(before, np.ones(3))  # the old array was not written
    buffer = opt.state(p)["momentum_buffer"]
    with pytest.raises(ValueError, match="read-only"):
        buffer[0] = 5.0
    p.grad = np.full(3, 1.0)
    opt.step()
    np.testing.assert_allclose(buffer, 2.0)  # a copy: the later step did not change it
    np.testing.assert_allclose(opt.state(p)["momentum_buffer"], 0.9 * 2.0 + 1.0)
    with pytest.raises(KeyError):
        opt.state(Tensor(np.ones(1)))


def test_zero_grad_and_parameters_without_grad() -> None:
    a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    opt = Adam([a, b], lr=0.1)
    a.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.data, np.ones(2))  # b had no grad: untouched
    assert "step" not in opt.state(b)
    opt.zero_grad()
    assert a.grad is None
    assert opt.steps == 1


def test_a_real_descent_reduces_a_quadratic() -> None:
    target = np.array([1.0, -2.0, 3.0])
    w = Tensor(np.zeros(3), requires_grad=True)
    for opt in (SGD([w], lr=0.1, momentum=0.9, nesterov=True), Adam([w], lr=0.1)):
        w.data = np.zeros(3)
        for _ in range(300):
            opt.zero_grad()
            loss = ((w - target) ** 2).sum()
            loss.backward()
            opt.step()
        np.testing.assert_allclose(w.data, target, atol=1e-3)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: SGD(ps, lr=-1.0), "lr must be at least 0"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: Adam(ps, betas=(1.0, 0.9)), r"betas\[0\]"),
        (lambda ps: SGD([], lr=0.1), "empty"),
        (lambda ps: SGD(ps + ps, lr=0.1), "more than once"),
    ],
)
def test_bad_hyperparameters(make: Callable[[list[Tensor]], Optimizer], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make([Tensor(np.ones(1), requires_grad=True)])


def test_a_recorded_trace_keeps_the_values_of_its_step() -> None:
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="w")
    loss = (w * w).sum()
    trace = record(loss)
    opt = SGD([w], lr=0.25)
    opt.step()  # record() left dloss/dw = 2w in w.grad
    np.testing.assert_allclose(w.data, [0.5, 1.0])
    np.testing.assert_array_equal(trace.node("w").value, [1.0, 2.0])
    np.testing.assert_array_equal(trace.snapshot(len(trace)).grads[trace.node("w").id], [2.0, 4.0])
