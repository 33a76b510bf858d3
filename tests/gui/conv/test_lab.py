"""The conv lab follows its ConvScrubber: highlighted window, readout, clicks, controls, themes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from gradlab.gui.conv.grid import GridView
from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.scenes import make_view
from gradlab.gui.theme import LIGHT, PROJECTOR, Theme
from gradlab.lessons import ConvScene
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.conv.settings import ConvSettings
from gradlab.state.session import build_scene

pytestmark = pytest.mark.gui


def make_lab(qtbot: QtBot, scrubber: ConvScrubber | None = None, theme: Theme = LIGHT) -> ConvLab:
    lab = ConvLab(scrubber if scrubber is not None else ConvScrubber(), theme)
    qtbot.addWidget(lab)
    lab.resize(1400, 800)
    lab.show()
    qtbot.waitExposed(lab)
    return lab


def test_the_view_follows_the_scrubber(qtbot: QtBot, qt_warnings: list[str]) -> None:
    lab = make_lab(qtbot)
    s = lab.scrubber
    s.set_padding(1)
    view = lab.view
    assert lab.step_cursor is s
    assert view.readout.text() == "Step forward (→) or click an output cell."
    for position in (1, 2, 10, s.length, 5):
        s.seek(position)
        record = s.current()
        assert record is not None
        grid = view.inputs.grids[0]
        expected = {(t.cell.row, t.cell.col) for t in record.terms}
        assert grid.window_cells == expected
        assert grid.padding == 1
        assert view.outputs.grids[0].current == (record.row, record.col)
        pending = view.outputs.grids[0].pending
        assert pending is not None
        assert int((~pending).sum()) == position
        assert view.readout.text() == s.readout()
    # the top-left window reads padding cells (outside the 8×8 input)
    s.seek(1)
    assert (-1, -1) in view.inputs.grids[0].window_cells


def test_slides_example_numbers_in_the_view(qtbot: QtBot) -> None:
    scrubber = ConvScrubber.from_scene(ConvScene(input="slides-8x8", kernel="slides-3x3"))
    lab = make_lab(qtbot, scrubber)
    x = torch.tensor(scrubber.input_array[None])
    w = torch.tensor(scrubber.weight)
    expected = torch.nn.functional.conv2d(x, w).numpy()[0, 0]
    shown = lab.view.grid_values()
    assert shown["output"][0].shape == (6, 6)
    np.testing.assert_array_equal(shown["output"][0], expected)
    scrubber.step_forward()
    assert lab.view.readout.text() == (
        "1·(-1) + 0·0 + 1·1 + 0·(-2) + 1·1 + 0·2 + 0·(-3) + 0·0 + 1·3 = 4"
    )
    assert "= 6" in lab.view.formula.text()


def test_clicking_an_output_cell_jumps_to_its_window(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    grid = lab.view.outputs.grids[0]
    center = grid.cell_rect(3, 4).center().toPoint()
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, pos=center)
    record = lab.scrubber.current()
    assert record is not None
    assert (record.row, record.col) == (3, 4)
    assert grid.current == (3, 4)
    assert (3, 4) in lab.view.inputs.grids[0].window_cells
    assert (5, 6) in lab.view.inputs.grids[0].window_cells


@pytest.mark.parametrize(
    ("mode", "expected", "winner"),
    [("pool-max", [[20, 30], [112, 37]], (2, 2)), ("pool-avg", [[13, 8], [79, 19.5]], None)],
)
def test_pooling_marks_the_winner(
    qtbot: QtBot, mode: str, expected: list[list[float]], winner: tuple[int, int] | None
) -> None:
    scene = ConvScene(input="pooling-4x4", kernel=[[1, 1], [1, 1]], stride=2, mode=mode)  # type: ignore[arg-type]
    lab = make_lab(qtbot, ConvScrubber.from_scene(scene))
    assert lab.view.grid_values()["output"][0].tolist() == expected
    assert not lab.view.kernels.isVisibleTo(lab)
    lab.scrubber.to_end()
    assert lab.view.inputs.grids[0].winner == winner
    assert lab.view.inputs.grids[0].window_cells == {(2, 2), (2, 3), (3, 2), (3, 3)}


@pytest.mark.parametrize(
    ("asked", "hidden"),
    [("output_size", "outputs"), ("output", "outputs"), ("grad_input", "dinputs"),
     ("grad_weight", "dweights")],
)  # fmt: skip
def test_a_quiz_hides_the_grids_that_show_its_answer(qtbot: QtBot, asked: str, hidden: str) -> None:
    lab = make_lab(qtbot, ConvScrubber(ConvSettings(mode="backward", upstream="random")))
    view = lab.view
    columns = ("outputs", "dinputs", "dweights")
    view.hide_answer_of(asked)
    lab.scrubber.to_end()  # stepping on keeps it hidden
    assert {c: getattr(view, c).isVisibleTo(lab) for c in columns} == {
        c: c != hidden for c in columns
    }
    assert view.unknown.isVisibleTo(lab) == (hidden == "outputs")
    assert view.formula.isVisibleTo(lab) == (asked != "output_size")
    view.hide_answer_of(None)  # answered or revealed: everything comes back
    assert all(getattr(view, c).isVisibleTo(lab) for c in columns)
    assert not view.unknown.isVisibleTo(lab)


def test_backward_mode_shows_autograd_grads(qtbot: QtBot) -> None:
    settings = ConvSettings(mode="backward", upstream="random", in_channels=2, padding=1, seed=3)
    lab = make_lab(qtbot, ConvScrubber(settings))
    s = lab.scrubber
    assert lab.view.backward_row.isVisibleTo(lab)
    x = torch.tensor(s.input_array[None], requires_grad=True)
    w = torch.tensor(s.weight, requires_grad=True)
    upstream = s.upstream
    assert upstream is not None
    torch.nn.functional.conv2d(x, w, padding=1).backward(torch.tensor(upstream[None]))
    assert x.grad is not None
    assert w.grad is not None
    s.to_end()
    shown = lab.view.grid_values()
    for c in range(2):
        np.testing.assert_allclose(shown["dW"][c], w.grad.numpy()[0, c], atol=1e-12)
        np.testing.assert_allclose(shown["dX"][c], x.grad.numpy()[0, c], atol=1e-12)
    s.to_start()
    assert not any(grid.any() for grid in lab.view.grid_values()["dW"])
    s.seek(1)
    assert "∂L/∂W (channel 1) += g · window" in lab.view.readout.text()


def test_controls_drive_the_scrubber_and_errors_show(qtbot: QtBot, qt_warnings: list[str]) -> None:
    lab = make_lab(qtbot)
    controls, s = lab.controls, lab.scrubber
    controls.stride.setValue(2)
    assert s.settings.stride == 2
    assert lab.view.grid_values()["output"][0].shape == (3, 3)
    controls.kernel_choice.setCurrentText("sobel-x")
    assert s.weight[0, 0].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert controls.kernel_text.text() == "-1 0 1; -2 0 2; -1 0 1"
    controls.kernel_text.setText("1 2; x 4")
    controls.kernel_text.setModified(True)
    controls.kernel_text.editingFinished.emit()
    assert lab.view.error.isVisibleTo(lab)
    assert lab.view.error.text() == "kernel row 2: 'x' is not a number"
    controls.kernel_text.setText("1 2; 3 4")
    controls.kernel_text.setModified(True)
    controls.kernel_text.editingFinished.emit()
    assert not lab.view.error.isVisibleTo(lab)
    assert s.settings.kernel_name == "typed"
    assert controls.kernel_choice.currentText() == "typed"
    controls.dilation.setValue(8)
    assert "larger than the padded input" in lab.view.error.text()
    assert lab.view.grid_values()["output"] == []
    controls.dilation.setValue(1)
    controls.mode.setCurrentText("backward")
    assert controls._form.isRowVisible(controls.upstream)
    assert lab.view.backward_row.isVisibleTo(lab)
    controls.input_choice.setCurrentText("mnist-digit")
    assert controls._form.isRowVisible(controls.digit)
    assert s.input_array.shape == (1, 28, 28)


def test_a_28x28_input_is_an_image_with_values_on_hover(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.scrubber.set_input("mnist-digit")
    lab.scrubber.set_kernel("vertical-edge-5x5")
    lab.scrubber.seek(100)
    QApplication.processEvents()
    grid = lab.view.inputs.grids[0]
    assert not grid.shows_numbers()
    assert lab.view.kernels.grids[0].shows_numbers()
    row, col = 14, 9
    point = grid.cell_rect(row, col).center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, point, grid.mapToGlobal(point))
    QApplication.sendEvent(grid, event)
    value = lab.scrubber.input_array[0, row, col]
    assert QToolTip.text().endswith(f"({row}, {col}) = {value:.6g}")
    QToolTip.hideText()
    QApplication.sendEvent(grid, QHelpEvent(QEvent.Type.ToolTip, QPoint(1, 1), QPoint(1, 1)))


def test_presentation_and_themes(qtbot: QtBot, qt_warnings: list[str]) -> None:
    lab = make_lab(qtbot)
    lab.scrubber.seek(8)
    normal = lab.view.inputs.grids[0].cell_size()
    lab.apply_theme(PROJECTOR)
    lab.resize(1920, 1080)
    lab.set_presentation(True)
    QApplication.processEvents()
    assert not lab.sidebar.isVisibleTo(lab)
    assert lab.export_widget() is lab.view
    grid = lab.view.inputs.grids[0]
    assert grid.shows_numbers()
    assert grid.cell_size() > normal
    assert lab.view.readout.font().pointSizeF() >= 12 * PROJECTOR.font_scale
    assert not lab.export_widget().grab().isNull()
    lab.set_presentation(False)
    assert lab.sidebar.isVisibleTo(lab)


def test_the_scene_factory_builds_the_conv_lab(qtbot: QtBot) -> None:
    scene = ConvScene(input="slides-8x8", kernel="sobel-y", padding=1)
    view = make_view(build_scene(scene), LIGHT)
    qtbot.addWidget(view)
    assert isinstance(view, ConvLab)
    cursor = view.step_cursor
    assert cursor is not None
    assert cursor.length == 64


def test_a_digit_stays_an_image_on_a_projector(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, theme=PROJECTOR)
    lab.resize(1920, 1080)
    lab.set_presentation(True)
    lab.scrubber.set_input("mnist-digit")
    lab.scrubber.set_kernel("vertical-edge-5x5")
    QApplication.processEvents()
    assert not lab.view.inputs.grids[0].shows_numbers()
    kernel = lab.view.kernels.grids[0]
    assert kernel.shows_numbers()
    # the kernel's numbers are large enough for the back row
    assert kernel.number_font(kernel.cell_size()).pixelSize() >= 20


def test_flip_shows_the_turned_kernel(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.controls.flip.setChecked(True)
    grid = lab.view.kernels.grids[0]
    assert grid.title == "flipped kernel"
    assert grid.values.tolist() == [[3, 0, -3], [2, 1, -2], [1, 0, -1]]
    assert "cross-correlation" in lab.view.note.text()
    lab.scrubber.step_forward()
    assert lab.view.readout.text().startswith("1·3 + 0·0 + 1·(-3)")


def test_settings_that_do_not_fit_keep_the_lab_alive(qtbot: QtBot) -> None:
    lab = make_lab(qtbot)
    lab.controls.stride.setValue(0)
    assert lab.view.error.text() == "Does not fit: stride must be at least 1, got (0, 0)"
    assert lab.view.readout.text() == ""
    assert lab.scrubber.length == 0
    lab.controls.stride.setValue(3)
    assert lab.view.error.isHidden()
    assert lab.view.grid_values()["output"][0].shape == (2, 2)


def test_an_error_while_syncing_leaves_the_controls_responsive(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = make_lab(qtbot)
    controls = lab.controls

    def broken(_text: str) -> str:
        raise RuntimeError("a bug while showing the settings")

    monkeypatch.setattr("gradlab.gui.conv.lab._one_line", broken)
    with pytest.raises(RuntimeError):
        controls.sync()
    monkeypatch.undo()
    assert not controls.stride.signalsBlocked()
    # the controls still speak: an edit reaches the scrubber and the view
    controls.stride.setValue(2)
    assert lab.scrubber.settings.stride == 2
    controls.mode.setCurrentText("backward")
    assert lab.scrubber.settings.mode == "backward"
    assert lab.view.backward_row.isVisibleTo(lab)


BACKWARD_STEP = ConvScene(
    input=[[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 0], [1, 1, 0, 2]],
    kernel=[[1, -1], [0, 2]],
    mode="backward",
    upstream=[[1, 0, -1], [2, 1, 0], [0, 1, 1]],
)


def presenting_lab(qtbot: QtBot, scene: ConvScene, width: int, height: int) -> ConvLab:
    lab = make_lab(qtbot, ConvScrubber.from_scene(scene), theme=PROJECTOR.presenting_as(True))
    lab.set_presentation(True)
    lab.resize(width, height)
    QApplication.processEvents()
    return lab


def shown_grids(lab: ConvLab) -> list[GridView]:
    columns = lab.view._columns()
    return [grid for column in columns for grid in column.grids if grid.isVisibleTo(lab)]


def test_a_short_wide_view_sets_the_backward_row_beside_the_forward_one(qtbot: QtBot) -> None:
    """Under a quiz on a 1024×768 projector the scene has about 280 pixels: stacked, the rows'
    cells were too small for numbers; side by side every grid shows its numbers, at one size."""
    lab = presenting_lab(qtbot, BACKWARD_STEP, 1024, 280)
    view = lab.view
    assert view.rows_side_by_side()
    grids = shown_grids(lab)
    assert len(grids) == 6
    assert all(grid.shows_numbers() for grid in grids)
    sizes = {round(grid.cell_size(), 1) for grid in grids}
    assert len(sizes) == 1
    assert sizes.pop() >= 40
    # the backward row stands to the right of the output, nothing overlaps
    output, upstream = view.outputs.grids[0], view.upstreams.grids[0]
    right = output.mapTo(view, output.cell_rect(0, 2).topRight().toPoint()).x()
    assert upstream.mapTo(view, upstream.cell_rect(0, 0).topLeft().toPoint()).x() > right
    # a tall view stacks them again, each row with its own cell size
    lab.resize(1024, 760)
    QApplication.processEvents()
    assert not view.rows_side_by_side()
    assert view.upstreams.grids[0].group is not view.outputs.grids[0].group
    assert all(grid.shows_numbers() for grid in shown_grids(lab))


def test_a_growing_readout_can_move_the_rows(qtbot: QtBot) -> None:
    """The readout's three lines while stepping take height from the grids: the arrangement
    follows, and the numbers stay."""
    lab = presenting_lab(qtbot, BACKWARD_STEP, 1024, 330)
    lab.scrubber.seek(4)
    QApplication.processEvents()
    assert lab.view.readout.text().count("\n") == 2
    assert lab.view.rows_side_by_side()
    assert all(grid.shows_numbers() for grid in shown_grids(lab))


def test_a_projector_shows_the_formula_with_this_steps_numbers(qtbot: QtBot) -> None:
    scene = ConvScene(input=[[1, 2], [3, 4]], kernel="slides-3x3", stride=2, mode="transpose")
    lab = presenting_lab(qtbot, scene, 1024, 460)
    formula = lab.view.formula
    assert formula.isVisibleTo(lab)
    assert formula.text() == "rows and cols: (2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5"
    assert formula.toolTip().startswith("output size per axis: (n − 1)·s")
    assert "read as a convolution" in formula.toolTip()
    # the stretched 7×7 input, mostly zeros, shows its numbers
    assert lab.view.inputs.grids[0].shows_numbers()
    # beside the grids on a 1080p projector there is room for all of it
    lab.resize(1920, 700)
    QApplication.processEvents()
    assert formula.text().startswith("output size per axis")
    assert formula.toolTip() == ""
    lab.set_presentation(False)
    assert formula.text().startswith("output size per axis")


def test_grid_titles_do_not_grow_while_presenting(qtbot: QtBot) -> None:
    lab = make_lab(qtbot, ConvScrubber.from_scene(BACKWARD_STEP), theme=PROJECTOR)
    grid = lab.view.inputs.grids[0]
    title, cell = grid.title_height(), grid.sizeHint().height() - grid.title_height()
    lab.apply_theme(PROJECTOR.presenting_as(True))
    assert grid.title_height() == title
    assert grid.sizeHint().height() - grid.title_height() > cell
    # one filter, one channel: the gradients' titles name no filter nor channel
    assert lab.view.upstreams.grids[0].title == "∂L/∂y"
    assert lab.view.dinputs.grids[0].title == "∂L/∂X"
