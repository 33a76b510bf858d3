"""`TrainLab`: the training lab scene view: model builder, live plots, maps and rewind.

Training runs in a worker process (or, with ``worker=False``, in time-budgeted chunks on this
thread), driven by `TrainDriver`. The views redraw from their own timer, one part per tick (each
part at most 25 times a second) and only when something changed, so painting stays cheap however
fast the steps come. The scene's `step_cursor` is the run's snapshot cursor: moving it back shows
the boundary, filters and confusion of that moment (the curves stay whole, with a marker at that
step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.export import save_png, save_svg
from gradlab.gui.scene_view import SceneView
from gradlab.gui.theme import Theme
from gradlab.gui.train.controls import TrainControls
from gradlab.gui.train.driver import TrainDriver
from gradlab.gui.train.maps import BoundaryPanel, ConfusionPanel, MosaicPanel
from gradlab.gui.train.plots import CurvesPanel, DistributionsPanel, WatchPanel
from gradlab.gui.typography import TRAIN_TEXT
from gradlab.lessons import TrainScene
from gradlab.nn.layers import Linear
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.run import TrainingRun

MIN_TICK_MS = 10
"""Four parts at most every 10 ms: each is redrawn up to 25 times a second."""
MAX_TICK_MS = 250
TRAIN_SHARE = 0.8
PACE_SECONDS = 0.25


class TrainLab(SceneView):
    """The scene view for a train scene (or any `TrainingRun`)."""

    def __init__(
        self,
        run: TrainingRun | TrainScene,
        theme: Theme,
        parent: QWidget | None = None,
        *,
        worker: bool = True,
    ) -> None:
        super().__init__(theme, parent)
        self.run = run if isinstance(run, TrainingRun) else TrainingRun.from_scene(run)
        # training in its own process keeps the interface's core free (switching starts over)
        self.run.use_worker(worker)
        self.step_cursor = self.run.snapshots
        self.driver = TrainDriver(self.run, parent=self)
        # the lab owns its run's training: when it goes (another step, another lesson), so does
        # the worker process, now rather than whenever the garbage collector gets to the run
        kept = self.run
        self.destroyed.connect(lambda *_: kept.close())
        self.digit = 0
        self.repaints = 0
        self._dirty = True
        self.controls = TrainControls(self.run.settings)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_area = scroll
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.views = QWidget()
        self.views_layout = QVBoxLayout(self.views)
        self.views_layout.setContentsMargins(0, 0, 0, 0)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.views, 1)
        right_layout.addLayout(self._export_row())
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 900])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._connect()
        self._holder: QWidget | None = None
        self._build_views()
        self._redraw = QTimer(self)
        self._parts = (
            self._refresh_curves, self._refresh_maps, self._refresh_tab, self._refresh_status
        )  # fmt: skip
        self._pending: list[Callable[[], None]] = []
        self._redraw.setInterval(MIN_TICK_MS)
        self._paced_at, self._paced_busy = time.perf_counter(), 0.0
        self._redraw.timeout.connect(self._on_redraw)
        self._redraw.start()
        self.apply_theme(theme)
        self.refresh()

    def _connect(self) -> None:
        self.controls.settings_changed.connect(self._on_settings_changed)
        self.controls.start_clicked.connect(self.driver.toggle)
        self.controls.step_clicked.connect(self.driver.step)
        self.controls.reset_clicked.connect(self.driver.reset)
        self.driver.running_changed.connect(self._on_running_changed)
        # psygnal callbacks only flag work for the redraw timer: no Qt calls from them
        self.run.advanced.connect(self._on_run_changed)
        self.run.cleared.connect(self._on_run_changed)
        self.run.stopped.connect(self._on_run_changed)
        self.run.snapshots.changed.connect(self._on_run_changed)

    # ---- building ----------------------------------------------------------------------------

    def _export_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.weight_name = QComboBox()
        self.weight_index = QSpinBox()
        follow = QPushButton("Follow weight")
        follow.clicked.connect(self._on_follow)
        row.addWidget(QLabel("Weight:"))
        row.addWidget(self.weight_name)
        row.addWidget(self.weight_index)
        row.addWidget(follow)
        row.addStretch(1)
        for text, slot in (
            ("Save plots (PNG/SVG)…", self._on_save_plots),
            ("Save history (CSV)…", self._on_save_csv),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        return row

    def _build_views(self) -> None:
        if self._holder is not None:
            self.views_layout.removeWidget(self._holder)
            self._holder.deleteLater()
        data = self.run.data
        self.curves = CurvesPanel()
        self.distributions = DistributionsPanel()
        self.watch = WatchPanel()
        self.tabs = QTabWidget()
        self.boundary: BoundaryPanel | None = None
        self.confusion: ConfusionPanel | None = None
        if self.run.settings.is_images:
            self.confusion = ConfusionPanel(data.num_classes)
            main: QWidget = self.confusion
            self.maps = MosaicPanel(("first-layer filters", "feature maps of a test digit"))
            self.missed = MosaicPanel(("misclassified test digits",))
            self.tabs.addTab(self.maps, "Filters")
            self.tabs.addTab(self.missed, "Misclassified")
        else:
            self.boundary = BoundaryPanel(data)
            main = self.boundary
            hidden = len(self.run.frame().neurons)
            self.maps = MosaicPanel(tuple(f"hidden layer {i + 1}" for i in range(hidden)))
            self.maps.tile_clicked.connect(self._on_neuron_clicked)
            self.missed = MosaicPanel(())
            self.tabs.addTab(self.maps, "Neurons")
        self.tabs.addTab(self.distributions, "Distributions")
        self.tabs.addTab(self.watch, "Weight")
        grid = QGridLayout()
        grid.addWidget(main, 0, 0)
        grid.addWidget(self.curves, 0, 1)
        grid.addWidget(self.tabs, 1, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        self._holder = QWidget()
        self._holder.setLayout(grid)
        self.views_layout.addWidget(self._holder)
        self.weight_name.clear()
        self.weight_name.addItems([name for name, _ in self.run.model.named_parameters()])
        self.controls.show_summary(self.run.summary())

    # ---- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw everything from the run now."""
        for part in self._parts:
            part()
        self._dirty = False
        self.repaints += 1

    def _refresh_curves(self) -> None:
        shown = self.run.snapshots.current
        self.curves.refresh(self.run)
        self.curves.mark(None if shown is None else shown.step)

    def _refresh_maps(self) -> None:
        frame = self.run.frame(self.digit)
        if self.boundary is not None:
            self.boundary.show_frame(frame)
            for i, (label, maps) in enumerate(frame.neurons):
                self.maps.show_tiles(i, maps, min(len(maps), 8), f"{label} (click a neuron)")
            return
        if self.confusion is not None:
            self.confusion.show_frame(frame)
        if self.tabs.currentWidget() is self.maps:
            self.maps.show_tiles(0, frame.filters, 8)
            self.maps.show_tiles(1, frame.feature_maps, 8)
        if self.tabs.currentWidget() is self.missed:
            self._show_missed(frame.misclassified)

    def _refresh_tab(self) -> None:
        if self.tabs.currentWidget() is self.distributions:
            self.distributions.refresh(self.run)
        elif self.tabs.currentWidget() is self.watch:
            self.watch.refresh(self.run)

    def _refresh_status(self) -> None:
        run = self.run
        shown = run.snapshots.current
        self.controls.show_run(run, self.driver.running)
        if shown is None:
            where, evaluation = "live", run.latest_evaluation
        else:
            where = f"snapshot after epoch {shown.epoch} (step {shown.step})"
            evaluation = shown.evaluation
        accuracy = "" if evaluation is None else f", test accuracy {evaluation.accuracy:.1%}"
        showing = f"Showing: {where}{accuracy}"
        self.message.setText(f"{run.message}\n{showing}" if run.message else showing)
        failed = bool(run.message) and not run.message.startswith("Finished")
        self.message.setStyleSheet(f"color: {self.theme.bad if failed else self.theme.text};")

    def _show_missed(self, missed: tuple[tuple[int, int], ...]) -> None:
        if not missed:
            self.missed.show_tiles(0, None, 8)
            return
        images = self.run.data.x_test[[i for i, _ in missed], 0]
        truth = self.run.data.y_test
        title = "misclassified (true→predicted): " + "  ".join(
            f"{truth[i]}→{p}" for i, p in missed[:12]
        )
        self.missed.show_tiles(0, images, 8, title)

    # ---- slots -------------------------------------------------------------------------------

    def _on_run_changed(self, *_: object) -> None:
        self._dirty = True

    def _on_redraw(self) -> None:
        """One part per tick, in turn, so each event-loop pass stays short (input and painting
        are never held up by a whole-lab redraw). While training, the tick interval adapts so
        that training keeps about `TRAIN_SHARE` of the time, whatever drawing costs here."""
        if self._dirty and not self._pending:
            self._pending = list(self._parts)
            self._dirty = False
        if self._pending:
            self._pending.pop(0)()
            if not self._pending:
                self.repaints += 1
        self._pace()

    def _pace(self) -> None:
        now = time.perf_counter()
        wall = now - self._paced_at
        if wall < PACE_SECONDS:
            return
        busy = self.driver.busy_seconds - self._paced_busy
        self._paced_at, self._paced_busy = now, self.driver.busy_seconds
        interval = self._redraw.interval()
        if self.driver.running and self.driver.in_process and busy / wall < TRAIN_SHARE:
            interval = min(int(interval * 1.3) + 1, MAX_TICK_MS)
        else:
            interval = max(int(interval * 0.8), MIN_TICK_MS)
        self._redraw.setInterval(interval)

    def _on_running_changed(self, _running: bool) -> None:
        self.refresh()

    def _on_settings_changed(self, settings: TrainSettings) -> None:
        self.driver.pause()
        old = self.run.settings
        try:
            self.run.configure(settings)
        except ValueError as error:
            self.controls.show_error(str(error))
            self.run.configure(old)
        self._build_views()
        self.apply_theme(self.theme)
        self.refresh()

    def _on_neuron_clicked(self, which: int, neuron: int) -> None:
        """Follow the clicked neuron's bias: the Linear feeding that activation layer."""
        frame = self.run.frame(self.digit)
        layer = frame.neurons[which][0].split()[0]
        feeding = None
        for name, module in self.run.model.named_children():
            if name == layer:
                break
            if isinstance(module, Linear):
                feeding = name
        if feeding is not None:
            self.run.watch(f"{feeding}.bias", neuron)
            self.tabs.setCurrentWidget(self.watch)

    def _on_follow(self) -> None:
        name = self.weight_name.currentText()
        size = dict(self.run.model.named_parameters())[name].size
        self.weight_index.setMaximum(size - 1)
        self.run.watch(name, min(self.weight_index.value(), size - 1))
        self.tabs.setCurrentWidget(self.watch)

    def _on_save_plots(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save plots", "training.png", "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if path:
            (self.export_svg if path.lower().endswith(".svg") else self.export_png)(path)

    def _on_save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save history", "history.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)

    # ---- scene-view interface ----------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.curves.apply_theme(theme)
        self.distributions.apply_theme(theme)
        self.watch.apply_theme(theme)
        self.maps.apply_theme(theme)
        self.missed.apply_theme(theme)
        if self.boundary is not None:
            self.boundary.apply_theme(theme)
        if self.confusion is not None:
            self.confusion.apply_theme(theme)
        self.controls.apply_theme(theme)
        self.controls_area.setMinimumWidth(min(self.controls.sizeHint().width() + 24, 360))
        self.message.setStyleSheet(f"color: {theme.text};")
        self.message.setFont(TRAIN_TEXT.font(theme, self.message.font()))
        self._dirty = True

    def set_presentation(self, on: bool) -> None:
        self.controls.set_presentation(on)
        super().set_presentation(on)

    def export_widget(self) -> QWidget:
        return self.views

    def export_png(self, path: str | Path) -> bool:
        return save_png(self.views, path)

    def export_svg(self, path: str | Path) -> None:
        save_svg(self.views, path)

    def export_csv(self, path: str | Path) -> None:
        self.run.export_csv(path)
