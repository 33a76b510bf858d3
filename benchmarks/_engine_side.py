"""The two engines of `benchmarks.tensor`: torch in the benchmark's process, gradlab in its own.

In one process, torch's OpenMP threads keep spinning after each torch call and take the core
that gradlab's helper thread needs (gradlab's CNN step measured 11.3 ms beside them, 7.9 ms with
OMP_WAIT_POLICY=PASSIVE), so gradlab runs in a spawned process (`EngineSide`) and the two take
turns, so both see the same machine. Torch stays in the parent (`LocalSide`): the same torch
step measured 4.0-6.1 ms there against 5.9-11.6 ms in a spawned child, taking turns (cause not
found), so this split is the one that favours torch.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from benchmarks.timing import timed_calls

Arrays = tuple[np.ndarray, ...]


class EngineSide:
    """A process computing with `engine` ("gradlab" or "torch"), one workload at a time."""

    def __init__(self, engine: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, engine), daemon=True)
        self._process.start()
        self.version, self.threads = self._ask("hello")

    def load(self, workload: str, *args: Any) -> None:
        """Build `workload` from numpy arrays: "step" (model kind, state dict, x, y) or "conv"
        (x, weight, bias, grad)."""
        self._ask("load", workload, *args)

    def timed(self, calls: int) -> list[float]:
        """Seconds of each of `calls` calls of the loaded workload."""
        times: list[float] = self._ask("timed", calls)
        return times

    def set_threads(self, count: int) -> None:
        self._ask("threads", count)

    def whole_run(
        self, state: dict[str, np.ndarray], data: Arrays, epochs: int
    ) -> tuple[float, float]:
        """(seconds, test accuracy) of the whole CNN run from `state`."""
        answer: tuple[float, float] = self._ask("whole_run", state, data, epochs)
        return answer

    def close(self) -> None:
        self._conn.send(("stop", ()))
        self._process.join(timeout=10)

    def _ask(self, command: str, *args: Any) -> Any:
        self._conn.send((command, args))
        ok, answer = self._conn.recv()
        if not ok:
            raise RuntimeError(f"{command!r} failed in the engine's process:\n{answer}")
        return answer


class LocalSide:
    """`EngineSide`'s interface for an engine computing in this process."""

    def __init__(self, engine: str) -> None:
        self._calls = _TorchCalls() if engine == "torch" else _GradlabCalls()
        self.version, self.threads = self._calls.version(), self._calls.threads()
        self._workload: Callable[[], None] = lambda: None

    def load(self, workload: str, *args: Any) -> None:
        self._workload = self._calls.build(workload, *args)

    def timed(self, calls: int) -> list[float]:
        return timed_calls(self._workload)(calls)

    def set_threads(self, count: int) -> None:
        self._calls.set_threads(count)

    def whole_run(
        self, state: dict[str, np.ndarray], data: Arrays, epochs: int
    ) -> tuple[float, float]:
        return self._calls.whole_run(state, data, epochs)

    def close(self) -> None:
        """Nothing to stop."""


Side = EngineSide | LocalSide


def _serve(conn: Connection, engine: str) -> None:
    import traceback

    from gradlab.nn.memory import keep_freed_memory

    # as gradlab's entry points do for training (fit() itself changes nothing process-wide);
    # torch's CPU tensors come from malloc too and gain as much
    keep_freed_memory()
    calls = _TorchCalls() if engine == "torch" else _GradlabCalls()
    workload: Callable[[], None] = lambda: None  # noqa: E731 - replaced by the first load
    while True:
        command, args = conn.recv()
        if command == "stop":
            return
        try:
            answer: Any = None
            if command == "hello":
                answer = (calls.version(), calls.threads())
            elif command == "load":
                workload = calls.build(*args)
            elif command == "timed":
                answer = timed_calls(workload)(*args)
            elif command == "threads":
                calls.set_threads(*args)
            elif command == "whole_run":
                answer = calls.whole_run(*args)
            else:
                raise ValueError(f"unknown command {command!r}")
            conn.send((True, answer))
        except Exception:  # reported to the parent, which raises it there
            conn.send((False, traceback.format_exc()))


