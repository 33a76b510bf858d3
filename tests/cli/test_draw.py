"""`gradlab draw`: the graph at a step, to a valid SVG, PNG or PDF file; one-line errors."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from drawing_helpers import node_texts

from gradlab.cli import main

CHAIN = ["q = x + y; f = q * z", "--at", "x=-2", "y=5", "z=-4", "--step", "backward:3"]


def test_svg_at_a_backward_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "graph.svg"
    assert main(["draw", *CHAIN, "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    boxes = sorted(map(tuple, node_texts(out.read_text(encoding="utf-8")).values()))
    # backward:3 is q's turn: x and y have just received their grads
    assert boxes == sorted(
        [
            ("x", "data -2", "grad -4"),
            ("y", "data 5", "grad -4"),
            ("q", "data 3", "grad -4"),
            ("z", "data -4", "grad 3"),
            ("f", "data -12", "grad 1"),
        ]
    )
    assert ET.parse(out).getroot().get("width")


@pytest.mark.gui
def test_png_for_slides_in_the_projector_style(tmp_path: Path, qapp: object) -> None:
    light, projector = tmp_path / "light.png", tmp_path / "projector.png"
    assert main(["draw", *CHAIN, "-o", str(light)]) == 0
    assert main(["draw", *CHAIN, "--style", "projector", "-o", str(projector)]) == 0
    sizes = []
    for path in (light, projector):
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert 1000 < width < 4000
        assert 200 < height < width
        sizes.append(width)
    assert sizes[1] > 1.5 * sizes[0]  # large type and thick lines for the back row


@pytest.mark.gui
def test_pdf(tmp_path: Path, qapp: object) -> None:
    out = tmp_path / "graph.pdf"
    assert main(["draw", *CHAIN, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(data) < 500_000
    assert b"/MediaBox" in data


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([*CHAIN, "-o", "graph.gif"], "name the file .svg, .png or .pdf"),
        (["q = x +", "-o", "g.svg"], "not a valid expression"),
        (["f = x * y", "--at", "x=1", "-o", "g.svg"], "no value given for input y"),
        (["f = x * 2", "--at", "x=1", "--step", "backward:7", "-o", "g.svg"], "has 2 steps"),
        (["f = x * 2", "--at", "x=1", "--step", "sideways", "-o", "g.svg"], "unknown step"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["draw", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradlab draw: ")
    assert message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
