"""The training lab's controls: the run bar (start, step, reset, speed, epochs, counters),
always on screen, and the model builder with the model's summary(), which folds away."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gradlab.data import DATASETS
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.gui.typography import TRAIN_SUMMARY, TRAIN_TEXT
from gradlab.lessons import limits
from gradlab.nn.models import ACTIVATIONS
from gradlab.state.train.config import (
    ARCHITECTURES,
    LOSSES,
    OPTIMIZERS,
    RECONSTRUCTION_LOSSES,
    TrainSettings,
)
from gradlab.state.train.fields import FieldName, applicable, described
from gradlab.state.train.pace import SPEEDS
from gradlab.state.train.run import TrainingRun, counted

MAX_EPOCHS = 100_000

LESSON_LAYERS = "lesson's layers"
"""The Model entry for a lesson's own layer list (shown only when the settings carry one)."""
LOSS_LABELS = {"cross_entropy": "cross-entropy", "bce": "BCE", "mse": "MSE", "hinge": "hinge"}


def _spin(low: float, high: float, step: float, decimals: int = 3) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


class RunBar(QWidget):
    """Start (Pause, Continue), Step, Reset, the speed, the epochs to train, and the counters
    in the slides' words. Play (P, the clicker, the transport's button) does what Start does."""

    start_clicked = Signal()
    step_clicked = Signal()
    reset_clicked = Signal()
    speed_changed = Signal(object)
    """Steps a second (None: full speed)."""
    epochs_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = QPushButton("Start")
        self.start.setToolTip("Start, pause or continue training (P)")
        self.step = QPushButton("Step")
        self.step.setToolTip("One optimisation step")
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("A freshly initialised model, empty history")
        self.speed = QComboBox()
        self.speed.setToolTip("Training speed: slow enough to watch the boundary form")
        for text, rate in SPEEDS:
            self.speed.addItem(text, rate)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, MAX_EPOCHS)
        self.epochs.setToolTip("Train until this many epochs are done; raise it to go on")
        self.counter = QLabel()
        self.counter.setWordWrap(True)
        self.message = QLabel()
        """What the views show, and how the run ended: the lab writes it."""
        self.message.setWordWrap(True)
        self.labels = (QLabel("Speed"), QLabel("Epochs"))
        self.start.clicked.connect(self.start_clicked)
        self.step.clicked.connect(self.step_clicked)
        self.reset.clicked.connect(self.reset_clicked)
        self.speed.currentIndexChanged.connect(
            lambda _: self.speed_changed.emit(self.speed.currentData())
        )
        self.epochs.valueChanged.connect(self.epochs_changed)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.start, self.step, self.reset):
            row.addWidget(widget)
        row.addSpacing(12)
        row.addWidget(self.labels[0])
        row.addWidget(self.speed)
        row.addWidget(self.labels[1])
        row.addWidget(self.epochs)
        row.addStretch(1)
        self.extras = QHBoxLayout()
        """Room at the row's end for the lab's own buttons (the model builder, saving)."""
        row.addLayout(self.extras)
        status = QHBoxLayout()  # one row: every line here is a line less for the plots
        status.setContentsMargins(0, 0, 0, 0)
        status.addWidget(self.counter, 1)
        status.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(status)

    def show_run(self, run: TrainingRun, running: bool) -> None:
        """Counters in the slides' words: iteration = one batch, epoch = one pass over the data."""
        go_on = run.finished and run.ended_at_limit
        self.start.setText("Pause" if running else ("Continue" if go_on else "Start"))
        self.start.setEnabled(running or not run.finished or go_on)
        self.step.setEnabled(not run.finished)
        with signals_blocked(self.speed, self.epochs):
            self.speed.setCurrentIndex(max(self.speed.findData(run.speed), 0))
            self.epochs.setValue(run.settings.epochs or max(run.epochs_done, 1))
        self.epochs.setEnabled(run.settings.epochs is not None)
        batch = f"(batch of {run.settings.batch_size}), step {run.steps_done}"
        if run.finished and run.iteration == 0:  # no epoch is under way: say how many are done
            self.counter.setText(f"{counted(run.epochs_done, 'epoch')} done {batch}")
        else:
            self.counter.setText(
                f"epoch {run.epochs_done + 1}, iteration {run.iteration}/{run.batches_per_epoch} "
                + batch
            )

    def apply_theme(self, theme: Theme) -> None:
        for widget in self.findChildren(QWidget):
            widget.setFont(TRAIN_TEXT.font(theme, widget.font()))


