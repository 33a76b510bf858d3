"""The check on deep, wide and broken graphs: fast by construction, readable, never crashing."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from gradlab.check import check_trace, cross_check
from gradlab.check.precise import mp, to_float, value
from gradlab.check.results import SHORT_FORMULA
from gradlab.engine import Value, record
from gradlab.engine.expr import parse


def tanh_chain(layers: int) -> str:
    lines = ["h0 = tanh(x*w0 + b0)"]
    lines += [f"h{i} = tanh(h{i - 1}*w{i} + b{i})" for i in range(1, layers)]
    return "; ".join(lines)


def nested_squares(levels: int) -> str:
    lines = ["a1 = x*x + x"]
    lines += [f"a{i} = a{i - 1}*a{i - 1} + a{i - 1}" for i in range(2, levels + 1)]
    return "; ".join(lines)


def test_a_20_layer_tanh_chain_is_checked_edge_by_edge() -> None:
    program = parse(tanh_chain(20))
    values = {n: 0.5 if n == "x" else 0.9 if n.startswith("w") else 0.1 for n in program.inputs}
    built = program.build(values)
    report = cross_check(built.output, built.inputs)
    assert report.ok
    assert len(report.leaves) == 41
    # the deep total is shown as the chain rule's last step, by name, not a nested formula
    x = report.leaf("x")
    assert x.formula == "dh19/d(x · w0) · w0"
    assert x.symbolic_equal is None  # too large to differentiate whole: numbers decide
    assert x.symbolic == pytest.approx(x.autograd, rel=1e-12)
    # every edge has SymPy's local derivative, written with the parents' names
    tanh_edge = next(e for e in report.edges.values() if "tanh" in e.formula)
    assert len(tanh_edge.formula) < 40


def test_eight_nested_squares_are_checked() -> None:
    built = parse(nested_squares(8)).build({"x": 0.3})
    report = cross_check(built.output, built.inputs)
    assert report.ok
    x = report.leaf("x")
    assert x.autograd == pytest.approx(1.68898e7, rel=1e-5)
    assert x.symbolic == pytest.approx(x.autograd, rel=1e-12)
    assert "da8/da1" in x.formula


def test_small_graphs_get_sympys_whole_derivative_held_to_the_chain_rule() -> None:
    built = parse(nested_squares(3)).build({"x": 0.3})
    x = cross_check(built.output, built.inputs).leaf("x")
    assert x.symbolic_equal is True
    symbol = sp.Symbol("x", real=True)
    exact = sp.diff(_squares_sympy(symbol, 3), symbol).subs(symbol, sp.Rational(3, 10))
    assert x.symbolic == pytest.approx(float(exact), rel=1e-14)
    assert len(x.short_formula) <= SHORT_FORMULA < len(x.formula)
    assert x.short_formula.endswith("…")


def _squares_sympy(x: sp.Symbol, levels: int) -> sp.Expr:
    a = x
    for _ in range(levels):
        a = a * a + a
    return a


def test_an_overflowing_graph_is_reported_not_crashed_on() -> None:
    x = Value(1.0, "x")
    out = x * 1e200 * 1e200 * x
    report = cross_check(out, {"x": x})
    assert not report.ok
    assert "1e200 · 1e200" in report.problem
    assert "inf" in report.problem
    assert math.isnan(report.leaf("x").symbolic)


def test_exp_of_1000_is_named() -> None:
    x = Value(1000.0, "x")
    report = cross_check(x.exp(), {"x": x})
    assert "exp(1000)" in report.problem


def test_an_infinite_slope_is_reported() -> None:
    x = Value(0.0, "x")
    report = cross_check(x**0.5, {"x": x})
    assert not report.ok
    assert "grad of x is inf" in report.problem


def test_kink_notes_belong_to_the_input_with_the_kink() -> None:
    built = parse("f = relu(x) * y + tanh(z)").build({"x": 0.0, "y": 3.0, "z": 0.2})
    report = cross_check(built.output, built.inputs)
    assert "kink of relu" in report.leaf("x").note
    assert report.leaf("y").note == ""
    assert report.leaf("z").note == ""
    assert report.ok


def test_check_trace_takes_plain_records_and_reports_progress() -> None:
    built = parse("q = x + y; f = q * z").build({"x": -2, "y": 5, "z": -4})
    trace = record(built.output)
    seen: list[tuple[float, str]] = []
    report = check_trace(trace, {"x": 0, "y": 1, "z": 3}, lambda f, what: seen.append((f, what)))
    assert report.ok
    assert [leaf.autograd for leaf in report.leaves] == [-4, -4, 3]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_huge_graphs_skip_sympy_but_still_compare_finite_differences() -> None:
    terms = " + ".join(f"w{i} * x" for i in range(1_100))
    built = parse(f"f = {terms}").build({"x": 0.5, **{f"w{i}": 0.1 for i in range(1_100)}})
    report = check_trace(record(built.output), {"x": 1})
    assert report.notes
    assert "SymPy is skipped" in report.notes[0]
    assert report.leaf("x").numeric == pytest.approx(110.0, rel=1e-6)
    assert report.ok


def test_the_precise_evaluator_shares_subexpressions() -> None:
    # 60 nested squares: 3^60 ops written out as a tree, 120 distinct ones
    x = sp.Symbol("x", real=True)
    a = x
    for _ in range(60):
        a = a * a + a
    y = sp.Symbol("y", real=True)
    found = to_float(value(sp.tanh(a * 0 + y), {x: mp(0.0), y: mp(0.5)}))
    assert found == pytest.approx(math.tanh(0.5), rel=1e-15)
    big = to_float(value(a, {x: mp(1e-30)}))
    assert big == pytest.approx(60e-30, rel=1e-6)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda x: sp.log(x - 1), math.nan),
        (lambda x: (x - 2) ** sp.Rational(1, 2), math.nan),
        (lambda x: 1 / (x - 1), math.nan),
        (lambda x: sp.exp(1000 * x), math.inf),
    ],
)
def test_the_precise_evaluator_says_nan_or_inf_where_there_is_no_float(
    make: object, expected: float
) -> None:
    x = sp.Symbol("x", real=True)
    found = to_float(value(make(x), {x: mp(1.0)}))  # type: ignore[operator]
    assert (math.isnan(found) and math.isnan(expected)) or found == expected
