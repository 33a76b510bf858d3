"""`StepPanel`: the lesson's header, the step's Markdown text, its quiz, or a lesson's error.

Markdown images load only from the lesson's folder and resources/ (`resolve_resource`); links open
in the system browser only for http(s), never as local files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from gradlab.gui.quiz import QuizWidget
from gradlab.gui.theme import Theme
from gradlab.gui.typography import STEP_HEADER, STEP_TEXT
from gradlab.lessons import LessonError, resolve_resource
from gradlab.state.quiz import QuizState


class LessonText(QTextBrowser):
    """A read-only Markdown view whose images are confined to the lesson's files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson_path: Path | None = None
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        # keys belong to the window's shortcuts (clicker PageDown/PageUp), not to scrolling
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        if kind != QTextDocument.ResourceType.ImageResource.value or self.lesson_path is None:
            return None
        name = url.path() if isinstance(url, QUrl) else url
        try:
            return QImage(str(resolve_resource(self.lesson_path, name)))
        except LessonError:
            return None

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in {"http", "https"}:
            QDesktopServices.openUrl(url)


class StepPanel(QWidget):
    """Header line, Markdown text and an optional quiz for the current step."""

    quiz_revealed = Signal()
    quiz_solved = Signal()
    """The open quiz's answer became known (revealed, or answered correctly)."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._error = False
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.text = LessonText()
        self.quiz: QuizWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.addWidget(self.header)
        self._layout.addWidget(self.text, 1)
        self.apply_theme(theme)

    def show_step(
        self, lesson_path: Path, header: str, markdown: str, quiz: QuizState | None
    ) -> None:
        self._error = False
        self.text.lesson_path = lesson_path
        self.text.document().clear()  # drop cached images of the previous lesson
        self.header.setText(header)
        self.text.setMarkdown(markdown)
        self._set_quiz(quiz)
        self.apply_theme(self._theme)

    def show_error(self, title: str, error: LessonError) -> None:
        """A broken lesson: its problems in place of the text, in plain words."""
        self._error = True
        self.text.lesson_path = None
        self.header.setText(f"{title}: this lesson could not be loaded")
        problems = "\n".join(f"- {problem}" for problem in error.problems)
        self.text.setMarkdown(f"**{error.path.name}**\n\n{problems}\n\nFix the file and save it.")
        self._set_quiz(None)
        self.apply_theme(self._theme)

    def _set_quiz(self, quiz: QuizState | None) -> None:
        if self.quiz is not None:
            self.quiz.hide()  # deleteLater waits for the event loop; hide it now
            self._layout.removeWidget(self.quiz)
            self.quiz.deleteLater()
            self.quiz = None
        if quiz is not None:
            self.quiz = QuizWidget(quiz, self._theme)
            self.quiz.revealed.connect(self.quiz_revealed)
            self.quiz.solved.connect(self.quiz_solved)
            self._layout.addWidget(self.quiz)

    def apply_theme(self, theme: Theme) -> None:
        """Colours and font sizes; `theme.presenting` enlarges the quiz."""
        self._theme = theme
        font = STEP_TEXT.font(theme, self.font())
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        header_font = STEP_HEADER.font(theme, font)
        header_font.setBold(True)
        self.header.setFont(header_font)
        text_color = theme.bad if self._error else theme.text
        self.header.setStyleSheet(f"color: {theme.bad if self._error else theme.accent};")
        self.text.setStyleSheet(
            f"QTextBrowser {{ background: {theme.panel}; color: {text_color};"
            f" border: none; padding: 4px; }}"
        )
        if self.quiz is not None:
            self.quiz.apply_theme(theme)

    def preferred_height(self) -> int:
        """The height that shows the header, the whole text and the quiz without scrolling."""
        document = self.text.document()
        document.setTextWidth(max(self.text.viewport().width(), 200))
        margins = self._layout.contentsMargins()
        height = self.header.sizeHint().height() + int(document.size().height()) + 16
        if self.quiz is not None:
            height += self.quiz.sizeHint().height()
        return height + margins.top() + margins.bottom() + 2 * self._layout.spacing()
