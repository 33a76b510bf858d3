"""The lesson format: pydantic models of one TOML lesson file (unknown keys are errors).

A lesson has an id, title, summary, level, goals and steps; each step has Markdown `text` and at
most one scene (`graph`, `conv`, `train`, `plot`, `table` or `network`), plus optional `panels`, a
`quiz` and the `actions` of a guided step (`gradlab.lessons.actions`). The conv and table scenes
and a model's layers have their own modules (`conv_scene`, `table_scene`, `layers`).
Cross-field facts (a quiz node exists in the expression, a kernel fits its padded input) are
checked here, so every problem carries its field path. Run ``python -m gradlab.lessons.schema``
to regenerate resources/lesson.schema.json for editors.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from gradlab.data import DATASETS
from gradlab.data.resources import bundled
from gradlab.lessons import limits, presets
from gradlab.lessons.actions import Action, check_action
from gradlab.lessons.base import Model
from gradlab.lessons.conv_scene import ConvScene, check_conv_quiz
from gradlab.lessons.graphs import check_graph, graph_labels, program_inputs
from gradlab.lessons.layers import BUDGET, Layer, Width
from gradlab.lessons.markup import references
from gradlab.lessons.table_scene import TableScene
from gradlab.nn.models import autoencoder_widths

SCHEMA_PATH = bundled("resources") / "lesson.schema.json"

Level = Literal["beginner", "intermediate", "advanced"]
Panel = Literal["text", "transport", "editor", "explain", "check"]
"""Panels a step can show: the step text, the transport bar, and the graph lab's own panels."""
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]


class GraphScene(Model):
    """A scalar computation graph to step through, e.g. ``f = (x + y) * z``."""

    expression: str = Field(description="The safe expression language: 'q = x + y; f = q * z'.")
    inputs: dict[str, float] = Field(description="One number per free name of the expression.")
    cursor: Literal["start", "forward", "backward", "end"] | Annotated[int, Field(ge=0)] = Field(
        default="start",
        description="Where the step starts: 'forward' shows every value with the backward pass "
        "not begun ('backward' is the same), 'end' shows everything; a number is a step count.",
    )
    backward: bool = Field(
        default=True,
        description="false for a step that only computes (a count of parameters, a size): the "
        "transport stops once the output is known, and no derivative is shown.",
    )

    @model_validator(mode="after")
    def _builds(self) -> Self:
        check_graph(self.expression, self.inputs)
        return self


class TrainScene(Model):
    """A small model trained live on a dataset."""

    dataset: str = Field(description=f"One of {', '.join(DATASETS)}.")
    model: Slug | Annotated[list[Layer], Field(min_length=1, max_length=limits.MAX_LAYERS)] = Field(
        description="A preset name (mlp, mlp-8-8 with hidden widths, "
        f"{', '.join(presets.ARCHITECTURES[1:])}) or a list of layers. {BUDGET}"
    )
    loss: Literal["mse", "bce", "cross_entropy", "hinge"] = "cross_entropy"
    optimizer: Literal["sgd", "momentum", "adam"] = "sgd"
    lr: float = Field(default=0.03, gt=0, le=10)
    batch_size: int = Field(default=16, ge=1, le=limits.MAX_BATCH)
    epochs: int | None = Field(default=None, ge=1, le=limits.MAX_EPOCHS)
    steps: int | None = Field(default=None, ge=1, le=limits.MAX_TRAIN_STEPS)
    seed: int = Field(default=0, ge=0)
    l2: float = Field(default=0.0, ge=0, le=1, description="Weight decay (L2 penalty).")
    noise: float = Field(
        default=0.0, ge=0, le=0.5, description="Label noise of a playground set (over-fitting)."
    )
    points: int = Field(
        default=500, ge=20, le=limits.MAX_POINTS, description="Size of a playground set."
    )
    bottleneck: Width | None = Field(
        default=None,
        description="model = 'autoencoder' only: how many numbers the code has "
        f"(default {presets.AUTOENCODER_CODE}).",
    )
    input_noise: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="model = 'autoencoder' only: a denoising autoencoder, its inputs corrupted "
        "by Gaussian noise of this standard deviation (its target stays the clean digit).",
    )

    @field_validator("dataset")
    @classmethod
    def _known_dataset(cls, name: str) -> str:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r} (datasets: {', '.join(DATASETS)})")
        return name

    @model_validator(mode="after")
    def _one_length(self) -> Self:
        if (self.epochs is None) == (self.steps is None):
            raise ValueError("give exactly one of 'epochs' and 'steps'")
        return self

    @model_validator(mode="after")
    def _model_fits(self) -> Self:
        try:
            limits.check_train_model(self.model, self.dataset, self.batch_size)
        except ValueError as err:
            raise ValueError(f"model: {err}") from None
        return self

    @model_validator(mode="after")
    def _autoencoder(self) -> Self:
        """The autoencoder's options belong to it, and it needs a loss that compares pixels."""
        if self.model != "autoencoder":
            if self.bottleneck is not None or self.input_noise:
                raise ValueError("bottleneck and input_noise are for model = 'autoencoder'")
            return self
        if self.loss not in {"mse", "bce"}:
            raise ValueError("loss: an autoencoder rebuilds its input, so its loss is mse or bce")
        code = self.bottleneck or presets.AUTOENCODER_CODE
        widths = autoencoder_widths(math.prod(limits.IMAGE_SHAPE), presets.AUTOENCODER_HIDDEN, code)
        examples = limits.training_examples(self.dataset, self.batch_size)
        try:
            limits.check_budget(
                limits.mlp_cost(widths), copies=limits.LAB_COPIES, examples=examples
            )
        except ValueError as err:
            raise ValueError(f"bottleneck: {err}") from None
        return self


