"""fit(): one honest optimisation step per record, seeded batches, stats, non-finite stops;
evaluation helpers; and the acceptance runs (marked slow)."""

from __future__ import annotations

import ctypes
import math
import os
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.data import Dataset, load_mnist, playground
from gradlab.engine.tensor import Tensor
from gradlab.nn import functional as F
from gradlab.nn import memory
from gradlab.nn.evaluate import OBJECTIVES, confusion_matrix, evaluate, objective, predict
from gradlab.nn.layers import Linear, ReLU, Tanh
from gradlab.nn.models import mlp, mnist_cnn
from gradlab.nn.modules import Module, Sequential
from gradlab.nn.optim import SGD, Adam
from gradlab.nn.stats import ACTIVATION_EDGES, GRAD_EDGES
from gradlab.nn.train import TrainRecord, fit


def _blobs(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    data = playground("gaussian", n, test_fraction=0.0, seed=seed)
    return data.x_train.copy(), data.y_train.copy()


def test_counters_limits_and_epoch_ends() -> None:
    x, y = _blobs(50)
    model = mlp((2, 4, 2), rng=0)
    records = list(
        fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.1), epochs=3, batch_size=16)
    )
    assert len(records) == 3 * 4  # ⌈50/16⌉ = 4 batches per epoch
    assert [r.step for r in records] == list(range(12))
    assert [r.epoch for r in records] == [0] * 4 + [1] * 4 + [2] * 4
    assert [r.iteration for r in records[:5]] == [0, 1, 2, 3, 0]
    assert [r.step for r in records if r.epoch_end] == [3, 7, 11]
    assert all(r.batches_per_epoch == 4 and r.finite and r.lr == 0.1 for r in records)
    by_steps = list(
        fit(
            model,
            (x, y),
            "cross_entropy",
            SGD(model.parameters(), 0.1),
            steps=6,
            epochs=5,
            batch_size=16,
        )
    )
    assert len(by_steps) == 6
    endless = fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.1), batch_size=16)
    assert [next(endless).epoch for _ in range(9)][-1] == 2  # no limit: keeps going
    assert list(fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.1), steps=0)) == []


def test_a_step_is_forward_loss_backward_update_on_the_seeded_batch() -> None:
    x, y = _blobs(30)
    model = mlp((2, 3, 2), rng=1)
    twin = mlp((2, 3, 2), rng=1)
    record = next(
        iter(
            fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.5), batch_size=8, seed=7)
        )
    )
    # the batch fit must have used: the first 8 of a permutation drawn from default_rng(7)
    index = np.random.default_rng(7).permutation(30)[:8]
    out = twin(Tensor(x[index], dtype=np.float32))
    loss = F.cross_entropy(out, y[index])
    assert record.loss == pytest.approx(loss.item(), rel=1e-6)
    assert record.accuracy == pytest.approx(np.mean(out.data.argmax(axis=1) == y[index]))
    loss.backward()
    for (name, after), before in zip(model.named_parameters(), twin.parameters(), strict=True):
        assert before.grad is not None
        np.testing.assert_allclose(
            after.data, before.data - 0.5 * before.grad, rtol=1e-6, err_msg=name
        )
        assert after.data.dtype == np.float32


def test_same_seed_same_run_other_seed_other_batches() -> None:
    x, y = _blobs(60)

    def losses(seed: int) -> list[float]:
        model = mlp((2, 5, 2), rng=0)
        run = fit(
            model,
            (x, y),
            "cross_entropy",
            Adam(model.parameters(), 0.01),
            epochs=2,
            batch_size=10,
            seed=seed,
        )
        return [r.loss for r in run]

    assert losses(3) == losses(3)
    assert losses(3) != losses(4)


def test_dataset_objects_train_on_their_training_part() -> None:
    data = playground("xor", 100, test_fraction=0.3)
    model = mlp((2, 4, 1), rng=0)
    records = list(
        fit(model, data, "bce_with_logits", SGD(model.parameters(), 0.1), epochs=1, batch_size=70)
    )
    assert len(records) == 1  # 70 training points in one batch


