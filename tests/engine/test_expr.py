"""The safe expression language: what it builds, and how it refuses everything else."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradlab.engine import Op, record
from gradlab.engine.expr import MAX_NODES, ExpressionError, parse


def test_assignments_name_their_nodes_and_inputs_come_in_order() -> None:
    program = parse("q = x + y; f = q * z")
    assert program.inputs == ("x", "y", "z")
    assert program.output == "f"
    built = program.build({"x": -2, "y": 5, "z": -4})
    trace = record(built.output)
    assert [(n.label, n.value) for n in trace.nodes] == [
        ("x", -2),
        ("y", 5),
        ("q", 3),
        ("z", -4),
        ("f", -12),
    ]


def test_newlines_constants_functions_and_bare_final_expression() -> None:
    program = parse("h = tanh(2 * x + b)\nrelu(h) ** 2 + leaky_relu(x, 0.2) - elu(-x)")
    assert program.inputs == ("x", "b")
    assert program.output == "f"
    out = program.build({"x": 0.5, "b": -0.25}).output
    assert out.label == "f"
    ops = {n.op for n in record(out).nodes}
    assert {Op.TANH, Op.RELU, Op.POW, Op.LEAKY_RELU, Op.ELU, Op.NEG} <= ops


def test_named_constant_is_not_an_input() -> None:
    program = parse("c = 3; f = c * x")
    assert program.inputs == ("x",)
    assert program.build({"x": 2}).output.data == 6


def test_negative_literal_is_one_constant() -> None:
    out = parse("f = x * -2").build({"x": 3}).output
    assert [n.label for n in record(out).nodes] == ["x", "-2", "f"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("__import__('os').system('x')", "only named functions"),
        ("x.__class__", "attribute access"),
        ("(lambda: 1)()", "only named functions"),
        ("x ** 10 ** 10", "exponent too large"),
        (" + ".join(["x"] * 100_000), "too long"),
        ("(" * 2000 + "x" + ")" * 2000, "nested too deeply"),
        ("-" * 9000 + "x", "nested too deeply|too many nodes"),
        ("é = x + 1", "only ASCII"),
        ("f = x + ÿ", "only ASCII"),
        ("", "empty"),
        ("   \n ", "empty"),
        ("#", "empty"),
        ("# only a note\n", "empty"),
        ("foo(x)", "unknown function 'foo'"),
        ("f = x +", "not a valid expression"),
        ("x ** y", "exponent must be a number"),
        ("f = q * 2; q = x", "used before it is assigned"),
        ("q = x; q = y", "assigned twice"),
        ("exp = x", "is a function"),
        ("f = exp + 1", "is a function"),
        ("f = x[0]", "indexing"),
        ("f = x if y else z", "'if ... else'"),
        ("import os", "'import'"),
        ("f = 'abc'", "not a number"),
        ("f = _x + 1", "cannot start with '_'"),
        ("tanh(x, y)", "one argument"),
        ("f = x\ng = x + 1\ng * 2\nh = 1", "only the last line"),
        ("a, b = x, y", "one name|tuples"),
        ("f = x + 1e400", "number too large"),
    ],
)
def test_bad_input_is_refused_quickly_with_a_clear_message(text: str, words: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ExpressionError, match=words):
        parse(text)
    assert time.perf_counter() - start < 0.5


def test_too_many_nodes() -> None:
    with pytest.raises(ExpressionError, match="too many nodes"):
        parse("+".join(["x"] * (MAX_NODES + 10)))


def test_a_sum_as_long_as_the_node_limit_allows_parses() -> None:
    # a sum of n terms is a tree n levels deep: Python's parser needs room for it
    terms = MAX_NODES // 2
    program = parse("f = " + " + ".join(f"x{i % 7}" for i in range(terms)))
    assert len(program.inputs) == 7


def test_errors_carry_line_and_column() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("q = x + y\nf = foo(q)")
    assert (caught.value.line, caught.value.column) == (2, 5)
    assert str(caught.value).startswith("line 2, column 5: unknown function")


@pytest.mark.parametrize(
    ("text", "values", "words"),
    [
        ("f = log(x)", {"x": -1}, "positive"),
        ("f = 1 / (x - x)", {"x": 2}, "division by zero"),
        ("f = x + y", {"x": 1}, "no value given for input y"),
        ("f = x", {"x": 1, "w": 2}, "w is not an input"),
        ("f = exp(x)", {"x": 1e6}, "range|overflow"),
        ("f = exp(x)", {"x": 1000}, r"column 5: exp\(1000\) overflows a 64-bit float"),
        ("f = x*1e200*1e200*x", {"x": 1}, "1e200 · 1e200 overflows a 64-bit float"),
        ("f = exp(x) * 2", {"x": 6002}, r"exp\(6002\) overflows"),  # not 6,002: 6.002?
        ("q = x ** 3; f = q + 1", {"x": -1e150}, r"column 5: -1e150\^3 overflows"),
        ("f = x * 2", {"x": float("nan")}, "finite"),
        ("q = x; f = q * 2", {"x": 1}, "only renames x"),
    ],
)
def test_build_errors_name_the_problem(text: str, values: dict[str, float], words: str) -> None:
    with pytest.raises(ExpressionError, match=words):
        parse(text).build(values)


def parses_or_refuses(text: str) -> None:
    """Any text either becomes a program that builds, or raises ExpressionError: no other
    exception, no hang."""
    try:
        program = parse(text)
    except ExpressionError:
        return
    with contextlib.suppress(ExpressionError):
        program.build(dict.fromkeys(program.inputs, 0.5))


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_expression_error(text: str) -> None:
    parses_or_refuses(text)


@given(st.text(alphabet="xyz+-*/()0123456789. ;=\nqexpltanhrsigmoud", max_size=120))
def test_expression_like_text_parses_or_raises_expression_error(text: str) -> None:
    parses_or_refuses(text)
