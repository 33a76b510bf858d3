"""The scalar engine: every op's stored local derivative against finite differences, and the
classic autograd traps (reused nodes, deep chains, backward twice)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gradlab.engine import Op, Value
from gradlab.engine.scalar_ops import SCALAR_OPS

UNARY = {entry.op.key: entry for entry in SCALAR_OPS.values() if entry.operands == 1}
"""Every op of one operand, from the registry; the ops that take a number get one of NUMBERS."""
NUMBERS = [0.1, 0.7, 2.0, 3.0]

inputs = st.floats(-4, 4).filter(lambda x: abs(x) > 1e-3)


def slope(f: Callable[[Value], Value], x: float, h: float = 1e-6) -> float:
    return (f(Value(x + h)).data - f(Value(x - h)).data) / (2 * h)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(x=inputs, number=st.sampled_from(NUMBERS))
def test_unary_local_derivative_matches_finite_difference(
    name: str, x: float, number: float
) -> None:
    entry = UNARY[name]

    def f(v: Value) -> Value:
        return entry.apply((v,), number if entry.parameter is not None else None)

    try:
        out = f(Value(x))
    except ValueError:  # outside the op's domain: log(-1), (-1) ** 0.5
        assume(False)
    assert out.local[0] == pytest.approx(slope(f, x), rel=1e-5, abs=1e-6)


@given(x=st.floats(0.05, 5))
def test_log_and_fractional_power(x: float) -> None:
    assert Value(x).log().local[0] == pytest.approx(slope(Value.log, x), rel=1e-5)
    root = lambda v: v**0.5  # noqa: E731
    assert root(Value(x)).local[0] == pytest.approx(slope(root, x), rel=1e-5)


@given(a=inputs, b=inputs)
def test_binary_ops_and_their_reflections(a: float, b: float) -> None:
    x, y = Value(a), Value(b)
    for out, expected in [(x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b)]:
        assert out.data == pytest.approx(expected)
    assert (2 + x).data == pytest.approx(2 + a)
    assert (2 - x).data == pytest.approx(2 - a)
    assert (2 * x).data == pytest.approx(2 * a)
    assert (2 / x).data == pytest.approx(2 / a)
    q = x / y
    q.backward()
    assert x.grad == pytest.approx(1 / b)
    assert y.grad == pytest.approx(-a / b**2)


def test_chain_rule_example() -> None:
    x, y, z = Value(-2, "x"), Value(5, "y"), Value(-4, "z")
    q = x + y
    f = q * z
    f.backward()
    assert (q.data, f.data) == (3, -12)
    assert (x.grad, y.grad, z.grad, q.grad) == (-4, -4, 3, -4)


def test_reused_node_accumulates() -> None:
    a = Value(1.0, "a")
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4
    assert b.grad == 2


def test_ten_thousand_deep_chain() -> None:
    x = Value(0.5, "x")
    out = x
    for _ in range(10_000):
        out = out * 1.0001 + 0.0
    out.backward()
    assert x.grad == pytest.approx(1.0001**10_000)


def test_backward_twice_accumulates_on_leaves_only() -> None:
    x = Value(3.0, "x")
    y = x * x
    z = y * 2
    z.backward()
    z.backward()
    assert x.grad == 2 * 12  # leaves accumulate, as in PyTorch
    assert y.grad == 2  # intermediates belong to one pass


def test_relu_and_step_conventions_at_zero() -> None:
    assert Value(0.0).relu().local == (0.0,)
    assert Value(0.0).step().local == (0.0,)
    assert Value(0.0).leaky_relu(0.2).local == (0.2,)


def test_stable_sigmoid_and_softplus_at_extremes() -> None:
    assert Value(-1000).sigmoid().data == 0.0
    assert Value(1000).sigmoid().data == 1.0
    assert Value(1000).softplus().data == 1000
    assert Value(-1000).softplus().data == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(1) / Value(0), ZeroDivisionError, "division by zero"),
        (lambda: Value(-1).log(), ValueError, "positive"),
        (lambda: Value(-8) ** 0.5, ValueError, "negative base"),
        (lambda: Value(0) ** -1, ZeroDivisionError, "negative power"),
        (lambda: Value(2) ** Value(2), TypeError, "number exponents"),
    ],
)
def test_domain_errors_say_what_is_wrong(
    make: Callable[[], Value], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        make()


def test_results_beyond_the_float_range_are_infinite_not_errors() -> None:
    # as IEEE arithmetic and PyTorch: exp(1000) is inf as 1e200 * 1e200 is
    assert Value(1000.0).exp().data == math.inf
    assert (Value(1e200) * 1e200).data == math.inf
    assert (Value(1e200) ** 2).data == math.inf
    assert (Value(-1e200) ** 3).data == -math.inf
    assert (Value(-1e200) ** 2).data == math.inf
    assert (Value(1e200) ** 3).local == (math.inf,)


def test_ops_record_their_kind_and_argument() -> None:
    x = Value(2.0, "x")
    assert (x**3).op is Op.POW
    assert (x**3).arg == 3
    assert x.leaky_relu(0.3).arg == 0.3
    assert math.isinf((Value(0.0) ** 0.5).local[0])


def test_matches_micrograd_on_an_mlp() -> None:
    engine = pytest.importorskip("micrograd.engine")
    from benchmarks.scalar import ScalarMLP, moons

    x, y = moons(20, 0.1, seed=3)
    grads = []
    for value in (Value, engine.Value):
        model = ScalarMLP(value, (2, 4, 1), seed=7)
        scores = [model([value(v) for v in row]) for row in x]
        loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True))
        loss.backward()
        grads.append([p.grad for p in model.parameters()])
    assert grads[0] == pytest.approx(grads[1], rel=1e-12)
