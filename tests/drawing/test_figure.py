"""Figures of graphs: the SVG of the chain rule at every step says what the graph lab says, live
graphs are drawn as they are without being changed, steps are named as the transport bar counts
them, and notebooks get the SVG through IPython's own display formatter."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from drawing_helpers import chain_rule, node_texts, texts
from IPython.core.formatters import DisplayFormatter

import gradlab
from gradlab.drawing.figure import MAX_INLINE_NODES, frame_of, inline_svg, position, render
from gradlab.engine import Tensor, Value, record


def test_the_chain_rule_at_its_end_shows_every_value_and_grad() -> None:
    svg = render(record(chain_rule()))
    boxes = node_texts(svg)
    assert sorted(map(tuple, boxes.values())) == sorted(
        [
            ("x", "data -2", "grad -4"),
            ("y", "data 5", "grad -4"),
            ("q", "data 3", "grad -4"),
            ("z", "data -4", "grad 3"),
            ("f", "data -12", "grad 1"),
        ]
    )
    drawn = texts(svg)
    assert drawn.count("local 1") == 2
    assert {"local -4", "local 3", "+= -4", "+= 3", "+", "×"} <= set(drawn)


def test_steps_reveal_values_then_grads() -> None:
    trace = record(chain_rule())
    start = node_texts(render(trace, "start"))
    assert all(box[1:] == ["data ?", "grad ?"] for box in start.values())
    two = sorted(map(tuple, node_texts(render(trace, "forward:2")).values()))
    assert ("x", "data -2", "grad ?") in two
    assert ("y", "data 5", "grad ?") in two
    assert ("q", "data ?", "grad ?") in two
    svg = render(trace, "backward:1")  # f's turn: its grad reaches q and z, not yet x and y
    boxes = sorted(map(tuple, node_texts(svg).values()))
    assert ("f", "data -12", "grad 1") in boxes
    assert ("q", "data 3", "grad -4") in boxes
    assert ("x", "data -2", "grad ?") in boxes
    assert "+= -4" in texts(svg)
    assert 'font-style="italic">grad -4<' in svg  # q's grad is not final until its own turn
    assert 'fill="#fff3bf"' in svg  # the active node is highlighted, as in the app


def test_step_names() -> None:
    trace = record(chain_rule())
    nodes, steps = len(trace.nodes), len(trace.backward)
    assert position(trace, "start") == 0
    assert position(trace, "forward") == position(trace, "backward") == nodes
    assert position(trace, "forward:3") == 3
    assert position(trace, "backward:3") == nodes + 3
    assert position(trace, "end") == position(trace, len(trace)) == nodes + steps
    with pytest.raises(ValueError, match=f"the backward pass of this graph has {steps} steps"):
        position(trace, "backward:9")
    with pytest.raises(ValueError, match="unknown step 'sideways'"):
        position(trace, "sideways")
    with pytest.raises(ValueError, match="outside"):
        position(trace, 99)


def test_a_live_graph_is_drawn_as_it_is_and_left_as_it_was() -> None:
    f = chain_rule()
    before = node_texts(render(f))
    assert ["f", "data -12", "grad 0"] in before.values()  # no backward pass yet, as micrograd
    assert "local -4" in texts(render(f))  # a Value's local derivatives are known already
    f.backward()
    f.grad = 5.0  # whatever the grads are now is what is drawn
    after = node_texts(render(f))
    assert ["f", "data -12", "grad 5"] in after.values()
    assert ["x", "data -2", "grad -4"] in after.values()
    assert f.grad == 5.0


def test_drawing_at_a_step_records_both_passes() -> None:
    f = chain_rule()
    svg = gradlab.draw(f, step="end")._repr_svg_()
    assert svg is not None
    assert ["x", "data -2", "grad -4"] in node_texts(svg).values()


def test_tensor_graphs_show_shapes() -> None:
    w = Tensor(np.ones((3, 2)), requires_grad=True, label="W")
    x = Tensor(np.ones((4, 3)), label="x")
    out = (x @ w).relu().sum()
    drawn = texts(render(out))
    assert "W  3×2" in drawn
    assert "data 4×3" in drawn
    assert "grad ?" in drawn  # a tensor's grad is None until backward
    out.backward()
    assert "grad 3×2" in texts(render(out))


def test_styles() -> None:
    trace = record(chain_rule())
    light, projector = render(trace, style="light"), render(trace, style="projector")
    assert 'font-size="14"' in light
    assert 'font-size="25"' in projector
    width = float(ET.fromstring(light).get("width", "0"))
    assert float(ET.fromstring(projector).get("width", "0")) > 1.5 * width
    with pytest.raises(ValueError, match="unknown style 'neon'"):
        render(trace, style="neon")
    with pytest.raises(TypeError, match="takes a Value, a Tensor or a Trace"):
        frame_of("f = x")  # type: ignore[arg-type]


def test_notebooks_show_the_chain_rule_as_svg() -> None:
    """What Jupyter does with a cell's result: IPython's display formatter asks for every format;
    gradlab answers image/svg+xml without importing IPython."""
    f = chain_rule()
    f.backward()
    data, _ = DisplayFormatter().format(f)
    assert data["text/plain"] == "Value(data=-12, grad=1, label='f')"
    boxes = node_texts(data["image/svg+xml"])
    assert ["x", "data -2", "grad -4"] in boxes.values()
    assert ["z", "data -4", "grad 3"] in boxes.values()
    trace_data, _ = DisplayFormatter().format(record(f))
    assert "local 1" in texts(trace_data["image/svg+xml"])
    leaf, _ = DisplayFormatter().format(Value(2.0, "x"))
    assert "image/svg+xml" not in leaf  # a lone leaf shows its text


def test_big_graphs_show_their_text_in_notebooks() -> None:
    total = Value(0.0)
    for i in range(MAX_INLINE_NODES):
        total = total + Value(float(i))
    assert inline_svg(total) is None
    assert inline_svg("not a graph") is None
