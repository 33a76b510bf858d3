"""`QuizState`: "predict, then reveal", with the answer computed by the engine.

The lesson only names what to ask (a node's grad or value; a conv scene's output size, an output
cell, or a gradient after the whole backward pass); the number comes from recording the step's
graph, from the output-size rules, or from running the conv lab's own `ConvScrubber` (the
engine's conv2d, pools and transposed convolution, and autograd), so a lesson can never carry a
wrong answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from psygnal import Signal

from gradlab.engine.numbers import format_number
from gradlab.lessons.conv_scene import ConvScene
from gradlab.lessons.graphs import build_trace
from gradlab.lessons.schema import Quiz, Step
from gradlab.state.conv.scrubber import ConvScrubber


@dataclass(frozen=True)
class Feedback:
    """What the learner is told after checking an answer."""

    correct: bool
    message: str
    given: float | None


class QuizState:
    """One quiz: the question, the engine's answer, and whether it has been revealed."""

    revealed = Signal()
    """Emitted once, when the answer is shown (the view may then run the scene to the end)."""
    answered = Signal(object)
    """Emitted with the `Feedback` for every checked answer."""

    def __init__(self, quiz: Quiz, step: Step) -> None:
        self.quiz = quiz
        self.answer = compute_answer(quiz, step)
        self.question = quiz.prompt or default_prompt(quiz)
        self.is_revealed = False
        self.attempts = 0

    def check(self, text: str) -> Feedback:
        """Compare a typed answer with the engine's (within the quiz's tolerance)."""
        given = read_number(text)
        if given is None:
            feedback = Feedback(False, "Type a number, for example -4 or 0.25.", None)
        else:
            self.attempts += 1
            correct = abs(given - self.answer) <= self.quiz.tolerance
            shown = show_number(self.answer)
            if correct:
                feedback = Feedback(True, f"Correct: {shown}.", given)
            else:
                direction = "too high" if given > self.answer else "too low"
                feedback = Feedback(
                    False, f"Not quite: {show_number(given)} is {direction}.", given
                )
        self.answered.emit(feedback)
        return feedback

    def reveal(self) -> str:
        """Show the answer; returns it as text."""
        if not self.is_revealed:
            self.is_revealed = True
            self.revealed.emit()
        return show_number(self.answer)


def show_number(x: float) -> str:
    """A whole number in full with thousands separators (a parameter count reads "61,706", not
    "6.171e4"); anything else as `format_number` writes it."""
    if x.is_integer() and 1e4 <= abs(x) < 1e15:
        return f"{int(x):,}"
    return format_number(x)


def compute_answer(quiz: Quiz, step: Step) -> float:
    """The engine's answer to `quiz` about `step`'s scene."""
    if quiz.ask not in {"grad", "value"}:
        if step.conv is None:
            raise ValueError(f"a quiz asking for {quiz.ask} needs a conv scene")
        return conv_answer(quiz, step.conv)
    graph = step.graph
    if graph is None:
        raise ValueError(f"a quiz about a node's {quiz.ask} needs a graph scene")
    trace = build_trace(graph.expression, graph.inputs)
    node = trace.node(quiz.node)
    if quiz.ask == "value":
        return float(node.value)
    grad = trace.snapshot(len(trace)).grads[node.id]
    return 0.0 if grad is None else float(grad)


def conv_answer(quiz: Quiz, conv: ConvScene) -> float:
    """The conv lab's number: the output's rows, an output cell of the first map, or (after the
    whole backward pass) dL/dX of the first channel or dL/dW of the first filter at `quiz.cell`."""
    if quiz.ask == "output_size":
        return float(conv.output_shape()[0])
    lab = ConvScrubber.from_scene(conv)
    if lab.error is not None or lab.output is None:
        raise ValueError(f"the conv scene computes nothing: {lab.error}")
    row, col = quiz.cell
    if quiz.ask == "output":
        return float(lab.output[0, row, col])
    dw, dx = lab.grads_at(lab.length)
    if quiz.ask == "grad_input":
        return float(dx[0, row, col])
    if dw is None:
        raise ValueError("a pool has no weights to ask about")
    return float(dw[0, 0, row, col])


def default_prompt(quiz: Quiz) -> str:
    if quiz.ask == "output_size":
        return "How many rows does the output have?"
    if quiz.ask in {"output", "grad_input", "grad_weight"}:
        row, col = quiz.cell
        what = {
            "output": "the output cell",
            "grad_input": "∂L/∂X at input cell",
            "grad_weight": "∂L/∂W at kernel cell",
        }[quiz.ask]
        return f"What is {what} ({row}, {col})?"
    if quiz.ask == "value":
        return f"What is the value of {quiz.node}?"
    return f"What is the gradient of the output with respect to {quiz.node}?"


_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(,\d{3})+$")


def read_number(text: str) -> float | None:
    """A typed number: "-4", "−4" (a typographic minus), "0,25" or "1/4", and "61,706" (commas
    between groups of three digits separate thousands); None if not a number."""
    cleaned = text.strip().replace("−", "-").replace(" ", "")
    cleaned = cleaned.replace(",", "" if _THOUSANDS.match(cleaned) else ".")
    try:
        if cleaned.count("/") == 1:
            top, bottom = cleaned.split("/")
            number = float(top) / float(bottom)
        else:
            number = float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None
