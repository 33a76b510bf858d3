"""`ConvLab`: the convolution lab scene, controls beside a `ConvView`, driven by a `ConvScrubber`.

The controls only call the scrubber's setters; after every rebuild they are re-read from the
scrubber's settings (signals blocked), so a lesson, a test or a control all leave the same state.
Presentation mode hides the controls and enlarges the grids and text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradlab.gui.conv.view import ConvView
from gradlab.gui.scene_view import SceneView
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.lessons.limits import MAX_CHANNELS, MAX_CONV_STEP
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.conv.settings import (
    BACKWARD_MODES,
    INPUT_CHOICES,
    KERNEL_CHOICES,
    MNIST_CHOICE,
    MODES,
    POOL_MODES,
    RANDOM_CHOICE,
    TYPED_CHOICE,
    UPSTREAMS,
    Mode,
    Upstream,
    grid_text,
)
from gradlab.state.quiz import QuizState

FOLD_WIDTH = 900
"""Narrower than this, the settings fold away (the grids need the width for their numbers)."""
TYPED_CELLS = 256
"""Inputs up to 16×16 are offered as editable text (a 28×28 digit is no fun to type)."""
MODE_NAMES: dict[str, Mode] = {mode: mode for mode in MODES}
UPSTREAM_NAMES: dict[str, Upstream] = {kind: kind for kind in UPSTREAMS}


def _one_line(text: str) -> str:
    return "; ".join(text.splitlines())


class ConvControls(QWidget):
    """Every setting of the lab as a widget; each change calls one scrubber setter."""

    def __init__(self, scrubber: ConvScrubber, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scrubber = scrubber
        s = scrubber
        self.input_choice = self._combo((*INPUT_CHOICES, TYPED_CHOICE), self._on_input_choice)
        self.digit = self._spin(0, 9999, s.set_mnist_index, "Which MNIST digit (0-9999)")
        self.random_size = self._spin(1, 32, s.set_random_size, "Side of the random input")
        self.input_text = self._line("Input rows, e.g. 1 0 1; 0 1 0; 1 0 1", s.set_input_text)
        self.kernel_choice = self._combo((*KERNEL_CHOICES, TYPED_CHOICE), self._on_kernel_choice)
        self.kernel_text = self._line("Kernel rows, e.g. -1 0 1; -2 0 2; -1 0 1", s.set_kernel_text)
        # the ranges a lesson's conv scene has too (gradlab.lessons.limits)
        step = MAX_CONV_STEP
        self.stride = self._spin(0, step, s.set_stride, "Stride s (0 shows why it cannot be)")
        self.padding = self._spin(0, step, s.set_padding, "Zero padding p on every side")
        self.dilation = self._spin(0, step, s.set_dilation, "Dilation d: gaps between kernel taps")
        self.channels = self._spin(1, MAX_CHANNELS, s.set_in_channels, "Input channels C")
        self.filters = self._spin(1, MAX_CHANNELS, s.set_out_channels, "Filters (output maps)")
        self.mode = self._combo(MODES, self._on_mode)
        self.output_padding = self._spin(
            0, step - 1, s.set_output_padding, "Transposed: extra output rows and columns"
        )
        self.flip = QCheckBox("flip kernel (true convolution)")
        self.flip.setToolTip("Off: cross-correlation, what deep learning calls convolution")
        self.flip.toggled.connect(s.set_flip)
        self.pool_size = self._spin(1, step, s.set_pool_size, "Pooling window size")
        self.pool_stride = self._spin(0, step, s.set_pool_stride, "Pooling stride")
        self.bias = QDoubleSpinBox()
        self.bias.setRange(-100.0, 100.0)
        self.bias.setSingleStep(0.5)
        self.bias.setToolTip("Bias added to every output cell")
        self.bias.valueChanged.connect(s.set_bias)
        self.upstream = self._combo(UPSTREAMS, self._on_upstream)
        self.upstream_text = self._line("∂L/∂y rows, shaped like the output", s.set_upstream_text)
        self.seed = self._spin(0, 9999, s.set_seed, "Seed of random inputs, channels, gradients")
        form = QFormLayout(self)
        for label, widget in (
            ("input", self.input_choice),
            ("digit", self.digit),
            ("size", self.random_size),
            ("values", self.input_text),
            ("kernel", self.kernel_choice),
            ("weights", self.kernel_text),
            ("stride", self.stride),
            ("padding", self.padding),
            ("dilation", self.dilation),
            ("channels", self.channels),
            ("filters", self.filters),
            ("mode", self.mode),
            ("output padding", self.output_padding),
            ("", self.flip),
            ("pool size", self.pool_size),
            ("pool stride", self.pool_stride),
            ("bias", self.bias),
            ("∂L/∂y", self.upstream),
            ("∂L/∂y values", self.upstream_text),
            ("seed", self.seed),
        ):
            form.addRow(label, widget)
        self._form = form
        scrubber.rebuilt.connect(self.sync)
        self.sync()

    def _combo(self, items: tuple[str, ...], slot: object) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(items))
        combo.currentTextChanged.connect(slot)
        return combo

    def _spin(self, low: int, high: int, slot: object, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.valueChanged.connect(slot)
        return spin

    def _line(self, tip: str, setter: object) -> QLineEdit:
        line = QLineEdit()
        line.setToolTip(tip)
        line.setPlaceholderText(tip)
        line.editingFinished.connect(lambda: self._on_text(line, setter))
        return line

    def _on_text(self, line: QLineEdit, setter: object) -> None:
        # editingFinished also fires on focus loss: only rebuild when the text really changed
        if line.isModified() and callable(setter):
            line.setModified(False)
            setter(line.text())

    def _on_input_choice(self, choice: str) -> None:
        if choice == TYPED_CHOICE:
            self.scrubber.set_input_text(self.input_text.text())
        else:
            self.scrubber.set_input(choice)

    def _on_kernel_choice(self, choice: str) -> None:
        if choice == TYPED_CHOICE:
            self.scrubber.set_kernel_text(self.kernel_text.text())
        else:
            self.scrubber.set_kernel(choice)

    def _on_mode(self, mode: str) -> None:
        if mode in MODE_NAMES:
            self.scrubber.set_mode(MODE_NAMES[mode])

    def _on_upstream(self, kind: str) -> None:
        if kind == "typed":
            self.scrubber.set_upstream_text(self.upstream_text.text())
        elif kind in UPSTREAM_NAMES:
            self.scrubber.set_upstream(UPSTREAM_NAMES[kind])

    def sync(self) -> None:
        """Show the scrubber's current settings without triggering the setters again."""
        s = self.scrubber.settings
        widgets = [self.input_choice, self.digit, self.random_size, self.input_text]
        widgets += [self.kernel_choice, self.kernel_text, self.stride, self.padding]
        widgets += [self.dilation, self.channels, self.filters, self.mode, self.flip]
        widgets += [self.pool_size, self.pool_stride, self.bias, self.upstream, self.seed]
        widgets += [self.upstream_text, self.output_padding]
        with signals_blocked(*widgets):
            self.input_choice.setCurrentText(s.input_name)
            self.digit.setValue(s.mnist_index)
            self.random_size.setValue(s.random_size)
            if s.input_name == TYPED_CHOICE or s.input.size <= TYPED_CELLS:
                self.input_text.setText(_one_line(grid_text(s.input)))
            self.kernel_choice.setCurrentText(s.kernel_name)
            self.kernel_text.setText(_one_line(grid_text(s.kernel)))
            for spin, value in (
                (self.stride, s.stride),
                (self.padding, s.padding),
                (self.dilation, s.dilation),
                (self.channels, s.in_channels),
                (self.filters, s.out_channels),
                (self.pool_size, s.pool_size),
                (self.pool_stride, s.pool_stride),
                (self.seed, s.seed),
                (self.output_padding, s.output_padding),
            ):
                spin.setValue(value)
            self.mode.setCurrentText(s.mode)
            self.flip.setChecked(s.flip)
            self.bias.setValue(s.bias)
            self.upstream.setCurrentText(s.upstream)
            if s.upstream_grid is not None:
                self.upstream_text.setText(_one_line(grid_text(s.upstream_grid)))
        self._show_relevant(s.input_name, s.mode)

    def _show_relevant(self, input_name: str, mode: Mode) -> None:
        pooling = mode in POOL_MODES
        backward = mode in BACKWARD_MODES
        transpose = mode == "transpose"
        for widget, shown in (
            (self.digit, input_name == MNIST_CHOICE),
            (self.random_size, input_name == RANDOM_CHOICE),
            (self.input_text, input_name == TYPED_CHOICE),
            (self.kernel_choice, not pooling),
            (self.kernel_text, not pooling),
            (self.stride, not pooling),
            (self.padding, not pooling),
            (self.dilation, not pooling),
            (self.filters, not pooling),
            (self.flip, not pooling and not transpose),
            (self.output_padding, transpose),
            (self.bias, not pooling),
            (self.pool_size, pooling),
            (self.pool_stride, pooling),
            (self.upstream, backward),
            (self.upstream_text, backward and self.scrubber.settings.upstream == "typed"),
        ):
            self._form.setRowVisible(widget, shown)


