"""Reading lesson files: every way a file can be wrong becomes one `LessonError` in plain words.

Files are only ever read, and only regular files of at most `MAX_BYTES` inside their folder
(`gradlab.lessons.files`): a FIFO, a device, a folder or a link out is named, never opened for
reading. tomllib raises TOMLDecodeError but also RecursionError, ValueError and
UnicodeDecodeError, and accepts nan/inf; all of that, and every pydantic problem, is turned into a
`LessonError` naming the file, the line (where it can be found) or the field path, and the problem.
Thousands of problems (a file of unknown keys) cost one pass: the first `MAX_PROBLEMS` are
described, the rest counted.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from gradlab.data.resources import bundled
from gradlab.lessons import schema
from gradlab.lessons.conv_scene import ConvScene
from gradlab.lessons.files import NotReadableError, read_regular
from gradlab.lessons.layers import Layer
from gradlab.lessons.locate import field_line
from gradlab.lessons.schema import Lesson
from gradlab.lessons.table_scene import ModelSummary, TableScene

MAX_BYTES = 1_000_000
MAX_DEPTH = 24
"""Tables and arrays nested deeper than this are refused (a lesson needs about six levels)."""
MAX_PROBLEMS = 8
"""Problems described one by one; any more are counted in one last problem."""

LESSON_NAME = re.compile(r"^(\d{1,4})-([a-z0-9][a-z0-9-]*)\.toml$")
RESOURCES = bundled("resources")
"""gradlab's own resources/, the one folder besides its own that a lesson may load from."""
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file: where (field path and/or line) and what."""

    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class LessonError(Exception):
    """Everything wrong with one lesson file, the first problem leading."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        first = self.problems[0]
        self.problem, self.field, self.line, self.column = (
            first.message,
            first.field,
            first.line,
            first.column,
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}, {problem}" for problem in self.problems)


def load_lesson(path: Path | str) -> Lesson:
    """Read and validate one lesson file; raises LessonError on any problem."""
    path = Path(path)
    return parse_lesson(read_lesson_file(path), path)


def read_lesson_file(path: Path | str) -> bytes:
    """The bytes of a lesson file: a regular file of at most `MAX_BYTES` in its own folder (a
    link may point at a file beside it, not elsewhere); LessonError otherwise."""
    path = Path(path)
    try:
        if not path.resolve().is_relative_to(path.parent.resolve()):
            raise NotReadableError("is a link to a file outside its folder")
        return read_regular(path, MAX_BYTES)
    except NotReadableError as err:
        raise LessonError(path, [Problem(str(err))]) from None
    except OSError as err:
        raise LessonError(path, [Problem(f"cannot be read ({err.strerror or err})")]) from None


def parse_lesson(data: bytes, path: Path | str = "<lesson>") -> Lesson:
    """Validate the bytes of a lesson file (what `load_lesson` does after reading)."""
    text = _decode(data, path)
    raw = _parse_toml(text, path)
    depth = _depth(raw)
    if depth > MAX_DEPTH:
        message = f"tables or arrays are nested {depth} deep; a lesson needs at most {MAX_DEPTH}"
        raise LessonError(path, [Problem(message)])
    try:
        return Lesson.model_validate(raw)
    except ValidationError as err:
        raise LessonError(path, _problems(err, text)) from None
    except RecursionError:
        raise LessonError(path, [Problem("the structure is nested too deeply")]) from None
    except MemoryError:
        message = "needs more memory than this computer has to check"
        raise LessonError(path, [Problem(message)]) from None


def lessons_folder() -> Path:
    """GRADLAB_LESSONS if set, else the lessons shipped with gradlab (`bundled`)."""
    configured = os.environ.get("GRADLAB_LESSONS", "").strip()
    return Path(configured).expanduser() if configured else bundled("lessons")


