"""Figures match the app: the SVG of every step says what the graph lab's view shows, with the
same marks; the glyph table is Qt's own measure of DejaVu Sans; PNG and PDF come out of Qt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from drawing_helpers import SVG, chain_rule, node_texts
from PySide6.QtGui import QFont, QFontMetricsF
from pytestqt.qtbot import QtBot

import gradlab
from gradlab.drawing import glyphs, style
from gradlab.drawing.figure import render
from gradlab.drawing.frame import frame_at
from gradlab.drawing.sizer import FigureSizer
from gradlab.engine import record
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.graph.view import GraphView
from gradlab.gui.theme import LIGHT, PROJECTOR
from gradlab.state.graph.session import GraphSession

pytestmark = pytest.mark.gui


def label_texts(svg: str) -> dict[str, tuple[str, ...]]:
    return {
        group.get("id", "").removesuffix("-label"): tuple(
            t.text or "" for t in group.iter(f"{SVG}text")
        )
        for group in ET.fromstring(svg).iter(f"{SVG}g")
        if group.get("id", "").endswith("-label")
    }


def test_every_step_of_the_figure_says_what_the_app_shows(qtbot: QtBot) -> None:
    session = GraphSession("q = x + y; f = q * (z + q)", {"x": -2, "y": 5, "z": -4})
    gui_style = GraphStyle(LIGHT)
    session.set_sizer(gui_style)
    view = GraphView(session.player, session.layout, gui_style)
    qtbot.addWidget(view)
    trace = session.trace
    for position in range(len(trace) + 1):
        session.player.seek(position)
        svg = render(trace, position)
        shown = {int(key[1:]): tuple(texts) for key, texts in node_texts(svg).items()}
        assert shown == view.node_texts(), position
        drawn_labels = label_texts(svg)
        for key, (local, sent) in view.label_texts().items():
            assert drawn_labels[key] == ((local, sent) if sent else (local,)), (position, key)
        frame = frame_at(trace, position)
        for i, item in view.values.items():
            marks = tuple(mark.value for mark in frame.value_marks(i))
            assert marks == (item.state.value_mark.value, item.state.grad_mark.value)
            assert frame.partial(i) == (
                not (item.state.final or item.state.grad_mark.value == "pending")
            )


@pytest.mark.parametrize("theme", [LIGHT, PROJECTOR], ids=lambda t: t.name)
def test_boxes_are_the_apps_size(qtbot: QtBot, theme: object) -> None:
    trace = record(chain_rule())
    ours, apps = FigureSizer(theme), GraphStyle(theme)  # type: ignore[arg-type]
    grads = trace.snapshot(len(trace)).grads
    for node in trace.nodes:
        name = node.label or "n"
        for a, b in zip(
            ours.value_node(node, name, grads[node.id]),
            apps.value_node(node, name, grads[node.id]),
            strict=True,
        ):
            assert a == pytest.approx(b, rel=0.03)
        for a, b in zip(ours.op_node(node), apps.op_node(node), strict=True):
            assert a == pytest.approx(b, rel=0.03)
    for a, b in zip(ours.edge_label(-4.0, -4.0), apps.edge_label(-4.0, -4.0), strict=True):
        assert a == pytest.approx(b, rel=0.03)


def test_the_glyph_table_is_qts_measure_of_dejavu_sans(qtbot: QtBot) -> None:
    for table, bold in ((glyphs.REGULAR, False), (glyphs.BOLD, True)):
        font = QFont(style.FONT_FAMILY)
        font.setPixelSize(1000)
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        for char, width in table.items():
            assert width == pytest.approx(metrics.horizontalAdvance(char) / 1000, abs=1e-3), char
        assert pytest.approx(metrics.ascent() / 1000, abs=1e-3) == glyphs.ASCENT


def test_png_and_pdf_drawings(qtbot: QtBot) -> None:
    f = chain_rule()
    png = gradlab.draw(f, "backward:2", "png")
    assert png._repr_png_() is not None
    assert png.data.startswith(b"\x89PNG")
    assert png._repr_svg_() is None
    pdf = gradlab.draw(f, format="pdf", style="projector")
    assert pdf.data.startswith(b"%PDF")
    assert pdf._repr_pdf_() == pdf.data
