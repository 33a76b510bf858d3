"""Guided steps in the lesson format: actions that fit their scene load, the others are refused
in words, with the step and the action."""

from __future__ import annotations

import pytest

from gradlab.lessons import LessonError, parse_lesson
from gradlab.lessons.actions import COMPARED_RUNS

HEAD = b'id = "k"\ntitle = "K"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'
GRAPH = b'[steps.graph]\nexpression = "q = x + y; f = q * 2"\ninputs = { x = 1, y = 2 }\n'
CONV = b'[steps.conv]\ninput = "slides-8x8"\nkernel = "slides-3x3"\n'
POOL = b'[steps.conv]\ninput = "pooling-4x4"\nkernel = [[1, 1], [1, 1]]\nstride = 2\n'
TRAIN = b'[steps.train]\ndataset = "moons"\nmodel = "mlp-4"\nepochs = 2\n'
MNIST = b'[steps.train]\ndataset = "mnist"\nmodel = "linear"\nbatch_size = 500\nepochs = 1\n'


def lesson(step: bytes) -> bytes:
    return HEAD + b'[[steps]]\ntext = "t"\n' + step


def action(fields: bytes) -> bytes:
    return b"[[steps.actions]]\n" + fields


@pytest.mark.parametrize(
    "step",
    [
        GRAPH + action(b'do = "backward"\nnode = "x"\n'),
        GRAPH + action(b'do = "forward"\nnode = "q"\n'),
        GRAPH + action(b'do = "set"\nname = "x"\nvalue = 3\n'),
        CONV + action(b'do = "set"\nname = "stride"\nvalue = 2\n'),
        CONV + action(b'do = "set"\nname = "padding"\nvalue = 1\n'),
        POOL + b'mode = "pool-max"\n' + action(b'do = "set"\nname = "stride"\nvalue = 1\n'),
        TRAIN + action(b'do = "play"\n') + action(b'do = "compare"\nruns = 2\n'),
        TRAIN + action(b'do = "set"\nname = "epochs"\nvalue = 5\ntext = "Train 5 epochs"\n'),
        MNIST + action(b'do = "play"\n') + action(b'do = "draw"\n'),
    ],
)
def test_actions_that_fit_their_scene_load(step: bytes) -> None:
    parsed = parse_lesson(lesson(step), "lesson.toml")
    assert parsed.steps[0].actions


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (CONV + action(b'do = "backward"\nnode = "x"\n'), "needs a graph scene"),
        (GRAPH + action(b'do = "backward"\nnode = "z"\n'), "'z' is not a node of the graph"),
        (GRAPH + b"backward = false\n" + action(b'do = "backward"\nnode = "x"\n'),
         "needs the backward pass"),
        (GRAPH + action(b'do = "set"\nname = "q"\nvalue = 1\n'), "'q' is not an input"),
        (GRAPH + action(b'do = "set"\nname = "x"\nvalue = 1\n'), "x is 1 already"),
        (GRAPH + action(b'do = "set"\nname = "x"\n'), "needs a value"),
        (GRAPH + action(b'do = "play"\n'), "needs a train scene"),
        (GRAPH + action(b'do = "forward"\nnode = "q"\nvalue = 2\n'), "takes no value"),
        (CONV + action(b'do = "set"\nname = "stride"\nvalue = 9\n'), "from 1 to 8"),
        (CONV + action(b'do = "set"\nname = "stride"\nvalue = 1.5\n'), "whole number"),
        (CONV + action(b'do = "set"\nname = "kernel"\nvalue = 1\n'), "not 'kernel'"),
        (TRAIN + action(b'do = "draw"\n'), "on mnist"),
        (TRAIN + action(b'do = "set"\nname = "lr"\nvalue = 1\n'), "sets epochs, not 'lr'"),
        (TRAIN + action(b'do = "compare"\nruns = 9\n'), f"less than or equal to {COMPARED_RUNS}"),
        (b'[steps.plot]\nfunctions = ["relu"]\n' + action(b'do = "set"\nname = "x"\nvalue = 1\n'),
         "needs a graph, conv or train scene"),
        (TRAIN + action(b'do = "jump"\n'), "'play', 'set'"),
        (TRAIN + action(b'do = "play"\n') * 5, "at most 4 are allowed"),
    ],
)  # fmt: skip
def test_actions_that_cannot_happen_are_refused_in_words(step: bytes, words: str) -> None:
    with pytest.raises(LessonError) as caught:
        parse_lesson(lesson(step), "lesson.toml")
    assert caught.value.field is not None
    assert caught.value.field.startswith("step 1")
    assert words in caught.value.problem
