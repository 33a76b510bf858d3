"""`GraphView`: the laid-out graph drawn with Qt items, following a `Player` step by step.

The layout is fixed for a trace; a step only recomputes each item's small state and repaints
the items whose state changed (no relayout). A new layout's items are made into a scene of their
own a slice of time per turn of the event loop, and shown once all are made (`Drawing`); the old
scene is taken apart the same way, so the window never waits for thousands of items at once.
The whole graph fits the view by default, at whatever zoom that takes; zoom with Ctrl +/-/0
or the wheel, pan by dragging, and when zoomed in an overview in the corner shows where you
are; far out the graph is one picture (`Detail` keeps the drawing shown and how near). A graph
that only runs forward is drawn without grad rows. A click on a node emits `node_clicked` with
its id.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from gradlab.engine.trace import BackwardStep, EdgeGrad, ForwardStep, Number, Snapshot, Trace
from gradlab.gui.graph.detail import Detail, too_far
from gradlab.gui.graph.drawing import Drawing, Teardown, item_titles
from gradlab.gui.graph.export import scene_image, scene_svg
from gradlab.gui.graph.items import EdgeItem, EdgeLabelItem, OpItem, ValueItem
from gradlab.gui.graph.overview import Overview
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.graph.zoom import FIT_MAX, ZoomingView
from gradlab.gui.plain_text import plain_label
from gradlab.layout import Layout, edge_key, edge_records
from gradlab.layout.fold import FOLD_NODES, best_fold
from gradlab.state.graph.player import Player
from gradlab.state.graph.shown import SYNC_LAYOUT_NODES

CLICK_SLOP = 4
FOLLOW_MARGIN = 0.15
"""The active node is re-centred when it comes closer than this share of the view to an edge."""


class GraphView(ZoomingView):
    """The graph of `player.trace` laid out as `layout`, redrawn at every step of `player`."""

    node_clicked = Signal(int)

    def __init__(
        self,
        player: Player,
        layout: Layout | None,
        style: GraphStyle,
        parent: QWidget | None = None,
    ) -> None:
        # the scene is parented to the view: a parentless QGraphicsScene is garbage-collected
        scene = QGraphicsScene()
        super().__init__(scene, parent)
        scene.setParent(self)
        self.player = player
        self._style = style
        self._layout: Layout | None = None
        self._placed: Layout | None = None
        """What is drawn: the layout, maybe folded into strips to suit the view's shape."""
        self._drawn: Trace | None = None
        self._shown: Snapshot | None = None
        self._shown_titles: list[tuple[str, str]] = []
        self._press: QPoint | None = None
        self._records: dict[tuple[int, int], EdgeGrad[Number]] = {}
        self._drawing: Drawing | None = None
        """The next scene, while its items are made."""
        self.teardown = Teardown(self)
        self._batches = QTimer(self)
        self._batches.setInterval(0)
        self._batches.timeout.connect(self._next_batch)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.overview = Overview(self, style.color("accent"))
        self.notice = plain_label(parent=self.viewport())
        self.notice.setVisible(False)
        self.notice.setMargin(6)
        self.detail = Detail(self.viewport(), backward=player.backward)
        """The scene shown, and whether far out as one picture."""
        self.far_hint = self.detail.hint
        """Says, far out, why the nodes are plain boxes and how to read them."""
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self.overview.follow)
        callback = self._on_changed
        player.changed.connect(callback)
        # the player can outlive this view: drop the link when the widget goes
        self.destroyed.connect(lambda *_: player.changed.disconnect(callback))
        if layout is not None:
            self.set_layout(layout, style)

    @property
    def trace(self) -> Trace:
        return self.player.trace

    @property
    def values(self) -> dict[int, ValueItem]:
        """The value node items shown, by node id."""
        return {} if self.detail.drawing is None else self.detail.drawing.values

    @property
    def ops(self) -> dict[int, OpItem]:
        return {} if self.detail.drawing is None else self.detail.drawing.ops

    @property
    def edges(self) -> dict[str, EdgeItem]:
        return {} if self.detail.drawing is None else self.detail.drawing.edges

    @property
    def edge_labels(self) -> dict[str, EdgeLabelItem]:
        return {} if self.detail.drawing is None else self.detail.drawing.edge_labels

    # ---- building --------------------------------------------------------------------------

    def set_layout(self, layout: Layout, style: GraphStyle | None = None) -> None:
        """Show the player's current trace placed as `layout` says.

        When only numbers changed (an input was edited: same layout, style and names), the
        items stay and are brought up to date; otherwise every item is made anew into a scene of
        its own, shown once complete (`up_to_date` is False meanwhile).
        """
        style = style or self._style
        titles = item_titles(self.trace)
        self.set_notice("")
        if layout is self._layout and style is self._style and titles == self._shown_titles:
            if self._drawing is None:
                self._drawn = self.trace
                self._records = edge_records(self.trace)
                self._shown = None
                self.refresh()
            return
        self._layout, self._style, self._shown_titles = layout, style, titles
        self._records = edge_records(self.trace)
        self._draw(self._folded(layout))

    def _folded(self, layout: Layout) -> Layout:
        """`layout` folded into strips when that lets it be drawn larger in this view."""
        if len(self.trace.nodes) > FOLD_NODES:
            return layout
        sizes = {
            edge_key(node, k): self._style.edge_label(record.local, record.contribution)
            for (node, k), record in self._records.items()
        }
        port = self.viewport().rect()
        return best_fold(layout, sizes, (port.width() - 4, port.height() - 4), FIT_MAX)

    def _draw(self, layout: Layout) -> None:
        """Make the items of `layout` into a new scene (a slice of time per turn of the event
        loop when they are many), shown once it is complete."""
        self._placed = layout
        self._batches.stop()
        if self._drawing is not None:  # a scene for an older layout, not yet shown
            self.teardown.retire(self._drawing.scene, self._drawing.items())
        self._drawn = None
        self._shown = None
        self.overview.accent = self._style.color("accent")
        far = self.detail.far
        fitted = self.fit_zoom(QRectF(0, 0, layout.width, layout.height))
        if self._auto_fit and fitted is not None:
            far = too_far(fitted, self._style)  # made as shown: nothing to switch after
        self._drawing = Drawing(
            self,
            self.trace,
            layout,
            self._style,
            self._shown_titles,
            self._records,
            far=far,
            backward=self.player.backward,
        )
        if len(self.trace.nodes) > SYNC_LAYOUT_NODES:
            # the turn that brought the layout has done enough: the items come in the next
            self.set_notice(f"Drawing {len(self.trace.nodes):,} nodes…")
            self._batches.start()
            return
        self._next_batch()
        if self._drawing is not None:
            self.set_notice(f"Drawing {len(self.trace.nodes):,} nodes…")
            self._batches.start()

    @property
    def up_to_date(self) -> bool:
        """Whether every item of the player's current trace is drawn."""
        return self._drawn is self.trace

    def _next_batch(self) -> None:
        drawing = self._drawing
        if drawing is None:
            self._batches.stop()
            return
        if not drawing.step():
            return
        self._drawing = None
        self._batches.stop()
        old = self.scene()
        shown = self.detail.drawing
        retired: list[QGraphicsItem] = [] if shown is None else shown.items()
        self.detail.show(drawing)
        self.setScene(drawing.scene)
        self.teardown.retire(old, retired)
        self._drawn = self.trace
        self.set_notice("")
        self.refresh()
        if self._auto_fit:
            self.fit_to_window()
        else:
            # the learner may have zoomed while the items were made
            self.detail.set_far(too_far(self.zoom, self._style))
        # the overview's picture waits a turn: the view is on screen first
        QTimer.singleShot(0, self, self._redraw_overview)

    def _redraw_overview(self) -> None:
        if self._drawing is None and self._placed is not None:
            self.overview.redraw(
                self._placed, self._style.color("window"), self._style.color("node_border")
            )

    def set_notice(self, text: str) -> None:
        """A line over the graph's top-left corner ("Laying out…"); empty hides it."""
        if not text:
            self.notice.setVisible(False)
            return
        theme = self._style.theme
        sheet = f"background: {theme.highlight_fill}; color: {theme.text}; border-radius: 4px"
        if sheet != self.notice.styleSheet():  # parsing a style sheet takes milliseconds
            self.notice.setStyleSheet(sheet)
        self.notice.setText(text)
        self.notice.adjustSize()
        self.notice.move(8, 8)
        self.notice.setVisible(True)

    # ---- following the player ----------------------------------------------------------------

    def _on_changed(self, position: int) -> None:
        del position
        self.refresh()

    def refresh(self) -> int:
        """Bring the items up to the player's snapshot; returns how many items changed.

        Only nodes whose value, grad or activity differ from the last drawn snapshot are looked
        at (snapshots share the recorded numbers, so `is` finds the changes), so a step costs
        the few nodes it touches, not the whole graph.
        """
        if self.player.trace is not self._drawn:
            return 0  # the graph was rebuilt: `set_layout` follows with the new items
        snap = self.player.snapshot()
        last, self._shown = self._shown, snap
        if last is None:
            dirty: Iterable[int] = range(len(snap.values))
        else:
            dirty = {
                i
                for i in range(len(snap.values))
                if snap.values[i] is not last.values[i]
                or snap.grads[i] is not last.grads[i]
                or snap.final[i] is not last.final[i]
            }
            dirty |= {n for n in (snap.active, last.active) if n is not None}
        forward = snap.step.node if isinstance(snap.step, ForwardStep) else None
        backward = snap.step.node if isinstance(snap.step, BackwardStep) else None
        shown = self.detail.drawing
        assert shown is not None  # drawn
        changed = sum(
            shown.refresh_node(self.trace, self._records, snap, i, (forward, backward))
            for i in sorted(dirty)
        )
        self._follow(snap.active)
        self.detail.frame(snap.active)
        return changed

    # ---- what tests and exports read ---------------------------------------------------------

    def node_texts(self) -> dict[int, tuple[str, str, str]]:
        """Every value node's (name, data, grad) texts as drawn."""
        return {i: item.texts() for i, item in self.values.items()}

    def label_texts(self) -> dict[str, tuple[str, str]]:
        return {key: item.texts() for key, item in self.edge_labels.items()}

    def render_image(self, scale: float = 2.0) -> QImage:
        """The whole graph (not just what is scrolled into view) as an image."""
        with self.detail.near():
            return scene_image(self.scene(), self._style.color("window"), scale)

    def render_svg(self, path: str) -> None:
        """The whole graph as an SVG file, in vectors."""
        with self.detail.near():
            scene_svg(self.scene(), self._style.color("window"), path)

    def zoomed(self) -> None:
        """The zoom changed: far out the graph is one picture; the overview follows."""
        self.detail.set_far(too_far(self.zoom, self._style))
        self.overview.follow()

    def mask_label(self, key: str | None) -> None:
        """Keep the label of edge `key` hidden (it would give a quiz's answer away); None shows
        every label again (when the graph is near enough to read)."""
        self.detail.mask(key)

    @property
    def far(self) -> bool:
        """Whether the graph is shown as one picture (zoomed far out)."""
        return self.detail.far

    def _follow(self, node: int | None) -> None:
        """Centre the active node when it is (partly) out of view: only scrolls, never zooms,
        and centring shows what flows into it and out of it."""
        item = self.values.get(node) if node is not None else None
        if item is None or self.trace is not self._drawn:
            return
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        # keep room around it for the edges coming in and going out
        dx, dy = FOLLOW_MARGIN * seen.width(), FOLLOW_MARGIN * seen.height()
        wanted = item.rect.adjusted(-dx, -dy, dx, dy)
        if not seen.contains(wanted):
            self.centerOn(item.rect.center())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        drawing = self.up_to_date or self._drawing is not None  # the current trace's layout
        if self._auto_fit and self._layout is not None and drawing:
            # another shape of view may want the graph folded otherwise (also while its items
            # are being made: a fold chosen for a view the panels then resized stayed small)
            folded = self._folded(self._layout)
            placed = self._placed
            if placed is None or (folded.width, folded.height) != (placed.width, placed.height):
                self._draw(folded)
                return
        if self._auto_fit:
            self.fit_to_window()
        self.overview.follow()
        self.detail.place_hint()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        start, self._press = self._press, None
        point = event.position().toPoint()
        if start is None or (point - start).manhattanLength() > CLICK_SLOP:
            return
        if not self.up_to_date:
            return  # the items shown are an older graph's: their ids mean other nodes now
        if self.detail.far:  # the items are hidden: find the node under the point by its box
            spot = self.mapToScene(point)
            nodes: list[ValueItem | OpItem] = [*self.values.values(), *self.ops.values()]
            found = next((node for node in nodes if node.rect.contains(spot)), None)
            if found is not None:
                self.node_clicked.emit(found.node_id)
            return
        for item in self.items(point):
            if isinstance(item, ValueItem | OpItem):
                self.node_clicked.emit(item.node_id)
                return
