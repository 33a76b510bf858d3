"""Presentation mode: full screen, the projector theme, only the scene and the step text.

A clicker's B (or '.') blanks the screen with a black cover, as PowerPoint does; Esc leaves.
While presenting, `ClickerKeys` hands the clicker's keys to the lesson whatever has focus (an
answer box or a spin box would otherwise keep Space or PageDown), and while the screen is blank a
key or a click only brings it back: nothing advances unseen. The window's previous theme and
window state come back on leaving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QScreen, QWindow
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from gradlab.gui.theme import PROJECTOR, Theme

MODIFIER_KEYS = frozenset(
    key.value
    for key in (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
    )
)
"""As numbers: a letter's key code (a Cyrillic one, say) need not be a member of Qt.Key."""
MOUSE_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
    }
)


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


class ClickerKeys(QObject):
    """An application-wide event filter while presenting: a key that is a shortcut of one of
    `actions` triggers it, whatever widget has focus; while the screen is blank, keys and clicks
    only call `unblank`. Only events for the presenting windows are touched (a dialog keeps
    its keys)."""

    def __init__(
        self,
        windows: Callable[[], Sequence[QWidget]],
        actions: Sequence[QAction],
        blanked: Callable[[], bool],
        unblank: Callable[[], None],
    ) -> None:
        super().__init__()
        self._windows = windows
        self.actions = list(actions)
        self._blanked = blanked
        self._unblank = unblank

    def _ours(self, target: QObject) -> bool:
        windows = self._windows()
        if isinstance(target, QWidget):
            return target.window() in windows
        if isinstance(target, QWindow):
            return any(target is window.windowHandle() for window in windows)
        return False

    def action_for(self, event: QKeyEvent) -> QAction | None:
        """The enabled action whose shortcut is this key, if any."""
        pressed = QKeySequence(event.keyCombination())
        exact = QKeySequence.SequenceMatch.ExactMatch
        for action in self.actions:
            if action.isEnabled() and any(k.matches(pressed) == exact for k in action.shortcuts()):
                return action
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        keyed = kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if not (keyed or kind in MOUSE_EVENTS) or not self._ours(watched):
            return False
        if keyed and isinstance(event, QKeyEvent):
            return self._key(event)
        if self._blanked():
            if kind == QEvent.Type.MouseButtonPress:
                self._unblank()
            return True  # a click on the black screen only brings the lesson back
        return False

    def _key(self, event: QKeyEvent) -> bool:
        if event.key() in MODIFIER_KEYS:
            return False
        press = event.type() == QEvent.Type.KeyPress
        if self._blanked():
            if press and not event.isAutoRepeat():
                self._unblank()
            event.accept()
            return True
        action = self.action_for(event)
        if action is None:
            return False
        # accepting the override keeps the shortcut system out; the key press then comes here
        event.accept()
        if press:
            action.trigger()
        return True


class Presentation:
    """Enters and leaves presentation mode on a window with chrome it can hide."""

    def __init__(
        self,
        window: QMainWindow,
        chrome: list[QWidget],
        keys: ClickerKeys | None = None,
        presenter: QWidget | None = None,
    ) -> None:
        """`presenter`: the lecturer's own window (notes, what comes next, a timer), shown on
        another screen while presenting when there is one."""
        self.window = window
        self.chrome = chrome
        self.cover = BlankCover(window)
        self.keys = keys
        self.presenter = presenter
        self.audience: QScreen | None = None
        self.active = False
        self._theme_before: Theme | None = None
        self._maximized_before = False
        self._geometry_before = QByteArray()

    def enter(self, current_theme: Theme) -> Theme:
        """Go full screen; returns the theme to apply (the projector theme). With a second
        screen, the lesson goes to the other screen (the projector, as a slide program does)
        and the presenter view stays on the lecturer's."""
        self.active = True
        self._theme_before = current_theme
        self._maximized_before = self.window.isMaximized()
        self._geometry_before = self.window.saveGeometry()
        for widget in self.chrome:
            widget.hide()
        app = QApplication.instance()
        if self.keys is not None and app is not None:
            app.installEventFilter(self.keys)
        lecturer = self.window.screen()
        others = [screen for screen in QGuiApplication.screens() if screen is not lecturer]
        self.audience = others[0] if others and self.presenter is not None else lecturer
        if self.audience is not lecturer and self.presenter is not None:
            self.presenter.setGeometry(lecturer.availableGeometry())
            self.presenter.show()
        self.window.setGeometry(self.audience.geometry())
        self.window.showFullScreen()
        # without a window manager (a bare X server, some kiosks) full screen is only a hint
        QTimer.singleShot(0, self._cover_screen)
        return PROJECTOR

    def _cover_screen(self) -> None:
        screen = self.audience
        if self.active and screen is not None and self.window.geometry() != screen.geometry():
            self.window.setGeometry(screen.geometry())

    def leave(self) -> Theme | None:
        """Back to the window as it was; returns the theme to restore."""
        self.active = False
        self.blank(False)
        app = QApplication.instance()
        if self.keys is not None and app is not None:
            app.removeEventFilter(self.keys)
        if self.presenter is not None:
            self.presenter.hide()
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
