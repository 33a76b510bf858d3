"""A computation worked forward as a table: one row per line of an expression, its formula, the
formula with the numbers in, and the value the engine computed.

For counting parameters and working out shapes a lesson wants the numbers of each line, not a
graph with a backward pass (the derivative of a parameter count means nothing). The expression is
the safe language of `gradlab.engine.expr` (never eval); every value comes from building the
lines up to it with the engine.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import replace

from gradlab.engine.expr import ExpressionError, Program, parse

COLUMNS = ["name", "formula", "with the numbers", "value"]

_SYMBOLS: dict[type[ast.operator], tuple[str, int]] = {
    ast.Add: ("+", 1),
    ast.Sub: ("−", 1),
    ast.Mult: ("·", 2),
    ast.Div: ("/", 2),
    ast.Pow: ("^", 4),
}
"""Each operator's symbol and how tightly it binds (a unary minus binds at 3)."""


def number_text(x: float) -> str:
    """A number as a table shows it: whole numbers with thousands separators ("61,706"), others
    to four significant digits."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.4g}"


def worked_rows(expression: str, inputs: Mapping[str, float]) -> list[list[str]]:
    """One row per assignment: name, formula, the formula with numbers, value.

    Raises ValueError in plain words when the expression does not parse or cannot be computed.
    """
    try:
        program = parse(expression)
    except ExpressionError as err:
        raise ValueError(f"expression: does not parse: {err}") from None
    missing = [name for name in program.inputs if name not in inputs]
    if missing:
        raise ValueError(f"inputs: no value given for {', '.join(missing)}")
    unknown = [name for name in inputs if name not in program.inputs]
    if unknown:
        raise ValueError(f"inputs: {', '.join(unknown)} is not used by the expression")
    known = {name: float(inputs[name]) for name in program.inputs}
    rows = []
    for index, statement in enumerate(program.statements):
        value = _value(program, index, known)
        rows.append(
            [
                statement.name,
                _text(statement.expr, {}),
                _text(statement.expr, known),
                number_text(value),
            ]
        )
        known[statement.name] = value
    return rows


def values(expression: str, inputs: Mapping[str, float]) -> dict[str, float]:
    """Every assigned name's value, as the table shows it (before formatting)."""
    program = parse(expression)
    known = {name: float(inputs[name]) for name in program.inputs}
    for index, statement in enumerate(program.statements):
        known[statement.name] = _value(program, index, known)
    return known


def _value(program: Program, index: int, known: Mapping[str, float]) -> float:
    """The engine's value of line `index`: that line alone, built with the names it reads set
    to the inputs' and earlier lines' values (so a long table costs one build per line)."""
    statement = program.statements[index]
    names = (node.id for node in ast.walk(statement.expr) if isinstance(node, ast.Name))
    # a function's name is a Name too, but never a value
    reads = tuple(dict.fromkeys(name for name in names if name in known))
    line = replace(program, inputs=reads, output=statement.name, statements=(statement,))
    try:
        value = float(line.build({name: known[name] for name in reads}).output.data)
    except (ArithmeticError, ValueError) as err:
        raise ValueError(f"inputs: the expression cannot be computed here: {err}") from None
    if not math.isfinite(value):
        raise ValueError(f"inputs: {statement.name} is not a finite number")
    return value


def _text(node: ast.expr, numbers: Mapping[str, float]) -> str:
    """The expression as people write it; names replaced by `numbers` where given."""
    return _print(node, numbers)[0]


def _print(node: ast.expr, numbers: Mapping[str, float]) -> tuple[str, int]:
    """(text, binding strength) of `node`."""
    if isinstance(node, ast.Name):
        if node.id in numbers:
            shown = number_text(numbers[node.id])
            return (f"({shown})", 5) if shown.startswith("-") else (shown, 5)
        return node.id, 5
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return number_text(float(node.value)), 5
    if isinstance(node, ast.UnaryOp):
        inner, strength = _print(node.operand, numbers)
        sign = "−" if isinstance(node.op, ast.USub) else "+"
        return (f"{sign}({inner})" if strength < 4 else f"{sign}{inner}"), 3
    if isinstance(node, ast.BinOp):
        symbol, strength = _SYMBOLS[type(node.op)]
        left, left_strength = _print(node.left, numbers)
        right, right_strength = _print(node.right, numbers)
        # a - (b - c) and a / (b · c) keep their parentheses; a - b - c needs none
        if left_strength < strength or (strength == 4 and left_strength == 4):
            left = f"({left})"
        if right_strength < strength or (
            right_strength == strength and not isinstance(node.op, ast.Add | ast.Mult | ast.Pow)
        ):
            right = f"({right})"
        return f"{left} {symbol} {right}" if strength < 4 else f"{left}{symbol}{right}", strength
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = ", ".join(_print(arg, numbers)[0] for arg in node.args)
        return f"{node.func.id}({arguments})", 5
    raise ValueError(f"cannot write {ast.dump(node)} as a formula")
