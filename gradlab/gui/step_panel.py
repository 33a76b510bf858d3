"""`StepPanel`: the lesson's header, the step's Markdown text, a guided step's actions (each
ticked when the learner has done it), its quiz, or a lesson's error.

gradlab alone resolves what the step text names: images are read by `read_resource` (regular
files in the lesson's folder or resources/, bounded in bytes and pixels) and anything else shows
as a placeholder; Qt itself never opens a path. Links open in the system browser only for
http(s), after asking, never as local files. The header is plain text and a lesson's errors are
escaped, so no markup of a lesson's ever reaches a rich-text renderer.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import cache
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QImageReader,
    QPainter,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from gradlab.gui.plain_text import plain_label
from gradlab.gui.quiz import QuizWidget
from gradlab.gui.theme import Theme
from gradlab.gui.typography import STEP_HEADER, STEP_TEXT
from gradlab.lessons import LessonError, read_resource
from gradlab.state.guide import Guide
from gradlab.state.quiz import QuizState

MAX_IMAGE_PIXELS = 4096 * 4096
"""A lesson image's decoded size is checked from its header before decoding (a small PNG can
declare gigapixels)."""
MAX_STEP_PIXELS = 4 * MAX_IMAGE_PIXELS
"""All the images of one step's text together (256 MB decoded); the rest show placeholders."""
PLACEHOLDER_SIZE = QSize(48, 32)
LINK_SCHEMES = frozenset({"http", "https"})


@cache
def placeholder() -> QImage:
    """What stands for an image the lesson may not show: a grey box, crossed out (one image,
    shared however many references a text has)."""
    image = QImage(PLACEHOLDER_SIZE, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 200, 200))
    painter = QPainter(image)
    painter.setPen(QColor(120, 120, 120))
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.drawLine(0, 0, image.width() - 1, image.height() - 1)
    painter.drawLine(0, image.height() - 1, image.width() - 1, 0)
    painter.end()
    return image


def decode_image(data: bytes, most: int = MAX_IMAGE_PIXELS) -> QImage | None:
    """The image in `data`, or None if it is not one or declares more than `most` pixels."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > min(most, MAX_IMAGE_PIXELS):
        return None
    image = reader.read()
    return None if image.isNull() else image


class LessonText(QTextBrowser):
    """A read-only Markdown view whose images are confined to the lesson's files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson_path: Path | None = None
        self.pixels_left = MAX_STEP_PIXELS
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.confirmation: QMessageBox | None = None
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        # keys belong to the window's shortcuts (clicker PageDown/PageUp), not to scrolling
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        # Qt reads any resource this declines (None) itself, from any path, a FIFO or /dev/zero
        # included: never decline. Images come from the lesson's files, everything else is empty.
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return QByteArray(b" ")
        url = url if isinstance(url, QUrl) else QUrl(url)
        if self.lesson_path is None or url.scheme() or url.host():
            return placeholder()
        try:
            image = decode_image(read_resource(self.lesson_path, url.path()), self.pixels_left)
        except LessonError:
            image = None
        if image is None:
            return placeholder()
        self.pixels_left -= image.width() * image.height()
        return image

    def show_markdown(self, lesson_path: Path | None, markdown: str) -> None:
        """A new text: cached images of the previous one dropped, the pixel budget renewed."""
        self.lesson_path = lesson_path
        self.pixels_left = MAX_STEP_PIXELS
        self.document().clear()
        self.setMarkdown(markdown)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() not in LINK_SCHEMES:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Open a web page?",
            f"The lesson links to\n\n{url.toString()}\n\nOpen it in your browser?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.buttonClicked.connect(
            lambda button: (
                self.open_url(url)
                if box.standardButton(button) == QMessageBox.StandardButton.Open
                else None
            )
        )
        self.confirmation = box
        box.open()  # window-modal, never a nested event loop


