"""Explanations: the words and numbers of each step, checked against the trace and SymPy."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.check import CheckReport, cross_check
from gradlab.engine import Op, record
from gradlab.engine.expr import parse
from gradlab.engine.numbers import format_number
from gradlab.engine.tensor import Tensor
from gradlab.engine.trace import BackwardStep, Trace
from gradlab.state.graph.explain import explain


def build(text: str, **inputs: float) -> tuple[Trace, CheckReport]:
    built = parse(text).build(inputs)
    return record(built.output), cross_check(built.output, built.inputs)


def test_the_example_forward() -> None:
    trace, _ = build("q = x + y; f = q * z", x=-2.0, y=5.0, z=-4.0)
    assert explain(trace, 0).title == "Start"
    assert explain(trace, 1).lines == ("x = -2 (an input)",)
    assert explain(trace, 3).lines == ("q = x + y = -2 + 5 = 3",)
    assert explain(trace, 5).lines == ("f = q · z = 3 · (-4) = -12",)


def test_the_example_backward_with_sympy_locals() -> None:
    trace, report = build("q = x + y; f = q * z", x=-2.0, y=5.0, z=-4.0)
    step_q = explain(trace, 8, report)
    assert step_q.title == "Backward: q"
    assert step_q.lines == (
        "df/dq = -4 (all its uses have sent theirs)",
        "df/dx += df/dq · ∂q/∂x = -4 · 1 = -4",
        "    ∂q/∂x = 1",
        "df/dy += df/dq · ∂q/∂y = -4 · 1 = -4",
        "    ∂q/∂y = 1",
    )
    step_f = explain(trace, 6, report)
    assert "df/dz += df/df · ∂f/∂z = 1 · 3 = 3" in step_f.lines
    assert "    ∂f/∂z = q = 3" in step_f.lines  # SymPy's local derivative, then its value
    # without a report the numbers alone
    assert "    ∂q/∂x = 1" in explain(trace, 8).lines


def test_a_node_used_twice_shows_both_contributions_and_their_sum() -> None:
    trace, report = build("b = a + a; c = b + b", a=1.0)
    lines = explain(trace, 5, report).lines
    assert lines.count("dc/da += dc/db · ∂b/∂a = 2 · 1 = 2") == 2
    assert lines[-1] == "a is used 2 times: its contributions add up, dc/da = 2 + 2 = 4"


def test_a_node_used_in_two_places_says_what_is_still_to_come() -> None:
    trace, _ = build("f = x * y + tanh(x)", x=0.5, y=2.0)
    texts = [explain(trace, p).text for p in range(len(trace) + 1)]
    assert any("x is used 2 times: df/dx = " in t and "1 more to come" in t for t in texts)
    assert any("its contributions add up, df/dx = " in t for t in texts)


def test_html_is_escaped() -> None:
    trace, _ = build("f = x * y", x=1.0, y=2.0)
    html = explain(trace, 3).html
    assert html.startswith("<h3")
    assert "f = x · y = 1 · 2 = 2" in html


NUMBER = r"-?[0-9.]+(?:e-?[0-9]+)?|\(-[0-9.]+(?:e-?[0-9]+)?\)"


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-2, 2).filter(lambda v: abs(v) > 1e-3),
    st.floats(-2, 2).filter(lambda v: abs(v) > 1e-3),
)
def test_every_backward_line_states_the_recorded_numbers(x: float, y: float) -> None:
    trace, _ = build("q = x * y; h = tanh(q) + x; f = h * h - y", x=x, y=y)
    for position in range(len(trace.nodes) + 1, len(trace) + 1):
        step = trace.step(position - 1)
        assert isinstance(step, BackwardStep)
        lines = [line for line in explain(trace, position).lines if " += " in line]
        assert len(lines) == len(step.edges)
        for line, edge in zip(lines, step.edges, strict=True):
            upstream, local, contribution = re.findall(NUMBER, line.split(" = ", 1)[1])
            assert upstream == format_number(step.grad)
            assert local.strip("()") == format_number(edge.local)
            assert contribution == format_number(edge.contribution)


def test_local_and_total_derivatives_are_written_apart() -> None:
    trace, report = build("b = a + a; c = b + b", a=1.0)
    texts = [explain(trace, p, report).text for p in range(len(trace) + 1)]
    # the local derivative is ∂ (one op's own), the accumulated total d
    assert any("dc/db += dc/dc · ∂c/∂b = 1 · 1 = 1" in t for t in texts)
    assert any("dc/db = 1 + 1 = 2" in t for t in texts)
    assert not any("dc/db += dc/dc · dc/db" in t for t in texts)


def test_constants_take_no_backward_step() -> None:
    trace, _ = build("f = 3 * x + 2", x=0.5)
    constants = {n.id for n in trace.nodes if n.label in {"3", "2"}}
    assert len(constants) == 2
    assert {step.node for step in trace.backward}.isdisjoint(constants)
    texts = [explain(trace, p).text for p in range(len(trace) + 1)]
    assert not any("constant: nothing further" in t for t in texts)


def test_a_broadcast_bias_says_its_grad_is_summed_over_the_batch() -> None:
    x = Tensor(np.ones((3, 4)), label="h")
    b = Tensor(np.zeros(4), requires_grad=True, label="b")
    out = (x + b).sum()
    out.label = "L"
    trace = record(out)
    add = next(n for n in trace.nodes if n.op is Op.ADD)
    position = len(trace.nodes) + [s.node for s in trace.backward].index(add.id) + 1
    lines = explain(trace, position).lines
    assert any(
        "b (4) was copied to each of the 3 rows (the batch): its grad is the upstream grad "
        "summed over those 3 copies" in line
        for line in lines
    )
