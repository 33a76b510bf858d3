"""ConvScrubber: every number against torch (oracle), the slides' numbers, errors, signals."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.engine.numbers import format_number
from gradlab.lessons import ConvScene
from gradlab.nn.windows import Window2d, window, windows
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.conv.settings import ConvSettings, as_grid, parse_grid

geometries = st.fixed_dictionaries(
    {
        "h": st.integers(1, 9),
        "w": st.integers(1, 9),
        "k": st.integers(1, 4),
        "kw": st.integers(1, 4),
        "stride": st.integers(1, 3),
        "padding": st.integers(0, 2),
        "dilation": st.integers(1, 3),
        "channels": st.integers(1, 3),
        "filters": st.integers(1, 3),
        "flip": st.booleans(),
        "seed": st.integers(0, 1000),
    }
)


def _scrubber(g: dict[str, int]) -> ConvScrubber:
    rng = np.random.default_rng(g["seed"])
    base = ConvSettings(
        input=as_grid(rng.normal(size=(g["h"], g["w"])), "input"),
        kernel=as_grid(rng.normal(size=(g["k"], g["kw"])), "kernel"),
        stride=g["stride"],
        padding=g["padding"],
        dilation=g["dilation"],
        in_channels=g["channels"],
        out_channels=g["filters"],
        flip=bool(g["flip"]),
        bias=float(rng.normal()),
        mode="backward",
        upstream="random",
        seed=g["seed"],
    )
    return ConvScrubber(base)


@settings(max_examples=60, deadline=None)
@given(geometries)
def test_outputs_and_grads_match_torch_cell_by_cell(g: dict[str, int]) -> None:
    scrubber = _scrubber(g)
    x = torch.tensor(scrubber.input_array[None], requires_grad=True)
    w = torch.tensor(scrubber.weight, requires_grad=True)
    b = torch.full((g["filters"],), scrubber.settings.bias, dtype=torch.float64)
    span_h = g["dilation"] * (g["k"] - 1) + 1
    span_w = g["dilation"] * (g["kw"] - 1) + 1
    if span_h > g["h"] + 2 * g["padding"] or span_w > g["w"] + 2 * g["padding"]:
        assert scrubber.error is not None
        assert "larger than the padded input" in scrubber.error
        assert scrubber.length == 0
        return
    assert scrubber.error is None
    y = torch.nn.functional.conv2d(x, w, b, g["stride"], g["padding"], g["dilation"])
    upstream = scrubber.upstream
    assert upstream is not None
    y.backward(torch.tensor(upstream[None]))
    expected = y.detach().numpy()[0]
    assert scrubber.output is not None
    np.testing.assert_allclose(scrubber.output, expected, atol=1e-9)
    # every window's readout: products under the window + bias = the output cell
    for index in range(scrubber.length):
        record = scrubber.record(index)
        total = sum(t.product for t in record.terms) + record.bias
        assert total == pytest.approx(expected[record.channel, record.row, record.col], abs=1e-9)
    # gradients accumulate window by window and end at autograd's
    assert x.grad is not None
    assert w.grad is not None
    dw, dx = scrubber.grads_at(scrubber.length)
    np.testing.assert_allclose(dw, w.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(dx, x.grad.numpy()[0], atol=1e-9)
    start_w, start_x = scrubber.grads_at(0)
    assert not start_w.any()
    assert not start_x.any()


@settings(max_examples=40, deadline=None)
@given(geometries)
def test_partial_grads_add_one_window_at_a_time(g: dict[str, int]) -> None:
    scrubber = _scrubber(g)
    if scrubber.error is not None:
        return
    index = g["seed"] % scrubber.length
    record = scrubber.record(index)
    before_w, before_x = scrubber.grads_at(index)
    after_w, after_x = scrubber.grads_at(index + 1)
    step_w = np.zeros_like(after_w)
    step_x = np.zeros_like(after_x)
    grad = record.upstream
    assert grad is not None
    for term in record.terms:
        cell = term.cell
        step_w[record.channel, term.channel, cell.kernel_row, cell.kernel_col] += grad * term.x
        if not cell.padding:
            assert term.w is not None
            step_x[term.channel, cell.row, cell.col] += grad * term.w
    np.testing.assert_allclose(after_w - before_w, step_w, atol=1e-9)
    np.testing.assert_allclose(after_x - before_x, step_x, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(geometries)
def test_single_window_matches_the_listing(g: dict[str, int]) -> None:
    geometry = Window2d.of((g["k"], g["kw"]), g["stride"], g["padding"], g["dilation"])
    try:
        listed = list(windows(g["h"], g["w"], geometry))
    except ValueError:
        return
    for listed_window in listed:
        row, col = listed_window.row, listed_window.col
        assert window(g["h"], g["w"], geometry, row, col) == listed_window


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(1, 3), st.integers(1, 3), st.integers(0, 100))
def test_pools_match_torch(n: int, size: int, stride: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = ConvSettings(
        input=as_grid(rng.integers(-9, 9, (n, n)).astype(float), "input"),
        in_channels=2,
        pool_size=size,
        pool_stride=stride,
    )
    x = torch.tensor(ConvScrubber(base).input_array[None])
    for mode, pool in (
        ("pool-max", torch.nn.functional.max_pool2d),
        ("pool-avg", torch.nn.functional.avg_pool2d),
    ):
        scrubber = ConvScrubber(ConvSettings(**{**base.__dict__, "mode": mode}))
        if size > n:
            assert scrubber.error is not None
            continue
        expected = pool(x, size, stride).numpy()[0]
        assert scrubber.output is not None
        np.testing.assert_allclose(scrubber.output, expected)
        for index in range(scrubber.length):
            record = scrubber.record(index)
            values = [t.x for t in record.terms]
            if mode == "pool-max":
                assert record.winner is not None
                assert values[record.winner] == record.value == max(values)
            else:
                assert record.value == pytest.approx(sum(values) / len(values))


def test_slides_example_gives_a_6x6_output() -> None:
    scrubber = ConvScrubber.from_scene(ConvScene(input="slides-8x8", kernel="slides-3x3"))
    assert scrubber.output is not None
    assert scrubber.output.shape == (1, 6, 6)
    assert scrubber.length == 36
    assert scrubber.formula[1].endswith("= 6")
    scrubber.step_forward()
    # top-left window of the slide image under [[-1, 0, 1], [-2, 1, 2], [-3, 0, 3]]
    assert scrubber.readout() == "1·(-1) + 0·0 + 1·1 + 0·(-2) + 1·1 + 0·2 + 0·(-3) + 0·0 + 1·3 = 4"


@pytest.mark.parametrize(
    ("mode", "expected", "last"),
    [
        ("pool-max", [[20, 30], [112, 37]], "max(37, 4, 25, 12) = 37"),
        ("pool-avg", [[13, 8], [79, 19.5]], "(37 + 4 + 25 + 12) / 4 = 19.5"),
    ],
)
def test_pooling_example(mode: str, expected: list[list[float]], last: str) -> None:
    scene = ConvScene(input="pooling-4x4", kernel=[[1, 1], [1, 1]], stride=2, mode=mode)  # type: ignore[arg-type]
    scrubber = ConvScrubber.from_scene(scene)
    assert scrubber.output is not None
    assert scrubber.output[0].tolist() == expected
    scrubber.to_end()
    assert scrubber.readout() == last
    if mode == "pool-max":
        record = scrubber.current()
        assert record is not None
        assert record.winner == 0


def test_settings_that_do_not_fit_explain_and_recover() -> None:
    scrubber = ConvScrubber()
    events: list[str] = []
    scrubber.rebuilt.connect(lambda: events.append("rebuilt"))
    scrubber.changed.connect(lambda _p: events.append("changed"))
    scrubber.set_padding(0)
    scrubber.set_kernel([[1.0] * 9] * 9)
    assert scrubber.error is not None
    assert "larger than the padded input" in scrubber.error
    assert "the kernel does not fit" in scrubber.formula[1]
    assert scrubber.length == 0
    assert scrubber.current() is None
    scrubber.set_padding(1)
    assert scrubber.error is None
    assert scrubber.formula[1].endswith("= 2")
    scrubber.set_stride(0)
    assert scrubber.error is not None
    assert "stride" in scrubber.error
    assert events[:2] == ["rebuilt", "changed"]
    scrubber.set_kernel("no-such-kernel")
    assert scrubber.error is not None
    assert "unknown kernel" in scrubber.error


def test_typed_upstream_must_match_the_output() -> None:
    scrubber = ConvScrubber(ConvSettings(mode="backward"))
    scrubber.set_upstream_grid(parse_grid("1 2; 3 4"))
    assert scrubber.error is not None
    assert "6×6" in scrubber.error
    grid = np.arange(36.0).reshape(6, 6)
    scrubber.set_upstream_grid(grid)
    assert scrubber.error is None
    assert scrubber.upstream is not None
    assert scrubber.upstream[0].tolist() == grid.tolist()


def test_flip_turns_the_kernel() -> None:
    scrubber = ConvScrubber()
    plain = scrubber.weight.copy()
    scrubber.set_flip(True)
    assert scrubber.weight[0, 0].tolist() == plain[0, 0, ::-1, ::-1].tolist()


def test_jump_to_an_output_cell_and_keep_the_end() -> None:
    scrubber = ConvScrubber()
    scrubber.jump_to(0, 2, 3)
    record = scrubber.current()
    assert record is not None
    assert (record.row, record.col) == (2, 3)
    assert scrubber.computed().sum() == scrubber.position == 2 * 6 + 3 + 1
    scrubber.to_end()
    scrubber.set_padding(1)
    assert scrubber.at_end
    assert scrubber.length == 64


def test_parse_grid_reads_numbers_only() -> None:
    assert parse_grid("1, 0 -1\n2 0 -2").tolist() == [[1, 0, -1], [2, 0, -2]]
    with pytest.raises(ValueError, match="row 1: '__import__' is not a number"):
        parse_grid("__import__ 1")
    with pytest.raises(ValueError, match="different lengths"):
        parse_grid("1 2; 3")


def test_inputs_by_name() -> None:
    scrubber = ConvScrubber()
    scrubber.set_input("mnist-digit")
    assert scrubber.input_array.shape == (1, 28, 28)
    scrubber.set_random_size(5)
    assert scrubber.input_array.shape == (1, 5, 5)
    first = scrubber.input_array.copy()
    scrubber.set_seed(7)
    assert not np.array_equal(first, scrubber.input_array)
    scrubber.set_in_channels(3)
    assert scrubber.input_array.shape == (3, 5, 5)
    assert scrubber.weight.shape == (1, 3, 3, 3)


def test_readouts_with_bias_channels_and_long_sums() -> None:
    scrubber = ConvScrubber(ConvSettings(bias=0.5, in_channels=2))
    scrubber.seek(1)
    record = scrubber.current()
    assert record is not None
    lines = scrubber.readout().splitlines()
    sums = record.sums()
    assert lines[0].startswith("channel 1: 1·(-1) + 0·0 + 1·1")
    assert lines[0].endswith(f"= {sums[0]:g}")
    assert lines[-1] == f"sum across channels: {sums[0]:g} + {sums[1]:g} + 0.5 = {record.value:g}"
    assert record.value == pytest.approx(sums[0] + sums[1] + 0.5)
    scrubber.set_in_channels(1)
    scrubber.set_input("mnist-digit")
    scrubber.set_kernel("vertical-edge-5x5")
    scrubber.seek(300)
    record = scrubber.current()
    assert record is not None
    nonzero = [t for t in record.terms if t.product != 0.0]
    text = scrubber.readout()
    assert text.count("·") == len(nonzero)
    assert f"(+ {25 - len(nonzero)} products that are 0)" in text
    assert text.endswith(f"+ 0.5 = {format_number(record.value)}")
