"""Saving what a scene view shows: PNG, SVG, or the clipboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget


def save_png(widget: QWidget, path: Path | str) -> bool:
    """Grab the widget as it is drawn (at the screen's pixel ratio)."""
    return widget.grab().save(str(path), "PNG")


def save_svg(widget: QWidget, path: Path | str) -> None:
    """Render the widget into an SVG file (vector where the widget paints vectors)."""
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    size = widget.size()
    generator.setSize(QSize(size))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle("gradlab")
    painter = QPainter(generator)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()


def copy_to_clipboard(widget: QWidget) -> None:
    QGuiApplication.clipboard().setPixmap(widget.grab())
