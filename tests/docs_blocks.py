"""The code blocks of the repository's Markdown files, for the tests that run them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [*sorted(ROOT.glob("docs/*.md")), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]

_BLOCK = re.compile(
    r"(?:<!-- docs-test: (?P<name>[\w-]+) -->\n)?^```(?P<lang>\w*)[^\n]*\n(?P<code>.*?)^```",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, its name (from a ``<!-- docs-test: NAME -->`` line just
    above it, "" if none) and its text, with the line it starts on for messages."""

    path: Path
    line: int
    lang: str
    name: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("lang")) + 1
        found.append(Block(path, line, match["lang"], match["name"] or "", match["code"]))
    return found


def named(path: Path) -> dict[str, Block]:
    return {block.name: block for block in blocks(path) if block.name}
