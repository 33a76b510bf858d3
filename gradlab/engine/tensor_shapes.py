"""Shape arithmetic for the tensor language (`gradlab.engine.tensor_expr`): every node's shape
worked out from the declared input shapes alone, before any array is allocated, with errors that
name the operands and their shapes: "X (3×2) @ W (4×1): inner sizes 2 and 4 differ".

Shapes have at most `MAX_DIMS` dimensions (numbers, vectors, matrices: what a table or a heatmap
shows), sides of at most `MAX_SIDE`, at most `MAX_ENTRIES` entries per node and
`MAX_TOTAL_ENTRIES` over the whole graph.
"""

from __future__ import annotations

import ast
import math

from gradlab.engine.expr_syntax import ExpressionError, error

Shape = tuple[int, ...]

MAX_DIMS = 2
MAX_SIDE = 1_000
MAX_ENTRIES = 10_000
"""Entries of any one node (an input, or what an op computes)."""
MAX_TOTAL_ENTRIES = 200_000
"""Entries of every node together: the trace keeps each node's values and grads."""


def shape_text(shape: Shape) -> str:
    """(3, 2) -> "3×2", (4,) -> "4", () -> "scalar" (as the graph labels shapes)."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


def entries(shape: Shape) -> int:
    return math.prod(shape)


def declared_shape(name: str, annotation: ast.expr) -> Shape:
    """The shape written after ``name:``: ``(3, 2)``, ``(4,)``, ``4`` or ``()``."""
    parts = annotation.elts if isinstance(annotation, ast.Tuple) else [annotation]
    sides: list[int] = []
    for part in parts:
        if not (
            isinstance(part, ast.Constant)
            and isinstance(part.value, int)
            and not isinstance(part.value, bool)
        ):
            raise error(part, f"{name}'s shape is whole numbers, like  {name}: (3, 2)")
        if not 1 <= part.value <= MAX_SIDE:
            raise error(part, f"a side of {name} is {part.value}; sides are 1 to {MAX_SIDE:,}")
        sides.append(part.value)
    if len(sides) > MAX_DIMS:
        raise error(
            annotation,
            f"{name} has {len(sides)} dimensions; at most {MAX_DIMS} (a number, a vector or "
            "a matrix)",
        )
    shape = tuple(sides)
    if entries(shape) > MAX_ENTRIES:
        raise error(
            annotation,
            f"{name} ({shape_text(shape)}) has {entries(shape):,} entries, at most {MAX_ENTRIES:,}",
        )
    return shape


def broadcast(node: ast.BinOp, left: str, a: Shape, right: str, b: Shape, glyph: str) -> Shape:
    """The shape of an elementwise op on shapes `a` and `b` (NumPy's and PyTorch's rules)."""
    out: list[int] = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            raise error(
                node,
                f"{left} ({shape_text(a)}) {glyph} {right} ({shape_text(b)}): sizes {x} and {y} "
                "differ and neither is 1, so one cannot be copied to fit the other "
                "(broadcasting)",
            )
        out.append(max(x, y))
    return tuple(reversed(out))


def matmul(node: ast.BinOp, left: str, a: Shape, right: str, b: Shape) -> Shape:
    """The shape of ``a @ b`` for vectors and matrices."""
    for name, shape in ((left, a), (right, b)):
        if not shape:
            raise error(
                node,
                f"{left} @ {right}: {name} is a single number; @ needs a vector or a matrix on "
                "each side (use * to scale)",
            )
    inner_a = a[-1]
    inner_b = b[0]
    if inner_a != inner_b:
        raise error(
            node,
            f"{left} ({shape_text(a)}) @ {right} ({shape_text(b)}): inner sizes {inner_a} and "
            f"{inner_b} differ",
        )
    return a[:-1] + b[1:]


def reduced(node: ast.Call, what: str, shape: Shape, dim: int | None) -> Shape:
    """The shape of sum or mean over everything (`dim` None) or over one dimension."""
    if dim is None:
        return ()
    if not -len(shape) <= dim < len(shape) or not shape:
        allowed = ", ".join(str(d) for d in range(len(shape))) if shape else "none"
        raise error(
            node,
            f"{what}: the operand is {shape_text(shape)}, with {len(shape)} dimensions; dim "
            f"can be {allowed} (or counted from the end, -1)",
        )
    axis = dim % len(shape)
    return shape[:axis] + shape[axis + 1 :]


def within_limits(node: ast.AST, what: str, shape: Shape, total: int) -> int:
    """The running total of entries after a node of `shape`; an error past the limits."""
    size = entries(shape)
    if size > MAX_ENTRIES:
        raise error(
            node,
            f"{what} gives a {shape_text(shape)} result ({size:,} entries, at most "
            f"{MAX_ENTRIES:,})",
        )
    if total + size > MAX_TOTAL_ENTRIES:
        raise ExpressionError(
            f"the graph would hold more than {MAX_TOTAL_ENTRIES:,} numbers: smaller shapes or "
            "fewer steps"
        )
    return total + size
