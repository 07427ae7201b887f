"""Tests for convgui.stepper: the step-by-step walkthrough used for teaching.

Expected values come from the brute-force reference in ``reference.py`` (which imports nothing
from convgui), from sums and strings worked out by hand, and from index arithmetic written here.
"""

from __future__ import annotations

import numpy as np
import pytest
from engines import ENGINES, selected_engine
from reference import _source_index, reference_convolve2d, reference_pads

from convgui.engine import convolve2d
from convgui.shapes import ShapeError
from convgui.stepper import EXAMPLES, Walkthrough, format_number

BOUNDARIES = ["constant", "reflect", "symmetric", "edge", "wrap"]

FIVE = EXAMPLES["5×5 input, 3×3 kernel"]
THREE_BY_FOUR = EXAMPLES["3×4 input, 2×2 kernel"]
RGB = EXAMPLES["4×4 RGB input, 3×3 kernel"]


engine_name = pytest.fixture(autouse=True, params=ENGINES)(selected_engine)


SETTINGS = (
    [
        {},
        {"stride": 2},
        {"stride": (1, 2)},
        {"dilation": 2, "padding": "same"},
        {"dilation": (1, 2), "padding": 2, "boundary": "reflect"},
        {"padding": ((0, 1), (2, 0)), "stride": 2, "cval": -1.0},
        {"flip": True},
        {"flip": True, "padding": "same", "boundary": "symmetric", "stride": 2},
        {"bias": 2.5},
    ]
    + [{"padding": "same", "boundary": b, "cval": 3.0} for b in BOUNDARIES]
    + [{"padding": "full", "boundary": b} for b in BOUNDARIES]
)


def assert_totals_match(w, expected):
    assert w.output.shape == expected.shape
    np.testing.assert_allclose(w.output, expected, atol=1e-4)
    assert len(w) == expected.size
    for n in range(len(w)):
        step = w.step(n)
        assert step.total == pytest.approx(expected[step.output_index], abs=1e-4)
        assert step.total == pytest.approx(w.output[step.output_index], abs=1e-4)
        assert step.total == pytest.approx(
            sum(t.value * t.weight for t in step.taps) + step.bias, abs=1e-9
        )


# ----------------------------------------------------------------------------------------------
# Totals against the engine and the reference


@pytest.mark.parametrize("kwargs", SETTINGS)
@pytest.mark.parametrize("example", [FIVE, THREE_BY_FOUR])
def test_every_step_total_is_the_engine_output(example, kwargs):
    image, kernel = example.image_array(), example.kernel_array()
    w = Walkthrough(image, kernel, **kwargs)
    assert w.mode == "plane"
    expected = reference_convolve2d(image, kernel, **kwargs)
    assert_totals_match(w, expected)
    np.testing.assert_allclose(w.output, convolve2d(image, kernel, **kwargs), atol=1e-6)


@pytest.mark.parametrize("kwargs", SETTINGS[:10])
def test_random_rectangular_float_input(kwargs):
    rng = np.random.default_rng(5)
    image = rng.standard_normal((6, 7))
    kernel = rng.standard_normal((3, 2))
    w = Walkthrough(image, kernel, **kwargs)
    assert_totals_match(w, reference_convolve2d(image, kernel, **kwargs))


@pytest.mark.parametrize("kwargs", SETTINGS[::2])
def test_cnn_mode_three_slices_and_bias(kwargs):
    kwargs = {**kwargs, "bias": kwargs.get("bias", 0.0) - 1.5}
    image, kernel = RGB.image_array(), RGB.kernel_array()
    assert kernel.shape == (3, 3, 3)
    w = Walkthrough(image, kernel, **kwargs)
    assert w.mode == "cnn"
    assert w.padded.ndim == 3 and w.padded.shape[2] == 3
    bias = kwargs.pop("bias")
    expected = sum(
        reference_convolve2d(image[:, :, c], kernel[:, :, c], **kwargs) for c in range(3)
    ) + bias
    assert_totals_match(w, expected)
    step = w.step(0)
    kh, kw = kernel.shape[:2]
    assert len(step.taps) == 3 * kh * kw
    # channel by channel, each slice in kernel order
    assert [t.channel for t in step.taps] == [c for c in range(3) for _ in range(kh * kw)]


def test_rgb_example_by_hand():
    w = RGB.walkthrough()
    # red diagonal + green middle column + blue (left − right of the middle row) + bias 1
    # (0, 0): (2 + 3 + 2) + (1 + 2 + 0) + (1 − 2) + 1 = 10
    np.testing.assert_array_equal(w.output, [[10, 4], [8, 9]])
    assert [w.step(n).total for n in range(4)] == [10, 4, 8, 9]
    assert w.step(0).text.endswith(" + 0·0 + 2·(−1) + 1·0 + 1·0 + 0·0 + 1 = 10")


