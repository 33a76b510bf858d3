"""Scene views: the widget the main window shows for a step's scene, made from its state object.

Every scene view is a QWidget with `cursor` (a `Cursor` the transport bar drives, or None),
`apply_theme(theme)`, `set_presentation(on)` and `export_widget()`. `VIEW_FACTORIES` maps a state
type (see `gradlab.state.session.SCENE_BUILDERS`) to the view; a new lab adds one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.table_view import TableView
from gradlab.gui.theme import Theme
from gradlab.lessons import TableScene
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.cursor import Cursor
from gradlab.state.graph.plot import PlotState
from gradlab.state.graph.session import GraphSession
from gradlab.state.train.run import TrainingRun


class SceneView(Protocol):
    """What the main window needs from any scene view (besides being a QWidget)."""

    cursor: Cursor | None

    def apply_theme(self, theme: Theme) -> None: ...

    def set_presentation(self, on: bool) -> None: ...

    def export_widget(self) -> QWidget: ...


def scene_api(widget: QWidget) -> SceneView:
    """The scene-view side of a widget made by `make_view`."""
    return cast(SceneView, widget)


class MessageView(QWidget):
    """A scene that only says something: a lab still to come, or why a scene could not be built."""

    # The scene-view interface names it `cursor` (shadowing QWidget.cursor()); nothing steps here.
    cursor: Cursor | None = None  # type: ignore[assignment]

    def __init__(
        self, message: str, theme: Theme, *, error: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.error = error
        self.label = QLabel(message)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self._presenting = False
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        font = QFont(self.font())
        font.setPointSizeF(14 * theme.font_scale * (1.3 if self._presenting else 1.0))
        self.label.setFont(font)
        color = theme.bad if self.error else theme.muted
        self.label.setStyleSheet(f"color: {color};")

    def set_presentation(self, on: bool) -> None:
        self._presenting = on
        self.apply_theme(self._theme)

    def export_widget(self) -> QWidget:
        return self


ViewFactory = Callable[[Any, Theme], QWidget]

# The plot views need pyqtgraph, which takes about 0.4 s to import: load it with the first plot,
# so the window shows within 2 s of launch.


def _plot_view(state: PlotState, theme: Theme) -> QWidget:
    from gradlab.gui.graph.plot_view import PlotView  # noqa: PLC0415

    return PlotView(state, theme)


def _train_lab(run: TrainingRun, theme: Theme) -> QWidget:
    from gradlab.gui.train.lab import TrainLab  # noqa: PLC0415

    return TrainLab(run, theme)


VIEW_FACTORIES: dict[type[Any], ViewFactory] = {
    GraphSession: GraphLab,
    PlotState: _plot_view,
    TableScene: TableView,
    ConvScrubber: ConvLab,
    TrainingRun: _train_lab,
}
"""State type -> view; a new lab adds its entry here."""


def make_view(state: object, theme: Theme) -> QWidget:
    """The view for a scene's state object."""
    factory = VIEW_FACTORIES.get(type(state))
    if factory is None:
        return MessageView(
            f"gradlab has no view for {type(state).__name__} yet.", theme, error=True
        )
    return factory(state, theme)