class PlotScene(Model):
    """Functions of x and their derivatives, e.g. activation functions."""

    functions: list[str] = Field(
        min_length=1,
        max_length=limits.MAX_PLOT_FUNCTIONS,
        description="Names (relu, sigmoid, ...) or expressions in x ('x**2 - 1').",
    )
    derivatives: bool = True
    x_range: list[Annotated[float, Field(ge=-limits.MAX_PLOT_X, le=limits.MAX_PLOT_X)]] = Field(
        default=[-4.0, 4.0], min_length=2, max_length=2
    )
    samples: int = Field(default=201, ge=11, le=limits.MAX_SAMPLES)

    @field_validator("functions")
    @classmethod
    def _one_variable(cls, functions: list[str]) -> list[str]:
        for function in functions:
            others = [name for name in program_inputs(plot_expression(function)) if name != "x"]
            if others:
                raise ValueError(f"{function!r} may only use x, not {', '.join(others)}")
        return functions

    @model_validator(mode="after")
    def _range(self) -> Self:
        low, high = self.x_range
        if low >= high:
            raise ValueError("x_range: must go from a smaller to a larger number")
        if high - low < limits.MIN_PLOT_WIDTH:
            raise ValueError(
                f"x_range: spans {high - low:g}; a plot spans at least {limits.MIN_PLOT_WIDTH:g}"
            )
        return self


def plot_expression(function: str) -> str:
    """A plot function as an expression in x: a bare function name means name(x)."""
    name = function.strip()
    return f"{name}(x)" if name.isidentifier() and name != "x" else name


MAX_NETWORK_NODES = 12_000
"""The most nodes a network scene's graph may have (micrograd's MLP(2, [16, 16, 1]) on 16 points
has 10,676); counted by arithmetic before anything is built."""


