"""Hypothesis: whatever the bytes, the loader returns a Lesson or raises LessonError, quickly."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.lessons import Lesson, LessonError, parse_lesson
from gradlab.lessons.schema import Step

CHAIN_STEP = '[[steps]]\ntext = "t"\n[steps.graph]\nexpression = "q = x + y; f = q * z"\n'
TIME_LIMIT = 2.0


def outcome(data: bytes) -> Lesson | LessonError:
    start = time.perf_counter()
    try:
        result: Lesson | LessonError = parse_lesson(data, "fuzz.toml")
    except LessonError as err:
        result = err
    assert time.perf_counter() - start < TIME_LIMIT
    if isinstance(result, LessonError):
        assert str(result).startswith("fuzz.toml, ")
        assert result.problem
    return result


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    outcome(data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]{}=.,\"'#\n abc123-_", max_size=400))
def test_random_toml_punctuation(text: str) -> None:
    outcome(text.encode())


scalars = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.booleans(),
)
keys = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "level",
        "goals",
        "steps",
        "text",
        "graph",
        "expression",
        "inputs",
        "cursor",
        "quiz",
        "ask",
        "node",
        "plot",
        "functions",
        "table",
        "columns",
        "rows",
        "conv",
        "input",
        "kernel",
        "stride",
        "padding",
        "x",
        "y",
        "z",
        "extra",
    ]
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=20,
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # nan, inf and -inf are TOML too
    if isinstance(value, str):
        return (
            '"'
            + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode()
            + '"'
        )
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + "}"
    return str(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, max_size=8))
def test_random_structured_lessons(document: dict[str, Any]) -> None:
    text = "\n".join(f'"{k}" = {toml_value(v)}' for k, v in document.items())
    outcome(text.encode())


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["x", "y", "z", "w"]), st.floats(-10, 10), max_size=4),
    st.sampled_from(["start", "forward", "end", 3, -1]),
)
def test_random_graph_steps(inputs: dict[str, float], cursor: object) -> None:
    body = ", ".join(f"{k} = {v!r}" for k, v in inputs.items())
    text = (
        'id = "f"\ntitle = "F"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'
        + CHAIN_STEP
        + f"inputs = {{ {body} }}\ncursor = {toml_value(cursor)}\n"
    )
    result = outcome(text.encode())
    if isinstance(result, Lesson):
        step: Step = result.steps[0]
        assert step.graph is not None
        assert set(step.graph.inputs) == {"x", "y", "z"}
