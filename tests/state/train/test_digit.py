"""A drawing made into an MNIST digit as LeCun's preprocessing does (bounding box to 20×20,
centre of mass to the centre), and a digit read by the model the views show."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.data import load_mnist
from gradlab.state.train.config import TrainSettings
from gradlab.state.train.digit import BOX, SIDE, _area_weights, softmax, to_mnist
from gradlab.state.train.run import TrainingRun

CNN = TrainSettings(dataset="mnist", architecture="mnist-cnn", batch_size=200, lr=0.003)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    rows, columns = np.indices(image.shape)
    return float((rows * image).sum() / total), float((columns * image).sum() / total)


def stroke(rows: int, columns: int, top: int, left: int, height: int, width: int) -> np.ndarray:
    drawing = np.zeros((rows, columns))
    drawing[top : top + height, left : left + width] = 1.0
    return drawing


@given(
    st.integers(1, 150), st.integers(1, 150), st.integers(0, 60), st.integers(0, 60),
    st.integers(160, 240),
)  # fmt: skip
@settings(max_examples=80, deadline=None)
def test_the_ink_is_scaled_into_20_pixels_and_centred_by_its_mass(
    height: int, width: int, top: int, left: int, side: int
) -> None:
    digit = to_mnist(stroke(side, side, top, left, height, width))
    height, width = min(height, side - top), min(width, side - left)  # what fits the canvas
    assert digit.shape == (SIDE, SIDE)
    assert digit.dtype == np.float32
    rows, columns = np.flatnonzero(digit.max(axis=1)), np.flatnonzero(digit.max(axis=0))
    box = (rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1)
    assert max(box) == BOX  # the longer side fills the 20-pixel box
    assert min(box) == max(1, round(min(height, width) * BOX / max(height, width)))
    # a whole-pixel shift puts the centre of mass within half a pixel of MNIST's centre
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14.0) <= 0.5 + 1e-9
    assert abs(cx - 14.0) <= 0.5 + 1e-9
    # area averaging keeps the ink: the mean over the box is the ink's share of its box
    assert digit.sum() == pytest.approx(box[0] * box[1], rel=1e-5)


def test_scaling_averages_the_area_each_pixel_covers() -> None:
    # 10 pixels into 4: each new pixel covers 2.5 old ones
    weights = _area_weights(10, 4)
    assert weights.sum(axis=1) == pytest.approx(np.ones(4))
    assert weights[0] == pytest.approx([0.4, 0.4, 0.2, 0, 0, 0, 0, 0, 0, 0])
    # and agrees with torch's area interpolation where that is exact (integer factors)
    image = np.random.default_rng(0).random((40, 60))
    ours = _area_weights(40, 20) @ image @ _area_weights(60, 20).T
    theirs = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(image)[None], (20, 20))[0]
    assert ours == pytest.approx(theirs.numpy())


def test_mnists_own_digits_come_out_as_they_went_in() -> None:
    # they were made this way: each is its own preprocessing, to the last pixel
    digits = load_mnist().x_test[:300, 0]
    assert all(np.array_equal(to_mnist(digit), digit) for digit in digits)


def test_a_blank_drawing_is_a_blank_digit_and_a_cube_is_refused() -> None:
    assert not to_mnist(np.zeros((50, 50))).any()
    with pytest.raises(ValueError, match="rows of pixels"):
        to_mnist(np.zeros((2, 2, 2)))


def test_the_run_reads_a_drawing_with_the_model_the_views_show() -> None:
    run = TrainingRun(CNN)
    seen: list[bool] = []
    run.drawn.connect(lambda: seen.append(True))
    for _ in range(run.batches_per_epoch):
        run.step()
    drawing = np.zeros((200, 200))
    drawing[30:170, 90:110] = 1.0  # a one
    reading = run.read_drawing(drawing)
    assert seen == [True]
    assert np.array_equal(reading.image, to_mnist(drawing))
    model = run.model
    model.eval()
    scores = model(torch_free(reading.image)).data[0]
    assert reading.probabilities == pytest.approx(softmax(scores))
    assert reading.predicted == int(np.argmax(scores))
    # rewound to step 0, the untrained snapshot reads it, differently
    run.snapshots.seek(0)
    early = run.read_drawing(drawing)
    assert not np.allclose(early.probabilities, reading.probabilities)
    assert [m.tiles.shape for m in reading.maps] == [(8, 28, 28), (16, 14, 14)]
    assert reading.filters[1].columns == 8  # conv 2: a row of 8 input channels per filter


def torch_free(image: np.ndarray) -> object:
    from gradlab.engine.tensor import Tensor

    return Tensor(image[None, None], dtype=np.float32)


def test_a_linear_model_shows_its_weights_as_templates() -> None:
    run = TrainingRun(TrainSettings(dataset="mnist", architecture="linear", batch_size=500))
    reading = run.read_digit(run.data.x_test[0])
    assert reading.maps == ()
    (templates,) = reading.filters
    assert templates.tiles.shape == (10, 28, 28)
    assert "28×28" in templates.label