class NetworkScene(Model):
    """A small MLP's whole computation graph, built in code: with scalars (one node per number, as
    micrograd builds it, collapsed into layers and neurons) or with tensors (one node per matrix
    op, with shapes)."""

    values: Literal["scalar", "tensor"] = Field(
        description="'scalar': micrograd's graph of single numbers, collapsed into layers and "
        "neurons that open one level at a time; 'tensor': one node per matrix op."
    )
    layers: list[Annotated[int, Field(ge=1, le=32)]] = Field(
        min_length=2,
        max_length=6,
        description="Layer sizes from the input to the one output: [2, 4, 1].",
    )
    points: int = Field(default=3, ge=1, le=64, description="How many data points (the batch).")
    activation: Literal["relu", "tanh", "sigmoid"] = Field(
        default="tanh", description="Of the hidden layers; the last layer is linear."
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    cursor: Literal["start", "forward", "backward", "end"] | Annotated[int, Field(ge=0)] = "start"

    @property
    def node_count(self) -> int:
        """The number of nodes the graph will have (the builder is held to this by a test)."""
        return network_nodes(self.values, self.layers, self.points)

    @model_validator(mode="after")
    def _small_enough(self) -> Self:
        if self.layers[-1] != 1:
            raise ValueError("layers: the last layer is the one output, of size 1")
        count = self.node_count
        if count > MAX_NETWORK_NODES:
            raise ValueError(
                f"this network's graph would have {count:,} nodes, at most "
                f"{MAX_NETWORK_NODES:,}: fewer points or smaller layers"
            )
        return self


def network_nodes(values: str, layers: list[int], points: int) -> int:
    """Nodes in the graph of an MLP with these layer sizes on `points` points and a squared
    error loss averaged over them."""
    pairs = list(itertools.pairwise(layers))
    last = len(pairs) - 1
    if values == "tensor":
        # X, Y; per layer W, b, X@W, +b (and the activation but after the last); loss: −, ², mean
        return 2 + sum(4 + (i < last) for i in range(len(pairs))) + 3
    parameters = sum((n_in + 1) * n_out for n_in, n_out in pairs)
    # per neuron and point: n_in products and n_in sums onto the bias, then the activation
    per_point = sum(n_out * (2 * n_in + (i < last)) for i, (n_in, n_out) in enumerate(pairs))
    # per point: its inputs, its target, the error (−), its square and the running sum (+);
    # then the sum's start (0), 1/n and the mean (×)
    return parameters + points * (layers[0] + per_point + 4) + 3


ConvAsk = Literal["output_size", "output", "grad_input", "grad_weight"]
CONV_ASKS = ("output_size", "output", "grad_input", "grad_weight")


class Quiz(Model):
    """Predict, then reveal: the answer is computed from the engine, never typed in the lesson."""

    ask: Literal["grad", "value"] | ConvAsk = Field(
        description="A node's grad or value (of the step's graph); of the step's conv scene: "
        "the output size (rows), an output cell ('output'), after the whole backward pass dL/dX "
        "at an input cell ('grad_input') or dL/dW at a kernel cell ('grad_weight'), all of the "
        "first channel and filter."
    )
    node: str = Field(default="", description="For grad and value: a node label, e.g. 'x'.")
    cell: list[Annotated[int, Field(ge=0, le=limits.MAX_GRID_SIDE * limits.MAX_CONV_STEP)]] = Field(
        default=[],
        max_length=2,
        description="For output, grad_input and grad_weight: [row, col], counted from 0 as "
        "the lab shows them.",
    )
    prompt: str = Field(default="", description="The question; a default is written if empty.")
    tolerance: float = Field(default=0.01, gt=0, description="Accepted absolute error.")


class Step(Model):
    """One screen of a lesson: text and at most one scene."""

    title: str = ""
    text: str = Field(
        description="Markdown; images come from the lesson's folder or resources/, at most "
        f"{limits.MAX_TEXT_IMAGES} a step."
    )
    graph: GraphScene | None = None
    conv: ConvScene | None = None
    train: TrainScene | None = None
    plot: PlotScene | None = None
    table: TableScene | None = None
    network: NetworkScene | None = None
    panels: list[Panel] | None = Field(default=None, description="Visible panels; all if absent.")
    quiz: Quiz | None = None
    actions: list[Action] = Field(
        default=[],
        max_length=limits.MAX_ACTIONS,
        description="A guided step: what the learner is asked to do in the scene (press play, "
        "set a value, step a pass to a node, draw a digit, compare runs); each shows as a line "
        "that is ticked when it happens.",
    )

    @property
    def scene(
        self,
    ) -> GraphScene | ConvScene | TrainScene | PlotScene | TableScene | NetworkScene | None:
        return self.graph or self.conv or self.train or self.plot or self.table or self.network

    @field_validator("text")
    @classmethod
    def _few_images(cls, text: str) -> str:
        images = sum(reference.image for reference in references(text))
        most = limits.MAX_TEXT_IMAGES
        if images > most:
            raise ValueError(f"names {images:,} images; a step shows at most {most}")
        return text

    @model_validator(mode="after")
    def _one_scene(self) -> Self:
        given = [
            name
            for name in ("graph", "conv", "train", "plot", "table", "network")
            if getattr(self, name)
        ]
        if len(given) > 1:
            raise ValueError(f"a step has at most one scene, this one has {' and '.join(given)}")
        if self.quiz is not None:
            _check_quiz(self.quiz, self)
        for index, action in enumerate(self.actions):
            try:
                check_action(action, self)
            except ValueError as err:
                raise ValueError(f"actions[{index}]: {err}") from None
        return self


class Lesson(Model):
    """One lesson file."""

    id: Slug
    title: str = Field(min_length=1, max_length=120)
    summary: str
    level: Level
    goals: list[str] = Field(min_length=1, description="What the learner can do afterwards.")
    steps: list[Step] = Field(min_length=1, max_length=limits.MAX_STEPS)


def _check_quiz(quiz: Quiz, step: Step) -> None:
    if quiz.ask in CONV_ASKS:
        check_conv_quiz(quiz.ask, list(quiz.cell), step.conv)
        return
    if step.graph is None:
        raise ValueError(f"a quiz about a node's {quiz.ask} needs a graph scene")
    if quiz.ask == "grad" and not step.graph.backward:
        raise ValueError("a quiz about a grad needs the backward pass: drop backward = false")
    labels = graph_labels(step.graph.expression, step.graph.inputs)
    if quiz.node not in labels:
        known = ", ".join(sorted(labels))
        raise ValueError(f"quiz.node: {quiz.node!r} is not a node of the graph (nodes: {known})")


def json_schema() -> str:
    """The JSON Schema of a lesson file, as written to resources/lesson.schema.json."""
    schema = Lesson.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gradlab lesson"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Regenerate resources/lesson.schema.json."""
    SCHEMA_PATH.write_text(json_schema(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
