"""`TransportBar`: step back/forward, play/pause with a speed, jump to start/end, a scrubber.

It drives whatever `Cursor` the current scene has (the graph lab's Player, the conv lab's
scrubber, a training run's snapshots). Play advances the cursor from a QTimer on the GUI thread
and stops at the end; a scene that runs by itself (a training run) has a `Runner` instead, and
play starts and pauses that (at the speed the scene offers). With no cursor the bar is disabled.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from gradlab.gui.scene_view import Runner
from gradlab.gui.signals import signals_blocked
from gradlab.gui.theme import Theme
from gradlab.gui.typography import TRANSPORT, TRANSPORT_ICON
from gradlab.state.cursor import Cursor

Pixmap = QStyle.StandardPixmap
SPEEDS = (("0.5×", 0.5), ("1×", 1.0), ("2×", 2.0), ("4×", 4.0))
BASE_INTERVAL_MS = 700
"""One step per 0.7 s at 1×: slow enough to read a number, quick enough to keep attention."""


class TransportBar(QWidget):
    """Buttons, speed, scrubber and a "step i of n" label, all following the cursor."""

    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cursor: Cursor | None = None
        self._runner: Runner | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_tick)
        self.to_start_button = self._button(Pixmap.SP_MediaSkipBackward, "Back to the start (Home)")
        self.back_button = self._button(Pixmap.SP_MediaSeekBackward, "Step back (←)")
        self.play_button = self._button(Pixmap.SP_MediaPlay, "Play / pause (P)")
        self.forward_button = self._button(Pixmap.SP_MediaSeekForward, "Step forward (→)")
        self.to_end_button = self._button(Pixmap.SP_MediaSkipForward, "Jump to the end (End)")
        self.speed = QComboBox()
        self.speed.setToolTip("Playback speed")
        for text, factor in SPEEDS:
            self.speed.addItem(text, factor)
        self.speed.setCurrentIndex(1)
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub through the steps")
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.label = QLabel()
        self.label.setMinimumWidth(110)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (
            self.to_start_button,
            self.back_button,
            self.play_button,
            self.forward_button,
            self.to_end_button,
            self.speed,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.to_start_button.clicked.connect(lambda: self._move(Cursor.to_start))
        self.back_button.clicked.connect(lambda: self._move(Cursor.step_back))
        self.forward_button.clicked.connect(lambda: self._move(Cursor.step_forward))
        self.to_end_button.clicked.connect(lambda: self._move(Cursor.to_end))
        self.play_button.clicked.connect(self.toggle_play)
        self._refresh()

    def _button(self, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    def set_cursor(self, cursor: Cursor | None, runner: Runner | None = None) -> None:
        """Drive `cursor` from now on (None: nothing to drive, the bar is disabled); play starts
        and pauses `runner` instead of stepping the cursor when there is one."""
        self.stop()
        self._disconnect()
        self._cursor = cursor
        self._runner = runner
        if cursor is not None:
            cursor.changed.connect(self._on_cursor_changed)
        if runner is not None:
            runner.running_changed.connect(self._on_running_changed)
        self.speed.setVisible(runner is None)  # a run has its own speed, in its scene
        self._refresh()

    def _disconnect(self) -> None:
        if self._cursor is not None:
            self._cursor.changed.disconnect(self._on_cursor_changed)
        if self._runner is not None:
            self._runner.running_changed.disconnect(self._on_running_changed)

    @property
    def is_playing(self) -> bool:
        return self._runner.running if self._runner is not None else self.timer.isActive()

    def toggle_play(self) -> None:
        if self._runner is not None:
            self._runner.toggle()
        elif self.is_playing:
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        if self._runner is not None:
            if not self._runner.running:
                self._runner.toggle()
            return
        cursor = self._cursor
        if cursor is None or cursor.length == 0:
            return
        if cursor.at_end:
            cursor.to_start()  # play from the top, as a media player does
        self.timer.start(self._interval())
        self._refresh_play()

    def stop(self) -> None:
        """Stop playing: the cursor's steps, or the scene's run."""
        if self._runner is not None and self._runner.running:
            self._runner.pause()
        if self.timer.isActive():
            self.timer.stop()
            self._refresh_play()

    def _interval(self) -> int:
        factor = float(self.speed.currentData())
        return max(1, round(BASE_INTERVAL_MS / factor))

    def _move(self, how: Callable[[Cursor], object]) -> None:
        if self._cursor is not None:
            how(self._cursor)

    def _on_tick(self) -> None:
        cursor = self._cursor
        if cursor is None or cursor.at_end:
            self.stop()
            return
        cursor.step_forward()
        if cursor.position == cursor.length:
            self.stop()

    def _on_speed_changed(self, _index: int) -> None:
        if self.timer.isActive():
            self.timer.setInterval(self._interval())

    def _on_slider_moved(self, value: int) -> None:
        if self._cursor is not None and value != self._cursor.position:
            self._cursor.seek(value)

    def _on_cursor_changed(self, _position: int) -> None:
        self._refresh()

    def _on_running_changed(self, _running: bool) -> None:
        self._refresh_play()

    def _refresh_play(self) -> None:
        playing = self.is_playing
        icon = Pixmap.SP_MediaPause if playing else Pixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.playing_changed.emit(playing)

    def _refresh(self) -> None:
        cursor = self._cursor
        active = cursor is not None and cursor.length > 0
        for widget in self.findChildren(QWidget):
            widget.setEnabled(active)
        self.play_button.setEnabled(active or self._runner is not None)
        if cursor is None:
            self.label.setText("")
            self.slider.setRange(0, 0)
            return
        with signals_blocked(self.slider):
            self.slider.setRange(0, cursor.length)
            self.slider.setValue(cursor.position)
        self.back_button.setEnabled(active and not cursor.at_start)
        self.to_start_button.setEnabled(active and not cursor.at_start)
        self.forward_button.setEnabled(active and not cursor.at_end)
        self.to_end_button.setEnabled(active and not cursor.at_end)
        self.label.setText(f"step {cursor.position} of {cursor.length}")
        self._refresh_play()

    def apply_theme(self, theme: Theme) -> None:
        font = TRANSPORT.font(theme, self.font())
        for widget in self.findChildren(QWidget):
            widget.setFont(font)
        size = TRANSPORT_ICON.pixels(theme)
        for button in self.findChildren(QToolButton):
            button.setIconSize(QSize(size, size))
