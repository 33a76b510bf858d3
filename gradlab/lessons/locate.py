"""Best-effort: the line of a lesson file where a field path is written.

pydantic reports where a problem is in the data ("steps", 2, "graph", "inputs"), not in the text.
A lesson is written in a few plain shapes (``[[steps]]`` blocks, ``[steps.graph]`` tables, ``key =``
lines), so scanning for them finds the line in almost every real file; when it does not, the
field path alone still names the place.
"""

from __future__ import annotations

import re
from functools import lru_cache

_STEPS = re.compile(r"^\s*\[\[\s*steps\s*\]\]")


@lru_cache(maxsize=2)
def _layout(text: str) -> tuple[list[str], list[int]]:
    """The lines of `text` and where each ``[[steps]]`` starts: split once per file, however many
    problems are looked up in it."""
    lines = text.splitlines()
    return lines, [i for i, line in enumerate(lines) if _STEPS.match(line)]


def field_line(text: str, loc: list[int | str]) -> int | None:
    """The 1-based line where the deepest findable key of `loc` is written, or None."""
    lines, headers = _layout(text)
    start, end = 0, len(lines)
    rest = loc
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        if loc[1] >= len(headers):
            return None
        start = headers[loc[1]]
        later = [i for i in headers if i > start]
        end = later[0] if later else len(lines)
        rest = loc[2:]
    found: int | None = start + 1 if rest is not loc else None
    for key in (part for part in rest if isinstance(part, str)):
        pattern = re.compile(
            rf"^\s*(\[+\s*(steps\.)?{re.escape(key)}\s*\]+|{re.escape(key)}\s*=|.*[{{,]\s*{re.escape(key)}\s*=)"
        )
        hit = next((i for i in range(start, end) if pattern.match(lines[i])), None)
        if hit is None:
            break
        found, start = hit + 1, hit
    return found
