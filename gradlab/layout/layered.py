"""The built-in layered (Sugiyama-style) layout, left to right: used when Graphviz is missing.

1. Ranks by longest path from the inputs, then every node moved right up to its first use;
   edges spanning several ranks are chained through dummy slots.
2. Order within each rank by barycentre sweeps, which removes most crossings.
3. Vertical positions: each slot wants the mean height of its neighbours; the closest placement
   that keeps the order and the gaps is found exactly by pool-adjacent-violators.
4. Edges are smooth S-curves through their slots. Edge labels are placed afterwards
   (`gradlab.layout.placement`), as for Graphviz.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from gradlab.layout.model import Box, EdgePath, GraphSpec, Layout, Point

MARGIN = 8.0
ARROW = 8.0
SWEEPS = 4


@dataclass
class _Slot:
    """A node, an edge label or a bend of a long edge, in one rank."""

    key: str
    rank: int
    width: float
    height: float
    order: float = 0.0
    y: float = 0.0
    up: list[_Slot] = field(default_factory=list)
    down: list[_Slot] = field(default_factory=list)


def layered_layout(spec: GraphSpec, node_gap: float = 18.0, rank_gap: float = 28.0) -> Layout:
    """Lay out `spec` left to right without Graphviz."""
    slots = {n.key: _Slot(n.key, 0, *n.outer) for n in spec.nodes}
    _assign_ranks(spec, slots)
    chains: dict[str, list[_Slot]] = {}
    for edge in spec.edges:
        tail, head = slots[edge.tail], slots[edge.head]
        chain = [tail]
        for rank in range(tail.rank + 1, head.rank):
            chain.append(_Slot(f"{edge.key}#{rank}", rank, 0.0, 4.0))
        chain.append(head)
        for a, b in itertools.pairwise(chain):
            a.down.append(b)
            b.up.append(a)
        chains[edge.key] = chain
    ranks = _ranks(slots, chains)
    _order(ranks)
    _place(ranks, node_gap)
    return _geometry(spec, slots, chains, ranks, rank_gap)


def _assign_ranks(spec: GraphSpec, slots: dict[str, _Slot]) -> None:
    incoming: dict[str, list[str]] = defaultdict(list)
    outgoing: dict[str, list[str]] = defaultdict(list)
    for edge in spec.edges:
        incoming[edge.head].append(edge.tail)
        outgoing[edge.tail].append(edge.head)
    waiting = {key: len(incoming[key]) for key in slots}
    ready = [key for key, count in waiting.items() if count == 0]
    order = []
    while ready:
        key = ready.pop()
        order.append(key)
        slots[key].rank = max((slots[t].rank + 1 for t in incoming[key]), default=0)
        for head in outgoing[key]:
            waiting[head] -= 1
            if waiting[head] == 0:
                ready.append(head)
    if any(waiting.values()):
        raise ValueError("the graph has a cycle")
    # then every node as late as its uses allow: an input used late sits just before its first
    # use, and so does a product w·x summed in at the end of a long sum (placed early, its edge
    # would cross hundreds of ranks: a 500-term sum had 125,000 bends and took 3.8 s)
    for key in reversed(order):
        if outgoing[key]:
            slots[key].rank = min(slots[h].rank for h in outgoing[key]) - 1


def _ranks(slots: dict[str, _Slot], chains: dict[str, list[_Slot]]) -> list[list[_Slot]]:
    every = list(slots.values()) + [s for chain in chains.values() for s in chain[1:-1]]
    ranks: list[list[_Slot]] = [[] for _ in range(max((s.rank for s in every), default=0) + 1)]
    for slot in every:
        ranks[slot.rank].append(slot)
    return ranks


def _order(ranks: list[list[_Slot]]) -> None:
    for rank in ranks:
        for i, slot in enumerate(rank):
            slot.order = i
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        for rank in ranks[1:] if downwards else ranks[-2::-1]:
            for slot in rank:
                near = slot.up if downwards else slot.down
                if near:
                    slot.order = sum(n.order for n in near) / len(near)
            rank.sort(key=lambda s: s.order)
            for i, slot in enumerate(rank):
                slot.order = i


def _place(ranks: list[list[_Slot]], gap: float) -> None:
    for rank in ranks:
        top = 0.0
        for slot in rank:
            slot.y = top + slot.height / 2
            top += slot.height + gap
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        for rank in ranks[1:] if downwards else ranks[-2::-1]:
            wanted = []
            for slot in rank:
                near = slot.up if downwards else slot.down
                wanted.append(sum(n.y for n in near) / len(near) if near else slot.y)
            _pack(rank, wanted, gap)
    low = min((s.y - s.height / 2 for rank in ranks for s in rank), default=0.0)
    for rank in ranks:
        for slot in rank:
            slot.y -= low


def _pack(rank: list[_Slot], wanted: list[float], gap: float) -> None:
    """Closest centres to `wanted` (least squares) keeping the order and `gap` between slots."""
    offsets = [0.0]
    for a, b in itertools.pairwise(rank):
        offsets.append(offsets[-1] + a.height / 2 + gap + b.height / 2)
    # shifted targets must be non-decreasing: pool adjacent violators
    blocks: list[list[float]] = []  # [mean, count]
    for target, offset in zip(wanted, offsets, strict=True):
        blocks.append([target - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count)
            blocks[-1][1] += count
    i = 0
    for mean, count in blocks:
        for _ in range(int(count)):
            rank[i].y = mean + offsets[i]
            i += 1


def _geometry(
    spec: GraphSpec,
    slots: dict[str, _Slot],
    chains: dict[str, list[_Slot]],
    ranks: list[list[_Slot]],
    rank_gap: float,
) -> Layout:
    columns: list[float] = []
    left = MARGIN
    for rank in ranks:
        width = max((s.width for s in rank), default=0.0)
        columns.append(left + width / 2)
        left += width + rank_gap
    boxes = {}
    for node in spec.nodes:
        slot = slots[node.key]
        width, height = node.outer
        x, y = columns[slot.rank] - width / 2, slot.y - height / 2 + MARGIN
        boxes[node.key] = Box(node.key, x, y, width, height)
    paths = []
    for edge in spec.edges:
        chain = chains[edge.key]
        tail, head = boxes[edge.tail], boxes[edge.head]
        route: list[Point] = [(tail.x + tail.width, tail.center[1])]
        route += [(columns[slot.rank], slot.y + MARGIN) for slot in chain[1:-1]]
        tip = (head.x, head.center[1])
        route.append((tip[0] - ARROW, tip[1]))
        paths.append(EdgePath(edge.key, edge.tail, edge.head, _curve(route), tip))
    height = max((b.y + b.height for b in boxes.values()), default=0.0) + MARGIN
    return Layout(boxes, tuple(paths), left - rank_gap + MARGIN, height, "builtin")


def _curve(route: list[Point]) -> tuple[Point, ...]:
    """A smooth path through `route`: each leg an S-curve with horizontal tangents."""
    points = [route[0]]
    for (ax, ay), (bx, by) in itertools.pairwise(route):
        mid = (ax + bx) / 2
        points += [(mid, ay), (mid, by), (bx, by)]
    return tuple(points)
