"""Every step's text against the scene it describes, where a machine can tell.

A sentence that names a graph node, quotes a number, names a panel, quotes the explanation or an
edge label, or states a conv output's size is checked against what the engine computes and the lab
shows. Each kind of false statement found once (a panel said to be closed, a hint whose rounding
the quiz refused, labels said to be flipped, a count with gradients) has a test of its own here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest

from gradlab.check import cross_check
from gradlab.data import load, playground
from gradlab.engine import Trace
from gradlab.layout import labels
from gradlab.lessons import (
    ConvScene,
    GraphScene,
    Lesson,
    Step,
    TableScene,
    TrainScene,
    discover,
    lessons_folder,
    load_lesson,
)
from gradlab.lessons.graphs import build_trace
from gradlab.lessons.worked import values as worked_values
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.explain import explain
from gradlab.state.graph.session import GraphSession
from gradlab.state.quiz import QuizState, compute_answer

FILES = discover(lessons_folder())
NUMBER = r"[−-]?\d[\d,]*(?:\.\d+)?"


@cache
def lessons() -> tuple[Lesson, ...]:
    return tuple(load_lesson(path) for path in FILES)


def all_steps() -> Iterator[tuple[str, Step]]:
    for path, lesson in zip(FILES, lessons(), strict=True):
        for index, step in enumerate(lesson.steps, start=1):
            yield f"{path.stem[:2]}-{index}", step


def steps_of(kind: type[object]) -> list[object]:
    return [
        pytest.param(step, id=name) for name, step in all_steps() if isinstance(step.scene, kind)
    ]


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def agrees(quoted: str, value: float) -> bool:
    """`value` reads as `quoted` at the precision the text writes it."""
    return round(value, places(quoted)) == pytest.approx(number(quoted), abs=1e-9)


@cache
def trace_of(expression: str, inputs: tuple[tuple[str, float], ...]) -> Trace:
    return build_trace(expression, dict(inputs))


def graph_trace(step: Step) -> Trace:
    assert step.graph is not None
    return trace_of(step.graph.expression, tuple(step.graph.inputs.items()))


def plain(text: str) -> str:
    """The text without Markdown emphasis, so '**q = 3**' reads 'q = 3'."""
    return text.replace("**", "").replace("*", "")


# ---- graphs: named nodes exist, quoted values and gradients are the engine's --------------------


CLAUSE = re.compile(r"[,;:]\s|\.\s|\.$|\n|\band\b|\bwith\b")
DERIVATIVE = re.compile(r"^∂(\w+)/∂(\w+)$")


FUNCTIONS = {"sigmoid", "tanh", "exp", "log", "relu", "step"}


def claims(text: str, names: set[str]) -> Iterator[tuple[str, str]]:
    """(subject, number) for every "subject = ... = number" of the text: the subject a name or a
    derivative ∂a/∂b, the number what the chain of equals ends in. A formula of `names` in
    between is skipped ("∂f/∂x = ∂f/∂y = -4 · 1 = -4" claims -4 for both); words in between
    start a new chain ("f = x³ at x = 2" claims only x = 2)."""
    for clause in CLAUSE.split(plain(text)):
        parts = [part.strip() for part in clause.split(" = ")]
        if len(parts) < 2 or not re.fullmatch(NUMBER, parts[-1]):
            continue
        subjects: list[str] = []
        for position, part in enumerate(parts[:-1]):
            words = set(re.findall(r"[A-Za-z]\w*", part))
            subject = part
            if position == 0 or not words <= names | FUNCTIONS:
                subjects = []
                subject = part.split()[-1] if part else ""
            if re.fullmatch(r"[A-Za-z]\w*", subject) or DERIVATIVE.match(subject):
                subjects.append(subject)
        for subject in subjects:
            yield subject, parts[-1]


def test_claims_read_chains_of_equals() -> None:
    text = "Here q = x + y = 3 and **f = -12**; ∂f/∂x = ∂f/∂y = -4 · 1 = -4, but 2x = x + x."
    names = {"x", "y", "q", "f"}
    assert list(claims(text, names)) == [
        ("q", "3"),
        ("f", "-12"),
        ("∂f/∂x", "-4"),
        ("∂f/∂y", "-4"),
    ]
    assert list(claims("For f = x³ at x = 2, and a target t = 1", names)) == [
        ("x", "2"),
        ("t", "1"),
    ]


@pytest.mark.parametrize("step", steps_of(GraphScene))
def test_graph_text_names_nodes_and_quotes_the_engines_numbers(step: Step) -> None:
    trace = graph_trace(step)
    value = {n.label: float(n.value) for n in trace.nodes if n.label}
    final = trace.snapshot(len(trace)).grads
    grad = {n.label: float(final[n.id] or 0.0) for n in trace.nodes if n.label}
    output = trace.nodes[trace.root].label
    for top, bottom in re.findall(r"∂(\w+)/∂(\w+)", step.text):
        # a derivative between nodes of this graph names nodes it has (a general formula such
        # as ∂L/∂w = 2(w − 3), about no node of the graph, is left alone)
        if top in value:
            assert bottom in value, f"∂{top}/∂{bottom}: the graph has no node {bottom}"
    for subject, quoted in claims(step.text, set(value)):
        derivative = DERIVATIVE.match(subject)
        if derivative is None:
            if subject in value:
                assert agrees(quoted, value[subject]), f"{subject} is {value[subject]}"
            continue
        top, bottom = derivative.groups()
        if top == output:
            assert agrees(quoted, grad[bottom]), f"{subject} is {grad[bottom]}, not {quoted}"


@pytest.mark.parametrize("step", steps_of(GraphScene))
def test_quoted_explanations_and_edge_labels_are_what_the_lab_shows(step: Step) -> None:
    """`code` in a graph step's text is a line of the explanation pane at some step (with the
    SymPy formulas the lab adds), and *local n* an edge's label."""
    assert step.graph is not None
    quoted = re.findall(r"`([^`]+)`", step.text)
    edges = re.findall(r"(?<!\*)\*(local [^*]+)\*(?!\*)", step.text)
    if not quoted and not edges:
        return
    session = GraphSession(step.graph.expression, dict(step.graph.inputs), step.graph.cursor)
    built = session.program.build(session.inputs)
    report = cross_check(built.output, built.inputs)
    trace = session.trace
    lines = {
        line.strip()
        for position in range(len(trace) + 1)
        for line in explain(trace, position, report).lines
    }
    for text in quoted:
        assert text in lines, f"the explanation never shows {text!r}"
    shown = {
        labels.local_text(None if edge.local is None else float(edge.local))
        for back in trace.backward
        for edge in back.edges
    }
    for text in edges:
        assert text in shown, f"no edge is labelled {text!r}"


