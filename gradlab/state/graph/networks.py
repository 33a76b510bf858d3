"""Small MLPs built in code for the graph lab (a lesson's `network` scene): the graph micrograd
builds, one node per number, grouped into layers and neurons; or the same network with tensors,
one node per matrix op, a batch of points at once.

Both are seeded and deterministic: weights uniform in [-1, 1] as micrograd's, points from a
normal distribution, targets ±1 by the side of a fixed random plane; the loss is the squared
error averaged over the points. Node counts match `NetworkScene.node_count` exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gradlab.engine import Tensor, Value, record, topological_order
from gradlab.engine.trace import Trace
from gradlab.engine.value import Constant
from gradlab.lessons.schema import NetworkScene
from gradlab.state.graph.groups import Grouping, Path


@dataclass(frozen=True)
class Data:
    """The points (one per row) and their ±1 targets."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]


def data(scene: NetworkScene) -> Data:
    rng = np.random.default_rng(scene.seed)
    x = rng.normal(size=(scene.points, scene.layers[0]))
    plane = rng.normal(size=scene.layers[0])
    y = np.where(x @ plane >= 0.0, 1.0, -1.0)
    return Data(x, y)


def _weights(scene: NetworkScene) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Each layer's (weights n_in × n_out, biases n_out), uniform in [-1, 1]."""
    rng = np.random.default_rng(scene.seed + 1)
    return [
        (rng.uniform(-1, 1, (n_in, n_out)), rng.uniform(-1, 1, n_out))
        for n_in, n_out in itertools.pairwise(scene.layers)
    ]


def scalar_network(scene: NetworkScene) -> tuple[Trace, Grouping]:
    """micrograd's graph: every weight, input and sum a `Value`; grouped as inputs, each layer's
    neurons (with their weights) and the loss."""
    points = data(scene)
    groups: dict[int, Path] = {}

    def grouped(value: Value, path: Path) -> Value:
        groups[id(value)] = path
        return value

    layers = []
    for number, (w, b) in enumerate(_weights(scene), start=1):
        neurons = []
        for j in range(w.shape[1]):
            path = (f"layer {number}", f"neuron {j + 1}")
            weights = [
                grouped(Value(w[i, j], f"w{number}.{j + 1}.{i + 1}"), path)
                for i in range(w.shape[0])
            ]
            bias = grouped(Value(b[j], f"b{number}.{j + 1}"), path)
            neurons.append((path, weights, bias))
        layers.append(neurons)
    total: Value = grouped(Constant(0.0, "0"), ("loss",))
    last = len(layers) - 1
    for p in range(scene.points):
        row: list[Value] = [
            grouped(Value(v, f"x{p + 1}.{i + 1}"), ("inputs",)) for i, v in enumerate(points.x[p])
        ]
        for number, neurons in enumerate(layers):
            outputs = []
            for path, weights, bias in neurons:
                # micrograd: sum((wi * xi for ...), b)
                act = bias
                for weight, x in zip(weights, row, strict=True):
                    act = grouped(act + grouped(weight * x, path), path)
                if number < last:
                    act = grouped(getattr(act, scene.activation)(), path)
                    act.label = f"h{number + 1}.{path[1].split()[1]}[{p + 1}]"
                else:
                    act.label = f"out[{p + 1}]"
                outputs.append(act)
            row = outputs
        target = grouped(Constant(points.y[p], f"y[{p + 1}]"), ("loss",))
        error = grouped(row[0] - target, ("loss",))
        total = grouped(total + grouped(error**2, ("loss",)), ("loss",))
    loss = grouped(
        total * grouped(Constant(1.0 / scene.points, f"1/{scene.points}"), ("loss",)), ("loss",)
    )
    loss.label = "L"
    order = topological_order(loss)
    shapes: dict[Path, tuple[int, ...]] = {("inputs",): (scene.points, scene.layers[0])}
    for number, size in enumerate(scene.layers[1:], start=1):
        shapes[(f"layer {number}",)] = (scene.points, size)
        for j in range(size):
            shapes[(f"layer {number}", f"neuron {j + 1}")] = (scene.points,)
    grouping = Grouping(tuple(groups.get(id(v), ()) for v in order), shapes)
    return record(loss), grouping


def tensor_network(scene: NetworkScene) -> Trace:
    """The same network with tensors: X (points × inputs) @ W + b per layer, a batch at once;
    the bias is broadcast over the batch, so its grad sums the batch's."""
    points = data(scene)
    h = Tensor(points.x, label="X")
    y = Tensor(points.y.reshape(-1, 1), label="Y")
    weights = _weights(scene)
    for number, (w, b) in enumerate(weights, start=1):
        weight = Tensor(w, requires_grad=True, label=f"W{number}")
        bias = Tensor(b, requires_grad=True, label=f"b{number}")
        z = h @ weight
        z.label = f"XW{number}" if number == 1 else f"h{number - 1}W{number}"
        h = z + bias
        h.label = f"z{number}"
        if number < len(weights):
            h = getattr(h, scene.activation)()
            h.label = f"h{number}"
    loss = ((h - y) ** 2).mean()
    loss.label = "L"
    return record(loss)
