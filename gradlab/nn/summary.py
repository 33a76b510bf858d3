"""`summary(model, input_shape)`: a Keras-style table of layers, output shapes and parameters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradlab.engine.tensor import Tensor
from gradlab.nn.modules import Module, Sequential


@dataclass(frozen=True)
class LayerRow:
    """One line of the summary: a layer, the shape it outputs (N = batch) and its weights."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int


def layer_rows(model: Module, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """Run one zero example of `input_shape` (without the batch dimension) through `model`.

    A Sequential gives a row per layer (nested ones flattened, with dotted names); any other
    module gives one row. The model is put in eval mode for the probe (so batch-norm statistics
    are left alone) and restored afterwards.
    """
    params = model.parameters()
    dtype = params[0].data.dtype if params else np.dtype(np.float32)
    x = Tensor(np.zeros((1, *input_shape), dtype))
    modes = {id(m): m.training for _, m in model.named_modules()}
    model.eval()
    try:
        rows = _rows(model, x, "")[0]
    finally:
        for _, module in model.named_modules():
            object.__setattr__(module, "training", modes[id(module)])
    return rows


def _rows(module: Module, x: Tensor, name: str) -> tuple[list[LayerRow], Tensor]:
    if isinstance(module, Sequential):
        rows: list[LayerRow] = []
        for key, child in module.named_children():
            child_rows, x = _rows(child, x, f"{name}.{key}" if name else key)
            rows += child_rows
        return rows, x
    out = module(x)
    row = LayerRow(name or "0", type(module).__name__, out.shape[1:], module.num_parameters())
    return [row], out


def summary(model: Module, input_shape: tuple[int, ...]) -> str:
    """The table as text, e.g. for LeNet-5 on (1, 32, 32): ... "Total params: 61,706"."""
    rows = layer_rows(model, input_shape)
    header = ("Layer (type)", "Output shape", "Params")
    cells = [header] + [
        (
            f"{r.name} ({r.kind})",
            "(N, " + ", ".join(map(str, r.output_shape)) + ")",
            f"{r.params:,}",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(3)]
    rule = "-" * (sum(widths) + 4)

    def line(cell: tuple[str, str, str]) -> str:
        return f"{cell[0]:<{widths[0]}}  {cell[1]:<{widths[1]}}  {cell[2]:>{widths[2]}}"

    body = [line(cell) for cell in cells[1:]]
    return "\n".join(
        [
            f"Input shape: (N, {', '.join(map(str, input_shape))})",
            rule,
            line(header),
            rule,
            *body,
            rule,
            f"Total params: {model.num_parameters():,}",
        ]
    )
