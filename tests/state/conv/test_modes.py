"""The conv lab's pooling-backward and transposed modes and the RGB scene, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.data import rgb_blocks
from gradlab.lessons import ConvScene
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.conv.settings import ConvSettings, as_grid


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 7),
    size=st.integers(1, 3),
    stride=st.integers(1, 3),
    channels=st.integers(1, 2),
    kind=st.sampled_from(["max", "avg"]),
    seed=st.integers(0, 1000),
)
def test_pool_backward_matches_torch_window_by_window(
    n: int, size: int, stride: int, channels: int, kind: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    grid = rng.permutation(n * n).reshape(n, n).astype(float)  # distinct: one winner per window
    base = ConvSettings(
        input=as_grid(grid, "input"),
        in_channels=channels,
        pool_size=size,
        pool_stride=stride,
        mode=f"pool-{kind}-backward",  # type: ignore[arg-type]
        upstream="random",
        seed=seed,
    )
    scrubber = ConvScrubber(base)
    if size > n:
        assert scrubber.error is not None
        return
    x = torch.tensor(scrubber.input_array[None], requires_grad=True)
    pool = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
    y = pool(x, size, stride)
    upstream = scrubber.upstream
    assert upstream is not None
    y.backward(torch.tensor(upstream[None]))
    assert scrubber.output is not None
    np.testing.assert_allclose(scrubber.output, y.detach().numpy()[0])
    dw, dx = scrubber.grads_at(scrubber.length)
    assert dw is None
    assert x.grad is not None
    np.testing.assert_allclose(dx, x.grad.numpy()[0], atol=1e-12)
    # one window at a time: max sends g to the winner only, average g / area to every cell
    index = seed % scrubber.length
    record = scrubber.record(index)
    before, after = scrubber.grads_at(index)[1], scrubber.grads_at(index + 1)[1]
    step = np.zeros_like(after)
    g = record.upstream
    assert g is not None
    for position, term in enumerate(record.terms):
        share = (g if position == record.winner else 0.0) if kind == "max" else g / size**2
        step[term.channel, term.cell.row, term.cell.col] += share
    np.testing.assert_allclose(after - before, step, atol=1e-12)


def test_pool_backward_readouts_name_where_the_gradient_goes() -> None:
    scene = ConvScene(
        input="pooling-4x4",
        kernel=[[1, 1], [1, 1]],
        stride=2,
        mode="pool-max-backward",
        upstream=[[1, 2], [3, 4]],
    )
    scrubber = ConvScrubber.from_scene(scene)
    scrubber.to_end()
    assert scrubber.readout().splitlines() == [
        "max(37, 4, 25, 12) = 37, and g = ∂L/∂y(1, 1) = 4",
        "the largest, 37 at (2, 2), gets all of g: ∂L/∂X(2, 2) += 4; the other 3 cells get 0",
    ]
    dx = scrubber.grads_at(scrubber.length)[1][0]
    assert dx.tolist() == [[0, 1, 2, 0], [0, 0, 0, 0], [0, 0, 4, 0], [3, 0, 0, 0]]
    average = ConvScrubber.from_scene(scene.model_copy(update={"mode": "pool-avg-backward"}))
    average.seek(1)
    assert average.readout().splitlines()[-1] == (
        "the 4 cells share g equally: each gets g / 4 = 0.25 (∂L/∂X += 0.25 under the window)"
    )


transposed = st.fixed_dictionaries(
    {
        "h": st.integers(1, 5),
        "w": st.integers(1, 5),
        "k": st.integers(1, 3),
        "kw": st.integers(1, 3),
        "stride": st.integers(1, 3),
        "padding": st.integers(0, 2),
        "dilation": st.integers(1, 2),
        "extra": st.integers(0, 2),
        "channels": st.integers(1, 2),
        "filters": st.integers(1, 2),
        "seed": st.integers(0, 1000),
    }
)


@settings(max_examples=60, deadline=None)
@given(transposed)
def test_transposed_mode_is_torch_conv_transpose2d_read_as_a_convolution(g: dict[str, int]) -> None:
    rng = np.random.default_rng(g["seed"])
    scrubber = ConvScrubber(
        ConvSettings(
            input=as_grid(rng.normal(size=(g["h"], g["w"])), "input"),
            kernel=as_grid(rng.normal(size=(g["k"], g["kw"])), "kernel"),
            stride=g["stride"],
            padding=g["padding"],
            dilation=g["dilation"],
            output_padding=g["extra"],
            in_channels=g["channels"],
            out_channels=g["filters"],
            bias=float(rng.normal()),
            mode="transpose",
            seed=g["seed"],
        )
    )
    lab = ConvScrubber(
        ConvSettings(**{**scrubber.settings.__dict__, "mode": "forward", "flip": False})
    )
    x = torch.tensor(lab.input_array[None])
    weight = torch.tensor(lab.weight).transpose(0, 1)
    bias = torch.full((g["filters"],), scrubber.settings.bias, dtype=torch.float64)
    try:
        expected = torch.nn.functional.conv_transpose2d(
            x,
            weight,
            bias,
            g["stride"],
            g["padding"],
            g["extra"],
            dilation=g["dilation"],
        )
    except RuntimeError:
        assert scrubber.error is not None
        assert scrubber.length == 0
        return
    assert scrubber.error is None
    assert scrubber.output is not None
    np.testing.assert_allclose(scrubber.output, expected.numpy()[0], atol=1e-12)
    assert scrubber.formula[1].endswith(f"= {scrubber.output.shape[1]}")
    # every window over the stretched input adds up to its output cell
    for index in range(scrubber.length):
        record = scrubber.record(index)
        total = sum(t.product for t in record.terms) + record.bias
        assert total == pytest.approx(scrubber.output.flat[index], abs=1e-9)
    # the stretched input: the source cells s apart, everything else a hatched zero
    inserted = scrubber.inserted
    assert inserted is not None
    assert np.all(scrubber.input_array[:, inserted] == 0)
    source = scrubber.source
    assert source is not None
    assert int((~inserted).sum()) <= source.shape[1] * source.shape[2]
    # and the output is the gradient of the forward convolution (where it has this shape)
    gap = scrubber.adjoint_gap
    assert gap is not None
    if g["extra"] < g["stride"]:
        assert gap < 1e-9


def test_transposed_mode_at_a_glance() -> None:
    scene = ConvScene(
        input=[[1, 2], [3, 4]],
        kernel=[[1, 0, -1], [2, 1, 0], [0, 1, 1]],
        stride=2,
        padding=1,
        output_padding=1,
        mode="transpose",
    )
    scrubber = ConvScrubber.from_scene(scene)
    assert scrubber.input_array.shape == (1, 6, 6)
    inserted = scrubber.inserted
    assert inserted is not None
    assert [(int(r), int(c)) for r, c in zip(*np.nonzero(~inserted), strict=True)] == [
        (1, 1),
        (1, 3),
        (3, 1),
        (3, 3),
    ]
    assert scrubber.weight[0, 0].tolist() == [[1, 1, 0], [0, 1, 2], [-1, 0, 1]]
    assert scrubber.formula[1] == "rows: (2 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 4"
    assert "1 zero between input cells" in scrubber.formula[-1]
    assert scene.output_shape() == (4, 4)


def test_rgb_scene_gives_three_channels_and_one_filter_sums_them() -> None:
    scrubber = ConvScrubber.from_scene(ConvScene(input="rgb-scene-8x8", kernel="sobel-x"))
    np.testing.assert_array_equal(scrubber.input_array, rgb_blocks(8))
    assert scrubber.weight.shape == (1, 3, 3, 3)
    assert all(np.array_equal(scrubber.weight[0, c], scrubber.weight[0, 0]) for c in (1, 2))
    expected = torch.nn.functional.conv2d(
        torch.tensor(rgb_blocks(8)[None]), torch.tensor(scrubber.weight)
    ).numpy()[0]
    assert scrubber.output is not None
    np.testing.assert_allclose(scrubber.output, expected)
    scrubber.seek(1)
    lines = scrubber.readout().splitlines()
    assert [line.split(":")[0] for line in lines] == ["red", "green", "blue", "sum across channels"]
    assert lines[-1].endswith(f"= {expected[0, 0, 0]:g}")
    # the red channel only, when a lesson asks for one channel
    red = ConvScrubber.from_scene(ConvScene(input="rgb-scene-8x8", kernel="sobel-x", in_channels=1))
    assert red.input_array.shape == (1, 8, 8)
    # choosing the scene in the lab brings its three channels
    lab = ConvScrubber()
    lab.set_input("rgb-scene-32x32")
    assert lab.input_array.shape == (3, 32, 32)
    lab.set_input("slides-8x8")
    assert lab.settings.colour is None
    assert lab.input_array.shape == (3, 8, 8)  # the two extra channels are now random


def test_a_transposed_convolution_too_large_is_refused_before_it_is_built() -> None:
    lab = ConvScrubber()
    lab.set_input("rgb-scene-32x32")
    lab.set_kernel("vertical-edge-5x5")
    lab.set_mode("transpose")
    assert lab.error is None
    lab.set_out_channels(4)
    lab.set_stride(8)
    lab.set_dilation(8)
    assert lab.error is not None
    assert "at most 4,000,000 are allowed" in lab.error
    assert lab.length == 0


def test_a_step_about_the_whole_output_opens_with_every_window_computed() -> None:
    scene = ConvScene(
        input="rgb-scene-32x32",
        kernel="vertical-edge-5x5",
        in_channels=1,
        out_channels=2,
        cursor="end",
    )
    scrubber = ConvScrubber.from_scene(scene)
    assert scrubber.at_end
    assert scrubber.output is not None
    assert scrubber.output.shape == (2, 28, 28)
    assert scrubber.computed().all()
    scrubber.set_stride(2)  # what the step's text asks the learner to try
    assert scrubber.at_end
    assert scrubber.output is not None
    assert scrubber.output.shape == (2, 14, 14)
    assert (
        not ConvScrubber.from_scene(scene.model_copy(update={"cursor": "start"})).computed().any()
    )
