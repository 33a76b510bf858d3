"""Plot titles and legends at a projector's type size (pytest-qt): a title shrinks to fit its
plot and grows back, and a wrapping legend breaks between its entries, never inside one."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from gui.lesson_walk import cut_plot_title
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from gradlab.gui.legend import Entry, Legend
from gradlab.gui.theme import LIGHT
from gradlab.gui.train.plot_title import SMALLEST, PlotTitle
from gradlab.gui.train.plots import CurvesPanel, make_plot, style_plot
from gradlab.gui.typography import TRAIN_LEGEND, TRAIN_PLOT

pytestmark = pytest.mark.gui

PRESENTING = LIGHT.presenting_as(True)
TITLE = "reconstruction loss (MSE)"


def title_inside(plot: pg.PlotWidget) -> bool:
    return cut_plot_title(plot, plot.getPlotItem()) is None  # as the lesson walk judges it


def test_a_long_title_shrinks_into_a_narrow_plot_and_grows_back(qtbot: QtBot) -> None:
    holder = QWidget()  # as in the labs: a plot closed on its own twice raises in pyqtgraph
    qtbot.addWidget(holder)
    plot = make_plot(TITLE)
    QVBoxLayout(holder).addWidget(plot)
    style_plot(plot, PRESENTING)
    full = TRAIN_PLOT.points(PRESENTING)
    holder.resize(220, 300)
    holder.show()
    qtbot.waitExposed(holder)
    title = PlotTitle.of(plot)
    qtbot.waitUntil(lambda: title_inside(plot))
    assert SMALLEST * full <= title.points_shown() < full
    holder.resize(900, 300)
    qtbot.waitUntil(lambda: title.points_shown() == pytest.approx(full, abs=0.05))
    assert title_inside(plot)


def lines_of(legend: Legend, width: int) -> list[str]:
    """The lines `legend`'s text breaks into at `width` pixels."""
    document = QTextDocument()
    document.setDefaultFont(legend.font())
    document.setHtml(legend.text())
    document.setTextWidth(width)
    document.size()  # lays the text out
    block = document.begin()
    layout = block.layout()
    text = block.text()
    return [
        text[line.textStart() : line.textStart() + line.textLength()].strip()
        for line in (layout.lineAt(i) for i in range(layout.lineCount()))
    ]


@pytest.mark.parametrize("width", [120, 160, 200])
def test_a_wrapping_legend_breaks_between_entries(qtbot: QtBot, width: int) -> None:
    legend = Legend(TRAIN_LEGEND)
    qtbot.addWidget(legend)
    legend.apply_theme(PRESENTING)
    legend.set_entries([Entry(name, color) for name, color, _ in CurvesPanel.CURVES])
    lines = lines_of(legend, width)
    assert len(lines) > 1  # narrow enough to wrap
    assert all(line[:1] in "━╍" for line in lines), lines
