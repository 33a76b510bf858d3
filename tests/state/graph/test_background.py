"""Slow work in worker processes: the check and large layouts come back for the graph they were
asked for, a new edit cancels the old check, and a stale layout is never applied."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from gradlab.check import cross_check
from gradlab.engine import record
from gradlab.engine.expr import parse
from gradlab.layout import EstimateSizer, graph_spec
from gradlab.state.graph.background import Background, check_job, layout_job
from gradlab.state.graph.jobs import Message, Worker
from gradlab.state.graph.session import GraphSession
from gradlab.state.graph.shown import SYNC_LAYOUT_NODES

WAIT_S = 60.0
"""Spawning a worker and importing SymPy there takes seconds on a busy machine."""


@pytest.fixture
def workers() -> Iterator[tuple[Worker, Worker]]:
    checks, layouts = Worker("check"), Worker("layout")
    yield checks, layouts
    checks.close()
    layouts.close()


def until(done: Callable[[], bool], poll: Callable[[], object]) -> None:
    give_up = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < give_up, "the worker did not answer"
        poll()
        time.sleep(0.01)


def chain(layers: int) -> str:
    lines = ["h0 = tanh(x*w0 + b0)"]
    lines += [f"h{i} = tanh(h{i - 1}*w{i} + b{i})" for i in range(1, layers)]
    return "; ".join(lines)


def test_a_check_in_the_worker_is_the_check_in_process(workers: tuple[Worker, Worker]) -> None:
    checks, _ = workers
    built = parse("q = x + y; f = tanh(q) * z").build({"x": -2, "y": 5, "z": -4})
    trace = record(built.output)
    job = checks.submit(check_job, trace, {"x": 0, "y": 1, "z": 4})
    seen: list[Message] = []
    until(lambda: any(m.kind == "done" for m in seen), lambda: seen.extend(checks.poll(job)))
    assert [m.kind for m in seen][-1] == "done"
    assert any(m.kind == "progress" for m in seen)
    assert seen[-1].value == cross_check(built.output, built.inputs)


def test_a_newer_job_cancels_the_running_one(workers: tuple[Worker, Worker]) -> None:
    checks, _ = workers
    program = parse(chain(40))
    built = program.build(dict.fromkeys(program.inputs, 0.5))
    trace = record(built.output)
    ids = {n.label: n.id for n in trace.nodes if not n.parents and n.label}
    first = checks.submit(check_job, trace, ids)
    small = record(parse("f = x * y").build({"x": 2, "y": 3}).output)
    second = checks.submit(check_job, small, {"x": 0, "y": 1})
    firsts: list[Message] = []
    seconds: list[Message] = []

    def poll() -> None:
        firsts.extend(checks.poll(first))
        seconds.extend(checks.poll(second))

    until(lambda: any(m.kind == "done" for m in seconds), poll)
    assert not any(m.kind == "done" for m in firsts)  # never delivered as a result
    assert seconds[-1].value.leaf("x").autograd == 3


def test_large_graphs_are_laid_out_in_the_background_and_stale_layouts_dropped(
    workers: tuple[Worker, Worker],
) -> None:
    checks, layouts = workers
    terms = " + ".join(f"tanh(w{i} * x)" for i in range(20))
    session = GraphSession(f"f = {terms}", {"x": 0.5})
    session.attach(Background(checks, layouts))
    assert len(session.trace.nodes) > SYNC_LAYOUT_NODES
    laid: list[None] = []
    session.laid_out.connect(lambda: laid.append(None))
    assert session.set_expression(f"f = {terms} + x")
    assert not session.layout_ready  # on its way
    assert session.set_expression(f"f = {terms} * x")  # and replaced before it arrived
    until(lambda: session.layout_ready, session.poll)
    assert laid == [None]  # only the layout of the graph shown was applied
    expected = {s.key for s in graph_spec(session.trace).nodes}
    expected |= {f"o{n.id}" for n in session.trace.nodes if n.parents}
    assert set(session.layout.boxes) == expected


def test_an_edit_cancels_the_running_check(workers: tuple[Worker, Worker]) -> None:
    checks, layouts = workers
    session = GraphSession("q = x + y; f = q * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    session.attach(Background(checks, layouts))
    assert session.checking  # small graphs are checked at once, in the background
    session.set_input("x", 1.0)
    until(lambda: session.report_ready, session.poll)
    report = session.report
    assert report is not None
    assert report.leaf("z").autograd == 6.0  # the report of the graph as edited (q = 6)


def test_a_worker_that_ignores_a_cancel_is_ended(workers: tuple[Worker, Worker]) -> None:
    _, layouts = workers
    terms = " + ".join(f"tanh(w{i} * x{i} + b{i})" for i in range(700))
    program = parse(f"f = {terms}")
    trace = record(program.build(dict.fromkeys(program.inputs, 0.5)).output)
    slow = layouts.submit(layout_job, trace, None, "builtin")  # reports, then computes long
    until(lambda: any(m.kind == "progress" for m in layouts.poll(slow)), lambda: None)
    small = record(parse("f = x + 1").build({"x": 1}).output)
    quick = layouts.submit(layout_job, small, None, "builtin")
    done: list[Message] = []
    until(lambda: any(m.kind == "done" for m in done), lambda: done.extend(layouts.poll(quick)))
    spec, placed = done[-1].value
    assert spec == graph_spec(small)
    assert placed.boxes.keys() == {s.key for s in spec.nodes} | {"o2"}


def test_a_large_graph_that_only_runs_forward_is_laid_out_without_grad_rows(
    workers: tuple[Worker, Worker],
) -> None:
    checks, layouts = workers
    terms = " + ".join(f"(n{i} + 1) * m{i}" for i in range(20))
    session = GraphSession(f"total = {terms}", {}, backward=False)
    session.attach(Background(checks, layouts))
    assert len(session.trace.nodes) > SYNC_LAYOUT_NODES
    session.set_sizer(EstimateSizer())  # as the lab does: measured in the worker
    assert not session.layout_ready
    until(lambda: session.layout_ready, session.poll)
    heights = {s.key: s.height for s in graph_spec(session.trace, backward=False).nodes}
    assert {k: session.layout.boxes[k].height for k in heights} == heights
    assert heights != {s.key: s.height for s in graph_spec(session.trace).nodes}
