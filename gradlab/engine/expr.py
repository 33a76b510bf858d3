"""The safe expression language: ``q = x + y; f = q * z`` becomes a graph of `Value` nodes.

Text is parsed with `ast` and checked against a whitelist before anything is computed; nothing is
ever passed to ``eval``. What is allowed: assignments separated by ``;`` or newlines (a final bare
expression is allowed too), numbers, names, ``+ - * / **``, unary minus, parentheses, and calls of
the functions in `FUNCTIONS` (the named ops of `gradlab.engine.scalar_ops`). Names that are never
assigned are the inputs, in order of first use; assigned names label their nodes, so the graph
shows ``q`` where the learner wrote ``q``. docs/expressions.md is the learner's reference.

Limits keep absurd input cheap to refuse: `MAX_CHARS`, `MAX_NODES`, `MAX_DEPTH` and `MAX_EXPONENT`.
Every problem is an `ExpressionError` that names the line, the column and what is wrong; a result
that overflows the float range or is NaN is one too, naming the op and its numbers.
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.scalar_ops import SCALAR_OPS, ScalarOp
from gradlab.engine.value import Constant, Value

MAX_CHARS = 60_000
MAX_NODES = 10_000
MAX_DEPTH = 100
MAX_EXPONENT = 100.0
FLOAT_MAX = format_number(sys.float_info.max, 2)
"""The largest 64-bit float, as the overflow message says it: "1.8e308"."""
PARSE_RECURSION_LIMIT = 4_000
"""Enough for a chain of `MAX_NODES` operators; Python's own recursion never gets that deep
here (every walk over the tree is iterative)."""

FUNCTIONS: dict[str, ScalarOp] = {
    entry.name: entry for entry in SCALAR_OPS.values() if entry.is_function
}
"""The ops called by name: operands first, then the op's number if it takes one: elu(x, 0.5)."""

KNOWN = ", ".join(sorted(FUNCTIONS))

_BINARY: dict[type[ast.operator], ScalarOp] = {
    ast.Add: SCALAR_OPS[Op.ADD],
    ast.Sub: SCALAR_OPS[Op.SUB],
    ast.Mult: SCALAR_OPS[Op.MUL],
    ast.Div: SCALAR_OPS[Op.DIV],
}
_POW = SCALAR_OPS[Op.POW]
_NEG = SCALAR_OPS[Op.NEG]

_COUNTS = ("no", "one", "two", "three", "four")
_ORDINALS = ("first", "second", "third", "fourth", "fifth")

