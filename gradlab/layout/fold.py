"""Folding a long left-to-right layout into strips stacked top to bottom, as text wraps.

A chain of ten ops is ten columns wide and one row high: fitted to a wide screen its text is
tiny. Cut into two or three strips, each below the one before, it fits with text twice as large.
Cuts fall between columns. An edge from one strip to a later one leaves its tail to the right,
runs down the gap under the strip and in again from the left of the strip of its head; its
label sits just above the line's last stretch. `best_fold` picks the number of strips that lets
the graph be drawn largest in a given area.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping

from gradlab.layout.compact import spans
from gradlab.layout.model import EdgePath, Layout, Point

STRIP_GAP = 36.0
"""Room between two strips, where the edges that wrap run."""
WRAP_ROOM = 24.0
"""Room left of each later strip, where wrapping edges come down."""
RUN_GAP = 6.0
"""Distance between two wrapping edges that run side by side."""
ARROW = 8.0
CLEARANCE = 3.0
MAX_STRIPS = 5
FOLD_NODES = 150
"""Larger graphs are not folded (their overview helps more than larger type)."""
WORTH = 1.3
"""A fold must let the graph be drawn at least this much larger: a wrapped edge is harder to
follow than a straight one, so small gains are not worth it."""
MIN_COLUMNS = 4
"""Fewer columns are never folded (a strip of one or two columns says little)."""

Sizes = Mapping[str, tuple[float, float]]
"""Each labelled edge's label size, by edge key."""


def columns(layout: Layout) -> list[tuple[float, float]]:
    """The x-ranges of the layout's columns (overlapping boxes, and a lead with its node,
    merged), left to right."""
    boxes = dict(layout.boxes)
    for path in layout.edges:
        if path.join:
            tail, head = boxes[path.tail], boxes[path.head]
            left, right = min(tail.x, head.x), max(tail.x + tail.width, head.x + head.width)
            boxes[path.tail] = dataclasses.replace(tail, x=left, width=right - left)
    return spans(boxes.values())


def fold(layout: Layout, strips: int, labels: Sizes) -> Layout:
    """`layout` in `strips` strips of about equal width (itself when that is 1 or impossible)."""
    found = columns(layout)
    strips = min(strips, len(found))
    if strips <= 1:
        return layout
    cuts = _cuts(found, layout.width / strips, strips)
    starts = [0.0, *cuts]

    def strip_of(x: float) -> int:
        return sum(x >= cut for cut in cuts)

    tops, bottoms = _extents(layout, strip_of, strips, labels)
    shifts: list[Point] = []
    y = 0.0
    for index, start in enumerate(starts):
        dx = -start + (WRAP_ROOM if index else 0.0)
        shifts.append((dx, y - tops[index]))
        y += bottoms[index] - tops[index] + STRIP_GAP
    boxes = {
        key: dataclasses.replace(box, x=box.x + shifts[s][0], y=box.y + shifts[s][1])
        for key, box in layout.boxes.items()
        for s in [strip_of(box.center[0])]
    }
    right = [0.0] * strips
    for key, box in boxes.items():
        s = strip_of(layout.boxes[key].center[0])
        right[s] = max(right[s], box.x + box.width)
    edges: list[EdgePath] = []
    wraps = [0] * strips
    lanes: dict[str, int] = {}
    for path in layout.edges:
        tail = strip_of(layout.boxes[path.tail].center[0])
        head = strip_of(layout.boxes[path.head].center[0])
        if tail == head:
            edges.append(_moved(path, shifts[tail]))
            continue
        run = wraps[tail]
        wrap = _Wrap(
            out_x=right[tail] + WRAP_ROOM / 2 + run * RUN_GAP,
            run_y=bottoms[tail] + shifts[tail][1] + STRIP_GAP / 2 + run * RUN_GAP / 2,
            in_x=WRAP_ROOM / 2 - run * RUN_GAP / 2,
            lane=lanes.get(path.head, 0),
        )
        edges.append(_wrapped(path, shifts[tail], shifts[head], wrap, labels.get(path.key)))
        wraps[tail] += 1
        lanes[path.head] = wrap.lane + 1
    width = max(right) + max(wraps, default=0) * RUN_GAP + 2 * WRAP_ROOM
    height = y - STRIP_GAP
    return Layout(boxes, tuple(edges), width, height, layout.engine)


