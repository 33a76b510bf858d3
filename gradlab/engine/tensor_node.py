"""`TensorNode`, the graph side of `gradlab.engine.tensor.Tensor`: an array, the op that made it,
its parents, and the one vector-Jacobian product (VJP) that sends its grad back to them.

`apply` makes a node from an op on arrays (the contract: `gradlab.engine.vjp`), or a plain leaf
inside `gradlab.engine.grad_mode.no_grad`; the methods below it are what the backprop loop asks
of a node (`gradlab.engine.autodiff.GraphNode`).
Broadcasting is undone in one place, `_edge_grads`, which sums a grad over the axes its parent was
broadcast along, so the ops are written as if shapes matched.

Grads are read-only arrays and accumulation replaces them (``grad = grad + c``) rather than adding
in place, so a recorded trace may hold grads without copying.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

import numpy as np

from gradlab.engine.autodiff import send_edges
from gradlab.engine.grad_mode import grad_enabled
from gradlab.engine.ops import Op
from gradlab.engine.tensor_shape import unbroadcast
from gradlab.engine.trace import Array, EdgeGrad
from gradlab.engine.vjp import VJP

ArrayOp = Callable[..., tuple[Any, VJP]]
"""An op on arrays: ``op(*arrays, **params) -> (result, vjp)`` (see `gradlab.engine.vjp`)."""


class TensorNode:
    """An array in the graph: `data`, what made it (`op` on `parents`) and its `grad`."""

    __slots__ = ("_vjp", "arg", "data", "grad", "label", "op", "parents", "requires_grad")

    data: Array
    grad: Array | None
    requires_grad: bool
    label: str
    parents: tuple[Self, ...]
    op: Op
    arg: float | None
    _vjp: VJP | None

    @classmethod
    def apply(
        cls, op: Op, compute: ArrayOp, *parents: Self, arg: float | None = None, **params: Any
    ) -> Self:
        """The node `op` on `parents`: ``compute(*(p.data for p in parents), **params)`` gives its
        array and its VJP. `arg` is the number the graph shows beside the op (an exponent...)."""
        # one and two parents spelled out: unpacking a built sequence into the call costs a small
        # op as much time as its NumPy work
        if len(parents) == 1:
            data, vjp = compute(parents[0].data, **params)
        elif len(parents) == 2:
            data, vjp = compute(parents[0].data, parents[1].data, **params)
        else:
            data, vjp = compute(*[parent.data for parent in parents], **params)
        out = cls.__new__(cls)
        out.data = np.asarray(data)
        out.grad = None
        out.label = ""
        out.parents = parents
        out.op = op
        out.arg = arg
        out.requires_grad = False
        out._vjp = None
        for parent in parents:
            if parent.requires_grad:
                if grad_enabled():
                    out.requires_grad = True
                    # kept only when needed: a VJP holds the arrays it was built on (conv's windows)
                    out._vjp = vjp
                else:  # inside no_grad(): a leaf outside the graph, as PyTorch makes it
                    out.parents, out.op, out.arg = (), Op.LEAF, None
                break
        return out

    def _recorded_value(self) -> Array:
        value = self.data.copy()
        value.setflags(write=False)
        return value

    def _reset_grad(self) -> None:
        self.grad = None

    def _seed_grad(self, seed: Any) -> None:
        shape = self.data.shape
        if seed is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a grad needs a one-element tensor, got shape {shape}"
                )
            grad = np.ones(shape, self.data.dtype)
        else:
            grad = np.array(seed.data if isinstance(seed, TensorNode) else seed, self.data.dtype)
            if grad.shape != shape:
                raise ValueError(f"grad has shape {grad.shape}, the tensor has shape {shape}")
        grad.setflags(write=False)
        self.grad = grad

    def _current_grad(self) -> Array:
        return np.zeros_like(self.data) if self.grad is None else self.grad

    def _edge_grads(self) -> Sequence[tuple[None, Array | None]]:
        if self._vjp is None:  # a leaf
            return ()
        edges: list[tuple[None, Array | None]] = []
        for parent, grad in zip(self.parents, self._vjp(self._current_grad()), strict=True):
            if not parent.requires_grad:
                edges.append((None, None))
                continue
            contribution = np.asarray(grad)
            if contribution.shape != parent.data.shape:
                contribution = unbroadcast(contribution, parent.data.shape)
            if contribution.dtype != parent.data.dtype:
                contribution = contribution.astype(parent.data.dtype)
            contribution.setflags(write=False)
            edges.append((None, contribution))
        return edges

    def _send(self, index: Mapping[Any, int]) -> tuple[EdgeGrad[Array], ...]:
        return send_edges(self, index)

    def _accumulate(self, contribution: Array) -> Array:
        if self.grad is None:
            self.grad = contribution
        else:
            grad = np.asarray(self.grad + contribution)
            grad.setflags(write=False)
            self.grad = grad
        return self.grad
