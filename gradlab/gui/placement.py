"""Keeping the window on its screen: where it opens, and the scene's room inside it.

Measured before: the first window opened at 1280×800 on a 1024×768 projector, and scenes that
needed more room than the window had grew the window past the screen's bottom edge (the
training lab to 1140×781, a deep network's step to 1280×1071). Now the window opens inside the
screen's free area, and the scene sits in a `SceneArea`: a scene that still needs more room
than it has scrolls inside the window instead of stretching it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from gradlab.gui.scene_view import SceneView

TEXT_SHARE, TEXT_SHARE_PRESENTING = 0.5, 0.4
"""The most of the height the step's text takes from its scene."""


def text_height(total: int, wanted: int, quiz: int, *, presenting: bool) -> int:
    """The step text's share of `total` pixels: what it `wanted`, but at most half of them,
    presenting two fifths (large type made it take the grids' rows on a 768-line projector;
    the lecturer knows the text, the audience reads the scene), plus a `quiz`'s height in full
    (a quiz is never squeezed)."""
    share = TEXT_SHARE_PRESENTING if presenting else TEXT_SHARE
    return min(wanted, int(total * share) + quiz)


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move `window` into its screen's free area, frame included (a full-screen
    window already covers its screen)."""
    screen = window.screen()
    if screen is None or window.isFullScreen():
        return
    room = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()
    size = window.size().boundedTo(room.size() - frame)
    place = QRect(window.frameGeometry().topLeft(), size + frame)
    place.moveLeft(min(max(place.left(), room.left()), room.right() + 1 - place.width()))
    place.moveTop(min(max(place.top(), room.top()), room.bottom() + 1 - place.height()))
    window.resize(size)
    window.move(place.topLeft())


class SceneLayout(QVBoxLayout):
    """The scene's layout, without height-for-width: a scroll area sizes a resizable widget
    whose layout has it by the preferred heights of everything inside (a word-wrapped label
    anywhere in a scene was enough), and the scene grew three times taller than the room."""

    def hasHeightForWidth(self) -> bool:
        return False


class SceneArea(QScrollArea):
    """The room the scene view gets: `box` holds the view in `layout`; the last resort is a
    scroll bar, never a larger window (the scenes are built to fit; this keeps a surprise on
    screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QWidget()
        self.layout_ = SceneLayout(self.box)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.setWidget(self.box)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def set_view(self, view: SceneView | None) -> None:
        """Show `view` in place of the one shown (which is released and goes), or nothing."""
        old = self.layout_.itemAt(0)
        gone = None if old is None else old.widget()
        if isinstance(gone, SceneView):
            gone.release()
        if gone is not None:
            gone.hide()  # deleteLater waits for the event loop; hide it now
            self.layout_.removeWidget(gone)
            gone.deleteLater()
        self.box.setVisible(view is not None)
        if view is not None:
            self.layout_.addWidget(view)

    def overflows(self) -> bool:
        """The scene needs more room than it has (it scrolls)."""
        needs, room = self.box.minimumSizeHint(), self.viewport().size()
        return needs.width() > room.width() or needs.height() > room.height()
