"""Limits by arithmetic: a network's worked-out cost matches the real model, bounds the memory
it really takes, and the schema and the builders refuse the same things."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.data import load
from gradlab.lessons import ConvScene, LessonError, TrainScene, limits, parse_lesson, presets
from gradlab.lessons.layers import Layer
from gradlab.nn.summary import layer_rows
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.conv.settings import MAX_SIDE
from gradlab.state.train.config import TrainSettings, settings_from_scene
from gradlab.state.train.evaluation import EVAL_CHUNK
from gradlab.state.train.frame import GRID
from gradlab.state.train.run import TrainingRun


def layer(kind: str, **sizes: Any) -> Layer:
    if "in_" in sizes:
        sizes["in"] = sizes.pop("in_")
    return Layer(type=kind, **sizes)  # type: ignore[arg-type]


CONV_NET = [
    layer("conv2d", in_=1, out=24, kernel_size=3, padding=1),
    layer("relu"),
    layer("max_pool2d", kernel_size=2),
    layer("flatten"),
    layer("linear", in_=24 * 14 * 14, out=10),
]


@settings(max_examples=40, deadline=None)
@given(
    channels=st.integers(1, 3),
    side=st.integers(4, 12),
    filters=st.integers(1, 4),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    pool=st.sampled_from(["max_pool2d", "avg_pool2d"]),
    width=st.integers(1, 6),
)
def test_the_arithmetic_matches_the_real_network(
    channels: int,
    side: int,
    filters: int,
    kernel: int,
    stride: int,
    padding: int,
    pool: str,
    width: int,
) -> None:
    """Parameter counts and output shapes by arithmetic equal gradlab.nn's, whenever it builds;
    when the arithmetic refuses, the real network fails too."""
    specs = [
        layer("conv2d", in_=channels, out=filters, kernel_size=kernel, stride=stride,
              padding=padding),
        layer("batch_norm2d", out=filters),
        layer(pool, kernel_size=2),
        layer("flatten"),
        layer("linear", in_=width, out=3),
    ]  # fmt: skip
    shape = (channels, side, side)
    model = presets.build_model(specs)
    try:
        rows = layer_rows(model, shape)
    except (ValueError, IndexError):
        with pytest.raises(ValueError, match="does not fit"):
            limits.network_cost(specs, shape)
        return
    cost = limits.network_cost(specs, shape)
    assert cost.parameters == model.num_parameters()
    assert cost.numbers >= sum(int(np.prod(row.output_shape)) for row in rows)


def test_the_budget_bounds_what_a_summary_and_a_training_run_really_take() -> None:
    load("mnist")  # the dataset is loaded once and kept; only the network's memory is measured
    cost = limits.network_cost(CONV_NET, limits.IMAGE_SHAPE)
    summary = cost.bytes(copies=limits.SUMMARY_COPIES, examples=1)
    training = cost.bytes(copies=limits.LAB_COPIES, examples=limits.training_examples("mnist", 64))
    assert training <= limits.MEMORY_LIMIT
    tiny = [layer("flatten"), layer("linear", in_=784, out=10)]

    def peak(job: Any) -> int:
        tracemalloc.start()
        try:
            job()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(lambda: presets.model_table(CONV_NET, limits.IMAGE_SHAPE)) <= summary

    def train(specs: list[Layer]) -> None:
        run = TrainingRun.from_scene(
            TrainScene(dataset="mnist", model=specs, epochs=1, batch_size=64)
        )
        for _ in range(20):
            run.step()

    baseline = peak(lambda: train(tiny))  # the dataset's working copies, the run's bookkeeping
    used = peak(lambda: train(CONV_NET)) - baseline
    assert used <= training
    assert used >= training / 4  # a bound, not a guess far above (measured: 107 of 158 MB)


def test_the_lab_evaluates_no_more_examples_at_once_than_the_budget_counts() -> None:
    assert GRID * GRID <= limits.PROBE_EXAMPLES_2D
    assert EVAL_CHUNK <= limits.PROBE_EXAMPLES_IMAGES


@pytest.mark.parametrize("dataset", ["moons", "mnist"])
def test_dataset_shapes_are_the_real_ones(dataset: str) -> None:
    data = load(dataset)
    assert limits.dataset_shape(dataset) == (data.input_shape, data.num_classes)


def test_an_over_budget_network_is_refused_in_milliseconds_with_its_size() -> None:
    specs = [layer("flatten"), layer("linear", in_=limits.MAX_WIDTH, out=limits.MAX_WIDTH)]
    with pytest.raises(ValueError, match=r"needs about 3\.2 GB \(268,451,840 parameters"):
        limits.check_budget(
            limits.network_cost(specs, (limits.MAX_WIDTH,)),
            copies=limits.SUMMARY_COPIES,
            examples=1,
        )


def test_conv_grids_at_the_limit_build_and_beyond_it_are_refused() -> None:
    grid = [[float((r * c) % 5) for c in range(limits.MAX_GRID_SIDE)] for r in range(64)]
    scene = ConvScene(
        input=grid,
        kernel="sobel-x",
        in_channels=limits.MAX_CHANNELS,
        out_channels=limits.MAX_CHANNELS,
        stride=limits.MAX_CONV_STEP,
        padding=limits.MAX_CONV_STEP,
        dilation=limits.MAX_CONV_STEP,
    )
    scrubber = ConvScrubber.from_scene(scene)
    assert scrubber.error is None
    assert scrubber.length > 0
    assert MAX_SIDE == limits.MAX_GRID_SIDE
    wider = [[*row, 0.0] for row in grid]
    with pytest.raises(ValueError, match="at most 64 items"):
        ConvScene(input=wider, kernel="sobel-x")


def lesson_with(scene: str) -> bytes:
    return (
        'id = "l"\ntitle = "L"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'
        f'[[steps]]\ntext = "t"\n{scene}'
    ).encode()


@pytest.mark.parametrize(
    ("model", "hidden"),
    [
        (f'"mlp-{limits.MAX_WIDTH + 1}"', (limits.MAX_WIDTH + 1,)),
        ('"mlp-4000-4000"', (4000, 4000)),
        ('"mlp-' + "-".join(["2"] * (limits.MAX_LAYERS + 1)) + '"', (2,) * 65),
    ],
)
def test_the_schema_and_the_training_lab_refuse_the_same_models(
    model: str, hidden: tuple[int, ...]
) -> None:
    scene = f'[steps.train]\ndataset = "moons"\nmodel = {model}\nepochs = 1\n'
    with pytest.raises(LessonError) as caught:
        parse_lesson(lesson_with(scene))
    assert caught.value.field == "step 1, train.model"
    with pytest.raises(ValueError, match="at most"):
        TrainSettings(hidden=hidden)


def test_a_lesson_model_the_schema_allows_is_allowed_by_the_lab() -> None:
    lesson = parse_lesson(
        lesson_with('[steps.train]\ndataset = "mnist"\nmodel = "mlp-800"\nepochs = 1\n')
    )
    scene = lesson.steps[0].train
    assert scene is not None
    assert settings_from_scene(scene).hidden == (800,)


@pytest.mark.parametrize(
    ("x_range", "words"),
    [("[0, 1e-300]", "spans 1e-300"), ("[-1e308, 0]", "greater than or equal to -1000000")],
)
def test_plot_ranges_the_plot_cannot_draw_are_refused(x_range: str, words: str) -> None:
    scene = f'[steps.plot]\nfunctions = ["relu"]\nx_range = {x_range}\n'
    with pytest.raises(LessonError, match=words) as caught:
        parse_lesson(lesson_with(scene))
    assert caught.value.field.startswith("step 1, plot.x_range")
