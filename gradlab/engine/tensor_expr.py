"""The tensor expression language: the scalar language's lines, with inputs given shapes.

    X: (3, 2)
    W: (2, 4)
    b: (4,)
    h = tanh(X @ W + b)

A line ``name: shape`` declares an input of that shape (``(3, 2)``, ``(4,)`` or ``4``, ``()``);
a name without one is a single number. The rest is the scalar language (`gradlab.engine.expr`)
with tensors: ``+ - * /`` elementwise with broadcasting, ``**`` a number, ``@`` matrix
product, ``.T``, and the functions in `FUNCTIONS`. Each input is a `Tensor` with
``requires_grad``; each assigned name labels its node.

Nothing reaches ``eval``: the text is whitelisted with the scalar language's rules
(`gradlab.engine.expr_syntax`), and every node's shape is worked out from the declarations
alone (`gradlab.engine.tensor_shapes`) before any array is allocated, so a shape error is
reported at its line and column. The output must be one number (backprop starts there).
docs/expressions.md is the learner's reference.
"""

from __future__ import annotations

import ast
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gradlab.engine import tensor_shapes
from gradlab.engine.expr import Program, parse
from gradlab.engine.expr_syntax import (
    FLOAT_MAX,
    ExpressionError,
    Statement,
    check_nodes,
    constant,
    error,
    free_names,
    parse_module,
    postorder,
    statements,
)
from gradlab.engine.numbers import format_number
from gradlab.engine.ops import Op
from gradlab.engine.tensor import Tensor
from gradlab.engine.tensor_shapes import Shape, shape_text
from gradlab.engine.tensor_syntax import (
    FUNCTIONS,
    REDUCTIONS,
    SYMBOLS,
    declarations,
    dim,
    operands,
    problem,
    written,
)

METHODS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": Tensor.tanh,
    "sigmoid": Tensor.sigmoid,
    "relu": Tensor.relu,
    "exp": Tensor.exp,
    "log": Tensor.log,
    "abs": Tensor.abs,
}
"""The elementwise functions, as Tensor's methods."""
SEED_DECIMALS = 2
"""Seeded input values are rounded to this many decimals: a table of them reads at a glance."""
_ELEMENTWISE_OPS = frozenset(
    (Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.NEG, Op.EXP, Op.LOG, Op.TANH, Op.SIGMOID, Op.ABS)
)


@dataclass(frozen=True)
class TensorBuilt:
    """The graph built from a tensor program: its output and its input leaves by name."""

    output: Tensor
    inputs: dict[str, Tensor]


@dataclass(frozen=True)
class TensorProgram:
    """A checked tensor program: every shape known, ready to be built at any input values."""

    text: str
    inputs: tuple[str, ...]
    output: str
    statements: tuple[Statement, ...]
    shapes: dict[str, Shape]
    """Each input's shape (() for a name used without a declaration)."""

    def seeded(self) -> dict[str, np.ndarray]:
        """Values for every input: the same for the same name and shape, every time."""
        return {name: seeded(name, shape) for name, shape in self.shapes.items()}

    def build(self, values: Mapping[str, ArrayLike]) -> TensorBuilt:
        """Compute the graph at `values` (an array of the declared shape per input)."""
        missing = [name for name in self.inputs if name not in values]
        if missing:
            raise ExpressionError(f"no value given for input {', '.join(missing)}")
        leaves: dict[str, Tensor] = {}
        for name in self.inputs:
            array = np.array(values[name], dtype=float)
            if array.shape != self.shapes[name]:
                raise ExpressionError(
                    f"{name} is declared {shape_text(self.shapes[name])}, its value is "
                    f"{shape_text(array.shape)}"
                )
            if not np.all(np.isfinite(array)):
                raise ExpressionError(f"input {name} must hold finite numbers")
            leaves[name] = Tensor(array, requires_grad=True, label=name)
        scope = dict(leaves)
        with np.errstate(all="ignore"):
            for statement in self.statements:
                node = _evaluate(self.text, statement.expr, scope)
                if any(node is named for named in scope.values()):
                    raise error(
                        statement.expr,
                        f"{statement.name} = {node.label} only renames {node.label}",
                    )
                node.label = statement.name
                scope[statement.name] = node
        return TensorBuilt(output=scope[self.output], inputs=leaves)


