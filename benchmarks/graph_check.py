"""The graph lab at scale: checks, typing, and a 10,000-node graph.

Prints
- the whole ``gradlab trace --check`` process for the 20-layer tanh chain and for 8 nested
  squares (goal: under 3 s each), and the check alone in-process;
- typing a 500-term sum key by key into the real app window (a key every 10 ms, a pause every
  100 terms so the graph is built and laid out on the way): the longest time the event loop was
  blocked (goal < 50 ms) and the time from the last key to the final graph drawn;
- the longest blocked interval while a long check runs in the background;
- micrograd's MLP(2, [16, 16, 1]) on 16 points (10,676 nodes): build, summary, the lab drawn
  collapsed, a layer and a neuron opened, the layout of that level, every step through it, and
  closing all, with the longest blocked interval all along (from the open lab on: building the
  graph when its step opens is timed apart, and is done on the GUI thread).

Every blocked-interval figure comes with the window's own CPU time in one turn of its event
loop and the load average: on this 2-core machine other work can keep a core busy, and then a
gap can be long while the window waits for it.

Run: ``python -m benchmarks.graph_check`` (offscreen unless a display is set).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QObject, QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gradlab.check import check_trace
from gradlab.engine import record
from gradlab.engine.expr import parse
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.main_window import MainWindow
from gradlab.gui.theme import LIGHT, palette
from gradlab.layout import graph_spec, layout
from gradlab.lessons import lessons_folder
from gradlab.lessons.schema import NetworkScene
from gradlab.state.graph.groups import summarise
from gradlab.state.graph.network_session import NetworkSession
from gradlab.state.graph.networks import scalar_network
from gradlab.state.session import Session

KEY_MS = 10
PAUSE_EVERY = 100
"""Terms typed between two pauses (each long enough for the graph to be built)."""
PAUSE_MS = 600
TICK_MS = 2
THINK_MS = 200
"""Between two clicks on the big graph (a click inside the turn that drew the last level would
add that turn's work to the click's)."""
"""The watchdog's timer: a late tick means the event loop was busy."""


def tanh_chain(layers: int) -> str:
    lines = ["h0 = tanh(x*w0 + b0)"]
    lines += [f"h{i} = tanh(h{i - 1}*w{i} + b{i})" for i in range(1, layers)]
    return "; ".join(lines)


def nested_squares(levels: int) -> str:
    lines = ["a1 = x*x + x"]
    lines += [f"a{i} = a{i - 1}*a{i - 1} + a{i - 1}" for i in range(2, levels + 1)]
    return "; ".join(lines)


def checks() -> None:
    chain = tanh_chain(20)
    values = [f"{name}={0.5 if name == 'x' else 0.9 if name[0] == 'w' else 0.1}"
              for name in parse(chain).inputs]  # fmt: skip
    cases = [
        ("20-layer tanh chain", chain, values),
        ("8 nested squares", nested_squares(8), ["x=0.3"]),
    ]
    for name, text, at in cases:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "gradlab.cli", "trace", text, "--at", *at, "--check"],
            capture_output=True,
            text=True,
            check=False,
        )
        whole = time.perf_counter() - start
        ok = done.returncode == 0 and " NO " not in done.stdout
        program = parse(text)
        built = program.build({a.split("=")[0]: float(a.split("=")[1]) for a in at})
        trace = record(built.output)
        ids = {n.label: n.id for n in trace.nodes if not n.parents and n.label in program.inputs}
        check_trace(trace, ids)  # SymPy imported and warmed up first
        start = time.perf_counter()
        check_trace(trace, ids)
        alone = time.perf_counter() - start
        print(
            f"check, {name} ({len(trace.nodes)} nodes): whole `gradlab trace --check` process "
            f"{whole:.2f} s (goal < 3 s), the check alone {alone * 1e3:.0f} ms"
            + ("" if ok else "  [FAILED]")
        )


