"""gradlab.nn.functional against torch.nn.functional on the lessons' two workloads, op by op.

(a) one training step of the MNIST CNN conv(1→8, 3×3, pad 1) − relu − maxpool 2 − conv(8→16,
3×3, pad 1) − relu − maxpool 2 − linear(784→10) on a float32 batch of 64 (cross-entropy, SGD);
(b) one step of a 2-8-8-1 tanh MLP on 500 float64 points (MSE, SGD);
(c) conv2d forward + backward alone (the second conv layer).
Both sides run the same functional code with a hand-written SGD update, so the figures compare
the engines, not module or optimiser wrappers. Run: ``python -m benchmarks.conv_micro``.

Wall time is what a learner waits for; CPU time (all threads) is the work done, and moves less
when other processes share the machine. gradlab runs as the app and `gradlab train` run it: one
BLAS thread and glibc keeping freed memory (without, its CNN step here took 22.7 ms and 45 ms of
CPU, page faults and a spinning BLAS thread). For torch on one thread too, set
``OMP_NUM_THREADS=1``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads, as the app does

import numpy as np

from gradlab.engine import Tensor
from gradlab.nn import functional as F
from gradlab.nn.memory import keep_freed_memory

LR = 0.05


def best_time(fn: Callable[[], object], repeats: int, number: int) -> tuple[float, float]:
    """Wall and CPU seconds per call: the fastest of `repeats` runs of `number` calls each.

    The minimum, not the mean: other processes on a shared machine only ever add time.
    """
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(number):
            fn()
        wall.append((time.perf_counter() - start) / number)
        cpu.append((time.process_time() - start_cpu) / number)
    return min(wall), min(cpu)


def cnn_params(rng: np.random.Generator) -> list[np.ndarray]:
    shapes = [(8, 1, 3, 3), (8,), (16, 8, 3, 3), (16,), (10, 784), (10,)]
    return [(0.1 * rng.standard_normal(s)).astype(np.float32) for s in shapes]


def mlp_params(rng: np.random.Generator) -> list[np.ndarray]:
    shapes = [(8, 2), (8,), (8, 8), (8,), (1, 8), (1,)]
    return [0.5 * rng.standard_normal(s) for s in shapes]


def gradlab_steps(images: np.ndarray, labels: np.ndarray, points: np.ndarray, target: np.ndarray):
    rng = np.random.default_rng(0)
    cnn = [Tensor(p, requires_grad=True) for p in cnn_params(rng)]
    mlp = [Tensor(p, requires_grad=True) for p in mlp_params(rng)]
    x_img, x_pts, y_pts = Tensor(images), Tensor(points), Tensor(target)

    def sgd(params: Sequence[Tensor]) -> None:
        for p in params:
            assert p.grad is not None
            p.data -= LR * p.grad
            p.grad = None

    def cnn_step() -> None:
        w1, b1, w2, b2, w3, b3 = cnn
        h = F.max_pool2d(F.conv2d(x_img, w1, b1, padding=1).relu(), 2)
        h = F.max_pool2d(F.conv2d(h, w2, b2, padding=1).relu(), 2)
        F.cross_entropy(F.linear(h.flatten(1), w3, b3), labels).backward()
        sgd(cnn)

    def mlp_step() -> None:
        w1, b1, w2, b2, w3, b3 = mlp
        h = F.linear(F.linear(x_pts, w1, b1).tanh(), w2, b2).tanh()
        F.mse_loss(F.linear(h, w3, b3), y_pts).backward()
        sgd(mlp)

    conv_in = Tensor(rng.standard_normal((64, 8, 14, 14)).astype(np.float32), requires_grad=True)

    def conv_alone() -> None:
        F.conv2d(conv_in, cnn[2], cnn[3], padding=1).sum().backward()
        conv_in.grad = cnn[2].grad = cnn[3].grad = None

    return cnn_step, mlp_step, conv_alone


def torch_steps(images: np.ndarray, labels: np.ndarray, points: np.ndarray, target: np.ndarray):
    import torch
    import torch.nn.functional as TF

    rng = np.random.default_rng(0)
    cnn = [torch.tensor(p, requires_grad=True) for p in cnn_params(rng)]
    mlp = [torch.tensor(p, requires_grad=True) for p in mlp_params(rng)]
    x_img, x_pts, y_pts = torch.tensor(images), torch.tensor(points), torch.tensor(target)
    y_img = torch.tensor(labels)

    def sgd(params: Sequence[Any]) -> None:
        with torch.no_grad():
            for p in params:
                p.sub_(LR * p.grad)
                p.grad = None

    def cnn_step() -> None:
        w1, b1, w2, b2, w3, b3 = cnn
        h = TF.max_pool2d(TF.conv2d(x_img, w1, b1, padding=1).relu(), 2)
        h = TF.max_pool2d(TF.conv2d(h, w2, b2, padding=1).relu(), 2)
        TF.cross_entropy(TF.linear(h.flatten(1), w3, b3), y_img).backward()
        sgd(cnn)

    def mlp_step() -> None:
        w1, b1, w2, b2, w3, b3 = mlp
        h = TF.linear(TF.linear(x_pts, w1, b1).tanh(), w2, b2).tanh()
        TF.mse_loss(TF.linear(h, w3, b3), y_pts).backward()
        sgd(mlp)

    conv_in = torch.tensor(
        rng.standard_normal((64, 8, 14, 14)).astype(np.float32), requires_grad=True
    )

    def conv_alone() -> None:
        TF.conv2d(conv_in, cnn[2], cnn[3], padding=1).sum().backward()
        conv_in.grad = cnn[2].grad = cnn[3].grad = None

    return cnn_step, mlp_step, conv_alone


def main() -> None:
    keep_freed_memory()  # as the app's entry points do (process-wide: torch runs under it too)
    rng = np.random.default_rng(1)
    images = rng.random((64, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, 64)
    points = rng.standard_normal((500, 2))
    target = np.sign(points[:, :1] * points[:, 1:])
    names = ("CNN step, batch 64", "MLP 2-8-8-1 step, 500", "conv2d fwd+bwd 8→16")
    budget = ((15, 5), (15, 100), (15, 10))
    ours = [
        best_time(f, r, n)
        for f, (r, n) in zip(gradlab_steps(images, labels, points, target), budget, strict=True)
    ]
    try:
        theirs = [
            best_time(f, r, n)
            for f, (r, n) in zip(torch_steps(images, labels, points, target), budget, strict=True)
        ]
    except ImportError:
        theirs = [(float("nan"), float("nan"))] * len(names)
        print("torch is not installed: gradlab times only")
    print(f"{'':24s} {'gradlab':>9s} {'torch':>9s} {'ratio':>6s}   cpu: gradlab, torch, ratio")
    for name, (a, a_cpu), (b, b_cpu) in zip(names, ours, theirs, strict=True):
        print(
            f"{name:24s} {a * 1e3:6.2f} ms {b * 1e3:6.2f} ms {a / b:6.2f}"
            f"   {a_cpu * 1e3:6.2f} ms {b_cpu * 1e3:6.2f} ms {a_cpu / b_cpu:5.2f}"
        )


if __name__ == "__main__":
    main()