class _GradlabCalls:
    def version(self) -> str:
        from importlib.metadata import version

        return version("gradlab")

    def threads(self) -> int:
        from gradlab.engine import threads

        return threads.get_num_threads()

    def set_threads(self, count: int) -> None:
        from gradlab.engine import threads

        threads.set_num_threads(count)

    def build(self, workload: str, *args: Any) -> Callable[[], None]:
        from gradlab.engine.tensor import Tensor
        from gradlab.nn import functional as F
        from gradlab.nn.optim import SGD

        if workload == "conv":
            x, w, b, grad = args

            def conv() -> None:
                xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
                F.conv2d(xt, wt, bt, padding=1).backward(grad)

            return conv
        kind, state, x, y = args
        model = _gradlab_model(kind, state)
        optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
        batch = Tensor(x)

        def step() -> None:
            optimizer.zero_grad()
            out = model(batch)
            if kind == "cnn":
                value = F.cross_entropy(out, y)
            else:
                value = F.binary_cross_entropy_with_logits(out.reshape(-1), y)
            value.backward()
            optimizer.step()

        return step

    def whole_run(
        self, state: dict[str, np.ndarray], data: Arrays, epochs: int
    ) -> tuple[float, float]:
        from gradlab.nn.evaluate import evaluate
        from gradlab.nn.optim import SGD
        from gradlab.nn.train import fit

        x, y, x_test, y_test = data
        model = _gradlab_model("cnn", state)
        optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
        start = time.perf_counter()
        for _ in fit(model, (x, y), "cross_entropy", optimizer, epochs=epochs, batch_size=64):
            pass
        elapsed = time.perf_counter() - start
        return elapsed, evaluate(model, x_test, y_test)


def _gradlab_model(kind: str, state: dict[str, np.ndarray]) -> Any:
    from gradlab.nn.models import mlp, mnist_cnn

    model = mnist_cnn(rng=0) if kind == "cnn" else mlp((2, 8, 8, 1), "tanh", rng=0)
    model.load_state_dict(state)
    return model


class _TorchCalls:
    def __init__(self) -> None:
        import torch

        self.torch = torch

    def version(self) -> str:
        return str(self.torch.__version__)

    def threads(self) -> int:
        return int(self.torch.get_num_threads())

    def set_threads(self, count: int) -> None:
        self.torch.set_num_threads(count)

    def build(self, workload: str, *args: Any) -> Callable[[], None]:
        torch = self.torch
        if workload == "conv":
            x, w, b, grad = (torch.tensor(a) for a in args)

            def conv() -> None:
                xt, wt, bt = (a.clone().requires_grad_(True) for a in (x, w, b))
                torch.nn.functional.conv2d(xt, wt, bt, padding=1).backward(grad)

            return conv
        kind, state, x, y = args
        reference = self._model(kind, state)
        optimizer = torch.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
        batch, target = torch.tensor(x), torch.tensor(y)

        def step() -> None:
            optimizer.zero_grad()
            out = reference(batch)
            if kind == "cnn":
                value = torch.nn.functional.cross_entropy(out, target)
            else:
                value = torch.nn.functional.binary_cross_entropy_with_logits(
                    out.reshape(-1), target
                )
            value.backward()
            optimizer.step()

        return step

    def whole_run(
        self, state: dict[str, np.ndarray], data: Arrays, epochs: int
    ) -> tuple[float, float]:
        torch = self.torch
        x, y, x_test, y_test = data
        reference = self._model("cnn", state)
        optimizer = torch.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
        images, labels = torch.tensor(x), torch.tensor(y)
        generator = torch.Generator().manual_seed(0)
        start = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(len(images), generator=generator)
            for i in range(0, len(images), 64):
                index = order[i : i + 64]
                optimizer.zero_grad()
                loss = torch.nn.functional.cross_entropy(reference(images[index]), labels[index])
                loss.backward()
                optimizer.step()
        elapsed = time.perf_counter() - start
        with torch.no_grad():
            predicted = reference(torch.tensor(x_test)).argmax(dim=1).numpy()
        return elapsed, float(np.mean(predicted == y_test))

    def _model(self, kind: str, state: dict[str, np.ndarray]) -> Any:
        nn = self.torch.nn
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
        reference.load_state_dict({k: self.torch.tensor(v) for k, v in state.items()})
        return reference
