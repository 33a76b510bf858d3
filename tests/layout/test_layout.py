"""Layouts are readable: nothing overlaps, data flows left to right, edges meet their nodes."""

from __future__ import annotations

import itertools
import math
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlab.layout.dot as dot_module
from gradlab.engine import Value, record
from gradlab.engine.expr import parse
from gradlab.engine.trace import Trace
from gradlab.layout import (
    DotError,
    Engine,
    EstimateSizer,
    Layout,
    edge_key,
    edge_records,
    find_dot,
    graph_spec,
    layout,
    op_key,
    result_key,
    to_dot,
    value_key,
)

HAS_DOT = find_dot() is not None
ENGINES = [
    "builtin",
    pytest.param("graphviz", marks=pytest.mark.skipif(not HAS_DOT, reason="no dot")),
]


def trace_of(text: str, **inputs: float) -> Trace:
    return record(parse(text).build(inputs).output)


def example() -> Trace:
    return trace_of("q = x + y; f = q * z", x=-2.0, y=5.0, z=-4.0)


def assert_readable(trace: Trace, placed: Layout) -> None:
    """No two boxes or labels overlap, every part lies inside the canvas, edges meet nodes."""
    boxes = list(placed.boxes.values())
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{a.key} overlaps {b.key}"
    for box in boxes:
        assert box.x >= 0
        assert box.y >= 0
        assert box.x + box.width <= placed.width + 1e-6
        assert box.y + box.height <= placed.height + 1e-6
    spec = graph_spec(trace)
    sizes = {e.key: (e.label_width, e.label_height) for e in spec.edges}
    rects = []
    for path in placed.edges:
        head = placed.boxes[path.head]
        # the arrow ends on the head's left side, at its middle
        assert path.tip[0] == pytest.approx(head.x, abs=2.0)
        assert path.tip[1] == pytest.approx(head.center[1], abs=2.0)
        tail = placed.boxes[path.tail]
        assert path.points[0][0] == pytest.approx(tail.x + tail.width, abs=2.0)
        if path.label is not None:
            width, height = sizes[path.key]
            rects.append((path.label[0] - width / 2, path.label[1] - height / 2, width, height))
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.combinations(rects, 2):
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
    for x, y, w, h in rects:
        for box in boxes:
            assert (
                x + w <= box.x
                or box.x + box.width <= x
                or y + h <= box.y
                or box.y + box.height <= y
            )


@pytest.mark.parametrize("engine", ENGINES)
def test_the_example_reads_left_to_right(engine: Engine) -> None:
    trace = example()
    placed = layout(graph_spec(trace), engine)
    found = find_dot()
    assert placed.engine == ("builtin" if engine == "builtin" or found is None else found[0])
    assert_readable(trace, placed)
    x, q, f = (placed.boxes[value_key(trace.node(n).id)] for n in "xqf")
    assert x.x < q.x < f.x
    # an op sits just in front of its value, joined by a short arrow
    op = placed.boxes[op_key(trace.node("q").id)]
    assert op.x + op.width < q.x < op.x + op.width + 3 * op.height
    assert op.center[1] == pytest.approx(q.center[1])
    assert placed.edge(result_key(trace.node("q").id)).tip == (q.x, q.center[1])
    # every edge into an op carries a label
    labelled = {e.key for e in placed.edges if e.label is not None}
    assert labelled == {edge_key(2, 0), edge_key(2, 1), edge_key(4, 0), edge_key(4, 1)}


def test_graphviz_output_is_flipped_to_screen_coordinates() -> None:
    if not HAS_DOT:
        pytest.skip("no dot")
    # a chain x -> a -> b: y grows downwards on screen, and all three lie in one row
    trace = trace_of("a = tanh(x); b = exp(a)", x=0.5)
    placed = layout(graph_spec(trace), "graphviz")
    rows = {round(placed.boxes[value_key(n.id)].center[1]) for n in trace.nodes}
    assert len(rows) == 1
    assert all(0 < row < placed.height for row in rows)


def test_a_reused_node_gets_one_edge_and_one_label_per_use() -> None:
    trace = trace_of("b = a + a; c = b + b", a=1.0)
    records = edge_records(trace)
    assert [records[(1, k)].contribution for k in (0, 1)] == [2.0, 2.0]
    placed = layout(graph_spec(trace), "builtin")
    assert_readable(trace, placed)
    first, second = placed.edge(edge_key(1, 0)), placed.edge(edge_key(1, 1))
    assert first.label != second.label


def test_without_graphviz_the_builtin_layout_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gradlab.layout.find_dot", lambda: None)
    assert layout(graph_spec(example())).engine == "builtin"
    with pytest.raises(DotError, match="no Graphviz"):
        layout(graph_spec(example()), "graphviz")


def test_a_failing_graphviz_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr("gradlab.layout.find_dot", lambda: ("dot", broken))
    assert layout(graph_spec(example())).engine == "builtin"
    with pytest.raises(DotError, match="broken"):
        layout(graph_spec(example()), "graphviz")


def test_graphviz_pure_is_found_in_the_scripts_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    found = dot_module.find_dot()
    if found is not None:
        assert found[0] == "graphviz-pure"
        assert found[1].name == "graphviz-pure"


def test_to_dot_is_valid_graphviz_with_values_grads_and_locals() -> None:
    text = to_dot(example())
    assert 'label="{ q | data 3 | grad -4 }"' in text
    assert 'label="{ f | data -12 | grad 1 }"' in text
    assert 'label="local 1\\n+= -4"' in text
    assert "o4 -> v4;" in text
    found = find_dot()
    if found is not None:
        done = subprocess.run(
            [str(found[1]), "-Tjson0"], input=text.encode(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_estimates_cover_the_widest_numbers() -> None:
    sizer = EstimateSizer()
    trace = trace_of("f = x * 123456.789", x=-0.000123456)
    spec = graph_spec(trace, sizer)
    node = next(n for n in spec.nodes if n.key == value_key(trace.root))
    text = "data -15.24"
    assert node.width > len(text) * sizer.char_width * sizer.font_px


OPS = ("add", "sub", "mul", "tanh", "exp", "relu")


@st.composite
def graphs(draw: st.DrawFn) -> Trace:
    """Random DAGs: inputs reused in several places, long edges, unary and binary ops."""
    count = draw(st.integers(1, 4))
    nodes = [Value(draw(st.floats(-2, 2)), f"x{i}") for i in range(count)]
    for i in range(draw(st.integers(1, 14))):
        op = draw(st.sampled_from(OPS))
        a = draw(st.sampled_from(nodes))
        if op in ("tanh", "exp", "relu"):
            out = getattr(a.tanh() if op == "tanh" else a, "exp" if op == "exp" else "relu")()
        else:
            b = draw(st.sampled_from(nodes))
            out = a + b if op == "add" else a - b if op == "sub" else a * b
        out.label = f"n{i}"
        nodes.append(out)
    return record(nodes[-1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_builtin_layouts_of_random_graphs_are_readable(trace: Trace) -> None:
    assert_readable(trace, layout(graph_spec(trace), "builtin"))


@pytest.mark.skipif(not HAS_DOT, reason="no dot")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_graphviz_layouts_of_random_graphs_are_readable(trace: Trace) -> None:
    placed = layout(graph_spec(trace), "graphviz")
    assert_readable(trace, placed)
    assert math.isfinite(placed.width)
