"""Every example in the docs is true: the Python blocks run, the lesson blocks load and build,
and the PyTorch tutorial of docs/pytorch.md trains to PyTorch's own losses."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from docs_blocks import DOCS, ROOT, Block, blocks, named

from gradlab.cli.check import build_steps
from gradlab.lessons import parse_lesson

PYTORCH = ROOT / "docs" / "pytorch.md"
COMPARISON = ("torch-imports", "gradlab-imports", "network", "training")


def python_files() -> list[Any]:
    """Every doc with Python in it; one drawing PNG or PDF figures needs Qt (marked gui)."""
    found = []
    for path in DOCS:
        code = [b.code for b in blocks(path) if b.lang == "python"] if path.exists() else []
        if code:
            qt = any(f'format="{kind}"' in text for text in code for kind in ("png", "pdf"))
            marks = [pytest.mark.gui] if qt else []
            found.append(pytest.param(path, id=str(path.relative_to(ROOT)), marks=marks))
    return found


@pytest.mark.parametrize("path", python_files())
def test_python_blocks_run(path: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's Python blocks run in order in one namespace, in an empty folder (the tutorial's
    own blocks run in the comparison below)."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "docs"}
    for block in blocks(path):
        if block.lang == "python" and block.name not in COMPARISON:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(block.code, block.where, "exec"), namespace)


def lesson_blocks() -> list[Any]:
    return [
        pytest.param(block, id=block.where)
        for path in DOCS
        if path.exists()
        for block in blocks(path)
        if block.lang == "toml"
    ]


@pytest.mark.parametrize("block", lesson_blocks())
def test_lesson_blocks_load_and_build(block: Block) -> None:
    lesson = parse_lesson(block.code.encode(), ROOT / "lessons" / "00-docs.toml")
    build_steps(lesson)


class LossSpy:
    """A training loader that also reads the loss of each step: the loop asks for the next batch
    only after it has computed the last one's loss, so the script runs unchanged."""

    def __init__(self, batches: list[tuple[Any, Any]], namespace: dict[str, Any]) -> None:
        self.batches, self.namespace = batches, namespace
        self.losses: list[float] = []

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for batch in self.batches:
            yield batch
            self.losses.append(float(self.namespace["loss"].item()))


def test_the_blitz_trains_to_pytorchs_losses() -> None:
    import gradlab

    torch = pytest.importorskip("torch")  # the oracle extra

    code = named(PYTORCH)
    sides: dict[str, dict[str, Any]] = {}
    for side, imports in (("torch", "torch-imports"), ("gradlab", "gradlab-imports")):
        namespace: dict[str, Any] = {"__name__": "blitz"}
        for name in (imports, "network"):
            exec(compile(code[name].code, code[name].where, "exec"), namespace)
        sides[side] = namespace
    theirs, ours = sides["torch"]["net"], sides["gradlab"]["net"]
    assert type(ours).__mro__[1] is gradlab.nn.Module
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    initial = ours.fc3.weight.data.copy()
    rng = np.random.default_rng(0)
    images = rng.standard_normal((30, 4, 3, 32, 32)).astype(np.float32)
    labels = rng.integers(0, 10, (30, 4))
    spies = {}
    for side, framework in (("torch", torch), ("gradlab", gradlab)):
        namespace = sides[side]
        batches = [
            (framework.tensor(x), framework.tensor(y)) for x, y in zip(images, labels, strict=False)
        ]
        spies[side] = namespace["trainloader"] = LossSpy(batches, namespace)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code["training"].code, code["training"].where, "exec"), namespace)
        assert printed.getvalue() == "Finished Training\n"
    expected, got = spies["torch"].losses, spies["gradlab"].losses
    assert len(got) == len(expected) == 60
    # float32 sums in another order (OpenBLAS splits a product differently while another
    # thread uses it) move a loss by up to 2e-4 of itself in some runs, 1e-7 in most (measured)
    np.testing.assert_allclose(got, expected, rtol=1e-3)
    assert not np.allclose(ours.fc3.weight.data, initial)  # the steps moved the weights
    # the same drift leaves weights up to 2e-5 apart after 60 steps (measured); a wrong
    # gradient moves a weight of size 0.1 by far more
    for name, param in ours.named_parameters():
        np.testing.assert_allclose(
            param.data, theirs.state_dict()[name].numpy(), rtol=1e-3, atol=1e-4
        )
