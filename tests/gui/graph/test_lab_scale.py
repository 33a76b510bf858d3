"""The graph lab at scale: typing never builds a half-typed prefix, the check runs in the
background with progress and Cancel, big graphs open collapsed, tensor nodes show heatmaps, far
out a graph is one picture, and a new graph shows only once all of it is drawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsRectItem
from pytestqt.qtbot import QtBot

from gradlab.engine.expr import MAX_NODES
from gradlab.gui.graph.far import FarPicture
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.graph.number_spin import NumberSpin
from gradlab.gui.theme import LIGHT, PROJECTOR
from gradlab.lessons.schema import MAX_NETWORK_NODES, NetworkScene
from gradlab.state.graph.network_session import NetworkSession, build_network
from gradlab.state.graph.session import GraphSession

pytestmark = pytest.mark.gui

WAIT_MS = 60_000
"""A worker process is spawned and imports SymPy on first use: seconds on a busy machine."""


def show(qtbot: QtBot, lab: GraphLab) -> GraphLab:
    qtbot.addWidget(lab)
    lab.resize(1200, 700)
    lab.show()
    qtbot.waitExposed(lab)
    qtbot.waitUntil(lambda: lab.view.up_to_date, timeout=WAIT_MS)
    return lab


def test_typing_never_turns_a_half_typed_prefix_into_the_graph(qtbot: QtBot) -> None:
    lab = show(qtbot, GraphLab(GraphSession("f = x * 2", {"x": 1.0}), LIGHT))
    editing = lab.editing
    assert editing is not None
    editing.editor.setFocus()
    editing.editor.selectAll()
    # "f = 1e30" parses on the way, but typing goes on: it is never built
    qtbot.keyClicks(editing.editor, "f = 1e308*x*10")
    assert editing.typing_pending
    assert lab.session.expression == "f = x * 2"
    qtbot.waitUntil(lambda: not editing.typing_pending)
    assert lab.session.program.text == "f = x * 2"  # the graph that worked before typing
    assert editing.error.isVisible()
    assert "number too large" in editing.error.text()
    assert "the last expression that worked: f = x * 2" in editing.error.text()
    assert not editing.inputs.isEnabled()  # values cannot rebuild a program not shown
    editing.editor.selectAll()
    qtbot.keyClicks(editing.editor, "f = x*1e200*1e200*x")
    QTest.keyClick(editing.editor, Qt.Key.Key_Return)  # Enter builds at once
    assert "1e200 · 1e200 overflows a 64-bit float" in editing.error.text()


def test_spin_boxes_take_tiny_steps_and_print_no_separators(qtbot: QtBot) -> None:
    spin = NumberSpin()
    qtbot.addWidget(spin)
    spin.lineEdit().setText("1e-5")
    spin.interpretText()
    assert spin.value() == 1e-5
    assert spin.text() == "1e-05"
    spin.setValue(6002.0)
    assert spin.text() == "6002"


def test_the_check_runs_in_the_background_with_progress_and_cancel(qtbot: QtBot) -> None:
    layers = "; ".join(
        ["h0 = tanh(x*w0 + b0)"] + [f"h{i} = tanh(h{i - 1}*w{i} + b{i})" for i in range(1, 160)]
    )
    session = GraphSession(layers, {"x": 0.5})
    assert not session.auto_check  # 641 nodes: checked on request
    lab = show(qtbot, GraphLab(session, LIGHT))
    assert lab.checks.run.isVisible()
    lab.checks.run.click()
    qtbot.waitUntil(lab.checks.cancel.isVisible, timeout=WAIT_MS)
    lab.checks.cancel.click()
    assert not session.checking
    assert lab.checks.run.isVisible()
    lab.checks.run.click()
    qtbot.waitUntil(lambda: session.report_ready, timeout=WAIT_MS)
    assert "agree" in lab.checks.status.text()
    assert len(lab.checks.rows.text(0, 4)) <= 60  # the derivative column shows a short form
    assert lab.checks.rows.tip(0, 4) == session.report.leaf("x").formula  # type: ignore[union-attr]


def test_micrograds_10000_node_graph_opens_collapsed_and_opens_level_by_level(
    qtbot: QtBot,
) -> None:
    scene = NetworkScene(values="scalar", layers=[2, 16, 16, 1], points=16, activation="relu")
    session = build_network(scene)
    assert isinstance(session, NetworkSession)
    assert len(session.full.nodes) == 10_676
    lab = show(qtbot, GraphLab(session, LIGHT))
    assert lab.groups is not None
    stated = lab.groups.label.text()
    assert "10,676 nodes" in stated
    assert f"at most {MAX_NETWORK_NODES:,}" in stated  # the limit, and what collapses
    assert "5 shown" in stated  # how much is shown
    assert "press Enter" in stated  # and how to open a group without the mouse
    assert "a layer as its neurons, a neuron as its nodes" in lab.groups.label.toolTip()
    names = sorted(item.title for item in lab.view.values.values())
    assert names == ["inputs  16×2", "layer 1  16×16", "layer 2  16×16", "layer 3  16×1", "loss"]
    layer = next(i for i, item in lab.view.values.items() if item.title.startswith("layer 2"))
    lab.view.node_clicked.emit(layer)
    assert session.busy  # summarised in a thread of its own
    qtbot.waitUntil(lambda: not session.busy and lab.view.up_to_date, timeout=WAIT_MS)
    neurons = [item.title for item in lab.view.values.values() if item.title.startswith("neuron")]
    assert len(neurons) == 16
    neuron = next(i for i, item in lab.view.values.items() if item.title.startswith("neuron 3"))
    lab.view.node_clicked.emit(neuron)
    qtbot.waitUntil(lambda: not session.busy and lab.view.up_to_date, timeout=WAIT_MS)
    assert "layer 2 › neuron 3" in lab.groups.label.text()
    player = session.player
    player.step_forward()
    player.to_end()
    assert "Backward" in lab.explanation.toPlainText()
    lab.groups.close_all.click()
    qtbot.waitUntil(lambda: not session.busy and lab.view.up_to_date, timeout=WAIT_MS)
    assert len(lab.view.values) == 5
    assert player.at_end  # closing kept the place: the end of the backward pass


def test_tensor_nodes_carry_heatmaps_of_their_data_and_grad(qtbot: QtBot) -> None:
    scene = NetworkScene(values="tensor", layers=[2, 4, 1], points=3)
    lab = show(qtbot, GraphLab(build_network(scene), LIGHT))
    w1 = next(item for item in lab.view.values.values() if item.title.startswith("W1"))
    assert w1.maps == (None, None)
    lab.session.player.to_end()
    assert w1.maps[0] is not None
    assert (w1.maps[0].width(), w1.maps[0].height()) == (4, 2)  # one pixel per entry
    assert w1.maps[1] is not None
    assert any(
        "copied to each of the 3 rows" in line
        for position in range(len(lab.session.trace) + 1)
        for line in _explained(lab, position)
    )


def _explained(lab: GraphLab, position: int) -> list[str]:
    lab.session.player.seek(position)
    return lab.explanation.toPlainText().splitlines()


def test_edge_labels_lie_under_the_edges(qtbot: QtBot) -> None:
    lab = show(qtbot, GraphLab(GraphSession("b = a + a; c = b * b", {"a": 1.0}), LIGHT))
    edges = {item.zValue() for item in lab.view.edges.values()}
    labels = {item.zValue() for item in lab.view.edge_labels.values()}
    assert max(labels) < min(edges)
    first, second = (lab.view.edges[f"e1.{k}"].path for k in (0, 1))
    assert first.pointAtPercent(0.5) != second.pointAtPercent(0.5)  # a + a: two lines


def chain(layers: int) -> str:
    lines = ["h0 = tanh(x*w0 + b0)"]
    lines += [f"h{i} = tanh(h{i - 1}*w{i} + b{i})" for i in range(1, layers)]
    return "; ".join(lines)


def test_far_out_a_big_graph_is_one_picture_that_still_steps_and_clicks(qtbot: QtBot) -> None:
    lab = show(qtbot, GraphLab(GraphSession(chain(40)), LIGHT))
    view = lab.view
    assert view.far  # 201 nodes fitted into 1,200 pixels: text would be a pixel high
    assert view.far_hint.isVisible()
    assert not any(item.isVisible() for item in view.values.values())
    pictures = [item for item in view.scene().items() if isinstance(item, FarPicture)]
    assert len(pictures) == 1
    assert pictures[0].isVisible()
    player = lab.session.player
    player.seek(5)
    active = player.snapshot().active
    assert active is not None
    marker = next(i for i in view.scene().items() if isinstance(i, QGraphicsRectItem))
    assert marker.isVisible()
    assert marker.rect() == view.values[active].rect
    # a click on a node's box finds it, though only the picture is drawn
    target = view.values[active]
    point = view.mapFromScene(target.rect.center())
    with qtbot.waitSignal(view.node_clicked) as clicked:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [active]
    # an export is read close up: every item is drawn into it, and hidden again after
    image = view.render_image(0.25)
    assert not image.isNull()
    assert not any(item.isVisible() for item in view.values.values())
    # zoomed in, the items come back and the picture goes
    view.zoom_by(60.0)
    assert not view.far
    assert not view.far_hint.isVisible()
    assert not pictures[0].isVisible()
    assert all(item.isVisible() for item in view.values.values())
    assert not marker.isVisible()


def test_a_new_graph_is_shown_only_when_all_its_items_are_made(qtbot: QtBot) -> None:
    lab = show(qtbot, GraphLab(GraphSession(chain(30)), LIGHT))
    view = lab.view
    first = view.scene()
    assert lab.editing is not None
    lab.editing.editor.setText(chain(31))
    lab.editing.commit()
    assert view.scene() is first  # the last graph stays in view while the next is made
    assert not view.up_to_date
    qtbot.waitUntil(lambda: view.up_to_date, timeout=WAIT_MS)
    assert view.scene() is not first
    assert len(view.values) == len(lab.session.trace.nodes)
    # the old scene is taken apart a slice at a time, and goes
    qtbot.waitUntil(lambda: not view.teardown.busy, timeout=WAIT_MS)


def test_the_editor_states_the_size_limit_and_when_the_check_waits(qtbot: QtBot) -> None:
    lab = show(qtbot, GraphLab(GraphSession("f = x * y"), LIGHT))
    assert lab.editing is not None
    note = lab.editing.size_note
    assert note.text() == f"3 of at most {MAX_NODES:,} nodes"
    lab.editing.editor.setText(chain(90))  # 451 nodes: more than are checked after each edit
    lab.editing.commit()
    qtbot.waitUntil(lambda: lab.view.up_to_date and "451" in note.text(), timeout=WAIT_MS)
    assert "checked on request" in note.text()


def test_enter_opens_the_group_the_step_is_on_and_backspace_closes_it(qtbot: QtBot) -> None:
    """A lecturer with a clicker and a keyboard opens groups without the mouse."""
    scene = NetworkScene(values="scalar", layers=[2, 4, 1], points=2, activation="relu")
    session = build_network(scene)
    assert isinstance(session, NetworkSession)
    lab = show(qtbot, GraphLab(session, LIGHT))
    assert lab.groups is not None
    lab.activateWindow()
    qtbot.waitUntil(lab.isActiveWindow)  # shortcuts only reach the active window
    lab.view.setFocus()
    # offscreen, QAction shortcuts fire only for keys sent to the QWindow
    QTest.keyClick(lab.windowHandle(), Qt.Key.Key_Return)  # at the start no step is on a group
    assert session.opened == frozenset()
    player = session.player
    titles = {i: item.title for i, item in lab.view.values.items()}
    while not titles.get(player.snapshot().active, "").startswith("layer 1"):  # type: ignore[arg-type]
        player.step_forward()
    QTest.keyClick(lab.windowHandle(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not session.busy and lab.view.up_to_date, timeout=WAIT_MS)
    assert session.opened == frozenset({("layer 1",)})
    assert sum(item.title.startswith("neuron") for item in lab.view.values.values()) == 4
    QTest.keyClick(lab.windowHandle(), Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not session.busy and lab.view.up_to_date, timeout=WAIT_MS)
    assert session.opened == frozenset()


def test_the_group_bar_grows_on_the_projector_theme(qtbot: QtBot) -> None:
    scene = NetworkScene(values="scalar", layers=[2, 4, 1], points=2, activation="relu")
    lab = show(qtbot, GraphLab(build_network(scene), LIGHT))
    assert lab.groups is not None
    small = lab.groups.label.font().pointSizeF()
    lab.apply_theme(PROJECTOR.presenting_as(True))
    assert lab.groups.label.font().pointSizeF() >= 1.2 * small
    assert lab.groups.close_all.font().pointSizeF() >= 1.2 * small