_DESCRIBE: dict[type[ast.AST], str] = {
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


def _error(node: ast.AST, message: str) -> ExpressionError:
    line = getattr(node, "lineno", None)
    offset = getattr(node, "col_offset", None)
    return ExpressionError(message, line, None if offset is None else offset + 1)


@dataclass(frozen=True)
class Statement:
    """One line of the program: ``name = expr``."""

    name: str
    expr: ast.expr


@dataclass(frozen=True)
class Built:
    """The graph built from a program: its output node and its input leaves by name."""

    output: Value
    inputs: dict[str, Value]


@dataclass(frozen=True)
class Program:
    """A checked expression, ready to be built at any input values."""

    text: str
    inputs: tuple[str, ...]
    output: str
    statements: tuple[Statement, ...]

    def build(self, values: Mapping[str, float]) -> Built:
        """Compute the graph at `values` (one number per input)."""
        missing = [name for name in self.inputs if name not in values]
        if missing:
            raise ExpressionError(f"no value given for input {', '.join(missing)}")
        unknown = [name for name in values if name not in self.inputs]
        if unknown:
            known = ", ".join(self.inputs) or "none"
            raise ExpressionError(f"{', '.join(unknown)} is not an input (inputs: {known})")
        leaves: dict[str, Value] = {}
        for name in self.inputs:
            number = float(values[name])
            if not math.isfinite(number):
                raise ExpressionError(f"input {name} must be a finite number, got {number}")
            leaves[name] = Value(number, label=name)
        scope = dict(leaves)
        for statement in self.statements:
            node = _evaluate(statement.expr, scope)
            if any(node is named for named in scope.values()):
                # `q = x` would rename x; give q a node of its own instead of relabelling.
                raise _error(
                    statement.expr, f"{statement.name} = {node.label} only renames {node.label}"
                )
            node.label = statement.name
            scope[statement.name] = node
        return Built(output=scope[self.output], inputs=leaves)


def parse(text: str) -> Program:
    """Check `text` and turn it into a `Program`; raises `ExpressionError` on anything doubtful."""
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
    _check_nodes(module)
    statements = _statements(module)
    inputs = _inputs(statements)
    return Program(text=text, inputs=inputs, output=statements[-1].name, statements=statements)


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


def _check_nodes(module: ast.Module) -> None:
    """Refuse every construct outside the whitelist, reporting the first in the text."""
    problems: list[ExpressionError] = []
    count = 0
    for node in ast.walk(module):
        count += isinstance(node, ast.expr)
        problem = _problem(node)
        if problem is not None:
            problems.append(problem)
    if problems:
        # constructs without a position (a lambda's argument list) sort after located ones
        raise min(problems, key=lambda e: (e.line or math.inf, e.column or 0))
    if count > MAX_NODES:
        raise ExpressionError(f"too many nodes ({count:,}, at most {MAX_NODES:,})")


def _problem(node: ast.AST) -> ExpressionError | None:
    if isinstance(node, ast.Constant):
        return _check_constant(node)
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            return _error(node, f"names cannot start with '_' ({node.id})")
        return None
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return _check_exponent(node.right)
        if type(node.op) not in _BINARY:
            return _error(node, "only + - * / ** are supported")
        return None
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            return _error(node, "only unary minus is supported")
        return None
    if isinstance(node, ast.Call):
        return _check_call(node)
    if isinstance(
        node,
        ast.Module | ast.Assign | ast.Expr | ast.Load | ast.Store | ast.operator | ast.unaryop,
    ):
        return None
    what = _DESCRIBE.get(type(node), type(node).__name__)
    return _error(node, f"{what} is not allowed; use numbers, names, + - * / ** and {KNOWN}")


def _check_constant(node: ast.Constant) -> ExpressionError | None:
    if isinstance(node.value, bool) or not isinstance(node.value, int | float):
        return _error(node, f"{node.value!r} is not a number")
    if abs(node.value) > 1e300:
        return _error(node, "number too large")
    return None


def _check_call(node: ast.Call) -> ExpressionError | None:
    if not isinstance(node.func, ast.Name):
        return _error(node, "only named functions can be called, like tanh(x)")
    name = node.func.id
    if node.keywords:
        return _error(node, f"{name}() takes no keyword arguments")
    entry = FUNCTIONS.get(name)
    if entry is None:
        return _error(node, f"unknown function '{name}' (known: {KNOWN})")
    least, most = _argument_counts(entry)
    if not least <= len(node.args) <= most:
        counts = _COUNTS[least] if least == most else f"{_COUNTS[least]} or {_COUNTS[most]}"
        plural = "" if most == 1 else "s"
        return _error(node, f"{name}() takes {counts} argument{plural}, got {len(node.args)}")
    if len(node.args) > entry.operands and _constant(node.args[-1]) is None:
        ordinal = _ORDINALS[entry.operands]
        return _error(node.args[-1], f"the {ordinal} argument of {name}() must be a number")
    return None


def _argument_counts(entry: ScalarOp) -> tuple[int, int]:
    """How many arguments a call takes, at least and at most: the operands, then the number."""
    if entry.parameter is None:
        return entry.operands, entry.operands
    optional = entry.parameter.default is not None
    return entry.operands + (not optional), entry.operands + 1


def _check_exponent(node: ast.expr) -> ExpressionError | None:
    value = _constant(node)
    if value is None:
        return _error(node, "the exponent must be a number (write exp(y * log(x)) for x ** y)")
    if abs(value) > MAX_EXPONENT:
        return _error(node, f"exponent too large (at most {MAX_EXPONENT:g} in size)")
    return None


def _constant(node: ast.expr) -> float | None:
    """The value of a numbers-only subexpression (like ``-1/2``), or None if it has names."""
    folded: dict[ast.expr, float] = {}
    for part in _postorder(node, exponents=True):
        if isinstance(part, ast.Constant) and isinstance(part.value, int | float):
            folded[part] = float(part.value)
        elif isinstance(part, ast.UnaryOp) and part.operand in folded:
            sign = -1.0 if isinstance(part.op, ast.USub) else 1.0
            folded[part] = sign * folded[part.operand]
        elif isinstance(part, ast.BinOp) and part.left in folded and part.right in folded:
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
    return _BINARY[type(op)].apply((Value(a), Value(b))).data


def _statements(module: ast.Module) -> tuple[Statement, ...]:
    statements: list[Statement] = []
    assigned: dict[str, ast.AST] = {}
    for index, item in enumerate(module.body):
        last = index == len(module.body) - 1
        if isinstance(item, ast.Expr) and last:
            used = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
            statements.append(Statement("f" if "f" not in used else "out", item.value))
            continue
        if isinstance(item, ast.Expr):
            raise _error(item, "only the last line can be a bare expression; name it: q = ...")
        if not isinstance(item, ast.Assign):
            raise _error(item, "only assignments like  q = x + y  are allowed")
        if len(item.targets) != 1 or not isinstance(item.targets[0], ast.Name):
            raise _error(item, "assign to one name at a time, like  q = x + y")
        name = item.targets[0].id
        if name in FUNCTIONS:
            raise _error(item.targets[0], f"{name} is a function; pick another name")
        if name in assigned:
            raise _error(item.targets[0], f"{name} is assigned twice; give each step its own name")
        assigned[name] = item
        statements.append(Statement(name, item.value))
    return tuple(statements)


def _inputs(statements: tuple[Statement, ...]) -> tuple[str, ...]:
    """Free names in order of first use; a name used before its assignment is an error."""
    assigned_at = {s.name: i for i, s in enumerate(statements)}
    inputs: dict[str, None] = {}
    for index, statement in enumerate(statements):
        for node in _postorder(statement.expr, exponents=False):
            if not isinstance(node, ast.Name):
                continue
            if node.id in FUNCTIONS:
                raise _error(node, f"{node.id} is a function: call it, like {node.id}(x)")
            later = assigned_at.get(node.id)
            if later is None:
                inputs.setdefault(node.id)
            elif later >= index:
                raise _error(node, f"{node.id} is used before it is assigned")
    return tuple(inputs)


def _children(node: ast.expr, exponents: bool) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow) and not exponents:
            return [node.left]
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args) if exponents else _operands(node)
    return []


