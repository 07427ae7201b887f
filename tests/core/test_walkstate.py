"""Tests for convgui.walkstate: what the Step through panel shows of a walkthrough, headless.

Expected values are sums and strings worked out by hand from the examples' grids, and the
outputs a cell feeds found by visiting every window (independent of the shapes module).
"""

from __future__ import annotations

import numpy as np
import pytest

from convgui.settings import Settings
from convgui.stepper import EXAMPLES, Walkthrough
from convgui.walkstate import (
    MAX_PATH,
    SELECTION_HINT,
    WalkState,
    arithmetic_text,
    cell_name,
    channel_choosable,
    checked_input,
    feeds_text,
    walk_arguments,
)

FIVE = EXAMPLES["5×5 input, 3×3 kernel"]
RGB = EXAMPLES["4×4 RGB input, 3×3 kernel"]


def brute_force_feeds(walk: Walkthrough, cell: tuple[int, int]) -> list[tuple[int, int]]:
    """The outputs whose window reads padded ``cell``, by visiting every window."""
    (oh, ow), (kh, kw) = walk.out_hw, walk.geometry.kernel_hw
    (sh, sw), (dh, dw) = walk.geometry.stride, walk.geometry.dilation
    return [(i, j) for i in range(oh) for j in range(ow)
            if cell in {(i * sh + a * dh, j * sw + b * dw) for a in range(kh) for b in range(kw)}]


def shown(walk: Walkthrough, image: np.ndarray) -> WalkState:
    state = WalkState()
    state.show(walk, image)
    return state


# ----------------------------------------------------------------------------------------------
# Texts


def test_cnn_arithmetic_has_a_line_per_channel_and_the_total():
    walk = RGB.walkthrough()
    text = arithmetic_text(walk, walk.step(0))
    # the R slice is the diagonal: R(0,0) + R(1,1) + R(2,2) = 2 + 3 + 2; the G slice the
    # middle column: 1 + 2 + 0; the B slice left minus right in its middle row: 1 − 2
    assert text.splitlines() == [
        "R: 2·1 + 0·0 + 1·0 + 1·0 + 3·1 + 0·0 + 0·0 + 1·0 + 2·1 = 7",
        "G: 1·0 + 1·1 + 0·0 + 0·0 + 2·1 + 1·0 + 2·0 + 0·1 + 1·0 = 3",
        "B: 0·0 + 2·0 + 1·0 + 1·1 + 0·0 + 2·(−1) + 1·0 + 1·0 + 0·0 = −1",
        "output (0, 0) = 7 + 3 + (−1) + 1 = 10",
    ]


def test_plane_arithmetic_is_the_step_text_with_the_channel_in_per_channel_mode():
    walk = FIVE.walkthrough()
    assert arithmetic_text(walk, walk.step(0)) == (
        "3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −5")
    green = Walkthrough(RGB.image_array(), np.ones((1, 1)), channel=1)
    assert arithmetic_text(green, green.step(5)) == "G: 2·1 = 2"  # G(1, 1)


def test_feeds_text_names_the_cell_its_fill_and_its_outputs():
    assert cell_name(-1, 2) == "(−1, 2)"
    assert feeds_text((1, 1), (3, 4), [(0, 0), (0, 1)], "reflect") == (
        "input (1, 1) feeds outputs (0, 0), (0, 1)")
    assert feeds_text((-1, 0), (3, 4), [], "wrap") == (
        "padding cell (−1, 0) (filled by “wrap”) feeds no output")
    many = [(0, j) for j in range(20)]
    assert feeds_text((0, 4), (5, 5), many, "edge").endswith("(0, 15) and 4 more")


# ----------------------------------------------------------------------------------------------
# The input and the walkthrough's arguments


