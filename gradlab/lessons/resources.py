"""What a lesson may load: only regular files in its folder or resources/, of bounded size.

gradlab alone resolves every resource a lesson names. The app shows images through
`read_resource` (it never lets Qt open a path itself) and a placeholder for anything refused;
`gradlab check` runs `resource_problems` over the lesson, so every reference that would show a
placeholder (an image outside the folder, at a FIFO or /dev/zero, a URL, a link to a local file)
is refused there with its field and line. Only a step's `text` is rich (Markdown with inline
HTML); every other string is shown as plain text, so markup in it is refused as a mistake.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from gradlab.lessons.files import NotReadableError, kind_of, read_regular
from gradlab.lessons.loader import MAX_PROBLEMS, RESOURCES, LessonError, Problem, field_path
from gradlab.lessons.locate import field_line
from gradlab.lessons.markup import Reference, references
from gradlab.lessons.schema import Lesson

MAX_RESOURCE_BYTES = 5_000_000
"""An image a lesson shows is at most 5 MB."""
LINK_SCHEMES = ("http", "https")
"""The only links the app opens (after asking): web pages, never local files."""

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def resource_roots(lesson_path: Path | str) -> tuple[Path, Path]:
    """The only folders a lesson's resources come from: its own, and gradlab's resources/ (the
    installed package's copy, else the repository's: `gradlab.data.resources.bundled`)."""
    return Path(lesson_path).parent.resolve(), RESOURCES.resolve()


def resolve_resource(lesson_path: Path | str, name: str) -> Path:
    """The regular file (at most `MAX_RESOURCE_BYTES`) a lesson names, found in its folder or in
    resources/ without following links out of them; LessonError otherwise."""
    try:
        return _locate(Path(lesson_path), name)
    except NotReadableError as err:
        raise LessonError(lesson_path, [Problem(f"{name!r} {err}")]) from None


def read_resource(lesson_path: Path | str, name: str) -> bytes:
    """The bytes of a resource `resolve_resource` allows (never blocking, never more than the
    limit, even if the file changed meanwhile); LessonError otherwise."""
    path = resolve_resource(lesson_path, name)
    try:
        return read_regular(path, MAX_RESOURCE_BYTES, follow_links=False)
    except (NotReadableError, OSError) as err:
        raise LessonError(lesson_path, [Problem(f"{name!r} cannot be read: {err}")]) from None


def reference_problem(lesson_path: Path, reference: Reference) -> str | None:
    """Why the app would not show (or open) `reference`, or None when it would."""
    target = reference.target.strip()
    scheme = _SCHEME.match(target)
    if not reference.image:
        if scheme and scheme.group(1).lower() in LINK_SCHEMES:
            return None
        return f"the link {target!r} would not open: links open web pages (http or https) only"
    if scheme:
        return f"the image {target!r} is not shown: images come from the lesson's folder only"
    name = unquote(target.split("#", 1)[0].split("?", 1)[0])
    try:
        _locate(lesson_path, name)
    except NotReadableError as err:
        return f"the image {name!r} is not shown: it {err}"
    return None


def resource_problems(lesson: Lesson, lesson_path: Path | str, text: str) -> list[Problem]:
    """Every reference in `lesson` that would not load, and markup in its plain-text fields,
    with the field and (best effort) the line of the file `text`: the first `MAX_PROBLEMS`
    described (finding a line scans the text), the rest counted."""
    lesson_path = Path(lesson_path)
    found: list[tuple[list[int | str], str, Reference | None]] = []
    more = 0
    for loc, value, rich in _strings(lesson):
        for message, reference in _string_problems(lesson_path, value, rich):
            if len(found) < MAX_PROBLEMS:
                found.append((loc, message, reference))
            else:
                more += 1
    problems = []
    for loc, message, reference in found:
        line = field_line(text, loc)
        if reference is not None:
            line = _line_of(text, reference, line)
        problems.append(Problem(message, field_path(loc), line))
    if more:
        problems.append(Problem(f"and {more:,} more problems"))
    return problems


def _string_problems(
    lesson_path: Path, value: str, rich: bool
) -> list[tuple[str, Reference | None]]:
    if not rich:
        tag = _TAG.search(value)
        if tag is None:
            return []
        return [(f"is shown as plain text: {tag.group(0)!r} would appear as typed", None)]
    found: list[tuple[str, Reference | None]] = []
    for reference in references(value):
        problem = reference_problem(lesson_path, reference)
        if problem is not None:
            found.append((problem, reference))
    return found


def _locate(lesson_path: Path, name: str) -> Path:
    relative = Path(name)
    if not name or relative.is_absolute() or relative.drive:
        raise NotReadableError("must be a path relative to the lesson's folder")
    for root in resource_roots(lesson_path):
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root):
            raise NotReadableError("leads outside the lesson's folder")
        try:
            info = os.stat(candidate)
        except OSError:
            continue
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise NotReadableError(kind)
        if info.st_size > MAX_RESOURCE_BYTES:
            raise NotReadableError(f"is larger than {MAX_RESOURCE_BYTES / 1e6:g} MB")
        return candidate
    raise NotReadableError("is not a file in the lesson's folder or in resources/")


def _strings(lesson: Lesson) -> list[tuple[list[int | str], str, bool]]:
    """(field location, string, is rich text) for every string a learner sees."""
    found: list[tuple[list[int | str], str, bool]] = [
        (["title"], lesson.title, False),
        (["summary"], lesson.summary, False),
    ]
    found += [(["goals", i], goal, False) for i, goal in enumerate(lesson.goals)]
    for index, step in enumerate(lesson.steps):
        at: list[int | str] = ["steps", index]
        found += [([*at, "title"], step.title, False), ([*at, "text"], step.text, True)]
        if step.quiz is not None:
            found.append(([*at, "quiz", "prompt"], step.quiz.prompt, False))
        table = step.table
        if table is None:
            continue
        found.append(([*at, "table", "caption"], table.caption, False))
        if table.model is None:  # a model's table is computed, not written
            found += [([*at, "table", "columns", i], c, False) for i, c in enumerate(table.columns)]
            found += [
                ([*at, "table", "rows", r], cell, False)
                for r, row in enumerate(table.rows)
                for cell in row
                if isinstance(cell, str)
            ]
    return found


def _line_of(text: str, reference: Reference, field_at: int | None) -> int | None:
    """The line where the reference is written, searching from its field's line."""
    lines = text.splitlines()
    start = (field_at or 1) - 1
    hit = next((i for i in range(start, len(lines)) if reference.target in lines[i]), None)
    return field_at if hit is None else hit + 1
