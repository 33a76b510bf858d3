"""GraphSession: text and input edits rebuild the graph; a bad edit keeps the last good one."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.engine import record
from gradlab.engine.expr import ExpressionError
from gradlab.engine.tensor import Tensor
from gradlab.layout import EstimateSizer, value_key
from gradlab.lessons import lessons_folder
from gradlab.state.graph.player import CursorSpec
from gradlab.state.graph.session import AUTO_CHECK_NODES, GraphSession, TraceSession
from gradlab.state.session import Session

EXAMPLE = "q = x + y; f = q * z"


def session(cursor: CursorSpec = "start") -> GraphSession:
    return GraphSession(EXAMPLE, {"x": -2.0, "y": 5.0, "z": -4.0}, cursor)


def final_grads(s: GraphSession) -> dict[str, float]:
    grads = s.trace.snapshot(len(s.trace)).grads
    return {n.label: float(grads[n.id] or 0.0) for n in s.trace.nodes}


def test_the_example() -> None:
    s = session(cursor="end")
    assert s.inputs == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert s.player.at_end
    assert final_grads(s) == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}
    assert s.error is None
    assert s.layout.engine in {"dot", "graphviz-pure", "builtin"}


def test_an_input_edit_rebuilds_in_place() -> None:
    s = session(cursor=7)
    rebuilt: list[None] = []
    s.rebuilt.connect(lambda: rebuilt.append(None))
    layout_before = s.layout
    assert s.set_input("z", 10.0)
    assert rebuilt == [None]
    assert final_grads(s)["x"] == 10.0
    assert s.player.position == 7  # the same graph: the lecture stays where it was
    assert s.layout is layout_before  # same sizes: no relayout, nothing jumps


def test_a_bad_expression_keeps_the_last_good_graph_and_the_text() -> None:
    s = session()
    failures: list[str] = []
    s.failed.connect(failures.append)
    trace = s.trace
    assert not s.set_expression("q = x + ; f = q * z")
    assert s.expression == "q = x + ; f = q * z"
    assert s.trace is trace
    assert s.error is not None
    assert s.error.startswith("line 1, column")
    assert failures == [s.error]
    assert not s.set_expression("f = foo(x)")
    assert "unknown function 'foo'" in (s.error or "")
    assert s.set_expression("f = x * w")
    assert s.error is None
    assert s.inputs == {"x": -2.0, "w": 1.0}  # x remembered, w new
    assert s.set_expression(EXAMPLE)
    assert s.inputs == {"x": -2.0, "y": 5.0, "z": -4.0}  # y and z were remembered


def test_arithmetic_that_fails_keeps_the_old_value() -> None:
    s = GraphSession("f = log(x)", {"x": 2.0})
    assert not s.set_input("x", -1.0)
    assert s.inputs == {"x": 2.0}
    assert "log" in (s.error or "")
    with pytest.raises(KeyError):
        s.set_input("nope", 1.0)


def test_the_first_expression_must_build() -> None:
    with pytest.raises(ExpressionError):
        GraphSession("f = (x", {})


def test_the_check_is_computed_once_on_demand() -> None:
    s = session()
    checked: list[None] = []
    s.checked.connect(lambda: checked.append(None))
    assert not s.report_ready
    assert s.auto_check
    s.request_check()
    report = s.report
    assert report is not None
    assert report.ok
    assert report.edge(2, 0).formula == "1"
    s.request_check()
    assert s.report is report
    assert checked == [None]
    s.set_input("x", 3.0)
    assert not s.report_ready


def test_big_graphs_are_not_checked_automatically() -> None:
    terms = " + ".join(f"x * {i}" for i in range(AUTO_CHECK_NODES))
    assert not GraphSession(f"f = {terms}", {"x": 1.0}).auto_check


def test_position_at_the_end_stays_at_the_end_when_the_graph_grows() -> None:
    s = session(cursor="end")
    assert s.set_expression("q = x + y; f = tanh(q * z)")
    assert s.player.at_end


@settings(max_examples=30, deadline=None)
@given(
    st.floats(-3, 3, allow_nan=False),
    st.floats(-3, 3, allow_nan=False),
    st.floats(0.1, 3, allow_nan=False),
)
def test_grads_agree_with_torch(x: float, y: float, z: float) -> None:
    text = "q = x * y + z; h = tanh(q) * sigmoid(x); f = h ** 2 + log(z) - exp(-y) / z"
    s = GraphSession(text, {"x": x, "y": y, "z": z}, engine="builtin")
    tx, ty, tz = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, y, z))
    q = tx * ty + tz
    h = torch.tanh(q) * torch.sigmoid(tx)
    f = h**2 + torch.log(tz) - torch.exp(-ty) / tz
    f.backward()
    grads = final_grads(s)
    for name, tensor in (("x", tx), ("y", ty), ("z", tz)):
        assert tensor.grad is not None
        assert math.isclose(grads[name], float(tensor.grad), rel_tol=1e-9, abs_tol=1e-12)


def test_trace_sessions_show_tensor_graphs() -> None:
    w = Tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True, label="W")
    x = Tensor(np.ones((3, 4)), requires_grad=True, label="x")
    loss = (w @ x).tanh().sum()
    loss.label = "L"
    s = TraceSession(record(loss), cursor="end", engine="builtin")
    assert not s.editable
    assert s.player.at_end
    assert len(s.layout.boxes) == 2 * len(s.trace.nodes) - 2  # one op per non-input node
    rebuilt: list[None] = []
    s.rebuilt.connect(lambda: rebuilt.append(None))
    s.set_sizer(EstimateSizer(font_px=20))
    assert rebuilt == [None]


def test_after_a_failed_edit_an_input_change_never_rebuilds_the_old_program() -> None:
    s = session()
    trace = s.trace
    failures: list[str] = []
    s.failed.connect(failures.append)
    assert not s.set_expression("q = x + y; f = q * z +")
    assert not s.set_input("x", 7.0)
    assert s.trace is trace  # the old program was not rebuilt behind the editor's back
    assert "the last expression that worked" in failures[-1]
    assert s.set_expression("q = x + y; f = q * z + 1")
    assert s.inputs["x"] == 7.0  # the value typed meanwhile is used once the text builds


def test_an_overflow_is_an_error_that_names_the_op() -> None:
    s = session()
    assert not s.set_expression("f = x*1e200*1e200*x")
    assert "-2e200 · 1e200 overflows a 64-bit float" in (s.error or "")  # x = -2
    assert s.set_expression("f = exp(x)")
    assert not s.set_input("x", 1000.0)
    assert "exp(1000) overflows" in (s.error or "")


def test_an_infinite_slope_is_named() -> None:
    s = GraphSession("f = x ** 0.5 + y", {"x": 0.0, "y": 1.0})
    assert "local derivative of x^0.5 (pow) is inf" in s.warning


def test_own_edits_come_back_when_the_learner_returns() -> None:
    lessons = Session.from_folder(lessons_folder())
    lesson = next(i for i, e in enumerate(lessons.entries) if e.path.stem.startswith("02"))
    lessons.open_lesson(lesson, 0)
    first = lessons.build_step()
    assert first is not None
    graph = first.scene
    assert isinstance(graph, GraphSession)
    original = graph.expression
    assert graph.set_expression(original + " * 2")
    lessons.next_step()
    lessons.previous_step()
    again = lessons.build_step()
    assert again is not None
    assert isinstance(again.scene, GraphSession)
    assert again.scene.expression == original + " * 2"
    assert again.scene.modified
    assert again.scene.reset()
    assert again.scene.expression == original
    third = lessons.build_step()
    assert third is not None
    assert isinstance(third.scene, GraphSession)
    assert third.scene.expression == original  # back to the lesson's: nothing kept


def test_a_graph_that_only_runs_forward_is_laid_out_without_grad_rows() -> None:
    text, inputs = "pixels = height * width; total = (pixels + 1) * classes", {"height": 28.0}
    forward = GraphSession(text, inputs, backward=False)
    both = GraphSession(text, inputs)
    keys = [value_key(n.id) for n in both.trace.nodes]
    assert all(forward.layout.boxes[k].height < both.layout.boxes[k].height for k in keys)
    # and after an edit, the rebuilt graph keeps its short boxes
    assert forward.set_input("height", 32.0)
    assert forward.layout.boxes[keys[0]].height < both.layout.boxes[keys[0]].height
