"""What the two expression languages share: the limits, `ExpressionError`, reading text into a
checked `ast.Module`, folding numbers-only arithmetic, and the program's statements and inputs.

The scalar language (`gradlab.engine.expr`) and the tensor language
(`gradlab.engine.tensor_expr`) each whitelist their own constructs on top of this; nothing ever
reaches ``eval``. Every walk over a tree is iterative: a 1,000-term sum is a tree 1,000 deep.
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass

from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.scalar_ops import SCALAR_OPS, ScalarOp
from gradlab.engine.value import Value

MAX_CHARS = 60_000
MAX_NODES = 10_000
MAX_DEPTH = 100
MAX_EXPONENT = 100.0
MAX_NUMBER = 1e300
FLOAT_MAX = format_number(sys.float_info.max, 2)
"""The largest 64-bit float, as the overflow message says it: "1.8e308"."""
PARSE_RECURSION_LIMIT = 4_000
"""Enough for a chain of `MAX_NODES` operators; Python's own recursion never gets that deep
here (every walk over the tree is iterative)."""

DESCRIBE: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (the '.')",
    ast.Lambda: "lambda",
    ast.Subscript: "indexing with [ ]",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if ... else'",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "strings",
    ast.Starred: "'*' unpacking",
    ast.NamedExpr: "':='",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "generators",
    ast.Import: "'import'",
    ast.ImportFrom: "'import'",
    ast.FunctionDef: "function definitions",
    ast.ClassDef: "class definitions",
    ast.AugAssign: "'+=' style updates",
    ast.AnnAssign: "annotations",
}
"""How a refusal names a construct the languages do not have."""

_ARITHMETIC: dict[type[ast.operator], ScalarOp] = {
    ast.Add: SCALAR_OPS[Op.ADD],
    ast.Sub: SCALAR_OPS[Op.SUB],
    ast.Mult: SCALAR_OPS[Op.MUL],
    ast.Div: SCALAR_OPS[Op.DIV],
}


class ExpressionError(ValueError):
    """A problem with an expression, and where it is (1-based line and column, when known)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        where = f"line {self.line}" + ("" if self.column is None else f", column {self.column}")
        return f"{where}: {self.message}"


def error(node: ast.AST, message: str) -> ExpressionError:
    """An `ExpressionError` at `node`'s place in the text."""
    line = getattr(node, "lineno", None)
    offset = getattr(node, "col_offset", None)
    return ExpressionError(message, line, None if offset is None else offset + 1)


@dataclass(frozen=True)
class Statement:
    """One line of the program: ``name = expr``."""

    name: str
    expr: ast.expr


def parse_module(text: str) -> ast.Module:
    """`text` as a syntax tree, after the cheap refusals (too long, not ASCII, too deep)."""
    _precheck(text)
    try:
        module = _ast_parse(text)
    except SyntaxError as err:
        raise ExpressionError(
            f"not a valid expression ({err.msg})", err.lineno, err.offset
        ) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            f"nested too deeply or too many nodes (at most {MAX_DEPTH} levels of parentheses, "
            f"{MAX_NODES:,} nodes)"
        ) from None
    if not module.body:  # blank, or comments only
        raise ExpressionError("the expression is empty: try  f = (x + y) * z")
    return module


def _ast_parse(text: str) -> ast.Module:
    """`ast.parse` with room for long chains: a sum of n terms is a tree n levels deep, and
    Python 3.11 builds it recursively within 3 × the recursion limit (a 3,000-term sum fails at
    the default limit). The limit is raised only while parsing."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, PARSE_RECURSION_LIMIT))
    try:
        return ast.parse(text, mode="exec")
    finally:
        sys.setrecursionlimit(limit)


def _precheck(text: str) -> None:
    """Cheap refusals before the parser sees the text."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(
            f"the expression is too long ({len(text):,} characters, at most {MAX_CHARS:,})"
        )
    depth = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        for column, char in enumerate(line, start=1):
            if not char.isascii():
                raise ExpressionError(f"only ASCII is allowed, found {char!r}", line_number, column)
            depth += (char == "(") - (char == ")")
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"parentheses nested too deeply (at most {MAX_DEPTH})", line_number, column
                )


def check_nodes(nodes: list[ast.AST], problem: Callable[[ast.AST], ExpressionError | None]) -> None:
    """Refuse every construct `problem` objects to, reporting the first in the text, and
    programs of more than `MAX_NODES` expression nodes."""
    problems: list[ExpressionError] = []
    count = 0
    for node in nodes:
        count += isinstance(node, ast.expr)
        found = problem(node)
        if found is not None:
            problems.append(found)
    if problems:
        # constructs without a position (a lambda's argument list) sort after located ones
        raise min(problems, key=lambda e: (e.line or math.inf, e.column or 0))
    if count > MAX_NODES:
        raise ExpressionError(f"too many nodes ({count:,}, at most {MAX_NODES:,})")