def test_per_channel_mode_walks_the_chosen_channel():
    image, kernel = RGB.image_array(), FIVE.kernel_array()
    w = Walkthrough(image, kernel, padding="same", boundary="edge", channel=2)
    assert (w.mode, w.channel) == ("per-channel", 2)
    assert w.padded.ndim == 2
    expected = reference_convolve2d(image[:, :, 2], kernel, padding="same", boundary="edge")
    assert_totals_match(w, expected)
    assert {t.channel for t in w.step(0).taps} == {2}
    assert Walkthrough(image, kernel).channel == 0


def test_luma_and_sum_modes():
    image, kernel = RGB.image_array(), THREE_BY_FOUR.kernel_array()
    luma = Walkthrough(image, kernel, channels="luma", padding="same")
    assert luma.mode == "luma" and luma.channel is None
    assert_totals_match(
        luma, reference_convolve2d(image, kernel, channels="luma", padding="same")
    )
    summed = Walkthrough(image, kernel, channels="sum", bias=1.0)
    assert summed.mode == "cnn"
    assert_totals_match(
        summed, reference_convolve2d(image, kernel, channels="sum", bias=1.0)
    )


def test_integer_image_gives_float32_output_with_the_same_totals():
    image = np.asarray(FIVE.image_array(), dtype=np.uint8)
    w = Walkthrough(image, FIVE.kernel_array(), padding="same")
    assert w.output.dtype == np.float32
    assert_totals_match(w, reference_convolve2d(image, FIVE.kernel_array(), padding="same"))


# ----------------------------------------------------------------------------------------------
# The written-out sums


def test_text_of_the_first_step_by_hand():
    w = FIVE.walkthrough()
    step = w.step(0)
    assert step.output_index == (0, 0)
    assert step.text == "3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −5"
    assert step.total == -5
    # the whole 5×5 example by hand (left column sum − right column sum of each window)
    np.testing.assert_array_equal(w.output, [[-5, -4, 0], [-10, -2, 2], [0, -2, -4]])


def test_text_with_bias_and_fractions():
    w = THREE_BY_FOUR.walkthrough(bias=0.5)
    assert w.step(0).text == "1·1 + 2·2 + 4·0 + 1·(−1) + 0.5 = 4.5"
    w = THREE_BY_FOUR.walkthrough(bias=-2)
    assert w.step(0).text == "1·1 + 2·2 + 4·0 + 1·(−1) + (−2) = 2"
    w = Walkthrough([[1, 2]], [[1 / 3, -0.25]])
    assert w.step(0).text == "1·0.3333 + 2·(−0.25) = −0.1667"


@pytest.mark.parametrize(
    ("value", "parens", "text"),
    [
        (3, False, "3"), (3.0, False, "3"), (-2, False, "−2"), (-2, True, "(−2)"),
        (0.0, True, "0"), (-0.0, True, "0"), (0.5, False, "0.5"), (1 / 3, False, "0.3333"),
        (-1234.5678, True, "(−1235)"), (2.71828, False, "2.718"), (100000, False, "100000"),
        (1e-05, False, "1e−05"), (-1.5e-7, False, "−1.5e−07"),
    ],
)
def test_format_number(value, parens, text):
    assert format_number(value, parens=parens) == text


# ----------------------------------------------------------------------------------------------
# Where the windows go


def test_stride_two_visits():
    w = FIVE.walkthrough(stride=2)
    assert len(w) == 4
    assert w.visits() == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [w.window(n)[0] for n in range(4)] == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert [w.origin(n) for n in range(4)] == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert w.window(3) == [(r, c) for r in (2, 3, 4) for c in (2, 3, 4)]


def test_dilation_spaces_the_taps():
    w = FIVE.walkthrough(dilation=2)
    assert len(w) == 1
    assert w.window(0) == [(r, c) for r in (0, 2, 4) for c in (0, 2, 4)]
    step = w.step(0)
    assert [t.padded_index for t in step.taps] == w.window(0)
    # left column (3 + 2 + 4) − right column (7 + 1 + 2) of the spread taps
    assert step.total == -1
    assert [t.kernel_index for t in step.taps] == [(a, b) for a in range(3) for b in range(3)]


def test_visits_and_index_of_are_row_major():
    w = THREE_BY_FOUR.walkthrough(padding="full")
    oh, ow = w.out_hw
    assert (oh, ow) == (4, 5)
    assert w.visits() == [(i, j) for i in range(oh) for j in range(ow)]
    for n, (i, j) in enumerate(w.visits()):
        assert w.index_of(i, j) == n
        assert w.step(n).output_index == (i, j)
    assert w.step(-1).output_index == (oh - 1, ow - 1)
    with pytest.raises(IndexError):
        w.step(oh * ow)
    with pytest.raises(IndexError):
        w.index_of(oh, 0)
    with pytest.raises(TypeError):
        w.step(1.0)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_padded_cells_are_marked_and_filled_per_boundary(boundary):
    image = FIVE.image_array()
    w = FIVE.walkthrough(padding="same", stride=2, dilation=2, boundary=boundary, cval=9.0)
    # "same" with k=3, d=2, s=2 on 5: 3 outputs, (3−1)·2 + 5 − 5 = 4 padding, 2 per side
    pads = tuple(reference_pads(5, 3, "same", 2, 2, False) for _ in range(2))
    assert w.pads == pads == ((2, 2), (2, 2))
    assert w.padded.shape == (9, 9)
    top, left = pads[0][0], pads[1][0]
    for r in range(9):
        for c in range(9):
            sr, sc = _source_index(r - top, 5, boundary), _source_index(c - left, 5, boundary)
            want = 9.0 if sr is None or sc is None else image[sr, sc]
            assert w.padded[r, c] == want, (r, c)
    seen_padding = False
    for n in range(len(w)):
        for t in w.step(n).taps:
            r, c = t.input_index
            assert t.padded_index == (r + top, c + left)
            assert t.in_padding == (not (0 <= r < 5 and 0 <= c < 5))
            assert t.value == w.padded[t.padded_index]
            seen_padding |= t.in_padding
    assert seen_padding


