"""The short texts drawn on graph nodes and edges, shared by the sizer and the GUI's items.

They live below the GUI so that the layout can reserve room for exactly what will be drawn.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine.numbers import format_number
from gradlab.engine.trace import Node, Number, Trace
from gradlab.engine.trace import node_names as trace_names

PENDING = "?"
NUMBER_ROOM = "-0.0000"
"""A node's number fields are at least this wide, so a partial grad never outgrows its box."""


def shape_text(shape: tuple[int, ...]) -> str:
    """(3, 4) -> "3×4"; a scalar shape () -> "scalar"."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


def number_text(x: Number | None) -> str:
    """A value or grad as the graph shows it: a number, "3×4" for an array, "?" while pending."""
    if x is None:
        return PENDING
    if isinstance(x, np.ndarray):
        return format_number(float(x)) if x.ndim == 0 else shape_text(x.shape)
    return format_number(x)


def value_text(value: Number | None) -> str:
    return f"data {number_text(value)}"


def grad_text(grad: Number | None) -> str:
    return f"grad {number_text(grad)}"


def node_names(trace: Trace) -> list[str]:
    """What to call each node: its label, else its formula if short ("x + y"), else its op
    numbered ("tanh₂"); see `gradlab.engine.trace.node_names`."""
    return list(trace_names(trace))


def title_text(node: Node, name: str) -> str:
    """The node's name; tensors add their shape so a tensor graph reads as shapes flowing."""
    return f"{name}  {shape_text(node.shape)}" if node.shape else name


def op_text(node: Node) -> str:
    """The op glyph, with its argument where it has one (x², leaky slope)."""
    if node.arg is None:
        return node.op.glyph
    return f"{node.op.glyph} {format_number(node.arg)}"


def local_text(local: float | None) -> str:
    """The local derivative on an edge; tensor ops use a vector-Jacobian product instead."""
    return "local VJP" if local is None else f"local {format_number(local)}"


def contribution_text(contribution: Number | None) -> str:
    return "" if contribution is None else f"+= {number_text(contribution)}"
