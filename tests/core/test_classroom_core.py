"""Tests for the Classroom core: activations, CNN layers (conv_layer), frequency responses and
shape chains.

Expected values come from the brute-force reference in ``reference.py`` (which imports nothing
from convgui), from NumPy written here and from numbers worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from engines import ENGINES, selected_engine
from reference import reference_convolve2d

from convgui.engine import ACTIVATIONS, activate, conv_layer
from convgui.kernels import box, frequency_response, gaussian
from convgui.shapes import (
    ACTIVATION_LABELS,
    ActivationStep,
    ChainLink,
    ConvStep,
    GlobalPoolStep,
    PoolStep,
    ShapeError,
    TransposedStep,
    chain_params,
    chain_text,
    shape_chain,
)

engine_name = pytest.fixture(params=ENGINES)(selected_engine)


# ----------------------------------------------------------------------------------------------
# activate


def test_activations():
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -7.0]])
    np.testing.assert_array_equal(activate(x, "relu"), [[0, 0, 0], [0.5, 3, 0]])
    np.testing.assert_array_equal(activate(x, "abs"), [[2, 0.5, 0], [0.5, 3, 7]])
    none = activate(x, "none")
    np.testing.assert_array_equal(none, x)
    none[0, 0] = 99.0
    assert x[0, 0] == -2.0  # a copy, never the input


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_activations_keep_dtype_and_shape(dtype):
    x = np.arange(-6, 6).reshape(2, 3, 2).astype(dtype)
    for mode in ACTIVATIONS:
        out = activate(x, mode)
        assert out.dtype == dtype and out.shape == x.shape


def test_activation_errors():
    with pytest.raises(ValueError, match="tanh"):
        activate(np.ones(3), "tanh")
    with pytest.raises(TypeError):
        activate(np.array(["a"]), "relu")


def test_activation_names_agree_with_the_chain_labels():
    assert ACTIVATIONS == ("none", "relu", "abs")
    assert tuple(ACTIVATION_LABELS) == ACTIVATIONS


# ----------------------------------------------------------------------------------------------
# conv_layer


def expected_layer(image, weights, bias, **kwargs):
    """Σ_c reference(image[..., c], weights[k, :, :, c]) + bias[k], stacked over k."""
    maps = []
    for k in range(weights.shape[0]):
        total = sum(
            reference_convolve2d(image[:, :, c], weights[k, :, :, c], **kwargs)
            for c in range(image.shape[2])
        )
        maps.append(total + (0.0 if bias is None else bias[k]))
    return np.stack(maps, axis=2)


LAYER_SETTINGS = [
    {},
    {"padding": "same", "boundary": "reflect"},
    {"padding": "full", "boundary": "constant", "cval": 2.0},
    {"padding": 1, "stride": 2, "boundary": "edge"},
    {"padding": "same", "stride": (2, 1), "dilation": 2, "boundary": "wrap"},
    {"padding": ((1, 0), (0, 2)), "boundary": "symmetric", "flip": True},
    {"padding": "same", "flip": True, "boundary": "reflect"},
]


@pytest.mark.parametrize("kwargs", LAYER_SETTINGS)
def test_one_filter_three_different_slices_is_the_sum_of_channel_convolutions(
    engine_name, kwargs,
):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 10, size=(7, 8, 3)).astype(np.float64)
    weights = np.stack(
        [
            np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),  # red: Sobel x
            np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),  # green: Laplacian
            np.array([[1, 2, 3], [0, 0, 0], [-3, -2, -1]]),  # blue: something asymmetric
        ],
        axis=2,
    )[None].astype(np.float64)
    got = conv_layer(image, weights, [0.5], **kwargs)
    expected = expected_layer(image, weights, [0.5], **kwargs)
    assert got.shape == expected.shape
    assert got.ndim == 3 and got.shape[2] == 1
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, atol=1e-9)


@pytest.mark.parametrize("kwargs", LAYER_SETTINGS[:4])
def test_k_filters_give_k_maps(engine_name, kwargs):
    rng = np.random.default_rng(11)
    image = rng.standard_normal((6, 9, 2)).astype(np.float32)
    weights = rng.standard_normal((4, 2, 3, 2))
    bias = np.array([0.0, 1.0, -2.5, 10.0])
    got = conv_layer(image, weights, bias, **kwargs)
    expected = expected_layer(image, weights, bias, **kwargs)
    assert got.shape == expected.shape and got.shape[2] == 4
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_hand_computed_layer():
    # 2×2×2 image, one 2×2 filter per channel: output 1×1×2
    image = np.array([[[1, 10], [2, 20]], [[3, 30], [4, 40]]])
    weights = np.zeros((2, 2, 2, 2))
    weights[0, :, :, 0] = [[1, 1], [1, 1]]  # sum of channel 0 = 10
    weights[0, :, :, 1] = [[1, 0], [0, 0]]  # top-left of channel 1 = 10
    weights[1, :, :, 1] = [[0, 0], [0, 1]]  # bottom-right of channel 1 = 40
    got = conv_layer(image, weights, [1, -1])
    np.testing.assert_array_equal(got, [[[21, 39]]])


def test_two_d_image_is_one_channel_and_filters_may_be_a_list():
    image = np.arange(16.0).reshape(4, 4)
    f1 = np.ones((2, 2))  # (kh, kw): one channel
    f2 = np.array([[1.0, 0.0], [0.0, -1.0]])[:, :, None]  # (kh, kw, 1)
    got = conv_layer(image, [f1, f2])
    assert got.shape == (3, 3, 2)
    np.testing.assert_allclose(got[:, :, 0], reference_convolve2d(image, f1))
    np.testing.assert_allclose(got[:, :, 1], reference_convolve2d(image, f2[:, :, 0]))


def test_channel_mismatch_names_the_filter():
    image = np.ones((5, 5, 3))
    good, bad = np.ones((3, 3, 3)), np.ones((3, 3, 4))
    with pytest.raises(ValueError) as excinfo:
        conv_layer(image, [good, bad])
    assert str(excinfo.value) == "filter 2 has 4 channel slices but the image has 3 channels"
    with pytest.raises(ValueError, match="filter 1 has 2 channel slices but the image has 3"):
        conv_layer(image, np.ones((2, 3, 3, 2)))


@pytest.mark.parametrize(
    ("weights", "bias", "words"),
    [
        (np.ones((3, 3, 3)), None, ["4-D"]),
        ([], None, ["at least one filter"]),
        ([np.ones((3, 3, 3)), np.ones((5, 5, 3))], None, ["filter 2 is 5×5", "3×3"]),
        (np.ones((2, 3, 3, 3)), [1.0], ["bias has 1 values", "2 filters"]),
        (np.ones((2, 3, 3, 3)), 1.0, ["bias"]),
        (np.ones((1, 3, 3, 3)), [np.nan], ["bias"]),
        (np.full((1, 3, 3, 3), np.inf), None, ["infinity"]),
    ],
)
def test_layer_argument_errors(weights, bias, words):
    with pytest.raises(ValueError) as excinfo:
        conv_layer(np.ones((5, 5, 3)), weights, bias)
    for word in words:
        assert word in str(excinfo.value)


def test_layer_with_no_output_raises_shape_error():
    with pytest.raises(ShapeError):
        conv_layer(np.ones((2, 2, 1)), np.ones((1, 3, 3, 1)))


# ----------------------------------------------------------------------------------------------
# frequency_response


def centre_and_corners(resp):
    n = resp.shape[0]
    return resp[n // 2, n // 2], [resp[0, 0], resp[0, -1], resp[-1, 0], resp[-1, -1]]


def test_matches_numpy_fft_written_here():
    k = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]])
    padded = np.zeros((16, 16))
    padded[:2, :3] = k
    expected = np.abs(np.fft.fftshift(np.fft.fft2(padded)))
    got = frequency_response(k, 16)
    assert got.shape == (16, 16) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("kernel", [box(3), box(5), gaussian(5, 1.0), gaussian(7, 1.5)])
def test_blurs_are_low_pass(kernel):
    resp = frequency_response(kernel, 64)
    centre, corners = centre_and_corners(resp)
    assert centre == pytest.approx(abs(kernel.sum()))
    assert centre == pytest.approx(resp.max())
    assert max(corners) < 0.2 * centre


def test_gaussian_corners_are_tiny():
    resp = frequency_response(gaussian(7, 1.5), 64)
    _, corners = centre_and_corners(resp)
    assert max(corners) < 1e-3


def test_laplacian_is_high_pass():
    lap = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    resp = frequency_response(lap, 32)
    centre, corners = centre_and_corners(resp)
    assert centre == pytest.approx(0.0, abs=1e-12)
    # (0, 0) is the highest frequency after the shift (size even: −size/2, alternating ±1 both
    # ways): |−4 − 1 − 1 − 1 − 1| = 8; the other corners are one step below it
    assert resp[0, 0] == pytest.approx(8.0)
    assert resp.max() == pytest.approx(8.0)
    assert min(corners) > 7.9


@pytest.mark.parametrize("kernel", [np.ones((1, 1)), np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]])])
def test_identity_passes_everything(kernel):
    np.testing.assert_allclose(frequency_response(kernel, 17), np.ones((17, 17)), atol=1e-12)


def test_frequency_response_size_rules():
    assert frequency_response(np.ones((3, 5)), 5).shape == (5, 5)
    with pytest.raises(ValueError, match="at least 5"):
        frequency_response(np.ones((3, 5)), 4)
    with pytest.raises(ValueError):
        frequency_response(np.ones((3, 3)), 0)
    with pytest.raises(ValueError):
        frequency_response(np.ones((3, 3)), 2.5)
    with pytest.raises(ValueError):
        frequency_response(np.ones(3), 8)


# ----------------------------------------------------------------------------------------------
# Shape chains

EXAMPLE_STEPS = [ConvStep(16, 3, stride=2), ActivationStep("relu"), PoolStep(2)]


def test_example_chain_text():
    assert chain_text((128, 128, 3), EXAMPLE_STEPS) == (
        "128×128×3 → conv 16×(3×3×3), s2 → 63×63×16 → ReLU → max-pool 2×2 → 31×31×16"
    )


def test_example_chain_links_and_params():
    links = shape_chain((128, 128, 3), EXAMPLE_STEPS)
    assert [link.shape for link in links] == [(63, 63, 16), (63, 63, 16), (31, 31, 16)]
    assert [link.params for link in links] == [16 * (3 * 3 * 3 + 1), 0, 0]
    assert chain_params((128, 128, 3), EXAMPLE_STEPS) == 448
    assert links[0] == ChainLink(
        "conv 16×(3×3×3), s2", (63, 63, 16), 448, "⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63"
    )
    assert links[1].formula is None
    assert links[2].formula == "⌊(63 + 2·0 − 2)/2⌋ + 1 = 31"


def test_single_conv():
    assert chain_text((5, 5, 1), [ConvStep(1, 3)]) == "5×5×1 → conv 1×(3×3×1) → 3×3×1"
    assert chain_text((5, 5), [ConvStep(1, 3)]) == "5×5×1 → conv 1×(3×3×1) → 3×3×1"
    assert chain_params((5, 5, 1), [ConvStep(1, 3)]) == 10


def test_transposed_step():
    steps = [TransposedStep(3, stride=2)]
    assert chain_text((3, 3, 1), steps) == "3×3×1 → convT 1×(3×3), s2 → 7×7×1"
    (link,) = shape_chain((3, 3, 1), steps)
    assert link.shape == (7, 7, 1)
    assert link.params == 1 * (3 * 3 * 1 + 1)
    assert link.formula == "(3 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 7"


def test_transposed_step_with_options_and_channels():
    # 4×4×8 → 8 filters, kernel 4, stride 2, padding 1: (4−1)·2 − 2 + 3 + 0 + 1 = 8
    steps = [TransposedStep(4, stride=2, padding=1, filters=8)]
    assert chain_text((4, 4, 8), steps) == "4×4×8 → convT 8×(4×4), s2, p1 → 8×8×8"
    assert chain_params((4, 4, 8), steps) == 8 * (4 * 4 * 8 + 1)
    steps = [TransposedStep(3, stride=2, padding=1, output_padding=1, filters=2)]
    # (5−1)·2 − 2 + 2 + 1 + 1 = 10
    assert chain_text((5, 5, 1), steps) == "5×5×1 → convT 2×(3×3), s2, p1, op1 → 10×10×2"


def test_impossible_chain_names_the_failing_step():
    steps = [ConvStep(8, 3), ActivationStep("abs"), PoolStep(2), PoolStep(2)]
    # 4×4 → 2×2 → |x| → 1×1 → a 2×2 window no longer fits
    with pytest.raises(ShapeError) as excinfo:
        shape_chain((4, 4, 1), steps)
    message = str(excinfo.value)
    assert message.startswith("step 4 (max-pool 2×2): pooling window 2 is larger than")
    with pytest.raises(ShapeError, match=r"^step 1 \(conv 1×\(5×5×3\)\): "):
        chain_text((4, 4, 3), [ConvStep(1, 5)])


def test_bad_step_settings_name_the_step():
    with pytest.raises(ValueError, match=r"^step 2 \(convT 1×\(3×3\), op1\): output_padding"):
        shape_chain((3, 3), [ActivationStep("none"), TransposedStep(3, output_padding=1)])
    with pytest.raises(ValueError, match=r"^step 1 .*stride"):
        shape_chain((8, 8), [ConvStep(1, 3, stride=0)])
    with pytest.raises(TypeError, match="step 1"):
        shape_chain((8, 8), ["conv"])
    with pytest.raises(ValueError):
        ActivationStep("tanh")
    with pytest.raises(ValueError):
        PoolStep(2, mode="min")
    with pytest.raises(ValueError):
        shape_chain((8, 8, 0), [])


def test_labels_for_options():
    steps = [
        ConvStep(4, 3, padding="same"),
        ConvStep(4, (3, 5), padding=1, dilation=2),
        ActivationStep("abs"),
        PoolStep(3, stride=2, mode="avg", padding=1),
        GlobalPoolStep("max"),
    ]
    # same → 8×8×4; (8 + 2 − 4 − 1) + 1 = 6, (8 + 2 − 8 − 1) + 1 = 2; ⌊(6 + 2 − 3)/2⌋ + 1 = 3,
    # ⌊(2 + 2 − 3)/2⌋ + 1 = 1
    assert chain_text((8, 8), steps) == (
        "8×8×1 → conv 4×(3×3×1), same → 8×8×4 → conv 4×(3×5×4), d2, p1 → 6×2×4 → |x| → "
        "avg-pool 3×3, s2, p1 → 3×1×4 → global max-pool → 1×1×4"
    )
    assert chain_params((8, 8), steps) == 4 * (9 + 1) + 4 * (15 * 4 + 1)
    links = shape_chain((8, 8), steps)
    assert links[1].formula == (
        "H: ⌊(8 + 1 + 1 − 4 − 1)/1⌋ + 1 = 6; W: ⌊(8 + 1 + 1 − 8 − 1)/1⌋ + 1 = 2"
    )


def test_shape_only_printed_when_a_pool_changes_it():
    # a 1×1 stride-1 pool and a global pool of a 1×1 map keep the shape
    steps = [PoolStep(1), ConvStep(2, 3, stride=(1, 2), channels="per-channel"),
             GlobalPoolStep("avg"), GlobalPoolStep("avg"), ActivationStep("none")]
    assert chain_text((3, 3, 2), steps) == (
        "3×3×2 → max-pool 1×1 → conv 2×(3×3) per channel, s(1, 2) → 1×1×4 → global avg-pool "
        "→ global avg-pool → identity"
    )


def test_empty_chain():
    assert shape_chain((4, 5, 2), []) == []
    assert chain_text((4, 5, 2), []) == "4×5×2"
    assert chain_params((4, 5), []) == 0
