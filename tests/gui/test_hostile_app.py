"""The app on a folder of hostile lessons (tests/hostile.py) and one good lesson: it starts, lists
every broken lesson with its error, opens the good one, and walks every lesson and step without
reading a file outside the lesson folder and resources/, hanging or dying.

Each test runs under a timeout that also ends a hang inside Qt's C++ code (a FIFO opened by
Qt's own file reading would block there, where no Python signal handler runs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import CASES, SECRET_SIZE, Hostile, build, png
from open_watch import OpenWatch
from PySide6.QtCore import QPoint, QSettings, QUrl
from PySide6.QtGui import QImage, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip
from pytestqt.qtbot import QtBot

import gradlab
from gradlab.gui import step_panel
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.scenes import MessageView, make_view
from gradlab.gui.step_panel import PLACEHOLDER_SIZE, LessonText
from gradlab.gui.theme import LIGHT
from gradlab.lessons import PlotScene, limits, resource_roots
from gradlab.state.graph.plot import PlotState
from gradlab.state.session import Session

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120, method="thread")]

DATA = Path(__file__).parents[1] / "lessons" / "data"


class OpenAudit:
    """Python's "open" audit events while `active` (an audit hook cannot be removed once added,
    so one instance is installed once and switched on and off)."""

    installed: OpenAudit | None = None

    def __init__(self) -> None:
        self.active = False
        self.paths: list[Path] = []

    @classmethod
    def get(cls) -> OpenAudit:
        if cls.installed is None:
            cls.installed = cls()
            sys.addaudithook(cls.installed)
        return cls.installed

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if self.active and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            # links resolved, so a link in the folder to a file elsewhere counts as elsewhere
            self.paths.append(Path(os.path.realpath(os.fsdecode(args[0]))))


def allowed_roots(folder: Path) -> tuple[Path, ...]:
    """Where the app may read while it shows lessons, and why:

    - the lesson folder and gradlab's resources/ (the resource rule's own roots);
    - gradlab's own modules, some of which import only when first needed;
    - Python's installation (sys.base_prefix: the standard library) and the virtual environment
      (sys.prefix: the installed packages): opening the first graph imports SymPy from there.

    Measured: nothing else is opened from Python. Qt's own reads (fonts, plugins) are C++ and
    not audited; the outside folder is watched by inotify for those.
    """
    roots = {
        *resource_roots(folder / "01-good.toml"),
        Path(gradlab.__file__).resolve().parent,
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
    }
    return tuple(sorted(roots))


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    return build(tmp_path)


@pytest.fixture
def outside_watch(hostile: Hostile) -> Iterator[OpenWatch]:
    watch = OpenWatch(hostile.outside)
    yield watch
    watch.close()


def open_window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def show_everything(window: MainWindow) -> None:
    """Paint the window (labels lay out, the step text loads its images) and show the lesson
    list's tooltip of the current lesson, as hovering would."""
    QApplication.processEvents()
    window.grab()
    row = window.lesson_list.currentRow()
    item = window.lesson_list.item(row)
    QToolTip.showText(window.mapToGlobal(QPoint(20, 20)), item.toolTip(), window.lesson_list)
    QApplication.processEvents()
    QToolTip.hideText()


def walk(window: MainWindow) -> None:
    session = window.session
    for index, entry in enumerate(session.entries):
        session.open_lesson(index)
        show_everything(window)
        for step in range(1, entry.step_count):
            session.go_to_step(step)
            show_everything(window)


def document_images(text: LessonText) -> list[QImage]:
    """Every image the step text shows, as its document resolved it."""
    document = text.document()
    images: list[QImage] = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment_format = fragments.fragment().charFormat()
            if fragment_format.isImageFormat():
                name = QTextImageFormat(fragment_format).name()
                resource = document.resource(
                    QTextDocument.ResourceType.ImageResource.value, QUrl(name)
                )
                images.append(resource if isinstance(resource, QImage) else QImage(resource))
            fragments += 1
        block = block.next()
    return images


def test_the_app_starts_lists_the_errors_and_opens_the_good_lesson(
    qtbot: QtBot, settings: QSettings, hostile: Hostile, outside_watch: OpenWatch
) -> None:
    session = Session.from_folder(hostile.folder)
    window = open_window(qtbot, session, settings)
    names = [entry.path.name for entry in session.entries]
    assert names == ["01-good.toml", *(case.file for case in CASES)]
    assert window.lesson_list.count() == len(names)
    for row, case in enumerate(CASES, start=1):
        listed = window.lesson_list.item(row).text()
        assert listed.startswith("⚠") != case.loads, case.file
    session.open_lesson(0)
    assert isinstance(window.view, GraphLab)
    assert window.step_panel.header.text().startswith("The chain rule")
    for row, case in enumerate(CASES, start=1):
        if case.loads:
            continue
        session.open_lesson(row)
        assert window.step_panel.header.text().endswith("could not be loaded"), case.file
        assert isinstance(window.view, MessageView)
        shown = window.step_panel.text.toPlainText()
        assert case.file in shown
    assert outside_watch.opened() == []


def test_walking_every_hostile_lesson_reads_nothing_outside(
    qtbot: QtBot, settings: QSettings, hostile: Hostile, outside_watch: OpenWatch
) -> None:
    audit = OpenAudit.get()
    audit.paths.clear()
    audit.active = True
    try:
        window = open_window(qtbot, Session.from_folder(hostile.folder), settings)
        walk(window)
    finally:
        audit.active = False
    assert outside_watch.opened() == []  # Qt's C++ reads included
    roots = allowed_roots(hostile.folder)
    outside = [p for p in audit.paths if not any(p.is_relative_to(root) for root in roots)]
    assert outside == []
    assert not any(p.is_relative_to(hostile.outside) for p in audit.paths)
    assert any(p.parent == hostile.folder for p in audit.paths)  # the audit saw the lessons


