"""Network scenes: micrograd's scalar graph and the tensor graph of the same MLP agree, a big graph
is summarised into groups that open one level at a time, and sizes are checked by arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gradlab.engine import Op
from gradlab.layout.labels import node_names
from gradlab.lessons.schema import MAX_NETWORK_NODES, NetworkScene
from gradlab.state.graph.explain import explain
from gradlab.state.graph.groups import summarise
from gradlab.state.graph.network_session import NetworkSession, build_network
from gradlab.state.graph.networks import scalar_network, tensor_network
from gradlab.state.graph.session import TraceSession


def scene(values: str = "scalar", layers: list[int] | None = None, points: int = 3) -> NetworkScene:
    return NetworkScene(values=values, layers=layers or [2, 4, 1], points=points)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=3),
    st.integers(1, 4),
    st.sampled_from(["scalar", "tensor"]),
)
def test_node_counts_are_known_before_building(hidden: list[int], points: int, values: str) -> None:
    network = scene(values, [*hidden, 1], points)
    if values == "tensor":
        built = tensor_network(network)
    else:
        built, _ = scalar_network(network)
    assert len(built.nodes) == network.node_count


def test_micrograds_mlp_on_16_points_has_over_10000_nodes_and_is_allowed() -> None:
    network = scene(layers=[2, 16, 16, 1], points=16)
    assert 10_000 < network.node_count <= MAX_NETWORK_NODES


def test_too_big_a_network_is_refused_before_it_is_built() -> None:
    with pytest.raises(ValidationError, match="would have 47,388 nodes, at most 12,000"):
        NetworkScene(values="scalar", layers=[2, 32, 32, 1], points=20)
    with pytest.raises(ValidationError, match="the last layer is the one output"):
        NetworkScene(values="tensor", layers=[2, 3], points=2)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_the_scalar_and_the_tensor_graph_compute_the_same(activation: str) -> None:
    network = NetworkScene(values="scalar", layers=[2, 3, 2, 1], points=4, activation=activation)
    scalar, _ = scalar_network(network)
    tensor = tensor_network(network.model_copy(update={"values": "tensor"}))
    assert float(scalar.nodes[scalar.root].value) == pytest.approx(
        float(tensor.nodes[tensor.root].value), rel=1e-12
    )
    scalar_grads = scalar.snapshot(len(scalar)).grads
    tensor_grads = tensor.snapshot(len(tensor)).grads
    w1 = next(n for n in tensor.nodes if n.label == "W1")
    grad = np.asarray(tensor_grads[w1.id])
    for i in range(2):
        for j in range(3):
            node = next(n for n in scalar.nodes if n.label == f"w1.{j + 1}.{i + 1}")
            assert float(scalar_grads[node.id]) == pytest.approx(grad[i, j], rel=1e-10)  # type: ignore[arg-type]


def test_the_summary_folds_layers_and_keeps_their_numbers() -> None:
    network = scene(layers=[2, 4, 3, 1], points=5)
    full, grouping = scalar_network(network)
    summary = summarise(full, grouping, frozenset())
    nodes = summary.trace.nodes
    assert [n.label for n in nodes] == ["inputs", "layer 1", "layer 2", "layer 3", "loss"]
    assert all(n.op is Op.GROUP for n in nodes)
    assert nodes[1].shape == (5, 4)  # points × neurons: what layer 1 sends on
    outputs = [n for n in full.nodes if n.label.startswith("h1.")]
    assert sorted(np.ravel(nodes[1].value)) == sorted(float(n.value) for n in outputs)
    # the loss group is the output; its grad is 1
    assert float(nodes[summary.trace.root].value) == float(full.nodes[full.root].value)
    final = summary.trace.snapshot(len(summary.trace)).grads
    full_grads = full.snapshot(len(full)).grads
    layer1_grads = sorted(float(full_grads[n.id]) for n in outputs)  # type: ignore[arg-type]
    assert sorted(np.ravel(final[1])) == pytest.approx(layer1_grads)  # type: ignore[arg-type]
    # one forward and one backward step per group (micrograd gives the inputs grads too)
    assert len(summary.trace) == 5 + 5


def test_contributions_between_groups_add_up_to_the_grads() -> None:
    full, grouping = scalar_network(scene(layers=[2, 3, 1], points=4))
    trace = summarise(full, grouping, frozenset({("layer 1",)})).trace
    totals: dict[int, object] = {}
    for step in trace.backward:
        for edge in step.edges:
            totals[edge.parent] = edge.parent_grad
    final = trace.snapshot(len(trace)).grads
    for node_id, total in totals.items():
        np.testing.assert_allclose(np.asarray(total), np.asarray(final[node_id]), rtol=1e-12)


def test_opening_a_layer_then_a_neuron_shows_more_and_keeps_the_place() -> None:
    session = build_network(scene(layers=[2, 4, 1], points=3))
    assert isinstance(session, NetworkSession)
    player = session.player
    player.seek(player.forward_length)  # forward pass done
    layer = next(n.id for n in session.trace.nodes if n.label == "layer 1")
    assert session.open(layer)
    labels = [n.label for n in session.trace.nodes]
    assert [f"neuron {j}" for j in range(1, 5)] == [x for x in labels if x.startswith("neuron")]
    assert player.position == player.forward_length  # still: forward done, backward to come
    neuron = next(n.id for n in session.trace.nodes if n.label == "neuron 2")
    assert session.open(neuron)
    assert any(n.label == "w1.2.1" for n in session.trace.nodes)
    assert player.position == player.forward_length
    assert not session.open(next(n.id for n in session.trace.nodes if n.label == "w1.2.1"))
    session.close(("layer 1",))
    assert session.opened == frozenset()
    assert len(session.trace.nodes) == 4


def test_a_tensor_network_is_a_plain_trace_session() -> None:
    session = build_network(scene("tensor"))
    assert isinstance(session, TraceSession)
    assert not isinstance(session, NetworkSession)
    shapes = {n.label: n.shape for n in session.trace.nodes}
    assert shapes["X"] == (3, 2)
    assert shapes["W1"] == (2, 4)
    assert shapes["z1"] == (3, 4)
    assert shapes["b1"] == (4,)


def test_every_step_of_every_level_is_explained() -> None:
    """Stepping through a level with a neuron open once broke the explanation (a group's
    edge was read as a broadcast)."""
    session = build_network(scene(layers=[2, 4, 4, 1], points=3))
    assert isinstance(session, NetworkSession)
    levels = [("layer 2",), ("layer 2", "neuron 3"), ("layer 1",)]
    for path in levels:
        node = next(i for i, unit in enumerate(session.summary.units) if unit == path)
        assert session.open(node)
        trace = session.trace
        names = node_names(trace)
        texts = [explain(trace, p, None, names).text for p in range(len(trace) + 1)]
        assert texts[-1].startswith("Backward")
        assert all(text for text in texts)