def discover(folder: Path | str) -> list[Path]:
    """The entries named `NN-slug.toml` in `folder`, ordered by their number; other names are
    ignored. Anything with a lesson's name is listed, so a FIFO or a folder called
    ``03-x.toml`` is reported by the loader instead of silently missing."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = LESSON_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry))
    return [entry for _, _, entry in sorted(found)]


def _decode(data: bytes, path: Path | str) -> str:
    if len(data) > MAX_BYTES:
        message = f"is larger than {MAX_BYTES // 1_000_000} MB; a lesson file is far smaller"
        raise LessonError(path, [Problem(message)])
    if data.startswith(BOM):
        message = "starts with a byte order mark (BOM): save the file as UTF-8 without BOM"
        raise LessonError(path, [Problem(message, line=1, column=1)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        message = f"is not UTF-8 text (byte 0x{data[err.start]:02x}); save it as UTF-8"
        raise LessonError(path, [Problem(message, line=line, column=column)]) from None


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


# A key written with many dots (a.b.c...) costs tomllib time quadratic in the dots: refuse long
# ones before parsing. Keys start a line (after `[` or `[[`) or follow `{` or `,` in inline tables.
_DEEP_KEY = re.compile(
    rf"""(?:^|[\[{{,])\s*(?:(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')\s*\.\s*){{{MAX_DEPTH},}}""",
    re.MULTILINE,
)


def _parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    deep = _DEEP_KEY.search(text)
    if deep:
        message = f"a key with more than {MAX_DEPTH} dots nests too deeply for a lesson"
        at = text.count("\n", 0, deep.start()) + 1
        raise LessonError(path, [Problem(message, line=at)])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_WHERE.search(message)
        line: int | None = None
        column: int | None = None
        if match:
            message = message[: match.start()]
            if match.group(1):
                line, column = int(match.group(1)), int(match.group(2))
            else:
                line = text.count("\n") + 1
        problem = Problem(f"not valid TOML: {message[:1].lower()}{message[1:]}", "", line, column)
        raise LessonError(path, [problem]) from None
    except RecursionError:
        message = f"tables or arrays are nested too deeply (a lesson needs at most {MAX_DEPTH})"
        raise LessonError(path, [Problem(message)]) from None
    except ValueError as err:
        raise LessonError(path, [Problem(f"not valid TOML: {err}")]) from None


def _depth(root: object) -> int:
    """How deeply tables and arrays nest (iteratively, so any depth is measured safely)."""
    deepest = 0
    pending: list[tuple[object, int]] = [(root, 0)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return deepest


def _problems(err: ValidationError, text: str) -> list[Problem]:
    """The first `MAX_PROBLEMS` problems described (finding a line scans the text, so only for
    those), then how many more there are, so thousands of bad keys cost one pass."""
    problems: list[Problem] = []
    seen: set[str] = set()
    unknown = more = 0
    details = err.errors(include_url=False)
    # a union (a model's name or a list of layers) reports every alternative; where one of them
    # has a real problem, "should be a valid string" from the others is noise
    mismatched = any(detail["type"].endswith("_type") for detail in details)
    specific = (
        {_branch(d["loc"]) for d in details if not d["type"].endswith("_type")}
        if mismatched
        else set()
    )
    for detail in details:
        kind = detail["type"]
        unknown += kind == "extra_forbidden"
        if mismatched and kind.endswith("_type") and _branch(detail["loc"]) in specific:
            continue
        if len(problems) == MAX_PROBLEMS:
            more += 1
            continue
        loc = [part for part in detail["loc"] if _is_key(part)]
        if kind == "extra_forbidden":  # the last part is the key as written, whatever it holds
            loc = [part for part in detail["loc"][:-1] if _is_key(part)] + [detail["loc"][-1]]
        message, extra_loc = _message(detail, loc)
        loc += extra_loc
        field = field_path(loc)
        if field in seen:
            continue  # one problem per field: a union reports each alternative
        seen.add(field)
        problems.append(Problem(message, field, field_line(text, loc)))
    if more:
        keys = f" ({unknown:,} keys a lesson does not know in all)" if unknown > 1 else ""
        problems.append(Problem(f"and {more:,} more problems{keys}"))
    return problems


def _branch(loc: tuple[int | str, ...]) -> tuple[int | str, ...] | None:
    """The location of the union a problem was found in (None outside unions)."""
    tag = next((i for i, part in enumerate(loc) if not _is_key(part)), None)
    return None if tag is None else loc[:tag]


def _is_key(part: int | str) -> bool:
    # pydantic adds the union member or validator name to loc ("str", "function-after[...]")
    return isinstance(part, int) or (part not in _TYPE_TAGS and "[" not in part)


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "constrained-str"}


def _message(detail: ErrorDetails, loc: list[int | str]) -> tuple[str, list[int | str]]:
    kind, message = detail["type"], detail["msg"]
    if kind == "missing":
        return f"the required key '{loc[-1]}' is missing", []
    if kind == "extra_forbidden":
        key = str(loc[-1])
        homes = [table for table, model in _TABLES.items() if key in _model_keys(model)]
        if homes:
            return f"'{key}' does not belong here: it is a key of {' and '.join(homes)}", []
        close = difflib.get_close_matches(key, _ALL_KEYS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{key}' is not a key a lesson knows{hint}", []
    if kind == "too_long":
        context = detail.get("ctx") or {}
        actual, most = context.get("actual_length"), context.get("max_length")
        if isinstance(actual, int) and isinstance(most, int):
            return f"has {actual:,} items; at most {most:,} are allowed", []
    if kind == "finite_number":
        return "NaN and infinity are not allowed here: write a finite number", []
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        prefix = re.match(r"^([a-z_]+(?:\.[a-z_]+)*): ", message)
        if prefix:
            return message[prefix.end() :], list(prefix.group(1).split("."))
        return message, []
    return message.replace("Input should be", "should be"), []


def field_path(loc: list[int | str]) -> str:
    """("steps", 2, "graph", "inputs") -> "step 3, graph.inputs" (counting from 1, as people do)."""
    words: list[str] = []
    rest = loc
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        words.append(f"step {loc[1] + 1}")
        rest = loc[2:]
    dotted = ""
    for part in rest:
        dotted += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if dotted else part)
    if dotted:
        words.append(dotted)
    return ", ".join(words)


def _model_keys(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


_TABLES: dict[str, type[BaseModel]] = {
    "the top level": schema.Lesson,
    "[[steps]]": schema.Step,
    "[steps.graph]": schema.GraphScene,
    "[steps.conv]": ConvScene,
    "[steps.train]": schema.TrainScene,
    "a train layer": Layer,
    "[steps.plot]": schema.PlotScene,
    "[steps.table]": TableScene,
    "[steps.table.model]": ModelSummary,
    "[steps.quiz]": schema.Quiz,
}
"""Where each key of the format belongs, so a key in the wrong table can be sent home."""
_ALL_KEYS = sorted(set().union(*(_model_keys(model) for model in _TABLES.values())))