class HoldLines(QObject):
    """Keeps a word-wrapped widget at least as tall as its lines at its width: squeezed, a
    label's last line is cut off (a short projector's step panel), while the step text beside it
    can scroll instead."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            hold_lines(watched)
        return False


def hold_lines(widget: QWidget) -> None:
    # a label's height for a width is never below its minimum: measure without it, or a
    # narrow moment's lines would stay held at every wider width after
    widget.setMinimumHeight(0)
    needed = max(widget.heightForWidth(widget.width()), 0)
    widget.setMinimumHeight(needed)


class GuideList(QWidget):
    """A guided step's actions, one line each, as plain text: "☐ Set the stride to 2", ticked
    ("☑ ... done") when the step's `Guide` sees it happen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guide: Guide | None = None
        """Kept here: the guide lives as long as its step is shown."""
        self.lines: list[QLabel] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self._layout.setSpacing(0)
        self._theme: Theme | None = None

    def set_guide(self, guide: Guide | None) -> None:
        if self.guide is not None:
            self.guide.changed.disconnect(self._refresh)
        for line in self.lines:
            self._layout.removeWidget(line)
            line.hide()  # deleted only when the event loop gets to it: not drawn till then
            line.deleteLater()
        self.guide = guide
        self.lines = []
        if guide is not None:
            self.lines = [plain_label() for _ in guide.lines]
            for line in self.lines:
                line.setWordWrap(True)
                self._layout.addWidget(line)
            guide.changed.connect(self._refresh)
        self.setVisible(guide is not None)
        self._refresh()

    def _refresh(self) -> None:
        guide, theme = self.guide, self._theme
        if guide is None or theme is None:
            return
        for line, text, done in zip(self.lines, guide.lines, guide.done, strict=True):
            line.setText(f"☑ {text}: done" if done else f"☐ {text}")
            line.setStyleSheet(f"color: {theme.good if done else theme.text};")

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        for line in self.lines:
            font = STEP_TEXT.font(theme, line.font())
            font.setBold(True)
            line.setFont(font)
        self._refresh()
        hold_lines(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # squeezed, the wrapped lines were drawn over each other
        hold_lines(self)


class StepPanel(QWidget):
    """Header line, Markdown text, a guided step's actions and an optional quiz for the current
    step."""

    quiz_revealed = Signal()
    quiz_solved = Signal()
    """The open quiz's answer became known (revealed, or answered correctly)."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._error = False
        self.header = plain_label()  # lesson and step titles, as written
        self.header.setWordWrap(True)
        self._hold = HoldLines(self)
        self.header.installEventFilter(self._hold)
        self.text = LessonText()
        self.guide = GuideList()
        self.guide.hide()
        self.quiz: QuizWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.addWidget(self.header)
        self._layout.addWidget(self.text, 1)
        self._layout.addWidget(self.guide)
        self.apply_theme(theme)

    def show_step(
        self,
        lesson_path: Path,
        header: str,
        markdown: str,
        quiz: QuizState | None,
        guide: Guide | None = None,
    ) -> None:
        self._error = False
        self.header.setText(header)
        self.text.show_markdown(lesson_path, markdown)
        self.guide.set_guide(guide)
        self._set_quiz(quiz)
        self.apply_theme(self._theme)

    def show_error(self, title: str, error: LessonError) -> None:
        """A broken lesson: its problems in place of the text, in plain words."""
        self._error = True
        self.text.lesson_path = None
        self.header.setText(f"{title}: this lesson could not be loaded")
        # the problems quote the file (a key, a value): escaped, never read as Markdown or HTML
        problems = "".join(f"<li>{html.escape(str(problem))}</li>" for problem in error.problems)
        self.text.document().clear()
        self.text.setHtml(
            f"<p><b>{html.escape(error.path.name)}</b></p><ul>{problems}</ul>"
            "<p>Fix the file and save it.</p>"
        )
        self.guide.set_guide(None)
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
        hold_lines(self.header)  # another font: other lines at the same width
        text_color = theme.bad if self._error else theme.text
        self.header.setStyleSheet(f"color: {theme.bad if self._error else theme.accent};")
        self.text.setStyleSheet(
            f"QTextBrowser {{ background: {theme.panel}; color: {text_color};"
            f" border: none; padding: 4px; }}"
        )
        self.guide.apply_theme(theme)
        if self.quiz is not None:
            self.quiz.apply_theme(theme)

    def preferred_height(self) -> int:
        """The height that shows the header, the whole text and the quiz without scrolling."""
        document = self.text.document()
        document.setTextWidth(max(self.text.viewport().width(), 200))
        margins = self._layout.contentsMargins()
        # the header's lines at its width: a wrapped label's size hint guesses a narrow one (three
        # lines where a 1080p projector shows one, 78 pixels the scene went without)
        header = self.header.heightForWidth(max(self.header.width(), 200))
        header = header if header > 0 else self.header.sizeHint().height()
        height = header + int(document.size().height()) + 16
        if self.guide.guide is not None:
            lines = self.guide.heightForWidth(max(self.guide.width(), 200))
            height += lines if lines > 0 else self.guide.sizeHint().height()
        height += self.quiz_height()
        return height + margins.top() + margins.bottom() + 2 * self._layout.spacing()

    def quiz_height(self) -> int:
        """The quiz's height at its width (0 without one): its size hint guesses the question's
        lines at a narrower width, 41 pixels too many beside the answer box at 1024."""
        if self.quiz is None:
            return 0
        fitted = self.quiz.heightForWidth(self.quiz.width()) if self.quiz.width() > 0 else -1
        return fitted if fitted > 0 else self.quiz.sizeHint().height()
