"""`gradlab train` options have the limits a lesson's train scene has, checked by arithmetic
before anything is allocated: a one-line error with the number asked for, never a traceback."""

from __future__ import annotations

import time

import pytest

from gradlab.cli import train as train_cli
from gradlab.lessons import limits


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--hidden", "1000000,1000000"], f"at most {limits.MAX_WIDTH:,} units"),
        (["--hidden", "16000,16000"], "MB"),
        (["--dataset", "mnist", "--model", "mlp", "--hidden", "16000,16000"], "MB"),
        (["--hidden", ",".join(["8"] * (limits.MAX_LAYERS + 1))], "hidden layers"),
        (["--batch-size", "1000000000"], f"at most {limits.MAX_BATCH:,}"),
        (["--epochs", "100000000"], f"at most {limits.MAX_EPOCHS:,}"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "inf"], "--lr"),
        (["--momentum", "5"], "--momentum"),
    ],
)
def test_options_beyond_the_limits_are_refused_at_once(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.process_time()
    assert train_cli.main(argv) == 2
    assert time.process_time() - start < 1.0
    err = capsys.readouterr().err
    assert err.startswith("gradlab train: ")
    assert words in err
    assert err.count("\n") == 1


def test_the_largest_allowed_mlp_is_within_the_budget() -> None:
    """The CLI's budget lets a wide MLP through that the lab's (with its snapshots) would not."""
    cost = limits.mlp_cost([784, 2000, 10])
    limits.check_budget(
        cost, copies=limits.CLI_COPIES, examples=2 * max(64, limits.CLI_PROBE_EXAMPLES)
    )
    with pytest.raises(ValueError, match="MB"):
        limits.check_budget(
            cost, copies=limits.LAB_COPIES, examples=limits.training_examples("mnist", 64)
        )
