"""`MainWindow`: the lesson list, the step's text, the step's scene view and the transport bar.

It owns no lesson logic: `Session` (gradlab.state) says which lesson and step are shown and
builds the step's state; `make_view` turns that state into a `SceneView`, whose typed members are
all the window uses of it. Presentation mode, actions, exports and help live in their own modules.

The window never grows past its screen: it opens inside the screen's free area, and a scene
that needs more room than the window has scrolls inside it instead of stretching the window.
While a step's quiz is open, its scene hides whatever would give the answer away.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.actions import build_menus, build_toolbar, make_actions
from gradlab.gui.help import shortcuts_dialog
from gradlab.gui.lesson_list import LessonList
from gradlab.gui.placement import SceneArea, keep_on_screen, text_height
from gradlab.gui.presentation import ClickerKeys, Presentation
from gradlab.gui.presenter import PresenterView
from gradlab.gui.scene_view import ExportKind, SceneView
from gradlab.gui.scenes import MessageView, make_view
from gradlab.gui.step_panel import StepPanel
from gradlab.gui.theme import LIGHT, THEMES, Theme, palette
from gradlab.gui.transport import TransportBar
from gradlab.state.cursor import Cursor
from gradlab.state.folder import FolderOpener
from gradlab.state.quiz import show_number
from gradlab.state.reload import ReloadWatcher
from gradlab.state.session import Session

RELOAD_POLL_MS = 1000
FOLDER_POLL_MS = 30
"""How often the window looks whether another folder's lessons are read."""
FIRST_SIZE = (1280, 800)
"""The first window's size, when the screen has room for it."""


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        defer_open: bool = False,
    ) -> None:
        """`defer_open`: open the last (or first) lesson once the window has painted itself, so
        a slow first scene (SymPy, pyqtgraph) never delays the window."""
        super().__init__(parent)
        self._open_after_paint = defer_open
        self._shown_once = False
        self.session = session
        self.settings = settings
        self.setWindowTitle("gradlab")
        self.theme = THEMES.get(str(settings.value("theme", "light")), LIGHT)
        self.actions_ = make_actions(self)
        self.lesson_list = LessonList(self.theme)
        self.step_panel = StepPanel(self.theme)
        self.scene_area = SceneArea()
        self.view: SceneView | None = None
        self.transport = TransportBar()
        self._arrange()
        self.toolbar = build_toolbar(self, self.actions_)
        self.zoom_menu = build_menus(self, self.actions_)
        self.statusBar()
        self.presenter = PresenterView(self.theme, self)
        self.presentation = self._presentation()
        self._connect()
        self.reloader = ReloadWatcher(session)  # reads files off the GUI thread
        self.reload_timer = QTimer(self)
        self.reload_timer.timeout.connect(self.reloader.poll)
        self.reload_timer.start(RELOAD_POLL_MS)
        self.folder_opener = FolderOpener(session)  # reads another folder off the GUI thread
        self.folder_timer = QTimer(self)
        self.folder_timer.setInterval(FOLDER_POLL_MS)
        self.folder_timer.timeout.connect(self._folder_read)
        self.lesson_list.set_entries(session.entries, session.lesson_index)
        self.apply_theme(self.theme)
        self._restore_geometry()
        if not defer_open:
            self.restore_lesson()

    # ---- building ---------------------------------------------------------------------------

    def _arrange(self) -> None:
        """The lesson list at the left; the step's text over the scene, the transport under."""
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.step_panel)
        right.addWidget(self.scene_area)
        right.setStretchFactor(1, 1)
        right.setChildrenCollapsible(False)
        right.setSizes([200, 600])
        self.text_splitter = right
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(right, 1)
        column_layout.addWidget(self.transport)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.lesson_list)
        self.splitter.addWidget(column)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

    def _presentation(self) -> Presentation:
        """Presentation mode, with the clicker's keys routed to the lesson whatever has focus
        and the presenter view for a second screen."""
        a = self.actions_
        keys = ClickerKeys(
            lambda: [self, self.presenter],
            [a.next, a.previous, a.play, a.blank, a.leave, a.presentation],
            lambda: self.presentation.blanked,
            lambda: self.set_blank(False),
        )
        chrome = [self.menuBar(), self.toolbar, self.statusBar(), self.lesson_list]
        return Presentation(self, chrome, keys, self.presenter)

    def _connect(self) -> None:
        a = self.actions_
        s = self.session
        a.next.triggered.connect(self.go_next)
        a.previous.triggered.connect(self.go_previous)
        a.next_step.triggered.connect(s.next_step)
        a.previous_step.triggered.connect(s.previous_step)
        a.to_start.triggered.connect(lambda: self._cursor_do(Cursor.to_start))
        a.to_end.triggered.connect(lambda: self._cursor_do(Cursor.to_end))
        a.play.triggered.connect(self.transport.toggle_play)
        a.presentation.triggered.connect(self.set_presentation)
        a.blank.triggered.connect(self.presentation_blank)
        a.leave.triggered.connect(lambda: self.set_presentation(False))
        a.theme_light.triggered.connect(lambda: self.set_theme("light"))
        a.theme_dark.triggered.connect(lambda: self.set_theme("dark"))
        a.theme_projector.triggered.connect(lambda: self.set_theme("projector"))
        a.open_folder.triggered.connect(self.choose_folder)
        a.export_png.triggered.connect(lambda: self.export("png"))
        a.export_svg.triggered.connect(lambda: self.export("svg"))
        a.export_dot.triggered.connect(lambda: self.export("dot"))
        a.copy_image.triggered.connect(self.copy_image)
        a.quit.triggered.connect(self.close)
        a.shortcuts.triggered.connect(lambda: shortcuts_dialog(a, self).open())
        self.lesson_list.lesson_chosen.connect(self._on_lesson_chosen)
        self.step_panel.quiz_revealed.connect(lambda: self._cursor_do(Cursor.to_end))
        self.step_panel.quiz_solved.connect(self._on_quiz_solved)
        s.lesson_changed.connect(self._on_lesson_changed)
        s.step_changed.connect(self._on_step_changed)
        s.lessons_changed.connect(self._on_lessons_changed)

    # ---- navigation -------------------------------------------------------------------------

    def scene_cursor(self) -> Cursor | None:
        """The current scene's cursor (the transport bar's), if the scene steps."""
        return None if self.view is None else self.view.step_cursor

    def clicker_cursor(self) -> Cursor | None:
        """The cursor next and previous step through before changing the lesson step: none
        in a scene that runs by itself (its cursor rewinds a run, play is its action)."""
        if self.view is None or self.view.runner is not None:
            return None
        return self.view.step_cursor

    def _cursor_do(self, how: Callable[[Cursor], object]) -> None:
        cursor = self.scene_cursor()
        if cursor is not None:
            how(cursor)

    def go_next(self) -> None:
        """The clicker's "next": an open quiz's answer first (predict, then reveal), then the
        scene's next step, then the lesson's, then the next lesson."""
        quiz = self.step_panel.quiz
        cursor = self.clicker_cursor()
        if quiz is not None and not quiz.is_solved:
            quiz.reveal()
        elif cursor is not None and not cursor.at_end:
            cursor.step_forward()
        elif not self.session.next_step():
            following = self.session.lesson_index + 1
            if following < len(self.session.entries):
                self.session.open_lesson(following)

    def go_previous(self) -> None:
        cursor = self.clicker_cursor()
        if cursor is not None and not cursor.at_start:
            cursor.step_back()
        else:
            self.session.previous_step()

    def _on_lessons_changed(self) -> None:
        self.lesson_list.set_entries(self.session.entries, self.session.lesson_index)

    def _on_lesson_changed(self, index: int) -> None:
        self.lesson_list.set_current(index)

    def _on_step_changed(self, _index: int) -> None:
        self._show_step()
        entry = self.session.entry
        if entry is not None:
            self.settings.setValue("lesson/path", str(entry.path))
            self.settings.setValue("lesson/step", self.session.step_index)

    def _show_step(self) -> None:
        entry = self.session.entry
        if entry is None:
            return
        if entry.error is not None:
            self.step_panel.show_error(entry.title, entry.error)
            self._set_view(MessageView("Nothing to show until the lesson loads.", self.theme))
            return
        try:
            state = self.session.build_step()
        except Exception as err:
            self._set_view(
                MessageView(f"This step could not be built: {err}", self.theme, error=True)
            )
            raise
        if state is None or entry.lesson is None:
            return
        count = entry.step_count
        title = f": {state.step.title}" if state.step.title else ""
        header = f"{entry.lesson.title} · step {state.index + 1} of {count}{title}"
        self.step_panel.show_step(entry.path, header, state.step.text, state.quiz, state.guide)
        view = None if state.scene is None else make_view(state.scene, self.theme)
        self._set_view(view)
        panels = state.step.panels
        if view is not None:
            view.set_panels(panels)
            if state.quiz is not None and not state.quiz.is_revealed:
                view.hide_answer(state.quiz)
        answer = None if state.quiz is None else show_number(state.quiz.answer)
        self.presenter.show_step(
            entry.path, header, state.step.text, answer, self.session.coming_next()
        )
        self._rest_focus()
        self.step_panel.setVisible(panels is None or "text" in panels)
        self.transport.setVisible(
            not self.presentation.active and (panels is None or "transport" in panels)
        )
        self.fit_text()

    def _rest_focus(self) -> None:
        """A new step starts with the keys on the window, where every shortcut works: the old
        scene's focus went with it, and Qt would hand it on to the new scene's first editor
        (where P or Space would type). Only a learner choosing from the lesson list keeps it."""
        if QApplication.focusWidget() is not self.lesson_list:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_quiz_solved(self) -> None:
        if self.view is not None:
            self.view.hide_answer(None)

    def fit_text(self) -> None:
        """Give the step text the room it needs, the scene the rest (see `text_height`)."""
        total = sum(self.text_splitter.sizes())
        if self.view is None or total <= 0:
            return
        wanted = text_height(
            total,
            self.step_panel.preferred_height(),
            self.step_panel.quiz_height(),
            presenting=self.presentation.active,
        )
        self.text_splitter.setSizes([wanted, total - wanted])

    def _set_view(self, view: SceneView | None) -> None:
        self.transport.set_cursor(None)
        self.zoom_menu.clear()
        zoom = [] if view is None else list(view.zoom_actions())
        self.zoom_menu.addActions(zoom)
        self.zoom_menu.setEnabled(bool(zoom))
        self.actions_.export_dot.setEnabled(view is not None and "dot" in view.exports())
        self.scene_area.set_view(view)
        self.view = view
        if view is None:
            return
        view.apply_theme(self.theme)
        view.set_presentation(self.presentation.active)
        self.transport.set_cursor(view.step_cursor, view.runner)

    # ---- themes and presentation ----------------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.apply_theme(THEMES[name])
        if not self.presentation.active:
            self.settings.setValue("theme", name)

    def apply_theme(self, theme: Theme) -> None:
        """`theme` for the window; its parts get it in or out of presentation mode."""
        self.theme = theme
        self.setPalette(palette(theme))
        shown = theme.presenting_as(self.presentation.active)
        self.lesson_list.apply_theme(shown)
        self.presenter.apply_theme(theme.presenting_as(False))
        self.step_panel.apply_theme(shown)
        self.transport.apply_theme(shown)
        if self.view is not None:
            self.view.apply_theme(shown)
        self.actions_.themes[theme.name].setChecked(True)

    def set_presentation(self, on: bool) -> None:
        if on == self.presentation.active:
            self.actions_.presentation.setChecked(on)
            return
        theme = self.presentation.enter(self.theme) if on else self.presentation.leave()
        self.actions_.presentation.setChecked(on)
        for action in self.actions_.presentation_only:
            action.setEnabled(on)
        self.transport.setVisible(not on)
        if self.view is not None:
            self.view.set_presentation(on)
        self.apply_theme(theme or self.theme)
        self.fit_text()
        # again once the layouts have followed: a quiz puts its question beside the answer box
        # when presenting, and is shorter then (the step text kept a blank band of its height)
        QTimer.singleShot(0, self.fit_text)

    def presentation_blank(self) -> None:
        self.set_blank(not self.presentation.blanked)

    def set_blank(self, on: bool) -> None:
        """Blank the audience's screen (or bring it back); nothing plays on while it is blank."""
        if on:
            self.transport.stop()
        self.presentation.blank(on)
        self.actions_.blank.setChecked(self.presentation.blanked)
        self.presenter.set_blanked(self.presentation.blanked)

    # ---- files ------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of lessons")
        if folder:
            self.open_folder(Path(folder))

    def open_folder(self, folder: Path) -> None:
        """Read `folder`'s lessons in the background; the current lesson stays until they are
        read (a newer folder chosen meanwhile wins)."""
        self.folder_opener.open(folder)
        self.statusBar().showMessage(f"Reading the lessons in {folder}…")
        self.folder_timer.start()

    def _folder_read(self) -> None:
        done = self.folder_opener.poll()
        if done is None:
            return
        self.folder_timer.stop()
        folder, error = done
        if error is not None:
            self.statusBar().showMessage(error, 8000)
            return
        self.settings.setValue("lessons/folder", str(folder))
        if self.session.entries:
            self.statusBar().clearMessage()
            self.session.open_lesson(0)
        else:
            self.statusBar().showMessage(f"No NN-name.toml lesson files in {folder}", 5000)

    def export(self, kind: ExportKind) -> None:
        write = None if self.view is None else self.view.exports().get(kind)
        if write is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export as {kind.upper()}", f"gradlab.{kind}", f"{kind.upper()} (*.{kind})"
        )
        if path:
            write(path)

    def copy_image(self) -> None:
        if self.view is not None:
            self.view.copy_image()

    # ---- settings ---------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        """Last run's geometry, else `FIRST_SIZE`; either way inside the screen's free area
        (a window saved on a larger screen, or the default on a 1024×768 projector, shrinks)."""
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(*FIRST_SIZE)
        keep_on_screen(self)

    def restore_lesson(self) -> None:
        """Open the lesson and step of the last run, else the first lesson."""
        index = self.session.index_of(str(self.settings.value("lesson/path", "")))
        step = int(str(self.settings.value("lesson/step", 0)))
        if index >= 0:
            self.session.open_lesson(index, step)
        elif self.session.entries:
            self.session.open_lesson(0)

    def _on_lesson_chosen(self, index: int) -> None:
        # the list's first focus picks row 0 before anything is painted; the deferred open
        # after the first paint restores the right lesson
        if not self._open_after_paint:
            self.session.open_lesson(index)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # the frame's size is known once the window is shown
            self._shown_once = True
            keep_on_screen(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._open_after_paint:
            self._open_after_paint = False
            QTimer.singleShot(0, self.restore_lesson)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # after the layouts below have followed: the text's height depends on its new width
        QTimer.singleShot(0, self.fit_text)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.presentation.active:
            self.set_presentation(False)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        self.reload_timer.stop()
        self.folder_timer.stop()
        self.transport.set_cursor(None)
        # the view goes on its own, before the window: deleted inside the window being deleted,
        # a training lab's plots crashed the process (QGraphicsScene::clear, a segfault)
        self.scene_area.set_view(None)
        self.view = None
        super().closeEvent(event)