class Watchdog(QObject):
    """Ticks every `TICK_MS`; the longest gap between ticks is the longest the loop was busy.

    Also the GUI thread's own CPU time between ticks: on a machine other work keeps busy, a gap
    can be long because the process waited for a core; the CPU time is what the window itself
    did in one turn of its event loop."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.gaps: list[float] = []
        self.cpu: list[float] = []
        self.load = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.gaps.clear()
        self.cpu.clear()
        self.load = os.getloadavg()[0]
        self.timer.start()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self.last)
        self.cpu.append(cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def report(self) -> str:
        gaps = sorted(self.gaps)
        blocked = max(0.0, gaps[-1] - TICK_MS / 1e3)
        p99 = max(0.0, gaps[int(0.99 * (len(gaps) - 1))] - TICK_MS / 1e3)
        over = sum(gap - TICK_MS / 1e3 > 0.05 for gap in gaps)
        load = max(self.load, os.getloadavg()[0])
        return (
            f"longest blocked {blocked * 1e3:.0f} ms (goal < 50 ms), p99 {p99 * 1e3:.1f} ms, "
            f"{over} of {len(gaps):,} intervals over 50 ms; the window's own work in one turn "
            f"at most {max(self.cpu) * 1e3:.0f} ms of CPU (load average up to {load:.1f})"
        )


def wait(app: QApplication, done: Callable[[], bool], seconds: float = 120.0) -> None:
    give_up = time.monotonic() + seconds
    while not done():
        if time.monotonic() > give_up:
            raise RuntimeError("timed out")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def pause(app: QApplication, ms: int) -> None:
    end = time.perf_counter() + ms / 1e3
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)


def typing(app: QApplication, window: MainWindow, session: Session) -> None:
    session.open_lesson(next(i for i, e in enumerate(session.entries) if e.lesson), 1)
    lab = window.view
    assert isinstance(lab, GraphLab)
    assert lab.editing is not None
    wait(app, lambda: lab.view.up_to_date)
    editor = lab.editing.editor
    editor.setFocus()
    editor.clear()
    terms = [f"x{i}" for i in range(500)]
    watchdog = Watchdog()
    watchdog.start()
    QTest.keyClicks(editor, "f = ")
    for index, term in enumerate(terms):
        for char in (" + " if index else "") + term:
            QTest.keyClick(editor, char)
            pause(app, KEY_MS)
        if (index + 1) % PAUSE_EVERY == 0 and index + 1 < len(terms):
            pause(app, PAUSE_MS)
    last_key = time.perf_counter()
    final = editor.text()
    wait(app, lambda: lab.session.program.text == final and lab.view.up_to_date)
    drawn = time.perf_counter() - last_key
    watchdog.timer.stop()
    nodes = len(lab.session.trace.nodes)
    print(
        f"typing a 500-term sum key by key ({len(final):,} keys, {nodes:,} nodes at the end): "
        f"{watchdog.report()}; last key to final graph drawn {drawn:.2f} s"
    )


def check_while_typing(app: QApplication, window: MainWindow, session: Session) -> None:
    lab = window.view
    assert isinstance(lab, GraphLab)
    assert lab.editing is not None
    lab.editing.editor.setText(tanh_chain(150))
    lab.editing.commit()
    wait(app, lambda: lab.view.up_to_date)
    watchdog = Watchdog()
    watchdog.start()
    start = time.perf_counter()
    lab.checks.run.click()
    while not lab.session.report_ready:
        QTest.keyClick(lab.view, "+" if int(time.perf_counter() * 10) % 2 else "-")
        pause(app, 20)
    seconds = time.perf_counter() - start
    watchdog.timer.stop()
    print(
        f"a check in the background ({len(lab.session.trace.nodes)} nodes, {seconds:.1f} s, "
        f"keys sent all along): {watchdog.report()}"
    )


def timed(what: str, run: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = run()
    print(f"  {what}: {(time.perf_counter() - start) * 1e3:.0f} ms")
    return result


def big_graph(app: QApplication) -> None:
    scene = NetworkScene(values="scalar", layers=[2, 16, 16, 1], points=16, activation="relu")
    print(f"micrograd's MLP(2, [16, 16, 1]) on 16 points ({scene.node_count:,} nodes):")
    full, grouping = timed("build the Values and record both passes", lambda: scalar_network(scene))  # type: ignore[misc]
    timed("summarise into layers", lambda: summarise(full, grouping, frozenset()))

    def open_lab() -> GraphLab:
        lab = GraphLab(NetworkSession(full, grouping), LIGHT)
        lab.resize(1400, 900)
        lab.show()
        wait(app, lambda: lab.view.up_to_date)
        return lab

    # opening the step: the graph is built (above) and its lab made on the GUI thread
    lab = timed("the lab made and drawn, collapsed to layers", open_lab)
    pause(app, THINK_MS)
    watchdog = Watchdog()  # from here on, what a learner does in the open lab
    watchdog.start()
    assert isinstance(lab, GraphLab)
    session = lab.session
    assert isinstance(session, NetworkSession)
    layer = next(i for i, v in lab.view.values.items() if v.title.startswith("layer 2"))

    def open_node(node: int) -> None:
        lab.view.node_clicked.emit(node)
        wait(app, lambda: not session.busy and lab.view.up_to_date)
        # a learner's next click comes a moment later, not in the same turn of the event loop
        pause(app, THINK_MS)

    timed("open layer 2 into its 16 neurons (laid out, drawn)", lambda: open_node(layer))
    neuron = next(i for i, v in lab.view.values.items() if v.title.startswith("neuron 5"))
    timed("open neuron 5 (its nodes for 16 points)", lambda: open_node(neuron))
    shown = session.trace
    print(f"  now showing {len(shown.nodes)} nodes ({'one picture' if lab.view.far else 'items'})")
    steps = []
    player = session.player
    player.seek(0)
    while not player.at_end:  # every step of the level in view, forward then backward
        start = time.perf_counter()
        player.step_forward()
        app.processEvents()
        steps.append(time.perf_counter() - start)
    steps.sort()
    print(
        f"  {len(steps)} steps through that level, forward and backward: median "
        f"{steps[len(steps) // 2] * 1e3:.1f} ms, longest {steps[-1] * 1e3:.1f} ms"
    )
    assert lab.groups is not None

    def close_all() -> None:
        lab.groups.close_all.click()  # type: ignore[union-attr]
        wait(app, lambda: not session.busy and lab.view.up_to_date)

    timed("close all", close_all)
    watchdog.timer.stop()
    print(f"  all along: {watchdog.report()}")
    timed(
        f"lay out the {len(shown.nodes)} nodes of that level (done in the worker; timed here "
        "again, in process)",
        lambda: layout(graph_spec(shown, lab.style_.sizer)),
    )
    lab.close()


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    checks()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setPalette(palette(LIGHT))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "g.ini"), QSettings.Format.IniFormat)
    session = Session.from_folder(lessons_folder())
    window = MainWindow(session, settings)
    window.resize(1600, 1000)
    window.show()
    gc.freeze()  # as gradlab.gui.app does once the window is up
    typing(app, window, session)
    check_while_typing(app, window, session)
    window.close()
    big_graph(app)


if __name__ == "__main__":
    main()
