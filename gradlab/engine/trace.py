"""Frozen records of one forward and one backward pass, and the state after any step.

Node ids are positions in topological order, so the same graph always gets the same ids. Records
never alias live data: `record()` copies tensor values, and tensor grads are read-only arrays that
accumulation replaces rather than mutates (see `gradlab.engine.autodiff`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from gradlab import _display
from gradlab.engine.ops import Op

G = TypeVar("G")
"""A gradient: a float for `Value` graphs, an ndarray for `Tensor` graphs."""

Array = NDArray[np.floating]
Number = float | Array
"""A node's value or grad as recorded: a float (scalars) or a read-only array (tensors)."""


class EdgeGrad(NamedTuple, Generic[G]):
    """What flowed along one edge, from a node back to one of its parents."""

    parent: int
    local: float | None
    """∂node/∂parent, stored at forward time (a number for scalars; None where a tensor op's
    vector-Jacobian product stands in for the matrix)."""
    contribution: G
    """upstream grad × local derivative: what this edge adds to the parent's grad."""
    parent_grad: G
    """The parent's grad right after this contribution was added."""


class BackwardStep(NamedTuple, Generic[G]):
    """One node's turn in the backward pass: its grad is final, and it is sent to its parents."""

    node: int
    grad: G
    edges: tuple[EdgeGrad[G], ...]


class ForwardStep(NamedTuple):
    """One node's value is computed (or, for a leaf, shown)."""

    node: int


Step = ForwardStep | BackwardStep[Number]


@dataclass(frozen=True, slots=True)
class Node:
    """A graph node as recorded: what it is and what it computed."""

    id: int
    label: str
    op: Op
    parents: tuple[int, ...]
    value: Number
    shape: tuple[int, ...]
    arg: float | None = None
    requires_grad: bool = True

    @property
    def is_leaf(self) -> bool:
        return not self.parents


class Phase(Enum):
    START = "start"
    FORWARD = "forward"
    BACKWARD = "backward"


@dataclass(frozen=True)
class Snapshot:
    """Everything known after the first `position` steps of a trace.

    A value or grad of None is still pending. During the backward pass a grad can be partial (some
    of the node's consumers have sent their contribution, others not yet); `final[i]` says whether
    node i has had its own backward step, after which its grad no longer changes.
    """

    position: int
    phase: Phase
    step: Step | None
    values: tuple[Number | None, ...]
    grads: tuple[Number | None, ...]
    final: tuple[bool, ...]

    @property
    def active(self) -> int | None:
        """The node of the step just taken, if any."""
        return None if self.step is None else self.step.node


@dataclass(frozen=True)
class Trace:
    """A recorded forward pass (every node, in topological order) then backward pass."""

    nodes: tuple[Node, ...]
    root: int
    backward: tuple[BackwardStep[Number], ...]

    @property
    def forward(self) -> tuple[ForwardStep, ...]:
        return tuple(ForwardStep(node.id) for node in self.nodes)

    def _repr_svg_(self) -> str | None:
        """The recorded graph with every value and grad, drawn for a notebook."""
        return _display.svg(self)

    def __len__(self) -> int:
        """The number of steps: one per node forward, one per grad-carrying node backward."""
        return len(self.nodes) + len(self.backward)

    def step(self, index: int) -> Step:
        """The step at `index` (0-based): forward steps first, then backward steps."""
        if not 0 <= index < len(self):
            raise IndexError(f"step {index} is outside 0..{len(self) - 1}")
        if index < len(self.nodes):
            return ForwardStep(index)
        return self.backward[index - len(self.nodes)]

    def node(self, label: str) -> Node:
        """The last node with this label (intermediates keep the names they were given)."""
        for node in reversed(self.nodes):
            if node.label == label:
                return node
        raise KeyError(f"no node labelled {label!r}")

    def snapshot(self, position: int) -> Snapshot:
        """The state after the first `position` steps; 0 is before anything, len(self) the end.

        A pure function of the records, so stepping backwards costs the same as forwards.
        """
        if not 0 <= position <= len(self):
            raise IndexError(f"position {position} is outside 0..{len(self)}")
        count = len(self.nodes)
        revealed = min(position, count)
        values: list[Number | None] = [n.value for n in self.nodes[:revealed]]
        values += [None] * (count - revealed)
        grads: list[Number | None] = [None] * count
        final = [False] * count
        for back in self.backward[: max(0, position - count)]:
            grads[back.node] = back.grad
            final[back.node] = True
            for edge in back.edges:
                grads[edge.parent] = edge.parent_grad
        if position == 0:
            phase, step = Phase.START, None
        else:
            step = self.step(position - 1)
            phase = Phase.FORWARD if isinstance(step, ForwardStep) else Phase.BACKWARD
        return Snapshot(position, phase, step, tuple(values), tuple(grads), tuple(final))


SHORT_NAME = 14
"""An unnamed intermediate is called by its formula ("x + y") up to this many characters."""

_NOUNS = {Op.ADD: "sum", Op.SUB: "diff", Op.MUL: "prod", Op.DIV: "quot", Op.NEG: "neg"}
"""What an unnamed node of an operator is called when its formula is too long to be its name."""
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def node_names(trace: Trace) -> tuple[str, ...]:
    """A readable name per node: its label; for an unnamed node the formula that made it when
    that is short (``x + y``, ``(x + y) · z``), else its op numbered in order (``tanh₂``, the
    second such tanh), so every node can be talked about in a few characters."""
    names: list[str] = []
    counts: dict[Op, int] = {}
    for node in trace.nodes:
        if node.label:
            names.append(node.label)
            continue
        formula = node.op.formula(operand_names(node, names), node.arg)
        if len(formula) <= SHORT_NAME:
            names.append(formula)
            continue
        counts[node.op] = counts.get(node.op, 0) + 1
        noun = _NOUNS.get(node.op, node.op.key)
        names.append(noun + str(counts[node.op]).translate(_SUBSCRIPTS))
    return tuple(names)


def operand_names(node: Node, names: Sequence[str]) -> tuple[str, ...]:
    """The parents' names as they read inside the node's formula: "(x + y) · z", "tanh(x + y)"."""
    operands = []
    for position, parent in enumerate(node.parents):
        name = names[parent]
        called = f"({{{position}}})" in node.op.template
        operands.append(f"({name})" if " " in name and not called else name)
    return tuple(operands)


def edge_records(trace: Trace) -> dict[tuple[int, int], EdgeGrad[Number]]:
    """What flowed along each edge, keyed (node id, parent position).

    A backward step lists its edges in parent order, skipping parents that need no grad, so a
    node that uses the same parent twice (b = a + a) gets one record per position.
    """
    records: dict[tuple[int, int], EdgeGrad[Number]] = {}
    for step in trace.backward:
        remaining = list(step.edges)
        for position, parent in enumerate(trace.nodes[step.node].parents):
            if remaining and remaining[0].parent == parent:
                records[(step.node, position)] = remaining.pop(0)
    return records
