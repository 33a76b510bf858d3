"""Plain geometry records: what to lay out (`GraphSpec`) and where it went (`Layout`).

Coordinates are screen coordinates: x grows to the right, y grows downwards (Graphviz's y axis is
flipped on the way in), in pixels at zoom 1. The GUI draws these numbers as they are.

Records pickle as their fields in order (`__reduce__`): a layout made in a worker process comes
back in a third of the time dataclasses' own pickling takes (it looks every field up anew).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Lead:
    """A small node glued to the left of another (an op in front of its value), joined to it by
    a short edge `edge`: placed as one, so it costs no rank of its own."""

    key: str
    width: float
    height: float
    gap: float
    edge: str

    def __reduce__(self) -> tuple[type[Lead], tuple[Any, ...]]:
        return (
            Lead,
            (
                self.key,
                self.width,
                self.height,
                self.gap,
                self.edge,
            ),
        )


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """A node to place: a unique key and the size its drawing needs, maybe with a lead."""

    key: str
    width: float
    height: float
    lead: Lead | None = None

    @property
    def outer(self) -> tuple[float, float]:
        """The size of the node and its lead together, as the layout engine sees it."""
        if self.lead is None:
            return (self.width, self.height)
        lead = self.lead
        return (lead.width + lead.gap + self.width, max(self.height, lead.height))

    def __reduce__(self) -> tuple[type[NodeSpec], tuple[Any, ...]]:
        return (
            NodeSpec,
            (
                self.key,
                self.width,
                self.height,
                self.lead,
            ),
        )


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """A directed edge to route; a label of this size (0 × 0 for none) rides along its middle."""

    key: str
    tail: str
    head: str
    label_width: float = 0.0
    label_height: float = 0.0

    def __reduce__(self) -> tuple[type[EdgeSpec], tuple[Any, ...]]:
        return (
            EdgeSpec,
            (
                self.key,
                self.tail,
                self.head,
                self.label_width,
                self.label_height,
            ),
        )


@dataclass(frozen=True, slots=True)
class GraphSpec:
    """A graph to lay out left to right (inputs on the left, the output on the right)."""

    nodes: tuple[NodeSpec, ...]
    edges: tuple[EdgeSpec, ...]

    def __reduce__(self) -> tuple[type[GraphSpec], tuple[Any, ...]]:
        return (
            GraphSpec,
            (
                self.nodes,
                self.edges,
            ),
        )


@dataclass(frozen=True, slots=True)
class Box:
    """Where a node went: top-left corner (x, y) and size."""

    key: str
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> Point:
        return (self.x + self.width / 2, self.y + self.height / 2)

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """True when the two boxes, each grown by `gap` / 2 on every side, intersect."""
        return (
            self.x < other.x + other.width + gap
            and other.x < self.x + self.width + gap
            and self.y < other.y + other.height + gap
            and other.y < self.y + self.height + gap
        )

    def __reduce__(self) -> tuple[type[Box], tuple[Any, ...]]:
        return (
            Box,
            (
                self.key,
                self.x,
                self.y,
                self.width,
                self.height,
            ),
        )


@dataclass(frozen=True, slots=True)
class EdgePath:
    """Where an edge went: a cubic Bézier spline (1 + 3k control points) ending at `tip`.

    `tip` is where the arrowhead touches the head node; the spline stops short of it so the
    arrowhead fits. `label` is the centre of the edge's label, None when it has no label.
    """

    key: str
    tail: str
    head: str
    points: tuple[Point, ...]
    tip: Point
    label: Point | None = None
    join: bool = False
    """A lead's short arrow into its node (op -> value): the two are drawn as one column."""

    def __reduce__(self) -> tuple[type[EdgePath], tuple[Any, ...]]:
        return (
            EdgePath,
            (
                self.key,
                self.tail,
                self.head,
                self.points,
                self.tip,
                self.label,
                self.join,
            ),
        )


@dataclass(frozen=True)
class Layout:
    """A finished layout: every node's box, every edge's path, and the overall size."""

    boxes: Mapping[str, Box]
    edges: tuple[EdgePath, ...]
    width: float
    height: float
    engine: str
    """Which engine made it: "dot", "graphviz-pure" or "builtin"."""
    edge_index: Mapping[str, EdgePath] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "edge_index", {edge.key: edge for edge in self.edges})

    def edge(self, key: str) -> EdgePath:
        return self.edge_index[key]

    def __reduce__(self) -> tuple[type[Layout], tuple[Any, ...]]:
        return (
            Layout,
            (
                self.boxes,
                self.edges,
                self.width,
                self.height,
                self.engine,
            ),
        )