def test_reflect_padding_values_by_hand():
    w = FIVE.walkthrough(padding=1, boundary="reflect")
    step = w.step(0)
    first = step.taps[0]
    assert first.in_padding and first.input_index == (-1, -1)
    assert first.value == 5  # reflect: (−1, −1) mirrors (1, 1)
    assert [t.in_padding for t in step.taps] == [True] * 4 + [False, False, True] + [False] * 2
    assert [t.value for t in step.taps] == [5, 1, 5, 0, 3, 0, 5, 1, 5]


def test_flip_uses_the_rotated_kernel():
    w = FIVE.walkthrough(flip=True)
    step = w.step(0)
    assert step.taps[0].kernel_index == (2, 2) and step.taps[0].padded_index == (0, 0)
    assert step.taps[-1].kernel_index == (0, 0)
    # a true convolution with the left-minus-right kernel is right minus left: +5
    assert step.total == 5
    assert step.text == "3·(−1) + 0·0 + 1·1 + 1·(−1) + 5·0 + 8·1 + 2·(−1) + 7·0 + 2·1 = 5"


# ----------------------------------------------------------------------------------------------
# Which outputs a cell feeds


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"stride": 2}, {"dilation": 2, "padding": "full"}, {"padding": 1, "stride": (2, 1)},
     {"padding": "same", "flip": True}],
)
def test_contributors_match_brute_force(kwargs):
    w = THREE_BY_FOUR.walkthrough(**kwargs) if "dilation" in kwargs else FIVE.walkthrough(
        **kwargs)
    (sh, sw), (dh, dw) = w.geometry.stride, w.geometry.dilation
    kh, kw = w.kernel.shape[:2]
    oh, ow = w.out_hw
    feeds: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    feeds.setdefault((i * sh + a * dh, j * sw + b * dw), set()).add((i, j))
    ph, pw = w.padded.shape[:2]
    for r in range(ph):
        for c in range(pw):
            got = w.contributors(r, c)
            assert got == sorted(got)
            assert set(got) == feeds.get((r, c), set()), (r, c)
    assert w.contributors(-1, 0) == [] and w.contributors(ph, 0) == []


def test_contributors_by_hand():
    w = FIVE.walkthrough(stride=2)
    assert w.contributors(2, 2) == [(0, 0), (0, 1), (1, 0), (1, 1)]  # the shared centre cell
    assert w.contributors(0, 0) == [(0, 0)]
    assert w.contributors(0, 3) == [(0, 1)]


# ----------------------------------------------------------------------------------------------
# Examples and errors


def test_examples_are_small_integer_grids():
    assert list(EXAMPLES) == [
        "5×5 input, 3×3 kernel", "3×4 input, 2×2 kernel", "4×4 RGB input, 3×3 kernel",
    ]
    assert FIVE.image_array().shape == (5, 5) and FIVE.kernel_array().shape == (3, 3)
    assert THREE_BY_FOUR.image_array().shape == (3, 4)
    assert THREE_BY_FOUR.kernel_array().shape == (2, 2)
    assert RGB.image_array().shape == (4, 4, 3) and RGB.kernel_array().shape == (3, 3, 3)
    for example in EXAMPLES.values():
        for grid in (*example.image, *example.kernel):
            assert all(isinstance(v, int) for row in grid for v in row)
        channels = RGB.kernel_array()
        assert not np.array_equal(channels[:, :, 0], channels[:, :, 1])


def test_walkthrough_errors():
    image, kernel = FIVE.image_array(), FIVE.kernel_array()
    with pytest.raises(ValueError, match="channel"):
        Walkthrough(image, kernel, channel=1)
    with pytest.raises(ValueError, match="channel 3 does not exist"):
        Walkthrough(RGB.image_array(), kernel, channel=3)
    with pytest.raises(ValueError, match="2 channel slices but the image has 3 channels"):
        Walkthrough(RGB.image_array(), np.ones((3, 3, 2)))
    with pytest.raises(ShapeError):
        Walkthrough(image, np.ones((6, 6)))
    with pytest.raises(ValueError, match="boundary"):
        Walkthrough(image, kernel, boundary="mirror")
    with pytest.raises(ValueError, match="channel mode"):
        Walkthrough(image, kernel, channels="rgb")
    with pytest.raises(ValueError):
        Walkthrough(image, [[1, np.nan]])
