"""The layers: torch.nn's names, arguments, parameter shapes and default initialisation.

Every layer with weights takes `rng` (a NumPy Generator, a seed, or None for fresh entropy) and
`dtype` (float32 by default, as PyTorch; float64 for gradient checks).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from gradlab.engine.tensor import Tensor
from gradlab.nn import functional as F
from gradlab.nn.init import Rng, as_generator, kaiming_uniform, uniform
from gradlab.nn.modules import Module
from gradlab.nn.windows import IntPair, pair


def _parameter(data: Any) -> Tensor:
    return Tensor(data, requires_grad=True)


class Linear(Module):
    """y = x Wᵀ + b, with W of shape (out_features, in_features)."""

    weight: Tensor
    bias: Tensor | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _parameter(np.zeros((out_features, in_features), dtype))
        self.bias = _parameter(np.zeros(out_features, dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: Rng = None) -> None:
        _reset_weight_and_bias(self.weight, self.bias, as_generator(rng))

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}"


class Conv2d(Module):
    """2-d cross-correlation over NCHW input; weight (out, in/groups, kh, kw)."""

    weight: Tensor
    bias: Tensor | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        dilation: IntPair = 1,
        groups: int = 1,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"groups={groups} must divide in_channels={in_channels} and "
                f"out_channels={out_channels}"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")
        self.groups = groups
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = _parameter(np.zeros(shape, dtype))
        self.bias = _parameter(np.zeros(out_channels, dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: Rng = None) -> None:
        _reset_weight_and_bias(self.weight, self.bias, as_generator(rng))

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}" if self.stride != (1, 1) else ""
        text += f", padding={self.padding}" if self.padding != (0, 0) else ""
        text += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        text += f", groups={self.groups}" if self.groups != 1 else ""
        return text + ("" if self.bias is not None else ", bias=False")


class ConvTranspose2d(Module):
    """2-d transposed convolution (the adjoint of Conv2d); weight (in, out/groups, kh, kw)."""

    weight: Tensor
    bias: Tensor | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        output_padding: IntPair = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: IntPair = 1,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"groups={groups} must divide in_channels={in_channels} and "
                f"out_channels={out_channels}"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = pair(padding, "padding")
        self.output_padding = pair(output_padding, "output_padding")
        self.dilation = pair(dilation, "dilation")
        self.groups = groups
        for op, s, d in zip(self.output_padding, self.stride, self.dilation, strict=True):
            if not 0 <= op < max(s, d):
                raise ValueError(
                    f"output_padding {self.output_padding} must be smaller than the stride "
                    f"{self.stride} or the dilation {self.dilation}"
                )
        # PyTorch stores (in, out/groups, kh, kw) and draws it like Conv2d's, fan_in from dim 1
        shape = (in_channels, out_channels // groups, *self.kernel_size)
        self.weight = _parameter(np.zeros(shape, dtype))
        self.bias = _parameter(np.zeros(out_channels, dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: Rng = None) -> None:
        _reset_weight_and_bias(self.weight, self.bias, as_generator(rng))

    def forward(self, x: Tensor) -> Tensor:
        return F.conv_transpose2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.output_padding,
            self.groups,
            self.dilation,
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        for name, value, default in (
            ("stride", self.stride, (1, 1)),
            ("padding", self.padding, (0, 0)),
            ("output_padding", self.output_padding, (0, 0)),
            ("dilation", self.dilation, (1, 1)),
        ):
            text += f", {name}={value}" if value != default else ""
        text += f", groups={self.groups}" if self.groups != 1 else ""
        return text + ("" if self.bias is not None else ", bias=False")


def _reset_weight_and_bias(weight: Tensor, bias: Tensor | None, rng: np.random.Generator) -> None:
    # PyTorch: kaiming_uniform_(w, a=√5) then b ~ U(±1/√fan_in); same draw order
    dtype = weight.data.dtype
    weight.data = kaiming_uniform(weight.shape, rng, dtype=dtype)
    if bias is not None:
        fan_in = weight.shape[1] * math.prod(weight.shape[2:])
        bias.data = uniform(bias.shape, 1.0 / math.sqrt(fan_in), rng, dtype)


class _Pool2d(Module):
    def __init__(
        self, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0
    ) -> None:
        super().__init__()
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else pair(stride, "stride")
        self.padding = pair(padding, "padding")

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The largest value of each window (stride defaults to the kernel size)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """The mean of each window (stride defaults to the kernel size)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class Flatten(Module):
    """Merge dimensions start_dim..end_dim (by default everything but the batch)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class ReLU(Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class Tanh(Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Dropout(Module):
    """Inverted dropout while training (masks from this layer's own seeded generator)."""

    def __init__(self, p: float = 0.5, *, rng: Rng = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability p must be in [0, 1], got {p}")
        self.p = p
        self.rng = as_generator(rng)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class _BatchNorm(Module):
    dims: tuple[int, ...]

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        *,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = _parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = _parameter(np.zeros(num_features, dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.dims:
            expected = " or ".join(f"{d}-d" for d in self.dims)
            raise ValueError(f"{type(self).__name__} expects {expected} input, got shape {x.shape}")
        return F.batch_norm(
            x,
            self._buffers["running_mean"],
            self._buffers["running_var"],
            self.weight,
            self.bias,
            self.training,
            self.momentum,
            self.eps,
        )

    def reset_parameters(self, rng: Rng = None) -> None:
        if self.weight is not None and self.bias is not None:
            self.weight.data = np.ones_like(self.weight.data)
            self.bias.data = np.zeros_like(self.bias.data)
        for name in ("running_mean", "running_var"):
            buffer = self._buffers[name]
            setattr(self, name, np.full_like(buffer, 0.0 if name == "running_mean" else 1.0))

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """Normalise each feature of (N, C) or (N, C, L) input over the batch."""

    dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Normalise each channel of (N, C, H, W) input over the batch and the image."""

    dims = (4,)


class RNNCell(Module):
    """One step of a vanilla RNN: h′ = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).

    Every weight and bias is drawn from U(±1/√hidden_size), as PyTorch.
    """

    weight_ih: Tensor
    weight_hh: Tensor

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih = _parameter(np.zeros((hidden_size, input_size), dtype))
        self.weight_hh = _parameter(np.zeros((hidden_size, hidden_size), dtype))
        self.bias_ih = _parameter(np.zeros(hidden_size, dtype)) if bias else None
        self.bias_hh = _parameter(np.zeros(hidden_size, dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: Rng = None) -> None:
        generator = as_generator(rng)
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            param.data = uniform(param.shape, bound, generator, param.data.dtype)

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        """The next hidden state; `h` defaults to zeros (the first step)."""
        pre = F.linear(x, self.weight_ih, self.bias_ih)
        if h is not None:
            pre = pre + F.linear(h, self.weight_hh, self.bias_hh)
        elif self.bias_hh is not None:
            pre = pre + self.bias_hh
        return F.tanh(pre)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"
