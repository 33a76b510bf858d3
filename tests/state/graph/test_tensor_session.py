"""A tensor program in the graph lab's session: array inputs of the declared shapes, edits that
keep them, the check entry by entry (in process and in the worker), and explanations that write
a small bias's grad out as the sum of the batch's rows."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from gradlab.engine import Op
from gradlab.engine.numbers import format_number
from gradlab.engine.tensor_expr import TensorProgram
from gradlab.state.graph.background import Background
from gradlab.state.graph.edits import EditMemory
from gradlab.state.graph.explain import explain
from gradlab.state.graph.jobs import Worker
from gradlab.state.graph.session import GraphSession
from gradlab.state.graph.values import same_edit

MLP = (
    "X: (3, 2); W1: (2, 4); b1: (4,); W2: (4, 1); b2: (1,); Y: (3, 1); "
    "h = tanh(X @ W1 + b1); out = h @ W2 + b2; L = mean((out - Y) ** 2)"
)


def final_grads(s: GraphSession) -> dict[str, np.ndarray]:
    grads = s.trace.snapshot(len(s.trace)).grads
    return {n.label: np.asarray(grads[n.id]) for n in s.trace.nodes if n.label in s.inputs}


def torch_grads(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    t = {
        name: torch.tensor(np.asarray(v, dtype=float), requires_grad=True)
        for name, v in values.items()
    }
    h = torch.tanh(t["X"] @ t["W1"] + t["b1"])
    ((h @ t["W2"] + t["b2"] - t["Y"]) ** 2).mean().backward()
    return {name: tensor.grad.numpy() for name, tensor in t.items() if tensor.grad is not None}


def test_a_tensor_program_has_array_inputs_and_torchs_grads() -> None:
    s = GraphSession(MLP)
    assert s.tensor
    assert {name: np.shape(v) for name, v in s.inputs.items()} == {
        "X": (3, 2), "W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,), "Y": (3, 1),
    }  # fmt: skip
    expected = torch_grads(s.inputs)
    for name, grad in final_grads(s).items():
        np.testing.assert_allclose(grad, expected[name], rtol=1e-12)
    # a new value for one entry rebuilds the graph with it
    w1 = np.array(s.inputs["W1"])
    w1[1, 2] = 0.5
    assert s.set_input("W1", w1)
    assert s.inputs["W1"][1, 2] == 0.5
    assert s.modified
    expected = torch_grads(s.inputs)
    np.testing.assert_allclose(final_grads(s)["b1"], expected["b1"], rtol=1e-12)
    with pytest.raises(ValueError, match="not"):
        s.set_input("W1", np.ones((4, 2)))


def test_values_survive_edits_that_keep_their_shape() -> None:
    s = GraphSession(MLP)
    b1 = np.array([0.5, -0.5, 0.25, 1.0])
    assert s.set_input("b1", b1)
    assert s.set_expression(MLP.replace("tanh", "relu"))
    np.testing.assert_array_equal(s.inputs["b1"], b1)
    assert s.set_expression(MLP.replace("b1: (4,)", "b1: (1, 4)"))  # another shape: seeded anew
    assert np.shape(s.inputs["b1"]) == (1, 4)
    assert not s.set_expression(MLP.replace("X @ W1", "W1 @ X"))
    assert s.error is not None
    assert "W1 (2×4) @ X (3×2): inner sizes 4 and 3 differ" in s.error
    assert s.set_expression("f = x * y")  # and back to single numbers
    assert not s.tensor
    assert s.inputs == {"x": 1.0, "y": 1.0}


def test_the_learners_arrays_come_back_with_their_version() -> None:
    memory = EditMemory()
    first = GraphSession(MLP)
    memory.attach(("lesson", 0), first)
    assert first.set_input("b2", np.array([2.0]))
    kept = memory.get(("lesson", 0))
    assert kept is not None
    again = GraphSession(MLP)
    memory.attach(("lesson", 0), again)
    assert same_edit(again.edit, kept)
    assert again.inputs["b2"][0] == 2.0
    assert again.modified
    assert again.reset()
    assert not again.modified


def test_the_check_compares_every_entry_with_finite_differences() -> None:
    s = GraphSession(MLP)
    s.request_check()
    report = s.report
    assert report is not None
    assert report.ok
    assert len(report.leaves) == 6 + 8 + 4 + 4 + 1 + 3
    assert report.leaves[0].label == "X[0, 0]"
    assert "finite differences" in report.notes[0]
    grads = final_grads(s)
    leaf = next(leaf for leaf in report.leaves if leaf.label == "W1[1, 3]")
    assert leaf.autograd == pytest.approx(float(grads["W1"][1, 3]), rel=1e-12)
    assert leaf.numeric == pytest.approx(leaf.autograd, rel=1e-5)


def test_a_big_tensor_program_is_checked_at_a_spread_of_entries() -> None:
    s = GraphSession("X: (40, 30); w: 30; f = sum(tanh(X @ w))")
    s.request_check()
    assert s.report is not None
    assert s.report.ok
    assert len(s.report.leaves) <= 200
    assert any("of the inputs' 1,230 entries are checked" in note for note in s.report.notes)


def test_the_tensor_check_runs_in_the_worker() -> None:
    checks, layouts = Worker("check"), Worker("layout")
    try:
        s = GraphSession(MLP)
        s.attach(Background(checks, layouts))  # small: checked at once, in the background
        assert s.checking
        give_up = time.monotonic() + 60
        while not s.report_ready:
            assert time.monotonic() < give_up
            s.poll()
            time.sleep(0.01)
        assert s.report is not None
        assert s.report.ok
        assert len(s.report.leaves) == 26
    finally:
        checks.close()
        layouts.close()


def test_a_broadcast_bias_step_adds_up_the_rows() -> None:
    s = GraphSession("X: (3, 2); b: (2,); L = sum(X * (X + b))")
    trace = s.trace
    add = next(n for n in trace.nodes if n.op is Op.ADD)
    position = len(trace.nodes) + [step.node for step in trace.backward].index(add.id) + 1
    lines = explain(trace, position).lines
    assert any("b (2) was copied to each of the 3 rows" in line for line in lines)
    upstream = np.asarray(trace.backward[position - len(trace.nodes) - 1].grad)
    added = next(line for line in lines if "the rows added up" in line)
    total = upstream.sum(axis=0)
    written = ", ".join(format_number(float(v), 3, grouping=False) for v in total)
    assert added.strip().endswith(f"= [{written}]")
    assert added.count(" + ") == 2  # three rows
    assert isinstance(s.program, TensorProgram)
