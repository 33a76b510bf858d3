"""Walk lessons step by step in the real main window, as a user looks at it; print what is wrong.

Run in its own process, on a screen of a real size: the parent sets
QT_QPA_PLATFORM="offscreen:configfile=screen.json" (or runs this under Xvfb). For each step of
each lesson it opens the step, lets it settle, and records:

- the window's geometry against the screen (it must stay inside),
- every visible widget that reaches outside the window (a part the user cannot see),
- on a quiz step, every visible text (and conv grid size) showing the answer before Reveal,
- on a training step, whether the play key (P) starts training and moves the step counter, and
  every other tab of the lab opened in turn (the wide ones take the whole row) fits and is
  readable too,
- Qt warnings.

Output: one JSON object per lesson on stdout, {"lesson", "problems", "sizes"}, written as soon
as the lesson is done, so the parent keeps every finished lesson if a later one crashes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import (
    QMessageLogContext,
    QPoint,
    QRect,
    QSettings,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from gradlab.gui.conv.view import ConvView
from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.quiz import QuizState, show_number
from gradlab.state.session import Session
from gradlab.state.train.run import TrainingRun

IGNORED_WARNINGS = ("This plugin does not support propagateSizeHints()",)
SETTLE_MS = 60
"""Time for a step's deferred layout and painting before it is looked at."""
CHECK_SECONDS = 20.0
"""How long a graph step may take to finish its SymPy check (the check panel fills then)."""
PLAY_SECONDS = 60.0
"""How long the first steps of a training run may take (a worker process starts, MNIST loads)."""
MIN_PLOT_PX = 80
"""A plot's data area must be at least this tall and wide to read a curve from it."""
NUMBER_GRID_CELLS = 10
"""Conv grids up to 10×10 cells (an 8×8 image with padding 1) show their numbers when presenting
and on a 1080-line screen. Where several channels stacked in a column leave no room for numbers,
the column shows one channel large (which must show numbers) and the others as thumbnails: those
are images on purpose and say so (`thumbnail`), so they are not judged. In a 1024×768 window the
lesson list and the step's text leave the colour step too little room even for one channel's
numbers: its grids are images there, their values on hover."""
NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
"""A number standing on its own: not the 2 of x2 or w12."""
TAGS = re.compile(r"<[^>]+>")
SIZE = re.compile(r"\d+\s*[×x]\s*\d+(?:\s*[×x]\s*\d+)*")
"""A size written "2 × 2" or "4×4": the geometry of a grid, an answer only when a quiz asks for
the output's size."""


def numbers_in(text: str) -> Iterator[tuple[float, str]]:
    """Every number written in `text` ("−4", "0.25", "61,706", "1e-5"), with its token."""
    for token in NUMBER.findall(TAGS.sub(" ", text)):
        cleaned = token.replace("−", "-").rstrip(",")
        cleaned = cleaned.replace(",", "") if re.search(r",\d{3}\b", cleaned) else cleaned
        try:
            yield float(cleaned), token
        except ValueError:
            continue


def shows(text: str, answer: float, tolerance: float) -> bool:
    """True if `text` writes a number a learner would take for the answer: the answer itself
    (within the quiz's tolerance), written with at least the digits a whole answer needs, so
    a weight of 0.2 does not count as an answer of 0.1974."""
    for number, token in numbers_in(text):
        digits = len(re.sub(r"[^0-9]", "", token).lstrip("0"))
        needed = 1 if float(answer).is_integer() else 2
        if digits >= needed and math.isclose(number, answer, abs_tol=tolerance):
            return True
    return False


def seen(widget: QWidget) -> bool:
    """The widget is on screen: shown, with some part not clipped away by its parents."""
    return widget.isVisible() and not visible_part(widget).isEmpty()


def visible_part(widget: QWidget) -> QRect:
    """The part of `widget` its parents do not clip away, in its window's coordinates."""
    window = widget.window()
    shown = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and not shown.isEmpty():
        shown &= QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        parent = parent.parentWidget()
    return shown


