"""`Guide` (Qt-free): each action of a guided step is ticked the moment the step's state shows it
happened, and stays ticked."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gradlab.lessons import ConvScene
from gradlab.lessons.actions import Action
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.session import GraphSession
from gradlab.state.guide import Guide, describe
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.run import TrainingRun

SMALL = TrainSettings(points=120, hidden=(4,), batch_size=20, epochs=2)


def test_the_backward_action_is_done_when_the_nodes_grad_is_final() -> None:
    session = GraphSession("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}, "forward")
    guide = Guide([Action(do="backward", node="x"), Action(do="forward", node="q")], session)
    ticks: list[list[bool]] = []
    guide.changed.connect(lambda: ticks.append(list(guide.done)))
    assert guide.done == [False, True]  # "forward" opens with every value shown
    x = session.trace.node("x").id
    while not session.player.snapshot().final[x]:
        assert not guide.done[0]
        session.player.step_forward()
    assert guide.done == [True, True]
    assert ticks == [[True, True]]  # once, at the step that made x's grad final
    session.player.to_start()
    assert guide.finished  # done stays done


def test_the_forward_action_follows_the_values_shown() -> None:
    session = GraphSession("q = x + y; f = q * z", {"x": 1, "y": 2, "z": 3})
    guide = Guide([Action(do="forward", node="f")], session)
    f = session.trace.node("f").id
    while session.player.snapshot().values[f] is None:
        assert not guide.finished
        session.player.step_forward()
    assert guide.finished


def test_set_actions_watch_a_graph_input_a_conv_setting_and_the_epochs() -> None:
    session = GraphSession("f = w * x", {"w": 3, "x": 2})
    on_graph = Guide([Action(do="set", name="w", value=0.5)], session)
    session.set_input("w", 0.4)
    assert not on_graph.finished
    session.set_input("w", 0.5)
    assert on_graph.finished
    scrubber = ConvScrubber.from_scene(ConvScene(input="slides-8x8", kernel="slides-3x3"))
    on_conv = Guide([Action(do="set", name="stride", value=2)], scrubber)
    scrubber.set_padding(2)
    assert not on_conv.finished
    scrubber.set_stride(2)
    assert on_conv.finished
    run = TrainingRun(SMALL)
    on_run = Guide([Action(do="set", name="epochs", value=5)], run)
    run.set_epochs(5)
    assert on_run.finished


def test_a_pools_stride_is_the_pools() -> None:
    scene = ConvScene(input="pooling-4x4", kernel=[[1, 1], [1, 1]], stride=2, mode="pool-max")
    scrubber = ConvScrubber.from_scene(scene)
    guide = Guide([Action(do="set", name="stride", value=1)], scrubber)
    scrubber.set_stride(1)  # the convolution's stride: not what a pool slides by
    assert not guide.finished
    scrubber.set_pool_stride(1)
    assert guide.finished


def test_play_draw_and_compare_on_a_training_run() -> None:
    run = TrainingRun(SMALL)
    guide = Guide([Action(do="play"), Action(do="compare", runs=2)], run)
    run.step()
    assert guide.done == [False, False]  # a single step is not play
    run.play()
    assert guide.done == [True, False]
    run.configure(replace(SMALL, lr=0.1))  # the first run is kept beside the second
    assert guide.done == [True, False]  # the second has not trained yet
    run.step()
    assert guide.finished
    digits = TrainingRun(TrainSettings(dataset="mnist", architecture="linear", batch_size=500))
    drawn = Guide([Action(do="draw")], digits)
    digits.read_digit(np.zeros((28, 28)))  # a test digit read is not a drawing
    assert not drawn.finished
    digits.read_drawing(np.eye(50))
    assert drawn.finished


def test_the_lines_say_what_to_do() -> None:
    assert describe(Action(do="set", name="stride", value=2)) == "Set the stride to 2"
    assert describe(Action(do="set", name="w", value=0.5)) == "Set w to 0.5"
    assert describe(Action(do="backward", node="x")) == "Step the backward pass to x"
    assert describe(Action(do="play", text="Train it")) == "Train it"
    assert describe(Action(do="compare", runs=3)) == "Have 3 runs on the plots to compare"


def test_a_graph_made_into_a_tensor_program_leaves_a_set_action_undone() -> None:
    session = GraphSession("f = w * x", {"w": 3, "x": 2})
    guide = Guide([Action(do="set", name="w", value=0.5)], session)
    assert session.set_expression("w: (2,); x: (2,); f = sum(w * x)")
    assert session.set_input("w", np.array([0.5, 0.5]))  # an array, not the number asked for
    assert not guide.finished
    assert session.set_expression("f = w * x")
    session.set_input("w", 0.5)
    assert guide.finished
