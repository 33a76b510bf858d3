"""Lesson 17's digit steps say what their runs do: the numbers quoted in the text are those of the
run the step trains (the lesson's own settings, seed and epochs)."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.engine.tensor import Tensor
from gradlab.lessons import Step, lessons_folder, load_lesson
from gradlab.state.train.config import settings_from_scene
from gradlab.state.train.run import TrainingRun

pytestmark = pytest.mark.slow


def lesson_step(title: str) -> Step:
    lesson = load_lesson(lessons_folder() / "17-autoencoders.toml")
    (step,) = (s for s in lesson.steps if s.title == title)
    assert step.train is not None
    return step


def trained(title: str) -> tuple[TrainingRun, list[float]]:
    """The step's run to its last epoch, and its test loss before training and after each epoch."""
    step = lesson_step(title)
    assert step.train is not None
    run = TrainingRun(settings_from_scene(step.train), stats=False)
    assert run.latest_evaluation is not None
    losses = [run.latest_evaluation.loss]
    while not run.finished:
        run.step()
        if run.test_loss.last is not None and len(run.test_loss) == len(losses):
            losses.append(run.test_loss.last)
    return run, losses


def quoted(text: str, *numbers: str) -> None:
    flat = " ".join(text.split())
    for number in numbers:
        assert number in flat, f"the text no longer quotes {number!r}"


def test_the_digit_autoencoders_losses_are_those_the_text_quotes() -> None:
    step = lesson_step("An autoencoder learns digits")
    quoted(step.text, "8,000 MNIST digits", "2,000 test digits", "test loss is 0.23")
    quoted(step.text, "every rebuilt pixel is about 0.5", "after one epoch it is about 0.03")
    quoted(step.text, "after three about 0.016")
    run, losses = trained(step.title)
    assert (len(run.data.x_train), len(run.data.x_test)) == (8000, 2000)
    assert run.epochs_done == 3
    assert round(losses[0], 2) == 0.23
    assert round(losses[1], 2) == 0.03
    assert round(losses[3], 3) == 0.016
    assert run.settings.bottleneck == 32
    untrained = run.snapshots.items[0]
    run.model.load_state_dict(untrained.state)
    run.model.eval()
    pixels = run.model(Tensor(run.data.x_test[:200])).data
    assert abs(float(pixels.mean()) - 0.5) < 0.05
    assert float(np.abs(pixels - 0.5).max()) < 0.25


def test_the_denoising_autoencoders_test_loss_is_the_one_quoted() -> None:
    step = lesson_step("Denoising digits")
    quoted(step.text, "standard deviation 0.5", "about 0.024 after three epochs")
    run, losses = trained(step.title)
    assert run.settings.input_noise == 0.5
    assert len(losses) == 4
    assert round(losses[3], 3) == 0.024
