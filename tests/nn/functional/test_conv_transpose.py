"""conv_transpose2d and ConvTranspose2d against torch (values and grads, float64) on drawn
geometry, central differences, the output-size rule, and the adjoint of conv2d."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import check_against_torch

from gradlab.engine import Tensor
from gradlab.nn import functional as F
from gradlab.nn.functional.conv_transpose import transposed_output_size
from gradlab.nn.layers import ConvTranspose2d


@st.composite
def transpose_cases(draw: st.DrawFn) -> dict[str, object]:
    """Geometry torch accepts: output_padding below the stride or the dilation, and padding
    that leaves at least one output cell."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = []
    for n, k, s, d, op in zip((h, w), kernel, stride, dilation, output_padding, strict=True):
        most = ((n - 1) * s + d * (k - 1) + op) // 2
        padding.append(draw(st.integers(0, min(most, 2))))
    return {
        "x": (draw(st.integers(1, 2)), c_in, h, w),
        "weight": (c_in, c_out // groups, *kernel),
        "bias": draw(st.booleans()),
        "args": {
            "stride": stride,
            "padding": tuple(padding),
            "output_padding": output_padding,
            "groups": groups,
            "dilation": dilation,
        },
        "seed": draw(st.integers(0, 10_000)),
    }


def arrays_of(case: dict) -> list[np.ndarray]:
    rng = np.random.default_rng(case["seed"])
    arrays = [rng.normal(size=case["x"]), rng.normal(size=case["weight"])]
    if case["bias"]:
        arrays.append(rng.normal(size=case["weight"][1] * case["args"]["groups"]))
    return arrays


@settings(max_examples=80, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_matches_torch_values_and_both_grads(case: dict) -> None:
    args = case["args"]
    check_against_torch(
        lambda *t: F.conv_transpose2d(*t, **args),
        lambda *t: TF.conv_transpose2d(*t, **args),
        arrays_of(case),
        seed=case["seed"],
    )


@settings(max_examples=6, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_grads_match_central_differences(case: dict) -> None:
    args = case["args"]
    check_against_torch(
        lambda *t: F.conv_transpose2d(*t, **args),
        lambda *t: TF.conv_transpose2d(*t, **args),
        arrays_of(case),
        numeric_rtol=1e-7,
    )


@settings(max_examples=60, deadline=None)
@given(case=transpose_cases())
def test_output_size_rule_and_conv2d_maps_back(case: dict) -> None:
    args = case["args"]
    x, w = arrays_of(case)[:2]
    out = F.conv_transpose2d(Tensor(x), Tensor(w), **args)
    for axis in (0, 1):
        n, k = x.shape[2 + axis], w.shape[2 + axis]
        s, p = args["stride"][axis], args["padding"][axis]
        d, op = args["dilation"][axis], args["output_padding"][axis]
        size = transposed_output_size(n, k, s, p, d, op)
        assert out.shape[2 + axis] == size == (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        # a conv2d of the same geometry takes that size back to n (output_padding picks one of
        # the s sizes it maps onto n; a larger one, allowed by a larger dilation, maps beyond)
        back = math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1
        assert back == n + op // s


@settings(max_examples=40, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_is_the_gradient_of_conv2d(case: dict) -> None:
    """conv_transpose2d(g, W) = dL/dX of Y = conv2d(X, W) with upstream g: the same weight,
    read the other way (C_in of the transposed conv is the conv's output channels)."""
    args = case["args"]
    assume(all(op < s for op, s in zip(args["output_padding"], args["stride"], strict=True)))
    g, w = arrays_of(case)[:2]
    out = F.conv_transpose2d(Tensor(g), Tensor(w), **args)
    x = Tensor(np.zeros((g.shape[0], out.shape[1], *out.shape[2:])), requires_grad=True)
    conv_args = {k: args[k] for k in ("stride", "padding", "dilation", "groups")}
    y = F.conv2d(x, Tensor(w), **conv_args)
    assert y.shape == g.shape
    y.backward(g)
    assert x.grad is not None
    np.testing.assert_allclose(out.data, x.grad, atol=1e-12)


def test_the_stretch_pad_and_flip_reading() -> None:
    """The conv-lab reading: stretch with s − 1 zeros, pad by d(k − 1) − p (output_padding more
    at the bottom and right), convolve with the kernel turned 180°."""
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(1, 1, 3, 4)), rng.normal(size=(1, 1, 3, 3))
    s, p, op, k = 2, 1, 1, 3
    stretched = np.zeros((1, 1, (3 - 1) * s + 1, (4 - 1) * s + 1))
    stretched[..., ::s, ::s] = x
    edge = k - 1 - p
    padded = np.pad(stretched, ((0, 0), (0, 0), (edge, edge + op), (edge, edge + op)))
    as_conv = F.conv2d(Tensor(padded), Tensor(w[..., ::-1, ::-1].copy()))
    direct = F.conv_transpose2d(Tensor(x), Tensor(w), stride=s, padding=p, output_padding=op)
    np.testing.assert_allclose(direct.data, as_conv.data, atol=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"output_padding": 2, "stride": 2}, "output_padding 2 must be"),
        ({"padding": 5}, "padding 5 crops everything"),
        ({"groups": 2}, "groups=2 must divide input channels 3"),
    ],
)
def test_bad_geometry_is_refused_in_words(args: dict[str, int], message: str) -> None:
    x, w = Tensor(np.zeros((1, 3, 2, 2))), Tensor(np.zeros((3, 1, 3, 3)))
    with pytest.raises(ValueError, match=message):
        F.conv_transpose2d(x, w, **args)


def test_bias_of_the_wrong_shape_is_refused() -> None:
    x, w = Tensor(np.zeros((1, 2, 2, 2))), Tensor(np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        F.conv_transpose2d(x, w, Tensor(np.zeros(2)))


@settings(max_examples=20, deadline=None)
@given(
    stride=st.integers(1, 3),
    padding=st.integers(0, 1),
    dilation=st.integers(1, 2),
    groups=st.sampled_from([1, 2]),
    seed=st.integers(0, 100),
)
def test_conv_transpose2d_layer_matches_torch(
    stride: int, padding: int, dilation: int, groups: int, seed: int
) -> None:
    output_padding = seed % max(stride, dilation)
    layer = ConvTranspose2d(
        4, 6, 3, stride, padding, output_padding, groups, True, dilation, rng=seed, dtype=np.float64
    )
    reference = torch.nn.ConvTranspose2d(
        4, 6, 3, stride, padding, output_padding, groups, True, dilation
    ).double()
    reference.load_state_dict({k: torch.tensor(v) for k, v in layer.state_dict().items()})
    assert layer.weight.shape == tuple(reference.weight.shape) == (4, 6 // groups, 3, 3)
    x = np.random.default_rng(seed).normal(size=(2, 4, 5, 4))
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = layer(ours), reference(theirs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    assert layer.weight.grad is not None
    assert reference.weight.grad is not None
    np.testing.assert_allclose(layer.weight.grad, reference.weight.grad.numpy(), atol=1e-10)
    assert ours.grad is not None
    assert theirs.grad is not None
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), atol=1e-10)


def test_conv_transpose2d_layer_init_and_repr() -> None:
    layer = ConvTranspose2d(6, 16, 5, stride=2, output_padding=1, rng=0)
    # PyTorch's fan_in for a transposed weight (in, out/groups, k, k) is out/groups · k · k
    assert np.abs(layer.weight.data).max() <= 1 / math.sqrt(16 * 25)
    assert layer.weight.data.dtype == np.float32
    assert repr(layer).startswith(
        "ConvTranspose2d(6, 16, kernel_size=(5, 5), stride=(2, 2), output_padding=(1, 1)"
    )
    with pytest.raises(ValueError, match="output_padding"):
        ConvTranspose2d(1, 1, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="groups=2"):
        ConvTranspose2d(3, 4, 3, groups=2)
