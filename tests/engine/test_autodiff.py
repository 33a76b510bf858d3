"""The edge-sending rule: `Value` uses a fast copy of `send_edges`, and it must send exactly the
same records, since the graph lab replays them as the backward pass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradlab.engine import Value, record
from gradlab.engine.autodiff import send_edges, send_scalar_edges_fast
from gradlab.engine.scalar_ops import SCALAR_OPS
from gradlab.engine.trace import EdgeGrad


@dataclass(frozen=True)
class PlainScalar:
    """A `Value` seen through `send_edges`' protocol (`EdgeNode`), so the plain rule can run on it.
    Equal and hashed as the `Value` it wraps (which compares by identity)."""

    value: Value

    @property
    def parents(self) -> tuple[PlainScalar, ...]:
        return tuple(PlainScalar(parent) for parent in self.value.parents)

    def _edge_grads(self) -> list[tuple[float, float]]:
        upstream = self.value.grad
        return [(local, upstream * local) for local in self.value.local]

    def _accumulate(self, contribution: float) -> float:
        self.value.grad += contribution
        return self.value.grad


def plain_send(node: Value, index: Mapping[Any, int]) -> tuple[EdgeGrad[float], ...]:
    """`Value._send` done by the plain rule."""
    return send_edges(PlainScalar(node), {PlainScalar(n): i for n, i in index.items()})


@st.composite
def graphs(draw: st.DrawFn) -> Value:
    """A random graph over every scalar op, nodes reused (``a + a``), ops outside their domain
    skipped."""
    nodes = [Value(draw(st.floats(-3, 3)), f"x{i}") for i in range(draw(st.integers(1, 3)))]
    for _ in range(draw(st.integers(1, 30))):
        entry = draw(st.sampled_from(list(SCALAR_OPS.values())))
        picks = [draw(st.integers(0, len(nodes) - 1)) for _ in range(entry.operands)]
        number = None if entry.parameter is None else draw(st.sampled_from([0.5, 2.0, 3.0]))
        try:
            nodes.append(entry.apply([nodes[k] for k in picks], number))
        except (ArithmeticError, ValueError):
            continue
    return nodes[-1]


def test_value_sends_with_the_fast_copy() -> None:
    assert Value._send is send_scalar_edges_fast


@given(root=graphs())
def test_the_fast_copy_sends_exactly_the_records_of_send_edges(root: Value) -> None:
    fast = record(root)
    sent: list[Value] = []

    def send(node: Value, index: Mapping[Any, int]) -> tuple[EdgeGrad[float], ...]:
        sent.append(node)
        return plain_send(node, index)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Value, "_send", send)
        plain = record(root)
    assert len(sent) == len(plain.backward) == len(plain.nodes)
    # repr compares every float digit for digit, and nan (inf − inf, 0 · inf) as equal to itself
    assert repr(plain.nodes) == repr(fast.nodes)
    assert repr(plain.backward) == repr(fast.backward)