# ---- panels: a text speaks of panels the step shows, and never asks to open one that is open ----

PANEL_WORDS = {"check": r"\bcheck\b[^.]{0,12}panel", "editor": r"\beditor\b", "explain": None}


@pytest.mark.parametrize("name_step", list(all_steps()), ids=lambda pair: pair[0])
def test_panels_named_are_shown_and_never_said_to_be_closed(name_step: tuple[str, Step]) -> None:
    _, step = name_step
    text = plain(step.text).lower()
    visible = set(PANEL_WORDS) if step.panels is None else set(step.panels)
    for panel, pattern in PANEL_WORDS.items():
        if pattern is None or not re.search(pattern, text):
            continue
        assert isinstance(step.scene, GraphScene), f"the {panel} panel belongs to the graph lab"
        assert panel in visible, f"the text names the {panel} panel, which this step hides"
        assert not re.search(rf"open (the )?{pattern}", text), (
            f"the text asks to open the {panel} panel, which is already open"
        )


# ---- worked tables: quoted counts are the engine's ----------------------------------------------


@pytest.mark.parametrize("step", steps_of(TableScene))
def test_worked_tables_hold_every_number_the_text_stresses(step: Step) -> None:
    table = step.table
    assert table is not None
    if not table.expression:
        return
    computed = worked_values(table.expression, table.inputs)
    shown = {number(str(row[-1])) for row in table.rows}
    assert shown == {computed[str(row[0])] for row in table.rows}
    for quoted in re.findall(rf"\*\*({NUMBER})\*\*", step.text):
        assert number(quoted) in shown, f"{quoted} is not among the table's values"
    for name, quoted in re.findall(rf"\b([A-Za-z]\w*) = ({NUMBER})\b", plain(step.text)):
        if name in computed and name not in table.inputs:
            assert agrees(quoted, computed[name])


COUNTING_STEPS = [
    ("09", "One layer"),
    ("09", "Where the parameters are"),
    ("09", "The MNIST linear classifier"),
    ("10", "Channels and filters"),
    ("10", "Receptive field"),
    ("12", "Shapes through the network"),
    ("12", "Few parameters, shared everywhere"),
    ("13", "LeNet-5"),
    ("13", "VGG: stacks of 3 × 3"),
    ("13", "Inception: 1 × 1 reductions"),
]


