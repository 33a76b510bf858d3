"""Every op of the scalar registry is known everywhere an expression goes: the parser, the SymPy
walk, the finite-difference replay and the learner's reference, docs/expressions.md. Adding an op
to `SCALAR_OPS` without any of these fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from expression_text import written

from gradlab.check import cross_check
from gradlab.check.report import KINKED
from gradlab.check.symbolic import SYMPY_FORMS
from gradlab.engine.expr import (
    MAX_CHARS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NODES,
    ExpressionError,
    parse,
)
from gradlab.engine.numbers import format_number
from gradlab.engine.scalar_ops import SCALAR_OPS, ScalarOp

DOCS = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"
ENTRIES = list(SCALAR_OPS.values())
NAMES = ("x", "y", "z", "w")
SMOOTH = {"x": 0.7, "y": 1.3, "z": 0.4, "w": 1.1}
"""A point where every op is defined and smooth (x > 0 keeps log in its domain)."""
GIVEN = "3"
"""A number to give the ops that take one, other than their defaults."""


def numbers(entry: ScalarOp) -> list[str | None]:
    """Each way to give the op's number: left out (when it has a default) and written out."""
    if entry.parameter is None:
        return [None]
    return ([None] if entry.parameter.default is not None else []) + [GIVEN]


def operands(entry: ScalarOp) -> list[str]:
    return list(NAMES[: entry.operands])


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.op.key)
def test_the_parser_builds_every_op(entry: ScalarOp) -> None:
    for number in numbers(entry):
        program = parse(f"f = {written(entry, operands(entry), number)}")
        assert program.inputs == tuple(operands(entry))
        out = program.build({name: SMOOTH[name] for name in program.inputs}).output
        assert out.op is entry.op
        if entry.parameter is None:
            assert out.arg is None
        else:
            assert out.arg == (entry.parameter.default if number is None else float(number))


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.is_function], ids=lambda e: e.op.key)
def test_the_parser_refuses_wrong_calls_of_every_function(entry: ScalarOp) -> None:
    too_many = [*operands(entry), *(["1"] if entry.parameter is not None else []), "1"]
    with pytest.raises(ExpressionError, match=rf"{entry.name}\(\) takes .* argument"):
        parse(f"f = {entry.name}({', '.join(too_many)})")
    with pytest.raises(ExpressionError, match="is a function"):
        parse(f"{entry.name} = x")
    if entry.parameter is not None:
        with pytest.raises(ExpressionError, match="must be a number"):
            parse(f"f = {written(entry, operands(entry), 'q')}")


def test_every_scalar_op_has_a_sympy_form() -> None:
    assert SYMPY_FORMS.keys() == SCALAR_OPS.keys()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.op.key)
@pytest.mark.parametrize("side", [1.0, -1.0], ids=["x>0", "x<0"])
def test_sympy_and_finite_differences_agree_with_autograd_on_every_op(
    entry: ScalarOp, side: float
) -> None:
    point = {**SMOOTH, "x": side * SMOOTH["x"]}
    for number in numbers(entry):
        program = parse(f"f = {written(entry, operands(entry), number)}")
        try:
            built = program.build({name: point[name] for name in program.inputs})
        except ExpressionError:
            assert side < 0, "every op is defined at the smooth point"
            continue
        report = cross_check(built.output, built.inputs)
        for leaf in report.leaves:
            assert leaf.autograd == built.inputs[leaf.label].grad
            assert leaf.symbolic == pytest.approx(leaf.autograd, rel=1e-12, abs=1e-12), leaf
            assert leaf.numeric == pytest.approx(leaf.autograd, rel=1e-6, abs=1e-8), leaf
            assert leaf.symbolic_equal is True, leaf
            assert not leaf.note, leaf
        assert len(report.edges) == entry.operands
        assert all(edge.agree for edge in report.edges.values())


def test_kinked_ops_come_from_the_registry() -> None:
    assert {e.op for e in ENTRIES if e.kinked} == KINKED


def documented_rows() -> dict[str, str]:
    """The docs' table rows of single-number ops by the usage in their first cell:
    "`exp(x)`" -> the row (the tensor section's own table comes after them)."""
    rows = {}
    scalar_part = DOCS.read_text(encoding="utf-8").split("\n## Tensors", 1)[0]
    for line in scalar_part.splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.op.key)
def test_the_docs_describe_every_op(entry: ScalarOp) -> None:
    parameter = entry.parameter
    usage = written(entry, operands(entry), None if parameter is None else parameter.name)
    rows = documented_rows()
    assert usage in rows, f"docs/expressions.md has no table row for `{usage}`"
    cells = [cell.strip() for cell in rows[usage].strip("|").split("|")]
    what, derivative = cells[1:3]
    assert what, f"`{usage}` says what it computes"
    assert derivative, f"`{usage}` gives its derivative"
    if parameter is not None and parameter.default is not None:
        assert f"default {parameter.name} = {format_number(parameter.default)}" in rows[usage]


def test_the_docs_document_only_real_ops() -> None:
    usages = {
        written(e, operands(e), None if e.parameter is None else e.parameter.name) for e in ENTRIES
    }
    assert set(documented_rows()) == usages


@pytest.mark.parametrize(
    "phrase",
    [
        f"at most {MAX_CHARS:,} characters",
        f"at most {MAX_NODES:,} nodes",
        f"nested at most {MAX_DEPTH} levels",
        f"exponents at most {MAX_EXPONENT:g} in size",
    ],
)
def test_the_docs_state_the_limits_of_the_code(phrase: str) -> None:
    assert phrase in DOCS.read_text(encoding="utf-8")
