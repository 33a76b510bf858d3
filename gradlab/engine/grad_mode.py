"""`no_grad()`: run a block without recording the graph, as ``torch.no_grad()``.

One context variable says whether ops record; `Tensor.apply` consults it only for an op whose
parents need a grad (so ops on plain data pay nothing), and then the result is a leaf that needs no
grad, as PyTorch's. A context variable rather than a module flag keeps threads and asyncio tasks
apart: a training thread evaluating under no_grad does not switch recording off for another.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from functools import wraps
from types import TracebackType
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_recording: ContextVar[bool] = ContextVar("gradlab_grad_enabled", default=True)
grad_enabled = _recording.get
"""Whether ops record the graph (the fast read `Tensor.apply` calls)."""


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`, as ``torch.is_grad_enabled()``."""
    return _recording.get()


class _GradMode:
    """A context manager (and decorator) that sets recording on or off for its block."""

    enabled: bool

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_recording.set(self.enabled))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _recording.reset(self._tokens.pop())

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with type(self)():
                return function(*args, **kwargs)

        return run


class no_grad(_GradMode):  # noqa: N801 - PyTorch's name
    """``with gradlab.no_grad(): ...`` (or ``@gradlab.no_grad()``): ops inside build no graph
    and their results need no grad; for evaluating a model and for updating weights by hand."""

    enabled = False


class enable_grad(_GradMode):  # noqa: N801 - PyTorch's name
    """Record again inside a `no_grad` block."""

    enabled = True