def cut_text(label: QLabel) -> str | None:
    """Why a wrapped label's words are not all readable: squeezed shorter than its lines, or
    partly clipped by a parent (outside a scroll area, where the user could scroll to them)."""
    if not label.wordWrap() or not label.text() or in_scroll_viewport(label):
        return None
    needed = label.heightForWidth(label.width())
    if needed > label.height() + 2:
        return f"{label.height()} px tall for {needed} px of lines"
    shown = visible_part(label)
    if shown.height() < label.height() - 2:
        return f"{label.height() - shown.height()} px of its {label.height()} clipped by its parent"
    return None


def in_scroll_viewport(widget: QWidget) -> bool:
    """Inside the viewport of a scroll area: it may reach beyond it, the user scrolls to it."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return True
        parent = grand
    return False


def rect_text(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()}+{rect.x()}+{rect.y()}"


def widget_name(widget: QWidget) -> str:
    text = widget_texts(widget)
    sample = f" {text[0][:40]!r}" if text else ""
    return f"{type(widget).__name__}{sample}"


def outside_window(window: MainWindow) -> list[str]:
    """Visible widgets reaching outside the window's rectangle (not counting scrolled content)."""
    area = window.rect()
    problems = []
    for widget in window.findChildren(QWidget):
        if not seen(widget) or widget.isWindow() or in_scroll_viewport(widget):
            continue
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        if not area.contains(rect):
            problems.append(
                f"{widget_name(widget)} at {rect_text(rect)} reaches outside the window "
                f"{area.width()}×{area.height()}"
            )
    return problems


