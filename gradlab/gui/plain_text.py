"""Lesson text shown as exactly the characters written, never as markup.

A QLabel (and a tooltip) guesses whether its text is rich text, and rich text loads every
`<img src=...>` it names, from any path, through Qt's own file reading: a lesson title of
``<img src="/dev/zero">`` would freeze or kill the window. Every label that shows lesson text
is made with `plain_label`; where a widget only takes rich text (tooltips), `rich_text_of`
escapes the text so no tag of the lesson's survives.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows `text` (and anything set later) as plain text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def rich_text_of(text: str) -> str:
    """`text` as rich text that shows the same characters and line breaks, and loads nothing."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
