"""The math: scalar and tensor autograd with recorded traces (stdlib + NumPy only)."""

from gradlab.engine.autodiff import backward_steps, record, topological_order
from gradlab.engine.ops import Op
from gradlab.engine.tensor import Tensor
from gradlab.engine.trace import (
    BackwardStep,
    EdgeGrad,
    ForwardStep,
    Node,
    Phase,
    Snapshot,
    Trace,
    node_names,
)
from gradlab.engine.value import Value

__all__ = [
    "BackwardStep",
    "EdgeGrad",
    "ForwardStep",
    "Node",
    "Op",
    "Phase",
    "Snapshot",
    "Tensor",
    "Trace",
    "Value",
    "backward_steps",
    "node_names",
    "record",
    "topological_order",
]
