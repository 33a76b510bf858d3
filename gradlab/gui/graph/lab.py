"""`GraphLab`: the scene the main window shows for a graph step.

An expression editor and one spin box per input rebuild the graph at once; an error is shown
inline and the last good graph stays (the typed text is never lost). Beside the graph: the
explanation of the current step and the three-way check. The transport bar drives the player.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from psygnal import SignalInstance
from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QGuiApplication, QImageWriter, QKeySequence
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.graph.panels import ArrayPanel, CheckPanel
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.graph.view import MIN_ZOOM, GraphView
from gradlab.gui.scene_view import Exporter, ExportKind, SceneView
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.gui.typography import GRAPH_EXPLAIN
from gradlab.layout import edge_key, to_dot
from gradlab.layout.labels import node_names
from gradlab.state.graph.explain import explain
from gradlab.state.graph.session import GraphSession, TraceSession
from gradlab.state.quiz import QuizState

CHECK_DELAY_MS = 300
"""Typing pauses this long before the SymPy check runs, so keystrokes stay instant."""
SPIN_RANGE = 1e6
SPLIT_GRAPH, SPLIT_SIDE = 640, 360
"""Initial share of the graph and of the side panels (a splitter keeps the ratio)."""
PREDICT_FIRST = (
    "<p><i>Predict first: the explanation of this step comes back once you have answered "
    "the quiz or pressed Reveal.</i></p>"
)


class GraphLab(SceneView):
    """Editor, inputs, graph view, explanation and checks for one `GraphSession`."""

    def __init__(
        self, session: GraphSession | TraceSession, theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(theme, parent)
        self.session = session
        self.step_cursor = session.player
        self._names = (session.trace, node_names(session.trace))
        self.style_ = GraphStyle(theme)
        session.set_sizer(self.style_)

        self.editor = QLineEdit(session.expression if isinstance(session, GraphSession) else "")
        self.editor.setPlaceholderText("q = x + y; f = q * z")
        self.editor.setFont(QFont("DejaVu Sans Mono"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.inputs_row = QHBoxLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.view = GraphView(session.player, session.layout, self.style_)
        self.explanation = QTextBrowser()
        self.explanation.setOpenLinks(False)
        self.checks = CheckPanel(theme)
        self.arrays = ArrayPanel()
        self.arrays.setVisible(False)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)

        self.editing = QWidget()
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self._arrange()
        self._panels: frozenset[str] | None = None
        self._quiz: QuizState | None = None
        self._show_panels(theme.presenting)

        self._zooms = self._zoom_actions()
        self.editor.textEdited.connect(self._on_text_edited)
        self.checks.run.clicked.connect(self._run_check)
        self._check_timer.timeout.connect(self._run_check)
        self.view.node_clicked.connect(self._on_node_clicked)
        links = (
            (session.rebuilt, self._on_rebuilt),
            (session.failed, self._on_failed),
            (session.checked, self._on_checked),
            (session.player.changed, self._on_changed),
        )
        for signal, slot in links:
            signal.connect(slot)
        # the session can outlive this widget (the window keeps it): cut the links with the widget
        self.destroyed.connect(lambda *_: _disconnect(links))
        self._sync_inputs()
        self._after_rebuild()
        self._restyle()

    def _arrange(self) -> None:
        editing = QVBoxLayout(self.editing)
        editing.setContentsMargins(0, 0, 0, 0)
        editing.addWidget(self.editor)
        editing.addWidget(self.error)
        editing.addLayout(self.inputs_row)
        for panel in (self.explanation, self.checks, self.arrays):
            self.side.addWidget(panel)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 2)
        self.split.addWidget(self.view)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([SPLIT_GRAPH, SPLIT_SIDE])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.editing)
        layout.addWidget(self.split, 1)

    # ---- the scene-view interface ------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        """Recolour and re-measure: fonts grow with `theme.font_scale`, so the graph is relaid."""
        super().apply_theme(theme)
        self.style_ = GraphStyle(theme)
        self._restyle()
        self.session.set_sizer(self.style_)

    def _restyle(self) -> None:
        theme = self.theme
        self.checks.apply_theme(theme)
        self.error.setStyleSheet(f"color: {theme.bad}; font-weight: bold")
        font = QFont("DejaVu Sans")
        font.setPixelSize(GRAPH_EXPLAIN.pixels(theme))
        self.explanation.setFont(font)

    def set_presentation(self, on: bool) -> None:
        """Only the graph and the explanation, larger, the explanation under the graph so its
        lines stay long; the graph fits the window."""
        self.split.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        # on a projector nothing shrinks below 100 %: a long graph scrolls to the active node
        self.view.min_zoom = 1.0 if on else MIN_ZOOM
        self.split.setSizes([SPLIT_GRAPH, SPLIT_SIDE])
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
        self.editing.setVisible(editable and wanted("editor"))
        # the check table lists every input's grad: not while a quiz asks for one
        self.checks.setVisible(editable and wanted("check") and self._quiz is None)
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
        for label in self.view.edge_labels.values():
            label.setVisible(True)
        quiz = self._quiz
        if quiz is None or quiz.quiz.ask != "grad":
            return
        trace = self.session.trace
        asked = trace.node(quiz.quiz.node).id
        uses = [
            (node.id, position)
            for node in trace.nodes
            for position, parent in enumerate(node.parents)
            if parent == asked
        ]
        if len(uses) == 1 and uses[0][0] == trace.root:
            only = self.view.edge_labels.get(edge_key(*uses[0]))
            if only is not None:
                only.setVisible(False)

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

    def _on_text_edited(self, text: str) -> None:
        if isinstance(self.session, GraphSession):
            self.session.set_expression(text)

    def _on_spin(self, name: str, value: float) -> None:
        if isinstance(self.session, GraphSession):
            self.session.set_input(name, value)

    def _on_rebuilt(self) -> None:
        self.view.set_layout(self.session.layout, self.style_)
        self._sync_editor()
        self._sync_inputs()
        self._after_rebuild()
        self._mask_edges()

    def _on_failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        self._sync_editor()

    def _sync_editor(self) -> None:
        """Show the session's text when it was changed from outside (never while typing)."""
        session = self.session
        typing = self.editor.hasFocus()
        if (
            isinstance(session, GraphSession)
            and not typing
            and self.editor.text() != session.expression
        ):
            self.editor.setText(session.expression)

    def _on_checked(self) -> None:
        if isinstance(self.session, GraphSession):
            self.checks.show_report(self.session.report)
        self._explain()

    def _on_changed(self, position: int) -> None:
        del position
        self._explain()

    def _on_node_clicked(self, node_id: int) -> None:
        snap = self.session.player.snapshot()
        node = self.session.trace.nodes[node_id]
        if not node.shape:
            return
        name = node_names(self.session.trace)[node_id]
        self.arrays.show_array(name, snap.values[node_id], snap.grads[node_id])
        self.arrays.setVisible(True)

    def _run_check(self) -> None:
        if isinstance(self.session, GraphSession):
            self.session.report  # noqa: B018 - computing it emits `checked`

    # ---- helpers ----------------------------------------------------------------------------

    def _after_rebuild(self) -> None:
        self.error.setVisible(self.session.error is not None)
        self.arrays.setVisible(False)
        if self.session.editable and not self.session.report_ready:
            self.checks.show_pending(auto=self.session.auto_check)
            if self.session.auto_check:
                self._check_timer.start()
        self._explain()

    def _explain(self) -> None:
        session = self.session
        report = (
            session.report if isinstance(session, GraphSession) and session.report_ready else None
        )
        if self._quiz is not None:
            self.explanation.setHtml(PREDICT_FIRST)
            return
        if self._names[0] is not session.trace:
            self._names = (session.trace, node_names(session.trace))
        text = explain(session.trace, session.player.position, report, self._names[1])
        self.explanation.setHtml(text.html)

    def _sync_inputs(self) -> None:
        """One labelled spin box per input; rebuilt only when the set of inputs changed."""
        if not isinstance(self.session, GraphSession):
            return
        values = self.session.inputs
        if list(values) != list(self.spins):
            while self.inputs_row.count():
                item = self.inputs_row.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            self.spins.clear()
            for name in values:
                spin = QDoubleSpinBox()
                spin.setRange(-SPIN_RANGE, SPIN_RANGE)
                spin.setDecimals(4)
                spin.setSingleStep(0.1)
                spin.setValue(values[name])
                spin.valueChanged.connect(lambda value, name=name: self._on_spin(name, value))
                self.inputs_row.addWidget(QLabel(f"{name} ="))
                self.inputs_row.addWidget(spin)
                self.spins[name] = spin
            self.inputs_row.addStretch(1)
        for name, spin in self.spins.items():
            if spin.value() != values[name]:
                with signals_blocked(spin):
                    spin.setValue(values[name])

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
            "fit": ("Fit to window", QKeySequence("Ctrl+0"), self.view.fit_to_window),
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


def _disconnect(links: tuple[tuple[SignalInstance, Callable[..., None]], ...]) -> None:
    for signal, slot in links:
        signal.disconnect(slot)
