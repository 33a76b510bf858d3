"""The convolution lab's responsiveness: a control change on a 28×28 digit with a 5×5 kernel,
from the setter to the repainted view, and one step of play.

Goal (issue 5): under 50 ms per control change. Run: ``python -m benchmarks.conv_lab``
(offscreen Qt is fine: it paints into the same raster backend).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

REPEATS = 15


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gradlab.gui.conv.lab import ConvLab
    from gradlab.gui.theme import LIGHT
    from gradlab.state.conv.scrubber import ConvScrubber

    app = QApplication.instance() or QApplication([])
    scrubber = ConvScrubber()
    scrubber.set_input("mnist-digit")
    scrubber.set_kernel("vertical-edge-5x5")
    lab = ConvLab(scrubber, LIGHT)
    lab.resize(1600, 900)
    lab.show()
    app.processEvents()

    def timed(change: Callable[[int], None]) -> list[float]:
        times = []
        for i in range(REPEATS):
            start = time.perf_counter()
            change(i)
            lab.view.repaint()  # paint now, as the next frame would
            app.processEvents()
            times.append(time.perf_counter() - start)
        return times

    cases: dict[str, Callable[[int], None]] = {
        "padding 0 <-> 2": lambda i: scrubber.set_padding(2 * (i % 2)),
        "stride 1 <-> 2": lambda i: scrubber.set_stride(1 + i % 2),
        "backward mode on/off": lambda i: scrubber.set_mode("backward" if i % 2 else "forward"),
        "one step of play": lambda i: scrubber.step_forward(),
    }
    print("Conv lab, 28x28 digit, 5x5 kernel: setter to repainted view (goal: under 50 ms)")
    for name, change in cases.items():
        times = timed(change)
        print(
            f"  {name:24s} median {statistics.median(times) * 1e3:6.1f} ms   "
            f"max {max(times) * 1e3:6.1f} ms"
        )
    lab.close()


if __name__ == "__main__":
    main()
