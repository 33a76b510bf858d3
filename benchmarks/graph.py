"""How responsive is the graph lab?

Prints
- one step, key press to repainted view, on a ~200-node graph (goal: under 16 ms): the key is
  sent to the window, the shortcut steps the Player, the view updates the changed items and the
  event loop repaints; timed until the view's viewport has been painted;
- laying out a ~300-node graph with `dot` (if on PATH), graphviz-pure and the built-in layout
  (goal: under 200 ms), for a wide MLP-like graph and a deep chain-like one, and a ~1,000-node
  one (goal: under 1 s with the faster engine; "auto" takes the built-in one above 400 nodes);
- rebuilding the lab's state after an edit (parse, build, record, layout) on the 200-node graph.

Run: ``python -m benchmarks.graph`` (offscreen unless a display is set).
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.timing import median_time
from gradlab.engine import Value, record
from gradlab.engine.trace import Trace
from gradlab.gui.graph.lab import GraphLab
from gradlab.gui.graph.style import GraphStyle
from gradlab.gui.theme import LIGHT, palette
from gradlab.layout import graph_spec, layout
from gradlab.state.graph.session import GraphSession


def neuron_sum(terms: int) -> str:
    """f = tanh(w0 * x0 + b0) + ...: 7 nodes per term."""
    return "f = " + " + ".join(f"tanh(w{i} * x{i} + b{i})" for i in range(terms))


def mlp_trace(target: int) -> Trace:
    """A wide graph like a small MLP's forward pass, grown to about `target` nodes."""
    rng = random.Random(0)
    width = 2
    while True:
        xs = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(3)]
        layer: list[Value] = xs
        for depth, size in enumerate((width, width, 1)):
            outs = []
            for j in range(size):
                total = Value(rng.uniform(-1, 1), f"b{depth}.{j}")
                for k, x in enumerate(layer):
                    total = total + Value(rng.uniform(-1, 1), f"w{depth}.{j}.{k}") * x
                outs.append(total.tanh())
            layer = outs
        trace = record(layer[0])
        if len(trace.nodes) >= target:
            return trace
        width += 1


def deep_trace(target: int) -> Trace:
    """A deep graph: each new node mixes two of the last twelve (long edges, many ranks)."""
    rng = random.Random(0)
    nodes = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(8)]
    while True:
        a, b = rng.sample(nodes[-12:], 2)
        kind = rng.choice(("add", "mul", "tanh"))
        out = a + b if kind == "add" else a * b if kind == "mul" else a.tanh()
        out.label = f"n{len(nodes)}"
        nodes.append(out)
        trace = record(out)
        if len(trace.nodes) >= target:
            return trace


class PaintProbe(QObject):
    """Notes when the watched widget's paint event begins."""

    def __init__(self) -> None:
        super().__init__()
        self.started: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.started is None:
            self.started = time.perf_counter()
        return False


def percentiles(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (
        f"{name}: median {statistics.median(ordered) * 1e3:.2f} ms, "
        f"p95 {p95 * 1e3:.2f} ms, max {ordered[-1] * 1e3:.2f} ms"
    )


def step_latency(app: QApplication, nodes: int) -> None:
    terms = max(1, (nodes - 1) // 7)
    inputs = {f"{kind}{i}": 0.3 for i in range(terms) for kind in "wxb"}
    session = GraphSession(neuron_sum(terms), inputs)
    lab = GraphLab(session, LIGHT)
    lab.resize(1600, 1000)
    # the app's transport bar binds the keys; a shortcut on the lab stands in for it here
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Right), lab)
    shortcut.activated.connect(session.player.step_forward)
    lab.show()
    lab.activateWindow()
    lab.view.setFocus()
    # laid out in the lab's worker process and drawn a batch at a time: wait for all of it
    deadline = time.monotonic() + 120
    while not lab.view.up_to_date and time.monotonic() < deadline:
        app.processEvents()
    lab.view.fit_to_window()  # every node on screen: the most there is to paint
    app.processEvents()
    probe = PaintProbe()
    lab.view.viewport().installEventFilter(probe)
    window = lab.windowHandle()
    total, handling, painting = [], [], []
    loop_cpu = cpu_seconds()
    for _ in range(session.player.length):
        probe.started = None
        start = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_Right)
        handled = time.perf_counter()
        while probe.started is None and time.perf_counter() - handled < 1.0:
            app.processEvents()
        end = time.perf_counter()
        painted = probe.started if probe.started is not None else end
        total.append(end - start)
        handling.append(min(handled, painted) - start)
        painting.append(end - painted if painted >= handled else handled - painted)
    loop_cpu = cpu_seconds() - loop_cpu
    if not session.player.at_end:
        raise RuntimeError("the key presses did not step the player")
    count = len(session.trace.nodes)
    print(percentiles(f"step, key press to repainted view ({count} nodes; goal < 16 ms)", total))
    print("  " + percentiles("of which: key handled, state and items updated", handling))
    print("  " + percentiles("of which: repainting the changed regions", painting))
    print(f"  mean CPU time per step: {loop_cpu / len(total) * 1e3:.2f} ms")
    full = median_time(lambda: lab.view.viewport().repaint(), repeats=10, warmup=2)
    print(f"full repaint of the fitted view (zoom, pan, resize): {full * 1e3:.1f} ms")
    rebuild = median_time(lambda: session.set_input("x0", session.inputs["x0"] + 0.01), repeats=5)
    print(
        f"rebuild after an input edit ({count} nodes; its layout, if sizes changed, comes from "
        f"the worker): {rebuild * 1e3:.1f} ms"
    )
    lab.close()
    lab.deleteLater()
    app.processEvents()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Graphviz runs as a child)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def wall_and_cpu(run: Callable[[], object], repeats: int = 5) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `run` (after one warm-up). On a busy machine the
    wall time grows with the load while the CPU time stays what the work itself costs."""
    run()
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, wall = cpu_seconds(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def layouts(nodes: int, goal_ms: int = 200) -> None:
    engines: list[tuple[str, tuple[str, Path] | None]] = []
    system = shutil.which("dot")
    if system is not None:
        engines.append(("dot", ("dot", Path(system))))
    pure = Path(sysconfig.get_path("scripts")) / "graphviz-pure"
    if pure.is_file():
        engines.append(("graphviz-pure", ("graphviz-pure", pure)))
    style = GraphStyle(LIGHT)
    for shape, trace in (("wide (MLP)", mlp_trace(nodes)), ("deep (chain)", deep_trace(nodes))):
        spec = graph_spec(trace, style)
        runs: list[tuple[str, Callable[[], object]]] = [
            (name, lambda s=spec, e=executable: layout(s, "graphviz", graphviz=e))
            for name, executable in engines
        ]
        runs.append(("built-in", lambda s=spec: layout(s, "builtin")))
        for name, run in runs:
            wall, cpu = wall_and_cpu(run)
            print(
                f"layout {shape}, {len(trace.nodes)} nodes, {name:<13}: "
                f"{wall * 1e3:7.1f} ms wall, {cpu * 1e3:7.1f} ms CPU (goal < {goal_ms} ms)"
            )
    if not engines:
        print("no Graphviz executable found: only the built-in layout was measured")


def main() -> None:
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs (wall times grow with the load)")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setPalette(palette(LIGHT))
    step_latency(app, 200)
    layouts(300)
    layouts(1000, goal_ms=1000)


if __name__ == "__main__":
    main()