def test_counts_and_shapes_have_no_backward_pass() -> None:
    """A parameter count or a shape has no gradient: those steps are worked tables, and a graph
    that counts only stands behind a quiz (its values hidden until the learner predicts)."""
    titles = {(name[:2], step.title): step for name, step in all_steps()}
    for key in COUNTING_STEPS:
        step = titles[key]
        assert isinstance(step.scene, TableScene), f"{key} shows {type(step.scene).__name__}"
        assert step.scene.expression
    for name, step in all_steps():
        counting = re.search(r"parameters|features|output size", step.text)
        if isinstance(step.scene, GraphScene) and counting:
            assert step.quiz is not None, f"{name} counts in a graph without a quiz"
            assert step.graph is not None
            assert step.graph.cursor == "start"


# ---- conv steps: stated output sizes are the lab's ----------------------------------------------

SIZE = r"(\d+) × (\d+)(?: × (\d+))?"


@pytest.mark.parametrize("step", steps_of(ConvScene))
def test_conv_text_states_the_labs_output_size(step: Step) -> None:
    scene = step.conv
    assert scene is not None
    lab = ConvScrubber.from_scene(scene)
    assert lab.error is None
    assert lab.output is not None
    maps, rows, cols = lab.output.shape
    # a "Try it" paragraph speaks of other settings
    text = plain(step.text).split("Try it")[0]
    stated = re.findall(rf"output (?:is|has the input's|is a) {SIZE}", text)
    stated += re.findall(rf"(?:a|give) {SIZE} output", text)
    stated += re.findall(rf"give {SIZE};", text)
    for claim in stated:
        assert (int(claim[0]), int(claim[1])) == (rows, cols), f"{claim} is not {rows} × {cols}"
        if claim[2]:
            assert int(claim[2]) == maps
    for quoted in re.findall(r"= (\d+) rows", text):
        assert int(quoted) == rows
    # the formula under the grids shows the floor wherever a stride divides
    if scene.mode in {"forward", "backward"}:
        assert "⌊" in lab.formula[0]


def test_the_pool_backward_steps_say_where_the_gradient_goes() -> None:
    steps = {name: step for name, step in all_steps() if step.conv is not None}
    max_step = next(s for n, s in steps.items() if s.title == "Gradients through a max pool")
    avg_step = next(s for n, s in steps.items() if s.title == "Gradients through an average pool")
    assert max_step.conv is not None
    assert avg_step.conv is not None
    assert max_step.conv.mode == "pool-max-backward"
    assert avg_step.conv.mode == "pool-avg-backward"
    lab = ConvScrubber.from_scene(max_step.conv)
    dx = lab.grads_at(lab.length)[1][0]
    x = lab.input_array[0]
    gets = re.findall(r"(\d+)\s+gets\s+(\d+)", max_step.text)
    assert len(gets) == 4
    for value, share in gets:
        (cell,) = zip(*np.nonzero(x == int(value)), strict=True)
        assert dx[cell] == int(share)
    assert np.count_nonzero(dx) == len(gets)
    lab = ConvScrubber.from_scene(avg_step.conv)
    dx = lab.grads_at(lab.length)[1][0]
    assert set(dx[:2, :2].ravel()) == {0.25}
    assert set(dx[2:, 2:].ravel()) == {1.0}


# ---- quizzes: the rounding a text uses, and a hint followed correctly, are accepted -------------


def quiz_steps() -> list[object]:
    return [pytest.param(step, id=name) for name, step in all_steps() if step.quiz is not None]


@pytest.mark.parametrize("step", quiz_steps())
def test_an_answer_rounded_as_the_lesson_rounds_is_accepted(step: Step) -> None:
    assert step.quiz is not None
    quiz = QuizState(step.quiz, step)
    asked = f"{step.text} {step.quiz.prompt}"
    decimals = 3 if "three decimals" in asked else 2
    assert quiz.check(f"{round(quiz.answer, decimals)}").correct
    # and the tolerance still tells a slip from the answer
    assert not quiz.check(f"{quiz.answer + 10 * max(step.quiz.tolerance, 0.01)}").correct


def quiz_of(title_start: str, lesson: str) -> QuizState:
    for name, step in all_steps():
        if name.startswith(lesson) and step.quiz is not None and step.title.startswith(title_start):
            return QuizState(step.quiz, step)
    raise AssertionError(f"no quiz {title_start!r} in lesson {lesson}")


