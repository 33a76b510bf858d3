"""The graph lab follows its Player, edits rebuild at once, and presentation mode stays readable."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from gradlab.engine import record
from gradlab.engine.numbers import format_number
from gradlab.engine.tensor import Tensor
from gradlab.gui.graph.items import EdgeLabelItem, OpItem, ValueItem
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.graph.style import Mark
from gradlab.gui.theme import DARK, LIGHT, PROJECTOR, Theme
from gradlab.state.graph.session import GraphSession, TraceSession

pytestmark = pytest.mark.gui

EXAMPLE = "q = x + y; f = q * z"


def make_lab(qtbot: QtBot, theme: Theme = LIGHT, text: str = EXAMPLE, **inputs: float) -> GraphLab:
    values = inputs or {"x": -2.0, "y": 5.0, "z": -4.0}
    lab = GraphLab(GraphSession(text, values), theme)
    qtbot.addWidget(lab)
    lab.resize(1200, 700)
    lab.show()
    qtbot.waitExposed(lab)
    wait_drawn(qtbot, lab)
    return lab


def wait_drawn(qtbot: QtBot, lab: GraphLab) -> None:
    """Until the graph is laid out (large ones in the background) and every item drawn."""
    qtbot.waitUntil(lambda: lab.view.up_to_date, timeout=20_000)


def by_name(lab: GraphLab) -> dict[str, tuple[str, str, str]]:
    return {texts[0]: texts for texts in lab.view.node_texts().values()}


def scene_texts(lab: GraphLab) -> tuple[object, ...]:
    """Everything the items show, with their marks: the whole visible state of the graph."""
    view = lab.view
    return (
        tuple(sorted((i, item.state) for i, item in view.values.items())),
        tuple(sorted((i, item.state) for i, item in view.ops.items())),
        tuple(sorted((k, item.state) for k, item in view.edges.items())),
        tuple(sorted((k, item.state) for k, item in view.edge_labels.items())),
    )


def test_the_view_follows_the_player_forward_backward_and_back(
    qtbot: QtBot, qt_warnings: list[str]
) -> None:
    lab = make_lab(qtbot)
    player = lab.session.player
    assert lab.step_cursor is player
    start = by_name(lab)
    assert start["q"] == ("q", "data ?", "grad ?")
    history = [scene_texts(lab)]
    for _ in range(player.forward_length):
        player.step_forward()
        history.append(scene_texts(lab))
    shown = by_name(lab)
    assert shown["q"][1] == "data 3"
    assert shown["f"][1] == "data -12"
    assert all(texts[2] == "grad ?" for texts in shown.values())
    player.to_end()
    history.append(scene_texts(lab))
    grads = {name: texts[2] for name, texts in by_name(lab).items()}
    assert grads == {"x": "grad -4", "y": "grad -4", "z": "grad 3", "q": "grad -4", "f": "grad 1"}
    assert lab.view.label_texts()["e2.0"] == ("local 1", "+= -4")
    # stepping back restores every earlier state exactly
    player.seek(player.forward_length)
    for position in range(player.forward_length, -1, -1):
        player.seek(position)
        assert scene_texts(lab) == history[position]
    assert by_name(lab) == start


def test_active_and_pending_parts_are_marked(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    player = lab.session.player
    q = lab.session.trace.node("q").id
    player.seek(q + 1)  # q's forward step
    assert lab.view.values[q].state.value_mark is Mark.ACTIVE
    assert lab.view.ops[q].state.mark is Mark.ACTIVE
    assert lab.view.edges["e2.0"].state.mark is Mark.ACTIVE
    f = lab.session.trace.root
    assert lab.view.values[f].state.value_mark is Mark.PENDING
    assert lab.view.edges["e4.0"].state.mark is Mark.PENDING
    assert lab.view.edge_labels["e4.0"].texts() == ("local ?", "")
    player.seek(player.forward_length + 1)  # f's backward step
    assert lab.view.values[f].state.grad_mark is Mark.ACTIVE
    assert lab.view.edges["e4.1"].state == (Mark.ACTIVE, True)
    assert "Backward: f" in lab.explanation.toPlainText()


def test_a_step_touches_only_the_items_it_concerns(qtbot: QtBot) -> None:
    terms = " + ".join(f"tanh(w{i} * x)" for i in range(20))
    lab = make_lab(qtbot, text=f"f = {terms}", x=0.5)
    player = lab.session.player
    items = dict(lab.view.values)
    player.seek(player.forward_length + 3)
    assert lab.view.refresh() == 0  # the signal already brought everything up to date
    before = scene_texts(lab)
    player.step_forward()
    after = scene_texts(lab)
    changed = sum(
        a != b
        for group_a, group_b in zip(before, after, strict=True)
        for a, b in zip(group_a, group_b, strict=True)
    )
    # this step's node, op, edges and labels, its parents, and the previous step's node
    assert 0 < changed <= 12
    assert lab.view.values == items  # same items: no relayout on a step


def test_editing_rebuilds_and_errors_keep_the_last_good_graph(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.session.player.to_end()
    good = by_name(lab)
    editing = lab.editing
    assert editing is not None
    editing.editor.setFocus()
    editing.editor.end(False)
    qtbot.keyClicks(editing.editor, " +")
    assert editing.editor.text() == EXAMPLE + " +"
    qtbot.waitUntil(lambda: not editing.typing_pending)
    assert editing.error.isVisible()
    assert "line 1" in editing.error.text()
    assert by_name(lab) == good
    qtbot.keyClicks(editing.editor, " w")
    qtbot.waitUntil(lambda: not editing.typing_pending)
    assert not editing.error.isVisible()
    assert "w" in editing.inputs.spins
    assert "z · w" not in lab.explanation.toPlainText()
    names = {texts[0] for texts in by_name(lab).values()}
    assert {"x", "y", "z", "w", "q"} <= names


def test_an_error_quoting_markup_shows_it_as_typed(qtbot: QtBot) -> None:
    # a QLabel guesses rich text, and rich text loads <img src=...> from any path
    lab = make_lab(qtbot)
    editing = lab.editing
    assert editing is not None
    editing.editor.setFocus()
    editing.editor.selectAll()
    qtbot.keyClicks(editing.editor, "f = \"<img src='/dev/zero'>\"")
    qtbot.waitUntil(lambda: not editing.typing_pending and editing.error.isVisible())
    assert editing.error.textFormat() == Qt.TextFormat.PlainText
    assert "<img src='/dev/zero'>" in editing.error.text()


def test_input_spin_boxes_rebuild_at_once(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.session.player.to_end()
    items = dict(lab.view.values)
    assert lab.editing is not None
    lab.editing.inputs.spins["z"].setValue(10.0)
    assert lab.session.inputs["z"] == 10.0
    assert by_name(lab)["x"][2] == "grad 10"
    assert lab.view.values == items  # only numbers changed: the items were kept
    # same sizes, other names: the items are made anew with the new names
    lab.editing.editor.setText("q = x + y; f = q * w")
    lab.editing.commit()
    assert "w" in by_name(lab)
    assert "z" not in by_name(lab)
    lab2 = make_lab(qtbot, text="f = log(x)", x=2.0)
    assert lab2.editing is not None
    lab2.editing.inputs.spins["x"].setValue(-1.0)
    assert lab2.editing.error.isVisible()
    assert "log" in lab2.editing.error.text()
    assert lab2.session.inputs["x"] == 2.0


def test_the_check_panel_turns_green(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    qtbot.waitUntil(lambda: lab.session.report_ready, timeout=10_000)
    assert lab.checks.rows.rowCount() == 3
    assert set(lab.checks.row_colors()) == {LIGHT.good}
    assert "agree" in lab.checks.status.text()
    lab.session.player.seek(8)
    assert "∂q/∂x = 1" in lab.explanation.toPlainText()


def test_kinks_are_noted(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, text="f = relu(x) * y", x=0.0, y=2.0)
    qtbot.waitUntil(lambda: lab.session.report_ready, timeout=10_000)
    assert "kink" in lab.checks.rows.text(0, 5)


def test_exports(qtbot: QtBot, tmp_path: Path, qt_warnings: list[str]) -> None:
    lab = make_lab(qtbot)
    lab.session.player.to_end()
    lab.export_png(tmp_path / "g.png")
    lab.export_svg(tmp_path / "g.svg")
    lab.export_dot(tmp_path / "g.dot")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "g.svg").read_text()
    assert "<svg" in svg
    assert "grad -4" in svg
    assert "digraph" in (tmp_path / "g.dot").read_text()
    lab.copy_image()
    assert not QGuiApplication.clipboard().image().isNull()
    assert lab.export_widget() is lab.view


def test_zoom_keys_and_wheel(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.view.setFocus()
    lab.view.reset_zoom()
    window = lab.windowHandle()
    QTest.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert lab.view.zoom == pytest.approx(1.25)
    QTest.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert lab.view.zoom == pytest.approx(0.8)
    QTest.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    scene = lab.view.mapFromScene(lab.view.sceneRect()).boundingRect()
    assert lab.view.viewport().rect().contains(scene)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert lab.view.zoom == 1.0
    wheel = QWheelEvent(
        QPointF(50, 50),
        QPointF(lab.view.viewport().mapToGlobal(QPoint(50, 50))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(lab.view.viewport(), wheel)
    assert lab.view.zoom == pytest.approx(1.25)


def rects_overlap(items: list[ValueItem | OpItem | EdgeLabelItem]) -> list[tuple[str, str]]:
    bad = []
    for a, b in itertools.combinations(items, 2):
        if a.rect.intersects(b.rect):
            bad.append((repr(a.rect), repr(b.rect)))
    return bad


@pytest.mark.parametrize("theme", [LIGHT, DARK, PROJECTOR], ids=lambda t: t.name)
def test_readable_in_every_theme_and_in_presentation(
    qtbot: QtBot, theme: Theme, qt_warnings: list[str]
) -> None:
    text = "q = x + y; h = tanh(q * z); f = h * h + relu(x) - 2.5 * y"
    lab = make_lab(qtbot, theme, text, x=-2.0, y=5.0, z=-0.25)
    lab.set_presentation(True)
    assert lab.editing is not None
    assert not lab.editing.isVisible()
    assert not lab.checks.isVisible()
    lab.session.player.to_end()
    view = lab.view
    # presenting restyles the graph: its new layout is drawn a turn or more later under load
    qtbot.waitUntil(lambda: view.up_to_date)
    items: list[ValueItem | OpItem | EdgeLabelItem] = [
        *view.values.values(),
        *view.ops.values(),
        *view.edge_labels.values(),
    ]
    assert rects_overlap(items) == []
    style = lab.style_
    assert style.font.pixelSize() == round(14 * theme.font_scale)
    for item in view.values.values():
        title, data, grad = item.texts()
        title_width = QFontMetricsF(style.bold).horizontalAdvance(title)
        number_width = max(
            QFontMetricsF(style.font).horizontalAdvance(data),
            QFontMetricsF(style.italic).horizontalAdvance(grad),
        )
        # presenting, the name sits above the numbers (a narrower node): either way all fits
        assert style.stacked
        assert max(title_width, number_width) + style.pad <= item.rect.width()
        assert 3 * style.line <= item.rect.height()
    for label in view.edge_labels.values():
        local, sent = label.texts()
        widest = max(style.metrics.horizontalAdvance(local), style.metrics.horizontalAdvance(sent))
        assert widest <= label.rect.width()
    lab.set_presentation(False)
    assert lab.editing.isVisible()


def test_tensor_nodes_show_shapes_and_open_their_array(qtbot: QtBot) -> None:
    w = Tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True, label="W")
    x = Tensor(np.ones((3, 40)), requires_grad=True, label="x")
    loss = (w @ x).tanh().sum()
    loss.label = "L"
    session = TraceSession(record(loss), cursor="end")
    lab = GraphLab(session, LIGHT)
    qtbot.addWidget(lab)
    lab.show()
    qtbot.waitExposed(lab)
    assert lab.editing is None
    titles = {texts[0]: texts for texts in lab.view.node_texts().values()}
    assert titles["W  2×3"][1:] == ("data 2×3", "grad 2×3")
    assert titles["L"][1] == f"data {format_number(float(loss.data))}"
    w_item = lab.view.values[0]
    lab.view.fit_to_window()
    point = lab.view.mapFromScene(w_item.rect.center())
    QTest.mouseClick(lab.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert lab.arrays.isVisible()
    assert lab.arrays.count() == 2  # data and grad
    assert lab.arrays.tabText(0) == "W data (2×3)"
    x_item = lab.view.values[1]
    QTest.mouseClick(
        lab.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=lab.view.mapFromScene(x_item.rect.center()),
    )
    assert lab.arrays.tabText(0) == "x data (3×40)"
    assert isinstance(lab.arrays.widget(0), QTableWidget)  # 120 numbers: a table
    lab.arrays.show_array("X", np.linspace(-1, 1, 600).reshape(3, 200), None)
    assert lab.arrays.count() == 1  # no grad yet: data only
    heatmap = lab.arrays.widget(0)
    assert isinstance(heatmap, QLabel)  # 600 numbers: a heatmap
    assert not heatmap.pixmap().isNull()


def test_the_whole_graph_fits_and_a_zoomed_in_view_follows_the_active_node(
    qtbot: QtBot,
) -> None:
    terms = " + ".join(f"tanh(w{i} * x)" for i in range(12))
    lab = make_lab(qtbot, PROJECTOR, f"f = {terms}", x=0.5)
    lab.set_presentation(True)
    view = lab.view
    qtbot.waitUntil(lambda: lab.session.layout_ready, timeout=20_000)
    wait_drawn(qtbot, lab)
    qtbot.waitUntil(lambda: view.overview.has_layout)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(view.sceneRect())  # fitted whole, however small that makes it
    assert not view.overview.isVisible()  # nothing to find: all of it is in view
    view.zoom_by(4.0)
    assert view.overview.isVisible()  # zoomed in: the map shows where the view is
    assert not view.overview.picture.isNull()  # drawn when first needed
    player = lab.session.player
    for position in range(1, player.length + 1, 7):
        player.seek(position)
        active = player.snapshot().active
        assert active is not None
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        assert seen.contains(view.values[active].rect)
    # a click on the overview brings that part of the graph into view
    overview = view.overview
    corner = QPoint(overview.width() - 2, overview.height() - 2)
    QTest.mouseClick(overview, Qt.MouseButton.LeftButton, pos=corner)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(view.sceneRect().bottomRight() - QPointF(20, 20))
    QTest.keyClick(lab.windowHandle(), Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert not view.overview.isVisible()


def test_a_tensor_graph_that_only_runs_forward_maps_its_data_alone(qtbot: QtBot) -> None:
    w = Tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True, label="W")
    out = (w @ Tensor(np.ones((3, 4)), label="x")).sum()
    forward = TraceSession(record(out), cursor="forward", backward=False)
    both = TraceSession(record(out), cursor="forward")
    labs = [GraphLab(session, LIGHT) for session in (forward, both)]
    for lab in labs:
        qtbot.addWidget(lab)
        lab.show()
        qtbot.waitExposed(lab)
    short, full = (lab.view.values[0] for lab in labs)
    assert short.maps[0] is not None  # the data's heatmap
    assert short.maps[1] is None  # no grad row, no grad map
    assert short.texts() == ("W  2×3", "data 2×3", "")
    assert short.rect.height() < full.rect.height()
    # even handed a grad, an item with no grad row draws no picture of it
    short.set_maps(w.data, w.data)
    assert short.maps[0] is not None
    assert short.maps[1] is None
    full.set_maps(w.data, w.data)
    assert full.maps[1] is not None
