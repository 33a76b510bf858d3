"""Guided steps: what a step asks the learner to do ("set the stride to 2", "step the backward
pass to x", "press play"), checked against the step's scene so that the app can see it happen.

A step lists its `actions`; the app shows each as a line to tick and ticks it once the learner
has done it (`gradlab.state.guide`). Each kind of action belongs to a kind of scene:

- ``play`` (train): play starts the training;
- ``set`` (graph, conv, train): a graph input, a conv scene's ``stride``, ``padding`` or
  ``dilation``, or a train scene's ``epochs`` reaches ``value``;
- ``forward`` / ``backward`` (graph): the forward pass reaches ``node`` (its value shows), or the
  backward pass does (its gradient is final);
- ``draw`` (train on mnist): the learner writes a digit for the trained network to read;
- ``compare`` (train): ``runs`` runs on the step's dataset are on the plots together (this one
  trained, the others kept from before, see `gradlab.state.train.compare`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal, Protocol

from pydantic import Field

from gradlab.lessons import limits
from gradlab.lessons.base import Model
from gradlab.lessons.conv_scene import ConvScene
from gradlab.lessons.graphs import build_trace, program_inputs

ActionKind = Literal["play", "set", "forward", "backward", "draw", "compare"]
CONV_SETTINGS = ("stride", "padding", "dilation")
TRAIN_SETTINGS = ("epochs",)
COMPARED_RUNS = 4
"""The most runs a comparison shows: the run itself and the three kept before it."""


class GraphScene(Protocol):
    """What an action needs of `gradlab.lessons.schema.GraphScene` (which imports this module)."""

    @property
    def expression(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, float]: ...
    @property
    def backward(self) -> bool: ...


class TrainScene(Protocol):
    """What an action needs of `gradlab.lessons.schema.TrainScene`."""

    @property
    def dataset(self) -> str: ...
    @property
    def epochs(self) -> int | None: ...


class Step(Protocol):
    """What an action needs of `gradlab.lessons.schema.Step`: its scene."""

    @property
    def graph(self) -> GraphScene | None: ...
    @property
    def conv(self) -> ConvScene | None: ...
    @property
    def train(self) -> TrainScene | None: ...


class Action(Model):
    """Something the step asks the learner to do; the step shows it as done once it happens."""

    do: ActionKind = Field(
        description="play (a train scene's training starts), set (a graph input, a conv "
        "scene's stride/padding/dilation or a train scene's epochs reaches `value`), forward or "
        "backward (a graph's pass reaches `node`), draw (a digit is written for an mnist train "
        "scene's network), compare (`runs` runs are on the plots together)."
    )
    node: str = Field(default="", description="forward, backward: a node label, e.g. 'x'.")
    name: str = Field(
        default="",
        description=f"set: a graph input, one of {', '.join(CONV_SETTINGS)} (conv) or "
        f"{', '.join(TRAIN_SETTINGS)} (train).",
    )
    value: float | None = Field(default=None, description="set: the value to reach.")
    runs: int = Field(default=3, ge=2, le=COMPARED_RUNS, description="compare: how many runs.")
    text: str = Field(
        default="",
        max_length=limits.MAX_ACTION_TEXT,
        description="What the step shows (plain text); written from the action if empty.",
    )


def check_action(action: Action, step: Step) -> None:
    """ValueError, in words, if `action` cannot happen in `step`'s scene."""
    if action.do in ("forward", "backward"):
        if step.graph is None:
            raise ValueError(f"a {action.do} action needs a graph scene")
        _check_node(action, step.graph)
    elif action.do == "set":
        _check_setting(action, step)
    elif step.train is None:
        raise ValueError(f"a {action.do} action needs a train scene")
    elif action.do == "draw" and step.train.dataset != "mnist":
        raise ValueError("a draw action needs a train scene on mnist (a digit is drawn)")
    fields = {"node": action.node, "name": action.name, "value": action.value}
    takes = {"forward": ("node",), "backward": ("node",), "set": ("name", "value")}
    wanted = takes.get(action.do, ())
    extra = [key for key, given in fields.items() if given not in ("", None) and key not in wanted]
    if extra:
        raise ValueError(f"a {action.do} action takes no {' or '.join(extra)}")


def _check_node(action: Action, graph: GraphScene) -> None:
    if action.do == "backward" and not graph.backward:
        raise ValueError("a backward action needs the backward pass: drop backward = false")
    trace = build_trace(graph.expression, graph.inputs)
    ids = {node.label: node.id for node in trace.nodes if node.label}
    if action.node not in ids:
        known = ", ".join(sorted(ids))
        raise ValueError(f"node: {action.node!r} is not a node of the graph (nodes: {known})")
    if action.do == "backward" and all(s.node != ids[action.node] for s in trace.backward):
        raise ValueError(f"node: the backward pass never reaches {action.node!r}")


def _check_setting(action: Action, step: Step) -> None:
    if action.value is None:
        raise ValueError("a set action needs a value")
    value, name = action.value, action.name
    if step.graph is not None:
        inputs = program_inputs(step.graph.expression)
        if name not in inputs:
            raise ValueError(f"name: {name!r} is not an input of the graph ({', '.join(inputs)})")
        current = step.graph.inputs.get(name)
    elif step.conv is not None:
        current = _conv_setting(action, step.conv)
    elif step.train is not None:
        current = _train_setting(action, step.train)
    else:
        raise ValueError("a set action needs a graph, conv or train scene")
    if current is not None and math.isclose(current, value, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(f"value: {name} is {value:g} already; ask for another value")


def _conv_setting(action: Action, conv: ConvScene) -> float:
    name, value = action.name, float(action.value or 0.0)
    if name not in CONV_SETTINGS:
        raise ValueError(f"name: a conv scene sets {', '.join(CONV_SETTINGS)}, not {name!r}")
    lowest = 0 if name == "padding" else 1
    if not value.is_integer() or not lowest <= value <= limits.MAX_CONV_STEP:
        raise ValueError(f"value: {name} is a whole number from {lowest} to {limits.MAX_CONV_STEP}")
    current: int = getattr(conv, name)
    return float(current)


def _train_setting(action: Action, train: TrainScene) -> float | None:
    name, value = action.name, float(action.value or 0.0)
    if name not in TRAIN_SETTINGS:
        raise ValueError(f"name: a train scene sets {', '.join(TRAIN_SETTINGS)}, not {name!r}")
    if train.epochs is None:
        raise ValueError("name: epochs can be set only in a scene that trains for epochs")
    if not value.is_integer() or not 1 <= value <= limits.MAX_EPOCHS:
        raise ValueError(f"value: epochs is a whole number from 1 to {limits.MAX_EPOCHS}")
    return float(train.epochs)
