"""One rendering for the window, the command line and exports: the colour table and the
pixels shown, checked against pyqtgraph's own map and the display mapping."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from convgui import display, engine, kernels, samples
from convgui.cli import main
from convgui.render import DIVERGING_LUT, GREY_LUT, render, shown_image


def test_the_diverging_table_is_pyqtgraph_s_cet_d1():
    pg = pytest.importorskip("pyqtgraph")
    expected = pg.colormap.get("CET-D1").getLookupTable(nPts=256, alpha=False)
    np.testing.assert_array_equal(DIVERGING_LUT, np.asarray(expected, dtype=np.uint8))
    assert DIVERGING_LUT.shape == (256, 3) and DIVERGING_LUT.dtype == np.uint8
    blue, white, red = DIVERGING_LUT[0], DIVERGING_LUT[128], DIVERGING_LUT[255]
    assert blue[2] > blue[0] and red[0] > red[2] and white.min() > 200


def test_shown_image_colours_only_one_channel_diverging_images():
    index = np.array([[0, 128], [255, 7]], dtype=np.uint8)
    np.testing.assert_array_equal(shown_image(index, "diverging"), DIVERGING_LUT[index])
    np.testing.assert_array_equal(shown_image(index, "clip"), index)
    rgb = np.zeros((2, 2, 3), dtype=np.uint8)
    assert shown_image(rgb, "diverging") is not None and shown_image(rgb, "diverging").shape == \
        (2, 2, 3)
    np.testing.assert_array_equal(GREY_LUT[index][..., 1], index)


def test_render_maps_diverging_as_the_display_module_documents():
    output = np.array([[-4.0, 0.0], [2.0, 4.0]], dtype=np.float32)
    image, levels = render(output, "diverging", (0.0, 255.0))
    np.testing.assert_array_equal(image, display.to_uint8(output, "diverging", (0.0, 255.0)))
    assert levels[0] == -levels[1]


def test_the_command_line_writes_the_diverging_png_in_colour(tmp_path):
    """It wrote a grey (mode "L") PNG while the window saved the blue/red image."""
    camera = samples.sample_path("camera")
    out = tmp_path / "edges.png"
    assert main(["apply", str(camera), "--kernel", "sobel-x", "--display", "diverging",
                 "-o", str(out)]) == 0
    with Image.open(out) as png:
        assert png.mode == "RGB"
        pixels = np.asarray(png)
    data = samples.load_sample("camera").data
    entry = kernels.get("sobel-x")
    result = engine.convolve2d(data, np.asarray(entry.grid, dtype=float) / entry.divisor,
                               padding="valid")  # the command's defaults
    expected = DIVERGING_LUT[display.to_uint8(result, "diverging", (0.0, 255.0))]
    np.testing.assert_array_equal(pixels, expected)
