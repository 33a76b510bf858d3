"""Scene views: the widget the main window shows for a step's scene, made from its state object.

Every scene view is a `SceneView` (gradlab.gui.scene_view). `VIEW_FACTORIES` maps a state type
(see `gradlab.state.session.SCENE_BUILDERS`) to the view; a new lab adds one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradlab.gui.conv.lab import ConvLab
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.plain_text import plain_label
from gradlab.gui.scene_view import SceneView
from gradlab.gui.table_view import TableView
from gradlab.gui.theme import Theme
from gradlab.gui.typography import MESSAGE
from gradlab.lessons import TableScene
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.network_session import NetworkSession
from gradlab.state.graph.plot import PlotState
from gradlab.state.graph.session import GraphSession, TraceSession
from gradlab.state.train.run import TrainingRun


class MessageView(SceneView):
    """A scene that only says something: a lab still to come, or why a scene could not be built."""

    def __init__(
        self, message: str, theme: Theme, *, error: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(theme, parent)
        self.error = error
        self.label = plain_label(message)  # may quote a lesson's text
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.label.setFont(MESSAGE.font(theme, self.font()))
        color = theme.bad if self.error else theme.muted
        self.label.setStyleSheet(f"color: {color};")


ViewFactory = Callable[[Any, Theme], SceneView]

# The plot views need pyqtgraph, which takes about 0.4 s to import: load it with the first plot,
# so the window shows within 2 s of launch.


def _plot_view(state: PlotState, theme: Theme) -> SceneView:
    from gradlab.gui.graph.plot_view import PlotView  # noqa: PLC0415

    return PlotView(state, theme)


def _train_lab(run: TrainingRun, theme: Theme) -> SceneView:
    from gradlab.gui.train.lab import TrainLab  # noqa: PLC0415

    return TrainLab(run, theme)


VIEW_FACTORIES: dict[type[Any], ViewFactory] = {
    GraphSession: GraphLab,
    TraceSession: GraphLab,
    NetworkSession: GraphLab,
    PlotState: _plot_view,
    TableScene: TableView,
    ConvScrubber: ConvLab,
    TrainingRun: _train_lab,
}
"""State type -> view; a new lab adds its entry here."""


def make_view(state: object, theme: Theme) -> SceneView:
    """The view for a scene's state object."""
    factory = VIEW_FACTORIES.get(type(state))
    if factory is None:
        return MessageView(
            f"gradlab has no view for {type(state).__name__} yet.", theme, error=True
        )
    return factory(state, theme)
