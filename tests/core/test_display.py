"""Tests for convgui.display: every mode on small hand-computed arrays, including inf/NaN."""

from __future__ import annotations

import numpy as np
import pytest

from convgui.display import (
    DISPLAY_MODES,
    GUI_DISPLAY_MODES,
    MODE_DESCRIPTIONS,
    suggest_mode,
    symmetric_levels,
    to_uint8,
)

INF, NAN = np.inf, np.nan


def _u8(values):
    return np.array(values, dtype=np.uint8)


def test_mode_lists():
    assert DISPLAY_MODES == ("clip", "abs", "normalize", "offset")
    assert GUI_DISPLAY_MODES == DISPLAY_MODES + ("diverging",)
    assert set(MODE_DESCRIPTIONS) == set(GUI_DISPLAY_MODES)


def test_clip_8bit():
    x = np.array([[-10.0, 0.0, 0.4, 0.5], [127.4, 127.5, 255.0, 300.0]])
    np.testing.assert_array_equal(to_uint8(x, "clip"), _u8([[0, 0, 0, 1], [127, 128, 255, 255]]))


def test_clip_16bit_range():
    x = np.array([[0.0, 257.0, 32767.5, 65535.0, 70000.0]], np.float32)
    out = to_uint8(x, "clip", (0, 65535))
    np.testing.assert_array_equal(out, _u8([[0, 1, 128, 255, 255]]))


def test_clip_custom_range():
    # float TIFF range (-1, 3): -1 -> 0, 1 -> 127.5 -> 128, 3 -> 255
    x = np.array([[-5.0, -1.0, 1.0, 3.0, 9.0]])
    np.testing.assert_array_equal(to_uint8(x, "clip", (-1.0, 3.0)), _u8([[0, 0, 128, 255, 255]]))


def test_abs():
    x = np.array([[-300.0, -100.0, 0.0, 50.2, -50.5]])
    np.testing.assert_array_equal(to_uint8(x, "abs"), _u8([[255, 100, 0, 50, 51]]))
    # 16-bit: |-32767.5| -> 127.5 -> 128
    np.testing.assert_array_equal(to_uint8(np.array([-32767.5]), "abs", (0, 65535)), _u8([128]))


def test_normalize():
    x = np.array([[-1.0, 0.0], [1.0, 3.0]])
    # (x + 1) * 255 / 4 = 0, 63.75, 127.5, 255
    np.testing.assert_array_equal(to_uint8(x, "normalize"), _u8([[0, 64], [128, 255]]))
    # independent of value_range
    np.testing.assert_array_equal(to_uint8(x, "normalize", (0, 65535)), _u8([[0, 64], [128, 255]]))


def test_normalize_constant_is_black():
    np.testing.assert_array_equal(to_uint8(np.full((2, 2), 7.0), "normalize"), np.zeros((2, 2)))
    np.testing.assert_array_equal(to_uint8(np.zeros((1, 3)), "normalize"), np.zeros((1, 3)))


def test_normalize_colour_uses_one_range_for_all_channels():
    x = np.zeros((1, 2, 3))
    x[0, 0] = (0.0, 10.0, 20.0)
    x[0, 1] = (40.0, 30.0, 0.0)
    out = to_uint8(x, "normalize")
    assert out.shape == (1, 2, 3)
    np.testing.assert_array_equal(out, _u8([[[0, 64, 128], [255, 191, 0]]]))


def test_offset():
    x = np.array([[0.0, 255.0, -255.0, 127.5, -127.5, 1000.0, -1000.0, 1.0]])
    # 127.5 + x / 2: 0 -> 128, ±255 -> 255/0, 127.5 -> 191.25 -> 191, -127.5 -> 63.75 -> 64
    expected = _u8([[128, 255, 0, 191, 64, 255, 0, 128]])
    np.testing.assert_array_equal(to_uint8(x, "offset"), expected)


def test_offset_uses_largest_magnitude_of_range():
    # (0, 65535): m = 65535; (-4, 2): m = 4
    x = np.array([0.0, 65535.0, -65535.0, 32767.5])
    np.testing.assert_array_equal(to_uint8(x, "offset", (0, 65535)), _u8([128, 255, 0, 191]))
    x = np.array([-4.0, 2.0, 4.0])
    np.testing.assert_array_equal(to_uint8(x, "offset", (-4.0, 2.0)), _u8([0, 191, 255]))


def test_diverging():
    x = np.array([[-2.0, 0.0, 1.0, 2.0]])
    # m = 2: 127.5 + x * 63.75 -> 0, 127.5, 191.25, 255
    np.testing.assert_array_equal(to_uint8(x, "diverging"), _u8([[0, 128, 191, 255]]))
    # value_range is ignored
    np.testing.assert_array_equal(to_uint8(x, "diverging", (0, 65535)), _u8([[0, 128, 191, 255]]))
    # all zero -> m = 1, everything mid-grey
    np.testing.assert_array_equal(to_uint8(np.zeros((2, 2)), "diverging"), np.full((2, 2), 128))


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("clip", [0, 255, 0, 128]),
        ("abs", [0, 255, 255, 128]),
        ("normalize", [0, 255, 0, 0]),  # one finite value: constant -> 0
        ("offset", [0, 255, 0, 191]),
        ("diverging", [0, 255, 0, 255]),
    ],
)
def test_non_finite(mode, expected):
    # [nan, +inf, -inf, 127.5]; the only finite value is 127.5
    x = np.array([NAN, INF, -INF, 127.5], np.float32)
    with np.errstate(all="raise"):  # no floating-point warnings either
        out = to_uint8(x, mode)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, _u8(expected))


