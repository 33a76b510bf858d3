"""Open every graph step of every lesson in the real main window on a screen of a given size, and
print what a learner would see as JSON lines: run as a script by test_screen.py, in a process of
its own, because Qt's offscreen screen size is fixed when the application starts.

Usage: ``QT_QPA_PLATFORM=offscreen:configfile=screen.json python screen_probe.py present|window``
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import QApplication

from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.lessons import lessons_folder
from gradlab.state.session import Session

STEADY_S = 0.3


def settle(app: QApplication, lab: GraphLab) -> None:
    """Until the step's graph is laid out and drawn (large ones in the background)."""
    give_up = time.monotonic() + 60
    while not lab.view.up_to_date or (lab.editing is not None and not lab.editing.inputs.complete):
        if time.monotonic() > give_up:
            raise RuntimeError("the graph was never drawn")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def steady(app: QApplication, lab: GraphLab) -> None:
    """Until the view's size and zoom have held for `STEADY_S` (panels that follow a turn later
    resize the view, and it fits the graph again): what a learner looks at, not a frame between."""

    def looks() -> tuple[float, int, int]:
        size = lab.view.viewport().size()
        return lab.view.zoom, size.width(), size.height()

    give_up = time.monotonic() + 10
    last, since = looks(), time.monotonic()
    while time.monotonic() - since < STEADY_S and time.monotonic() < give_up:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        now = looks()
        if now != last:
            last, since = now, time.monotonic()


def main() -> int:
    app = QApplication(sys.argv[:1])
    mode = sys.argv[1]
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "g.ini"), QSettings.Format.IniFormat)
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    window.show()
    window.set_presentation(mode == "present")
    screen = app.primaryScreen().availableGeometry()
    for index, entry in enumerate(session.entries):
        if entry.lesson is None:
            continue
        for number, step in enumerate(entry.lesson.steps):
            if step.graph is None:
                continue
            session.open_lesson(index, number)
            lab = window.view
            assert isinstance(lab, GraphLab)
            settle(app, lab)
            lab.session.player.to_end()
            steady(app, lab)
            view = lab.view
            seen = view.mapToScene(view.viewport().rect()).boundingRect()
            frame = window.frameGeometry()
            record = {
                "step": f"{entry.path.stem[:2]}-{number + 1}",
                "quiz": step.quiz is not None,
                "nodes": len(lab.session.trace.nodes),
                "text_px": view.zoom * lab.style_.font.pixelSize(),
                "fits": seen.contains(view.sceneRect()),
                "window": [frame.x(), frame.y(), frame.width(), frame.height()],
                "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
            }
            print(json.dumps(record), flush=True)
    if mode == "window":
        print(json.dumps(many_inputs(app, window, session)), flush=True)
    window.close()
    return 0


def many_inputs(app: QApplication, window: MainWindow, session: Session) -> dict[str, object]:
    """A graph step given a 50-input expression: the inputs wrap, the window stays put."""
    session.open_lesson(next(i for i, e in enumerate(session.entries) if e.lesson), 1)
    lab = window.view
    assert isinstance(lab, GraphLab)
    assert lab.editing is not None
    settle(app, lab)
    before = window.frameGeometry()
    lab.editing.editor.setText("f = " + " + ".join(f"x{i}" for i in range(50)))
    lab.editing.commit()
    settle(app, lab)
    frame = window.frameGeometry()
    screen = app.primaryScreen().availableGeometry()
    return {
        "step": "50 inputs",
        "spins": len(lab.editing.inputs.spins),
        "window": [frame.x(), frame.y(), frame.width(), frame.height()],
        "before": [before.x(), before.y(), before.width(), before.height()],
        "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
    }


if __name__ == "__main__":
    sys.exit(main())
