"""`TrainLab`: the training lab scene view: run bar, live plots, maps, rewind, model builder.

Training runs in a worker process (or, with ``worker=False``, in time-budgeted chunks on this
thread), driven by `TrainDriver`, which is also the scene's `runner`: play (P, the clicker, the
transport's button) starts, pauses and continues it, at the run bar's speed. The views redraw from
their own timer, one part per tick (each part at most 25 times a second) and only when something
changed, so painting stays cheap however fast the steps come. The scene's `step_cursor` is the
run's snapshot cursor: moving it back shows the boundary, filters and confusion of that moment
(the curves stay whole, with a marker at that step).

Laid out to fit a 1024×768 window: the run bar on top, the three views side by side below it
(boundary or confusion, the curves, the tabs), and the model builder in a side panel that folds
away when the lab is narrow and always while presenting.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.export import save_png, save_svg
from gradlab.gui.scene_view import SceneView
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.gui.train.bands import DistributionsPanel
from gradlab.gui.train.controls import RunBar, TrainControls
from gradlab.gui.train.digit_tabs import DigitTabs
from gradlab.gui.train.digits import LayerMosaic
from gradlab.gui.train.driver import TrainDriver
from gradlab.gui.train.health import DiagnosticsPanel
from gradlab.gui.train.maps import BoundaryPanel, ConfusionPanel, NeuronPanel
from gradlab.gui.train.plots import CurvesPanel, WatchPanel
from gradlab.gui.train.reconstruction import CodesPanel, ReconstructionPanel
from gradlab.gui.train.redraw import Redraw
from gradlab.gui.typography import TRAIN_TEXT
from gradlab.lessons import TrainScene
from gradlab.nn.layers import Linear
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.pace import watching_speed
from gradlab.state.train.run import TrainingRun

Themed = (
    BoundaryPanel | ConfusionPanel | NeuronPanel | LayerMosaic | ReconstructionPanel | CodesPanel
)
FOLD_WIDTH = 1100
"""Narrower than this, the model builder folds away unless the learner opens it."""


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
        self.run.set_speed(watching_speed(self.run.settings.is_images))
        self.step_cursor = self.run.snapshots
        self.driver = TrainDriver(self.run, parent=self)
        self.runner = self.driver
        # the lab owns its run's training: when it goes (another step, another lesson), so does
        # the worker process, now rather than whenever the garbage collector gets to the run
        kept = self.run
        self.destroyed.connect(lambda *_: kept.close())
        self._builder_wanted: bool | None = None
        """The learner's choice for the model builder; None: fold it when the lab is narrow."""
        self.controls = TrainControls(self.run.settings)
        self.controls_area = QScrollArea()
        self.run_bar = RunBar()
        self.message = self.run_bar.message
        self.builder_button = QToolButton()
        self.save_button = self._save_button()
        self.views = QWidget()
        self.views_layout = QHBoxLayout(self.views)
        self._arrange()
        self._connect()
        self._holder: QWidget | None = None
        # before the views: building them already marks the redraw (the tabs' first page)
        parts = (self._refresh_curves, self._refresh_maps, self._refresh_tab, self._refresh_status)
        self.redraw = Redraw(parts, self.driver, self)
        self._build_views()
        self.apply_theme(theme)
        self._fold_builder()
        self.refresh()

    def _arrange(self) -> None:
        """The model builder at the left (folding), the run bar over the views."""
        scroll = self.controls_area
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.builder_button.setText("Model builder")
        self.builder_button.setCheckable(True)
        self.builder_button.toggled.connect(self._on_builder_toggled)
        self.run_bar.extras.addWidget(self.builder_button)
        self.run_bar.extras.addWidget(self.save_button)
        self.views_layout.setContentsMargins(0, 0, 0, 0)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.run_bar)
        right.addWidget(self.views, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)

    def _connect(self) -> None:
        self.controls.settings_changed.connect(self._on_settings_changed)
        self.run_bar.start_clicked.connect(self.driver.toggle)
        self.run_bar.step_clicked.connect(self.driver.step)
        self.run_bar.reset_clicked.connect(self.driver.reset)
        self.run_bar.speed_changed.connect(self._on_speed_changed)
        self.run_bar.epochs_changed.connect(self._on_epochs_changed)
        self.driver.running_changed.connect(self._on_running_changed)
        # psygnal callbacks only flag work for the redraw timer: no Qt calls from them
        self.run.advanced.connect(self._on_run_changed)
        self.run.cleared.connect(self._on_run_changed)
        self.run.stopped.connect(self._on_run_changed)
        self.run.snapshots.changed.connect(self._on_run_changed)

    # ---- building ----------------------------------------------------------------------------

    def _save_button(self) -> QToolButton:
        button = QToolButton()
        button.setText("Save")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for text, slot in (
            ("Save plots (PNG/SVG)…", self._on_save_plots),
            ("Save history (CSV)…", self._on_save_csv),
        ):
            action = QAction(text, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        button.setMenu(menu)
        return button

    def _weight_chooser(self) -> None:
        """The Weight tab's row: pick a parameter and an entry to follow."""
        follow = QPushButton("Follow weight")
        follow.clicked.connect(self._on_follow)
        self.weight_name = QComboBox()
        self.weight_index = QSpinBox()
        for widget in (QLabel("Weight:"), self.weight_name, self.weight_index, follow):
            self.watch.chooser.addWidget(widget)
        self.watch.chooser.addStretch(1)
        self.weight_name.addItems([name for name, _ in self.run.model.named_parameters()])

    def _build_views(self) -> None:
        if self._holder is not None:
            self.views_layout.removeWidget(self._holder)
            self._holder.deleteLater()
        data = self.run.data
        self.curves = CurvesPanel()
        self.distributions = DistributionsPanel()
        self.distributions.layer_changed.connect(self._on_run_changed)
        self.watch = WatchPanel()
        self._weight_chooser()
        self.diagnostics = DiagnosticsPanel()
        self.tabs = QTabWidget()
        self.boundary: BoundaryPanel | None = None
        self.confusion: ConfusionPanel | None = None
        self.neurons: NeuronPanel | None = None
        self.digits: DigitTabs | None = None
        self.reconstruction: ReconstructionPanel | None = None
        self.codes: CodesPanel | None = None
        self.weights: LayerMosaic | None = None
        if self.run.settings.reconstructs:
            self.reconstruction = ReconstructionPanel(self.run.settings.bottleneck)
            self.reconstruction.bottleneck_changed.connect(self._on_bottleneck)
            main: QWidget = self.reconstruction
            self.codes = CodesPanel()
            self.weights = LayerMosaic("first-layer weights")
            self.tabs.addTab(self.codes, "Codes")
            self.tabs.addTab(self.weights, "Filters")
        elif self.run.settings.is_images:
            self.confusion = ConfusionPanel(data.num_classes)
            main = self.confusion
            self.digits = DigitTabs(self.run, self.tabs, self.redraw.mark)
        else:
            self.boundary = BoundaryPanel(data)
            main = self.boundary
            self.neurons = NeuronPanel()
            self.neurons.tile_clicked.connect(self._on_neuron_clicked)
            self.tabs.addTab(self.neurons, "Neurons")
        self.tabs.addTab(self.distributions, "Distributions")
        self.tabs.addTab(self.diagnostics, "Diagnostics")
        self.tabs.addTab(self.watch, "Weight")
        self.tabs.currentChanged.connect(self._on_tab_changed)  # a tab shows the run when opened
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        # the digits beside their copies are the autoencoder's lesson; its curves are one plot
        shares = (1, 1, 1) if self.reconstruction is not None else (1, 2, 1)
        for view, share in zip((main, self.curves, self.tabs), shares, strict=True):
            row.addWidget(view, share)
        self._main = main
        self._holder = holder
        self.views_layout.addWidget(holder)
        self.controls.show_summary(self.run.summary())

    # ---- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw everything from the run now."""
        self.redraw.now()

    @property
    def repaints(self) -> int:
        """Complete redraws so far (for tests and benchmarks)."""
        return self.redraw.rounds

    def _refresh_curves(self) -> None:
        shown = self.run.snapshots.current
        self.curves.refresh(self.run)
        self.curves.mark(None if shown is None else shown.step)

    @property
    def digit(self) -> int:
        """The test digit whose feature maps are shown."""
        return 0 if self.digits is None else self.digits.digit

    def _refresh_maps(self) -> None:
        frame = self.run.frame(self.digit)
        if self.reconstruction is not None and self.codes is not None:
            self.reconstruction.show_frame(frame)
            if self.tabs.currentWidget() is self.codes:
                self.codes.show_frame(frame)
            if self.weights is not None and self.tabs.currentWidget() is self.weights:
                self.weights.show_blocks(frame.filters)
            return
        if self.boundary is not None:
            self.boundary.show_frame(frame)
            if self.neurons is not None and self.tabs.currentWidget() is self.neurons:
                self.neurons.show_layers(frame.neurons)
            return
        if self.confusion is not None:
            self.confusion.show_frame(frame)
        if self.digits is not None:
            self.digits.refresh(frame)

    def _refresh_tab(self) -> None:
        if self.tabs.currentWidget() is self.distributions:
            self.distributions.refresh(self.run)
        elif self.tabs.currentWidget() is self.diagnostics:
            self.diagnostics.refresh(self.run)
        elif self.tabs.currentWidget() is self.watch:
            self.watch.refresh(self.run)

    def _refresh_status(self) -> None:
        run = self.run
        shown = run.snapshots.current
        self.run_bar.show_run(run, self.driver.running)
        if shown is None:
            where, evaluation = "live", run.latest_evaluation
        else:
            where = f"snapshot after epoch {shown.epoch} (step {shown.step})"
            evaluation = shown.evaluation
        showing = f"Showing: {where}"
        if evaluation is not None:
            showing += f", test loss {evaluation.loss:.4g}"
            if evaluation.accuracy is not None:
                showing += f", accuracy {evaluation.accuracy:.1%}"
        self.message.setText(f"{run.message}\n{showing}" if run.message else showing)
        failed = bool(run.message) and not run.message.startswith("Finished")
        self.message.setStyleSheet(f"color: {self.theme.bad if failed else self.theme.text};")

    # ---- slots -------------------------------------------------------------------------------

    def _on_run_changed(self, *_: object) -> None:
        self.redraw.mark()

    def _on_tab_changed(self, _index: int) -> None:
        """A wide tab (distributions, diagnostics, a weight, a drawing) takes the whole row while
        open: two or three plots side by side in the narrow column left them slivers."""
        wide: tuple[QWidget, ...] = (self.distributions, self.diagnostics, self.watch)
        wide += () if self.digits is None else self.digits.wide
        narrow = self.tabs.currentWidget() not in wide
        self._main.setVisible(narrow)
        self.curves.setVisible(narrow)
        self.redraw.mark()

    def _on_running_changed(self, _running: bool) -> None:
        self.refresh()

    def _on_speed_changed(self, speed: float | None) -> None:
        self.run.set_speed(speed)

    def _on_epochs_changed(self, epochs: int) -> None:
        self.run.set_epochs(epochs)
        self.redraw.mark()

    def _on_bottleneck(self, size: int) -> None:
        settings = replace(self.run.settings, bottleneck=size)
        self.controls.show_settings(settings)
        self._on_settings_changed(settings)

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

    def _on_builder_toggled(self, on: bool) -> None:
        self._builder_wanted = on
        self.controls_area.setVisible(on and not self.theme.presenting)

    def _fold_builder(self) -> None:
        """Show the model builder if the learner wants it, or (until they say) if there is
        room; never while presenting."""
        wanted = self._builder_wanted
        shown = self.width() >= FOLD_WIDTH if wanted is None else wanted
        shown = shown and not self.theme.presenting
        self.controls_area.setVisible(shown)
        with signals_blocked(self.builder_button):
            self.builder_button.setChecked(shown)

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
        optional = (self.boundary, self.confusion, self.neurons, self.reconstruction, self.codes)
        themed: list[Themed] = [part for part in (*optional, self.weights) if part is not None]
        for part in (*themed, self.curves, self.distributions, self.diagnostics, self.watch):
            part.apply_theme(theme)
        if self.digits is not None:
            self.digits.apply_theme(theme)
        self.controls.apply_theme(theme)
        self.run_bar.apply_theme(theme)
        self.tabs.tabBar().setFont(TRAIN_TEXT.font(theme, self.tabs.tabBar().font()))
        self.controls_area.setMinimumWidth(min(self.controls.sizeHint().width() + 24, 320))
        self.message.setStyleSheet(f"color: {theme.text};")
        self.message.setFont(TRAIN_TEXT.font(theme, self.message.font()))
        self.redraw.mark()

    def set_presentation(self, on: bool) -> None:
        self.controls.set_presentation(on)
        for extra in (self.builder_button, self.save_button):
            extra.setVisible(not on)
        super().set_presentation(on)
        self._fold_builder()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._builder_wanted is None:
            self._fold_builder()

    def release(self) -> None:
        """No more drawing or training: the lab is going."""
        self.redraw.timer.stop()
        self.driver.pause()

    def export_widget(self) -> QWidget:
        return self.views

    def export_png(self, path: str | Path) -> bool:
        return save_png(self.views, path)

    def export_svg(self, path: str | Path) -> None:
        save_svg(self.views, path)

    def export_csv(self, path: str | Path) -> None:
        self.run.export_csv(path)
