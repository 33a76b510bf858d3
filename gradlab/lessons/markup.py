"""The images and links named in a step's text (Markdown with inline HTML), found by pattern.

Used to count a step's images (the schema's limit) and to check each against the resource rule
(`gradlab.lessons.resources`). The app does not rely on it: it resolves whatever Qt asks for.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)[^)]*\)?")
_MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_MD_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>")
_ATTRIBUTE = re.compile(
    r"""\b(src|background|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]*)""", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """A resource named in rich text: an image to show or a link to follow."""

    target: str
    image: bool


def references(rich: str) -> list[Reference]:
    """Every image and link named in Markdown with inline HTML, in the order written."""
    found: list[tuple[int, Reference]] = []
    found += [(m.start(), Reference(m.group(1), image=True)) for m in _MD_IMAGE.finditer(rich)]
    # an image inside a link's text ([![logo](a.png)](https://...)) is not the link's target
    linked = _MD_IMAGE.sub(lambda m: " " * len(m.group(0)), rich)
    found += [(m.start(), Reference(m.group(1), image=False)) for m in _MD_LINK.finditer(linked)]
    found += [(m.start(), Reference(m.group(1), image=False)) for m in _AUTOLINK.finditer(rich)]
    for match in _MD_DEFINITION.finditer(rich):
        label = re.escape(match.group(1))
        image = re.search(rf"!\[{label}\]|!\[[^\]]*\]\[{label}\]", rich) is not None
        found.append((match.start(), Reference(match.group(2), image)))
    for match in _ATTRIBUTE.finditer(rich):
        value = html.unescape(next(group for group in match.groups()[1:] if group is not None))
        found.append((match.start(), Reference(value, image=match.group(1).lower() != "href")))
    for match in _CSS_URL.finditer(rich):
        found.append((match.start(), Reference(html.unescape(match.group(1)), image=True)))
    return [reference for _, reference in sorted(found, key=lambda item: item[0])]
