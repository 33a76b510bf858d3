"""Tensor: every op's gradient against central differences and PyTorch, plus the autograd traps."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracles import Fn, check_against_torch, numeric_grads

from gradlab.engine import Op, Tensor, record


def check_grads(fn: Fn, *arrays: np.ndarray, seed: int = 0) -> None:
    """Backprop through fn with a random upstream grad; compare with central differences."""
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    weights = np.random.default_rng(seed).normal(size=out.shape)
    (out * weights).sum().backward()
    for tensor, expected in zip(tensors, numeric_grads(fn, arrays, weights), strict=True):
        assert tensor.grad is not None
        assert tensor.grad.shape == tensor.shape
        np.testing.assert_allclose(tensor.grad, expected, rtol=1e-5, atol=1e-6)


def check_torch(fn: Fn, torch_fn: Callable[..., torch.Tensor], *arrays: np.ndarray) -> None:
    """Forward and grads equal PyTorch's to 1e-6 (float64)."""
    check_against_torch(fn, torch_fn, arrays, seed=1)


small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def arrays(shape: tuple[int, ...], low: float = -3.0, high: float = 3.0) -> st.SearchStrategy:
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, width=64))


def away_from(values: np.ndarray, points: Sequence[float], gap: float = 1e-3) -> np.ndarray:
    """Move entries off kinks, where central differences straddle two slopes."""
    for p in points:
        values = np.where(np.abs(values - p) < gap, p + 2 * gap, values)
    return values


