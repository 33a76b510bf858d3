"""Every command of the main window as a QAction with its shortcuts, in one place, and the
toolbar and menus that offer them.

The Help dialog lists them from here, so the shortcut list cannot drift from the real keys.
A presenter clicker sends PageDown/PageUp (some send arrows, Space, B, Esc, F5, a media key):
"next" reveals an open quiz's answer, advances the scene's cursor and then the lesson, so one
button walks a whole lecture; "play" starts and pauses the scene (a training run trains).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

Keys = QKeySequence.StandardKey | str


@dataclass
class Actions:
    """The window's actions; `presentation_only` ones are enabled only while presenting."""

    open_folder: QAction
    export_png: QAction
    export_svg: QAction
    export_dot: QAction
    copy_image: QAction
    quit: QAction
    next: QAction
    previous: QAction
    next_step: QAction
    previous_step: QAction
    to_start: QAction
    to_end: QAction
    play: QAction
    presentation: QAction
    blank: QAction
    leave: QAction
    theme_light: QAction
    theme_dark: QAction
    theme_projector: QAction
    shortcuts: QAction

    @property
    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]

    @property
    def presentation_only(self) -> list[QAction]:
        return [self.blank, self.leave]

    @property
    def themes(self) -> dict[str, QAction]:
        """Theme name -> the action that chooses it."""
        return {
            "light": self.theme_light,
            "dark": self.theme_dark,
            "projector": self.theme_projector,
        }


def _action(parent: QWidget, text: str, *keys: str, tip: str = "") -> QAction:
    action = QAction(text, parent)
    action.setShortcuts([QKeySequence(key) for key in keys])
    action.setToolTip(tip or text)
    parent.addAction(action)  # shortcuts work even while menus and toolbars are hidden
    return action


def make_actions(parent: QWidget) -> Actions:
    actions = Actions(
        open_folder=_action(parent, "Open lesson folder…", "Ctrl+O"),
        export_png=_action(parent, "Export view as PNG…", "Ctrl+E"),
        export_svg=_action(parent, "Export view as SVG…", "Ctrl+Shift+E"),
        export_dot=_action(parent, "Export graph as .dot…", "Ctrl+Shift+D"),
        copy_image=_action(parent, "Copy view to clipboard", "Ctrl+Shift+C"),
        quit=_action(parent, "Quit", "Ctrl+Q"),
        next=_action(parent, "Next", "PgDown", "Space", "Right", "Down", tip="Next (PageDown)"),
        previous=_action(parent, "Previous", "PgUp", "Left", "Up", tip="Previous (PageUp)"),
        next_step=_action(parent, "Next lesson step", "Ctrl+PgDown", "Alt+Right"),
        previous_step=_action(parent, "Previous lesson step", "Ctrl+PgUp", "Alt+Left"),
        to_start=_action(parent, "Scene to start", "Home"),
        to_end=_action(parent, "Scene to end", "End"),
        # a clicker's or keyboard's media keys play too (the same action everywhere)
        play=_action(
            parent, "Play / pause", "P", "Toggle Media Play/Pause", "Media Play", "Media Pause"
        ),
        presentation=_action(parent, "Presentation mode", "F5"),
        blank=_action(parent, "Blank the screen", "B", "."),
        leave=_action(parent, "Leave presentation", "Esc"),
        theme_light=_action(parent, "Light theme"),
        theme_dark=_action(parent, "Dark theme"),
        theme_projector=_action(parent, "Projector theme"),
        shortcuts=_action(parent, "Keyboard shortcuts", "F1"),
    )
    actions.presentation.setCheckable(True)
    actions.blank.setCheckable(True)
    for action in (actions.theme_light, actions.theme_dark, actions.theme_projector):
        action.setCheckable(True)
    for action in actions.presentation_only:
        action.setEnabled(False)
    return actions


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    bar = QToolBar("Main")
    bar.setObjectName("main-toolbar")
    for action in (a.previous, a.next, None, a.presentation, None, a.open_folder, a.export_png):
        if action is None:
            bar.addSeparator()
        else:
            bar.addAction(action)
    window.addToolBar(bar)
    return bar


def build_menus(window: QMainWindow, a: Actions) -> QMenu:
    """The File, Go, View and Help menus; returns View's Zoom menu, which the current scene
    fills with its own zoom actions (the graph lab has them)."""
    go = [a.next, a.previous, a.next_step, a.previous_step, None, a.to_start, a.to_end, a.play]
    view = [a.presentation, a.blank, None, a.theme_light, a.theme_dark, a.theme_projector]
    files = [a.open_folder, a.export_png, a.export_svg, a.export_dot, a.copy_image, None, a.quit]
    menus: dict[str, list[QAction | None]] = {
        "&File": files,
        "&Go": go,
        "&View": view,
        "&Help": [a.shortcuts],
    }
    built: dict[str, QMenu] = {}
    for title, entries in menus.items():
        menu = built[title] = window.menuBar().addMenu(title)
        for action in entries:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
    group = QActionGroup(window)
    for action in a.themes.values():
        group.addAction(action)
    return built["&View"].addMenu("&Zoom")
