"""The loss modules: torch.nn's CrossEntropyLoss, NLLLoss, MSELoss, BCELoss and BCEWithLogitsLoss,
with PyTorch's arguments in PyTorch's order, calling `gradlab.nn.functional`.

``criterion = nn.CrossEntropyLoss(); loss = criterion(outputs, labels)``. Every reduction
("mean", "sum", "none") works; the arguments gradlab has no counterpart for (class weights,
ignore_index, label smoothing, pos_weight, the deprecated size_average and reduce) keep PyTorch's
defaults, and any other value is refused with an error that says so.
"""

from __future__ import annotations

from typing import Any

from gradlab.engine.tensor import Tensor
from gradlab.nn import functional as F
from gradlab.nn.functional.loss import Reduction, Target
from gradlab.nn.modules import Module


class _Loss(Module):
    def __init__(self, reduction: Reduction = "mean", **unsupported: Any) -> None:
        super().__init__()
        name = type(self).__name__
        for argument, value in unsupported.items():
            if argument in {"size_average", "reduce"} and value is not None:
                raise ValueError(
                    f"{name}({argument}=...) is deprecated in PyTorch and not in gradlab: "
                    "say reduction='mean', 'sum' or 'none'"
                )
            if argument not in {"size_average", "reduce"} and value != _DEFAULTS[argument]:
                raise ValueError(
                    f"gradlab's {name} has no {argument} (torch.nn.{name}({argument}=...)); "
                    f"leave it at PyTorch's default, {_DEFAULTS[argument]!r}"
                )
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        self.reduction: Reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


_DEFAULTS: dict[str, Any] = {
    "weight": None,
    "ignore_index": -100,
    "label_smoothing": 0.0,
    "pos_weight": None,
}


class CrossEntropyLoss(_Loss):
    """−log softmax(input)[target] for logits (N, C) and class indices (N,)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: Reduction = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            reduction,
            weight=weight,
            size_average=size_average,
            ignore_index=ignore_index,
            reduce=reduce,
            label_smoothing=label_smoothing,
        )

    def forward(self, input: Tensor, target: Target) -> Tensor:
        return F.cross_entropy(input, target, reduction=self.reduction)


class NLLLoss(_Loss):
    """−input[n, target[n]] for log-probabilities (N, C) and class indices (N,)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(
            reduction,
            weight=weight,
            size_average=size_average,
            ignore_index=ignore_index,
            reduce=reduce,
        )

    def forward(self, input: Tensor, target: Target) -> Tensor:
        return F.nll_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """(input − target)², reduced."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction, size_average=size_average, reduce=reduce)

    def forward(self, input: Tensor, target: Target) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """−(y·log p + (1 − y)·log(1 − p)) for probabilities p."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction, weight=weight, size_average=size_average, reduce=reduce)

    def forward(self, input: Tensor, target: Target) -> Tensor:
        return F.binary_cross_entropy(input, target, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """BCELoss of σ(input), computed stably from the logits."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: Reduction = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(
            reduction,
            weight=weight,
            size_average=size_average,
            reduce=reduce,
            pos_weight=pos_weight,
        )

    def forward(self, input: Tensor, target: Target) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction)
