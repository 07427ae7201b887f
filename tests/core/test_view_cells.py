"""The before/after views' arithmetic, without Qt: which input or output pixel is under a
point, what an output pixel reads (convgui.mapcells), and which part of an image a view draws
(convgui.render.drawable)."""

import itertools
import math

import numpy as np
import pytest

from convgui.mapcells import output_pixel_at, pixel_at, receptive_field
from convgui.render import drawable
from convgui.shapes import geometry


@pytest.mark.parametrize("x, y, pixel", [
    (0.0, 0.0, (0, 0)), (3.99, 1.2, (1, 3)), (4.0, 4.99, (4, 4)), (-0.01, 2.0, None),
    (2.0, 5.0, None), (5.0, 0.0, None), (math.nan, 1.0, None), (1.0, math.inf, None),
])
def test_the_input_pixel_under_a_point(x, y, pixel):
    assert pixel_at(x, y, 5, 5) == pixel


def test_the_output_pixel_under_a_point_by_hand():
    # 5×5 input, 3×3 kernel, stride 2, valid: 2×2 outputs, each 2 wide, drawn from 0.5 to 4.5
    geo = geometry((5, 5), (3, 3), "valid", stride=2)
    assert output_pixel_at(geo, 0.5, 0.5) == (0, 0)
    assert output_pixel_at(geo, 2.49, 2.49) == (0, 0)
    assert output_pixel_at(geo, 2.5, 0.6) == (0, 1)  # x → column
    assert output_pixel_at(geo, 0.6, 2.5) == (1, 0)  # y → row
    assert output_pixel_at(geo, 4.49, 4.49) == (1, 1)
    for x, y in ((0.49, 1.0), (1.0, 0.49), (4.5, 1.0), (1.0, 4.5), (math.nan, 1.0),
                 (-math.inf, 1.0)):
        assert output_pixel_at(geo, x, y) is None


@pytest.mark.parametrize("padding, stride, dilation", [
    ("same", 1, 1), ("full", 2, 1), ("valid", (2, 3), (2, 1)), (((2, 0), (1, 3)), 3, 2),
])
def test_every_output_pixel_centre_maps_back(padding, stride, dilation):
    geo = geometry((13, 11), (3, 4), padding, stride, dilation)
    x0, y0, _, _ = geo.output_rect()
    sh, sw = geo.stride
    for i, j in itertools.product(range(geo.out_hw[0]), range(geo.out_hw[1])):
        assert output_pixel_at(geo, x0 + (j + 0.5) * sw, y0 + (i + 0.5) * sh) == (i, j)
        assert receptive_field(geo, i, j).cell == (x0 + j * sw, y0 + i * sh, sw, sh)


def test_a_receptive_field_in_the_padding_by_hand():
    geo = geometry((5, 5), (3, 3), "same")
    field = receptive_field(geo, 0, 0)
    assert field.window == (-1, -1, 3, 3)
    assert field.inside == ((0, 0), (0, 1), (1, 0), (1, 1))
    assert field.padded == ((-1, -1), (-1, 0), (-1, 1), (0, -1), (1, -1))
    assert field.cell == (0.0, 0.0, 1, 1)


def test_a_dilated_receptive_field_by_hand():
    geo = geometry((7, 9), (3, 3), "valid", dilation=2)  # spans 5×5 → 3×5 outputs
    field = receptive_field(geo, 1, 2)
    assert field.window == (2, 1, 5, 5)  # columns 2..6, rows 1..5 (pixel edges)
    assert sorted(field.inside) == [(r, c) for r in (1, 3, 5) for c in (2, 4, 6)]
    assert field.padded == ()


@pytest.mark.parametrize("padding, stride, dilation", [
    ("same", 1, 1), ("full", 2, 3), (((2, 0), (1, 3)), (3, 1), (1, 2)),
])
def test_receptive_fields_agree_with_who_reads_each_input_pixel(padding, stride, dilation):
    """Brute force the other way round: input cell (r, c) is a tap of output (i, j) exactly
    when (i, j) is among the outputs that read it (Geometry.contributors)."""
    geo = geometry((6, 5), (3, 2), padding, stride, dilation)
    (top, bottom), (left, right) = geo.pads
    rows = range(-top - 1, geo.in_hw[0] + bottom + 1)
    cols = range(-left - 1, geo.in_hw[1] + right + 1)
    readers = {(r, c): set(geo.contributors(r, c)) for r in rows for c in cols}
    for i, j in itertools.product(range(geo.out_hw[0]), range(geo.out_hw[1])):
        field = receptive_field(geo, i, j)
        taps = {cell for cell, outs in readers.items() if (i, j) in outs}
        assert set(field.inside) | set(field.padded) == taps
        assert all(0 <= r < 6 and 0 <= c < 5 for r, c in field.inside)
        assert not any(0 <= r < 6 and 0 <= c < 5 for r, c in field.padded)
        x, y, w, h = field.window
        assert (y, x, y + h - 1, x + w - 1) == (min(r for r, _ in taps), min(c for _, c in taps),
                                                max(r for r, _ in taps), max(c for _, c in taps))


def test_receptive_field_of_a_missing_output_is_refused():
    geo = geometry((5, 5), (3, 3))
    with pytest.raises(ValueError, match="outside the 3×3 output"):
        receptive_field(geo, 3, 0)


def test_drawable_keeps_grey_and_rgb_and_shows_the_first_of_other_channels():
    grey = np.arange(6, dtype=np.uint8).reshape(2, 3)
    rgb = np.arange(18, dtype=np.uint8).reshape(2, 3, 3)
    assert drawable(grey) is grey and drawable(rgb) is rgb
    one = grey[:, :, None]
    np.testing.assert_array_equal(drawable(one), grey)
    filters = np.stack([grey, grey + 10, grey + 20, grey + 30], axis=2)  # 4 filters
    np.testing.assert_array_equal(drawable(filters), grey)
    assert drawable(filters).shape == (2, 3)
