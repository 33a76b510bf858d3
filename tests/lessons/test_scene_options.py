"""The conv scene's backward, pooling-backward and transposed modes, its upstream gradient and
colour inputs, the conv quizzes, and worked tables: what loads, and what is refused in words."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from gradlab.engine.expr import Built, Program
from gradlab.lessons import ConvScene, LessonError, parse_lesson
from gradlab.lessons.schema import Step
from gradlab.lessons.table_scene import TableScene
from gradlab.state.quiz import QuizState, default_prompt

HEAD = b'id = "k"\ntitle = "K"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'


def lesson(step: bytes) -> bytes:
    return HEAD + b'[[steps]]\ntext = "t"\n' + step


def problem(step: bytes) -> LessonError:
    with pytest.raises(LessonError) as caught:
        parse_lesson(lesson(step), "lesson.toml")
    return caught.value


POOL = b'[steps.conv]\ninput = "pooling-4x4"\nkernel = [[1, 1], [1, 1]]\nstride = 2\n'


@pytest.mark.parametrize(
    ("step", "field", "words"),
    [
        (POOL + b'mode = "pool-max"\nupstream = [[1, 2], [3, 4]]\n', "conv", "backward modes"),
        (
            POOL + b'mode = "pool-max-backward"\nupstream = [[1, 2, 3]]\n',
            "conv",
            "shaped like the output, 2x2, not 1x3",
        ),
        (
            b"[steps.conv]\ninput = [[1, 2]]\nkernel = [[1]]\nstride = 2\noutput_padding = 2\n"
            b'mode = "transpose"\n',
            "conv",
            "output_padding 2 must be at least 0 and smaller than the stride 2",
        ),
        (
            b'[steps.conv]\ninput = [[1]]\nkernel = [[1]]\npadding = 1\nmode = "transpose"\n',
            "conv",
            "crops everything",
        ),
        (b'[steps.conv]\ninput = "rgb-scene-9x9"\nkernel = [[1]]\n', "conv.input", "rgb-scene-8x8"),
        (
            b'[steps.conv]\ninput = "rgb-scene-32x32"\nkernel = "vertical-edge-5x5"\nstride = 8\n'
            b'dilation = 8\nout_channels = 4\nmode = "transpose"\n',
            "conv",
            "at most 4,000,000 are allowed",
        ),
        (
            POOL + b'mode = "pool-max"\n[steps.quiz]\nask = "grad_input"\ncell = [0, 0]\n',
            "quiz",
            "needs a backward mode",
        ),
        (
            POOL
            + b'mode = "pool-max-backward"\n[steps.quiz]\nask = "grad_weight"\ncell = [0, 0]\n',
            "quiz",
            "a pool has no weights",
        ),
        (
            POOL + b'mode = "pool-avg-backward"\n[steps.quiz]\nask = "grad_input"\ncell = [4, 0]\n',
            "quiz",
            "[4, 0] is outside the 4x4 input",
        ),
        (
            POOL + b'mode = "pool-avg"\n[steps.quiz]\nask = "output"\ncell = [2, 0]\n',
            "quiz",
            "[2, 0] is outside the 2x2 output",
        ),
        (POOL + b'[steps.quiz]\nask = "output"\n', "quiz", "needs a cell [row, col]"),
        (
            b'[steps.graph]\nexpression = "f = x * 2"\ninputs = { x = 1 }\n[steps.quiz]\n'
            b'ask = "output"\ncell = [0, 0]\n',
            "",
            "needs a conv scene",
        ),
        (
            b'[steps.table]\nexpression = "n = (a + 1) * b"\ninputs = { a = 1 }\n',
            "table",
            "no value given for b",
        ),
        (
            b'[steps.table]\nexpression = "n = a / b"\ninputs = { a = 1, b = 0 }\n',
            "table",
            "cannot be computed",
        ),
        (
            b'[steps.table]\nexpression = "n = a"\ninputs = { a = 1 }\ncolumns = ["x"]\n',
            "table",
            "give one of",
        ),
        (b'[steps.table]\ninputs = { a = 1 }\ncolumns = ["x"]\n', "table", "give one of"),
        (
            b'[steps.table]\nexpression = "n = eval(a)"\ninputs = { a = 1 }\n',
            "table",
            "unknown function 'eval'",
        ),
    ],
)
def test_scene_options_refused_in_words(step: bytes, field: str, words: str) -> None:
    err = problem(step)
    assert err.field is not None
    assert err.field.startswith("step 1" + (f", {field}" if field else ""))
    assert words in err.problem


def test_conv_scene_defaults_and_colour_inputs() -> None:
    plain = ConvScene(input="slides-8x8", kernel="slides-3x3")
    assert plain.in_channels is None
    assert plain.upstream == "ones"
    assert plain.output_shape() == (6, 6)
    colour = ConvScene(input="rgb-scene-32x32", kernel="vertical-edge-5x5")
    assert colour.input_size == (32, 32)
    assert len(colour.input_channels) == 3
    assert colour.output_shape() == (28, 28)
    transposed = ConvScene(
        input=[[1, 2], [3, 4]], kernel="slides-3x3", stride=2, padding=1, output_padding=1,
        mode="transpose",
    )  # fmt: skip
    assert transposed.output_shape() == (4, 4)


def test_conv_quizzes_compute_their_answers_and_prompts() -> None:
    step = Step.model_validate(
        {
            "text": "t",
            "conv": {
                "input": [[1, 5, 2], [3, 4, 0], [6, 1, 2]],
                "kernel": [[1, 1], [1, 1]],
                "stride": 1,
                "mode": "pool-max-backward",
            },
            "quiz": {"ask": "grad_input", "cell": [0, 1]},
        }
    )
    assert step.quiz is not None
    quiz = QuizState(step.quiz, step)
    assert quiz.answer == 2
    assert quiz.question == default_prompt(step.quiz) == "What is ∂L/∂X at input cell (0, 1)?"
    size = Step.model_validate(
        {
            "text": "t",
            "conv": {"input": [[1, 2], [3, 4]], "kernel": "slides-3x3", "mode": "transpose"},
            "quiz": {"ask": "output_size"},
        }
    )
    assert size.quiz is not None
    assert QuizState(size.quiz, size).answer == 4


def test_worked_table_rows() -> None:
    table = TableScene(
        expression="per = k * k * c + 1; total = per * f", inputs={"k": 3, "c": 8, "f": 16}
    )
    assert table.columns == ["name", "formula", "with the numbers", "value"]
    assert table.rows == [
        ["per", "k · k · c + 1", "3 · 3 · 8 + 1", "73"],
        ["total", "per · f", "73 · 16", "1,168"],
    ]
    negative = TableScene(expression="d = a - b - (c - a) / 2**2", inputs={"a": -1, "b": 2, "c": 3})
    assert negative.rows[0][1:] == ["a − b − (c − a) / 2^2", "(-1) − 2 − (3 − (-1)) / 2^2", "-4"]


def test_a_long_worked_table_builds_each_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """199 lines of 25 terms each: one build of one line per row, never the lines before it
    again (which made a hostile table take seconds)."""
    built: list[int] = []
    original = Program.build

    def counting(self: Program, values: Mapping[str, float]) -> Built:
        built.append(len(self.statements))
        return original(self, values)

    monkeypatch.setattr(Program, "build", counting)
    lines = ["a0 = x + 1"] + [f"a{i} = " + " + ".join([f"a{i - 1}"] * 25) for i in range(1, 199)]
    table = TableScene(expression="; ".join(lines), inputs={"x": 1.0})
    assert built == [1] * 199
    assert len(table.rows) == 199
    assert table.rows[1][-1] == "50"
    functions = TableScene(expression="a = tanh(x) + exp(x); b = a * a", inputs={"x": 0.0})
    assert functions.rows[0][1:] == ["tanh(x) + exp(x)", "tanh(0) + exp(0)", "1"]


AUTOENCODER = b'[steps.train]\ndataset = "mnist"\nmodel = "autoencoder"\nepochs = 1\n'


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (AUTOENCODER, "its loss is mse or bce"),
        (AUTOENCODER + b'loss = "hinge"\n', "its loss is mse or bce"),
        (AUTOENCODER.replace(b"mnist", b"moons") + b'loss = "mse"\n', "needs the mnist dataset"),
        (AUTOENCODER + b'loss = "mse"\nbottleneck = 0\n', "greater than or equal to 1"),
        (AUTOENCODER + b'loss = "mse"\nbottleneck = 16000\n', "needs about"),
        (AUTOENCODER + b'loss = "mse"\ninput_noise = 2\n', "less than or equal to 1"),
        (
            b'[steps.train]\ndataset = "mnist"\nmodel = "mlp-8"\nepochs = 1\nbottleneck = 2\n',
            "are for model = 'autoencoder'",
        ),
        (
            b'[steps.train]\ndataset = "mnist"\nmodel = "mlp-8"\nepochs = 1\ninput_noise = 0.5\n',
            "are for model = 'autoencoder'",
        ),
    ],
)
def test_autoencoder_options_refused_in_words(step: bytes, words: str) -> None:
    err = problem(step)
    assert err.field is not None
    assert err.field.startswith("step 1, train")
    assert words in err.problem


def test_an_autoencoder_scene_loads_with_its_options() -> None:
    loaded = parse_lesson(
        lesson(AUTOENCODER + b'loss = "bce"\nbottleneck = 2\ninput_noise = 0.5\n'), "l.toml"
    )
    scene = loaded.steps[0].train
    assert scene is not None
    assert (scene.model, scene.loss, scene.bottleneck, scene.input_noise) == (
        "autoencoder", "bce", 2, 0.5,
    )  # fmt: skip