def seeded(name: str, shape: Shape) -> np.ndarray:
    """An input's starting values: uniform in [-1, 1], rounded, seeded by its name."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return np.round(rng.uniform(-1.0, 1.0, shape), SEED_DECIMALS)


def is_tensor_text(text: str) -> bool:
    """Whether `text` is a tensor program: it declares a shape or multiplies matrices (outside
    comments). Anything else is read as the scalar language."""
    return any(mark in line.split("#", 1)[0] for line in text.splitlines() for mark in ":@")


def parse_program(text: str) -> Program | TensorProgram:
    """`text` as a scalar or a tensor program, whichever it is (`is_tensor_text`)."""
    return parse_tensor(text) if is_tensor_text(text) else parse(text)


def parse_tensor(text: str) -> TensorProgram:
    """Check `text` as a tensor program; raises `ExpressionError` on anything doubtful."""
    module = parse_module(text)
    shape_lines = [item for item in module.body if isinstance(item, ast.AnnAssign)]
    body = [item for item in module.body if not isinstance(item, ast.AnnAssign)]
    nodes: list[ast.AST] = [module]
    for item in body:
        nodes.extend(ast.walk(item))
    check_nodes(nodes, problem)
    shapes = declarations(shape_lines)
    if not body:
        raise ExpressionError("shapes are declared, but nothing is computed: add  f = sum(X)")
    found = statements(module, body, FUNCTIONS)
    for statement in found:
        if statement.name in shapes:
            raise error(statement.expr, f"{statement.name} has a shape, so it is an input")
    used = free_names(found, FUNCTIONS, operands)
    inputs = (*shapes, *(name for name in used if name not in shapes))
    shapes.update({name: () for name in used if name not in shapes})
    _infer(text, found, dict(shapes))
    return TensorProgram(text, inputs, found[-1].name, found, shapes)


def _infer(text: str, found: tuple[Statement, ...], scope: dict[str, Shape]) -> None:
    """Every node's shape, from the inputs' (errors at the node where shapes do not fit); the
    output must be one number."""
    total = sum(tensor_shapes.entries(shape) for shape in scope.values())
    for statement in found:
        shapes: dict[ast.expr, Shape] = {}
        for node in postorder(statement.expr, operands):
            shape = shapes[node] = _shape(text, node, shapes, scope)
            if not isinstance(node, ast.Name | ast.Constant):
                total = tensor_shapes.within_limits(node, written(text, node), shape, total)
        scope[statement.name] = shapes[statement.expr]
    last = found[-1]
    out = scope[last.name]
    if tensor_shapes.entries(out) != 1:
        raise error(
            last.expr,
            f"the output {last.name} is {shape_text(out)}: backprop starts from one number, so "
            f"end with a sum or a mean, like  L = mean({last.name})",
        )


def _shape(
    text: str, node: ast.expr, shapes: Mapping[ast.expr, Shape], scope: Mapping[str, Shape]
) -> Shape:
    if isinstance(node, ast.Name):
        return scope[node.id]
    if isinstance(node, ast.Constant):
        return ()
    if isinstance(node, ast.UnaryOp):
        return shapes[node.operand]
    if isinstance(node, ast.Attribute):
        return tuple(reversed(shapes[node.value]))
    if isinstance(node, ast.BinOp):
        a = shapes[node.left]
        if isinstance(node.op, ast.Pow):
            return a
        b = shapes[node.right]
        left, right = written(text, node.left), written(text, node.right)
        if isinstance(node.op, ast.MatMult):
            return tensor_shapes.matmul(node, left, a, right, b)
        return tensor_shapes.broadcast(node, left, a, right, b, SYMBOLS[type(node.op)])
    assert isinstance(node, ast.Call)
    assert isinstance(node.func, ast.Name)  # checked by parse_tensor()
    name, operand = node.func.id, shapes[node.args[0]]
    if name == "transpose":
        return tuple(reversed(operand))
    if name in REDUCTIONS:
        over = dim(node.args[1]) if len(node.args) == 2 else None
        return tensor_shapes.reduced(node, written(text, node), operand, over)
    return operand


def _evaluate(text: str, root: ast.expr, scope: Mapping[str, Tensor]) -> Tensor:
    """Build the graph of one statement, children first; a result that is inf or NaN is an
    error at the op that made it."""
    done: dict[ast.expr, Tensor] = {}
    for node in postorder(root, operands):
        value = done[node] = _apply(node, done, scope)
        if not np.all(np.isfinite(value.data)):
            raise error(node, not_finite_message(written(text, node), value))
    return done[root]


def not_finite_message(what: str, value: Tensor) -> str:
    """Where a node computed from finite operands is inf or NaN, and (for an elementwise op)
    from which numbers: "exp(h) overflows a 64-bit float at [1, 0]: exp(800)"."""
    flat = int(np.argmin(np.isfinite(value.data).ravel()))
    index = tuple(int(i) for i in np.unravel_index(flat, value.data.shape))
    where = f" at [{', '.join(str(i) for i in index)}]" if index else ""
    numbers, picked = "", tuple[float, ...]()
    if value.op in _ELEMENTWISE_OPS:
        # the operands' entries that met there (a broadcast operand's copy)
        picked = tuple(
            float(np.broadcast_to(p.data, value.data.shape)[index]) for p in value.parents
        )
        shown = tuple(format_number(number, grouping=False) for number in picked)
        numbers = f": {value.op.formula(shown, value.arg)}"
    if value.op is Op.DIV and picked and picked[1] == 0.0:
        return f"{what} divides by zero{where}{numbers}"
    if np.isnan(value.data[index]):
        return f"{what} is not a number (NaN){where}{numbers}"
    return f"{what} overflows a 64-bit float{where}{numbers} (the largest is about {FLOAT_MAX})"


def _apply(node: ast.expr, done: Mapping[ast.expr, Tensor], scope: Mapping[str, Tensor]) -> Tensor:
    if isinstance(node, ast.Name):
        return scope[node.id]
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # checked by parse_tensor()
        number = float(node.value)
        return Tensor(np.asarray(number), label=format_number(number, grouping=False))
    if isinstance(node, ast.UnaryOp):
        operand = done[node.operand]
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.operand, ast.Constant):
            number = -float(operand.data)
            return Tensor(np.asarray(number), label=format_number(number, grouping=False))
        return -operand
    if isinstance(node, ast.Attribute):
        return done[node.value].T
    if isinstance(node, ast.BinOp):
        left = done[node.left]
        if isinstance(node.op, ast.Pow):
            exponent = constant(node.right)
            assert exponent is not None  # checked by parse_tensor()
            return left**exponent
        right = done[node.right]
        operators: dict[type[ast.operator], Callable[[Tensor, Tensor], Tensor]] = {
            ast.Add: Tensor.__add__,
            ast.Sub: Tensor.__sub__,
            ast.Mult: Tensor.__mul__,
            ast.Div: Tensor.__truediv__,
            ast.MatMult: Tensor.__matmul__,
        }
        return operators[type(node.op)](left, right)
    assert isinstance(node, ast.Call)
    assert isinstance(node.func, ast.Name)  # checked by parse_tensor()
    name, operand = node.func.id, done[node.args[0]]
    if name == "transpose":
        return operand.T
    if name in REDUCTIONS:
        over = dim(node.args[1]) if len(node.args) == 2 else None
        return operand.sum(over) if name == "sum" else operand.mean(over)
    return METHODS[name](operand)
