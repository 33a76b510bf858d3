"""Big graphs summarised: nodes in groups (layers, then neurons) shown as one node each, opened
one level at a time, as TorchLens and TensorBoard fold a model.

A `Grouping` gives every node of a recorded trace a path of group names, outermost first:
("layer 1", "neuron 3"). `summarise(trace, grouping, opened)` is the graph the learner sees: each
node inside a group that is not opened is replaced by that group, drawn as one node whose value
is what the group sends out (its outputs: the nodes used outside it), as a vector or a matrix,
the way a tensor op's is. The summary is a `Trace` of its own, made from the full one's records,
so the player, the layout and the view work on it unchanged and the stepper moves through the
visible level: each group is one step forward and one step back, and an edge out of a group
carries the sum of what its edges carried (a vector-Jacobian product, as a tensor's does).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gradlab.engine.ops import Op
from gradlab.engine.trace import BackwardStep, EdgeGrad, Node, Number, Trace

Path = tuple[str, ...]
Unit = Path | int
"""What one node of a summary stands for: a closed group, or a single node of the full trace."""


@dataclass(frozen=True)
class Grouping:
    """Each node's group path (() for a node in no group), and the shape to give a group's
    outputs when they fill it exactly (a layer's: points × neurons)."""

    paths: tuple[Path, ...]
    shapes: Mapping[Path, tuple[int, ...]]


@dataclass(frozen=True)
class Summary:
    trace: Trace
    units: tuple[Unit, ...]
    """What each summary node stands for."""
    positions: tuple[int, ...]
    """For each summary position, the position in the full trace it stands for (never
    decreasing; the summary's end is the full trace's end)."""

    def position_for(self, full_position: int) -> int:
        """The last summary position at or before `full_position` of the full trace."""
        return max(0, bisect.bisect_right(self.positions, full_position) - 1)


def unit_of(path: Path, node: int, opened: frozenset[Path]) -> Unit:
    """The outermost group on `path` that is not opened; the node itself if all are."""
    for depth in range(1, len(path) + 1):
        if path[:depth] not in opened:
            return path[:depth]
    return node


def summarise(trace: Trace, grouping: Grouping, opened: frozenset[Path]) -> Summary:
    """The summary of `trace` with the groups in `opened` opened (see the module's text)."""
    nodes = trace.nodes
    units = [unit_of(grouping.paths[n.id], n.id, opened) for n in nodes]
    members: dict[Unit, list[int]] = defaultdict(list)
    for node in nodes:
        members[units[node.id]].append(node.id)
    order = _order(nodes, units, members)
    index = {unit: i for i, unit in enumerate(order)}
    consumers: dict[int, set[Unit]] = defaultdict(set)
    for node in nodes:
        for parent in node.parents:
            consumers[parent].add(units[node.id])
    outputs = {
        unit: [m for m in ids if m == trace.root or consumers[m] - {unit}]
        for unit, ids in members.items()
    }
    grads = trace.snapshot(len(trace)).grads
    summary_nodes = []
    parents_of: list[tuple[int, ...]] = []
    for i, unit in enumerate(order):
        if isinstance(unit, int):
            node = nodes[unit]
            parents = tuple(index[units[p]] for p in node.parents)
            summary_nodes.append(_replace_node(node, i, parents))
            parents_of.append(tuple(dict.fromkeys(parents)))
            continue
        # a cycle between groups is broken: its back edge (to a later unit) is left out
        found = {index[units[p]] for m in members[unit] for p in nodes[m].parents}
        parents = tuple(sorted(j for j in found if j < i))
        value = _gather([nodes[m].value for m in outputs[unit]], grouping.shapes.get(unit))
        shape = np.shape(value) if isinstance(value, np.ndarray) else ()
        summary_nodes.append(Node(i, unit[-1], Op.GROUP, parents, value, tuple(shape), None, True))
        parents_of.append(parents)
    backward = _backward(trace, units, order, index, outputs, grads, grouping, parents_of)
    summary = Trace(tuple(summary_nodes), index[units[trace.root]], tuple(backward))
    return Summary(summary, tuple(order), _positions(trace, order, members))


def _order(nodes: Sequence[Node], units: list[Unit], members: dict[Unit, list[int]]) -> list[Unit]:
    """The units in an order where every edge runs forward (Kahn's, earliest last member first;
    a cycle between groups is broken at its latest unit)."""
    last = {unit: max(ids) for unit, ids in members.items()}
    after: dict[Unit, set[Unit]] = defaultdict(set)
    waiting: dict[Unit, set[Unit]] = {unit: set() for unit in members}
    for node in nodes:
        for parent in node.parents:
            a, b = units[parent], units[node.id]
            if a != b:
                after[a].add(b)
                waiting[b].add(a)
    order: list[Unit] = []
    ready = sorted((u for u, w in waiting.items() if not w), key=last.__getitem__)
    while len(order) < len(members):
        if not ready:
            # a cycle: take the unit that would come first by its last member
            ready = [min((u for u in waiting if waiting[u]), key=last.__getitem__)]
            waiting[ready[0]] = set()
        unit = ready.pop(0)
        order.append(unit)
        for later in after[unit]:
            waiting[later].discard(unit)
            if not waiting[later] and later not in order and later not in ready:
                ready.append(later)
        ready.sort(key=last.__getitem__)
    return order


def _replace_node(node: Node, new_id: int, parents: tuple[int, ...]) -> Node:
    return Node(
        new_id, node.label, node.op, parents, node.value, node.shape, node.arg, node.requires_grad
    )


def _gather(values: list[Number], shape: tuple[int, ...] | None) -> Number:
    """A group's outputs as one value: a number when it has one, else an array (in `shape`
    when they fill it)."""
    if len(values) == 1 and not np.shape(values[0]):
        return float(values[0])
    flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
    if shape is not None and int(np.prod(shape)) == flat.size:
        flat = flat.reshape(shape)
    flat.flags.writeable = False
    return flat


def _backward(
    trace: Trace,
    units: list[Unit],
    order: list[Unit],
    index: dict[Unit, int],
    outputs: dict[Unit, list[int]],
    grads: Sequence[Number | None],
    grouping: Grouping,
    parents_of: list[tuple[int, ...]],
) -> list[BackwardStep[Number]]:
    """One backward step per unit that carries a grad, in reverse order; an edge's contribution
    is what the full graph's edges between the two units carried, summed per output."""
    sent: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    locals_: dict[tuple[int, int], list[float | None]] = defaultdict(list)
    has_grad: set[int] = set()
    for step in trace.backward:
        child = index[units[step.node]]
        has_grad.add(child)
        for edge in step.edges:
            parent = index[units[edge.parent]]
            if parent != child:
                sent[(child, parent)][edge.parent] += float(edge.contribution)
                locals_[(child, parent)].append(edge.local)
    running: dict[int, Number] = {}
    steps: list[BackwardStep[Number]] = []
    for i in reversed(range(len(order))):
        if i not in has_grad:
            continue
        unit = order[i]
        grad = _gather([grads[m] or 0.0 for m in outputs[unit]], _shape_of(unit, grouping))
        edges = []
        for parent in parents_of[i]:
            flows = sent.get((i, parent))
            if flows is None:
                continue
            source = order[parent]
            contribution = _gather(
                [flows.get(m, 0.0) for m in outputs[source]], _shape_of(source, grouping)
            )
            before = running.get(parent)
            after = contribution if before is None else before + contribution
            running[parent] = after
            one = locals_[(i, parent)]
            plain = isinstance(unit, int) and isinstance(source, int) and len(one) == 1
            local = one[0] if plain else None
            edges.append(EdgeGrad(parent, local, contribution, after))
        steps.append(BackwardStep(i, grad, tuple(edges)))
    return steps


def _shape_of(unit: Unit, grouping: Grouping) -> tuple[int, ...] | None:
    return None if isinstance(unit, int) else grouping.shapes.get(unit)


def _positions(trace: Trace, order: list[Unit], members: dict[Unit, list[int]]) -> tuple[int, ...]:
    """The full trace's position each summary position stands for: a unit's forward step is
    done when its last member is computed, its backward step when its last member's is."""
    count = len(trace.nodes)
    step_of = {step.node: k for k, step in enumerate(trace.backward)}
    positions = [0]
    for unit in order:
        positions.append(max(positions[-1], max(members[unit]) + 1))
    for unit in reversed(order):
        done = [step_of[m] for m in members[unit] if m in step_of]
        if done:
            positions.append(max(positions[-1], count + max(done) + 1))
    # the end is the end: every step of the full trace is done
    positions[-1] = len(trace)
    return tuple(positions)
