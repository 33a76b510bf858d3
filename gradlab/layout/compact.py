"""Narrowing the gaps between columns to what each one holds.

The layout engines keep one gap between all columns, wide enough for the widest edge label
anywhere. Here each gap shrinks to its own widest label (or to the plain rank gap where it has
none), and everything right of it moves left: a graph with a "local 1" in most gaps and one
"local -0.07688" gets a fifth narrower, so it fits a projector with larger type. x-coordinates
are mapped piecewise linearly (columns keep their width, gaps scale), so edges stay smooth.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable

from gradlab.layout.model import Box, GraphSpec, Layout, Point


def compact_gaps(layout: Layout, spec: GraphSpec, rank_gap: float, pad: float) -> Layout:
    """`layout` (as the engine returned it: leads not split off, no labels yet) with the gap
    before each column only as wide as the labels of the edges into it need (their width and
    `pad` on both sides), and at least `rank_gap`."""
    columns = spans(layout.boxes.values())
    if len(columns) < 2:
        return layout
    owner = {n.lead.key: n.key for n in spec.nodes if n.lead is not None}
    needs = [rank_gap] * len(columns)
    for edge in spec.edges:
        if edge.label_width > 0:
            column = column_of(columns, layout.boxes[owner.get(edge.head, edge.head)].x)
            needs[column] = max(needs[column], edge.label_width + 2 * pad)
    # breakpoints of the map: (old x, new x) at every column's two sides
    old, new = [columns[0][0]], [columns[0][0]]
    for index, (left, right) in enumerate(columns):
        if index:
            old.append(left)
            new.append(new[-1] + min(needs[index], left - old[-2]))
        old.append(right)
        new.append(new[-1] + right - left)
    if old == new:
        return layout

    def x_of(x: float) -> float:
        if x >= old[-1]:
            return x - old[-1] + new[-1]
        i = min(max(bisect.bisect(old, x) - 1, 0), len(old) - 2)
        a, b = old[i], old[i + 1]
        t = 0.0 if b == a else (x - a) / (b - a)
        return new[i] + t * (new[i + 1] - new[i])

    def point(p: Point) -> Point:
        return (x_of(p[0]), p[1])

    boxes = {k: dataclasses.replace(b, x=x_of(b.x)) for k, b in layout.boxes.items()}
    edges = tuple(
        dataclasses.replace(
            path,
            points=tuple(point(p) for p in path.points),
            tip=point(path.tip),
            label=None if path.label is None else point(path.label),
        )
        for path in layout.edges
    )
    width = layout.width - (old[-1] - new[-1])
    return Layout(boxes, edges, width, layout.height, layout.engine)


def spans(boxes: Iterable[Box]) -> list[tuple[float, float]]:
    """The x-ranges of the columns (overlapping boxes merged), left to right."""
    merged: list[tuple[float, float]] = []
    for left, right in sorted((b.x, b.x + b.width) for b in boxes):
        if merged and left <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], right))
        else:
            merged.append((left, right))
    return merged


def column_of(columns: list[tuple[float, float]], x: float) -> int:
    """The index of the column that holds x (a box's left side)."""
    return max(0, bisect.bisect(columns, (x, float("inf"))) - 1)
