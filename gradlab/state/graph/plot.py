"""`PlotState`: functions of x sampled by the engine, with their derivatives and SymPy formulas.

Values and slopes come from the real engine (build the graph at each x, run backward, read x's
grad), and the derivative's formula from `gradlab.check` (SymPy), so the curve a learner sees is
the derivative the engine uses, relu's 0 at the kink included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gradlab.check import cross_check
from gradlab.engine.expr import ExpressionError, Program, parse
from gradlab.lessons.schema import PlotScene, plot_expression

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Curve:
    """One function sampled on a grid: f(x) and f'(x), NaN where undefined (log at x ≤ 0)."""

    name: str
    formula: str
    """The function as written for people, e.g. "sigmoid(x)"."""
    derivative_formula: str
    """d/dx from SymPy, e.g. "1 - tanh(x)**2"; empty if it could not be derived anywhere."""
    xs: FloatArray
    ys: FloatArray
    slopes: FloatArray


class PlotState:
    """The state of a plot step: a fixed set of curves (nothing steps, so no cursor)."""

    cursor = None

    def __init__(self, scene: PlotScene) -> None:
        self.scene = scene
        self.show_derivatives = scene.derivatives
        low, high = scene.x_range
        xs = np.linspace(low, high, scene.samples)
        self.curves = tuple(sample(function, xs) for function in scene.functions)


def sample(function: str, xs: FloatArray) -> Curve:
    """Sample `function` (a name like "relu" or an expression in x) and its slope at every x."""
    text = plot_expression(function)
    program = parse(text)
    ys = np.full(xs.shape, math.nan)
    slopes = np.full(xs.shape, math.nan)
    formula = ""
    for i, x in enumerate(xs):
        point = _at(program, float(x))
        if point is None:
            continue
        ys[i], slopes[i] = point
        if not formula:
            formula = _derivative_formula(program, float(x))
    return Curve(function, _shown(text), formula, xs, ys, slopes)


def _at(program: Program, x: float) -> tuple[float, float] | None:
    try:
        built = program.build({"x": x} if program.inputs else {})
        built.output.backward()
    except (ExpressionError, ArithmeticError, ValueError):
        return None
    grad = built.inputs["x"].grad if "x" in built.inputs else 0.0
    return built.output.data, grad


def _derivative_formula(program: Program, x: float) -> str:
    built = program.build({"x": x} if program.inputs else {})
    if "x" not in built.inputs:
        return "0"
    return cross_check(built.output, built.inputs).leaf("x").formula


def _shown(text: str) -> str:
    # "f = x**2 - 1" reads as the right-hand side on a plot legend
    return text.split("=", 1)[1].strip() if "=" in text and ";" not in text else text