def test_normalize_ignores_non_finite_for_the_range():
    x = np.array([NAN, -INF, 0.0, 10.0, 5.0, INF])
    np.testing.assert_array_equal(to_uint8(x, "normalize"), _u8([0, 0, 0, 255, 128, 255]))


@pytest.mark.parametrize("mode", GUI_DISPLAY_MODES)
def test_all_non_finite_never_raises(mode):
    x = np.array([[NAN, INF], [-INF, NAN]])
    out = to_uint8(x, mode)
    assert out.dtype == np.uint8 and out.shape == (2, 2)
    assert out[0, 0] == 0 and out[1, 1] == 0 and out[0, 1] == 255


@pytest.mark.parametrize("mode", GUI_DISPLAY_MODES)
def test_shapes_dtypes_and_input_untouched(mode):
    rng = np.random.default_rng(0)
    for shape in [(3, 4), (3, 4, 3), (1, 1), (0, 5)]:
        x = rng.normal(scale=200, size=shape)
        before = x.copy()
        out = to_uint8(x, mode)
        assert out.shape == shape and out.dtype == np.uint8
        np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.float32, np.float64, bool])
def test_input_dtypes(dtype):
    x = np.array([[0, 1]], dtype=dtype)
    np.testing.assert_array_equal(to_uint8(x, "clip", (0, 1)), _u8([[0, 255]]))


def test_huge_finite_values_do_not_overflow_warnings():
    x = np.array([3e38, -3e38, 0.0], np.float32)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(to_uint8(x, "offset"), _u8([255, 0, 128]))
        np.testing.assert_array_equal(to_uint8(x, "normalize"), _u8([255, 0, 128]))


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown display mode"):
        to_uint8(np.zeros(2), "gamma")
    for bad in [(1, 1), (2, 1), (0, np.inf), (np.nan, 1), ("a", 1), (1,)]:
        with pytest.raises(ValueError, match="value_range"):
            to_uint8(np.zeros(2), "clip", bad)
    with pytest.raises(ValueError, match="cannot display"):
        to_uint8(np.zeros(2, complex), "clip")


def test_symmetric_levels():
    assert symmetric_levels(np.array([-3.0, 2.0])) == (-3.0, 3.0)
    assert symmetric_levels(np.array([[1.0, 5.0]])) == (-5.0, 5.0)
    assert symmetric_levels(np.array([NAN, -INF, 4.0, -0.5])) == (-4.0, 4.0)
    assert symmetric_levels(np.zeros((2, 2))) == (-1.0, 1.0)
    assert symmetric_levels(np.array([NAN, INF])) == (-1.0, 1.0)
    assert symmetric_levels(np.zeros((0, 3))) == (-1.0, 1.0)
    levels = symmetric_levels(np.array([7], np.uint8))
    assert levels == (-7.0, 7.0) and all(isinstance(v, float) for v in levels)


@pytest.mark.parametrize(
    "kernel, expected",
    [
        (np.ones((3, 3)) / 9, "clip"),  # box blur
        ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], "clip"),  # Gaussian, unnormalised
        ([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "clip"),  # sharpen: negative taps, sum 1
        ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "diverging"),  # Sobel
        ([[0, 1, 0], [1, -4, 1], [0, 1, 0]], "diverging"),  # Laplacian
        ([[0.1, 0.2, -0.3]], "diverging"),  # zero sum up to rounding (5.5e-17)
        ([[-1, -1], [-1, -1]], "diverging"),  # negative sum: output mostly negative
        ([[1, -1 + 1e-6]], "clip"),  # small but genuinely non-zero sum
        (np.zeros((3, 3)), "clip"),
        (np.zeros((0, 0)), "clip"),
        ([[np.nan, 1]], "clip"),
        ([[1]], "clip"),  # identity
    ],
)
def test_suggest_mode(kernel, expected):
    assert suggest_mode(np.asarray(kernel, dtype=float)) == expected


def test_symmetric_levels_ignore_a_few_extreme_values():
    """One huge pixel among many must not wash the rest out: the scale is the 99.5th
    percentile of |x| (the max for small or sparse results)."""
    x = np.concatenate([np.linspace(-10.0, 10.0, 10_000), [1e6]])
    lo, hi = symmetric_levels(x)
    assert lo == -hi and 9.9 < hi <= 10.0
    sparse = np.zeros(10_000)
    sparse[:5] = [3.0, -8.0, 1.0, 2.0, 4.0]  # 0.05% non-zero: the percentile is 0
    assert symmetric_levels(sparse) == (-8.0, 8.0)
