"""Neural-net functions with PyTorch's names and arguments; import as ``F``.

One module per family: activations and softmax (`activation`), linear (`affine`), conv2d
(`conv`), conv_transpose2d (`conv_transpose`), the pools (`pool`), losses (`loss`), batch_norm
and dropout (`norm`); all importable from here. Fused functions are single graph nodes: a pure op
on arrays with its vector-Jacobian product beside it, applied by `Tensor.apply`. conv2d and the
pools read as the reference and switch to the fast kernels of `gradlab.nn.kernels` for big inputs.
"""

from gradlab.nn.functional.activation import (
    elu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from gradlab.nn.functional.affine import linear
from gradlab.nn.functional.conv import conv2d
from gradlab.nn.functional.conv_transpose import conv_transpose2d
from gradlab.nn.functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
    nll_loss,
)
from gradlab.nn.functional.norm import batch_norm, dropout
from gradlab.nn.functional.pool import avg_pool2d, max_pool2d

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "elu",
    "hinge_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]
