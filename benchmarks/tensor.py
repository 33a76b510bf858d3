"""gradlab's Tensor engine against PyTorch CPU on the lesson workloads.

(a) one training step of the MNIST CNN (conv 1→8 − relu − pool − conv 8→16 − relu − pool −
    linear 784→10) on a batch of 64: forward, cross-entropy, backward, SGD with momentum;
(b) one full-batch step of a 2-8-8-1 tanh MLP on 500 points (BCE with logits, SGD);
(c) conv2d (64×8×14×14 input, 16 3×3 filters, padding 1) forward + backward alone;
(d) the whole 3-epoch CNN run on mnist10k (8,000 digits, batch 64, lr 0.05, momentum 0.9),
    including gradlab's per-step bookkeeping in `fit`, and the test accuracy each reaches;
(a1) (a) with torch on one thread, timed in the same turns as (a).

Both sides use float32 and the same initial weights. gradlab runs in a process of its own, torch in
this one, and the two take turns, so both see the same machine (see `benchmarks._engine_side`).
Run: ``python -m benchmarks.tensor``.
"""

from __future__ import annotations

import os
from typing import Any

# Before NumPy loads, in the parent and so in both engines' processes, as the app does: OpenBLAS's
# own threads would spin against gradlab's helper thread (`gradlab.engine.threads`) on 2 cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from benchmarks._engine_side import EngineSide, LocalSide, Side
from benchmarks.timing import describe, interleaved_medians
from gradlab.data import load_mnist, playground
from gradlab.nn.models import mlp, mnist_cnn

EPOCHS = 3
WARMUP_STEPS = 20
ROUNDS = 10
"""Turns each side takes in a measurement (see `interleaved_medians`)."""


def _compare(name: str, ours: Side, torch: Side | None, *, calls: int, warmup: int) -> None:
    """Time the workloads loaded in `ours` and `torch`, taking turns."""
    if torch is None:
        times = ours.timed(warmup + calls)[warmup:]
        print(describe(name, float(np.median(times)), None, "torch"))
        return
    medians = interleaved_medians(
        ours.timed, torch.timed, rounds=ROUNDS, per_round=-(-calls // ROUNDS), warmup=warmup
    )
    print(describe(name, *medians, "torch"))


def _load_step(kind: str, x: Any, y: Any, sides: tuple[Side, Side | None]) -> None:
    model = mnist_cnn(rng=0) if kind == "cnn" else mlp((2, 8, 8, 1), "tanh", rng=0)
    for side in sides:
        if side is not None:
            side.load("step", kind, model.state_dict(), x, y)


def _cnn_step(x: Any, y: Any, sides: tuple[Side, Side | None]) -> None:
    """(a) against torch on its default threads and (a1) on one, all three taking turns: which
    of torch's settings is faster changes with the machine's state."""
    ours, torch = sides
    name = "(a) CNN training step, batch 64"
    _load_step("cnn", x, y, sides)
    # steady state, as in a training run: the first steps also grow the heap (page faults) and
    # warm the caches, so every side takes WARMUP_STEPS untimed steps first
    if torch is None:
        _compare(name, ours, None, calls=60, warmup=WARMUP_STEPS)
        return
    threads = torch.threads

    def one_thread(calls: int) -> list[float]:
        torch.set_threads(1)
        try:
            return torch.timed(calls)
        finally:
            torch.set_threads(threads)

    mine, default, single = interleaved_medians(
        ours.timed, torch.timed, one_thread, rounds=ROUNDS, per_round=6, warmup=WARMUP_STEPS
    )
    print(describe(name, mine, default, "torch"))
    print(describe("(a1) the same step, torch on 1 thread", mine, single, "torch"))
    print(f"    against torch's faster setting: ratio {mine / min(default, single):.2f}x")


def _conv(sides: tuple[Side, Side | None]) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((64, 8, 14, 14), dtype=np.float32)
    w = (rng.random((16, 8, 3, 3), dtype=np.float32) - 0.5) / 6
    b = np.zeros(16, np.float32)
    grad = np.ones((64, 16, 14, 14), np.float32)
    for side in sides:
        if side is not None:
            side.load("conv", x, w, b, grad)
    _compare("(c) conv2d 64x8x14x14 * 16x8x3x3 fwd+bwd", *sides, calls=50, warmup=3)


def _whole_run(sides: tuple[Side, Side | None]) -> None:
    data = load_mnist()
    state = mnist_cnn(rng=0).state_dict()
    arrays = (data.x_train, data.y_train, data.x_test, data.y_test)
    ours, torch = sides
    seconds, accuracy = ours.whole_run(state, arrays, EPOCHS)
    theirs = None if torch is None else torch.whole_run(state, arrays, EPOCHS)
    name = f"(d) {EPOCHS}-epoch CNN run on mnist10k"
    print(describe(name, seconds, None if theirs is None else theirs[0], "torch"))
    line = f"    test accuracy: gradlab {accuracy:.2%}"
    print(line if theirs is None else f"{line}, torch {theirs[1]:.2%}")


def _torch_side() -> Side | None:
    try:
        import torch  # noqa: F401 - only to learn whether the oracle extra is installed
    except ImportError:
        return None
    # torch computes in this process only: gradlab's spawned process never imports it
    return LocalSide("torch")


def main() -> None:
    # other processes skew every figure: say how busy the machine was
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (figures are only meaningful when idle)")
    sides = (EngineSide("gradlab"), _torch_side())
    ours, torch = sides
    print(f"gradlab {ours.version} on {ours.threads} threads (gradlab.engine.threads)")
    if torch is None:
        print("PyTorch is not installed: gradlab's times only (pip install '.[oracle]' for ratios)")
    else:
        print(f"PyTorch {torch.version} on {torch.threads} threads; ratio = gradlab / torch time")
    try:
        _all(sides)
    finally:
        for side in sides:
            if side is not None:
                side.close()


def _all(sides: tuple[Side, Side | None]) -> None:
    data = load_mnist()
    index = np.random.default_rng(0).choice(len(data.x_train), 64, replace=False)
    images, labels = data.x_train[index], data.y_train[index]
    _cnn_step(images, labels, sides)
    points = playground("spiral", 1000, test_fraction=0.5)
    _load_step("mlp", points.x_train, points.y_train.astype(np.float32), sides)
    _compare("(b) 2-8-8-1 tanh MLP step, 500 points", *sides, calls=200, warmup=WARMUP_STEPS)
    _conv(sides)
    _whole_run(sides)


if __name__ == "__main__":
    main()
