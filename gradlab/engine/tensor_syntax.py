"""The tensor language's whitelist (`gradlab.engine.tensor_expr`): the scalar language's
constructs plus ``@``, ``.T``, shape declarations and the functions in `FUNCTIONS`; and how the
parts of a checked program are read (operands, dimensions, declared shapes).
"""

from __future__ import annotations

import ast
import math

from gradlab.engine import tensor_shapes
from gradlab.engine.expr_syntax import (
    COMMON,
    DESCRIBE,
    ExpressionError,
    check_common,
    check_exponent,
    constant,
    error,
)
from gradlab.engine.tensor_shapes import Shape

ELEMENTWISE = ("tanh", "sigmoid", "relu", "exp", "log", "abs")
REDUCTIONS = ("sum", "mean")
"""sum(x) and mean(x) over everything; sum(x, 0) over one dimension."""
FUNCTIONS = (*ELEMENTWISE, *REDUCTIONS, "transpose")
KNOWN = ", ".join(sorted(FUNCTIONS))
SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.MatMult: "@",
}


def declarations(items: list[ast.AnnAssign]) -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    for item in items:
        if not isinstance(item.target, ast.Name):
            raise error(item, "declare one name's shape at a time, like  X: (3, 2)")
        name = item.target.id
        if item.value is not None:
            raise error(item.value, f"a shape line gives only the shape:  {name}: (3, 2)")
        if name.startswith("_") or name in FUNCTIONS:
            raise error(item.target, f"{name} cannot be an input's name")
        if name in shapes:
            raise error(item.target, f"{name}'s shape is declared twice")
        shapes[name] = tensor_shapes.declared_shape(name, item.annotation)
    return shapes


def problem(node: ast.AST) -> ExpressionError | None:
    """The whitelist: the scalar language's constructs, ``@``, ``.T`` and `FUNCTIONS`."""
    if isinstance(node, COMMON):
        return check_common(node)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return check_exponent(node.right)
        if type(node.op) not in SYMBOLS:
            return error(node, "only + - * / @ ** are supported")
        return None
    if isinstance(node, ast.Attribute):
        return None if node.attr == "T" else error(node, "the only attribute is .T (transpose)")
    if isinstance(node, ast.Call):
        return _check_call(node)
    what = DESCRIBE.get(type(node), type(node).__name__)
    return error(node, f"{what} is not allowed; use numbers, names, + - * / @ ** .T and {KNOWN}")


def _check_call(node: ast.Call) -> ExpressionError | None:
    if not isinstance(node.func, ast.Name):
        return error(node, "only named functions can be called, like tanh(X)")
    name = node.func.id
    if node.keywords:
        return error(node, f"{name}() takes no keyword arguments: write sum(X, 0)")
    if name not in FUNCTIONS:
        return error(node, f"unknown function '{name}' for tensors (known: {KNOWN})")
    most = 2 if name in REDUCTIONS else 1
    if not 1 <= len(node.args) <= most:
        takes = "one or two arguments" if most == 2 else "one argument"
        return error(node, f"{name}() takes {takes}, got {len(node.args)}")
    if len(node.args) == 2 and dim(node.args[1]) is None:
        return error(node.args[1], f"the second argument of {name}() is a dimension: 0, 1 or -1")
    return None


def dim(node: ast.expr) -> int | None:
    value = constant(node)
    if value is None or not math.isfinite(value) or value != int(value):
        return None
    return int(value)


def operands(node: ast.expr) -> list[ast.expr]:
    """A node's graph inputs (exponents and dimensions are numbers folded into their op)."""
    if isinstance(node, ast.BinOp):
        return [node.left] if isinstance(node.op, ast.Pow) else [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Attribute):
        return [node.value]
    if isinstance(node, ast.Call):
        return node.args[:1]
    return []


def written(text: str, node: ast.expr) -> str:
    """How the learner wrote `node`, shortened: names and short parts as typed."""
    if isinstance(node, ast.Name):
        return node.id
    segment = " ".join((ast.get_source_segment(text, node) or "…").split())
    return segment if len(segment) <= 24 else segment[:23] + "…"
