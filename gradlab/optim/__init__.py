"""torch.optim's names: ``import gradlab.optim as optim``; ``optim.SGD(net.parameters(), lr=0.001,
momentum=0.9)``. The optimisers live in `gradlab.nn.optim`, the schedulers in
`gradlab.nn.lr_scheduler` (also importable as ``gradlab.optim.lr_scheduler``)."""

from gradlab.nn.optim import SGD, Adam, Optimizer
from gradlab.optim import lr_scheduler

__all__ = ["SGD", "Adam", "Optimizer", "lr_scheduler"]
