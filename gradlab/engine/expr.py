"""The safe expression language: ``q = x + y; f = q * z`` becomes a graph of `Value` nodes.

Text is parsed with `ast` and checked against a whitelist before anything is computed; nothing is
ever passed to ``eval``. What is allowed: assignments separated by ``;`` or newlines (a final bare
expression is allowed too), numbers, names, ``+ - * / **``, unary minus, parentheses, and calls of
the functions in `FUNCTIONS` (the named ops of `gradlab.engine.scalar_ops`). Names that are never
assigned are the inputs, in order of first use; assigned names label their nodes, so the graph
shows ``q`` where the learner wrote ``q``. docs/expressions.md is the learner's reference.

Limits keep absurd input cheap to refuse: `MAX_CHARS`, `MAX_NODES`, `MAX_DEPTH` and `MAX_EXPONENT`
(shared with the tensor language, `gradlab.engine.tensor_expr`, in `gradlab.engine.expr_syntax`).
Every problem is an `ExpressionError` that names the line, the column and what is wrong; a result
that overflows the float range or is NaN is one too, naming the op and its numbers.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass

from gradlab.engine.expr_syntax import (
    COMMON,
    FLOAT_MAX,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NODES,
    ExpressionError,
    Statement,
    check_common,
    check_exponent,
    check_nodes,
    constant,
    error,
    free_names,
    parse_module,
    postorder,
    statements,
)
from gradlab.engine.expr_syntax import DESCRIBE as _DESCRIBE
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.scalar_ops import SCALAR_OPS, ScalarOp
from gradlab.engine.value import Constant, Value

__all__ = [
    "FLOAT_MAX",
    "FUNCTIONS",
    "KNOWN",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "Built",
    "ExpressionError",
    "Program",
    "not_finite_message",
    "parse",
]

FUNCTIONS: dict[str, ScalarOp] = {
    entry.name: entry for entry in SCALAR_OPS.values() if entry.is_function
}
"""The ops called by name: operands first, then the op's number if it takes one: elu(x, 0.5)."""

KNOWN = ", ".join(sorted(FUNCTIONS))
TENSOR_ONLY = {"sum", "mean", "transpose"}
"""Functions of the tensor language: named in a scalar program, they get a hint."""
TENSOR_HINT = "give the inputs shapes first, like  X: (3, 2)  (see docs/expressions.md)"

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
                raise error(
                    statement.expr, f"{statement.name} = {node.label} only renames {node.label}"
                )
            node.label = statement.name
            scope[statement.name] = node
        return Built(output=scope[self.output], inputs=leaves)


def parse(text: str) -> Program:
    """Check `text` and turn it into a `Program`; raises `ExpressionError` on anything doubtful."""
    module = parse_module(text)
    check_nodes(list(ast.walk(module)), _problem)
    found = statements(module, module.body, FUNCTIONS)
    inputs = free_names(found, FUNCTIONS, _operands_of)
    return Program(text=text, inputs=inputs, output=found[-1].name, statements=found)


def _problem(node: ast.AST) -> ExpressionError | None:
    if isinstance(node, COMMON):
        return check_common(node)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return check_exponent(node.right)
        if isinstance(node.op, ast.MatMult):
            return error(node, f"@ multiplies matrices: {TENSOR_HINT}")
        if type(node.op) not in _BINARY:
            return error(node, "only + - * / ** are supported")
        return None
    if isinstance(node, ast.Call):
        return _check_call(node)
    what = _DESCRIBE.get(type(node), type(node).__name__)
    return error(node, f"{what} is not allowed; use numbers, names, + - * / ** and {KNOWN}")


def _check_call(node: ast.Call) -> ExpressionError | None:
    if not isinstance(node.func, ast.Name):
        return error(node, "only named functions can be called, like tanh(x)")
    name = node.func.id
    if node.keywords:
        return error(node, f"{name}() takes no keyword arguments")
    entry = FUNCTIONS.get(name)
    if entry is None and name in TENSOR_ONLY:
        return error(node, f"{name}() works on tensors: {TENSOR_HINT}")
    if entry is None:
        return error(node, f"unknown function '{name}' (known: {KNOWN})")
    least, most = _argument_counts(entry)
    if not least <= len(node.args) <= most:
        counts = _COUNTS[least] if least == most else f"{_COUNTS[least]} or {_COUNTS[most]}"
        plural = "" if most == 1 else "s"
        return error(node, f"{name}() takes {counts} argument{plural}, got {len(node.args)}")
    if len(node.args) > entry.operands and constant(node.args[-1]) is None:
        ordinal = _ORDINALS[entry.operands]
        return error(node.args[-1], f"the {ordinal} argument of {name}() must be a number")
    return None


def _argument_counts(entry: ScalarOp) -> tuple[int, int]:
    """How many arguments a call takes, at least and at most: the operands, then the number."""
    if entry.parameter is None:
        return entry.operands, entry.operands
    optional = entry.parameter.default is not None
    return entry.operands + (not optional), entry.operands + 1


def _operands_of(node: ast.expr) -> list[ast.expr]:
    """A node's graph inputs: numeric exponents and function parameters are skipped (they are
    numbers folded into their op, not graph nodes)."""
    if isinstance(node, ast.BinOp):
        return [node.left] if isinstance(node.op, ast.Pow) else [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return _operands(node)
    return []


def _operands(call: ast.Call) -> list[ast.expr]:
    """A checked call's graph inputs: its arguments without the trailing number, if any."""
    assert isinstance(call.func, ast.Name)  # checked by parse()
    return call.args[: FUNCTIONS[call.func.id].operands]


def _evaluate(root: ast.expr, scope: Mapping[str, Value]) -> Value:
    """Build the graph of one statement, children first."""
    done: dict[ast.expr, Value] = {}
    for node in postorder(root, _operands_of):
        try:
            value = done[node] = _apply(node, done, scope)
        except (ArithmeticError, ValueError) as err:
            raise error(node, str(err)) from None
        if not math.isfinite(value.data):
            # its operands were finite (each was checked as it was made): this op is the cause
            raise error(node, not_finite_message(value))
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
            exponent = constant(node.right)
            assert exponent is not None  # checked by parse()
            return _POW.apply((left,), exponent)
        return _BINARY[type(node.op)].apply((left, done[node.right]))
    assert isinstance(node, ast.Call)
    assert isinstance(node.func, ast.Name)
    entry = FUNCTIONS[node.func.id]
    operands = _operands(node)
    given = None
    if len(node.args) > entry.operands:
        given = constant(node.args[-1])
        assert given is not None  # checked by parse()
    return entry.apply([done[operand] for operand in operands], given)
