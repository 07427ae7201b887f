"""Tests for the captions of the classroom maps (convgui.mapcaption): every expected text is
written by hand, the colour scales worked out from the percentile rule by hand."""

from __future__ import annotations

import numpy as np
import pytest

from convgui.mapcaption import map_caption, range_text, short_value
from convgui.render import prepare_map


@pytest.mark.parametrize(("value", "expected"), [
    (298, "298"),
    (-312.0, "−312"),
    (1234.5678, "1235"),
    (-0.000123456, "−0.0001235"),
    (0.0, "0"),
    (-0.0, "0"),  # never "−0"
    (1e6, "1e+06"),
    (-2.5e-7, "−2.5e−07"),
    (np.float32(0.5), "0.5"),
    (float("nan"), "NaN"),
    (float("inf"), "+inf"),
    (float("-inf"), "−inf"),
])
def test_short_value(value, expected):
    assert short_value(value) == expected


@pytest.mark.parametrize(("low", "high", "expected"), [
    (-312.0, 298.0, "−312 … 298"),
    (0.0, 0.125, "0 … 0.125"),
    (float("nan"), float("nan"), "no finite values"),
    (0.0, float("inf"), "no finite values"),
])
def test_range_text(low, high, expected):
    assert range_text(low, high) == expected


def test_a_signed_map_names_its_blue_and_red_ends():
    # |x| sorted 0, 1, 2, 4: the 99.5th percentile is 2 + 0.985·(4 − 2) = 3.97
    shown = prepare_map(np.array([[-2.0, 4.0], [1.0, 0.0]]))
    assert map_caption("Sobel x", shown) == (
        "<b>Sobel x</b> 2×2<br><small>range −2 … 4 · blue −3.97 … red +3.97</small>")


def test_a_map_of_values_at_least_zero_names_its_white():
    # |x| 0, 8: the 99.5th percentile is 0.995·8 = 7.96
    shown = prepare_map(np.array([[0.0, 8.0]]))
    assert map_caption("Merged (max)", shown) == (
        "<b>Merged (max)</b> 1×2<br><small>range 0 … 8 · white = 7.96</small>")


def test_an_input_drawn_with_its_value_range_names_no_colours():
    shown = prepare_map(np.array([[0.0, 8.0], [3.0, 5.0], [1.0, 2.0]]), (0.0, 255.0))
    assert map_caption("Red", shown) == "<b>Red</b> 3×2<br><small>range 0 … 8</small>"


def test_a_map_without_finite_values_says_so():
    shown = prepare_map(np.array([[np.nan, np.inf]]))
    assert "range no finite values" in map_caption("m", shown)


def test_the_name_is_escaped_and_stands_alone_without_a_map():
    assert map_caption("Merged") == "<b>Merged</b>"
    assert map_caption("a<b & c>") == "<b>a&lt;b &amp; c&gt;</b>"
    shown = prepare_map(np.array([[1.0]]))
    assert map_caption('"<i>"', shown).startswith('<b>"&lt;i&gt;"</b> 1×1<br>')
