"""gradlab's Tensor engine against PyTorch CPU on the lesson workloads.

(a) one training step of the MNIST CNN (conv 1→8 − relu − pool − conv 8→16 − relu − pool −
    linear 784→10) on a batch of 64: forward, cross-entropy, backward, SGD with momentum;
(b) one full-batch step of a 2-8-8-1 tanh MLP on 500 points (BCE with logits, SGD);
(c) conv2d (64×8×14×14 input, 16 3×3 filters, padding 1) forward + backward alone;
(d) the whole 3-epoch CNN run on mnist10k (8,000 digits, batch 64, lr 0.05, momentum 0.9),
    including gradlab's per-step bookkeeping in `fit`, and the test accuracy each reaches;
(a1) (a) again with torch on one thread, as gradlab computes on one core.

Both sides use float32 and the same initial weights. Run: ``python -m benchmarks.tensor``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

# Before NumPy loads, as the app does: gradlab computes on one core. OpenBLAS's extra thread only
# spins against torch's threads on this 2-core machine (gradlab's step varied 9-14 ms with it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from benchmarks.timing import describe, median_time
from gradlab.data import load_mnist, playground
from gradlab.engine.tensor import Tensor
from gradlab.nn import functional as F
from gradlab.nn.evaluate import evaluate
from gradlab.nn.memory import keep_freed_memory
from gradlab.nn.models import mlp, mnist_cnn
from gradlab.nn.modules import Module
from gradlab.nn.optim import SGD
from gradlab.nn.train import fit

try:
    import torch
except ImportError:  # the oracle extra is optional
    torch = None

EPOCHS = 3
WARMUP_STEPS = 20


def _our_step(model: Module, optimizer: SGD, x: Any, y: Any, loss: str) -> Callable[[], None]:
    batch = Tensor(x)

    def step() -> None:
        optimizer.zero_grad()
        out = model(batch)
        if loss == "cross_entropy":
            value = F.cross_entropy(out, y)
        else:
            value = F.binary_cross_entropy_with_logits(out.reshape(-1), y)
        value.backward()
        optimizer.step()

    return step


def _torch_model(model: Module, kind: str) -> Any:
    nn = torch.nn
    if kind == "cnn":
        reference = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(784, 10),
        )
    else:
        reference = nn.Sequential(
            nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1)
        )
    reference.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    return reference


def _torch_step(reference: Any, x: Any, y: Any, loss: str) -> Callable[[], None]:
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    batch, target = torch.tensor(x), torch.tensor(y)

    def step() -> None:
        optimizer.zero_grad()
        out = reference(batch)
        if loss == "cross_entropy":
            value = torch.nn.functional.cross_entropy(out, target)
        else:
            value = torch.nn.functional.binary_cross_entropy_with_logits(out.reshape(-1), target)
        value.backward()
        optimizer.step()

    return step


def _steps(name: str, kind: str, x: Any, y: Any, *, loss: str, repeats: int) -> None:
    model = mnist_cnn(rng=0) if kind == "cnn" else mlp((2, 8, 8, 1), "tanh", rng=0)
    reference = _torch_model(model, kind) if torch is not None else None
    # steady state, as in a training run: the first steps also grow the heap (page faults) and
    # warm the caches, so both sides take WARMUP_STEPS untimed steps first
    ours = median_time(
        _our_step(model, SGD(model.parameters(), lr=0.05, momentum=0.9), x, y, loss),
        repeats=repeats,
        warmup=WARMUP_STEPS,
    )
    theirs = (
        None
        if reference is None
        else median_time(_torch_step(reference, x, y, loss), repeats=repeats, warmup=WARMUP_STEPS)
    )
    print(describe(name, ours, theirs, "torch"))


def _conv() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((64, 8, 14, 14), dtype=np.float32)
    w = (rng.random((16, 8, 3, 3), dtype=np.float32) - 0.5) / 6
    b = np.zeros(16, np.float32)
    grad = np.ones((64, 16, 14, 14), np.float32)

    def ours() -> None:
        xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
        F.conv2d(xt, wt, bt, padding=1).backward(grad)

    reference = None
    if torch is not None:
        gt = torch.tensor(grad)

        def theirs() -> None:
            xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
            torch.nn.functional.conv2d(xt, wt, bt, padding=1).backward(gt)

        reference = median_time(theirs, repeats=30)
    print(
        describe(
            "(c) conv2d 64x8x14x14 * 16x8x3x3 fwd+bwd",
            median_time(ours, repeats=30),
            reference,
            "torch",
        )
    )


def _whole_run() -> None:
    data = load_mnist()
    model = mnist_cnn(rng=0)
    reference = _torch_model(model, "cnn") if torch is not None else None
    start = time.perf_counter()
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in fit(model, data, "cross_entropy", optimizer, epochs=EPOCHS, batch_size=64, seed=0):
        pass
    ours = time.perf_counter() - start
    accuracy = evaluate(model, data.x_test, data.y_test)
    theirs = None
    if reference is not None:
        theirs, their_accuracy = _torch_run(
            reference, data.x_train, data.y_train, data.x_test, data.y_test
        )
    print(describe(f"(d) {EPOCHS}-epoch CNN run on mnist10k", ours, theirs, "torch"))
    line = f"    test accuracy: gradlab {accuracy:.2%}"
    print(line if theirs is None else f"{line}, torch {their_accuracy:.2%}")


def _torch_run(reference: Any, x: Any, y: Any, x_test: Any, y_test: Any) -> tuple[float, float]:
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    images, labels = torch.tensor(x), torch.tensor(y)
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(images), generator=generator)
        for i in range(0, len(images), 64):
            index = order[i : i + 64]
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(reference(images[index]), labels[index]).backward()
            optimizer.step()
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        predicted = reference(torch.tensor(x_test)).argmax(dim=1).numpy()
    return elapsed, float(np.mean(predicted == y_test))


def main() -> None:
    # other processes skew every figure: say how busy the machine was
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (figures are only meaningful when idle)")
    if torch is None:
        print("PyTorch is not installed: gradlab's times only (pip install '.[oracle]' for ratios)")
    else:
        print(
            f"PyTorch {torch.__version__} on {torch.get_num_threads()} threads; "
            "ratio = gradlab time / torch time"
        )
    # the allocator setting fit() applies; process-wide, so torch runs under it too
    print(f"glibc keeps freed memory: {'yes' if keep_freed_memory() else 'no'}")
    data = load_mnist()
    rng = np.random.default_rng(0)
    index = rng.choice(len(data.x_train), 64, replace=False)

    def cnn_step(name: str) -> None:
        _steps(name, "cnn", data.x_train[index], data.y_train[index], loss="cross_entropy",
               repeats=30)  # fmt: skip

    cnn_step("(a) CNN training step, batch 64")
    points = playground("spiral", 1000, test_fraction=0.5)
    _steps(
        "(b) 2-8-8-1 tanh MLP step, 500 points",
        "mlp",
        points.x_train,
        points.y_train.astype(np.float32),
        loss="bce",
        repeats=200,
    )
    _conv()
    _whole_run()
    if torch is not None:
        # gradlab computes on one core; this says how much of (a)'s ratio is torch's other cores
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        cnn_step("(a1) the same step, torch on 1 thread")
        torch.set_num_threads(threads)


if __name__ == "__main__":
    main()
