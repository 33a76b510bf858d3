"""What every tensor op is: a pure function on arrays returning its output and ONE vector-Jacobian
product (VJP) for all of its inputs, with the derivative written beside it.

``op(*arrays, **params) -> (out, vjp)``, and ``vjp(g)`` maps the upstream grad dL/dout to a tuple
holding dL/dinput for each input array, in order. Ops never see a `Tensor`: `Tensor.apply` runs
one on its parents' arrays and keeps the VJP for the backward pass, which also sums each grad back
to its parent's shape where NumPy broadcast it (so ops are written as if shapes matched).

One VJP per op, not one per input, because some ops compute all grads from one pass over g
(conv2d's dX and dW come from the same rearranged g). An op whose grads cost real work takes
``needs`` (a bool per input, `Tensor.apply`'s caller says which) and gives None where one is not
needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from gradlab.engine.trace import Array

Grads: TypeAlias = Sequence[Any]
"""One grad per input: an array (a NumPy scalar for 0-d results), or None where not needed."""
VJP: TypeAlias = Callable[[Array], Grads]
"""upstream grad dL/dout -> (dL/dinput for each input)."""
Needs: TypeAlias = tuple[bool, ...]
"""Which inputs need a grad, in order (an op may leave out trailing inputs whose grads are cheap,
as linear does its bias)."""
