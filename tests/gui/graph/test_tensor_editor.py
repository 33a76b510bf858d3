"""A tensor graph typed into the graph lab's editor: inputs as small editable tables, shapes on
the nodes, stepping forward and backward to torch's grads, shape errors inline, and the check
entry by entry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gradlab.gui.graph.array_input import EDITABLE_ENTRIES, ArrayInput
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.graph.panels import NOT_CHECKED
from gradlab.gui.theme import LIGHT
from gradlab.state.graph.session import GraphSession

pytestmark = pytest.mark.gui

WAIT_MS = 60_000
MLP = (
    "X: (3, 2); W1: (2, 4); b1: (4,); W2: (4, 1); b2: (1,); Y: (3, 1); "
    "h = tanh(X @ W1 + b1); out = h @ W2 + b2; L = mean((out - Y) ** 2)"
)


def show(qtbot: QtBot) -> GraphLab:
    lab = GraphLab(GraphSession("q = x + y; f = q * z", {"x": -2.0, "y": 5.0, "z": -4.0}), LIGHT)
    qtbot.addWidget(lab)
    lab.resize(1400, 850)
    lab.show()
    qtbot.waitExposed(lab)
    qtbot.waitUntil(lambda: lab.view.up_to_date, timeout=WAIT_MS)
    return lab


def type_program(qtbot: QtBot, lab: GraphLab, text: str) -> None:
    assert lab.editing is not None
    editor = lab.editing.editor
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    inputs = lab.editing.inputs
    qtbot.waitUntil(lambda: lab.view.up_to_date and inputs.complete, timeout=WAIT_MS)


def torch_grads(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    t = {k: torch.tensor(np.asarray(v, dtype=float), requires_grad=True) for k, v in values.items()}
    h = torch.tanh(t["X"] @ t["W1"] + t["b1"])
    ((h @ t["W2"] + t["b2"] - t["Y"]) ** 2).mean().backward()
    return {k: v.grad.numpy() for k, v in t.items() if v.grad is not None}


def test_an_mlp_typed_in_the_editor_steps_to_torchs_grads(qtbot: QtBot) -> None:
    lab = show(qtbot)
    type_program(qtbot, lab, MLP)
    session = lab.session
    assert isinstance(session, GraphSession)
    assert session.tensor
    assert lab.editing is not None
    inputs = lab.editing.inputs
    assert inputs.spins == {}
    assert {name: cell.shape for name, cell in inputs.arrays.items()} == {
        "X": (3, 2), "W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,), "Y": (3, 1),
    }  # fmt: skip
    titles = {item.title for item in lab.view.values.values()}
    assert {"X  3×2", "W1  2×4", "h  3×4", "out  3×1", "L"} <= titles
    player = session.player
    for _ in range(player.forward_length):
        player.step_forward()
    assert "Forward: L" in lab.explanation.toPlainText()
    steps = 0
    while not player.at_end:
        player.step_forward()
        steps += 1
        assert "Backward" in lab.explanation.toPlainText()
    assert steps == len(session.trace.backward)
    grads = session.trace.snapshot(len(session.trace)).grads
    expected = torch_grads(session.inputs)
    for node in session.trace.nodes:
        if node.label in expected:
            np.testing.assert_allclose(np.asarray(grads[node.id]), expected[node.label], rtol=1e-12)
    w2 = next(item for item in lab.view.values.values() if item.title.startswith("W2"))
    assert w2.maps[1] is not None  # its grad as a heatmap


def test_a_table_cell_edit_rebuilds_and_a_bad_one_goes_back(qtbot: QtBot) -> None:
    lab = show(qtbot)
    type_program(qtbot, lab, MLP)
    assert lab.editing is not None
    b1 = lab.editing.inputs.arrays["b1"]
    assert b1.table is not None
    item = b1.table.item(0, 2)
    assert item is not None
    item.setText("0.5")
    assert lab.session.inputs["b1"][2] == 0.5
    assert lab.session.modified
    before = np.array(lab.session.inputs["b1"])
    item.setText("not a number")
    assert item.text() == "0.5"
    np.testing.assert_array_equal(lab.session.inputs["b1"], before)


def test_a_big_input_is_a_heatmap_not_a_table(qtbot: QtBot) -> None:
    lab = show(qtbot)
    type_program(qtbot, lab, "X: (20, 10); w: 10; f = mean(tanh(X @ w))")
    assert lab.editing is not None
    big: ArrayInput = lab.editing.inputs.arrays["X"]
    assert big.values.size > EDITABLE_ENTRIES
    assert big.table is None
    assert big.picture is not None
    assert big.picture.pixmap().width() > 0
    assert lab.editing.inputs.arrays["w"].table is not None


def test_a_shape_error_is_shown_inline_and_the_graph_stays(qtbot: QtBot) -> None:
    lab = show(qtbot)
    type_program(qtbot, lab, MLP)
    nodes = len(lab.session.trace.nodes)
    assert lab.editing is not None
    type_program(qtbot, lab, MLP.replace("X @ W1", "W1 @ X"))
    message = lab.editing.error.text()
    assert lab.editing.error.isVisible()
    assert "line 1, column" in message
    assert "W1 (2×4) @ X (3×2): inner sizes 4 and 3 differ" in message
    assert len(lab.session.trace.nodes) == nodes
    assert not lab.editing.inputs.isEnabled()


def test_the_check_compares_each_entry_with_finite_differences(qtbot: QtBot) -> None:
    lab = show(qtbot)
    type_program(qtbot, lab, MLP)
    qtbot.waitUntil(lambda: lab.session.report_ready, timeout=WAIT_MS)
    assert "autograd and finite differences agree" in lab.checks.status.text()
    rows = lab.checks.rows
    assert rows.rowCount() == 26
    assert rows.text(0, 0) == "X[0, 0]"
    assert rows.text(0, 2) == NOT_CHECKED


def test_the_docs_state_how_large_an_input_can_be_edited() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "expressions.md"
    assert f"more than {EDITABLE_ENTRIES} entries are shown as a heatmap" in docs.read_text("utf-8")