def test_stats_describe_every_layer() -> None:
    x, y = _blobs(32)
    model = Sequential(Linear(2, 6, rng=0), ReLU(), Linear(6, 2, rng=0))
    first = model[0]
    assert isinstance(first, Linear)
    assert first.bias is not None
    first.bias.data = np.array([5, 5, 5, -50, -50, -50], np.float32)  # three ReLUs dead for sure
    record = next(
        iter(
            fit(
                model,
                (x, y),
                "cross_entropy",
                SGD(model.parameters(), 0.0),
                batch_size=32,
                stats=True,
            )
        )
    )
    names = [(s.name, s.kind) for s in record.stats]
    assert names == [("0", "Linear"), ("1", "ReLU"), ("2", "Linear")]
    hidden, relu, head = record.stats
    assert sum(relu.activation.counts) == 32 * 6
    assert len(relu.activation.counts) == len(ACTIVATION_EDGES) - 1
    assert relu.dead == pytest.approx(0.5)
    assert hidden.dead == 0.0
    assert relu.weight_grad is None
    assert hidden.weight_grad is not None
    assert sum(hidden.weight_grad.counts) == 6 * 2 + 6
    assert len(hidden.weight_grad.counts) == len(GRAD_EDGES) - 1
    assert head.activation_grad is not None
    out = model(Tensor(x.astype(np.float32)))
    assert head.activation.mean == pytest.approx(float(out.data.mean()), rel=1e-5)
    assert head.activation.std == pytest.approx(float(out.data.std()), rel=1e-5)
    assert (
        next(
            iter(fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.0), batch_size=32))
        ).stats
        == ()
    )


def test_stats_every_k_steps_samples_steps_0_k_2k_and_trains_the_same() -> None:
    x, y = _blobs(40)

    def run(stats: bool = False, stats_every: int = 1) -> list[TrainRecord]:
        model = mlp((2, 4, 2), "relu", rng=0)
        optimizer = SGD(model.parameters(), 0.1)
        steps = fit(model, (x, y), "cross_entropy", optimizer, steps=7, batch_size=10,
                    stats=stats, stats_every=stats_every)  # fmt: skip
        return list(steps)

    sampled = run(stats=True, stats_every=3)
    assert [r.step for r in sampled if r.stats] == [0, 3, 6]
    assert [r.loss for r in sampled] == [r.loss for r in run()]
    with pytest.raises(ValueError, match="stats_every must be at least 1, got 0"):
        run(stats=True, stats_every=0)


def test_exploding_learning_rate_stops_with_a_named_culprit() -> None:
    x, y = _blobs(40)
    x = x * 1000.0
    model = mlp((2, 16, 16, 1), "relu", rng=0)
    records = list(
        fit(model, (x, y), "mse", SGD(model.parameters(), 1e6), epochs=50, batch_size=40)
    )
    last = records[-1]
    assert not last.finite
    assert len(records) < 50  # the run ended early, without raising
    assert last.nonfinite is not None
    assert last.nonfinite.startswith(("loss", "activation of layer", "gradient of"))
    assert all(r.finite for r in records[:-1])
    assert all(
        np.isfinite(p.data).all() for p in model.parameters()
    )  # the bad step was not applied


def test_nan_in_an_input_is_traced_to_the_first_layer() -> None:
    x, y = _blobs(8)
    x[3, 1] = np.nan
    model = mlp((2, 3, 2), rng=0)
    before = model.state_dict()
    (record,) = fit(
        model, (x, y), "cross_entropy", SGD(model.parameters(), 0.1), epochs=1, batch_size=8
    )
    assert record.nonfinite == "activation of layer 0 (Linear)"
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


class _Root(Module):
    """√|x|: finite at 0, but its derivative there is infinite."""

    def forward(self, x: Tensor) -> Tensor:
        return x.abs().sqrt()


def test_an_infinite_gradient_behind_a_finite_loss_is_found() -> None:
    x, y = _blobs(8)
    model = Sequential(Linear(2, 1, rng=0), _Root(), Tanh())
    for p in model.parameters():
        p.data = np.zeros_like(p.data)
    (record,) = fit(model, (x, y), "mse", SGD(model.parameters(), 0.1), epochs=1, batch_size=8)
    assert math.isfinite(record.loss)
    assert record.nonfinite == "gradient of the output of layer 0 (Linear)"


def test_bad_arguments() -> None:
    x, y = _blobs(8)
    model = mlp((2, 2), rng=0)
    opt = SGD(model.parameters(), 0.1)
    with pytest.raises(ValueError, match="batch_size"):
        fit(model, (x, y), "cross_entropy", opt, batch_size=0)
    with pytest.raises(ValueError, match="8 inputs but 7 labels"):
        fit(model, (x, y[:7]), "cross_entropy", opt)
    with pytest.raises(ValueError, match="epochs must be at least 0"):
        fit(model, (x, y), "cross_entropy", opt, epochs=-1)
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        fit(model, (x, y), "l1", opt)


def test_fit_changes_nothing_process_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # not the environment (the BLAS thread count is an entry point's choice) ...
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    before = dict(os.environ)
    # ... nor glibc's malloc: keep_freed_memory would reach mallopt through ctypes.CDLL
    opened: list[str] = []
    monkeypatch.setattr(memory, "_applied", False)
    monkeypatch.setattr(ctypes, "CDLL", opened.append)
    x, y = _blobs(40)
    model = mlp((2, 4, 2), rng=0)
    records = list(fit(model, (x, y), "cross_entropy", SGD(model.parameters(), 0.1), epochs=2))
    assert len(records) == 4
    assert dict(os.environ) == before
    assert opened == []