def check_constant(node: ast.Constant) -> ExpressionError | None:
    if isinstance(node.value, bool) or not isinstance(node.value, int | float):
        return error(node, f"{node.value!r} is not a number")
    if abs(node.value) > MAX_NUMBER:
        return error(node, "number too large")
    return None


STRUCTURE = (ast.Module, ast.Assign, ast.Expr, ast.Load, ast.Store, ast.operator, ast.unaryop)
"""Nodes every program has (statements, contexts, operator tokens): allowed as they are."""


COMMON = (ast.Constant, ast.Name, ast.UnaryOp, *STRUCTURE)
"""Nodes both languages judge alike (`check_common`)."""


def check_common(node: ast.AST) -> ExpressionError | None:
    """The rules both languages share for a `COMMON` node: numbers, names, unary signs and
    program structure."""
    if isinstance(node, ast.Constant):
        return check_constant(node)
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            return error(node, f"names cannot start with '_' ({node.id})")
        return None
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            return error(node, "only unary minus is supported")
        return None
    return None


def check_exponent(node: ast.expr) -> ExpressionError | None:
    value = constant(node)
    if value is None:
        return error(node, "the exponent must be a number (write exp(y * log(x)) for x ** y)")
    if abs(value) > MAX_EXPONENT:
        return error(node, f"exponent too large (at most {MAX_EXPONENT:g} in size)")
    return None


def constant(node: ast.expr) -> float | None:
    """The value of a numbers-only subexpression (like ``-1/2``), or None if it has names."""
    folded: dict[ast.expr, float] = {}
    for part in postorder(node, _every_child):
        if isinstance(part, ast.Constant) and isinstance(part.value, int | float):
            folded[part] = float(part.value)
        elif isinstance(part, ast.UnaryOp) and part.operand in folded:
            sign = -1.0 if isinstance(part.op, ast.USub) else 1.0
            folded[part] = sign * folded[part.operand]
        elif (
            isinstance(part, ast.BinOp)
            and part.left in folded
            and part.right in folded
            and isinstance(part.op, ast.Pow | ast.Add | ast.Sub | ast.Mult | ast.Div)
        ):
            try:
                folded[part] = _fold(part.op, folded[part.left], folded[part.right])
            except (ArithmeticError, ValueError):
                return math.inf
        else:
            return None
    return folded[node]


def _fold(op: ast.operator, a: float, b: float) -> float:
    if isinstance(op, ast.Pow):
        if abs(b) > MAX_EXPONENT:
            return math.inf
        result = a**b
        if isinstance(result, complex):
            raise ValueError("complex power")
        return float(result)
    return _ARITHMETIC[type(op)].apply((Value(a), Value(b))).data


def _every_child(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def postorder(root: ast.expr, children: Callable[[ast.expr], list[ast.expr]]) -> list[ast.expr]:
    """Subexpressions, children before parents, without recursion (long sums are deep trees)."""
    order: list[ast.expr] = []
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))
    return order


def statements(
    module: ast.Module, body: list[ast.stmt], functions: Collection[str]
) -> tuple[Statement, ...]:
    """The assignments of `body` (a part of `module`), the last maybe a bare expression (named
    f, or out when f is taken)."""
    found: list[Statement] = []
    assigned: set[str] = set()
    for index, item in enumerate(body):
        last = index == len(body) - 1
        if isinstance(item, ast.Expr) and last:
            used = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
            found.append(Statement("f" if "f" not in used else "out", item.value))
            continue
        if isinstance(item, ast.Expr):
            raise error(item, "only the last line can be a bare expression; name it: q = ...")
        if not isinstance(item, ast.Assign):
            raise error(item, "only assignments like  q = x + y  are allowed")
        if len(item.targets) != 1 or not isinstance(item.targets[0], ast.Name):
            raise error(item, "assign to one name at a time, like  q = x + y")
        name = item.targets[0].id
        if name in functions:
            raise error(item.targets[0], f"{name} is a function; pick another name")
        if name in assigned:
            raise error(item.targets[0], f"{name} is assigned twice; give each step its own name")
        assigned.add(name)
        found.append(Statement(name, item.value))
    return tuple(found)


def free_names(
    found: tuple[Statement, ...],
    functions: Collection[str],
    children: Callable[[ast.expr], list[ast.expr]],
) -> tuple[str, ...]:
    """Names never assigned, in order of first use (the inputs); a name used before its
    assignment, or a function named without a call, is an error."""
    assigned_at = {s.name: i for i, s in enumerate(found)}
    inputs: dict[str, None] = {}
    for index, statement in enumerate(found):
        for node in postorder(statement.expr, children):
            if not isinstance(node, ast.Name):
                continue
            if node.id in functions:
                raise error(node, f"{node.id} is a function: call it, like {node.id}(x)")
            later = assigned_at.get(node.id)
            if later is None:
                inputs.setdefault(node.id)
            elif later >= index:
                raise error(node, f"{node.id} is used before it is assigned")
    return tuple(inputs)
