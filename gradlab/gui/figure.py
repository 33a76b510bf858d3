"""A figure's SVG (`gradlab.drawing`) as PNG or PDF, drawn by Qt's SVG renderer.

Works without a screen: when no Qt application is running yet, an offscreen one is made (a
figure for a file or a notebook never needs a window). It is a full QApplication, so the app, a
test or a notebook can still open windows in the same process afterwards.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

PNG_SCALE = 2.0
"""Pixels per figure unit in a PNG: sharp on slides and high-density screens."""

_app: QGuiApplication | None = None


def convert(svg: str, format: Literal["png", "pdf"], scale: float = PNG_SCALE) -> bytes:
    """`svg` (a figure) as PNG bytes at `scale`, or as a one-page PDF of the figure's size."""
    _application()
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    if not renderer.isValid():
        raise ValueError("not a figure Qt can draw: the SVG did not parse")
    size = renderer.viewBoxF().size()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if format == "png":
        pixels = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        image = QImage(pixels, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        renderer.render(painter, QRectF(image.rect()))
        painter.end()
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes, Qt wants str
    else:
        writer = QPdfWriter(buffer)
        writer.setTitle("gradlab graph")
        writer.setCreator("gradlab")
        # one point per figure unit: the page is the figure, no margins
        page = QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "figure")
        writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF()))
        writer.setResolution(72)
        painter = QPainter(writer)
        renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
    return bytes(buffer.data().data())


def _application() -> QGuiApplication:
    """The running Qt application, or an offscreen one made for drawing."""
    global _app  # noqa: PLW0603 - one application per process, kept alive here
    running = QGuiApplication.instance()
    if isinstance(running, QGuiApplication):
        return running
    _app = QApplication(["gradlab", "-platform", "offscreen"])
    return _app
