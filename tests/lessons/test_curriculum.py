"""The curriculum in lessons/: every lesson builds headless, and every worked example of
CURRICULUM.md comes out of the lesson's own scene with exactly the slide's numbers.

Each worked-example test reads the lesson file, builds the scene with the engine (expression
graphs, conv2d and the pools, the nn modules) and compares with an independent oracle: numpy
arithmetic, torch, or the gradlab.nn model zoo and summary().
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest
import torch

from gradlab.data import load
from gradlab.engine import Trace
from gradlab.engine.tensor import Tensor
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
from gradlab.lessons.layers import Layer
from gradlab.lessons.worked import values as worked_values
from gradlab.nn import functional as F
from gradlab.nn.evaluate import evaluate, objective
from gradlab.nn.models import from_specs, lenet5, linear_classifier, mlp
from gradlab.nn.modules import Sequential
from gradlab.nn.optim import SGD, Adam, Optimizer
from gradlab.nn.summary import layer_rows
from gradlab.nn.train import fit
from gradlab.nn.windows import output_size
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.quiz import QuizState, compute_answer, read_number, show_number
from gradlab.state.session import Session
from gradlab.state.train.config import build_model as config_model
from gradlab.state.train.config import settings_from_scene

FILES = discover(lessons_folder())
SYLLABUS = [
    "derivative-slope",
    "chain-rule",
    "artificial-neuron",
    "activation-functions",
    "gradient-accumulation",
    "loss-functions",
    "gradient-descent",
    "multilayer-perceptrons",
    "counting-parameters",
    "convolution",
    "pooling",
    "mnist-cnn",
    "architectures",
    "vanishing-gradients",
    "training-tricks",
    "recurrent-networks",
    "autoencoders",
]


@cache
def lesson(slug: str) -> Lesson:
    path = next(p for p in FILES if p.stem.split("-", 1)[1] == slug)
    return load_lesson(path)


def steps_with(slug: str, kind: type[object]) -> Iterator[Step]:
    return (step for step in lesson(slug).steps if isinstance(step.scene, kind))


def graph_trace(slug: str, output: str, *, containing: str = "") -> Trace:
    """The trace of the first graph step of `slug` whose output is `output`."""
    for step in steps_with(slug, GraphScene):
        assert step.graph is not None
        trace = build_trace(step.graph.expression, step.graph.inputs)
        if trace.nodes[-1].label == output and containing in step.graph.expression:
            return trace
    raise AssertionError(f"no graph with output {output!r} in lesson {slug!r}")


def table_values(slug: str, output: str, *, containing: str = "") -> dict[str, float]:
    """Every value of the first worked table of `slug` that assigns `output` (and contains
    `containing`), as the engine computed it."""
    for step in steps_with(slug, TableScene):
        table = step.table
        assert table is not None
        names = [row[0] for row in table.rows]
        if table.expression and output in names and containing in table.expression:
            return worked_values(table.expression, table.inputs)
    raise AssertionError(f"no worked table assigning {output!r} in lesson {slug!r}")


def values(trace: Trace) -> dict[str, float]:
    return {node.label: float(node.value) for node in trace.nodes if node.label}


def grads(trace: Trace) -> dict[str, float]:
    final = trace.snapshot(len(trace)).grads
    return {node.label: float(final[node.id] or 0.0) for node in trace.nodes if node.label}


def rounded(mapping: dict[str, float], names: str, places: int = 2) -> tuple[float, ...]:
    return tuple(round(mapping[name], places) for name in names.split())


def as_batch(grid: list[list[float]]) -> Tensor:
    return Tensor(np.array(grid, dtype=np.float64)[None, None])


# ---- the curriculum as a whole ------------------------------------------------------------------


def test_lessons_follow_the_syllabus_in_order() -> None:
    slugs = [path.stem.split("-", 1)[1] for path in FILES]
    numbers = [int(path.stem.split("-", 1)[0]) for path in FILES]
    assert slugs == SYLLABUS
    assert numbers == list(range(1, len(SYLLABUS) + 1))
    assert [lesson(slug).id for slug in SYLLABUS] == SYLLABUS


@pytest.mark.parametrize("slug", SYLLABUS)
def test_lesson_has_goals_and_ends_with_a_quiz(slug: str) -> None:
    current = lesson(slug)
    assert len(current.goals) >= 2
    assert current.steps[-1].quiz is not None
    assert all(step.text.strip() for step in current.steps)


@pytest.mark.parametrize("slug", SYLLABUS)
def test_every_step_builds_headless(slug: str) -> None:
    session = Session(FILES)
    session.open_lesson(SYLLABUS.index(slug))
    for index in range(len(lesson(slug).steps)):
        session.go_to_step(index)
        state = session.build_step()
        assert state is not None
        assert state.index == index
        assert (state.scene is None) == (state.step.scene is None)
        if state.quiz is not None:
            assert np.isfinite(state.quiz.answer)


def build_model(layers: list[Layer], seed: int = 0) -> Sequential:
    return from_specs(layers, rng=seed)


TRAIN_STEPS = [
    pytest.param(step, id=f"{slug}-{i + 1}")
    for slug in SYLLABUS
    for i, step in enumerate(lesson(slug).steps)
    if isinstance(step.scene, TrainScene)
]


@pytest.mark.parametrize("step", TRAIN_STEPS)
def test_train_models_fit_their_dataset(step: Step) -> None:
    scene = step.train
    assert scene is not None
    data = load(scene.dataset, seed=scene.seed, n=scene.points, noise=scene.noise)
    batch = Tensor(data.x_train[:2].astype(np.float32))
    if scene.model == "autoencoder":  # the one named model a lesson trains: it rebuilds its input
        settings = settings_from_scene(scene)
        rebuilt = config_model(settings, data)(batch)
        assert rebuilt.shape == (2, 784)  # flat pixels, compared with the flattened input
        return
    assert not isinstance(scene.model, str)
    scores = build_model(scene.model, scene.seed)(batch)
    assert scores.shape == (2, data.num_classes)


# ---- worked examples ----------------------------------------------------------------------------


def test_derivative_finite_differences() -> None:
    coarse = graph_trace("derivative-slope", "fd")
    fine = [
        values(build_trace(s.graph.expression, s.graph.inputs))
        for s in steps_with("derivative-slope", GraphScene)
        if s.graph is not None and s.graph.inputs.get("h") == 0.001
    ]
    central = graph_trace("derivative-slope", "cd")
    # f = x² at x = 3: a forward difference is off by exactly h, a central one is exact
    assert values(coarse)["fd"] == pytest.approx(6.5)
    assert fine[0]["fd"] == pytest.approx(6.001)
    assert values(central)["cd"] == pytest.approx(6.0)


def test_chain_rule_node_by_node() -> None:
    trace = graph_trace("chain-rule", "f")
    v, g = values(trace), grads(trace)
    assert (v["q"], v["f"]) == (3, -12)
    assert (g["q"], g["z"], g["x"], g["y"]) == (-4, 3, -4, -4)
    quizzes = [compute_answer(s.quiz, s) for s in lesson("chain-rule").steps if s.quiz]
    assert quizzes == [-4, 3]


def test_sigmoid_neuron() -> None:
    trace = graph_trace("artificial-neuron", "f")
    assert round(values(trace)["f"], 2) == 0.73
    assert rounded(grads(trace), "w0 x0 w1 x1 w2") == (-0.20, 0.39, -0.39, -0.59, 0.20)
    # torch as the oracle for the exact numbers
    w0, x0, w1, x1, w2 = (
        torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2, -1, -3, -2, -3)
    )
    torch.sigmoid(w0 * x0 + w1 * x1 + w2).backward()  # type: ignore[no-untyped-call]
    exact = [t.grad.item() for t in (w0, x0, w1, x1, w2) if t.grad is not None]
    g = grads(trace)
    assert [g[name] for name in ("w0", "x0", "w1", "x1", "w2")] == pytest.approx(exact)


def test_reused_node_gets_the_sum_of_its_uses() -> None:
    trace = graph_trace("gradient-accumulation", "c", containing="a + a")
    assert grads(trace)["a"] == 4
    # each node is finished exactly once, after every node that uses it
    backward = [step.node for step in trace.backward]
    assert len(backward) == len(set(backward))
    assert backward == sorted(backward, reverse=True)
    assert naive_recursive_grad(trace, trace.node("a").id) == 2  # what the lesson warns about


def naive_recursive_grad(trace: Trace, leaf: int) -> float:
    """The classic bug: push a node's gradient on as soon as it is first reached, not once
    every use of it has reported (depth first, each node visited once)."""
    local = {
        step.node: [(e.parent, float(e.local or 0.0)) for e in step.edges]
        for step in trace.backward
    }
    grad = dict.fromkeys(range(len(trace.nodes)), 0.0)
    grad[trace.root] = 1.0
    visited: set[int] = set()

    def visit(node: int) -> None:
        visited.add(node)
        for parent, derivative in local.get(node, []):
            grad[parent] += grad[node] * derivative
            if parent not in visited:
                visit(parent)

    visit(trace.root)
    return grad[leaf]


def test_softmax_nll_losses() -> None:
    table = next(steps_with("loss-functions", TableScene))
    assert table.table is not None
    classes = table.table.columns[1:4]
    correct = [float(row[1 + classes.index(str(row[4]))]) for row in table.table.rows]
    trace = graph_trace("loss-functions", "L", containing="L3")
    v = values(trace)
    assert [v[p] for p in ("p1", "p2", "p3")] == correct  # the graph uses the table's numbers
    assert rounded(v, "L1 L2 L3") == (0.34, 0.02, 0.71)
    assert round(v["L"], 2) == 1.08
    assert round(sum(rounded(v, "L1 L2 L3")), 2) == 1.07
    probs = np.array([[float(c) for c in row[1:4]] for row in table.table.rows])
    labels = np.array([classes.index(str(row[4])) for row in table.table.rows])
    oracle = F.nll_loss(Tensor(np.log(np.clip(probs, 1e-12, 1))), labels, reduction="sum")
    assert v["L"] == pytest.approx(float(oracle.data))


def conv_steps(slug: str) -> list[ConvScene]:
    return [s.conv for s in lesson(slug).steps if s.conv is not None]


def test_pooling_worked_example() -> None:
    scenes: dict[str, ConvScene] = {
        c.mode: c for c in conv_steps("pooling") if c.input == "pooling-4x4"
    }
    for mode, pool, expected in (
        ("pool-max", F.max_pool2d, [[20, 30], [112, 37]]),
        ("pool-avg", F.avg_pool2d, [[13, 8], [79, 19.5]]),
    ):
        scene = scenes[mode]
        assert scene.input_grid == [
            [12, 20, 30, 0],
            [8, 12, 2, 0],
            [34, 70, 37, 4],
            [112, 100, 25, 12],
        ]
        k = len(scene.kernel_grid)
        out = pool(as_batch(scene.input_grid), k, scene.stride)
        assert out.data[0, 0].tolist() == expected


def test_pooling_is_invariant_to_the_small_shift() -> None:
    shifted = [
        c for c in conv_steps("pooling") if not isinstance(c.input, str) and c.mode == "pool-max"
    ]
    before, after = (F.max_pool2d(as_batch(c.input_grid), 2, 2).data for c in shifted)
    assert np.array_equal(before, after)
    assert not np.array_equal(shifted[0].input_grid, shifted[1].input_grid)


def test_convolution_by_hand() -> None:
    scene = conv_steps("convolution")[0]
    image, kernel = np.array(scene.input_grid), np.array(scene.kernel_grid)
    assert image.shape == (8, 8)
    assert kernel.tolist() == [[-1, 0, 1], [-2, 1, 2], [-3, 0, 3]]
    out = F.conv2d(as_batch(scene.input_grid), as_batch(scene.kernel_grid)).data[0, 0]
    assert out.shape == (6, 6)
    by_hand = [
        [float((image[i : i + 3, j : j + 3] * kernel).sum()) for j in range(6)] for i in range(6)
    ]
    assert out.tolist() == by_hand
    oracle = torch.nn.functional.conv2d(
        torch.tensor(image)[None, None], torch.tensor(kernel)[None, None]
    )
    assert np.allclose(out, oracle[0, 0].numpy())


def test_convolution_geometry_steps() -> None:
    for scene in conv_steps("convolution"):
        x, w = as_batch(scene.input_grid), as_batch(scene.kernel_grid)
        if scene.flip:
            w = Tensor(w.data[..., ::-1, ::-1].copy())
        if scene.mode == "transpose":
            out = F.conv_transpose2d(
                x, w, None, scene.stride, scene.padding, scene.output_padding, 1, scene.dilation
            ).data[0, 0]
        else:
            out = F.conv2d(x, w, None, scene.stride, scene.padding, scene.dilation).data[0, 0]
            n, k = len(scene.input_grid), len(scene.kernel_grid)
            assert out.shape[0] == output_size(n, k, scene.stride, scene.padding, scene.dilation)
        assert out.shape == scene.output_shape()
    quiz_step = lesson("convolution").steps[-1]
    assert quiz_step.quiz is not None
    assert compute_answer(quiz_step.quiz, quiz_step) == 4


def test_edge_filters() -> None:
    edges = [
        c
        for c in conv_steps("convolution")
        if isinstance(c.kernel, str) and c.kernel in {"vertical-edge", "vertical-edge-5x5"}
    ]
    kernels = {c.kernel: c.kernel_grid for c in edges}
    assert kernels["vertical-edge"] == [[1, 0, -1]] * 3
    assert kernels["vertical-edge-5x5"] == [[1, 0, 0, 0, -1]] * 5
    for scene in (c for c in edges if not isinstance(c.input, str)):
        image = np.array(scene.input_grid)
        k = len(scene.kernel_grid)
        out = F.conv2d(as_batch(scene.input_grid), as_batch(scene.kernel_grid)).data[0, 0]
        # without padding the output shrinks by k - 1
        assert out.shape == (image.shape[0] - k + 1, image.shape[1] - k + 1)
        # only windows straddling the vertical edge answer; flat regions give 0
        edge = int(np.argmax(image[0] > 0))
        answering = {j for j in range(out.shape[1]) if np.any(out[:, j] != 0)}
        assert answering == set(range(max(edge - k + 1, 0), edge))
        assert 0 < len(answering) < out.shape[1]
        assert np.all(out == out[0])


def test_output_size_28_by_28_by_k() -> None:
    (step,) = (s for s in lesson("convolution").steps if s.title == "The output size rule")
    scene = step.conv
    assert scene is not None
    lab = ConvScrubber.from_scene(scene)
    assert lab.input_array.shape[-2:] == (32, 32)
    assert lab.weight.shape[-2:] == (5, 5)
    assert lab.output is not None
    assert lab.output.shape == (scene.out_channels, 28, 28)
    assert output_size(32, 5) == 28
    filters = 6
    out = F.conv2d(Tensor(np.zeros((1, 1, 32, 32))), Tensor(np.zeros((filters, 1, 5, 5))))
    assert out.shape == (1, filters, 28, 28)
    # the step's "Try it": stride 2 floors 27 / 2 = 13.5 to 13, a 14 × 14 output
    lab.set_stride(2)
    assert lab.output is not None
    assert lab.output.shape[1:] == (14, 14)
    assert lab.formula[1] == "rows: ⌊(32 + 2·0 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊27 / 2⌋ + 1 = 14"


def test_counting_parameters() -> None:
    small = table_values("counting-parameters", "total", containing="hidden")
    deep = values(graph_trace("counting-parameters", "total", containing="layer3"))
    table = table_values("counting-parameters", "total", containing="layer3")
    assert {name: deep[name] for name in table} == table
    mnist = table_values("counting-parameters", "total", containing="pixels")
    assert (small["total"], deep["total"], mnist["total"]) == (25, 951, 7850)
    assert mlp((10, 2, 1)).num_parameters() == 25
    assert mlp((10, 25, 25, 1)).num_parameters() == 951
    assert linear_classifier().num_parameters() == 7850
    (train,) = (s.train for s in lesson("counting-parameters").steps if s.train is not None)
    assert not isinstance(train.model, str)
    assert build_model(train.model).num_parameters() == 7850


def test_lenet5_parameters_per_layer() -> None:
    v = table_values("architectures", "total", containing="C5")
    per_layer = [v[name] for name in ("C1", "C3", "C5", "F6", "OUT")]
    assert per_layer == [156, 2416, 48120, 10164, 850]
    assert v["total"] == 61706
    zoo = [row.params for row in layer_rows(lenet5(), (1, 32, 32)) if row.params]
    assert zoo == per_layer
    (train,) = (s.train for s in lesson("architectures").steps if s.train is not None)
    assert not isinstance(train.model, str)
    model = build_model(train.model)
    assert model.num_parameters() == 61706
    shapes = [row.output_shape for row in layer_rows(model, (1, 28, 28))]
    assert shapes[0] == (6, 28, 28)
    assert shapes[2] == (6, 14, 14)
    assert shapes[3] == (16, 10, 10)


def test_mnist_cnn_shapes_and_counts() -> None:
    shapes = table_values("mnist-cnn", "features")
    counts = table_values("mnist-cnn", "total")
    (train,) = (s.train for s in lesson("mnist-cnn").steps if s.train is not None)
    assert not isinstance(train.model, str)
    model = build_model(train.model)
    rows = layer_rows(model, (1, 28, 28))
    assert shapes["features"] == rows[-2].output_shape[0] == 784
    assert counts["total"] == model.num_parameters() == 9098


W_X = np.array([[0.6, 0.8, 0.4, 0.8], [0.2, 0.2, 0.8, 0.7], [0.9, 0.8, 0.1, 0.2]])
W_H = np.array([[0.1, 0.5, 0.1], [0.5, 0.9, 0.3], [0.3, 0.2, 0.1]])
W_Y = np.array([[0.9, 0.8, 0.3], [0.2, 0.3, 0.4], [0.6, 0.9, 0.1], [0.5, 0.0, 0.3]])


def test_rnn_one_step() -> None:
    trace = graph_trace("recurrent-networks", "total")
    v = values(trace)
    assert rounded(v, "a1 a2 a3", 1) == (0.6, 0.2, 0.9)
    assert rounded(v, "h1 h2 h3") == (0.54, 0.20, 0.72)
    assert rounded(v, "y1 y2 y3 y4") == (0.32, 0.21, 0.24, 0.22)
    assert v["total"] == pytest.approx(1.0)
    # numpy oracle with the slide's matrices: a1 = W_X x1 + W_H h0, h1 = tanh a1, y1 = softmax
    x1, h0 = np.array([1.0, 0, 0, 0]), np.zeros(3)
    a1 = W_X @ x1 + W_H @ h0
    h1 = np.tanh(a1)
    scores = np.exp(W_Y @ h1)
    y1 = scores / scores.sum()
    assert [v[f"a{i}"] for i in (1, 2, 3)] == pytest.approx(a1.tolist())
    assert [v[f"h{i}"] for i in (1, 2, 3)] == pytest.approx(h1.tolist())
    assert [v[f"y{i}"] for i in (1, 2, 3, 4)] == pytest.approx(y1.tolist())


def test_rnn_expression_uses_the_slide_weights() -> None:
    (step,) = (
        s
        for s in lesson("recurrent-networks").steps
        if s.graph and "L = -log" in s.graph.expression
    )
    assert step.graph is not None
    rows = {
        m.group(1): m.group(2) for m in re.finditer(r"([ao]\d) = ([^\n;]+)", step.graph.expression)
    }
    weights = [[float(w) for w in re.findall(r"([\d.]+)\*", rows[f"a{i}"])] for i in (1, 2, 3)]
    assert np.array_equal(np.array(weights), np.hstack([W_X, W_H]))
    outputs = [[float(w) for w in re.findall(r"([\d.]+)\*", rows[f"o{i}"])] for i in (1, 2, 3, 4)]
    assert np.array_equal(np.array(outputs), W_Y)


def test_residual_connection_keeps_the_gradient_alive() -> None:
    plain = grads(graph_trace("architectures", "y", containing="h2 = sigmoid"))
    residual = grads(graph_trace("architectures", "y", containing="h1 = x +"))
    assert plain["x"] < 0.05
    assert residual["x"] >= 1


def test_sigmoid_chain_vanishes_and_relu_does_not() -> None:
    sig = grads(graph_trace("vanishing-gradients", "y", containing="w5 * h4)"))
    relu_traces = [
        grads(build_trace(s.graph.expression, s.graph.inputs))
        for s in steps_with("vanishing-gradients", GraphScene)
        if s.graph is not None and "relu" in s.graph.expression
    ]
    assert sig["w1"] < sig["w5"] / 20
    assert relu_traces[0]["w1"] == relu_traces[0]["w5"] == 1
    assert relu_traces[1]["x"] == 2**5


def test_quiz_answers_come_from_the_scene() -> None:
    answers = {
        slug: compute_answer(s.quiz, s)
        for slug in SYLLABUS
        for s in lesson(slug).steps[-1:]
        if s.quiz is not None
    }
    assert answers["derivative-slope"] == pytest.approx(12)
    assert answers["loss-functions"] == pytest.approx(-np.log([0.71, 0.98, 0.49]).sum())
    assert answers["counting-parameters"] == 7850
    assert answers["architectures"] == 2416
    assert answers["pooling"] == 4
    assert answers["recurrent-networks"] == pytest.approx(np.tanh(0.2))


# ---- what the training steps claim (trained with gradlab.nn, as the training lab does) -----------


def train_curves(step: Step) -> tuple[list[float], list[float], float]:
    """Per-epoch mean training loss, per-epoch test loss, and the final test accuracy."""
    scene = step.train
    assert scene is not None
    assert not isinstance(scene.model, str)
    assert scene.epochs is not None
    data = load(scene.dataset, seed=scene.seed, n=scene.points, noise=scene.noise)
    model = build_model(scene.model, scene.seed)
    params = model.parameters()
    optimizer: Optimizer
    if scene.optimizer == "adam":
        optimizer = Adam(params, lr=scene.lr, weight_decay=scene.l2)
    else:
        momentum = 0.9 if scene.optimizer == "momentum" else 0
        optimizer = SGD(params, lr=scene.lr, momentum=momentum, weight_decay=scene.l2)
    goal = objective(scene.loss)
    train, test, batch = [], [], []
    x_test = Tensor(data.x_test.astype(np.float32))
    for record in fit(model, data, goal, optimizer, epochs=scene.epochs, seed=scene.seed,
                      batch_size=scene.batch_size):  # fmt: skip
        batch.append(record.loss)
        if record.epoch_end:
            train.append(float(np.mean(batch)))
            batch = []
            model.eval()  # dropout off for the test set; fit() turns training mode back on
            test.append(float(goal.loss(model(x_test), data.y_test).item()))
    accuracy = evaluate(model, data.x_test.astype(np.float32), data.y_test, rule=goal)
    return train, test, accuracy


def train_step(slug: str, title: str) -> Step:
    return next(s for s in lesson(slug).steps if s.title == title)


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["multilayer-perceptrons", "training-tricks"])
def test_over_fitting_steps_over_fit(slug: str) -> None:
    (step,) = (s for s in lesson(slug).steps if s.train and s.title.startswith("Over-fitting"))
    train, test, _ = train_curves(step)
    assert train[-1] < 0.05 < train[0]
    best = int(np.argmin(test))
    assert best < len(test) // 4
    assert test[-1] > 2 * test[best]


@pytest.mark.slow
def test_dropout_and_weight_decay_tame_the_over_fitting_step() -> None:
    plain = train_curves(train_step("training-tricks", "Over-fitting in the curves"))
    tamed_step = train_step("training-tricks", "Dropout and weight decay against over-fitting")
    assert tamed_step.train is not None
    assert tamed_step.train.l2 == 0.001
    tamed = train_curves(tamed_step)
    # as the step says: training loss no longer falls to zero, test loss climbs about half as high
    assert plain[0][-1] < 0.01
    assert tamed[0][-1] > 0.05
    assert tamed[1][-1] < 0.6 * plain[1][-1]


@pytest.mark.slow
def test_sigmoid_depth_stalls_where_relu_learns() -> None:
    slow = train_step("vanishing-gradients", "A deep sigmoid network trains slowly")
    fast = train_step("vanishing-gradients", "The same network with ReLU")
    assert train_curves(slow)[2] < 0.6
    assert train_curves(fast)[2] > 0.95


@pytest.mark.slow
def test_learning_rate_steps() -> None:
    small = train_curves(train_step("gradient-descent", "Too small a learning rate"))
    good = train_curves(train_step("gradient-descent", "A good learning rate"))
    large = train_curves(train_step("gradient-descent", "Too large a learning rate"))
    assert small[2] < 0.6
    assert small[0][-1] > 0.9 * small[0][0]
    assert good[2] > 0.95
    assert max(large[0]) > 1000 * good[0][0]


@pytest.mark.slow
def test_one_neuron_cannot_learn_xor_but_a_hidden_layer_can() -> None:
    linear = train_curves(train_step("artificial-neuron", "One neuron cannot do XOR"))
    hidden = train_curves(train_step("multilayer-perceptrons", "XOR with a hidden layer"))
    assert linear[2] < 0.7
    assert hidden[2] > 0.95


@pytest.mark.slow
def test_the_cnn_beats_the_linear_classifier_on_mnist() -> None:
    linear = train_curves(train_step("counting-parameters", "Train it"))
    cnn = train_curves(train_step("mnist-cnn", "Train it"))
    lenet = train_curves(train_step("architectures", "Train LeNet-5"))
    assert linear[2] > 0.8
    assert cnn[2] > linear[2] + 0.03
    assert lenet[2] > 0.88


def summary_tables(slug: str) -> list[TableScene]:
    return [s.table for s in lesson(slug).steps if s.table is not None and s.table.model]


def test_summary_tables_match_the_model_zoo() -> None:
    (lenet_table,) = summary_tables("architectures")
    zoo = layer_rows(lenet5(), (1, 32, 32))
    assert [row[2] for row in lenet_table.rows[:-1]] == [f"{row.params:,}" for row in zoo]
    assert lenet_table.rows[-1] == ["total", "", "61,706"]
    assert [row[2] for row in lenet_table.rows if row[2] != "0"][:5] == [
        "156",
        "2,416",
        "48,120",
        "10,164",
        "850",
    ]
    shapes = [row[1] for row in lenet_table.rows]
    for shape in ("6 × 28 × 28", "6 × 14 × 14", "16 × 10 × 10", "16 × 5 × 5", "120 × 1 × 1"):
        assert shape in shapes
    (cnn_table,) = summary_tables("mnist-cnn")
    assert cnn_table.rows[-1] == ["total", "", "9,098"]
    (mlp_table,) = summary_tables("counting-parameters")
    assert [row[2] for row in mlp_table.rows] == ["275", "0", "650", "0", "26", "951"]


def test_parameter_quizzes_read_and_show_thousands() -> None:
    step = next(s for s in lesson("counting-parameters").steps if s.quiz is not None)
    assert step.quiz is not None
    quiz = QuizState(step.quiz, step)
    assert quiz.check("951").correct
    last = lesson("counting-parameters").steps[-1]
    assert last.quiz is not None
    quiz = QuizState(last.quiz, last)
    feedback = quiz.check("7,850")
    assert feedback.correct
    assert feedback.message == "Correct: 7,850."
    assert not quiz.check("7,85").correct  # a decimal comma, not a thousands separator
    (c3,) = (s for s in lesson("architectures").steps[-1:] if s.quiz is not None)
    assert c3.quiz is not None
    assert QuizState(c3.quiz, c3).reveal() == "2,416"
    assert show_number(61706.0) == "61,706"
    assert read_number("61,706") == 61706
    assert read_number("0,25") == 0.25
