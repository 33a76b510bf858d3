"""The tensor expression language: shapes declared, checked by arithmetic before anything is
allocated, and grads that equal PyTorch's (torch is the oracle; NumPy's own broadcasting and
matmul rules are the oracle for the shape arithmetic)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from gradlab.engine import Op, record
from gradlab.engine.expr import ExpressionError, Program
from gradlab.engine.tensor_expr import (
    TensorProgram,
    is_tensor_text,
    parse_program,
    parse_tensor,
    seeded,
)
from gradlab.engine.tensor_shapes import MAX_DIMS, MAX_ENTRIES, MAX_SIDE, MAX_TOTAL_ENTRIES
from gradlab.engine.tensor_syntax import FUNCTIONS
from gradlab.state.graph.tensor_check import MAX_CHECKED

MLP = """\
X: (3, 2)
W1: (2, 4)
b1: (4,)
W2: (4, 1)
b2: (1,)
Y: (3, 1)
h = tanh(X @ W1 + b1)
out = h @ W2 + b2
L = mean((out - Y) ** 2)
"""


def torch_mlp(values: dict[str, np.ndarray]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    t = {name: torch.tensor(value, requires_grad=True) for name, value in values.items()}
    h = torch.tanh(t["X"] @ t["W1"] + t["b1"])
    loss = ((h @ t["W2"] + t["b2"] - t["Y"]) ** 2).mean()
    loss.backward()
    return loss, t


def test_a_2_4_1_mlp_on_3_points_matches_torch_forward_and_backward() -> None:
    program = parse_program(MLP)
    assert isinstance(program, TensorProgram)
    assert program.inputs == ("X", "W1", "b1", "W2", "b2", "Y")
    assert program.shapes["W1"] == (2, 4)
    values = program.seeded()
    built = program.build(values)
    trace = record(built.output)
    loss, expected = torch_mlp(values)
    assert float(trace.nodes[trace.root].value) == pytest.approx(loss.item(), rel=1e-12)
    for name, leaf in built.inputs.items():
        grad = expected[name].grad
        assert grad is not None
        np.testing.assert_allclose(leaf.grad, grad.numpy(), rtol=1e-12, atol=1e-15)
    shapes = {node.label: node.shape for node in trace.nodes if node.label}
    assert shapes["h"] == (3, 4)
    assert shapes["out"] == (3, 1)
    assert shapes["L"] == ()


def test_one_line_with_semicolons_is_the_same_program() -> None:
    one_line = "; ".join(line for line in MLP.splitlines() if line)
    a, b = parse_tensor(MLP), parse_tensor(one_line)
    assert (a.inputs, a.shapes, a.output) == (b.inputs, b.shapes, b.output)


def test_a_broadcast_bias_grad_is_the_sum_over_rows() -> None:
    program = parse_tensor("X: (3, 4); b: (4,); L = sum(tanh(X + b) * X)")
    values = program.seeded()
    built = program.build(values)
    trace = record(built.output)
    add = next(node for node in trace.nodes if node.op is Op.ADD)
    step = next(s for s in trace.backward if s.node == add.id)
    upstream = np.asarray(step.grad)
    assert upstream.shape == (3, 4)
    bias = built.inputs["b"].grad
    assert bias is not None
    np.testing.assert_allclose(bias, upstream.sum(axis=0), rtol=1e-12)
    x, b = (torch.tensor(values[k], requires_grad=True) for k in ("X", "b"))
    (torch.tanh(x + b) * x).sum().backward()
    assert b.grad is not None
    np.testing.assert_allclose(bias, b.grad.numpy(), rtol=1e-12)


def test_transpose_sum_over_a_dim_and_numbers_against_torch() -> None:
    program = parse_tensor(
        "A: (2, 3); v: 2; c = sum(relu(A.T) * 2, 1); f = mean(transpose(A) @ v + c - 1)"
    )
    values = program.seeded()
    built = program.build(values)
    built.output.backward()
    a, v = (torch.tensor(values[k], requires_grad=True) for k in ("A", "v"))
    c = (torch.relu(a.T) * 2).sum(1)
    f = (a.T @ v + c - 1).mean()
    f.backward()
    assert built.output.item() == pytest.approx(f.item(), rel=1e-12)
    for name, tensor in (("A", a), ("v", v)):
        assert tensor.grad is not None
        np.testing.assert_allclose(built.inputs[name].grad, tensor.grad.numpy(), rtol=1e-12)


def test_a_name_without_a_shape_is_one_number() -> None:
    program = parse_tensor("X: (2, 2); f = sum(X * s)")
    assert program.inputs == ("X", "s")
    assert program.shapes["s"] == ()
    built = program.build({"X": np.ones((2, 2)), "s": 0.5})
    built.output.backward()
    assert built.output.item() == 2.0
    assert built.inputs["s"].grad == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            "X: (3, 2)\nW: (4, 1)\nf = sum(X @ W)",
            (3, 9),
            "X (3×2) @ W (4×1): inner sizes 2 and 4 differ",
        ),
        ("X: (3, 2); b: (3,); f = sum(X + b)", (1, 29), "X (3×2) + b (3): sizes 2 and 3 differ"),
        ("X: (3, 2)\nf = X * 2", (2, 5), "the output f is 3×2: backprop starts from one number"),
        ("X: (3, 2)\nf = sum(X, 2)", (2, 5), "dim can be 0, 1"),
        ("f = x @ y", (1, 5), "x is a single number; @ needs a vector or a matrix"),
        ("X: (2, 2, 2)\nf = sum(X)", (1, 4), "at most 2"),
        ("X: (200, 200)\nf = sum(X)", (1, 4), f"at most {MAX_ENTRIES:,}"),
        ("X: (3, 0)\nf = sum(X)", (1, 8), "sides are 1 to"),
        ("X: (3, a)\nf = sum(X)", (1, 8), "whole numbers"),
        ("X: (2, 2) = 1\nf = sum(X)", (1, 13), "gives only the shape"),
        ("X: 2\nX: 3\nf = sum(X)", (2, 1), "declared twice"),
        ("X: 2\nX = 3\nf = sum(X)", (2, 5), "X has a shape, so it is an input"),
        ("X: (2, 2)\nf = sum(leaky_relu(X))", (2, 9), "unknown function 'leaky_relu'"),
        ("X: (2, 2)\nf = sum(X.shape)", (2, 9), "the only attribute is .T"),
        ("X: (2, 2)\nf = sum(X, dim=0)", (2, 5), "no keyword arguments"),
        ("X: (2, 2)\nf = sum(X, X)", (2, 12), "a dimension"),
        ("X: (2, 2)\nf = sum(X ** X)", (2, 14), "the exponent must be a number"),
        ("X: (2, 2)\nf = sum(X[0])", (2, 9), "indexing"),
        ("X: (2, 2)\nf = sum(X % 2)", (2, 9), "only + - * / @ ** are supported"),
        ("X: (2, 2)\n__import__('os')", (2, 1), "unknown function '__import__'"),
        ("X: (2, 2)", None, "nothing is computed"),
    ],
)
def test_bad_programs_are_refused_where_they_go_wrong(
    text: str, where: tuple[int, int] | None, words: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_program(text)
    assert words in caught.value.message
    assert (caught.value.line, caught.value.column) == (where or (None, None))


def test_sizes_are_refused_by_arithmetic_before_anything_is_allocated() -> None:
    # 1,000 × 1,000 from two small inputs: refused while parsing, no array made
    with pytest.raises(ExpressionError, match="1000×1000 result"):
        parse_tensor("a: (1000, 1); b: (1, 1000); f = sum(a @ b)")
    with pytest.raises(ExpressionError, match="1000×1000 result"):
        parse_tensor("a: (1000, 1); b: (1, 1000); f = sum(a + b)")
    with pytest.raises(ExpressionError, match="more than 200,000 numbers"):
        parse_tensor(
            "a: (100, 100)\n" + "\n".join(f"a{i} = a * {i}" for i in range(25)) + "\nf = sum(a24)"
        )


@pytest.mark.parametrize(
    ("text", "values", "words"),
    [
        (
            "X: 2; f = sum(exp(X))",
            {"X": [1.0, 1000.0]},
            "exp(X) overflows a 64-bit float at [1]: exp(1000)",
        ),
        (
            "X: 2; f = sum(log(X))",
            {"X": [1.0, -2.0]},
            "log(X) is not a number (NaN) at [1]: log(-2)",
        ),
        (
            "X: (1, 2); Y: 2; f = sum(X / Y)",
            {"X": [[1.0, 2.0]], "Y": [3.0, 0.0]},
            "X / Y divides by zero at [0, 1]: 2 / 0",
        ),
        ("X: 2; f = sum(X)", {"X": [1.0, 2.0, 3.0]}, "X is declared 2, its value is 3"),
        ("X: 2; f = sum(X)", {"X": [1.0, np.inf]}, "finite numbers"),
    ],
)
def test_bad_numbers_are_named_at_the_op(
    text: str, values: dict[str, list[float]], words: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_tensor(text).build(values)
    assert words in str(caught.value)


def test_tensor_text_is_told_apart_from_scalar_text() -> None:
    assert is_tensor_text("X: (3, 2)\nf = sum(X)")
    assert is_tensor_text("f = sum(x @ y)")
    assert not is_tensor_text("f = x * y  # note: a comment")
    assert isinstance(parse_program("q = x + y  # sum: two inputs"), Program)
    with pytest.raises(ExpressionError, match="give the inputs shapes first"):
        parse_program("f = sum(x)")


def test_seeded_values_are_the_same_every_time_and_readable() -> None:
    first, again = seeded("W1", (2, 4)), seeded("W1", (2, 4))
    np.testing.assert_array_equal(first, again)
    assert np.all(np.abs(first) <= 1.0)
    np.testing.assert_array_equal(first, np.round(first, 2))
    assert not np.array_equal(first, seeded("W2", (2, 4)))


SHAPES = st.lists(st.sampled_from([1, 2, 3]), min_size=0, max_size=2).map(tuple)


@given(SHAPES, SHAPES, st.sampled_from(["+", "*", "@"]))
def test_shape_arithmetic_agrees_with_numpy(
    a: tuple[int, ...], b: tuple[int, ...], op: str
) -> None:
    text = f"A: {a}; B: {b}; f = sum(A {op} B)"
    arrays = {"A": np.ones(a), "B": np.ones(b)}
    try:
        expected = np.shape(arrays["A"] @ arrays["B"] if op == "@" else arrays["A"] + arrays["B"])
    except ValueError:
        with pytest.raises(ExpressionError):
            parse_tensor(text)
        return
    program = parse_tensor(text)
    trace = record(program.build(arrays).output)
    combined = next(n for n in trace.nodes if n.parents and n.op is not Op.SUM)
    assert combined.shape == expected


@given(st.text(alphabet="XWb:(),@+-*/ 0123456789.;=\nqTsumeantahlxp", max_size=120))
def test_tensor_like_text_parses_or_raises_expression_error(text: str) -> None:
    try:
        program = parse_program(text)
    except ExpressionError:
        return
    if isinstance(program, TensorProgram):
        with contextlib.suppress(ExpressionError):
            program.build(program.seeded())


def test_the_docs_example_and_limits_are_the_real_ones() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "expressions.md").read_text("utf-8")
    section = docs.split("## Tensors", 1)[1]
    example = section.split("```")[1]
    one_line = next(line for line in section.split("`") if line.startswith("X: (3, 2); W1"))
    assert parse_tensor(example).shapes == parse_tensor(one_line).shapes
    for function in FUNCTIONS:
        assert f"{function}(A" in section, function
    limits = (MAX_DIMS, MAX_SIDE, MAX_ENTRIES, MAX_TOTAL_ENTRIES, MAX_CHECKED)
    for number in limits:
        assert f"{number:,}" in section, number
