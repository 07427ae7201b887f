"""Tests for what the classroom views compute from (convgui.mapinputs); values by hand."""

from __future__ import annotations

import numpy as np

from convgui.mapinputs import geometry_kwargs, luma
from convgui.settings import Settings


def test_luma_of_rgb_by_hand():
    image = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]], dtype=np.uint8)
    got = luma(image)
    assert got.dtype == np.float32 and got.shape == (2, 2)
    # 0.299·255, 0.587·255 / 0.114·255, 0.299·10 + 0.587·20 + 0.114·30
    np.testing.assert_allclose(got, [[76.245, 149.685], [29.07, 18.15]], rtol=1e-6)


def test_luma_ignores_alpha_and_keeps_a_plane():
    rgba = np.zeros((1, 1, 4))
    rgba[0, 0] = (100.0, 100.0, 100.0, 7.0)
    np.testing.assert_allclose(luma(rgba), [[100.0]], rtol=1e-6)
    plane = np.arange(6.0).reshape(2, 3)
    assert luma(plane) is plane


def test_geometry_kwargs_are_the_six_geometry_settings_only():
    settings = Settings(kernel=((1, 2),), divisor=3, bias=5, padding="valid", stride=(2, 1),
                        dilation=(1, 3), boundary="wrap", cval=4, flip=True, channels="sum",
                        display="abs")
    assert geometry_kwargs(settings) == {"padding": "valid", "stride": (2, 1),
                                         "dilation": (1, 3), "boundary": "wrap", "cval": 4.0,
                                         "flip": True}
