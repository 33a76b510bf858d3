"""torch.optim.lr_scheduler's names, from `gradlab.nn.lr_scheduler`."""

from gradlab.nn.lr_scheduler import CosineAnnealingLR, LRScheduler, StepLR

__all__ = ["CosineAnnealingLR", "LRScheduler", "StepLR"]
