"""Making tensors the PyTorch way: gradlab.tensor/zeros/ones/rand/randn/arange/flatten against
torch (shapes, values, dtypes), and PyTorch's words where gradlab differs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import gradlab
from gradlab.engine import Tensor


def test_tensor_copies_and_follows_pytorchs_dtypes() -> None:
    data = np.arange(6.0).reshape(2, 3)
    t = gradlab.tensor(data)
    assert t.dtype == np.float64 == torch.tensor(data).numpy().dtype  # a float array keeps its own
    data[0, 0] = 99.0
    assert t.data[0, 0] == 0.0  # a copy, as torch.tensor makes
    assert gradlab.tensor([1.5, 2.0]).dtype == np.float32 == torch.tensor([1.5, 2.0]).numpy().dtype
    labels = gradlab.tensor([3, 1, 2])
    assert labels.dtype == np.float32  # integers are held as whole floats
    np.testing.assert_array_equal(labels.numpy(), [3, 1, 2])
    assert gradlab.tensor(2.5, requires_grad=True).requires_grad
    assert gradlab.tensor(t, dtype=gradlab.float32).dtype == np.float32


def test_integer_dtypes_are_refused_in_pytorchs_terms() -> None:
    with pytest.raises(TypeError, match=r"dtype=int64 \(an integer or bool tensor in PyTorch\)"):
        gradlab.tensor([1, 2], dtype=np.int64)
    with pytest.raises(TypeError, match="tensors hold floats"):
        gradlab.zeros(3, dtype=bool)


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_filled_tensors_match_torch(name: str) -> None:
    for size in [(2, 3), ((2, 3),), (4,)]:
        ours = getattr(gradlab, name)(*size)
        theirs = getattr(torch, name)(*size)
        assert ours.shape == tuple(theirs.shape)
        assert ours.dtype == np.float32
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_arange_matches_torch_in_values() -> None:
    for args in [(5,), (2, 7), (0, 1, 0.25), (5, 0, -1.5)]:
        np.testing.assert_allclose(gradlab.arange(*args).numpy(), torch.arange(*args).numpy())
    with pytest.raises(ValueError, match="step must be nonzero"):
        gradlab.arange(0, 3, 0)


def test_random_tensors_repeat_after_manual_seed() -> None:
    gradlab.manual_seed(7)
    first = (gradlab.randn(3, 4), gradlab.rand(2))
    gradlab.manual_seed(7)
    again = (gradlab.randn(3, 4), gradlab.rand(2))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert first[0].shape == (3, 4)
    assert first[0].dtype == np.float32
    assert first[1].numpy().min() >= 0.0
    assert first[1].numpy().max() < 1.0
    generator = np.random.default_rng(1)
    np.testing.assert_array_equal(
        gradlab.randn(5, generator=generator).numpy(),
        np.random.default_rng(1).standard_normal(5).astype(np.float32),
    )


def test_manual_seed_also_seeds_the_layers() -> None:
    gradlab.manual_seed(3)
    a = gradlab.nn.Linear(4, 2)
    gradlab.manual_seed(3)
    b = gradlab.nn.Linear(4, 2)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    c = gradlab.nn.Linear(4, 2)  # the generator moved on
    assert not np.array_equal(a.weight.data, c.weight.data)


def test_flatten_is_torch_flatten() -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    for dims in [(), (1,), (0, 1), (1, -1)]:
        ours = gradlab.flatten(Tensor(x), *dims)
        theirs = torch.flatten(torch.tensor(x), *dims)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_the_cpu_is_the_only_device() -> None:
    t = gradlab.tensor([1.0, 2.0])
    assert t.to("cpu") is t
    with pytest.raises(RuntimeError, match="there is no 'cuda:0' device"):
        t.to("cuda:0")
    assert t.to(gradlab.float64).dtype == np.float64