def test_images_that_may_not_load_show_a_placeholder(
    qtbot: QtBot, settings: QSettings, hostile: Hostile
) -> None:
    (hostile.folder / "pic.png").write_bytes(png(20, 10))
    (hostile.folder / "bomb.png").write_bytes(png(100_000, 100_000, pixels=False))
    window = open_window(qtbot, Session.from_folder(hostile.folder), settings)
    text = window.step_panel.text
    shown = "![ok](pic.png) ![bomb](bomb.png) ![data](mnist10k.npz)"
    window.step_panel.show_step(hostile.folder / "01-good.toml", "Pictures", shown, None)
    window.grab()
    sizes = [(image.width(), image.height()) for image in document_images(text)]
    placeholder = (PLACEHOLDER_SIZE.width(), PLACEHOLDER_SIZE.height())
    assert sizes == [(20, 10), placeholder, placeholder]
    for case in CASES:
        session = window.session
        index = session.index_of(hostile.folder / case.file)
        session.open_lesson(index)
        window.grab()
        for image in document_images(text):
            assert (image.width(), image.height()) != SECRET_SIZE, case.file
            assert (image.width(), image.height()) == placeholder, case.file


def test_the_images_of_one_step_share_a_pixel_budget(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(png(20, 10))
    monkeypatch.setattr(step_panel, "MAX_STEP_PIXELS", 250)  # room for one 20 × 10 image
    text = LessonText()
    qtbot.addWidget(text)
    text.show()
    for _ in range(2):  # the budget is renewed with every text
        text.show_markdown(tmp_path / "01-a.toml", "![a](a.png) ![b](b.png)")
        text.grab()
        sizes = [(image.width(), image.height()) for image in document_images(text)]
        assert sizes == [(20, 10), (PLACEHOLDER_SIZE.width(), PLACEHOLDER_SIZE.height())]


def test_links_open_only_web_pages_and_only_after_asking(qtbot: QtBot) -> None:
    text = LessonText()
    qtbot.addWidget(text)
    opened: list[QUrl] = []
    text.open_url = opened.append
    for local in ("file:///etc/passwd", "relative/file.toml", "javascript:alert(1)"):
        text.anchorClicked.emit(QUrl(local))
        assert text.confirmation is None
    page = QUrl("https://example.org/backprop")
    text.anchorClicked.emit(page)
    box = text.confirmation
    assert box is not None
    assert box.isVisible()
    button = box.button(QMessageBox.StandardButton.Cancel)
    button.click()
    assert opened == []
    text.anchorClicked.emit(page)
    assert text.confirmation is not None
    text.confirmation.button(QMessageBox.StandardButton.Open).click()
    assert opened == [page]


def test_an_open_lesson_replaced_by_a_fifo_shows_its_error(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name in ("01-a.toml", "02-b.toml"):
        shutil.copy(DATA / "01-chain-rule.toml", folder / name)
    window = open_window(qtbot, Session.from_folder(folder), settings)
    window.session.open_lesson(0)
    (folder / "01-a.toml").unlink()
    os.mkfifo(folder / "01-a.toml")
    qtbot.waitUntil(lambda: "FIFO" in window.step_panel.text.toPlainText(), timeout=15_000)
    assert window.step_panel.header.text().endswith("could not be loaded")
    window.session.open_lesson(1)
    assert isinstance(window.view, GraphLab)


@pytest.mark.parametrize(
    "x_range",
    [
        [-limits.MAX_PLOT_X, limits.MAX_PLOT_X],
        [0.0, limits.MIN_PLOT_WIDTH],
        [limits.MAX_PLOT_X - 2 * limits.MIN_PLOT_WIDTH, limits.MAX_PLOT_X],
    ],
)
def test_plots_at_the_range_limits_draw(
    qtbot: QtBot, qt_warnings: list[str], x_range: list[float]
) -> None:
    scene = PlotScene(functions=["relu", "x ** 100", "exp(x)", "1 / x"], x_range=x_range)
    view = make_view(PlotState(scene), LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.grab()


LOOK = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gradlab.cli import main
from gradlab.gui.main_window import MainWindow

def look():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows or windows[0].view is None:
        QTimer.singleShot(50, look)
        return
    window = windows[0]
    entries = window.session.entries
    broken = sum(entry.error is not None for entry in entries)
    print(len(entries), broken, window.session.lesson_index, type(window.view).__name__)
    window.close()

app = QApplication(sys.argv[:1])
QTimer.singleShot(0, look)
sys.exit(main([]))
"""


def test_gradlab_lessons_folder_of_hostile_lessons_starts_the_app(
    hostile: Hostile, tmp_path: Path
) -> None:
    """`GRADLAB_LESSONS=folder gradlab`, the real entry point, in its own process: a MemoryError
    while loading used to end it with a traceback and no window."""
    env = {
        **os.environ,
        "GRADLAB_LESSONS": str(hostile.folder),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the app's settings, not the user's
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-c", LOOK],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    broken = sum(not case.loads for case in CASES)
    assert done.stdout.split() == [str(len(CASES) + 1), str(broken), "0", "GraphLab"]
