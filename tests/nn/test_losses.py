"""The loss modules against torch.nn's: same values and grads for every reduction, PyTorch's
argument order, and PyTorch's words for the arguments gradlab has no counterpart for."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
import torch

from gradlab import nn
from gradlab.engine import Tensor

NAMES = ["CrossEntropyLoss", "NLLLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss"]


def _inputs(name: str, rng: np.random.Generator) -> tuple[np.ndarray[Any, Any], Any]:
    x = rng.normal(size=(5, 3))
    if name in ("CrossEntropyLoss", "NLLLoss"):
        if name == "NLLLoss":
            x = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
        return x, rng.integers(0, 3, 5)
    if name == "BCELoss":
        x = 1 / (1 + np.exp(-x))
    target = rng.random((5, 3)) if name != "MSELoss" else rng.normal(size=(5, 3))
    return x, target


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_modules_match_torch(name: str, reduction: str) -> None:
    x, target = _inputs(name, np.random.default_rng(len(name)))
    ours_in = Tensor(x, requires_grad=True)
    ours = getattr(nn, name)(reduction=reduction)(ours_in, target)
    theirs_in = torch.tensor(x, requires_grad=True)
    theirs = getattr(torch.nn, name)(reduction=reduction)(theirs_in, torch.tensor(target))
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10)
    seed = np.random.default_rng(1).normal(size=ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    np.testing.assert_allclose(ours_in.grad, theirs_in.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_arguments_are_pytorchs_in_pytorchs_order(name: str) -> None:
    ours = inspect.signature(getattr(nn, name)).parameters
    theirs = inspect.signature(getattr(torch.nn, name)).parameters
    assert list(ours) == list(theirs)
    for argument, parameter in ours.items():
        assert parameter.default == theirs[argument].default, argument


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: nn.CrossEntropyLoss(label_smoothing=0.1), "has no label_smoothing"),
        (lambda: nn.CrossEntropyLoss(ignore_index=0), r"CrossEntropyLoss\(ignore_index=...\)"),
        (lambda: nn.NLLLoss(weight=Tensor([1.0, 2.0])), "NLLLoss has no weight"),
        (lambda: nn.BCEWithLogitsLoss(pos_weight=Tensor([2.0])), "has no pos_weight"),
        (lambda: nn.MSELoss(size_average=False), "deprecated in PyTorch"),
        (lambda: nn.MSELoss(reduction="avg"), "reduction must be 'mean', 'sum' or 'none'"),
    ],
)
def test_what_gradlab_lacks_is_said_in_pytorchs_terms(make: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make()


def test_a_loss_is_a_module_called_with_two_arguments() -> None:
    criterion = nn.CrossEntropyLoss(reduction="sum")
    assert isinstance(criterion, nn.Module)
    assert repr(criterion) == "CrossEntropyLoss(reduction='sum')"
    loss = criterion(Tensor([[1.0, 2.0]]), target=np.array([1]))
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)))
