"""Layouts are readable: nothing overlaps, data flows left to right, edges meet their nodes."""

from __future__ import annotations

import itertools
import math
import subprocess
import tomllib
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
    EdgePath,
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
from gradlab.layout.metrics import GlyphWidths, MetricSizer

HAS_DOT = find_dot() is not None
ENGINES = [
    "builtin",
    pytest.param("graphviz", marks=pytest.mark.skipif(not HAS_DOT, reason="no dot")),
]


def trace_of(text: str, **inputs: float) -> Trace:
    return record(parse(text).build(inputs).output)


def example() -> Trace:
    return trace_of("q = x + y; f = q * z", x=-2.0, y=5.0, z=-4.0)


def assert_readable(trace: Trace, placed: Layout, *, beside: bool = True) -> None:
    """No two boxes or labels overlap, every part lies inside the canvas, edges meet nodes,
    and (with `beside`) every label sits beside its edge, not on it."""
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
    for path in placed.edges:
        if beside and path.label is not None:
            assert not label_covers_its_edge(path, sizes[path.key]), path.key
    for x, y, w, h in rects:
        for box in boxes:
            assert (
                x + w <= box.x
                or box.x + box.width <= x
                or y + h <= box.y
                or box.y + box.height <= y
            )


def bezier_samples(path: EdgePath, per_segment: int = 24) -> list[tuple[float, float]]:
    samples = []
    for i in range(0, len(path.points) - 3, 3):
        p0, p1, p2, p3 = path.points[i : i + 4]
        for k in range(per_segment + 1):
            t = k / per_segment
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
            samples.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return samples


def label_covers_its_edge(path: EdgePath, size: tuple[float, float]) -> bool:
    """Whether the edge's line passes under its own label (then the label hides it)."""
    assert path.label is not None
    width, height = size
    left, top = path.label[0] - width / 2, path.label[1] - height / 2
    return any(
        left < x < left + width and top + 0.5 < y < top + height - 0.5
        for x, y in bezier_samples(path)
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


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reused_node_gets_two_edges_drawn_apart(engine: Engine) -> None:
    trace = trace_of("b = a + a; c = b + b", a=1.0)
    records = edge_records(trace)
    assert [records[(1, k)].contribution for k in (0, 1)] == [2.0, 2.0]
    placed = layout(graph_spec(trace), engine)
    assert_readable(trace, placed)
    first, second = placed.edge(edge_key(1, 0)), placed.edge(edge_key(1, 1))
    assert first.label != second.label
    # the two lines are apart in the middle, by more than a line's width
    middle_first = bezier_samples(first)[len(bezier_samples(first)) // 2]
    middle_second = bezier_samples(second)[len(bezier_samples(second)) // 2]
    assert abs(middle_first[1] - middle_second[1]) > 8


LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def lesson_graphs() -> list[tuple[str, str, dict[str, float]]]:
    found = []
    for path in sorted(LESSONS.glob("*.toml")):
        for number, step in enumerate(tomllib.loads(path.read_text())["steps"], start=1):
            graph = step.get("graph")
            if graph is not None:
                found.append((f"{path.stem[:2]}-{number}", graph["expression"], graph["inputs"]))
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_every_lesson_graph_has_its_labels_beside_their_edges(engine: Engine) -> None:
    graphs = lesson_graphs()
    assert len(graphs) > 20
    for _, text, inputs in graphs:
        trace = trace_of(text, **inputs)
        assert_readable(trace, layout(graph_spec(trace), engine))


def test_a_1000_node_graph_is_laid_out_by_the_faster_engine() -> None:
    terms = " + ".join(f"w{i} * x{i}" for i in range(250))
    program = parse(f"f = {terms}")
    trace = record(program.build(dict.fromkeys(program.inputs, 0.5)).output)
    assert len(trace.nodes) == 999
    placed = layout(graph_spec(trace))
    assert placed.engine == "builtin"
    # every product sits just before its use: no edge crosses hundreds of ranks
    assert placed.width < 250 * 2 * 400


def test_a_graphviz_timeout_falls_back_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    slow = tmp_path / "dot"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    monkeypatch.setattr("gradlab.layout.find_dot", lambda: ("dot", slow))
    monkeypatch.setattr(dot_module, "TIMEOUT_S", 0.2)
    with caplog.at_level("WARNING", logger="gradlab.layout"):
        placed = layout(graph_spec(example()))
    assert placed.engine == "builtin"
    (warning,) = caplog.records
    assert "did not finish" in warning.getMessage()
    assert warning.exc_info is None  # no traceback on stderr


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
    # crowded random gaps may push a label onto its edge: the view draws edges over label
    # backgrounds, so the line still shows (tests/gui/graph); lesson graphs are held to more
    assert_readable(trace, layout(graph_spec(trace), "builtin"), beside=False)


@pytest.mark.skipif(not HAS_DOT, reason="no dot")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_graphviz_layouts_of_random_graphs_are_readable(trace: Trace) -> None:
    placed = layout(graph_spec(trace), "graphviz")
    assert_readable(trace, placed, beside=False)
    assert math.isfinite(placed.width)


def uniform_sizer(*, stacked: bool) -> MetricSizer:
    """A `MetricSizer` whose every glyph is 8 px wide (no fonts needed)."""
    glyphs = GlyphWidths({}, 8.0)
    return MetricSizer(glyphs, glyphs, glyphs, glyphs, 16.0, 20.0, 5.0, 35.0, stacked)


@pytest.mark.parametrize(
    "sizer",
    [EstimateSizer(), uniform_sizer(stacked=False), uniform_sizer(stacked=True)],
    ids=["estimate", "beside", "stacked"],
)
@pytest.mark.parametrize("text", ["q = x + y; f = q * z", "total = (pixels + 1) * classes"])
def test_a_graph_that_only_runs_forward_has_boxes_a_row_shorter(
    sizer: EstimateSizer | MetricSizer, text: str
) -> None:
    program = parse(text)
    trace = record(program.build(dict.fromkeys(program.inputs, -12.5)).output)
    both = {n.key: n for n in graph_spec(trace, sizer).nodes}
    forward = {n.key: n for n in graph_spec(trace, sizer, backward=False).nodes}
    assert both.keys() == forward.keys()
    for key, node in forward.items():
        # the grad row and the gap above it are gone; the width never grows
        assert node.height < both[key].height - 10.0
        assert node.width <= both[key].width
        assert node.lead == both[key].lead  # op nodes are the same
    assert graph_spec(trace, sizer) == graph_spec(trace, sizer, backward=True)


def test_a_forward_only_box_fits_exactly_its_name_and_data_rows() -> None:
    node = trace_of("f = x * 2", x=1.0).nodes[0]
    line, pad = 16.0, 5.0
    # beside: the data row with a pad above and below; stacked: the name's row above it too
    assert uniform_sizer(stacked=False).value_node(node, "x", None, backward=False)[1] == (
        line + 2 * pad
    )
    assert uniform_sizer(stacked=True).value_node(node, "x", None, backward=False)[1] == (
        2 * line + 2 * pad
    )
