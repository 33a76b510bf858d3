"""The graph lab on real screen sizes: every lesson graph fits its view whole, large enough to
read from the back of a room when presenting, and no expression widens the window.

Each case runs tests/gui/graph/screen_probe.py in a process of its own, on Qt's offscreen
platform configured with a screen of the size under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROBE = Path(__file__).with_name("screen_probe.py")
READABLE_PX = 24.0
"""Node text on a projector at 1920×1080, for graphs of up to `SMALL` nodes, on quiz steps too
(there the question sits beside its answer box, so the graph keeps the height)."""
SMALL = 12


def probe(tmp_path: Path, width: int, height: int, mode: str) -> list[dict[str, object]]:
    screen = {
        "screens": [
            {
                "name": "probe",
                "x": 0,
                "y": 0,
                "width": width,
                "height": height,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(PROBE), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def inside(record: dict[str, object]) -> bool:
    x, y, w, h = record["window"]  # type: ignore[misc]
    sx, sy, sw, sh = record["screen"]  # type: ignore[misc]
    return bool(sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh)


def test_presenting_at_1920x1080_every_graph_fits_and_small_ones_read_large(
    tmp_path: Path,
) -> None:
    records = probe(tmp_path, 1920, 1080, "present")
    assert len(records) > 40  # every graph step of every lesson
    assert any(r["quiz"] and int(r["nodes"]) <= SMALL for r in records)  # type: ignore[call-overload]
    assert [r["step"] for r in records if not r["fits"]] == []
    assert [r["step"] for r in records if not inside(r)] == []
    small = [r for r in records if int(r["nodes"]) <= SMALL]  # type: ignore[call-overload]
    too_small = [
        (r["step"], round(float(r["text_px"]), 1))  # type: ignore[arg-type]
        for r in small
        if float(r["text_px"]) < READABLE_PX  # type: ignore[arg-type]
    ]
    assert too_small == []


def test_at_1024x768_every_graph_fits_and_fifty_inputs_wrap(tmp_path: Path) -> None:
    records = probe(tmp_path, 1024, 768, "window")
    *graphs, inputs = records
    assert [r["step"] for r in graphs if not r["fits"]] == []
    assert inputs["spins"] == 50
    # the inputs wrap: the window did not grow, and needs no more width than the screen has
    # (it grew to 17,091 px when they sat in one row)
    assert inputs["window"] == inputs["before"]
    assert int(inputs["minimum"][0]) <= 1024  # type: ignore[index]
