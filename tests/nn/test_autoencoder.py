"""The autoencoder: its model, its reconstruction objectives (against torch) and `fit` training it
on its own input, with and without corrupted inputs (denoising)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gradlab.engine.tensor import Tensor
from gradlab.nn.evaluate import objective, predict
from gradlab.nn.layers import Linear, ReLU, Sigmoid
from gradlab.nn.models import autoencoder, autoencoder_widths, code_layer
from gradlab.nn.optim import SGD
from gradlab.nn.train import corrupt, fit


def digits(n: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Images in [0, 1] shaped as MNIST's (N, 1, 28, 28), and labels."""
    rng = np.random.default_rng(seed)
    images = rng.random((n, 1, 28, 28)).astype(np.float32)
    return images, rng.integers(0, 10, n)


def test_the_autoencoder_squeezes_through_its_code_and_ends_in_a_sigmoid() -> None:
    model = autoencoder(784, (256,), 32, rng=0)
    assert autoencoder_widths(784, (256,), 32) == [784, 256, 32, 256, 784]
    linears = [layer for layer in model if isinstance(layer, Linear)]
    assert [(a.in_features, a.out_features) for a in linears] == [
        (784, 256), (256, 32), (32, 256), (256, 784),
    ]  # fmt: skip
    assert (
        model.num_parameters() == 784 * 256 + 256 + 256 * 32 + 32 + 32 * 256 + 256 + 256 * 784 + 784
    )
    assert model.num_parameters() == 419_120
    # relu after each hidden Linear, none after the code's, a sigmoid at the end
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Flatten", "Linear", "ReLU", "Linear", "Linear", "ReLU", "Linear", "Sigmoid"]
    at = code_layer((256,))
    assert model[at] is linears[1]
    x, _ = digits(5)
    assert model[: at + 1](Tensor(x)).shape == (5, 32)
    out = model(Tensor(x)).data
    assert out.shape == (5, 784)
    assert np.all((out > 0) & (out < 1))
    deeper = autoencoder(784, (64, 16), 2, activation="tanh", rng=0)
    assert isinstance(deeper[code_layer((64, 16))], Linear)
    assert deeper[code_layer((64, 16))].out_features == 2  # type: ignore[attr-defined]
    assert isinstance(deeper[-1], Sigmoid)
    assert sum(isinstance(layer, ReLU) for layer in deeper) == 0
    with pytest.raises(ValueError, match="activation"):
        autoencoder(activation="swish")


@pytest.mark.parametrize(
    ("name", "theirs"),
    [
        ("reconstruction_mse", torch.nn.functional.mse_loss),
        ("reconstruction_bce", torch.nn.functional.binary_cross_entropy),
    ],
)
def test_reconstruction_losses_compare_pixels_as_torch_does(name: str, theirs: object) -> None:
    rng = np.random.default_rng(1)
    images, _ = digits(4)
    output = rng.random((4, 784))
    goal = objective(name)
    assert goal.reconstructs
    assert goal.predict is None
    mine_in = Tensor(output, requires_grad=True)
    mine = goal.loss(mine_in, images)
    mine.backward()
    torch_in = torch.tensor(output, requires_grad=True)
    target = torch.tensor(images.reshape(4, 784), dtype=torch.float64)
    reference = theirs(torch_in, target)  # type: ignore[operator]
    reference.backward()
    assert mine.item() == pytest.approx(reference.item(), rel=1e-6)
    assert torch_in.grad is not None
    np.testing.assert_allclose(mine_in.grad, torch_in.grad.numpy(), rtol=1e-6, atol=1e-12)
    with pytest.raises(ValueError, match="predicts no labels"):
        predict(autoencoder(rng=0), images, rule=name)


def test_fit_trains_an_autoencoder_on_its_own_input() -> None:
    x, y = digits(12)
    model = autoencoder(784, (8,), 3, rng=0)
    twin = autoencoder(784, (8,), 3, rng=0)
    record = next(
        iter(fit(model, (x, y), "reconstruction_mse", SGD(model.parameters(), 0.5), batch_size=4))
    )
    assert record.accuracy is None
    index = np.random.default_rng(0).permutation(12)[:4]
    out = twin(Tensor(x[index]))
    expected = float(np.mean((out.data - x[index].reshape(4, 784)) ** 2))
    assert record.loss == pytest.approx(expected, rel=1e-6)  # the labels played no part


def test_denoising_corrupts_the_input_and_keeps_the_clean_target() -> None:
    x, y = digits(12)
    noise, seed = 0.5, 3
    model = autoencoder(784, (8,), 3, rng=0)
    twin = autoencoder(784, (8,), 3, rng=0)
    run = fit(
        model, (x, y), "reconstruction_bce", SGD(model.parameters(), 0.1),
        batch_size=4, seed=seed, noise=noise,
    )  # fmt: skip
    first = next(iter(run))
    # the batch of a run without noise, corrupted by the noise's own generator
    index = np.random.default_rng(seed).permutation(12)[:4]
    noisy = corrupt(x[index], noise, np.random.default_rng([seed, 1]))
    assert not np.allclose(noisy, x[index])
    out = twin(Tensor(noisy))
    target = torch.tensor(x[index].reshape(4, 784), dtype=torch.float64)
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(out.data, dtype=torch.float64), target
    )
    assert first.loss == pytest.approx(expected.item(), rel=1e-5)
    clean = next(iter(fit(twin, (x, y), "reconstruction_bce", SGD(twin.parameters(), 0.1),
                          batch_size=4, seed=seed)))  # fmt: skip
    assert clean.loss != pytest.approx(first.loss)
    with pytest.raises(ValueError, match="noise"):
        fit(model, (x, y), "reconstruction_mse", SGD(model.parameters(), 0.1), noise=-1.0)


def test_corrupt_adds_gaussian_noise_of_the_given_deviation() -> None:
    x = np.zeros((200, 1, 28, 28), np.float32)
    noisy = corrupt(x, 0.5, np.random.default_rng(0))
    assert noisy.dtype == np.float32
    assert noisy.std() == pytest.approx(0.5, rel=0.01)
    assert abs(noisy.mean()) < 0.01
