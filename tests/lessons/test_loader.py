"""The lesson format: bundled lessons load; every broken file gives one plain LessonError."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gradlab.lessons import LessonError, discover, lessons_folder, load_lesson, parse_lesson
from gradlab.lessons.loader import MAX_BYTES
from gradlab.lessons.resources import resolve_resource
from gradlab.lessons.schema import SCHEMA_PATH, json_schema

CHAIN = Path(__file__).parent / "data" / "01-chain-rule.toml"
"""A copy of the starter lesson, so edits to the curriculum do not move these tests."""


def chain_bytes() -> bytes:
    return CHAIN.read_bytes()


def error_of(data: bytes) -> LessonError:
    with pytest.raises(LessonError) as caught:
        parse_lesson(data, "lesson.toml")
    return caught.value


def test_every_bundled_lesson_loads() -> None:
    files = discover(lessons_folder())
    assert len(files) >= 2
    for path in files:
        lesson = load_lesson(path)
        assert lesson.goals
        assert lesson.steps


def test_discovery_orders_by_number_and_ignores_other_files(tmp_path: Path) -> None:
    for name in ("10-b.toml", "2-a.toml", "notes.toml", "03-Upper.toml", "01-c.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in discover(tmp_path)] == ["2-a.toml", "10-b.toml"]


def test_env_variable_chooses_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADLAB_LESSONS", str(tmp_path))
    assert lessons_folder() == tmp_path


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        (b'cursor = "start"', b'cursr = "start"', "step 1, graph.cursr", "did you mean 'cursor'"),
        (b'level = "beginner"\n', b"", "level", "missing"),
        (b'level = "beginner"', b'level = "expert"', "level", "'beginner'"),
        (b'node = "x"', b'node = "w"', "step 3, quiz.node", "not a node of the graph"),
        (
            b'z = -4 }\ncursor = "end"',
            b'z = nan }\ncursor = "end"',
            "step 5, graph.inputs.z",
            "NaN",
        ),
        (
            b'z = -4 }\ncursor = "end"',
            b'z = inf }\ncursor = "end"',
            "step 5, graph.inputs.z",
            "finite",
        ),
        (
            b'x = -2, y = 5, z = -4 }\ncursor = "start"',
            b'x = "-2", y = 5, z = -4 }\ncursor = "start"',
            "step 1, graph.inputs.x",
            "number",
        ),
        (
            b'x = -2, y = 5, z = -4 }\ncursor = "start"',
            b'x = -2, y = 5 }\ncursor = "start"',
            "step 1, graph.inputs",
            "no value given for z",
        ),
    ],
)
def test_field_problems_name_the_field(old: bytes, new: bytes, field: str, words: str) -> None:
    source = chain_bytes()
    assert old in source
    err = error_of(source.replace(old, new, 1))
    assert err.field == field
    assert words in err.problem
    assert "lesson.toml" in str(err)


def test_an_expression_that_does_not_parse_names_line_and_column() -> None:
    source = chain_bytes().replace(b'"q = x + y; f = q * z"', b'"q = x + y; f = foo(q)"', 1)
    err = error_of(source)
    assert err.field == "step 1, graph.expression"
    assert "unknown function 'foo'" in err.problem
    assert "column" in err.problem
    assert err.line is not None
    assert "expression" in source.splitlines()[err.line - 1].decode()


def test_toml_syntax_error_has_line_and_column() -> None:
    err = error_of(chain_bytes().replace(b'level = "beginner"', b"level = beginner"))
    assert (err.line, err.column) == (5, 9)
    assert "not valid TOML" in err.problem


def test_bom_and_bad_bytes_are_named() -> None:
    assert "byte order mark" in error_of(b"\xef\xbb\xbf" + chain_bytes()).problem
    err = error_of(chain_bytes().replace(b"tiny", b"\xff\xfe"))
    assert "UTF-8" in err.problem
    assert err.line == 13


def test_kernel_larger_than_padded_input() -> None:
    lesson = b"""id = "k"\ntitle = "K"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]
[[steps]]
text = "t"
[steps.conv]
input = "pooling-4x4"
kernel = "vertical-edge-5x5"
"""
    err = error_of(lesson)
    assert err.field == "step 1, conv.kernel"
    assert "larger than the input (4x4)" in err.problem
    parse_lesson(
        lesson.replace(
            b'kernel = "vertical-edge-5x5"', b'kernel = "vertical-edge-5x5"\npadding = 1'
        )
    )


def test_two_scenes_in_one_step_are_refused() -> None:
    source = chain_bytes().replace(
        b'cursor = "start"', b'cursor = "start"\n[steps.plot]\nfunctions = ["relu"]', 1
    )
    assert "at most one scene" in error_of(source).problem


def test_huge_file_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "01-huge.toml"
    path.write_bytes(b"# " + b"x" * (10 * MAX_BYTES) + b"\n")
    start = time.perf_counter()
    with pytest.raises(LessonError, match="larger than"):
        load_lesson(path)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "data",
    [
        b"a = " + b"[" * 100_000 + b"]" * 100_000,
        b"a = " + b"{b = " * 50_000 + b"1" + b"}" * 50_000,
        b"a" + b".a" * 400_000 + b" = 1",
        b"[a" + b".a" * 400_000 + b"]\n",
        b"a = " + b"[" * 30 + b"]" * 30,
    ],
)
def test_deep_nesting_refused_quickly(data: bytes) -> None:
    start = time.perf_counter()
    err = error_of(data)
    assert "nest" in err.problem
    assert time.perf_counter() - start < 1.0


def test_resources_are_confined(tmp_path: Path) -> None:
    lesson = tmp_path / "01-a.toml"
    lesson.write_text("", encoding="utf-8")
    (tmp_path / "pic.png").write_bytes(b"png")
    assert resolve_resource(lesson, "pic.png") == (tmp_path / "pic.png").resolve()
    assert resolve_resource(lesson, "mnist10k.npz").name == "mnist10k.npz"
    outside = tmp_path.parent / "secret.txt"
    outside.write_text("no", encoding="utf-8")
    for name in ("../secret.txt", str(outside), "", "sub/../../secret.txt"):
        with pytest.raises(LessonError):
            resolve_resource(lesson, name)


def test_lesson_files_are_never_written(tmp_path: Path) -> None:
    path = tmp_path / "01-chain.toml"
    path.write_bytes(chain_bytes())
    path.chmod(0o444)
    before = path.stat().st_mtime_ns
    load_lesson(path)
    assert path.stat().st_mtime_ns == before


def test_json_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        "resources/lesson.schema.json is stale: run python -m gradlab.lessons.schema"
    )


def test_a_known_key_in_the_wrong_table_is_sent_home(tmp_path: Path) -> None:
    lesson = tmp_path / "01-misplaced.toml"
    lesson.write_text(
        'id = "x"\ntitle = "t"\nsummary = "s"\nlevel = "beginner"\ngoals = ["g"]\n'
        '[[steps]]\ntext = "hi"\n[steps.graph]\nexpression = "f = x * 2"\n'
        'inputs = { x = 1 }\npanels = ["text"]\n',
        encoding="utf-8",
    )
    with pytest.raises(LessonError) as caught:
        load_lesson(lesson)
    assert caught.value.line == 11
    assert "'panels' does not belong here: it is a key of [[steps]]" in str(caught.value)
