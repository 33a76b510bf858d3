"""`gradlab train`: the epoch lines and summary it prints, and its one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradlab.cli import train as train_cli
from gradlab.nn.models import mlp


def test_cli_train_prints_epochs_and_a_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weights = tmp_path / "w.npz"
    status = train_cli.main(
        ["--dataset", "gaussian", "--epochs", "4", "--batch-size", "50", "--save", str(weights)]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "Total params: 105" in out
    epoch_lines = [line for line in out.splitlines() if line.startswith("epoch")]
    assert len(epoch_lines) == 4
    assert "train" in epoch_lines[-1]
    assert "test" in epoch_lines[-1]
    assert "done: 20 steps" in out  # 250 training points in batches of 50, 4 epochs
    model = mlp((2, 8, 8, 1), rng=0)
    model.load(weights)
    assert not np.array_equal(
        model.state_dict()["0.weight"], mlp((2, 8, 8, 1), rng=0).state_dict()["0.weight"]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "moons", "--model", "lenet5"], "--model lenet5 needs --dataset mnist"),
        (["--dataset", "mnist", "--loss", "hinge"], "mnist has 10"),
        (["--hidden", "4,-1"], "at least 1"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--noise", "3"], "noise must be in"),
    ],
)
def test_cli_train_errors_are_one_line_with_status_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradlab train: ")
    assert message in err
    assert err.count("\n") == 1


def test_cli_train_reports_a_nonfinite_stop(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "--dataset",
        "xor",
        "--lr",
        "1e9",
        "--activation",
        "relu",
        "--loss",
        "mse",
        "--epochs",
        "5",
    ]
    assert train_cli.main(argv) == 1
    assert "NaN or inf in the" in capsys.readouterr().out
