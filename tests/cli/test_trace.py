"""`gradlab trace`: readable passes in a terminal, one-line errors with exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gradlab.cli import main


def test_chain_rule_printout(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["trace", "q = x + y; f = q * z", "--at", "x=-2", "y=5", "z=-4", "--check"])
    out = capsys.readouterr().out
    assert status == 0
    for line in [
        "q     +      x + y        3",
        "f     ×      q · z      -12",
        "df/dq += df/df * df/dq = 1 * -4 = -4",
        "df/dz += df/df * df/dz = 1 * 3 = 3",
        "df/dx += df/dq * dq/dx = -4 * 1 = -4",
        "df/dy += df/dq * dq/dy = -4 * 1 = -4",
    ]:
        assert line in out
    check = out[out.index("Check") :]
    assert check.count("yes") == 3


def test_reused_node_shows_both_contributions(capsys: pytest.CaptureFixture[str]) -> None:
    main(["trace", "b = a + a; c = b + b", "--at", "a=1", "--check"])
    out = capsys.readouterr().out
    assert out.count("dc/db += dc/dc * dc/db = 1 * 1 = 1") == 2
    assert "(now 2)" in out
    assert "dc/da += dc/db * db/da = 2 * 1 = 2   (now 4)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["trace", "x.__class__"],
        ["trace", "f = x * y", "--at", "x=1"],
        ["trace", "f = x", "--at", "x=abc"],
        ["trace", "f = x", "--at", "x"],
        ["trace", "f = log(x)", "--at", "x=-1"],
    ],
)
def test_bad_input_is_one_line_and_status_2(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gradlab.cli", *argv], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