class ConvLab(SceneView):
    """The conv lab scene view: settings (folded when narrow, hidden when presenting) and the
    grids."""

    def __init__(self, scrubber: ConvScrubber, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.scrubber = scrubber
        self.step_cursor = scrubber
        self.controls = ConvControls(scrubber)
        self.sidebar = QScrollArea()
        self.sidebar.setWidget(self.controls)
        self.sidebar.setWidgetResizable(True)
        self.sidebar.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.settings_button = QToolButton()
        self.settings_button.setText("Settings")
        self.settings_button.setToolTip("Show or hide the input, kernel, stride, padding, …")
        self.settings_button.setCheckable(True)
        self.settings_button.toggled.connect(self._on_settings_toggled)
        self._settings_wanted: bool | None = None
        """The learner's choice; None: fold the settings when the lab is narrow."""
        self.view = ConvView(scrubber, theme)
        # C shows the next input channel large (where the channels are condensed around one):
        # a clicker user with a keyboard needs no mouse for it
        self.next_channel = QAction("Show the next input channel", self)
        self.next_channel.setShortcut(QKeySequence("C"))
        self.next_channel.triggered.connect(self.view.next_input)
        self.addAction(self.next_channel)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignTop)
        side.addWidget(self.sidebar, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side)
        layout.addWidget(self.view, 1)
        self._fold()

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.view.apply_theme(theme)

    def set_presentation(self, on: bool) -> None:
        """Presenting: only the grids and numbers, larger, the words beside the grids."""
        self.settings_button.setVisible(not on)
        self.view.set_words_beside(on)
        super().set_presentation(on)
        self._fold()

    def _on_settings_toggled(self, on: bool) -> None:
        self._settings_wanted = on
        self._fold()

    def _fold(self) -> None:
        wanted = self._settings_wanted
        shown = self.width() >= FOLD_WIDTH if wanted is None else wanted
        shown = shown and not self.theme.presenting
        self.sidebar.setVisible(shown)
        with signals_blocked(self.settings_button):
            self.settings_button.setChecked(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._settings_wanted is None:
            self._fold()

    def hide_answer(self, quiz: QuizState | None) -> None:
        """A quiz about the output (its size or a cell), ∂L/∂X or ∂L/∂W hides the grids that show
        it until it is answered."""
        self.view.hide_answer_of(None if quiz is None else quiz.quiz.ask)

    def export_widget(self) -> QWidget:
        return self.view
