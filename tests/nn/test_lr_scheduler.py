"""StepLR and CosineAnnealingLR set the learning rates torch.optim.lr_scheduler sets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from gradlab import optim
from gradlab.engine import Tensor


def _lrs(ours: Any, theirs: Any, steps: int) -> tuple[list[float], list[float]]:
    mine, reference = [ours.get_last_lr()[0]], [theirs.get_last_lr()[0]]
    for _ in range(steps):
        ours.optimizer.step()
        ours.step()
        theirs.optimizer.step()
        theirs.step()
        mine.append(ours.get_last_lr()[0])
        reference.append(theirs.get_last_lr()[0])
        assert ours.optimizer.lr == mine[-1]
    return mine, reference


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("StepLR", {"step_size": 3, "gamma": 0.5}),
        ("StepLR", {"step_size": 1}),
        ("CosineAnnealingLR", {"T_max": 10}),
        ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),
    ],
)
def test_schedules_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    ours = getattr(optim.lr_scheduler, name)(
        optim.SGD([Tensor([1.0], requires_grad=True)], lr=0.1), **kwargs
    )
    theirs = getattr(torch.optim.lr_scheduler, name)(
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), **kwargs
    )
    mine, reference = _lrs(ours, theirs, 30)  # past T_max: the cosine comes back up
    np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-15)


def test_resuming_a_schedule_is_refused_in_pytorchs_terms() -> None:
    opt = optim.SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="last_epoch=4"):
        optim.lr_scheduler.StepLR(opt, 2, last_epoch=4)
    with pytest.raises(ValueError, match="step_size must be at least 1"):
        optim.lr_scheduler.StepLR(opt, 0)
