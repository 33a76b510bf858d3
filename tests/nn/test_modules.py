"""Modules against torch.nn: same shapes, outputs, grads and state; init, summary, saving."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.engine.tensor import Tensor
from gradlab.nn.layers import (
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    LeakyReLU,
    Linear,
    MaxPool2d,
    ReLU,
    RNNCell,
    Sigmoid,
    Tanh,
)
from gradlab.nn.models import lenet5, linear_classifier, mlp, mnist_cnn
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.summary import layer_rows, summary

F64 = np.float64


def _to_torch(model: Module, reference: torch.nn.Module) -> torch.nn.Module:
    """`reference` with `model`'s weights and buffers (the state-dict keys are PyTorch's)."""
    state = {key: torch.tensor(value) for key, value in model.state_dict().items()}
    missing, unexpected = reference.double().load_state_dict(state, strict=False)
    assert not unexpected
    assert all(key.endswith("num_batches_tracked") for key in missing)
    return reference


def _torch_cnn() -> torch.nn.Module:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(784, 10),
    )


def _as_float64(model: Module) -> Module:
    for param in model.parameters():
        param.data = param.data.astype(F64)
    return model


def test_cnn_outputs_and_grads_match_torch() -> None:
    model = _as_float64(mnist_cnn(rng=1))
    reference = _to_torch(model, _torch_cnn())
    x = np.random.default_rng(2).random((5, 1, 28, 28))
    y = np.array([3, 1, 4, 1, 5])
    out = model(Tensor(x))
    loss = ((out - out.mean()) ** 2).mean() + (out[np.arange(5), y]).sum()
    loss.backward()
    ref_out = reference(torch.tensor(x))
    ref_loss = ((ref_out - ref_out.mean()) ** 2).mean() + ref_out[torch.arange(5), y].sum()
    ref_loss.backward()
    np.testing.assert_allclose(out.data, ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    ref_params = dict(reference.named_parameters())
    for name, param in model.named_parameters():
        expected = ref_params[name].grad
        assert expected is not None
        assert param.grad is not None
        np.testing.assert_allclose(param.grad, expected.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    groups=st.sampled_from([1, 2]),
    seed=st.integers(0, 100),
)
def test_conv2d_layer_matches_torch(
    stride: int, padding: int, dilation: int, groups: int, seed: int
) -> None:
    layer = Conv2d(4, 6, 3, stride, padding, dilation, groups, rng=seed, dtype=F64)
    reference = torch.nn.Conv2d(4, 6, 3, stride, padding, dilation, groups).double()
    reference.load_state_dict({k: torch.tensor(v) for k, v in layer.state_dict().items()})
    x = np.random.default_rng(seed).normal(size=(2, 4, 9, 8))
    np.testing.assert_allclose(
        layer(Tensor(x)).data, reference(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-12
    )


def test_initialisation_follows_pytorch_bounds_and_is_seeded() -> None:
    layer = Linear(400, 300, rng=0)
    bound = 1 / math.sqrt(400)
    w = layer.weight.data
    assert w.dtype == np.float32
    assert np.abs(w).max() <= bound
    # U(−b, b) has standard deviation b/√3
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert layer.bias is not None
    assert np.abs(layer.bias.data).max() <= bound
    conv = Conv2d(6, 16, 5, rng=0)
    assert np.abs(conv.weight.data).max() <= 1 / math.sqrt(6 * 25)
    assert abs(conv.weight.data.std() - 1 / math.sqrt(3 * 150)) < 0.05 / math.sqrt(150)
    np.testing.assert_array_equal(Linear(3, 2, rng=7).weight.data, Linear(3, 2, rng=7).weight.data)
    assert not np.array_equal(Linear(3, 2, rng=7).weight.data, Linear(3, 2, rng=8).weight.data)
    # one generator shared by a model's layers gives each layer different numbers
    model = mlp((8, 8, 8), rng=3)
    assert not np.array_equal(model[0].weight.data, model[2].weight.data)  # type: ignore[attr-defined]


def test_reset_parameters_redraws_deterministically() -> None:
    model = mnist_cnn(rng=0)
    before = model.state_dict()
    model.reset_parameters(5)
    after = model.state_dict()
    model.reset_parameters(5)
    for key in before:
        assert not np.array_equal(before[key], after[key])
        np.testing.assert_array_equal(after[key], model.state_dict()[key])


def test_parameters_are_labelled_with_their_path() -> None:
    model = Sequential(Linear(2, 3, rng=0), Tanh(), Sequential(Linear(3, 1, rng=0)))
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.0.weight", "2.0.bias"]
    assert [p.label for p in model.parameters()] == names
    assert all(p.requires_grad for p in model.parameters())
    assert model.num_parameters() == 9 + 4


def test_sequential_indexing_iteration_and_intermediates() -> None:
    model = mlp((2, 4, 3), rng=0)
    assert len(model) == 3
    assert isinstance(model[1], Tanh)
    assert isinstance(model[-1], Linear)
    assert [type(m) for m in model] == [Linear, Tanh, Linear]
    head, tail = model[:2], model[1:]
    assert isinstance(head, Sequential)
    assert len(head) == 2
    # a slice keeps the names, so the shared parameters keep their labels
    assert [name for name, _ in tail.named_parameters()] == ["2.weight", "2.bias"]
    assert [p.label for p in model.parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [name for name, _ in tail.append(Tanh()).named_children()] == ["1", "2", "3"]
    with pytest.raises(IndexError, match="out of range"):
        model[3]
    x = Tensor(np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32))
    steps = model.intermediates(x)
    assert [name for name, _ in steps] == ["0", "1", "2"]
    np.testing.assert_array_equal(steps[-1][1].data, model(x).data)
    np.testing.assert_allclose(steps[1][1].data, np.tanh(steps[0][1].data))
    steps[-1][1].sum().backward()
    hidden = steps[1][1].grad
    assert hidden is not None
    # d sum(W h + b)/dh = the column sums of W, for every example
    w2 = model[2].weight.data  # type: ignore[attr-defined]
    np.testing.assert_allclose(hidden, np.tile(w2.sum(axis=0), (5, 1)), rtol=1e-6)


def test_train_eval_and_zero_grad_reach_every_layer() -> None:
    model = Sequential(Linear(2, 2, rng=0), Sequential(Dropout(0.5, rng=0), ReLU()))
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())
    model(Tensor(np.ones((3, 2), np.float32))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_dropout_is_seeded_and_off_in_eval() -> None:
    x = Tensor(np.ones((50, 40)))
    a, b = Dropout(0.3, rng=4), Dropout(0.3, rng=4)
    out = a(x).data
    np.testing.assert_array_equal(out, b(x).data)
    assert abs((out == 0).mean() - 0.3) < 0.03
    np.testing.assert_allclose(out[out != 0], 1 / 0.7)
    a.eval()
    assert a(x) is x
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        Dropout(1.5)


@pytest.mark.parametrize("two_d", [False, True])
def test_batch_norm_matches_torch_in_training_and_eval(two_d: bool) -> None:
    shape = (6, 3, 4, 5) if two_d else (8, 3)
    ours = BatchNorm2d(3, momentum=0.2, dtype=F64) if two_d else BatchNorm1d(3, dtype=F64)
    ref = torch.nn.BatchNorm2d(3, momentum=0.2) if two_d else torch.nn.BatchNorm1d(3)
    ref = ref.double()
    rng = np.random.default_rng(0)
    assert ours.weight is not None
    ours.weight.data = rng.normal(size=3)
    ref.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()}, strict=False)
    for _ in range(3):
        x = rng.normal(2.0, 3.0, shape)
        np.testing.assert_allclose(
            ours(Tensor(x)).data, ref(torch.tensor(x)).detach().numpy(), rtol=1e-9, atol=1e-12
        )
    state = ours.state_dict()
    np.testing.assert_allclose(state["running_mean"], ref.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(state["running_var"], ref.running_var.numpy(), rtol=1e-12)
    ours.eval()
    ref.eval()
    x = rng.normal(size=shape)
    np.testing.assert_allclose(
        ours(Tensor(x)).data, ref(torch.tensor(x)).detach().numpy(), rtol=1e-9, atol=1e-12
    )
    with pytest.raises(ValueError, match="expects"):
        ours(Tensor(np.ones((2, 3, 4, 5, 6))))


def test_rnn_cell_matches_torch_and_the_worked_example() -> None:
    cell = RNNCell(4, 3, rng=0, dtype=F64)
    ref = torch.nn.RNNCell(4, 3).double()
    ref.load_state_dict({k: torch.tensor(v) for k, v in cell.state_dict().items()})
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(
        cell(Tensor(x), Tensor(h)).data,
        ref(torch.tensor(x), torch.tensor(h)).detach().numpy(),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        cell(Tensor(x)).data, ref(torch.tensor(x)).detach().numpy(), rtol=1e-12
    )
    # the slide's step: h0 = 0, x1 = (1, 0, 0, 0), no biases
    slide = RNNCell(4, 3, bias=False, dtype=F64)
    slide.weight_ih.data = np.array(
        [[0.6, 0.8, 0.4, 0.8], [0.2, 0.2, 0.8, 0.7], [0.9, 0.8, 0.1, 0.2]]
    )
    slide.weight_hh.data = np.array([[0.1, 0.5, 0.1], [0.5, 0.9, 0.3], [0.3, 0.2, 0.1]])
    h1 = slide(Tensor([[1.0, 0.0, 0.0, 0.0]]), Tensor(np.zeros((1, 3))))
    np.testing.assert_allclose(h1.data[0], [0.54, 0.20, 0.72], atol=0.005)
    w_y = np.array([[0.9, 0.8, 0.3], [0.2, 0.3, 0.4], [0.6, 0.9, 0.1], [0.5, 0.0, 0.3]])
    scores = w_y @ h1.data[0]
    y1 = np.exp(scores) / np.exp(scores).sum()
    np.testing.assert_allclose(y1, [0.32, 0.21, 0.24, 0.22], atol=0.005)


def test_small_layers_match_torch() -> None:
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 6))
    t = torch.tensor(x)
    nn = torch.nn
    pairs: list[tuple[Module, torch.nn.Module]] = [
        (MaxPool2d(2), nn.MaxPool2d(2)),
        (AvgPool2d(3, stride=1, padding=1), nn.AvgPool2d(3, stride=1, padding=1)),
        (Flatten(), nn.Flatten()),
        (Flatten(2), nn.Flatten(2)),
        (LeakyReLU(0.2), nn.LeakyReLU(0.2)),
        (Sigmoid(), nn.Sigmoid()),
        (Tanh(), nn.Tanh()),
        (ReLU(), nn.ReLU()),
    ]
    for ours, ref in pairs:
        np.testing.assert_allclose(ours(Tensor(x)).data, ref(t).numpy(), rtol=1e-12)


def test_summary_counts_lenet5_and_the_lesson_exercises() -> None:
    text = summary(lenet5(), (1, 32, 32))
    assert "Total params: 61,706" in text
    rows = layer_rows(lenet5(), (1, 32, 32))
    assert [r.params for r in rows if r.params] == [156, 2416, 48120, 10164, 850]
    assert [r.output_shape for r in rows if r.kind == "Conv2d"] == [
        (6, 28, 28),
        (16, 10, 10),
        (120, 1, 1),
    ]
    assert rows[2].output_shape == (6, 14, 14)
    # LeNet with C1 padded by 2 takes 28×28 digits to the same shapes and count
    assert layer_rows(lenet5(padding=2), (1, 28, 28))[0].output_shape == (6, 28, 28)
    assert mlp((10, 2, 1)).num_parameters() == 25
    assert mlp((10, 25, 25, 1)).num_parameters() == 951
    assert linear_classifier().num_parameters() == 7850
    assert "7 (Linear)" in summary(mnist_cnn(), (1, 28, 28))


def test_summary_leaves_batch_norm_statistics_and_mode_alone() -> None:
    model = Sequential(Linear(3, 4, rng=0), BatchNorm1d(4), ReLU())
    before = model.state_dict()
    rows = layer_rows(model, (3,))
    assert [r.output_shape for r in rows] == [(4,), (4,), (4,)]
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
    assert model.training


def test_state_dict_round_trip_through_npz(tmp_path: Path) -> None:
    model = Sequential(
        Conv2d(1, 2, 3, rng=0), BatchNorm2d(2), ReLU(), Flatten(), Linear(8, 2, rng=0)
    )
    model(Tensor(np.random.default_rng(0).random((4, 1, 4, 4)).astype(np.float32)))
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(model.state_dict())
    other = Sequential(
        Conv2d(1, 2, 3, rng=9), BatchNorm2d(2), ReLU(), Flatten(), Linear(8, 2, rng=9)
    )
    other.load(path)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(other.state_dict()[key], value)
    assert other.state_dict()["1.running_mean"].any()  # the buffer came along
    state = model.state_dict()
    state["0.weight"][...] = 99.0  # state dicts are copies
    assert not (model[0].weight.data == 99.0).any()  # type: ignore[attr-defined]


def test_load_state_dict_names_every_problem() -> None:
    model = mlp((2, 3, 1), rng=0)
    state = model.state_dict()
    state.pop("0.bias")
    state["0.weight"] = np.zeros((5, 5), np.float32)
    state["9.weight"] = np.zeros(1, np.float32)
    with pytest.raises(ValueError, match=r"missing '0\.bias'") as error:
        model.load_state_dict(state)
    assert "unexpected '9.weight'" in str(error.value)
    assert "'0.weight' has shape (5, 5), expected (3, 2)" in str(error.value)


def test_a_module_must_initialise_its_base() -> None:
    class Broken(Module):
        def __init__(self) -> None:
            self.weight = Tensor(np.ones(1), requires_grad=True)

    with pytest.raises(AttributeError, match="super"):
        Broken()
