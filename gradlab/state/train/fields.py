"""Which of the model builder's fields apply to a model, and what a lesson's layer list sets them
to (Qt-free: the rule the form follows).

A field the model ignores is not shown: MNIST has its own fixed split (8,000 digits train, 2,000
test), so a dataset's noise and test share mean nothing there, and a CNN preset has no hidden
widths. A field a lesson's own layer list fixes is shown read-only with the list's value, so the
form never says "Dropout 0.00" of a model whose layers drop with p = 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from gradlab.state.train.config import LayerSpec, TrainSettings

FieldName = Literal[
    "noise",
    "test_share",
    "hidden",
    "activation",
    "dropout",
    "batch_norm",
    "bottleneck",
    "input_noise",
]
Access = Literal["edit", "show"]
"""Editable, or shown read-only (the value a lesson's layer list fixes)."""

LAYER_FIXED: tuple[FieldName, ...] = ("hidden", "activation", "dropout", "batch_norm")
"""The MLP fields a layer list describes."""
ACTIVATION_TYPES = ("relu", "tanh", "sigmoid")
MLP_TYPES = {"linear", "flatten", "dropout", "batch_norm1d", *ACTIVATION_TYPES}
"""The layers of a multi-layer perceptron: a list of only these is described by its widths."""


def applicable(
    dataset: str, architecture: str, layers: Sequence[LayerSpec] = ()
) -> dict[FieldName, Access]:
    """The optional fields shown for `dataset` and `architecture`, or a lesson's `layers` when
    they are the model, and whether each can be edited. The rest (dataset, model, loss,
    optimiser, learning rate, batch size, L2, seed) always apply."""
    fields: dict[FieldName, Access] = {}
    if dataset != "mnist":
        fields |= {"noise": "edit", "test_share": "edit"}
    if layers:
        return fields | dict.fromkeys(_described_by(layers), "show")
    if architecture in {"mlp", "autoencoder"}:
        fields |= {"hidden": "edit", "activation": "edit"}
    if architecture == "mlp":
        fields |= {"dropout": "edit", "batch_norm": "edit"}
    if architecture == "autoencoder":
        fields |= {"bottleneck": "edit", "input_noise": "edit"}
    return fields


def described(settings: TrainSettings) -> TrainSettings:
    """`settings` with the MLP fields saying what its layer list does: the hidden Linear widths,
    the activation (when there is one kind), the dropout probability (the largest) and whether
    it batch-normalises. Settings without a layer list are returned as they are."""
    layers = settings.layers
    if not layers:
        return settings
    widths = tuple(layer.out for layer in layers if layer.type == "linear" and layer.out)
    drops = [layer.p for layer in layers if layer.type == "dropout" and layer.p is not None]
    return replace(
        settings,
        hidden=widths[:-1],
        activation=_one_activation(layers) or settings.activation,
        dropout=max(drops, default=0.0),
        batch_norm=any(layer.type.startswith("batch_norm") for layer in layers),
    )


def _described_by(layers: Sequence[LayerSpec]) -> list[FieldName]:
    """The MLP fields that say something true of `layers`. An MLP's list is described by all four
    (its widths, its activation when there is one kind, dropout and batch norm, 0 and off when it
    has none); a list with convolutions has no hidden widths, and shows dropout and batch norm
    only when it has them."""
    kinds = {layer.type for layer in layers}
    mlp = kinds <= MLP_TYPES
    shown: list[FieldName] = ["hidden"] if mlp else []
    if _one_activation(layers):
        shown.append("activation")
    if mlp or "dropout" in kinds:
        shown.append("dropout")
    if mlp or any(kind.startswith("batch_norm") for kind in kinds):
        shown.append("batch_norm")
    return shown


def _one_activation(layers: Sequence[LayerSpec]) -> str | None:
    """The activation of every activation layer, if they are all of one kind."""
    kinds = {layer.type for layer in layers if layer.type in ACTIVATION_TYPES}
    return kinds.pop() if len(kinds) == 1 else None
