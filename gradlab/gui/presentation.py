"""Presentation mode: full screen, the projector theme, only the scene and the step text.

A clicker's B (or '.') blanks the screen with a black cover, as PowerPoint does; Esc leaves.
The window's previous theme and window state come back on leaving.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QWidget

from gradlab.gui.theme import PROJECTOR, Theme


class BlankCover(QWidget):
    """A black sheet over the whole window; any click or key the window sees can lift it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setStyleSheet("background: black;")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()
        parent.installEventFilter(self)

    def cover(self, on: bool) -> None:
        parent = self.parentWidget()
        if on and parent is not None:
            self.setGeometry(parent.rect())
            self.raise_()
        self.setVisible(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False


class Presentation:
    """Enters and leaves presentation mode on a window with chrome it can hide."""

    def __init__(self, window: QMainWindow, chrome: list[QWidget]) -> None:
        self.window = window
        self.chrome = chrome
        self.cover = BlankCover(window)
        self.active = False
        self._theme_before: Theme | None = None
        self._maximized_before = False
        self._geometry_before = QByteArray()

    def enter(self, current_theme: Theme) -> Theme:
        """Go full screen; returns the theme to apply (the projector theme)."""
        self.active = True
        self._theme_before = current_theme
        self._maximized_before = self.window.isMaximized()
        self._geometry_before = self.window.saveGeometry()
        for widget in self.chrome:
            widget.hide()
        self.window.showFullScreen()
        # without a window manager (a bare X server, some kiosks) full screen is only a hint
        QTimer.singleShot(0, self._cover_screen)
        return PROJECTOR

    def _cover_screen(self) -> None:
        screen = self.window.screen()
        if self.active and screen is not None and self.window.geometry() != screen.geometry():
            self.window.setGeometry(screen.geometry())

    def leave(self) -> Theme | None:
        """Back to the window as it was; returns the theme to restore."""
        self.active = False
        self.blank(False)
        for widget in self.chrome:
            widget.show()
        if self._maximized_before:
            self.window.showMaximized()
        else:
            self.window.showNormal()
            self.window.restoreGeometry(self._geometry_before)
        return self._theme_before

    def blank(self, on: bool) -> None:
        self.cover.cover(on and self.active)

    @property
    def blanked(self) -> bool:
        return self.cover.isVisible()
