"""Is the training lab responsive while it trains, and how much training speed does the window cost?

Prints, for a live run in the lab (offscreen unless a display is set):
- repaints per second of a probe widget asked to repaint at a display's 60 Hz (``--probe-hz 0``:
  on every event-loop pass, which measures the headroom but spends a whole core on it, taking it
  from training on a 2-core machine) and full lab redraws per second;
- p50/p95/max latency of synthetic key events posted every 20 ms from another thread (time from
  posting to handling);
- steps per second in the window (the lab trains in its worker process, as in the app) against
  headless `fit()` on the same model and settings, with and without per-layer statistics;
- optionally (``--memory-minutes M``) the GUI's and the worker's RSS and the GUI's tracemalloc
  total every 30 s over an M-minute run.

Goals (issue 6): >= 50 repaints/s, p95 latency < 30 ms, in-window throughput >= 70% of headless.
Run: ``python -m benchmarks.train_gui [--dataset mnist] [--seconds 10] [--probe-hz 60]
[--memory-minutes 3]``.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Multi-threaded OpenBLAS makes the lab's small matmuls up to ~75x slower on a busy 2-core
# machine (threads spin against the GUI thread): one BLAS thread, as the app chooses too
# (gradlab.nn.blas; its worker process inherits the setting).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from gradlab.engine import threads
from gradlab.gui.theme import LIGHT, palette
from gradlab.gui.train.lab import TrainLab
from gradlab.nn.memory import keep_freed_memory
from gradlab.state.train.config import (
    TrainSettings,
    build_model,
    build_optimizer,
    fit_settings,
    load_data,
)
from gradlab.state.train.run import STATS_EVERY, TrainingRun

MNIST = TrainSettings(
    dataset="mnist", architecture="mnist-cnn", optimizer="momentum", lr=0.05, batch_size=64
)


class Probe(QWidget):
    """Counts its paints and how long posted key events waited before being handled."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedHeight(8)
        self.paints = 0
        self.latencies: list[float] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            posted = int(event.text() or "0")
            self.latencies.append((time.perf_counter_ns() - posted) / 1e6)
            return True
        return super().event(event)

    def post_key(self) -> None:
        stamp = str(time.perf_counter_ns())
        key = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, stamp
        )
        QCoreApplication.postEvent(self, key)


def headless_steps_per_second(settings: TrainSettings, seconds: float, stats: bool) -> float:
    data = load_data(settings)
    model = build_model(settings, data)
    optimizer = build_optimizer(settings, model)
    run = fit_settings(settings, data, model, optimizer, stats=stats, stats_every=STATS_EVERY)
    next(run)  # the first step pays one-off costs, as in the window
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        next(run)
        steps += 1
    return steps / (time.perf_counter() - started)


def in_window(
    app: QApplication, settings: TrainSettings, seconds: float, probe_hz: float
) -> dict[str, float]:
    run = TrainingRun(settings)
    lab = TrainLab(run, LIGHT)
    run.set_speed(None)  # a 2D lab starts slow enough to watch: measure it at full speed
    lab.driver.step()  # the worker's start-up and first step are not part of the measurement
    probe = Probe()
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.addWidget(probe)
    layout.addWidget(lab)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    repaint = QTimer()
    repaint.setInterval(0 if probe_hz <= 0 else round(1000 / probe_hz))
    repaint.timeout.connect(probe.update)
    # keys come from another thread, like a real input device: a GUI-thread timer would itself
    # wait for the busy loop and hide the latency it is meant to measure
    typing = threading.Event()

    def type_keys() -> None:
        while not typing.wait(0.02):
            probe.post_key()

    keys = threading.Thread(target=type_keys)
    steps_before, redraws_before = lab.driver.steps_taken, lab.repaints
    started = time.perf_counter()
    repaint.start()
    keys.start()
    lab.driver.start()
    while time.perf_counter() - started < seconds:
        app.processEvents()
    lab.driver.pause()
    elapsed = time.perf_counter() - started
    repaint.stop()
    typing.set()
    keys.join()
    app.processEvents()
    latencies = np.array(probe.latencies)
    result = {
        "probe repaints/s": probe.paints / elapsed,
        "lab redraws/s": (lab.repaints - redraws_before) / elapsed,
        "p50 latency ms": float(np.percentile(latencies, 50)),
        "p95 latency ms": float(np.percentile(latencies, 95)),
        "max latency ms": float(latencies.max()),
        "steps/s": (lab.driver.steps_taken - steps_before) / elapsed,
    }
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def rss_mb(pid: int | None) -> float:
    """Resident memory of process `pid` now (Linux /proc), in MB; NaN where unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return float("nan")
    kilobytes = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), "nan"
    )
    return float(kilobytes) / 1024.0


def memory(app: QApplication, settings: TrainSettings, minutes: float) -> None:
    run = TrainingRun(settings)
    lab = TrainLab(run, LIGHT)
    run.set_speed(None)
    lab.resize(1400, 900)
    lab.show()
    tracemalloc.start()
    lab.driver.start()
    started = time.perf_counter()
    next_sample = started
    print("   t (s)   steps   GUI RSS (MB)   worker RSS (MB)   traced (MB)   snapshots   points")
    while time.perf_counter() - started < minutes * 60.0:
        app.processEvents()
        if time.perf_counter() >= next_sample:
            worker = rss_mb(run.worker_pid)
            traced, _ = tracemalloc.get_traced_memory()
            row = (time.perf_counter() - started, run.steps_done, rss_mb(os.getpid()), worker)
            sizes = (traced / 2**20, len(run.snapshots.items), len(run.loss))
            print(
                "{:8.0f} {:7d} {:14.1f} {:17.1f}".format(*row),
                "{:13.1f} {:11d} {:8d}".format(*sizes),
            )
            next_sample += 30.0
    lab.driver.pause()
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("spiral", "mnist"), default="spiral")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--probe-hz", type=float, default=60.0)
    parser.add_argument("--memory-minutes", type=float, default=0.0)
    args = parser.parse_args()
    # as the app's entry point does (gradlab.cli.app): glibc keeps the freed blocks of the
    # headless runs and the window's evaluations for reuse; the lab's worker does it itself
    keep_freed_memory()
    settings = MNIST if args.dataset == "mnist" else TrainSettings()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setPalette(palette(LIGHT))
    rate = "every event-loop pass" if args.probe_hz <= 0 else f"{args.probe_hz:g} Hz"
    print(f"training lab on {args.dataset}, {args.seconds:g} s per measurement, probe at {rate}")
    window = in_window(app, settings, args.seconds, args.probe_hz)
    for name, value in window.items():
        print(f"  {name:18s} {value:10.1f}")
    window_stats = not settings.is_images  # TrainingRun's default
    # headless on the worker's threads: with a window, one core stays the interface's
    threads.set_num_threads(threads.threads_beside_an_interface())
    print(f"  headless runs on {threads.get_num_threads()} thread(s), as the lab's worker")
    for stats in (True, False):
        headless = headless_steps_per_second(replace(settings), args.seconds, stats)
        same = "  <- same fit() arguments as the window" if stats == window_stats else ""
        print(f"  headless fit(stats={stats}) {headless:8.1f} steps/s; "
              f"window/headless = {window['steps/s'] / headless:.0%}{same}")  # fmt: skip
    if args.memory_minutes:
        memory(app, settings, args.memory_minutes)


if __name__ == "__main__":
    main()
