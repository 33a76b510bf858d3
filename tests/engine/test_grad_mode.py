"""no_grad(): nothing recorded inside, as torch.no_grad; recording resumes after, in each thread
on its own."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import gradlab
from gradlab.engine import Op, Tensor, topological_order


def test_results_inside_no_grad_are_leaves_without_grad() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    with gradlab.no_grad():
        assert not gradlab.is_grad_enabled()
        y = (w * 3.0).sum()
    assert gradlab.is_grad_enabled()
    assert not y.requires_grad
    # the graph stops where grads would have flowed: w * 3 is a leaf, and w is not reached
    assert w not in topological_order(y)
    assert y.parents[0].op is Op.LEAF
    assert y.item() == 9.0
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    z = (w * 3.0).sum()  # recording again
    z.backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])


def test_no_grad_as_a_decorator_and_nested_enable_grad() -> None:
    w = Tensor([2.0], requires_grad=True)

    @gradlab.no_grad()
    def predict(x: Tensor) -> Tensor:
        return x * w

    assert not predict(Tensor([1.0])).requires_grad
    guard = gradlab.no_grad()
    with guard:
        with gradlab.enable_grad():
            assert (w * w).requires_grad
        with guard:  # the same guard entered twice
            assert not (w * w).requires_grad
        assert not (w * w).requires_grad
    assert (w * w).requires_grad


def test_no_grad_in_one_thread_leaves_another_recording() -> None:
    w = Tensor([1.0], requires_grad=True)
    inside, other = threading.Event(), threading.Event()
    seen: list[bool] = []

    def record_in_other_thread() -> None:
        inside.wait()
        seen.append((w * 2.0).requires_grad)
        other.set()

    thread = threading.Thread(target=record_in_other_thread)
    thread.start()
    with gradlab.no_grad():
        inside.set()
        other.wait()
    thread.join()
    assert seen == [True]