def widget_texts(widget: QWidget) -> list[str]:
    """The text a widget shows by itself (not its children's)."""
    if isinstance(widget, QLabel):
        return [widget.text()]
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLineEdit):
        return [widget.text() or widget.placeholderText()]
    if isinstance(widget, QAbstractSpinBox):
        return [widget.text()]
    if isinstance(widget, QComboBox):
        return [widget.currentText()]
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return [widget.toPlainText()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        return [
            str(model.index(r, c).data() or "")
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        ]
    if isinstance(widget, QGraphicsView):
        return graphics_texts(widget)
    texts = getattr(widget, "texts", None)
    shows_numbers = getattr(widget, "shows_numbers", None)
    if callable(texts) and callable(shows_numbers):  # a conv grid: numbers painted in cells
        title = [str(getattr(widget, "title", ""))]
        return title + ([t for row in texts() for t in row] if shows_numbers() else [])
    return []


def graphics_texts(view: QGraphicsView, quiz: QuizState | None = None) -> list[str]:
    """Texts of the scene items inside the view's viewport that are not given. A graph node's
    name and value are what the learner computes from, and so are the local derivatives on the
    edges (lessons ask to multiply them), except on an edge out of the node a grad quiz asks
    about: there a local derivative can be the answer itself. Grads, contributions and a value
    quiz's own node value are never given."""
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    asked = quiz.quiz.node if quiz is not None else ""
    trace = getattr(view, "trace", None)
    texts: list[str] = []
    for item in view.scene().items(shown):
        if not item.isVisible():
            continue
        item_texts = getattr(item, "texts", None)
        if not callable(item_texts):
            if hasattr(item, "toPlainText"):
                texts.append(item.toPlainText())
            continue
        parts = [str(t) for t in item_texts()]
        if len(parts) == 3:  # a value node: name, data, grad
            name, data, grad = parts
            value_quiz = quiz is not None and quiz.quiz.ask == "value"
            texts += [grad, data] if value_quiz and name == asked else [grad]
        elif len(parts) == 2:  # an edge label: local derivative, contribution
            local, contribution = parts
            texts += [local, contribution] if from_node(item, trace, asked) else [contribution]
    return texts


def from_node(label: object, trace: object, name: str) -> bool:
    """The edge label `label` sits on an edge out of the node called `name`."""
    key = str(getattr(label, "key", ""))
    if not name or trace is None or not key.startswith("e"):
        return False
    node_id, position = (int(part) for part in key[1:].split("."))
    try:
        asked = trace.node(name).id  # type: ignore[attr-defined]
    except (KeyError, ValueError):
        return False
    return bool(trace.nodes[node_id].parents[position] == asked)  # type: ignore[attr-defined]


def givens(window: MainWindow, asked: str) -> set[QWidget]:
    """Widgets that show what the learner is given or where they are, never an answer: the
    step's header, the lesson list, the transport's counter, the quiz itself, and inputs; in the
    conv lab the input, the kernels and the upstream grad, and for a quiz about a gradient the
    forward output too (and the size formula unless the quiz asks for a size)."""
    quiz = window.step_panel.quiz
    roots: list[QWidget] = [window.step_panel.header, window.lesson_list, window.transport]
    if quiz is not None:
        roots.append(quiz)
    conv = getattr(window.view, "view", None)
    if isinstance(conv, ConvView):
        roots += [conv.inputs, conv.kernels, conv.upstreams]
        if asked in {"grad_input", "grad_weight"}:
            roots.append(conv.outputs)
        if asked != "output_size":
            roots.append(conv.formula)
    found = set(roots)
    for root in roots:
        found.update(root.findChildren(QWidget))
    for spin in window.findChildren(QAbstractSpinBox):
        found.add(spin)
        found.update(spin.findChildren(QWidget))
    return found


def answer_shown(window: MainWindow, quiz: QuizState) -> list[str]:
    """Where the answer can be read on screen before Reveal."""
    answer, tolerance = quiz.answer, quiz.quiz.tolerance
    excluded = givens(window, quiz.quiz.ask)
    sizes_asked = quiz.quiz.ask == "output_size"
    problems = []
    for widget in window.findChildren(QWidget):
        if not seen(widget) or widget in excluded:
            continue
        if isinstance(widget, QGraphicsView):
            texts = graphics_texts(widget, quiz)
        else:
            texts = widget_texts(widget)
        for text in texts:
            if shows(text if sizes_asked else SIZE.sub(" ", text), answer, tolerance):
                problems.append(f"answer {show_number(answer)} shown by {widget_name(widget)}")
                break
        grid_shape = getattr(widget, "shape", None)
        sized = quiz.quiz.ask == "output_size" and isinstance(grid_shape, tuple)
        if sized and answer in grid_shape:
            problems.append(f"answer {answer:g} shown as the size of a grid {grid_shape}")
    return problems


def settle(ms: int = SETTLE_MS) -> None:
    QApplication.processEvents()
    QTest.qWait(ms)


def wait_until(condition: object, seconds: float) -> bool:
    """Process events until `condition()` holds or `seconds` pass."""
    assert callable(condition)
    for _ in range(int(seconds * 1000 / 20)):
        if condition():
            return True
        QTest.qWait(20)
    return bool(condition())


def press(window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.windowHandle(), key)
    QApplication.processEvents()


def graph_checked(window: MainWindow) -> bool:
    """The graph lab's SymPy check is done (or the scene has none)."""
    session = getattr(window.view, "session", None)
    if session is None or not getattr(session, "editable", False):
        return True
    return not getattr(session, "auto_check", True) or bool(getattr(session, "report_ready", True))


def play_moves_the_counter(window: MainWindow, seconds: float) -> list[str]:
    """P starts the step's training, the step counter moves, P pauses it again."""
    run = getattr(window.view, "run", None)
    if not isinstance(run, TrainingRun):
        return []
    before = run.steps_done
    press(window, Qt.Key.Key_P)
    moved = wait_until(lambda: run.steps_done > before, seconds)
    press(window, Qt.Key.Key_P)
    if not moved:
        why = f": {run.message}" if run.message else ""
        return [f"the play key did not start training (step counter stayed at {before}){why}"]
    driver = getattr(window.view, "driver", None)
    if driver is not None and not wait_until(lambda: not driver.running, 5.0):
        return ["the play key did not pause training"]
    return []


def cut_titles(header: QHeaderView) -> list[str]:
    """Column titles wider than their column (Qt elides or clips them), as the header's style
    measures them (style sheet fonts and padding included)."""
    model = header.model()
    problems = []
    for section in range(header.count()):
        wanted, width = header.sectionSizeFromContents(section).width(), header.sectionSize(section)
        if wanted > width:
            title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            problems.append(f"the column title {title!r} needs {wanted} px in a {width} px column")
    return problems


def cut_plot_title(plot: pg.PlotWidget, item: pg.PlotItem) -> str | None:
    """Why a plot's title does not show whole (None if it does): pyqtgraph centres it over the
    plot and clips what passes the plot widget's edges."""
    text = item.titleLabel.item
    if not item.titleLabel.isVisible() or not text.toPlainText():
        return None
    drawn = text.mapRectToScene(text.boundingRect())
    visible = plot.mapToScene(plot.viewport().rect()).boundingRect()
    if drawn.left() < visible.left() - 1 or drawn.right() > visible.right() + 1:
        return f"{drawn.width():.0f} px of text in a {visible.width():.0f} px plot"
    return None


def unreadable(window: MainWindow) -> list[str]:
    """Plots squeezed into slivers, legends over a plot's data, small conv grids drawn as
    images instead of numbers."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not seen(widget):
            continue
        plot_item = getattr(widget, "getPlotItem", None)
        if callable(plot_item):
            item = plot_item()
            area = item.getViewBox().sceneBoundingRect()
            title = item.titleLabel.text or type(widget).__name__
            if area.height() < MIN_PLOT_PX or area.width() < MIN_PLOT_PX:
                problems.append(
                    f"plot {title!r} has a data area of {area.width():.0f}×{area.height():.0f} px"
                )
            if (why := cut_plot_title(widget, item)) is not None:
                problems.append(f"the plot title {title!r} is cut: {why}")
            legend = item.legend
            shown = legend is not None and legend.isVisible() and bool(legend.items)
            if shown and legend.sceneBoundingRect().intersects(area):
                problems.append(f"the legend of plot {title!r} covers its data area")
        if isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            problems += cut_titles(widget)
        if isinstance(widget, QLabel) and (why := cut_text(widget)) is not None:
            problems.append(f"the text {widget.text()[:40]!r} is cut: {why}")
        shows_numbers = getattr(widget, "shows_numbers", None)
        shape = getattr(widget, "shape", None)
        thumbnail = bool(getattr(widget, "thumbnail", False))
        judged = window.presentation.active or window.screen().geometry().height() >= 1080
        grid = callable(shows_numbers) and isinstance(shape, tuple) and judged and not thumbnail
        if grid and max(shape) <= NUMBER_GRID_CELLS and not shows_numbers():
            size = getattr(widget, "cell_size", lambda: 0.0)()
            problems.append(
                f"the {shape[0]}×{shape[1]} grid {widget_name(widget)} is an image "
                f"({size:.0f} px cells in {widget.width()}×{widget.height()})"
            )
    return problems


def every_tab(window: MainWindow) -> list[str]:
    """A training lab's other tabs, each opened in turn, looked at as the step is."""
    tabs = getattr(window.view, "tabs", None)
    if not isinstance(tabs, QTabWidget):
        return []
    first = tabs.currentIndex()
    problems = []
    for index in range(tabs.count()):
        if index == first:
            continue
        tabs.setCurrentIndex(index)
        settle()
        found = outside_window(window) + unreadable(window)
        problems += [f"the {tabs.tabText(index)} tab: {problem}" for problem in found]
    tabs.setCurrentIndex(first)
    settle()
    return problems


def look_at_step(window: MainWindow, present: bool, play_seconds: float) -> list[str]:
    screen = window.screen()
    problems = []
    bounds = screen.geometry() if present else screen.availableGeometry()
    frame = window.frameGeometry()
    if not bounds.contains(frame):
        problems.append(
            f"window {frame.width()}×{frame.height()} leaves the screen "
            f"{bounds.width()}×{bounds.height()}"
        )
    problems += outside_window(window)
    problems += unreadable(window)
    if window.view is not None and window.scene_area.overflows():
        needs, room = window.scene_area.box.minimumSizeHint(), window.scene_area.viewport().size()
        problems.append(
            f"the scene {type(window.view).__name__} needs {needs.width()}×{needs.height()} "
            f"and scrolls in its {room.width()}×{room.height()}"
        )
    state = window.step_panel.quiz
    if state is not None:
        wait_until(lambda: graph_checked(window), CHECK_SECONDS)
        settle()
        problems += answer_shown(window, state.quiz)
    problems += play_moves_the_counter(window, play_seconds)
    problems += every_tab(window)
    return problems


def fit_to_screen(window: MainWindow, present: bool) -> None:
    """Give the window the whole screen (presenting) or as much as the screen has room for,
    so each step is judged on its own, not on what an earlier step did to the window."""
    screen = window.screen()
    if present:
        window.setGeometry(screen.geometry())
        return
    room = screen.availableGeometry().size()
    margins = window.frameGeometry().size() - window.geometry().size()
    wanted = window.size().boundedTo(room - margins)
    if wanted != window.size():
        window.resize(wanted)


def walk(paths: list[Path], present: bool, out: object, play_seconds: float) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    warnings: list[str] = []

    def on_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) and (
            message not in IGNORED_WARNINGS
        ):
            warnings.append(message)

    qInstallMessageHandler(on_message)
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "gradlab.ini"), QSettings.Format.IniFormat)
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    window.show()
    window.activateWindow()
    wait_until(window.isActiveWindow, 5.0)
    first: list[str] = []
    screen = window.screen().availableGeometry()
    if not screen.contains(window.frameGeometry()):
        size = window.frameGeometry()
        first.append(f"the first window opens at {size.width()}×{size.height()}, off the screen")
    if present:
        press(window, Qt.Key.Key_F5)
        settle()
    for path in paths:
        index = session.index_of(path)
        entry = session.entries[index]
        problems = list(first)
        first = []
        sizes: dict[str, list[int]] = {}
        session.open_lesson(index)
        if entry.error is not None or entry.lesson is None:
            problems.append(f"the lesson does not load: {entry.error}")
        for step in range(entry.step_count):
            session.go_to_step(step)
            settle()
            fit_to_screen(window, present)
            # the offscreen platform can drop the window's activation on a step change (a table
            # step does, with no other window about): a user's window stays in front
            window.activateWindow()
            wait_until(window.isActiveWindow, 2.0)
            settle()
            if session.lesson_index != index:
                problems.append(f"step {step + 1}: the lesson changed to {session.entry.title}")
                session.open_lesson(index, step)
                settle()
            lab = type(window.view).__name__
            size = window.frameGeometry().size()
            biggest = sizes.setdefault(lab, [0, 0])
            biggest[:] = [max(biggest[0], size.width()), max(biggest[1], size.height())]
            problems += [
                f"step {step + 1}: {p}" for p in look_at_step(window, present, play_seconds)
            ]
            problems += [f"step {step + 1}: Qt warning: {w}" for w in warnings]
            warnings.clear()
        record = {"lesson": path.stem, "problems": problems, "sizes": sizes}
        print(json.dumps(record), file=out, flush=True)  # type: ignore[call-overload]
    window.close()
    del app
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lessons", nargs="*", help="lesson file stems (default: all)")
    parser.add_argument("--present", action="store_true", help="walk in presentation mode")
    parser.add_argument("--play-seconds", type=float, default=PLAY_SECONDS)
    args = parser.parse_args(argv)
    session = Session.from_folder(lessons_folder())
    paths = [e.path for e in session.entries if not args.lessons or e.path.stem in args.lessons]
    QGuiApplication.setDesktopSettingsAware(False)
    return walk(paths, args.present, sys.stdout, args.play_seconds)


if __name__ == "__main__":
    sys.exit(main())
