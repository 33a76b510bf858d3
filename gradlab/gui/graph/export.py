"""Exporting a graph scene whole (not just what is scrolled into view): PNG-ready images and SVG.

The graph's node items cache themselves as pixmaps for fast repaints; an export has them paint
afresh, so SVG keeps its text and lines as vectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

NO_CACHE = QGraphicsItem.CacheMode.NoCache
HINTS = QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing


@contextmanager
def drawn_afresh(scene: QGraphicsScene) -> Iterator[None]:
    """Items paint themselves instead of their cached pixmaps while the block runs."""
    cached = [(item, item.cacheMode()) for item in scene.items() if item.cacheMode() != NO_CACHE]
    for item, _ in cached:
        item.setCacheMode(NO_CACHE)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def scene_image(scene: QGraphicsScene, background: QColor, scale: float = 2.0) -> QImage:
    """The whole scene as an image, `scale` pixels per scene unit (2: sharp on slides)."""
    rect = scene.sceneRect()
    size = QSize(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(background)
    painter = QPainter(image)
    painter.setRenderHints(HINTS)
    with drawn_afresh(scene):
        scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


def scene_svg(scene: QGraphicsScene, background: QColor, path: str) -> None:
    rect = scene.sceneRect()
    target = QRectF(0, 0, rect.width(), rect.height())
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(rect.size().toSize())
    generator.setViewBox(target)
    generator.setTitle("gradlab graph")
    painter = QPainter(generator)
    painter.fillRect(target, background)
    painter.setRenderHints(HINTS)
    with drawn_afresh(scene):
        scene.render(painter, target, rect)
    painter.end()