def test_checked_input_accepts_grids_and_rgb_stacks_only():
    np.testing.assert_array_equal(checked_input([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])
    assert checked_input(np.ones((2, 3, 1))).shape == (2, 3)  # one channel: a plain grid
    assert checked_input(np.ones((16, 1, 3))).shape == (16, 1, 3)
    for bad, reason in ((np.ones((2, 2, 2)), "H×W×3"), (np.ones(4), "H×W×3"),
                        (np.ones((17, 2)), "1 to 16"), (np.ones((0, 2)), "1 to 16"),
                        ([[1.0, np.nan]], "finite")):
        with pytest.raises(ValueError, match=reason):
            checked_input(bad)


def test_walk_arguments_follow_the_settings_and_the_input():
    s = Settings(kernel=((1, 2), (3, 4)), divisor=2, bias=1, padding="valid", stride=2,
                 channels="per-channel")
    kernel, kwargs = walk_arguments(s, np.zeros((4, 4)), None, 2)
    np.testing.assert_array_equal(kernel, [[0.5, 1.0], [1.5, 2.0]])  # grid / divisor
    assert kwargs == {"padding": "valid", "stride": (2, 2), "dilation": (1, 1),
                      "boundary": "reflect", "cval": 0, "flip": False, "bias": 1}
    _, rgb = walk_arguments(s, np.zeros((4, 4, 3)), None, 2)
    assert (rgb["channels"], rgb["channel"]) == ("per-channel", 2)
    assert channel_choosable(s, np.zeros((4, 4, 3)), None)
    _, summed = walk_arguments(s.replace(channels="sum"), np.zeros((4, 4, 3)), None, 2)
    assert summed["channels"] == "sum" and "channel" not in summed
    slices = np.ones((2, 2, 3))
    kernel, filtered = walk_arguments(s, np.zeros((4, 4, 3)), slices, 2)
    assert kernel is slices and "channels" not in filtered and "channel" not in filtered
    assert not channel_choosable(s, np.zeros((4, 4, 3)), slices)
    assert not channel_choosable(s, np.zeros((4, 4)), None)


# ----------------------------------------------------------------------------------------------
# The state: steps, selection, what each grid shows


def test_stepping_is_clamped_and_named_controls_go_where_they_say():
    state = shown(FIVE.walkthrough(), FIVE.image_array())
    assert state.step == 0 and not state.at_end()
    assert state.go_to(42) and state.step == 8 and state.at_end()
    assert state.position_text() == "output (2, 2)  ·  step 9 of 9"
    # output (2, 2): left minus right column of rows (2 5 1), (3 1 7), (1 6 2)
    assert state.step_text().endswith("= −4")
    assert [state.step_named(n) for n in ("first", "previous", "next", "last")] == [0, 7, 9, 8]
    state.go_to(-3)
    assert state.step == 0 and state.window()[0] == (0, 0)
    state.go_to(5)
    assert state.window() == [(1 + a, 2 + b) for a in range(3) for b in range(3)]
    state.rewind()
    assert state.step == 0


def test_without_a_walk_the_state_explains_why():
    state = WalkState()
    assert not state.go_to(3) and state.at_end() and state.current() is None
    assert state.position_text() == "Computing…"
    state.select(1, 1)
    state.fail("the kernel is larger than the input", is_shape_error=True)
    assert state.step_text() == state.arithmetic() == (
        "No output: the kernel is larger than the input")
    assert state.position_text() == "No output"
    assert state.selection_text() == SELECTION_HINT and state.contributors == []
    assert state.padded_selection() == (1, 1)  # kept on the unpadded input shown
    state.fail("boom", is_shape_error=False)
    assert state.error == "Cannot compute: boom"


@pytest.mark.parametrize("padding", ["valid", "same", 1, "full"])
def test_the_selection_keeps_its_input_cell_across_paddings(padding):
    image = FIVE.image_array()
    state = shown(FIVE.walkthrough(), image)
    state.select(3, 2)  # valid padding: padded = input coordinates
    assert state.contributors == brute_force_feeds(state.walk, (3, 2))
    walk = FIVE.walkthrough(padding=padding, stride=2)
    state.show(walk, image)
    top, left = walk.pads[0][0], walk.pads[1][0]
    assert state.selected == (3, 2) and state.padded_selection() == (3 + top, 2 + left)
    assert state.contributors == brute_force_feeds(walk, (3 + top, 2 + left))
    assert state.selection_text().startswith("input (3, 2) feeds")


def test_a_selected_padding_cell_is_dropped_when_the_padding_goes():
    image = FIVE.image_array()
    state = shown(FIVE.walkthrough(padding=1), image)
    state.select(0, 0)
    assert state.selected == (-1, -1) and state.contributors == [(0, 0)]
    assert state.selection_text() == (
        "padding cell (−1, −1) (filled by “constant”) feeds outputs (0, 0)")
    state.show(FIVE.walkthrough(), image)
    assert state.selected is None and state.contributors == []


def test_planes_of_each_mode_with_their_titles_and_labels():
    image = RGB.image_array()
    assert [p.title for p in WalkState().planes(image)] == [
        "R channel", "G channel", "B channel"]
    cnn = shown(RGB.walkthrough(padding=1), image)
    planes = cnn.planes(image)
    assert [p.title for p in planes] == [
        "R channel (padded)", "G channel (padded)", "B channel (padded)"]
    assert planes[0].real == (1, 1, 4, 4) and planes[0].editable
    assert planes[0].row_labels == ("−1", "0", "1", "2", "3", "4")
    np.testing.assert_array_equal(planes[2].values[1:5, 1:5], image[:, :, 2])
    luma = shown(Walkthrough(image, np.ones((1, 1)), channels="luma"), image)
    [plane] = luma.planes(image)
    assert plane.title == "Luma (padded)" and not plane.editable
    blue = shown(Walkthrough(image, np.ones((1, 1)), channel=2), image)
    assert [p.title for p in blue.planes(image)] == ["B channel (padded)"]


def test_the_window_on_each_grid():
    image = RGB.image_array()
    state = shown(RGB.walkthrough(dilation=1), image)
    state.go_to(3)  # output (1, 1): window from (1, 1)
    marks = state.window_marks(3)
    # each grid shows its own channel's slice: R the diagonal, B left minus right
    assert marks[0].taps[(1, 1)] == 1 and marks[0].taps[(1, 2)] == 0
    assert marks[2].taps[(2, 1)] == 1 and marks[2].taps[(2, 3)] == -1
    assert marks[0].box is None and marks[0].done == 3
    assert marks[0].path == ((0, 0), (0, 1), (1, 0), (1, 1))
    dilated = shown(Walkthrough(np.arange(25.0).reshape(5, 5), np.ones((2, 2)), dilation=2),
                    np.arange(25.0).reshape(5, 5))
    dilated.go_to(8)  # output (2, 2) of 3×3: taps (2, 2), (2, 4), (4, 2), (4, 4)
    [mark] = dilated.window_marks(1)
    assert mark.box == (2, 2, 4, 4) and set(mark.taps) == {(2, 2), (2, 4), (4, 2), (4, 4)}
    big = np.ones((16, 16))
    long = shown(Walkthrough(big, np.ones((31, 31)), padding="full"), big)
    assert len(long.walk) > MAX_PATH and long.window_marks(1)[0].path == ()


def test_a_target_names_the_input_cell_and_channel_it_edits():
    image = RGB.image_array()
    state = shown(RGB.walkthrough(padding=1), image)
    assert state.target(2, 1, 3, image) == ((0, 2), 2)  # CNN: grid k edits channel k
    assert state.target(0, 1, 1, image[:, :3]) is None  # the grids show another shape
    green = shown(Walkthrough(image, np.ones((1, 1)), channel=1), image)
    assert green.target(0, 2, 3, image) == ((2, 3), 1)  # per-channel: the walked channel
    grey = FIVE.image_array()
    assert WalkState().target(0, 4, 4, grey) == ((4, 4), None)  # no walk yet: unpadded