def _operands(call: ast.Call) -> list[ast.expr]:
    """A checked call's graph inputs: its arguments without the trailing number, if any."""
    assert isinstance(call.func, ast.Name)  # checked by parse()
    return call.args[: FUNCTIONS[call.func.id].operands]


def _postorder(root: ast.expr, *, exponents: bool) -> list[ast.expr]:
    """Subexpressions, children before parents, without recursion (long sums are deep trees).

    With ``exponents=False`` the numeric exponents and function parameters are skipped: they are
    numbers folded into their op, not graph nodes.
    """
    order: list[ast.expr] = []
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node, exponents)))
    return order


def _evaluate(root: ast.expr, scope: Mapping[str, Value]) -> Value:
    """Build the graph of one statement, children first."""
    done: dict[ast.expr, Value] = {}
    for node in _postorder(root, exponents=False):
        try:
            value = done[node] = _apply(node, done, scope)
        except (ArithmeticError, ValueError) as err:
            raise _error(node, str(err)) from None
        if not math.isfinite(value.data):
            # its operands were finite (each was checked as it was made): this op is the cause
            raise _error(node, not_finite_message(value))
    return done[root]


def not_finite_message(value: Value) -> str:
    """Why a node computed from finite operands is inf or NaN, naming the op and its numbers:
    "exp(1000) overflows a 64-bit float"."""
    operands = tuple(format_number(p.data, grouping=False) for p in value.parents)
    written = value.op.formula(operands, value.arg)
    if math.isnan(value.data):
        return f"{written} is not a number (NaN)"
    return f"{written} overflows a 64-bit float (the largest is about {FLOAT_MAX})"


def _apply(node: ast.expr, done: Mapping[ast.expr, Value], scope: Mapping[str, Value]) -> Value:
    if isinstance(node, ast.Name):
        return scope[node.id]
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # checked by parse()
        number = float(node.value)
        return Constant(number, label=format_number(number, grouping=False))
    if isinstance(node, ast.UnaryOp):
        operand = done[node.operand]
        if isinstance(node.op, ast.UAdd):
            return operand
        if operand.op.key == "leaf" and isinstance(node.operand, ast.Constant):
            return Constant(-operand.data, label=format_number(-operand.data, grouping=False))
        return _NEG.apply((operand,))
    if isinstance(node, ast.BinOp):
        left = done[node.left]
        if isinstance(node.op, ast.Pow):
            exponent = _constant(node.right)
            assert exponent is not None  # checked by parse()
            return _POW.apply((left,), exponent)
        return _BINARY[type(node.op)].apply((left, done[node.right]))
    assert isinstance(node, ast.Call)
    assert isinstance(node.func, ast.Name)
    entry = FUNCTIONS[node.func.id]
    operands = _operands(node)
    given = None
    if len(node.args) > entry.operands:
        given = _constant(node.args[-1])
        assert given is not None  # checked by parse()
    return entry.apply([done[operand] for operand in operands], given)