def best_fold(layout: Layout, labels: Sizes, area: tuple[float, float], most: float) -> Layout:
    """The fold of `layout` that can be drawn largest in `area` (width, height), magnified at
    most `most` times; `layout` itself unless folding gains at least `WORTH`."""
    if len(layout.boxes) > 2 * FOLD_NODES or area[0] <= 0 or area[1] <= 0:
        return layout
    if len(columns(layout)) < MIN_COLUMNS:
        return layout

    def zoom(candidate: Layout) -> float:
        return min(area[0] / candidate.width, area[1] / candidate.height, most)

    best, best_zoom = layout, zoom(layout)
    for strips in range(2, MAX_STRIPS + 1):
        candidate = fold(layout, strips, labels)
        if zoom(candidate) > best_zoom * WORTH:
            best, best_zoom = candidate, zoom(candidate)
    return best


def _cuts(spans: list[tuple[float, float]], target: float, strips: int) -> list[float]:
    """Where new strips begin: after the column whose end is nearest each multiple of
    `target`, so that strips have about the same width (fewer cuts when columns run out)."""
    ends = [right for _, right in spans[:-1]]
    cuts: list[float] = []
    for k in range(1, strips):
        later = [end for end in ends if not cuts or end > cuts[-1]]
        if not later:
            break
        cuts.append(min(later, key=lambda end: abs(end - k * target)) + 1e-6)
    return cuts


def _extents(
    layout: Layout, strip_of: Callable[[float], int], strips: int, labels: Sizes
) -> tuple[list[float], list[float]]:
    """Each strip's top and bottom: its boxes and the labels of its edges."""
    tops, bottoms = [layout.height] * strips, [0.0] * strips
    for box in layout.boxes.values():
        s = strip_of(box.center[0])
        tops[s], bottoms[s] = min(tops[s], box.y), max(bottoms[s], box.y + box.height)
    for path in layout.edges:
        if path.label is None or path.key not in labels:
            continue
        s = strip_of(layout.boxes[path.head].center[0])
        half = labels[path.key][1] / 2
        tops[s] = min(tops[s], path.label[1] - half)
        bottoms[s] = max(bottoms[s], path.label[1] + half)
    return tops, bottoms


def _moved(path: EdgePath, shift: Point) -> EdgePath:
    dx, dy = shift

    def move(p: Point) -> Point:
        return (p[0] + dx, p[1] + dy)

    return dataclasses.replace(
        path,
        points=tuple(move(p) for p in path.points),
        tip=move(path.tip),
        label=None if path.label is None else move(path.label),
    )


@dataclasses.dataclass(frozen=True)
class _Wrap:
    """Where one wrapping edge runs: out of its strip, along the gap, into its head's strip."""

    out_x: float
    run_y: float
    in_x: float
    lane: int
    """How many edges into the same head wrapped before this one (each gets its own lane)."""


def _wrapped(
    path: EdgePath,
    tail_shift: Point,
    head_shift: Point,
    wrap: _Wrap,
    label: tuple[float, float] | None,
) -> EdgePath:
    """An edge from one strip to a later one: right, down the gap, left, down, into its head;
    its label just above the line's last stretch (a lane of its own per edge into the head)."""
    start = (path.points[0][0] + tail_shift[0], path.points[0][1] + tail_shift[1])
    tip = (path.tip[0] + head_shift[0], path.tip[1] + head_shift[1])
    label_height = label[1] if label is not None else 0.0
    lane_y = tip[1] + wrap.lane * (label_height + 2 * CLEARANCE + RUN_GAP)
    turn_x = tip[0] - ARROW - RUN_GAP
    corners = [
        start,
        (wrap.out_x, start[1]),
        (wrap.out_x, wrap.run_y),
        (wrap.in_x, wrap.run_y),
        (wrap.in_x, lane_y),
        (turn_x, lane_y),
        (turn_x, tip[1]),
        (tip[0] - ARROW, tip[1]),
    ]
    points = [start]
    for a, b in itertools.pairwise(corners):
        # a straight cubic: its control points on the line
        points += [_between(a, b, 1 / 3), _between(a, b, 2 / 3), b]
    centre = None
    if path.label is not None and label is not None:
        centre = (path.label[0] + head_shift[0], lane_y - label_height / 2 - CLEARANCE)
    return dataclasses.replace(path, points=tuple(points), tip=tip, label=centre)


def _between(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
