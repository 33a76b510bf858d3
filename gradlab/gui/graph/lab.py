"""`GraphLab`: the scene the main window shows for a graph step.

An expression editor and a wrapping grid of inputs (`EditorPanel`) rebuild the graph once typing
pauses; an error is shown inline and the last good graph stays (the typed text is never lost).
Beside the graph: the explanation of the current step and the three-way check. The transport
bar drives the player. The check and the layout of a large graph run in worker processes (the
session's `Background`), polled from a timer, so the window never waits for them.

The side panels that can show an answer (the check table, the explanation, a tensor's numbers)
are `checks`, `explanation` and `arrays`; `_show_panels` alone decides which are visible.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from psygnal import SignalInstance
from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QGuiApplication, QImageWriter, QKeySequence
from PySide6.QtWidgets import QSplitter, QTextBrowser, QVBoxLayout, QWidget

from gradlab.gui.graph.editing import EditorPanel
from gradlab.gui.graph.group_bar import GroupBar
from gradlab.gui.graph.panels import ArrayPanel, CheckPanel
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.graph.view import GraphView
from gradlab.gui.scene_view import Exporter, ExportKind, SceneView
from gradlab.gui.theme import Theme
from gradlab.gui.typography import GRAPH_EXPLAIN
from gradlab.layout import edge_key, to_dot
from gradlab.layout.labels import node_names
from gradlab.state.graph.background import Background
from gradlab.state.graph.explain import explain
from gradlab.state.graph.network_session import NetworkSession
from gradlab.state.graph.session import GraphSession, TraceSession
from gradlab.state.graph.shown import SYNC_LAYOUT_NODES
from gradlab.state.quiz import QuizState

POLL_MS = 30
"""How often the lab looks for finished background work while some is on its way."""
SPLIT_GRAPH, SPLIT_SIDE = 640, 360
"""Initial share of the graph and of the side panels (a splitter keeps the ratio)."""
PRESENT_GRAPH, PRESENT_TEXT = 820, 180
"""While presenting: the graph over the explanation, which has a few lines in large type."""
PREDICT_FIRST = (
    "<p><i>Predict first: the explanation of this step comes back once you have answered "
    "the quiz or pressed Reveal.</i></p>"
)


class GraphLab(SceneView):
    """Editor, inputs, graph view, explanation and checks for one `GraphSession`."""

    def __init__(
        self,
        session: GraphSession | TraceSession | NetworkSession,
        theme: Theme,
        parent: QWidget | None = None,
        *,
        background: Background | None = None,
    ) -> None:
        super().__init__(theme, parent)
        self.session = session
        self.step_cursor = session.player
        self._names = (session.trace, node_names(session.trace))
        self.style_ = GraphStyle(theme)
        session.attach(background or Background())
        self.poller = QTimer(self)
        self.poller.setInterval(POLL_MS)
        self.poller.timeout.connect(self._poll)
        self._panels_follow = QTimer(self)
        self._panels_follow.setSingleShot(True)
        self._panels_follow.setInterval(0)
        self._panels_follow.timeout.connect(self._after_rebuild)
        session.set_sizer(self.style_.sizer)

        self.editing: EditorPanel | None = None
        if isinstance(session, GraphSession):
            self.editing = EditorPanel(session, theme)
        self.groups: GroupBar | None = None
        if isinstance(session, NetworkSession):
            self.groups = GroupBar(session)
            self.addActions(self.groups.key_actions)
        self.view = GraphView(
            session.player, session.layout if session.layout_ready else None, self.style_
        )
        self.explanation = QTextBrowser()
        self.explanation.setOpenLinks(False)
        self.checks = CheckPanel(theme)
        self.arrays = ArrayPanel()
        self.arrays.setVisible(False)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self._arrange()
        self._panels: frozenset[str] | None = None
        self._quiz: QuizState | None = None
        self._show_panels(theme.presenting)

        self._zooms = self._zoom_actions()
        self.checks.run.clicked.connect(self._run_check)
        self.checks.cancel.clicked.connect(self._cancel_check)
        self.view.node_clicked.connect(self._on_node_clicked)
        links: tuple[tuple[SignalInstance, Callable[..., None]], ...] = (
            (session.rebuilt, self._on_rebuilt),
            (session.laid_out, self._on_laid_out),
            (session.failed, self._on_failed),
            (session.checked, self._on_checked),
            (session.progressed, self._on_progressed),
            (session.player.changed, self._on_changed),
        )
        if isinstance(session, NetworkSession):
            links += ((session.regrouping, self._on_regrouping),)
        for signal, slot in links:
            signal.connect(slot)
        # the session can outlive this widget (the window keeps it): cut the links with the
        # widget, and its background work goes with it
        self.destroyed.connect(lambda *_: _disconnect(links, session))
        self._on_rebuilt()
        self._restyle()

    def _arrange(self) -> None:
        for panel in (self.explanation, self.checks, self.arrays):
            self.side.addWidget(panel)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 2)
        self.split.addWidget(self.view)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([SPLIT_GRAPH, SPLIT_SIDE])
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(4, 4, 4, 4)
        if self.editing is not None:
            self.column.addWidget(self.editing)
        if self.groups is not None:
            self.column.addWidget(self.groups)
        self.column.addWidget(self.split, 1)

    # ---- the scene-view interface ------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        """Recolour and re-measure: fonts grow with `theme.font_scale`, so the graph is relaid."""
        super().apply_theme(theme)
        self.style_ = GraphStyle(theme)
        self._restyle()
        self.session.set_sizer(self.style_.sizer)

    def _restyle(self) -> None:
        theme = self.theme
        self.checks.apply_theme(theme)
        if self.editing is not None:
            self.editing.apply_theme(theme)
        if self.groups is not None:
            self.groups.apply_theme(theme)
        font = QFont("DejaVu Sans")
        font.setPixelSize(GRAPH_EXPLAIN.pixels(theme))
        self.explanation.setFont(font)

    def set_presentation(self, on: bool) -> None:
        """Only the graph and the explanation, larger, the explanation under the graph so its
        lines stay long; the whole graph fits the window."""
        self.split.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        margin = 0 if on else 4  # the projector's every pixel goes to the graph
        self.column.setContentsMargins(margin, margin, margin, margin)
        self.split.setSizes([PRESENT_GRAPH, PRESENT_TEXT] if on else [SPLIT_GRAPH, SPLIT_SIDE])
        self._show_panels(on)
        super().set_presentation(on)
        self.view.fit_to_window()

    def export_widget(self) -> QWidget:
        return self.view

    def set_panels(self, panels: Collection[str] | None) -> None:
        """Show only these of the lab's panels ("editor", "explain", "check"); None shows all."""
        self._panels = None if panels is None else frozenset(panels)
        self._show_panels(self.theme.presenting)

    def _show_panels(self, presenting: bool) -> None:
        def wanted(name: str) -> bool:
            return self._panels is None or name in self._panels

        editable = self.session.editable and not presenting
        if self.editing is not None:
            self.editing.setVisible(editable and wanted("editor"))
        # the check table lists every input's grad: not while a quiz asks for one, nor on a
        # step that only computes forward
        derivatives = self.session.player.backward and self._quiz is None
        self.checks.setVisible(editable and wanted("check") and derivatives)
        self.explanation.setVisible(wanted("explain"))

    def hide_answer(self, quiz: QuizState | None) -> None:
        """While `quiz` is open: no check table and no explanation (they read out grads and
        values), and no local derivative on the edge out of the asked node when that edge alone
        leads to the output (that local derivative is the answer itself)."""
        self._quiz = quiz
        self._show_panels(self.theme.presenting)
        self._mask_edges()
        self._explain()

    def _mask_edges(self) -> None:
        self.view.mask_label(self._answer_label())

    def _answer_label(self) -> str | None:
        """The edge label that would give the quiz's answer away, if any."""
        quiz = self._quiz
        if quiz is None or quiz.quiz.ask != "grad":
            return None
        trace = self.session.trace
        asked = trace.node(quiz.quiz.node).id
        uses = [
            (node.id, position)
            for node in trace.nodes
            for position, parent in enumerate(node.parents)
            if parent == asked
        ]
        if len(uses) == 1 and uses[0][0] == trace.root:
            return edge_key(*uses[0])
        return None

    def zoom_actions(self) -> Sequence[QAction]:
        return list(self._zooms.values())

    # ---- exports (the window's menu calls these) ---------------------------------------------

    def exports(self) -> Mapping[ExportKind, Exporter]:
        """The graph paints itself as vectors (and at twice the pixels) and writes its .dot."""
        return {"png": self.export_png, "svg": self.export_svg, "dot": self.export_dot}

    def export_png(self, path: str | Path) -> None:
        writer = QImageWriter(str(path), QByteArray(b"png"))
        if not writer.write(self.view.render_image()):
            raise OSError(f"could not write {path}: {writer.errorString()}")

    def export_svg(self, path: str | Path) -> None:
        self.view.render_svg(str(path))

    def export_dot(self, path: str | Path) -> None:
        Path(path).write_text(to_dot(self.session.trace), encoding="utf-8")

    def copy_image(self) -> None:
        QGuiApplication.clipboard().setImage(self.view.render_image())

    # ---- slots ------------------------------------------------------------------------------

    def _on_rebuilt(self) -> None:
        if self.session.layout_ready:
            self.view.set_layout(self.session.layout, self.style_)
        else:
            count = len(self.session.trace.nodes)
            self.view.set_notice(f"Laying out {count:,} nodes…")
        if len(self.session.trace.nodes) > SYNC_LAYOUT_NODES:
            # a large graph took its turn of the event loop to build: the panels follow in
            # the next, so a key pressed meanwhile is answered in between
            self._panels_follow.start()
        else:
            self._after_rebuild()
        self._mask_edges()

    def _on_regrouping(self) -> None:
        self.view.set_notice("Opening…")
        if self.groups is not None:
            self.groups.follow()
        self.poller.start()

    def _on_laid_out(self) -> None:
        self.view.set_layout(self.session.layout, self.style_)
        self._mask_edges()

    def _on_failed(self, message: str) -> None:
        if self.editing is not None:
            self.editing.follow()
            self.editing.show_error(message)

    def _on_checked(self) -> None:
        report = self.session.report
        if report is not None:
            self.checks.show_report(report)
        self._explain()

    def _on_progressed(self, fraction: float, what: str) -> None:
        self.checks.show_progress(fraction, what)
        self.poller.start()

    def _on_changed(self, position: int) -> None:
        del position
        self._explain()

    def _on_node_clicked(self, node_id: int) -> None:
        if isinstance(self.session, NetworkSession) and self.session.open(node_id):
            return
        snap = self.session.player.snapshot()
        node = self.session.trace.nodes[node_id]
        if not node.shape:
            return
        name = node_names(self.session.trace)[node_id]
        self.arrays.show_array(name, snap.values[node_id], snap.grads[node_id])
        self.arrays.setVisible(True)

    def _run_check(self) -> None:
        if isinstance(self.session, GraphSession):
            self.session.request_check()
            self.poller.start()

    def _cancel_check(self) -> None:
        if isinstance(self.session, GraphSession):
            self.session.cancel_check()
            self.checks.show_pending(auto=False)

    def _poll(self) -> None:
        if not self.session.poll():
            self.poller.stop()

    # ---- helpers ----------------------------------------------------------------------------

    def _after_rebuild(self) -> None:
        if self.editing is not None:
            self.editing.follow()
        if self.groups is not None:
            self.groups.follow()
        self.arrays.setVisible(False)
        session = self.session
        if isinstance(session, GraphSession) and not session.report_ready:
            self.checks.show_pending(auto=session.auto_check or session.checking)
        if session.busy:
            self.poller.start()
        self._explain()

    def _explain(self) -> None:
        session = self.session
        if self._quiz is not None:
            self.explanation.setHtml(PREDICT_FIRST)
            return
        report = session.report
        if self._names[0] is not session.trace:
            self._names = (session.trace, node_names(session.trace))
        text = explain(session.trace, session.player.position, report, self._names[1])
        self.explanation.setHtml(text.html)

    def _zoom_actions(self) -> dict[str, QAction]:
        """Zoom shortcuts while the lab has focus; the window's View menu can list them."""
        specs = {
            "zoom_in": (
                "Zoom in",
                QKeySequence(QKeySequence.StandardKey.ZoomIn),
                self.view.zoom_in,
            ),
            "zoom_out": (
                "Zoom out",
                QKeySequence(QKeySequence.StandardKey.ZoomOut),
                self.view.zoom_out,
            ),
            "fit": ("Fit the whole graph", QKeySequence("Ctrl+0"), self.view.fit_to_window),
            "actual_size": ("Actual size (100 %)", QKeySequence("Ctrl+1"), self.view.reset_zoom),
        }
        actions = {}
        for key, (text, shortcut, slot) in specs.items():
            action = QAction(text, self)
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            actions[key] = action
        return actions


def _disconnect(
    links: tuple[tuple[SignalInstance, Callable[..., None]], ...],
    session: GraphSession | TraceSession | NetworkSession,
) -> None:
    for signal, slot in links:
        signal.disconnect(slot)
    session.detach()
