"""The resource rule: only regular files of bounded size in the lesson's folder or resources/,
never through a link out, never blocking; every reference in rich text is found for check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gradlab.lessons import LessonError, parse_lesson, read_resource, resource_problems
from gradlab.lessons.files import NotReadableError, read_regular
from gradlab.lessons.markup import Reference, references
from gradlab.lessons.resources import MAX_RESOURCE_BYTES


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "pic.png").write_bytes(b"png")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.png").write_bytes(b"deep")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (folder / "link.png").symlink_to(secret)
    (folder / "inside-link.png").symlink_to(folder / "pic.png")
    os.mkfifo(folder / "pipe.png")
    (folder / "big.png").write_bytes(b"\0" * (MAX_RESOURCE_BYTES + 1))
    return folder / "01-a.toml"


def test_files_in_the_folder_and_resources_are_read(lesson: Path) -> None:
    assert read_resource(lesson, "pic.png") == b"png"
    assert read_resource(lesson, "sub/deep.png") == b"deep"
    assert read_resource(lesson, "inside-link.png") == b"png"
    assert read_resource(lesson, "lesson.schema.json").startswith(b"{")  # gradlab's resources/


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("link.png", "leads outside"),
        ("../secret.png", "leads outside"),
        ("sub/../../secret.png", "leads outside"),
        ("/dev/zero", "relative"),
        ("pipe.png", "FIFO"),
        ("sub", "folder"),
        ("big.png", "larger than 5 MB"),
        ("missing.png", "not a file in the lesson's folder"),
        ("", "relative"),
    ],
)
def test_everything_else_is_refused_without_blocking(lesson: Path, name: str, words: str) -> None:
    with pytest.raises(LessonError, match=words):
        read_resource(lesson, name)


def test_read_regular_names_what_a_path_is(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    for path, words in (
        (tmp_path / "pipe", "FIFO"),
        (tmp_path, "folder"),
        (Path("/dev/zero"), "device"),
    ):
        with pytest.raises(NotReadableError, match=words):
            read_regular(path, 100)
    (tmp_path / "link").symlink_to(tmp_path / "pipe")
    with pytest.raises(NotReadableError, match="symbolic link"):
        read_regular(tmp_path / "link", 100, follow_links=False)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("![a](b.png 'title') and [l](http://y)", [("b.png", True), ("http://y", False)]),
        ("[![logo](a.png)](https://x.org)", [("https://x.org", False), ("a.png", True)]),
        ("![r]\n\n[r]: ../x.png", [("../x.png", True)]),
        ("[r]\n\n[r]: ../x.png", [("../x.png", False)]),
        ('<img src="&#47;dev&#47;zero">', [("/dev/zero", True)]),
        ("<a href=file:///etc/passwd>x</a>", [("file:///etc/passwd", False)]),
        ('<p style="background-image: url(../s.png)">', [("../s.png", True)]),
        ("<table background='t.png'>", [("t.png", True)]),
        ("<https://ok.org>", [("https://ok.org", False)]),
        ("plain text, x < y > z", []),
    ],
)
def test_references_in_markdown_and_html(text: str, found: list[tuple[str, bool]]) -> None:
    assert references(text) == [Reference(target, image) for target, image in found]


def test_check_names_the_field_and_line_of_each_bad_reference(lesson: Path) -> None:
    text = (
        'id = "a"\ntitle = "A"\nsummary = ""\nlevel = "beginner"\ngoals = ["g"]\n'
        '[[steps]]\ntext = """\nFine: ![p](pic.png) and [web](https://example.org).\n'
        'Not: ![s](link.png)\n"""\n'
        '[[steps]]\ntitle = "Caption <b>bold</b>"\ntext = "[file](file:///etc/passwd)"\n'
    )
    problems = resource_problems(parse_lesson(text.encode()), lesson, text)
    assert [(p.field, p.line) for p in problems] == [
        ("step 1, text", 9),
        ("step 2, title", 12),
        ("step 2, text", 13),
    ]
    assert "link.png" in problems[0].message
    assert "<b>" in problems[1].message
    assert "http or https" in problems[2].message
