"""Optimisers with torch.optim's update rules, arguments and defaults: SGD (momentum, dampening,
weight decay, Nesterov) and Adam; `gradlab.optim` exports them beside the schedulers.

Each `step()` reads every parameter's ``.grad`` and replaces its ``.data`` with a new array (no
in-place writes, so nothing that kept an old value sees it change). The per-parameter state
(momentum buffer, Adam's moment estimates) is readable through `state()` as read-only copies, for
the training lab's "click a weight" view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]


class Parameter(Protocol):
    """What an optimiser needs from a parameter (`gradlab.engine.Tensor` provides it)."""

    data: Array
    grad: Array | None


class Optimizer:
    """Holds the parameters and their state; subclasses define `_update`."""

    def __init__(self, params: Iterable[Parameter], lr: float) -> None:
        self.params: tuple[Parameter, ...] = tuple(params)
        if not self.params:
            raise ValueError("the optimiser got an empty parameter list")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("a parameter appears more than once in the optimiser's list")
        _check_non_negative("lr", lr)
        self.lr = lr
        """The learning rate; change it between steps to schedule it."""
        self.steps = 0
        """How many times `step()` has run."""
        self._state: dict[int, dict[str, Array]] = {id(p): {} for p in self.params}

    def zero_grad(self) -> None:
        """Forget every parameter's grad (backward accumulates into leaves)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a grad; parameters without one are skipped, as in
        PyTorch (their state does not advance either)."""
        self.steps += 1
        for p in self.params:
            if p.grad is not None:
                self._update(p, np.asarray(p.grad, dtype=p.data.dtype), self._state[id(p)])

    def state(self, param: Parameter) -> Mapping[str, Array]:
        """The state kept for `param` (e.g. "momentum_buffer"), as read-only copies."""
        if id(param) not in self._state:
            raise KeyError("this parameter is not handled by this optimiser")
        copies = {}
        for name, value in self._state[id(param)].items():
            copy = np.array(value)
            copy.flags.writeable = False
            copies[name] = copy
        return MappingProxyType(copies)

    def _update(self, p: Parameter, grad: Array, state: dict[str, Array]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with torch.optim.SGD's rule:

    g ← ∇ + λ·p (weight decay λ);  b ← μ·b + (1 − τ)·g (b = g at the first step);
    g ← g + μ·b (Nesterov) or g ← b;  p ← p − η·g.
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        _check_non_negative("momentum", momentum)
        _check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError("nesterov momentum needs momentum > 0 and dampening = 0")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.dampening = dampening

    def _update(self, p: Parameter, grad: Array, state: dict[str, Array]) -> None:
        if self.weight_decay:
            grad = grad + self.weight_decay * p.data
        if self.momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = grad.copy()
            else:
                buffer = self.momentum * buffer + (1.0 - self.dampening) * grad
            state["momentum_buffer"] = buffer
            grad = grad + self.momentum * buffer if self.nesterov else buffer
        p.data = (p.data - self.lr * grad).astype(p.data.dtype, copy=False)


class Adam(Optimizer):
    """Adam (Kingma & Ba), with torch.optim.Adam's rule (weight decay added to the grad, as L2):

    m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
    p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        if amsgrad:
            raise ValueError(
                "gradlab's Adam has no AMSGrad variant: torch.optim.Adam(amsgrad=True) is not "
                "available, leave amsgrad=False"
            )
        super().__init__(params, lr)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"betas[{i}] must be in [0, 1), got {beta}")
        _check_non_negative("eps", eps)
        _check_non_negative("weight_decay", weight_decay)
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay

    def _update(self, p: Parameter, grad: Array, state: dict[str, Array]) -> None:
        if self.weight_decay:
            grad = grad + self.weight_decay * p.data
        beta1, beta2 = self.betas
        # each parameter counts its own steps: one skipped (no grad) does not advance
        t = int(state.get("step", np.zeros(()))) + 1
        exp_avg = state.get("exp_avg", np.zeros_like(p.data))
        exp_avg_sq = state.get("exp_avg_sq", np.zeros_like(p.data))
        exp_avg = beta1 * exp_avg + (1.0 - beta1) * grad
        exp_avg_sq = beta2 * exp_avg_sq + (1.0 - beta2) * grad * grad
        state.update(step=np.array(t), exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
        step_size = self.lr / (1.0 - beta1**t)
        denom = np.sqrt(exp_avg_sq) / math.sqrt(1.0 - beta2**t) + self.eps
        p.data = (p.data - step_size * (exp_avg / denom)).astype(p.data.dtype, copy=False)


def _check_non_negative(name: str, value: float) -> None:
    if not value >= 0.0:  # also rejects nan
        raise ValueError(f"{name} must be at least 0, got {value}")
