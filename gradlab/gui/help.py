"""The keyboard shortcut list, generated from the window's actions."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from gradlab.gui.actions import Actions


def shortcut_rows(actions: Actions) -> list[tuple[str, str]]:
    """(command, its keys) for every action that has a shortcut."""
    rows = []
    for action in actions.all:
        keys = [key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()]
        if keys:
            rows.append((action.text().rstrip("…"), ", ".join(keys)))
    return rows


def shortcuts_dialog(actions: Actions, parent: QWidget | None = None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    rows = "".join(
        f"<tr><td style='padding-right:24px'>{command}</td><td><b>{keys}</b></td></tr>"
        for command, keys in shortcut_rows(actions)
    )
    label = QLabel(f"<table>{rows}</table>")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(buttons)
    return dialog
