"""The notebook stepper: every step's picture, stepping both ways, and a plain SVG beside the
widget for renderers that do not run widgets (GitHub, nbviewer)."""

from __future__ import annotations

import pytest
from drawing_helpers import chain_rule, node_texts
from IPython.core.formatters import DisplayFormatter

from gradlab.drawing.widget import MAX_NODES, Stepper, captions
from gradlab.engine import Value, record

WIDGET = "application/vnd.jupyter.widget-view+json"


def test_one_picture_per_position_and_stepping_both_ways() -> None:
    trace = record(chain_rule())
    stepper = Stepper(chain_rule())
    assert len(stepper.frames) == len(stepper.captions) == len(trace) + 1
    assert stepper.position == 0
    stepper.step_back()
    assert stepper.position == 0  # clamped, as the transport bar
    for _ in range(len(trace.nodes) + 3):
        stepper.step_forward()
    assert stepper.captions[stepper.position] == "backward 3 of 5: grad of q"
    boxes = node_texts(stepper.frames[stepper.position]).values()
    assert ["x", "data -2", "grad -4"] in boxes
    stepper.step_back()
    assert ["x", "data -2", "grad ?"] in node_texts(stepper.frames[stepper.position]).values()
    stepper.seek(10_000)
    assert stepper.position == len(trace)
    assert captions(trace)[:2] == ["start: nothing computed yet", "forward 1 of 5: x"]


def test_its_output_carries_plain_svg_beside_the_widget() -> None:
    stepper = Stepper(record(chain_rule()), style="projector", position=4)
    data, _ = DisplayFormatter().format(stepper)
    assert WIDGET in data
    assert data["image/svg+xml"] == stepper.frames[4]
    assert 'font-size="25"' in stepper.frames[4]


def test_large_graphs_are_refused_with_the_alternative() -> None:
    total = Value(0.0)
    for i in range(MAX_NODES):
        total = total + Value(float(i))
    with pytest.raises(ValueError, match=r"gradlab.draw\(root, step=...\)"):
        Stepper(total)
