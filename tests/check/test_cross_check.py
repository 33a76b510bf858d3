"""Autograd against SymPy and finite differences, on random expressions over the whole op set."""

from __future__ import annotations

import math

import pytest
from expression_text import written
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradlab.check import central_difference, cross_check
from gradlab.engine import Op, Value
from gradlab.engine.expr import ExpressionError, parse
from gradlab.engine.scalar_ops import SCALAR_OPS, ScalarOp

NUMBERS = ["2", "3", "-1", "0.1", "0.5"]
"""The numbers given to the ops that take one (exponents, slopes), besides their defaults."""
NAMES = ["x", "y", "z"]


def operand(entry: ScalarOp, text: str) -> str:
    # log's argument is made positive, or half of all expressions with a log would be refused
    return f"1 + ({text}) ** 2" if entry.op is Op.LOG else f"({text})"


def applied(entry: ScalarOp, inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`entry` written on random subexpressions, with a number if it takes one."""
    if entry.parameter is None:
        number: st.SearchStrategy[str | None] = st.none()
    elif entry.parameter.default is None:
        number = st.sampled_from(NUMBERS)
    else:
        number = st.none() | st.sampled_from(NUMBERS)
    arguments = st.lists(inner, min_size=entry.operands, max_size=entry.operands)
    return st.builds(
        lambda texts, n: written(entry, [operand(entry, t) for t in texts], n), arguments, number
    )


def expressions() -> st.SearchStrategy[str]:
    """Random expressions over every scalar op of the registry."""
    leaves = st.sampled_from(NAMES) | st.sampled_from(["2", "0.5", "3"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.sampled_from(list(SCALAR_OPS.values())).flatmap(lambda e: applied(e, inner))

    return st.recursive(leaves, extend, max_leaves=7)


point = st.floats(-2, 2).filter(lambda v: abs(v) > 0.01)


@settings(max_examples=60, deadline=None)
@given(text=expressions(), x=point, y=point, z=point)
def test_autograd_agrees_with_sympy_and_finite_differences(
    text: str, x: float, y: float, z: float
) -> None:
    try:
        program = parse(f"out = {text}")
        built = program.build(
            {n: v for n, v in zip(NAMES, (x, y, z), strict=True) if n in program.inputs}
        )
    except ExpressionError:
        assume(False)
        return
    assume(all(math.isfinite(v) and abs(v) < 1e6 for v in [built.output.data]))
    report = cross_check(built.output, built.inputs)
    for leaf in report.leaves:
        assert leaf.symbolic == pytest.approx(leaf.autograd, rel=1e-9, abs=1e-12), leaf
        if not leaf.note:
            scale = max(1.0, abs(leaf.autograd))
            assert abs(leaf.numeric - leaf.autograd) <= 1e-4 * scale, leaf
        assert leaf.symbolic_equal is not False, leaf
    assert all(edge.agree for edge in report.edges.values())


def test_chain_rule_report() -> None:
    built = parse("q = x + y; f = q * z").build({"x": -2, "y": 5, "z": -4})
    report = cross_check(built.output, built.inputs)
    assert report.ok
    assert [(leaf.label, leaf.autograd, leaf.formula) for leaf in report.leaves] == [
        ("x", -4, "z"),
        ("y", -4, "z"),
        ("z", 3, "x + y"),
    ]
    assert report.edge(2, 0).formula == "1"  # dq/dx of q = x + y
    assert report.edge(4, 0).formula == "z"  # df/dq of f = q * z
    assert report.edge(4, 1).formula == "q"


def test_reused_node_has_one_local_derivative_per_edge() -> None:
    built = parse("b = a + a; c = b + b").build({"a": 1})
    report = cross_check(built.output, built.inputs)
    assert report.leaf("a").autograd == 4
    assert [report.edge(1, k).formula for k in (0, 1)] == ["1", "1"]


def test_relu_kink_is_explained_not_failed() -> None:
    built = parse("f = relu(x) * y").build({"x": 0.0, "y": 3.0})
    report = cross_check(built.output, built.inputs)
    x = report.leaf("x")
    assert x.autograd == 0 == x.symbolic  # relu'(0) = 0, as PyTorch
    assert x.numeric == pytest.approx(1.5)  # finite differences see the average slope
    assert "kink of relu" in x.note
    assert report.ok


def test_a_wrong_local_derivative_is_caught() -> None:
    x = Value(0.3, "x")
    out = x.tanh()
    out.local = (0.5,)  # sabotage the stored derivative
    report = cross_check(out, {"x": x})
    assert not report.ok
    assert not report.edge(1, 0).agree
    assert not report.leaf("x").agree


def test_central_difference_is_nan_outside_the_domain() -> None:
    x = Value(1e-9, "x")
    assert math.isnan(central_difference(x.log(), x, h=1e-6))
