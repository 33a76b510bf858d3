"""One layer of a model written in a lesson as a list (a train scene's `model`, a table's
summary), and the memory budget every such model is held to."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from gradlab.lessons import limits
from gradlab.lessons.base import Model

Width = Annotated[int, Field(ge=1, le=limits.MAX_WIDTH)]
LayerStep = Annotated[int, Field(ge=1, le=limits.MAX_KERNEL)]
BUDGET = (
    f"A network needing more than {limits.size_text(limits.MEMORY_LIMIT)} (its weights and the "
    "copies kept of them, and its activations, worked out from the declared shapes) is refused."
)


class Layer(Model):
    """One layer of a model given as a list, e.g. ``{ type = "linear", in = 2, out = 8 }``."""

    type: Literal[
        "linear", "conv2d", "max_pool2d", "avg_pool2d", "flatten", "relu", "tanh", "sigmoid",
        "dropout", "batch_norm1d", "batch_norm2d",
    ]  # fmt: skip
    in_: Width | None = Field(default=None, alias="in")
    out: Width | None = Field(
        default=None, description="Output features; for batch norm, the features normalised."
    )
    kernel_size: LayerStep | None = None
    stride: LayerStep | None = None
    padding: int | None = Field(default=None, ge=0, le=limits.MAX_KERNEL)
    p: float | None = Field(
        default=None, ge=0, lt=1, description="Dropout: the probability of zeroing a unit."
    )

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        needs_sizes = self.type in {"linear", "conv2d"}
        if needs_sizes and (self.in_ is None or self.out is None):
            raise ValueError(f"a {self.type} layer needs 'in' and 'out'")
        if self.type in {"batch_norm1d", "batch_norm2d"} and self.out is None:
            raise ValueError(f"a {self.type} layer needs 'out' (the features it normalises)")
        if self.type == "dropout" and self.p is None:
            raise ValueError("a dropout layer needs 'p' (the probability of zeroing a unit)")
        if self.type in {"conv2d", "max_pool2d", "avg_pool2d"} and self.kernel_size is None:
            raise ValueError(f"a {self.type} layer needs 'kernel_size'")
        return self
