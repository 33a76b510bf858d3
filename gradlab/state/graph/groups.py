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
from collections.abc import Mapping
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
    return Grouped(trace, grouping).summarise(opened)


class Grouped:
    """A full trace and its grouping, with what every summary needs worked out once (edges,
    final grads, what flowed back along each edge): a 10,000-node graph is summarised anew in
    a few tens of milliseconds each time a group opens or closes."""

    def __init__(self, trace: Trace, grouping: Grouping) -> None:
        self.trace = trace
        self.grouping = grouping
        self.edges = [(parent, node.id) for node in trace.nodes for parent in node.parents]
        self.grads = trace.snapshot(len(trace)).grads
        self.flows = [
            (step.node, edge.parent, float(edge.contribution), edge.local)
            for step in trace.backward
            for edge in step.edges
        ]
        self.with_grad = {step.node for step in trace.backward}
        self.step_of = {step.node: k for k, step in enumerate(trace.backward)}

    def summarise(self, opened: frozenset[Path]) -> Summary:
        trace, grouping = self.trace, self.grouping
        nodes = trace.nodes
        chosen: dict[Path, Unit] = {}
        units: list[Unit] = []
        for node in nodes:
            path = grouping.paths[node.id]
            unit = chosen.get(path)
            if unit is None:
                unit = chosen[path] = unit_of(path, -1, opened)
            units.append(node.id if unit == -1 else unit)
        members: dict[Unit, list[int]] = defaultdict(list)
        for node_id, unit in enumerate(units):
            members[unit].append(node_id)
        after: dict[Unit, set[Unit]] = defaultdict(set)
        before: dict[Unit, set[Unit]] = defaultdict(set)
        used_outside = [False] * len(nodes)
        for parent, child in self.edges:
            a, b = units[parent], units[child]
            if a != b:
                after[a].add(b)
                before[b].add(a)
                used_outside[parent] = True
        used_outside[trace.root] = True
        order = _order(members, after, before)
        index = {unit: i for i, unit in enumerate(order)}
        outputs = {u: [m for m in ids if used_outside[m]] for u, ids in members.items()}
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
            parents = tuple(sorted(index[a] for a in before[unit] if index[a] < i))
            value = _gather([nodes[m].value for m in outputs[unit]], grouping.shapes.get(unit))
            shape = tuple(np.shape(value)) if isinstance(value, np.ndarray) else ()
            summary_nodes.append(Node(i, unit[-1], Op.GROUP, parents, value, shape, None, True))
            parents_of.append(parents)
        backward = self._backward(units, order, index, outputs, parents_of)
        summary = Trace(tuple(summary_nodes), index[units[trace.root]], tuple(backward))
        return Summary(summary, tuple(order), self._positions(order, members))

    def _backward(
        self,
        units: list[Unit],
        order: list[Unit],
        index: dict[Unit, int],
        outputs: dict[Unit, list[int]],
        parents_of: list[tuple[int, ...]],
    ) -> list[BackwardStep[Number]]:
        """One backward step per unit that carries a grad, in reverse order; an edge's
        contribution is what the full graph's edges between the two units carried, summed per
        output."""
        sent: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
        locals_: dict[tuple[int, int], list[float | None]] = defaultdict(list)
        for child_id, parent_id, amount, local in self.flows:
            child, parent = index[units[child_id]], index[units[parent_id]]
            if parent != child:
                sent[(child, parent)][parent_id] += amount
                locals_[(child, parent)].append(local)
        has_grad = {index[units[m]] for m in self.with_grad}
        shapes = self.grouping.shapes
        # where each output sits in its unit's vector: a few nodes of a 256-output layer send
        # along an edge, and only those are written
        places = {unit: {m: k for k, m in enumerate(ids)} for unit, ids in outputs.items()}
        running: dict[int, Number] = {}
        steps: list[BackwardStep[Number]] = []
        for i in reversed(range(len(order))):
            if i not in has_grad:
                continue
            unit = order[i]
            shape = None if isinstance(unit, int) else shapes.get(unit)
            grad = _gather([self.grads[m] or 0.0 for m in outputs[unit]], shape)
            edges = []
            for parent in parents_of[i]:
                flows = sent.get((i, parent))
                if flows is None:
                    continue
                source = order[parent]
                source_shape = None if isinstance(source, int) else shapes.get(source)
                amounts: list[Number] = [0.0] * len(outputs[source])
                place = places[source]
                for m, amount in flows.items():
                    amounts[place[m]] += amount
                contribution = _gather(amounts, source_shape)
                earlier = running.get(parent)
                total: Number = contribution if earlier is None else earlier + contribution
                running[parent] = total
                one = locals_[(i, parent)]
                plain = isinstance(unit, int) and isinstance(source, int) and len(one) == 1
                edges.append(EdgeGrad(parent, one[0] if plain else None, contribution, total))
            steps.append(BackwardStep(i, grad, tuple(edges)))
        return steps

    def _positions(self, order: list[Unit], members: dict[Unit, list[int]]) -> tuple[int, ...]:
        """The full trace's position each summary position stands for: a unit's forward step
        is done when its last member is computed, its backward step when its last member's is."""
        count = len(self.trace.nodes)
        positions = [0]
        for unit in order:
            positions.append(max(positions[-1], max(members[unit]) + 1))
        for unit in reversed(order):
            done = [self.step_of[m] for m in members[unit] if m in self.step_of]
            if done:
                positions.append(max(positions[-1], count + max(done) + 1))
        # the end is the end: every step of the full trace is done
        positions[-1] = len(self.trace)
        return tuple(positions)


def _order(
    members: dict[Unit, list[int]],
    after: dict[Unit, set[Unit]],
    before: dict[Unit, set[Unit]],
) -> list[Unit]:
    """The units in an order where every edge runs forward (Kahn's, earliest last member first;
    a cycle between groups is broken at its latest unit)."""
    last = {unit: max(ids) for unit, ids in members.items()}
    waiting = {unit: set(before.get(unit, ())) for unit in members}
    order: list[Unit] = []
    placed: set[Unit] = set()
    ready = sorted((u for u, w in waiting.items() if not w), key=last.__getitem__)
    while len(order) < len(members):
        if not ready:
            # a cycle: take the unit that would come first by its last member
            ready = [min((u for u in waiting if u not in placed), key=last.__getitem__)]
        unit = ready.pop(0)
        if unit in placed:
            continue
        order.append(unit)
        placed.add(unit)
        for later in after.get(unit, ()):
            waiting[later].discard(unit)
            if not waiting[later] and later not in placed and later not in ready:
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
    try:
        flat = np.array(values, dtype=float)  # a scalar graph's group: the common case, fast
    except ValueError:  # arrays of different shapes (a tensor graph's group)
        flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
    flat = flat.ravel()
    if shape is not None and int(np.prod(shape)) == flat.size:
        flat = flat.reshape(shape)
    flat.flags.writeable = False
    return flat
