"""What the classroom panels ask to animate (:mod:`convgui.animation.request`), without Qt.

Expected grids and outputs are written out here (np.pad and explicit loops), never with the
engine."""

import numpy as np
import pytest

from convgui.animation.request import MIN_FPS, TRANSPOSED_FPS, transposed_request, walk_request
from convgui.animation.writers import MAX_FPS
from convgui.stepper import Walkthrough

KERNEL = np.array([[1.0, 0.0], [0.0, -1.0]])


def test_a_channel_walk_keeps_its_padding_value_and_bias_and_says_so():
    image = np.arange(27, dtype=float).reshape(3, 3, 3)
    walk = Walkthrough(image, KERNEL, padding=1, cval=-2, bias=-1.5, channel=1)
    animation = walk_request(walk, 2.0).build()
    padded = np.pad(image[:, :, 1], 1, constant_values=-2)
    expected = np.array([[padded[i, j] - padded[i + 1, j + 1] - 1.5 for j in range(4)]
                         for i in range(4)])
    np.testing.assert_array_equal(animation.grid, padded)
    np.testing.assert_array_equal(animation.output, expected)
    assert len(animation) == 4 * 4
    # ASCII minus: the animation's font has no Unicode minus
    assert animation.title.endswith(", G channel, padding value -2, bias -1.5 -> 4x4 output")


def test_a_luma_walk_is_named_in_the_title():
    walk = Walkthrough(np.ones((3, 3, 3)), KERNEL, channels="luma")
    assert walk_request(walk, 2.0).build().title.endswith(", luma -> 2x2 output")


def test_the_play_speed_becomes_the_frame_rate_within_limits():
    walk = Walkthrough(np.ones((3, 3)), KERNEL)
    assert [walk_request(walk, fps).fps for fps in (0.01, 1.5, 500.0)] == [MIN_FPS, 1.5, MAX_FPS]
    assert walk_request(walk, 1.0).name == "step-through"


def test_a_walk_summing_three_channels_is_refused():
    walk = Walkthrough(np.ones((3, 3, 3)), KERNEL, channels="sum")
    with pytest.raises(ValueError, match="one grid"):
        walk_request(walk, 2.0)


def test_transposed_request_stamps_the_kernel_and_keeps_its_own_copies():
    source = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    kernel = np.array([[1.0, 10.0], [100.0, 1000.0]])
    params = {"stride": 2, "padding": 0, "output_padding": 0, "dilation": 1}
    request = transposed_request(source, kernel, params)
    expected = np.zeros((4, 6))  # (n − 1)·s + k: every input cell stamps the kernel, 2 apart
    for i in range(2):
        for j in range(3):
            expected[2 * i:2 * i + 2, 2 * j:2 * j + 2] += source[i, j] * kernel
    source[:] = 0  # the panel changes after asking: the request was taken before
    kernel[:] = 0
    params["stride"] = 1
    animation = request.build()
    np.testing.assert_array_equal(animation.output, expected)
    assert len(animation) == 4 * 6
    assert (request.fps, request.name) == (TRANSPOSED_FPS, "transposed")
