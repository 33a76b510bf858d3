"""Session (lessons, steps, reload), quiz answers from the engine, plot samples vs SymPy/torch."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from gradlab.lessons import GraphScene, PlotScene, Quiz, Step, discover, lessons_folder
from gradlab.state.graph.plot import PlotState
from gradlab.state.graph.session import GraphSession
from gradlab.state.quiz import QuizState, read_number
from gradlab.state.session import SCENE_BUILDERS, Session

DATA = Path(__file__).parents[1] / "lessons" / "data"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(DATA / "01-chain-rule.toml", tmp_path / "01-chain-rule.toml")
    (tmp_path / "02-broken.toml").write_text('id = "broken"\ntitle = ', encoding="utf-8")
    return tmp_path


def test_navigation_and_signals(folder: Path) -> None:
    session = Session.from_folder(folder)
    lessons: list[int] = []
    steps: list[int] = []
    session.lesson_changed.connect(lessons.append)
    session.step_changed.connect(steps.append)
    session.open_lesson(0, step=99)
    assert session.step_index == 4  # clamped to the last of 5 steps
    assert not session.next_step()
    assert session.previous_step()
    session.go_to_step(-3)
    assert (lessons, steps) == ([0], [4, 3, 0])


def test_broken_lesson_keeps_its_error_and_the_others_work(folder: Path) -> None:
    session = Session.from_folder(folder)
    broken = session.entries[1]
    assert broken.lesson is None
    assert broken.error is not None
    assert "02-broken.toml" in str(broken.error)
    session.open_lesson(1)
    assert session.build_step() is None
    session.open_lesson(0)
    state = session.build_step()
    assert state is not None
    assert isinstance(state.scene, GraphSession)


def test_graph_step_starts_where_the_lesson_says(folder: Path) -> None:
    session = Session.from_folder(folder)
    session.open_lesson(0, step=1)  # cursor = "forward": every value, no grad yet
    state = session.build_step()
    assert state is not None
    assert isinstance(state.scene, GraphSession)
    snapshot = state.scene.player.snapshot()
    assert snapshot.values == (-2.0, 5.0, 3.0, -4.0, -12.0)
    assert all(grad is None for grad in snapshot.grads)


def test_reload_when_the_file_changes(folder: Path) -> None:
    session = Session.from_folder(folder)
    session.open_lesson(0, step=3)
    opened: list[int] = []
    session.lesson_changed.connect(opened.append)
    assert session.reload_changed() == []
    path = folder / "01-chain-rule.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("node by node", "edited"), encoding="utf-8"
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert session.reload_changed() == [0]
    assert opened == [0]
    assert session.entries[0].title == "The chain rule, edited"
    assert session.step_index == 3
    path.write_text("title = ", encoding="utf-8")
    assert session.reload_changed() == [0]
    assert session.entries[0].error is not None


def test_set_folder(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    session = Session.from_folder(folder)
    empty = tmp_path_factory.mktemp("empty")
    changed: list[bool] = []
    session.lessons_changed.connect(lambda: changed.append(True))
    session.set_folder(empty)
    assert session.entries == []
    assert session.entry is None
    assert changed == [True]


def chain_step(quiz: Quiz) -> Step:
    return Step(
        text="t",
        graph={"expression": "q = x + y; f = q * z", "inputs": {"x": -2, "y": 5, "z": -4}},
        quiz=quiz,
    )


@pytest.mark.parametrize(
    ("ask", "node", "answer"),
    [("grad", "x", -4), ("grad", "y", -4), ("grad", "z", 3), ("grad", "q", -4), ("value", "q", 3)],
)
def test_quiz_answers_come_from_the_engine(ask: str, node: str, answer: float) -> None:
    quiz = QuizState(Quiz(ask=ask, node=node), chain_step(Quiz(ask=ask, node=node)))
    assert quiz.answer == answer
    assert quiz.check(str(answer)).correct
    assert not quiz.check(str(answer + 1)).correct
    assert quiz.reveal() == str(answer)


def test_quiz_output_size_uses_the_window_geometry() -> None:
    step = Step(
        text="t",
        conv={"input": "slides-8x8", "kernel": "slides-3x3", "padding": 1, "stride": 2},
        quiz={"ask": "output_size"},
    )
    assert step.quiz is not None
    assert QuizState(step.quiz, step).answer == (8 + 2 - 3) // 2 + 1


def test_quiz_reads_numbers_people_type() -> None:
    assert read_number(" −4 ") == -4
    assert read_number("0,25") == 0.25
    assert read_number("1/4") == 0.25
    for text in ("", "four", "1/0", "nan", "inf", "__import__('os')"):
        assert read_number(text) is None


def test_plot_matches_torch_autograd() -> None:
    scene = PlotScene(
        functions=["sigmoid", "tanh", "relu", "x**2 - 1"], x_range=[-3, 3], samples=61
    )
    state = PlotState(scene)
    xs = torch.tensor(state.curves[0].xs, requires_grad=True)
    outputs = [torch.sigmoid(xs), torch.tanh(xs), torch.relu(xs), xs**2 - 1]
    for curve, out in zip(state.curves, outputs, strict=True):
        (slope,) = torch.autograd.grad(out.sum(), xs)
        np.testing.assert_allclose(curve.ys, out.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(curve.slopes, slope.numpy(), atol=1e-12)
    assert state.curves[1].derivative_formula == "1 - tanh(x)**2"
    assert state.curves[3].derivative_formula == "2*x"


def test_plot_leaves_gaps_where_undefined() -> None:
    state = PlotState(PlotScene(functions=["log"], x_range=[-1, 1], samples=21))
    curve = state.curves[0]
    assert all(math.isnan(y) for x, y in zip(curve.xs, curve.ys, strict=True) if x <= 0)
    assert curve.slopes[-1] == pytest.approx(1.0)
    assert curve.derivative_formula == "1/x"


def test_bundled_lessons_are_in_order() -> None:
    names = [path.name for path in discover(lessons_folder())]
    assert names == sorted(names, key=lambda name: int(name.split("-")[0]))


def test_a_forward_only_step_stops_at_its_output_and_refuses_a_grad_quiz() -> None:
    graph = {"expression": "q = x + y; f = q * z", "inputs": {"x": -2, "y": 5, "z": -4}}
    step = Step(text="t", graph={**graph, "cursor": "end", "backward": False})
    assert step.graph is not None
    state = SCENE_BUILDERS[GraphScene](step.graph)
    assert isinstance(state, GraphSession)
    assert state.player.length == len(state.trace.nodes) == 5
    assert state.player.at_end
    assert state.player.snapshot().values[-1] == -12.0
    assert state.player.snapshot().grads == (None,) * 5
    with pytest.raises(ValueError, match="backward = false"):
        Step(text="t", graph={**graph, "backward": False}, quiz={"ask": "grad", "node": "x"})
