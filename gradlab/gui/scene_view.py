"""`SceneView`: the typed contract between the main window and the view of a step's scene.

Every scene view (the graph, conv and training labs, the plot, the table, a message) is a
`SceneView`. The window needs from it: `step_cursor`, the `Cursor` the transport bar drives (None
when nothing steps); `runner`, what play starts and pauses when the scene runs by itself (a
training run) instead of stepping its cursor; `apply_theme` (the theme says whether the window is
presenting) and `set_presentation`, which also rearranges the view; and `export_widget`, what an
image shows. Optional capabilities have defaults that mean "none" or "a grab of
`export_widget`": side panels to hide, what to hide while a quiz is open, zoom actions for the
View menu, the files the view writes and copying to the clipboard. A view overrides only what
it does differently; the window calls members, never probes names.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial
from typing import Literal, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QWidget

from gradlab.gui import export
from gradlab.gui.theme import Theme
from gradlab.state.cursor import Cursor
from gradlab.state.quiz import QuizState

ExportKind = Literal["png", "svg", "dot"]
Exporter = Callable[[str], object]
"""Writes the view's file of one kind to a path."""


class Runner(Protocol):
    """Something a scene runs by itself (a training run): play starts and pauses it."""

    @property
    def running_changed(self) -> SignalInstance:
        """Emitted with `running` whenever it changes."""

    @property
    def running(self) -> bool: ...

    def toggle(self) -> None:
        """Start (or go on after the end, where it can) when paused; pause when running."""

    def pause(self) -> None: ...


class SceneView(QWidget):
    """The base of every scene view; see the module docstring."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.step_cursor: Cursor | None = None
        """What the transport bar steps through; a view that steps sets it."""
        self.runner: Runner | None = None
        """What play starts and pauses, when the scene runs by itself; a view that runs sets
        it. The clicker's next and previous then move between lesson steps, not the cursor."""

    def apply_theme(self, theme: Theme) -> None:
        """Follow `theme`: colours, and font sizes by role (larger while `theme.presenting`).
        Views extend this to restyle themselves."""
        self.theme = theme

    def set_presentation(self, on: bool) -> None:
        """Enter or leave presentation mode: views that hide or rearrange parts extend this."""
        self.apply_theme(self.theme.presenting_as(on))

    def export_widget(self) -> QWidget:
        """The widget an image export or a copy shows."""
        return self

    def release(self) -> None:
        """Stop whatever the view runs (timers, training): it is about to be deleted, or it was
        closed as a window of its own. Called once or more."""

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()
        super().closeEvent(event)

    def set_panels(self, panels: Collection[str] | None) -> None:
        """Show only these of the view's optional panels (None: all of them). A view without
        optional panels has nothing to hide."""
        del panels

    def hide_answer(self, quiz: QuizState | None) -> None:
        """Hide every part that would give away `quiz`'s answer (None: show them again). A view
        that shows nothing a quiz asks about has nothing to hide."""
        del quiz

    def zoom_actions(self) -> Sequence[QAction]:
        """Zoom actions for the window's View menu (none unless the view zooms)."""
        return ()

    def exports(self) -> Mapping[ExportKind, Exporter]:
        """The files the view writes, by kind: by default images grabbed from `export_widget`."""
        widget = self.export_widget()
        return {"png": partial(export.save_png, widget), "svg": partial(export.save_svg, widget)}

    def copy_image(self) -> None:
        """Put an image of the view on the clipboard."""
        export.copy_to_clipboard(self.export_widget())