UNARY: dict[str, tuple[Fn, Callable[..., torch.Tensor], tuple[float, float]]] = {
    "exp": (Tensor.exp, torch.exp, (-3.0, 3.0)),
    "log": (Tensor.log, torch.log, (0.1, 5.0)),
    "tanh": (Tensor.tanh, torch.tanh, (-3.0, 3.0)),
    "sigmoid": (Tensor.sigmoid, torch.sigmoid, (-8.0, 8.0)),
    "relu": (Tensor.relu, torch.relu, (-3.0, 3.0)),
    "abs": (Tensor.abs, torch.abs, (-3.0, 3.0)),
    "sqrt": (Tensor.sqrt, torch.sqrt, (0.1, 5.0)),
    "neg": (lambda t: -t, lambda t: -t, (-3.0, 3.0)),
    "pow3": (lambda t: t**3, lambda t: t**3, (-3.0, 3.0)),
    "pow-1.5": (lambda t: t**-1.5, lambda t: t**-1.5, (0.2, 3.0)),
    "clamp": (lambda t: t.clamp(-1.0, 0.5), lambda t: t.clamp(-1.0, 0.5), (-3.0, 3.0)),
    "clamp_min": (lambda t: t.clamp(min=0.2), lambda t: t.clamp(min=0.2), (-3.0, 3.0)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_unary_ops_match_differences_and_torch(name: str, data: st.DataObject) -> None:
    fn, torch_fn, (low, high) = UNARY[name]
    x = data.draw(small_shapes.flatmap(lambda s: arrays(s, low, high)))
    x = away_from(x, [0.0, -1.0, 0.5, 0.2])
    check_grads(fn, x)
    check_torch(fn, torch_fn, x)


BINARY: dict[str, Fn] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


@st.composite
def broadcast_pair(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays whose shapes broadcast: b drops leading axes and sets some sides to 1."""
    shape = draw(small_shapes)
    dropped = draw(st.integers(0, len(shape) - 1))
    other = tuple(1 if draw(st.booleans()) else n for n in shape[dropped:])
    a = draw(arrays(shape))
    b = draw(arrays(other, 0.5, 3.0))
    return (a, b) if draw(st.booleans()) else (b, a)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=20, deadline=None)
@given(pair=broadcast_pair())
def test_binary_ops_unbroadcast_grads(name: str, pair: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = pair
    if name == "div":
        b = np.where(np.abs(b) < 0.5, 1.0, b)
    check_grads(BINARY[name], a, b)
    check_torch(BINARY[name], BINARY[name], a, b)


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(1, 4),
    k=st.integers(1, 4),
    m=st.integers(1, 4),
    batch=st.sampled_from([(), (2,), (3, 1)]),
    vector=st.sampled_from(["none", "left", "right", "both"]),
    seed=st.integers(0, 2**16),
)
def test_matmul_every_operand_rank(
    *, n: int, k: int, m: int, batch: tuple[int, ...], vector: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    a_shape = (k,) if vector in ("left", "both") else (*batch, n, k)
    b_shape = (k,) if vector in ("right", "both") else (m, k)[::-1]
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    check_grads(lambda x, y: x @ y, a, b)
    check_torch(lambda x, y: x @ y, lambda x, y: x @ y, a, b)


@pytest.mark.parametrize("name", ["sum", "mean"])
@settings(max_examples=20, deadline=None)
@given(
    x=small_shapes.flatmap(arrays),
    keepdim=st.booleans(),
    pick=st.integers(-1, 2),
)
def test_sum_and_mean_over_any_dims(name: str, x: np.ndarray, keepdim: bool, pick: int) -> None:
    dim: int | tuple[int, ...] | None = None if pick == -1 else (pick % x.ndim,)
    if isinstance(dim, tuple) and x.ndim > 1 and pick == 2:
        dim = (0, x.ndim - 1)

    def ours(t: Tensor) -> Tensor:
        return getattr(t, name)(dim, keepdim)

    def theirs(t: torch.Tensor) -> torch.Tensor:
        if dim is None:
            return getattr(t, name)().reshape([1] * t.ndim if keepdim else [])
        return getattr(t, name)(dim, keepdim)

    check_grads(ours, x)
    check_torch(ours, theirs, x)


@settings(max_examples=20, deadline=None)
@given(x=small_shapes.flatmap(arrays), keepdim=st.booleans(), pick=st.integers(0, 2))
def test_max_along_a_dim_sends_grad_to_the_argmax(x: np.ndarray, keepdim: bool, pick: int) -> None:
    dim = pick % x.ndim
    check_torch(lambda t: t.max(dim, keepdim), lambda t: t.max(dim, keepdim).values, x)
    # no ties, so the grad has one place to go: x's order, as 0, 0.1, 0.2, ... (adding a
    # ramp to x could make ties of its own: 0.03 + 0 and 0 + 3 * 0.01)
    order = np.argsort(np.argsort(x.ravel(), kind="stable"))
    unique = (order / 10.0).reshape(x.shape)
    check_grads(lambda t: t.max(dim, keepdim), unique)


def test_max_over_everything_splits_ties_evenly_like_torch() -> None:
    x = np.array([[1.0, 3.0], [3.0, 2.0]])
    check_torch(Tensor.max, torch.max, x)
    t = Tensor(x, requires_grad=True)
    t.max().backward()
    np.testing.assert_array_equal(t.grad, [[0.0, 0.5], [0.5, 0.0]])


@settings(max_examples=20, deadline=None)
@given(
    x=hnp.array_shapes(min_dims=2, max_dims=4, max_side=3).flatmap(arrays), seed=st.integers(0, 99)
)
def test_shape_ops(x: np.ndarray, seed: int) -> None:
    order = tuple(np.random.default_rng(seed).permutation(x.ndim))
    cases: list[tuple[Fn, Callable[..., torch.Tensor]]] = [
        (lambda t: t.reshape(-1), lambda t: t.reshape(-1)),
        (lambda t: t.view(x.shape[0], -1), lambda t: t.reshape(x.shape[0], -1)),
        (lambda t: t.flatten(1), lambda t: t.flatten(1)),
        (lambda t: t.transpose(0, -1), lambda t: t.transpose(0, -1)),
        (lambda t: t.permute(*order), lambda t: t.permute(*order)),
        (lambda t: t.T, lambda t: t.permute(*reversed(range(t.ndim)))),
    ]
    for ours, theirs in cases:
        check_grads(ours, x)
        check_torch(ours, theirs, x)


def test_indexing_with_ints_slices_and_repeated_integer_arrays() -> None:
    x = np.random.default_rng(3).normal(size=(4, 3))
    rows = np.array([0, 2, 2, 3, 0])
    cols = np.array([1, 1, 1, 0, 2])
    indexers: list[Callable[[Tensor | torch.Tensor], Tensor | torch.Tensor]] = [
        lambda t: t[1],
        lambda t: t[1:3, ::2],
        lambda t: t[-1, 2],
        lambda t: t[rows],
        lambda t: t[rows, cols],
        lambda t: t[:, [2, 0, 2]],
    ]
    for pick in indexers:
        check_grads(pick, x)  # type: ignore[arg-type]
        check_torch(pick, pick, x)  # type: ignore[arg-type]
    t = Tensor(x, requires_grad=True)
    t[rows, cols].sum().backward()
    assert t.grad is not None
    assert t.grad[2, 1] == 2.0


def test_a_reused_tensor_collects_every_path() -> None:
    a = Tensor([2.0, -1.0], requires_grad=True)
    b = a + a
    c = b * b + b
    c.sum().backward()
    # c = 4a² + 2a, dc/da = 8a + 2
    np.testing.assert_allclose(a.grad, 8 * a.data + 2)


def test_backward_twice_accumulates_on_leaves_and_resets_intermediates() -> None:
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = Tensor(0.5, requires_grad=True)
    loss = (x * w).tanh().sum()
    loss.backward()
    first = x.grad.copy()  # type: ignore[union-attr]
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * first)
    x.grad = None
    loss.backward()
    np.testing.assert_allclose(x.grad, first)


def test_grads_are_read_only_and_accumulation_replaces_them() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    (x * 2).sum().backward()
    first = x.grad
    assert first is not None
    assert not first.flags.writeable
    (x * 2).sum().backward()
    np.testing.assert_array_equal(first, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.grad, [4.0, 4.0, 4.0])


def test_record_on_a_tensor_graph_holds_copies() -> None:
    x = Tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True, label="x")
    w = Tensor([0.3, -0.7], requires_grad=True, label="w")
    h = (x @ w).tanh()
    h.label = "h"
    loss = h.sum()
    trace = record(loss)
    assert [node.op for node in trace.nodes] == [Op.LEAF, Op.LEAF, Op.MATMUL, Op.TANH, Op.SUM]
    x_node, h_node = trace.node("x"), trace.node("h")
    before = np.array(x_node.value)
    grad_before = np.array(trace.snapshot(len(trace)).grads[x_node.id])
    x.data[0, 0] = 100.0
    w.data[:] = 0.0
    loss.backward()
    np.testing.assert_array_equal(x_node.value, before)
    np.testing.assert_array_equal(trace.snapshot(len(trace)).grads[x_node.id], grad_before)
    assert h_node.shape == (2,)
    assert all(edge.local is None for step in trace.backward for edge in step.edges)
    np.testing.assert_allclose(
        grad_before, np.outer(1 - np.tanh(before @ [0.3, -0.7]) ** 2, [0.3, -0.7])
    )


def test_requires_grad_spreads_only_from_leaves_that_ask() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    y = (x * c).sum()
    assert y.requires_grad
    assert not (c * c).requires_grad
    y.backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_float32_stays_float32() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True, dtype=np.float32)
    y = ((2.0 * x + 1) / 3 - 0.5) ** 2
    z = (y.tanh() @ np.ones(3)).mean()
    assert y.dtype == np.float32
    assert z.dtype == np.float32
    z.backward()
    assert x.grad is not None
    assert x.grad.dtype == np.float32
    assert Tensor([1.0]).float().dtype == np.float32
    assert Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert Tensor([1, 2]).dtype == np.float64


def test_cast_passes_the_grad_back_in_the_original_dtype() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x.float() * 3).sum().backward()
    assert x.grad is not None
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_surface() -> None:
    t = Tensor([[1.0, 2.0, 3.0]], label="t")
    assert (t.shape, t.ndim, t.size, t.numel(), len(t)) == ((1, 3), 2, 3, 3, 1)
    assert Tensor(7.0).item() == 7.0
    assert t.numpy() is t.data
    d = Tensor([1.0], requires_grad=True).detach()
    assert not d.requires_grad
    assert d.op is Op.LEAF
    assert "label='t'" in repr(t)
    np.testing.assert_array_equal(t.argmax(1), [2])
    np.testing.assert_array_equal((np.ones(3) - t).data, [[0.0, -1.0, -2.0]])


def test_errors_name_the_problem() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\)"):
        x @ x
    with pytest.raises(ValueError, match=r"reshape a tensor of shape \(2, 3\) into shape \(4,\)"):
        x.reshape(4)
    with pytest.raises(ValueError, match="dim 5 is out of range"):
        x.sum(5)
    with pytest.raises(RuntimeError, match="one-element"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\)"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()
    with pytest.raises(TypeError, match="number exponents"):
        x ** Tensor(2.0)  # type: ignore[operator]
    with pytest.raises(ValueError, match="float32 or float64"):
        Tensor([1, 2], dtype=np.int64)
    with pytest.raises(ValueError, match="does not fit shape"):
        x[5]


def test_backward_with_an_explicit_grad() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 40.0])


def test_a_deep_chain_needs_no_recursion() -> None:
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0])


def test_a_tensor_of_whole_numbers_can_index() -> None:
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    picked = x[Tensor([2.0, 0.0, 2.0])]
    np.testing.assert_array_equal(picked.data, [[4.0, 5.0], [0.0, 1.0], [4.0, 5.0]])
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match="whole numbers"):
        x[Tensor([0.5])]
