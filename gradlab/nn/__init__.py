"""Neural nets on `gradlab.engine.Tensor`, under torch.nn's names: ``import gradlab.nn as nn``.

Exports `Module`, `Sequential`, every layer, the loss modules, and the submodules `functional`
(import as F) and `init`; each loads on first use (`gradlab._lazy`), so importing
`gradlab.nn.blas` before NumPy stays possible. Beside them: windows (sliding geometry), kernels
(fast conv and pools), optim and lr_scheduler (exported by `gradlab.optim`), train (`fit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradlab._lazy import lazy_exports

if TYPE_CHECKING:
    from gradlab.nn import functional, init
    from gradlab.nn.layers import (
        AvgPool2d,
        BatchNorm1d,
        BatchNorm2d,
        Conv2d,
        ConvTranspose2d,
        Dropout,
        Flatten,
        LeakyReLU,
        Linear,
        MaxPool2d,
        ReLU,
        RNNCell,
        Sigmoid,
        Tanh,
    )
    from gradlab.nn.losses import (
        BCELoss,
        BCEWithLogitsLoss,
        CrossEntropyLoss,
        MSELoss,
        NLLLoss,
    )
    from gradlab.nn.modules import Module, Sequential

_LAYERS = [
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "ConvTranspose2d",
    "Dropout",
    "Flatten",
    "LeakyReLU",
    "Linear",
    "MaxPool2d",
    "ReLU",
    "RNNCell",
    "Sigmoid",
    "Tanh",
]
_LOSSES = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "MSELoss", "NLLLoss"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        **dict.fromkeys(_LAYERS, "gradlab.nn.layers"),
        **dict.fromkeys(_LOSSES, "gradlab.nn.losses"),
        "Module": "gradlab.nn.modules",
        "Sequential": "gradlab.nn.modules",
        "functional": "gradlab.nn.functional",
        "init": "gradlab.nn.init",
    },
)

__all__ = [
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "ConvTranspose2d",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "NLLLoss",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "functional",
    "init",
]
