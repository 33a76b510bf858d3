"""Fast versions of engine ops for big arrays, beside the readable ones they must equal.

A kernel has the signature and the results of its readable op (`gradlab.engine.tensor_math`); it
only computes them faster, here by giving half of the array to a helper thread (`threads`), so the
op a learner reads stays free of that bookkeeping. `large` is when callers switch; conv2d's and
the pools' kernels (`gradlab.nn.kernels`) switch by the same rule.
"""

from __future__ import annotations

import numpy as np

from gradlab.engine import threads
from gradlab.engine.trace import Array
from gradlab.engine.vjp import VJP


def large(work: int) -> bool:
    """Whether an op touching `work` array elements takes its kernel: from the size at which the
    kernels split over two threads (`threads.MIN_SPLIT_WORK`). Below it a split does not pay and
    the readable op costs little more, so what runs on a learner's small inputs is that code.
    Measured on one thread, float32 forward + backward: conv2d of a 28×28 image to 8 channels
    took 0.19 ms as the reference and 0.06 ms in the kernel, a batch of 8 (just above the
    threshold) 0.42 ms and 0.16 ms, and the lessons' second conv on a batch of 64 6.7 ms and
    4.5 ms; the reference pools were within 15-35 % of the tiling kernels at every size."""
    return work >= threads.MIN_SPLIT_WORK


def relu(x: Array) -> tuple[Array, VJP]:
    """`tensor_math.relu` in two halves, one on the helper thread; flat views, so any shape."""
    flat = x.reshape(-1)
    out = np.empty(x.shape, dtype=x.dtype)
    parts = threads.batch_parts(flat.size, flat.size)
    threads.run(lambda part: np.maximum(flat[part], 0, out=out.reshape(-1)[part]), parts)

    def vjp(g: Array) -> tuple[Array]:
        # d relu(x)/dx = 1 if x > 0 else 0
        grad = np.empty(g.shape, dtype=g.dtype)
        g_flat, grad_flat = g.reshape(-1), grad.reshape(-1)
        threads.run(
            lambda part: np.multiply(g_flat[part], flat[part] > 0, out=grad_flat[part]), parts
        )
        return (grad,)

    return out, vjp