class TrainControls(QWidget):
    """The model builder: edits a `TrainSettings`; `settings_changed` fires when the learner
    applies a new one. Below it, the model's summary(). Only the fields that apply to the chosen
    data and model are shown, those a lesson's layer list fixes read-only with its values
    (`gradlab.state.train.fields`)."""

    settings_changed = Signal(object)

    def __init__(self, settings: TrainSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = self._build_form()
        self.apply = QPushButton("Apply settings")
        self.apply.clicked.connect(self._on_apply)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editors = QWidget()
        editor_layout = QVBoxLayout(self.editors)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.apply)
        editor_layout.addWidget(self.error)
        self.summary.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.summary.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editors)
        layout.addWidget(self.summary, 1)
        self.show_settings(settings)

    def _build_form(self) -> QFormLayout:
        self.dataset = QComboBox()
        self.dataset.addItems(list(DATASETS))
        self.dataset.currentTextChanged.connect(self._show_rows)
        self.noise = _spin(0.0, 0.5, 0.05, 2)
        self.test_share = _spin(0.05, 0.9, 0.05, 2)
        self.architecture = QComboBox()
        self.architecture.addItems(list(ARCHITECTURES))
        self.architecture.currentTextChanged.connect(self._on_architecture)
        self.hidden = QLineEdit()
        self.hidden.setToolTip("Neurons per hidden layer, e.g. 8, 8")
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.loss = QComboBox()
        for name in LOSSES:
            self.loss.addItem(LOSS_LABELS[name], name)
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.lr = _spin(1e-4, 10.0, 0.01, 4)
        self.batch = QSpinBox()
        self.batch.setRange(1, limits.MAX_BATCH)
        self.l2 = _spin(0.0, 1.0, 0.001, 4)
        self.dropout = _spin(0.0, 0.9, 0.1, 2)
        self.batch_norm = QCheckBox("batch norm")
        self.bottleneck = QSpinBox()
        self.bottleneck.setRange(1, 784)
        self.bottleneck.setToolTip("The autoencoder's code: how many numbers pass the middle")
        self.input_noise = _spin(0.0, 1.0, 0.1, 2)
        self.input_noise.setToolTip(
            "Denoising: Gaussian noise of this standard deviation is added to every input; "
            "the target stays the clean digit"
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.form = form = QFormLayout()
        for label, widget in (
            ("Dataset", self.dataset), ("Noise", self.noise), ("Test share", self.test_share),
            ("Model", self.architecture), ("Hidden layers", self.hidden),
            ("Activation", self.activation), ("Bottleneck", self.bottleneck),
            ("Input noise", self.input_noise), ("Loss", self.loss), ("Optimizer", self.optimizer),
            ("Learning rate", self.lr), ("Batch size", self.batch), ("L2", self.l2),
            ("Dropout", self.dropout), ("", self.batch_norm), ("Seed", self.seed),
        ):  # fmt: skip
            form.addRow(label, widget)
        self.optional: dict[FieldName, QWidget] = {
            "noise": self.noise, "test_share": self.test_share, "hidden": self.hidden,
            "activation": self.activation, "dropout": self.dropout,
            "batch_norm": self.batch_norm, "bottleneck": self.bottleneck,
            "input_noise": self.input_noise,
        }  # fmt: skip
        return form

    def show_settings(self, settings: TrainSettings) -> None:
        self._base = settings
        s = described(settings)  # a layer list's own hidden widths, activation, dropout
        self.dataset.setCurrentText(s.dataset)
        self.noise.setValue(s.noise)
        self.test_share.setValue(s.test_fraction)
        # a lesson's layer list is a model of its own: say so instead of showing the MLP fields
        if s.layers and self.architecture.findText(LESSON_LAYERS) < 0:
            self.architecture.insertItem(0, LESSON_LAYERS)
        self.architecture.setCurrentText(LESSON_LAYERS if s.layers else s.architecture)
        self.hidden.setText(", ".join(str(n) for n in s.hidden))
        self.activation.setCurrentText(s.activation)
        self.loss.setCurrentIndex(self.loss.findData(s.loss))
        self.optimizer.setCurrentText(s.optimizer)
        self.lr.setValue(s.lr)
        self.batch.setValue(s.batch_size)
        self.l2.setValue(s.l2)
        self.dropout.setValue(s.dropout)
        self.batch_norm.setChecked(s.batch_norm)
        self.bottleneck.setValue(s.bottleneck)
        self.input_noise.setValue(s.input_noise)
        self.seed.setValue(s.seed)
        self._show_rows()

    def read_settings(self) -> TrainSettings:
        """The form as settings; ValueError with a plain message when something is invalid."""
        parts = [p.strip() for p in self.hidden.text().replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise ValueError("hidden layers: write neuron counts separated by commas, e.g. 8, 8")
        model = self.architecture.currentText()
        settings = replace(
            self._base,
            dataset=self.dataset.currentText(),
            noise=self.noise.value(),
            test_fraction=self.test_share.value(),
            loss=self.loss.currentData(),
            optimizer=self.optimizer.currentText(),  # type: ignore[arg-type]
            lr=self.lr.value(),
            batch_size=self.batch.value(),
            l2=self.l2.value(),
            seed=self.seed.value(),
        )
        if model == LESSON_LAYERS:  # the fields it shows are the list's, read-only
            return settings
        return replace(
            settings,
            architecture=model,
            hidden=tuple(int(p) for p in parts),
            activation=self.activation.currentText(),
            dropout=self.dropout.value(),
            batch_norm=self.batch_norm.isChecked(),
            bottleneck=self.bottleneck.value(),
            input_noise=self.input_noise.value() if model == "autoencoder" else 0.0,
            layers=(),
        )

    def _on_architecture(self, model: str) -> None:
        if model == "autoencoder":  # digits, and a loss that compares pixels
            self.dataset.setCurrentText("mnist")
            if self.loss.currentData() not in RECONSTRUCTION_LOSSES:
                self.loss.setCurrentIndex(self.loss.findData("mse"))
        self._show_rows()

    def _show_rows(self) -> None:
        """Only the fields that apply to the chosen data and model; a layer list's read-only."""
        model = self.architecture.currentText()
        layers = self._base.layers if model == LESSON_LAYERS else ()
        fields = applicable(self.dataset.currentText(), model, layers)
        for name, widget in self.optional.items():
            self.form.setRowVisible(widget, name in fields)
            widget.setEnabled(fields.get(name) == "edit")

    def _on_apply(self) -> None:
        try:
            settings = self.read_settings()
        except ValueError as error:
            self.error.setText(str(error))
            return
        self.error.setText("")
        self.settings_changed.emit(settings)

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def show_summary(self, text: str) -> None:
        self.summary.setPlainText(text)

    def set_presentation(self, on: bool) -> None:
        self.editors.setVisible(not on)

    def apply_theme(self, theme: Theme) -> None:
        """Font sizes by role (the colours come from the window's palette)."""
        self.summary.setFont(TRAIN_SUMMARY.font(theme, self.summary.font()))
