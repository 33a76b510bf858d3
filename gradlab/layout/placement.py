"""After the engine: ops split off their values, and edge labels placed.

An op node is laid out as one with its value (a `Lead`), which halves the number of ranks and
keeps the short op -> value arrow short.

Edge labels are placed after layout, so Graphviz need not double its ranks for them.
Asking Graphviz to place edge labels turns each label into a node of its own and triples the
time of a 300-node layout (about 600 ms against 175 ms, measured with graphviz-pure). Instead the
rank gap is made wide enough for the widest label, the graph is laid out without labels, and each
label is put beside its edge where the edge crosses the middle of the gap before its head node:
above the line where there is room, else below it, so the line stays visible and labels that
share a gap never overlap.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict

from gradlab.layout.compact import column_of, spans
from gradlab.layout.model import Box, EdgePath, GraphSpec, Layout, Point

LABEL_PAD = 3.0
"""Room between a label and the node columns on either side of it."""
ARROW = 8.0
"""Length of the arrowhead drawn at the end of an edge."""
LABEL_GAP = 4.0
"""Least vertical space between two labels in the same gap."""
LABEL_CLEARANCE = 3.0
"""Room between a label and the edge it sits beside."""
PARALLEL_GAP = 12.0
"""How far apart parallel edges without labels are drawn."""
CANVAS_MARGIN = 12.0


def engine_spec(spec: GraphSpec) -> GraphSpec:
    """What the layout engine sees: no edge labels, and edges into a lead go to its owner."""
    owner = {n.lead.key: n.key for n in spec.nodes if n.lead is not None}
    edges = tuple(
        dataclasses.replace(
            e,
            tail=owner.get(e.tail, e.tail),
            head=owner.get(e.head, e.head),
            label_width=0.0,
            label_height=0.0,
        )
        for e in spec.edges
    )
    return GraphSpec(spec.nodes, edges)


def split_leads(layout: Layout, spec: GraphSpec) -> Layout:
    """Cut each outer box back into the lead (left) and the node (right), joined by an arrow;
    edges keep the keys of `spec` (an edge into an op names the op, not its value)."""
    boxes = dict(layout.boxes)
    joins: list[EdgePath] = []
    for node in spec.nodes:
        lead = node.lead
        if lead is None:
            continue
        outer = boxes[node.key]
        middle = outer.center[1]
        boxes[lead.key] = Box(lead.key, outer.x, middle - lead.height / 2, lead.width, lead.height)
        left = outer.x + lead.width + lead.gap
        boxes[node.key] = Box(node.key, left, middle - node.height / 2, node.width, node.height)
        start, end = (outer.x + lead.width, middle), (left - ARROW, middle)
        joins.append(
            EdgePath(
                lead.edge, lead.key, node.key, (start, start, end, end), (left, middle), join=True
            )
        )
    paths = tuple(
        dataclasses.replace(path, tail=edge.tail, head=edge.head)
        for path, edge in zip(layout.edges, spec.edges, strict=True)
    )
    return Layout(boxes, paths + tuple(joins), layout.width, layout.height, layout.engine)


def gap_for_labels(spec: GraphSpec, rank_gap: float) -> float:
    """The rank gap that fits the widest edge label with padding on both sides."""
    widest = max((e.label_width for e in spec.edges), default=0.0)
    return max(rank_gap, widest + 2 * LABEL_PAD) if widest > 0 else rank_gap


def place_labels(layout: Layout, spec: GraphSpec, rank_gap: float) -> Layout:
    """`layout` (as the engine returned it, leads not yet split off) with a label centre on
    every edge of `spec` that has a label: in the middle of the gap before its head's column,
    beside its edge and not on it (above it, or below for the lower edges into a node), so the
    label never hides the line it describes. Parallel edges (b = a + a) are drawn apart first."""
    layout = separate_parallel(layout, spec)
    owner = {n.lead.key: n.key for n in spec.nodes if n.lead is not None}
    columns = spans(layout.boxes.values())
    into: dict[str, list[tuple[float, tuple[float, float, float], str]]] = defaultdict(list)
    for edge in spec.edges:
        if edge.label_width <= 0:
            continue
        column = column_of(columns, layout.boxes[owner.get(edge.head, edge.head)].x)
        before = columns[column - 1][1] if column else columns[0][0] - rank_gap
        x = (before + columns[column][0]) / 2
        half = edge.label_width / 2
        into[edge.head].append((x, _y_span(layout.edge(edge.key), x - half, x + half), edge.key))
    heights = {e.key: e.label_height for e in spec.edges}
    gaps: dict[float, list[tuple[float, float, float, float, str]]] = defaultdict(list)
    for edges in into.values():
        for x, (low, high, middle), key in edges:
            gaps[x].append((middle, low, high, heights[key], key))
    centres: dict[str, Point] = {}
    for x, gap in gaps.items():
        for key, y in _stack(gap).items():
            centres[key] = (x, y)
    paths = tuple(
        dataclasses.replace(path, label=centres.get(path.key, path.label)) for path in layout.edges
    )
    return _grow_to_fit(
        Layout(layout.boxes, paths, layout.width, layout.height, layout.engine), heights
    )


def separate_parallel(layout: Layout, spec: GraphSpec) -> Layout:
    """Edges with the same ends drawn on one line (b = a + a, as the built-in layout routes them)
    are bowed apart, one label height each, so both can be seen and labelled."""
    groups: dict[tuple[str, str], list[EdgePath]] = defaultdict(list)
    for path in layout.edges:
        groups[(path.tail, path.head)].append(path)
    spacing = {e.key: e.label_height + 2 * LABEL_CLEARANCE for e in spec.edges}
    moved: dict[str, EdgePath] = {}
    for paths in groups.values():
        if len(paths) < 2 or len({p.points for p in paths}) > 1:
            continue
        step = max(spacing.get(p.key, 0.0) for p in paths) or PARALLEL_GAP
        for k, path in enumerate(paths):
            # a cubic's middle moves by 3/4 of what its inner control points move
            dy = (k - (len(paths) - 1) / 2) * step / 0.75
            points = [path.points[0]]
            points += [(x, y + dy) for x, y in path.points[1:-1]]
            points.append(path.points[-1])
            moved[path.key] = dataclasses.replace(path, points=tuple(points))
    if not moved:
        return layout
    edges = tuple(moved.get(path.key, path) for path in layout.edges)
    return Layout(layout.boxes, edges, layout.width, layout.height, layout.engine)


def _grow_to_fit(layout: Layout, heights: dict[str, float]) -> Layout:
    """Labels beside the top or bottom edge may stick out of the canvas: grow it and move
    everything down so that they fit."""
    tops = [p.label[1] - heights[p.key] / 2 for p in layout.edges if p.label is not None]
    bottoms = [p.label[1] + heights[p.key] / 2 for p in layout.edges if p.label is not None]
    shift = max(0.0, CANVAS_MARGIN - min(tops, default=CANVAS_MARGIN))
    height = max(layout.height, max(bottoms, default=0.0) + CANVAS_MARGIN) + shift
    if shift == 0.0 and height == layout.height:
        return layout
    boxes = {key: dataclasses.replace(box, y=box.y + shift) for key, box in layout.boxes.items()}

    def down(point: Point) -> Point:
        return (point[0], point[1] + shift)

    edges = tuple(
        dataclasses.replace(
            p,
            points=tuple(down(q) for q in p.points),
            tip=down(p.tip),
            label=None if p.label is None else down(p.label),
        )
        for p in layout.edges
    )
    return Layout(boxes, edges, layout.width, height, layout.engine)


def _stack(column: list[tuple[float, float, float, float, str]]) -> dict[str, float]:
    """Label centres for the edges crossing one gap, top to bottom: each label above its edge
    where there is room between the edge above it and its own line, else below its line; never
    on its own line, never overlapping the labels above. Entries: (the edge's height mid-gap,
    its lowest and highest y under the label, the label's height, the edge's key)."""
    centres: dict[str, float] = {}
    floor = -math.inf  # nothing placed may reach above this
    for _, low, high, height, key in sorted(column):
        above = low - LABEL_CLEARANCE - height / 2
        if above - height / 2 >= floor:
            y = above
        else:
            y = max(high + LABEL_CLEARANCE, floor) + height / 2
        centres[key] = y
        floor = max(y + height / 2 + LABEL_GAP, high + LABEL_CLEARANCE)
    return centres


def _y_span(path: EdgePath, left: float, right: float) -> tuple[float, float, float]:
    """Where the edge's spline runs between `left` and `right`: its lowest and highest y there,
    and its y in the middle (sampled; only the segments that reach that far are looked at)."""
    middle = (left + right) / 2
    samples: list[Point] = [path.points[-1], path.tip]
    for i in range(0, len(path.points) - 3, 3):
        p0, p1, p2, p3 = path.points[i : i + 4]
        xs = (p0[0], p1[0], p2[0], p3[0])
        if max(xs) < left or min(xs) > right:
            continue  # a Bézier segment stays within its control points
        for k in range(17):
            t = k / 16
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
            samples.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    at_middle = min(samples, key=lambda p: abs(p[0] - middle))[1]
    inside = [y for x, y in samples if left <= x <= right] or [at_middle]
    # a steep stretch can cross the label's side between two samples: take where it does
    for (ax, ay), (bx, by) in itertools.pairwise(samples[2:]):
        for side in (left, right):
            if min(ax, bx) < side < max(ax, bx):
                inside.append(ay + (by - ay) * (side - ax) / (bx - ax))
    return min(inside), max(inside), at_middle