@pytest.mark.parametrize("name", sorted(n for n, o in OBJECTIVES.items() if not o.reconstructs))
def test_objectives_compute_the_named_loss(name: str) -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 6)
    wide = Tensor(rng.normal(size=(6, 2)))
    narrow = Tensor(rng.normal(size=(6, 1)))
    goal = objective(name)
    if name == "cross_entropy":
        expected = F.cross_entropy(wide, y).item()
        assert goal.loss(wide, y).item() == pytest.approx(expected)
        return
    s = narrow.data.reshape(-1)
    p = 1 / (1 + np.exp(-s))
    probabilities = Tensor(p.reshape(6, 1))
    expected_by_name = {
        "bce_with_logits": np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))),
        "bce": np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))),
        "mse": np.mean((s - y) ** 2),
        "hinge": np.mean(np.maximum(0, 1 - (2 * y - 1) * s)),
    }
    given_output = probabilities if name == "bce" else narrow
    assert goal.loss(given_output, y).item() == pytest.approx(expected_by_name[name])
    if name == "mse":  # several outputs regress onto the one-hot code
        onehot = np.eye(2)[y]
        assert goal.loss(wide, y).item() == pytest.approx(np.mean((wide.data - onehot) ** 2))


def test_predict_and_evaluate_use_eval_mode_and_the_rule() -> None:
    model = Sequential(Linear(2, 1, rng=0))
    first = model[0]
    assert isinstance(first, Linear)
    assert first.bias is not None
    first.weight.data = np.array([[1.0, 0.0]], np.float32)
    first.bias.data = np.array([-0.2], np.float32)
    x = np.array([[0.1, 5.0], [0.3, -1.0], [0.5, 0.0], [-2.0, 0.0]], np.float32)
    np.testing.assert_array_equal(predict(model, x, rule="bce_with_logits"), [0, 1, 1, 0])
    np.testing.assert_array_equal(predict(model, x, rule="bce", batch_size=3), [0, 0, 0, 0])
    assert evaluate(model, x, np.array([0, 1, 0, 0]), rule="hinge") == 0.75
    model.train()
    predict(model, x)
    assert model.training
    model.eval()
    predict(model, x)
    assert not model.training


@settings(max_examples=40, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=0, max_size=60),
)
def test_confusion_matrix_counts_pairs(pairs: list[tuple[int, int]]) -> None:
    y_true = np.array([t for t, _ in pairs], np.int64)
    y_pred = np.array([p for _, p in pairs], np.int64)
    counts = confusion_matrix(y_true, y_pred, 4)
    for i in range(4):
        for j in range(4):
            assert counts[i, j] == pairs.count((i, j))
    assert counts.trace() == sum(t == p for t, p in pairs)


def test_confusion_matrix_rejects_bad_labels() -> None:
    with pytest.raises(ValueError, match=r"outside 0\.\.2"):
        confusion_matrix(np.array([0, 3]), np.array([0, 1]), 3)


@pytest.mark.slow
def test_spiral_mlp_separates_the_training_set() -> None:
    data = playground("spiral")
    model = mlp((2, 8, 8, 1), "tanh", rng=0)
    run = fit(
        model,
        data,
        "bce_with_logits",
        Adam(model.parameters(), lr=0.05),
        epochs=1000,
        batch_size=250,
    )
    records = list(run)
    assert all(r.finite for r in records)
    accuracy = evaluate(model, data.x_train, data.y_train, rule="bce_with_logits")
    print(f"spiral 2-8-8-1 tanh: train accuracy {accuracy:.1%}")
    assert accuracy >= 0.95


def test_memory_stays_flat_over_epochs_of_the_mnist_cnn() -> None:
    # The 3-epoch accuracy run lives in tests/state/train/test_run.py; here a 1,024-digit part of
    # MNIST is enough to see whether later epochs hold on to earlier steps' graphs.
    full = load_mnist()
    data = Dataset(
        full.x_train[:1024], full.y_train[:1024], full.x_test[:64], full.y_test[:64],
        full.name, full.classes,
    )  # fmt: skip
    model = mnist_cnn(rng=0)
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    peaks: list[int] = []
    tracemalloc.start()
    try:
        for record in fit(model, data, "cross_entropy", optimizer, epochs=3, batch_size=64, seed=0):
            assert isinstance(record, TrainRecord)
            assert record.finite
            if record.epoch_end:
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.reset_peak()
    finally:
        tracemalloc.stop()
    assert len(peaks) == 3
    # the peak is one step's graph; later epochs must not hold on to earlier ones
    assert max(peaks[1:]) <= 1.1 * peaks[0]
