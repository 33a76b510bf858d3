"""Recorded traces: forward then backward steps, snapshots that replay them, stepping back free."""

from __future__ import annotations

import pytest

from gradlab.engine import ForwardStep, Phase, Value, node_names, record


def chain_rule() -> Value:
    x, y, z = Value(-2, "x"), Value(5, "y"), Value(-4, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def test_forward_then_backward_numbers() -> None:
    trace = record(chain_rule())
    assert [n.label for n in trace.nodes] == ["x", "y", "q", "z", "f"]
    assert len(trace) == 5 + 5
    after_forward = trace.snapshot(5)
    assert after_forward.phase is Phase.FORWARD
    assert after_forward.values == (-2, 5, 3, -4, -12)
    assert after_forward.grads == (None,) * 5
    end = trace.snapshot(len(trace))
    grads = dict(zip([n.label for n in trace.nodes], end.grads, strict=True))
    assert grads == {"x": -4, "y": -4, "q": -4, "z": 3, "f": 1}
    assert all(end.final)


def test_values_appear_in_topological_order_and_grads_in_reverse() -> None:
    trace = record(chain_rule())
    for i in range(5):
        snap = trace.snapshot(i + 1)
        assert snap.step == ForwardStep(i)
        assert snap.values[i] is not None
        assert all(v is None for v in snap.values[i + 1 :])
    backward_nodes = [step.node for step in trace.backward]
    assert backward_nodes[0] == trace.root
    assert backward_nodes == sorted(backward_nodes, reverse=True)


def test_edges_record_local_contribution_and_running_grad() -> None:
    a = Value(1.0, "a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    trace = record(c)
    c_step, b_step = trace.backward[0], trace.backward[1]
    assert [(e.local, e.contribution, e.parent_grad) for e in c_step.edges] == [
        (1, 1, 1),
        (1, 1, 2),
    ]
    assert [e.parent_grad for e in b_step.edges] == [2, 4]
    # halfway through b's contributions the snapshot shows the partial sum
    middle = trace.snapshot(len(trace.nodes) + 1)
    assert middle.grads[1] == 2
    assert not middle.final[1]


def test_snapshots_are_pure_so_stepping_back_is_exact() -> None:
    trace = record(chain_rule())
    forward = [trace.snapshot(i) for i in range(len(trace) + 1)]
    backward = [trace.snapshot(i) for i in reversed(range(len(trace) + 1))]
    assert forward == backward[::-1]


def test_record_resets_grads_so_it_can_be_repeated() -> None:
    f = chain_rule()
    first = record(f)
    second = record(f)
    assert first == second


def test_snapshot_bounds() -> None:
    trace = record(chain_rule())
    with pytest.raises(IndexError):
        trace.snapshot(len(trace) + 1)
    with pytest.raises(IndexError):
        trace.snapshot(-1)


def test_node_names_for_unnamed_intermediates() -> None:
    x, y = Value(1, "x"), Value(2, "y")
    trace = record((x + y) * x)
    assert node_names(trace) == ("x", "y", "x + y", "(x + y) · x")
    assert trace.node("x").value == 1