def test_hints_followed_lead_to_accepted_answers() -> None:
    neuron = quiz_of("Predict", "03")
    # step 2 rounds ∂f/∂s to 0.20, the hint to 0.197; x1 meets w1 = −3
    for rounded_slope in (0.20, 0.197):
        assert neuron.check(f"{rounded_slope * -3}").correct
    losses = quiz_of("Predict", "06")
    # the exact total, and the sum of the rounded losses step 5 shows
    assert losses.check("1.08").correct
    assert losses.check(f"{0.34 + 0.02 + 0.71}").correct
    kernel = quiz_of("Predict: the kernel's gradient", "10")
    g = [[1, 0, -1], [2, 1, 0], [0, 1, 1]]
    x = [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 0], [1, 1, 0, 2]]
    by_hand = sum(g[i][j] * x[i][j] for i in range(3) for j in range(3))
    assert kernel.check(str(by_hand)).correct
    stamps = quiz_of("Predict: where stamps overlap", "10")
    assert stamps.check(str(1 + 2 + 3 + 4)).correct
    twice = quiz_of("Predict: a cell that wins twice", "11")
    assert twice.check("2").correct
    share = quiz_of("Predict: an average pool's share", "11")
    assert share.check(str(3 / 4)).correct


def test_conv_quiz_answers_come_from_the_lab() -> None:
    answers = {
        step.title: compute_answer(step.quiz, step)
        for _, step in all_steps()
        if step.quiz is not None and step.conv is not None
    }
    assert answers["Predict: the kernel's gradient"] == 3
    assert answers["Predict: where stamps overlap"] == 10
    assert answers["Predict: a cell that wins twice"] == 2
    assert answers["Predict: an average pool's share"] == 0.75


# ---- data: what a text says the noise is ---------------------------------------------------------


def nearer_the_other_moon(x: np.ndarray, y: np.ndarray) -> int:
    """Points whose distance to the other moon's clean curve is smaller than to their own."""
    t = np.linspace(0.0, np.pi, 4001)
    upper = (np.stack([np.cos(t), np.sin(t)], 1) - [0.5, 0.25]) * 3.0
    lower = (np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1) - [0.5, 0.25]) * 3.0
    near_upper = np.linalg.norm(x[:, None] - upper[None], axis=2).min(axis=1)
    near_lower = np.linalg.norm(x[:, None] - lower[None], axis=2).min(axis=1)
    return int(np.sum(np.where(y == 0, near_lower < near_upper, near_upper < near_lower)))


@pytest.mark.parametrize("step", steps_of(TrainScene))
def test_what_a_text_says_about_noise_is_in_the_data(step: Step) -> None:
    scene = step.train
    assert scene is not None
    text = plain(step.text)
    # the playground sets jitter positions; no label is ever flipped
    assert "flipped" not in text
    claim = re.search(r"noise ([\d.]+)[^.]*?(\d+) (?:of the|of them)[^.]*?nearer the other", text)
    if scene.noise == 0 or claim is None:
        return
    assert float(claim.group(1)) == scene.noise
    data = load(scene.dataset, seed=scene.seed, n=scene.points, noise=scene.noise)
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    assert nearer_the_other_moon(x, y) == int(claim.group(2))
    assert playground(scene.dataset, scene.points, noise=0.0, seed=scene.seed).x_train.size


def test_the_transposed_convolution_steps_numbers() -> None:
    step = next(
        s for _, s in all_steps() if s.title == "The transposed convolution is the gradient"
    )
    assert step.conv is not None
    lab = ConvScrubber.from_scene(step.conv)
    assert lab.output is not None
    source = lab.source
    assert source is not None
    # "takes a 4 × 4 input to 2 × 2 ... goes back from 2 × 2 to 4 × 4 ... the difference: 0"
    assert source.shape[1:] == (2, 2)
    assert lab.output.shape[1:] == (4, 4)
    forward = ConvScene(
        input=[[0.0] * 4] * 4, kernel=step.conv.kernel, stride=2, padding=1
    ).output_shape()
    three = ConvScene(input=[[0.0] * 3] * 3, kernel=step.conv.kernel, stride=2, padding=1)
    assert forward == three.output_shape() == (2, 2)
    assert lab.adjoint_gap == 0


def test_where_the_parameters_are() -> None:
    step = next(s for _, s in all_steps() if s.title == "Where the parameters are")
    assert step.table is not None
    counts = worked_values(step.table.expression, step.table.inputs)
    assert "layer2 holds 650 of the 951" in " ".join(step.text.split())
    assert (counts["layer2"], counts["total"]) == (650, 951)
    wider = worked_values(step.table.expression, {**step.table.inputs, "h2": 50})
    assert wider["layer2"] == 1300
