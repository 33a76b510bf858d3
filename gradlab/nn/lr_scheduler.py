"""Learning-rate schedules with torch.optim.lr_scheduler's names, arguments and formulas.

A scheduler sets its optimiser's `lr` when made (to the lr the optimiser had: epoch 0) and at
every `step()`, which a training loop calls once per epoch after the optimiser's steps, as in
PyTorch. Each is written in closed form, the formula PyTorch's documentation gives; PyTorch
computes the same numbers step by step from the last one.
"""

from __future__ import annotations

import math

from gradlab.nn.optim import Optimizer


class LRScheduler:
    """The shared part: the optimiser, its initial lr, the epoch count and the last lr set."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if last_epoch != -1:
            raise ValueError(
                "gradlab's schedulers start from the beginning: resuming with last_epoch="
                f"{last_epoch} (PyTorch's way to continue a saved schedule) is not available"
            )
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        """The optimiser's lr when the schedule began."""
        self.last_epoch = -1
        self._last_lr = optimizer.lr
        self.step()

    def lr_at(self, epoch: int) -> float:
        """The learning rate of `epoch` (0 is the first)."""
        raise NotImplementedError

    def step(self) -> None:
        """Move to the next epoch and set the optimiser's lr to its value."""
        self.last_epoch += 1
        self._last_lr = self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The lr set last, as a list (one entry per parameter group in PyTorch; gradlab's
        optimisers have one group)."""
        return [self._last_lr]


class StepLR(LRScheduler):
    """lr = base_lr · gamma^⌊epoch / step_size⌋: multiplied by `gamma` every `step_size` epochs."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if step_size < 1:
            raise ValueError(f"step_size must be at least 1, got {step_size}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr − eta_min)·(1 + cos(π·epoch / T_max)) / 2: from base_lr down to
    eta_min over T_max epochs along half a cosine (and back up after, as PyTorch's)."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if T_max < 1:
            raise ValueError(f"T_max must be at least 1, got {T_max}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> float:
        cosine = (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
        return self.eta_min + (self.base_lr - self.eta_min) * cosine
