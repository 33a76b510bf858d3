"""`gradlab train --dataset spiral --model mlp --epochs 300`: train a model in the terminal.

Prints the model, a line per epoch (mean batch loss, train and test accuracy) and a final summary.
Bad arguments give a one-line error and exit status 2; a run stopped by a NaN/inf exits with 1.
Sizes have the limits a lesson's train scene has (`gradlab.lessons.limits`), and the model's
memory is worked out from its widths before anything is allocated.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from gradlab.data import DATASETS, Dataset, load
from gradlab.lessons import limits
from gradlab.nn.evaluate import OBJECTIVES, confusion_matrix, evaluate, predict
from gradlab.nn.layers import Flatten, Sigmoid
from gradlab.nn.memory import keep_freed_memory
from gradlab.nn.models import ACTIVATIONS, lenet5, linear_classifier, mlp, mnist_cnn
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.optim import SGD, Adam, Optimizer
from gradlab.nn.summary import summary
from gradlab.nn.train import fit

MODELS = ("mlp", "cnn", "lenet5", "linear")
IMAGE_MODELS = ("cnn", "lenet5")
BINARY_LOSSES = ("bce_with_logits", "bce", "mse", "hinge")


class UsageError(ValueError):
    """Arguments that do not fit together."""


@dataclass(frozen=True)
class Plan:
    data: Dataset
    model: Module
    loss: str
    optimizer: Optimizer


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "train",
        help="train a model on a built-in dataset and print its progress",
        description="Train a model on a built-in dataset, printing one line per epoch.",
    )
    parser.add_argument("--dataset", choices=DATASETS, default="spiral")
    parser.add_argument("--model", choices=MODELS, help="default: mlp for 2D sets, cnn for mnist")
    parser.add_argument("--hidden", default="8,8", help="MLP hidden widths, e.g. 8,8 (default)")
    parser.add_argument("--activation", choices=tuple(ACTIVATIONS), default="tanh")
    parser.add_argument(
        "--loss", choices=tuple(OBJECTIVES), help="default: bce_with_logits for 2D sets, "
        "cross_entropy for mnist"
    )  # fmt: skip
    parser.add_argument(
        "--optimizer", choices=("sgd", "adam"), help="default: adam for 2D, sgd for mnist"
    )
    parser.add_argument("--lr", type=float, help="default: 0.05 (0.03 for adam on mnist)")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (default 0.9)")
    parser.add_argument("--epochs", type=int, default=None, help="default: 300 for 2D, 3 for mnist")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="default: 25 for 2D, 64 for mnist"
    )
    parser.add_argument("--noise", type=float, default=0.0, help="2D sets: noise, 0 to 0.5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", metavar="PATH", help="write the trained weights to an .npz file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # An entry point, so the process is ours to set up: every step frees and reallocates the same
    # large arrays, which glibc then keeps for reuse instead of page-faulting them in again
    # (see gradlab.nn.memory). One BLAS thread was chosen before NumPy loaded (gradlab.cli).
    keep_freed_memory()
    try:
        plan = _plan(args)
        return _train(plan, args)
    except (ValueError, FileNotFoundError) as err:  # UsageError is a ValueError
        print(f"gradlab train: {err}", file=sys.stderr)
        return 2


def _hidden(text: str) -> list[int]:
    try:
        widths = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"--hidden wants widths like 8,8, got {text!r}") from None
    if any(w < 1 for w in widths):
        raise UsageError(f"--hidden widths must be at least 1, got {text!r}")
    if len(widths) > limits.MAX_LAYERS:
        raise UsageError(f"--hidden: at most {limits.MAX_LAYERS} hidden layers, got {len(widths)}")
    if max(widths, default=0) > limits.MAX_WIDTH:
        raise UsageError(
            f"--hidden: at most {limits.MAX_WIDTH:,} units in a layer, got {max(widths):,}"
        )
    return widths


def _check_options(args: argparse.Namespace) -> None:
    """The sizes and numbers a run is allowed, before anything is loaded or built."""
    for name, value, most in (
        ("--epochs", args.epochs, limits.MAX_EPOCHS),
        ("--batch-size", args.batch_size, limits.MAX_BATCH),
    ):
        if value is not None and not 1 <= value <= most:
            raise UsageError(f"{name} must be at least 1 and at most {most:,}, got {value}")
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a positive number, got {args.lr}")
    if not 0.0 <= args.momentum < 1.0:
        raise UsageError(f"--momentum must be in [0, 1), got {args.momentum}")


def _check_memory(widths: list[int], batch_size: int) -> None:
    """Refuse an MLP whose weights and activations would need more than the memory limit."""
    examples = 2 * max(batch_size, limits.CLI_PROBE_EXAMPLES)
    try:
        limits.check_budget(
            limits.mlp_cost(widths), copies=limits.CLI_COPIES, examples=examples, what="this MLP"
        )
    except ValueError as err:
        raise UsageError(str(err)) from None


def _plan(args: argparse.Namespace) -> Plan:
    images = args.dataset == "mnist"
    model_name = args.model or ("cnn" if images else "mlp")
    loss = args.loss or ("cross_entropy" if images else "bce_with_logits")
    if model_name in (*IMAGE_MODELS, "linear") and not images:
        raise UsageError(f"--model {model_name} needs --dataset mnist")
    if images and loss in BINARY_LOSSES:
        raise UsageError(f"--loss {loss} is for two classes; mnist has 10 (use cross_entropy)")
    _check_options(args)
    hidden = _hidden(args.hidden) if model_name == "mlp" else []
    shape, classes = limits.dataset_shape(args.dataset)
    outputs = 1 if loss in BINARY_LOSSES else classes
    if model_name == "mlp":
        _check_memory([math.prod(shape), *hidden, outputs], args.batch_size or 64)
    data = load(args.dataset, seed=args.seed, noise=args.noise)
    model: Module
    if model_name == "cnn":
        model = mnist_cnn(rng=args.seed)
    elif model_name == "lenet5":
        model = lenet5(padding=2, rng=args.seed)
    elif model_name == "linear":
        model = linear_classifier(rng=args.seed)
    else:
        inputs = 784 if images else 2
        net = mlp([inputs, *hidden, outputs], args.activation, rng=args.seed)
        layers = [Flatten(), *net] if images else list(net)
        model = Sequential(*layers, Sigmoid()) if loss == "bce" else Sequential(*layers)
    optimizer_name = args.optimizer or ("sgd" if images else "adam")
    lr = args.lr if args.lr is not None else (0.03 if images and optimizer_name == "adam" else 0.05)
    params = model.parameters()
    optimizer = (
        SGD(params, lr, momentum=args.momentum) if optimizer_name == "sgd" else Adam(params, lr)
    )
    return Plan(data, model, loss, optimizer)


def _train(plan: Plan, args: argparse.Namespace) -> int:
    data, model = plan.data, plan.model
    images = data.name == "mnist"
    epochs = args.epochs or (3 if images else 300)
    batch_size = args.batch_size or (64 if images else 25)
    report_every = 1 if images else max(1, epochs // 10)
    print(summary(model, data.input_shape))
    print(f"{data.name}: {len(data.x_train)} train / {len(data.x_test)} test, loss {plan.loss}")
    start = time.perf_counter()
    losses: list[float] = []
    steps = 0
    run = fit(
        model, data, plan.loss, plan.optimizer, epochs=epochs, batch_size=batch_size, seed=args.seed
    )
    for record in run:
        if not record.finite:
            print(
                f"stopped at step {record.step + 1} (epoch {record.epoch + 1}): "
                f"NaN or inf in the {record.nonfinite}; try a smaller --lr"
            )
            return 1
        steps += 1
        losses.append(record.loss)
        epoch = record.epoch + 1
        if record.epoch_end and (epoch % report_every == 0 or epoch == epochs):
            print(_epoch_line(plan, epoch, epochs, sum(losses) / len(losses), start))
        if record.epoch_end:
            losses.clear()
    elapsed = time.perf_counter() - start
    rule = plan.loss
    test = (
        evaluate(model, data.x_test, data.y_test, rule=rule) if len(data.x_test) else float("nan")
    )
    print(f"done: {steps} steps in {elapsed:.1f} s; test accuracy {test:.2%}")
    if images:
        matrix = confusion_matrix(data.y_test, predict(model, data.x_test, rule=rule), 10)
        print("confusion matrix (rows: true digit, columns: predicted):")
        print("\n".join("  " + " ".join(f"{n:4d}" for n in row) for row in matrix))
    if args.save:
        model.save(args.save)
        print(f"weights saved to {args.save}")
    return 0


def _epoch_line(plan: Plan, epoch: int, epochs: int, loss: float, start: float) -> str:
    data, rule = plan.data, plan.loss
    train = evaluate(plan.model, data.x_train, data.y_train, rule=rule)
    line = f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {loss:.4f}  train {train:.2%}"
    if len(data.x_test):
        line += f"  test {evaluate(plan.model, data.x_test, data.y_test, rule=rule):.2%}"
    return line + f"  ({time.perf_counter() - start:.1f} s)"


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m gradlab.cli.train ...`, the same as `gradlab train ...`."""
    parser = argparse.ArgumentParser(prog="gradlab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["train", *(argv if argv is not None else sys.argv[1:])])
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
