"""gradlab as a package: PyTorch's names where a learner looks, every one of them real in torch
too, loaded lazily (importing gradlab loads no NumPy), one version, and the shipped folders."""

from __future__ import annotations

import inspect
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch

import gradlab
import gradlab.nn.layers
from gradlab import nn, optim
from gradlab.data.resources import SOURCE_TREE, bundled
from gradlab.lessons import discover, lessons_folder, resource_roots
from gradlab.nn.modules import Module

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(gradlab, torch), (nn, torch.nn), (nn.functional, torch.nn.functional), (optim, torch.optim)],
)
def test_every_export_is_a_pytorch_name(ours: object, theirs: object) -> None:
    exported = set(ours.__all__) - {"__version__", "draw", "Value", "Trace", "Optimizer"}  # type: ignore[attr-defined]
    exported -= {"hinge_loss"}  # a teaching loss of gradlab's own
    assert exported
    missing = sorted(name for name in exported if not hasattr(theirs, name))
    assert missing == []
    for name in exported:
        assert getattr(ours, name) is not None


def test_the_learners_names_are_there() -> None:
    for name in ["Tensor", "Value", "tensor", "zeros", "ones", "randn", "arange", "flatten",
                 "no_grad", "manual_seed", "draw"]:  # fmt: skip
        assert name in dir(gradlab), name
    # every public layer of gradlab.nn.layers, so a new one cannot be left out of gradlab.nn
    layers = [
        name for name, value in vars(gradlab.nn.layers).items()
        if isinstance(value, type) and issubclass(value, Module) and value is not Module
        and not name.startswith("_") and value.__module__ == "gradlab.nn.layers"
    ]  # fmt: skip
    assert "ConvTranspose2d" in layers
    losses = ["CrossEntropyLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss"]
    for name in [*layers, *losses, "Module", "Sequential", "functional", "init"]:
        assert isinstance(getattr(nn, name), type) or inspect.ismodule(getattr(nn, name)), name
    assert {"SGD", "Adam"} <= set(dir(optim))
    assert optim.lr_scheduler.StepLR
    assert optim.lr_scheduler.CosineAnnealingLR
    with pytest.raises(AttributeError, match="has no attribute 'cuda'"):
        gradlab.cuda  # noqa: B018


def test_a_small_cnn_needs_two_imports() -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 3 * 3, 10)
    )
    out = model(gradlab.randn(2, 1, 8, 8))
    loss = nn.CrossEntropyLoss()(out, gradlab.tensor([1, 7]))
    loss.backward()
    assert out.shape == (2, 10)
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize(
    ("ours", "theirs"), [(optim.SGD, torch.optim.SGD), (optim.Adam, torch.optim.Adam)]
)
def test_optimisers_take_pytorchs_arguments_in_order(ours: type, theirs: type) -> None:
    mine = list(inspect.signature(ours).parameters.items())
    reference = inspect.signature(theirs).parameters
    assert [name for name, _ in mine] == list(reference)[: len(mine)]
    for name, parameter in mine[1:]:
        assert parameter.default == reference[name].default, name
    with pytest.raises(ValueError, match=r"torch.optim.Adam\(amsgrad=True\) is not available"):
        optim.Adam([gradlab.tensor([1.0], requires_grad=True)], amsgrad=True)


def test_modules_pass_every_argument_to_forward() -> None:
    class Affine(nn.Module):
        def forward(self, x: gradlab.Tensor, *, scale: float = 1.0) -> gradlab.Tensor:
            return x * scale

    assert Affine()(gradlab.tensor([2.0]), scale=3.0).item() == 6.0
    cell = nn.RNNCell(2, 3, rng=0)
    h = cell(gradlab.zeros(1, 2))
    assert cell(gradlab.zeros(1, 2), h).shape == (1, 3)


def test_init_functions_refill_tensors_as_torchs() -> None:
    w = gradlab.zeros(64, 32)
    assert nn.init.kaiming_uniform_(w, nonlinearity="relu", generator=np.random.default_rng(0)) is w
    bound = np.sqrt(2.0) * np.sqrt(3.0 / 32)
    assert 0.9 * bound < np.abs(w.numpy()).max() <= bound
    nn.init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= np.sqrt(6.0 / (64 + 32))
    assert nn.init.zeros_(w).numpy().sum() == 0.0
    assert nn.init.ones_(w).numpy().min() == 1.0
    nn.init.normal_(w, 2.0, 0.5)
    assert abs(w.numpy().mean() - 2.0) < 0.05
    assert w.dtype == np.float32
    for name in ["relu", "tanh", "linear", "sigmoid"]:
        assert nn.init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; import sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.split(".")[0] for name in out.stdout.split()}


def test_importing_gradlab_or_gradlab_nn_loads_no_numpy() -> None:
    """An entry point must set OpenBLAS's thread count before NumPy loads (gradlab.nn.blas)."""
    assert "numpy" not in loaded_after("import gradlab, gradlab.nn, gradlab.nn.blas")
    assert "numpy" in loaded_after("import gradlab; gradlab.tensor")


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    out = subprocess.run(
        [sys.executable, "-m", "gradlab.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"gradlab {gradlab.__version__}"


def test_the_shipped_folders_come_from_one_place() -> None:
    """In a checkout (and an editable install) they are the repository's own folders; a wheel
    carries them in gradlab/_bundled (tests/test_install.py installs one)."""
    assert bundled("lessons") == SOURCE_TREE / "lessons" == ROOT / "lessons"
    assert bundled("resources") == ROOT / "resources"
    assert lessons_folder() == bundled("lessons")
    assert resource_roots(ROOT / "lessons" / "02-chain-rule.toml")[1] == bundled("resources")
    assert len(discover(bundled("lessons"))) >= 10


def test_a_package_copy_wins_over_the_source_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradlab.data import resources

    (tmp_path / "_bundled" / "lessons").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    assert bundled("lessons") == tmp_path / "_bundled" / "lessons"
    assert bundled("resources") == SOURCE_TREE / "resources"  # no copy there: the source tree's
