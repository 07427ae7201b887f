"""Matrix mode: a small numeric grid stepped through one output cell at a time."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from convgui import engine
from convgui.settings import FIELDS, Settings
from convgui.stepper import EXAMPLES
from convgui.ui.classroom.matrix_mode import MatrixMode
from convgui.ui.model import SettingsModel

FIVE = EXAMPLES["5×5 input, 3×3 kernel"]
THREE_BY_FOUR = EXAMPLES["3×4 input, 2×2 kernel"]
RGB = EXAMPLES["4×4 RGB input, 3×3 kernel"]


@pytest.fixture
def mode(qtbot):
    model = SettingsModel(Settings())
    widget = MatrixMode(model)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    qtbot.waitUntil(widget.is_ready, timeout=5000)
    return widget


def load(qtbot, mode, example):
    mode.load_example(example.name)
    qtbot.waitUntil(mode.is_ready, timeout=5000)


def edit(qtbot, mode, **changes):
    mode._model.edit("test", **changes)
    qtbot.waitUntil(mode.is_ready, timeout=5000)


def visited_outputs(mode):
    seen = [mode.highlighted_output()]
    for _ in range(mode.walkthrough().__len__() - 1):
        mode.next_action.trigger()
        seen.append(mode.highlighted_output())
    return seen


def test_five_by_five_example_output_and_first_step(qtbot, mode):
    model = mode._model
    load(qtbot, mode, FIVE)
    s = model.settings
    assert s.kernel == ((1, 0, -1),) * 3 and s.padding == "valid" and s.bias == 0
    expected = engine.convolve2d(FIVE.image_array(), FIVE.kernel_array(), **s.engine_kwargs())
    np.testing.assert_array_equal(mode.output_values(), expected)
    np.testing.assert_array_equal(mode.output_values(), [[-5, -4, 0], [-10, -2, 2], [0, -2, -4]])
    assert mode.current_step() == 0 and mode.highlighted_output() == (0, 0)
    assert mode.step_text() == (
        "3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −5")
    assert mode.step_text() in mode.arithmetic_text()
    assert mode.highlighted_taps() == [(r, c) for r in range(3) for c in range(3)]
    assert "output (0, 0)" in mode.position_label.text()
    # loading an example is one undoable step on the shared model
    model.undo_stack.undo()
    assert model.settings == Settings()


def test_step_actions_follow_row_major_order(qtbot, mode):
    load(qtbot, mode, FIVE)
    assert visited_outputs(mode) == [(i, j) for i in range(3) for j in range(3)]
    mode.next_action.trigger()  # past the end: stays on the last output
    assert mode.current_step() == 8
    mode.prev_action.trigger()
    assert mode.highlighted_output() == (2, 1)
    mode.first_action.trigger()
    assert mode.highlighted_output() == (0, 0)
    mode.prev_action.trigger()
    assert mode.current_step() == 0
    mode.last_action.trigger()
    assert mode.highlighted_output() == (2, 2)
    assert mode.step_text().endswith("= −4")


def test_keyboard_shortcuts(qtbot, mode):
    load(qtbot, mode, FIVE)
    mode.show()
    qtbot.waitExposed(mode)
    mode.activateWindow()
    mode.output_grid.setFocus()
    qtbot.waitUntil(lambda: mode.isActiveWindow(), timeout=2000)
    for key, step in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_Space, 2), (Qt.Key.Key_Left, 1),
                      (Qt.Key.Key_End, 8), (Qt.Key.Key_Home, 0)):
        qtbot.keyClick(mode.output_grid, key)
        assert mode.current_step() == step, key
    qtbot.keyClick(mode.output_grid, Qt.Key.Key_P)
    assert mode.is_playing()
    qtbot.keyClick(mode.output_grid, Qt.Key.Key_P)
    assert not mode.is_playing()


def test_stride_two_moves_the_window_two_cells(qtbot, mode):
    load(qtbot, mode, FIVE)
    edit(qtbot, mode, stride=(2, 2))
    origins = []
    for n in range(4):
        mode.go_to(n)
        origins.append(mode.highlighted_taps()[0])
    assert origins == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert len(mode.walkthrough()) == 4
    np.testing.assert_array_equal(mode.output_values(), [[-5, 0], [0, -4]])


def test_dilation_two_highlights_taps_two_apart(qtbot, mode):
    load(qtbot, mode, FIVE)
    edit(qtbot, mode, padding="same", dilation=(2, 2))
    assert mode.walkthrough().pads == ((2, 2), (2, 2))
    mode.go_to(6)  # output (1, 1): window origin (1, 1) in padded coordinates
    taps = mode.highlighted_taps()
    assert taps == [(1 + 2 * a, 1 + 2 * b) for a in range(3) for b in range(3)]
    grid = mode.input_grids[0]
    assert set(grid.marks().taps) == set(taps)  # only the taps are drawn, not the cells between
    assert (2, 2) not in grid.marks().taps


def test_same_reflect_padding_shows_reflected_values(qtbot, mode):
    load(qtbot, mode, FIVE)
    edit(qtbot, mode, padding="same", boundary="reflect")
    padded = mode.padded_values()
    np.testing.assert_array_equal(padded, np.pad(FIVE.image_array(), 1, mode="reflect"))
    grid = mode.input_grids[0]
    assert grid.shape() == (7, 7)
    assert not grid.is_real(0, 0) and not grid.is_real(6, 3) and grid.is_real(1, 1)
    step = mode.walkthrough().step(0)
    assert step.taps[0].in_padding and step.taps[0].value == 5  # (−1, −1) mirrors (1, 1)
    assert mode.step_text().startswith("5·1 + 1·0 + 5·(−1) + 0·1 + 3·0 + 0·(−1)")


def test_clicking_an_output_cell_jumps_to_it(qtbot, mode):
    load(qtbot, mode, FIVE)
    mode.click_output(1, 2)
    assert mode.current_step() == 5 and mode.highlighted_output() == (1, 2)
    mode.show()
    qtbot.waitExposed(mode)
    centre = mode.output_grid.cell_rect(2, 1).center()
    qtbot.mouseClick(mode.output_grid, Qt.MouseButton.LeftButton, pos=centre)
    assert mode.highlighted_output() == (2, 1) and mode.current_step() == 7
    assert mode.highlighted_taps()[0] == (2, 1)


def test_clicking_an_input_cell_marks_the_outputs_it_feeds(qtbot, mode):
    load(qtbot, mode, THREE_BY_FOUR)  # 3×4 input, 2×2 kernel, valid: 2×3 outputs
    mode.click_input(1, 1)
    # windows start at columns 0, 1, 2 and rows 0, 1; cell (1, 1) is in those starting at
    # rows 0–1 and columns 0–1
    assert mode.contributor_cells() == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert mode.selection_text() == "input (1, 1) feeds outputs (0, 0), (0, 1), (1, 0), (1, 1)"
    assert mode.selection_label.text() == mode.selection_text()
    assert mode.output_grid.marks().marked == {(0, 0), (0, 1), (1, 0), (1, 1)}
    mode.click_input(0, 3)  # the top-right corner: only the last window of the first row
    assert mode.contributor_cells() == [(0, 2)]
    mode.click_input(0, 3)  # clicking it again keeps it selected
    assert mode.contributor_cells() == [(0, 2)]
    assert mode.input_grids[0].selected_cell() == (0, 3)
    mode.clear_selection()
    assert mode.contributor_cells() == [] and mode.input_grids[0].selected_cell() is None
    # with stride 2 on the 5×5 example, (1, 1) is read by the first window only, and a
    # padding cell reports its fill
    load(qtbot, mode, FIVE)
    edit(qtbot, mode, stride=(2, 2))
    mode.click_input(1, 1)
    assert mode.contributor_cells() == [(0, 0)]
    edit(qtbot, mode, padding=1)
    assert mode.contributor_cells() == [(0, 0), (0, 1), (1, 0), (1, 1)]  # follows the pads
    mode.click_input(0, 0)
    assert mode.selection_text().startswith("padding cell (−1, −1)")
    assert mode.contributor_cells() == [(0, 0)]


def test_editing_an_input_cell_recomputes(qtbot, mode):
    load(qtbot, mode, FIVE)
    grid = mode.input_grids[0]
    assert grid.start_edit(0, 0)
    grid.editor().setText("10")
    grid.editor().editingFinished.emit()
    qtbot.waitUntil(lambda: mode.is_ready() and mode.output_values()[0, 0] == 2, timeout=5000)
    assert mode.input_values()[0, 0] == 10
    assert mode.step_text().startswith("10·1 + ")
    # refused text changes nothing and says why
    assert grid.start_edit(0, 1)
    grid.editor().setText("abc")
    with qtbot.waitSignal(mode.message) as blocker:
        grid.editor().editingFinished.emit()
    assert "refused" in blocker.args[0]
    assert mode.input_values()[0, 1] == 0 and mode.output_values()[0, 0] == 2
    # padding cells are not editable
    edit(qtbot, mode, padding=1)
    assert not mode.input_grids[0].start_edit(0, 0)


def test_play_advances_and_pauses(qtbot, mode):
    load(qtbot, mode, FIVE)
    mode.speed_slider.setValue(mode.speed_slider.maximum())
    assert mode.speed() == pytest.approx(3.0)
    mode.play_action.trigger()
    assert mode.is_playing()
    qtbot.waitUntil(lambda: mode.current_step() >= 2, timeout=3000)
    mode.play_action.trigger()
    assert not mode.is_playing()
    reached = mode.current_step()
    qtbot.wait(400)
    assert mode.current_step() == reached


def test_settings_without_output_show_the_explanation(qtbot, mode):
    load(qtbot, mode, FIVE)
    mode.set_input(np.array([[1.0, 2.0], [3.0, 4.0]]))
    qtbot.waitUntil(mode.is_ready, timeout=5000)
    assert mode.walkthrough() is None and mode.highlighted_output() is None
    assert mode.arithmetic_text().startswith("No output: ")
    assert mode.step_text() == mode.arithmetic_text()
    assert not mode.next_action.isEnabled()
    mode.next_action.trigger()
    mode.click_output(0, 0)
    mode.click_input(0, 0)
    assert mode.input_grids[0].shape() == (2, 2)  # the input stays visible and editable
    edit(qtbot, mode, padding="same")
    assert mode.walkthrough() is not None and mode.output_values().shape == (2, 2)


def test_rgb_example_shows_channel_sums_and_total(qtbot, mode):
    load(qtbot, mode, RGB)
    s = mode._model.settings
    assert s.channels == "sum" and s.bias == 1
    image, kernel = RGB.image_array(), RGB.kernel_array()
    expected = engine.conv_layer(image, kernel[None], [1.0])[:, :, 0]
    np.testing.assert_array_equal(mode.output_values(), expected)
    sums = [engine.convolve2d(image[:, :, c], kernel[:, :, c])[0, 0] for c in range(3)]
    assert sums == [7, 3, -1]
    lines = mode.arithmetic_text().splitlines()
    assert [line[:2] for line in lines[:3]] == ["R:", "G:", "B:"]
    assert [line.rsplit(" = ", 1)[1] for line in lines[:3]] == ["7", "3", "−1"]
    assert lines[3] == f"output (0, 0) = 7 + 3 + (−1) + 1 = {expected[0, 0]:g}"
    assert all(not g.isHidden() for g in mode.input_grids)
    assert mode.padded_values().shape == (4, 4, 3)
    # each channel grid edits its own channel
    green = mode.input_grids[1]
    assert green.start_edit(1, 1)
    green.editor().setText("5")
    green.editor().editingFinished.emit()
    qtbot.waitUntil(lambda: mode.is_ready() and mode.input_values()[1, 1, 1] == 5, timeout=5000)
    assert mode.output_values()[0, 0] == expected[0, 0] + 3  # middle column weight 1: 2 → 5
    np.testing.assert_array_equal(mode.input_values()[:, :, [0, 2]], image[:, :, [0, 2]])
    image = mode.input_values()
    # a kernel edited on the model is used on every channel (summed, plus the bias)
    k2 = np.array([[1, 0, -1]] * 3, dtype=float)
    edit(qtbot, mode, kernel=k2.tolist())
    np.testing.assert_array_equal(
        mode.output_values(), engine.convolve2d(image, k2, channels="sum", bias=1.0))
    assert mode.arithmetic_text().splitlines()[-1].endswith(
        f"= {mode.output_values()[0, 0]:g}".replace("-", "−"))


def test_rgb_per_channel_and_luma_modes(qtbot, mode):
    mode.set_input(RGB.image_array())
    edit(qtbot, mode, padding="valid", channels="per-channel")
    image, kernel = RGB.image_array(), mode._model.settings.kernel_array()
    assert not mode.channel_pick.isHidden()
    mode.channel_pick.setCurrentIndex(1)
    qtbot.waitUntil(mode.is_ready, timeout=5000)
    np.testing.assert_array_equal(mode.output_values(), engine.convolve2d(image[:, :, 1], kernel))
    assert mode.arithmetic_text().startswith("G: ")
    assert [not g.isHidden() for g in mode.input_grids] == [True, False, False]
    edit(qtbot, mode, channels="luma")
    np.testing.assert_allclose(mode.output_values(),
                               engine.convolve2d(image, kernel, channels="luma"))
    assert not mode.input_grids[0].start_edit(0, 0)  # the luma plane is computed, not typed


def test_grid_size_and_channel_controls(qtbot, mode):
    load(qtbot, mode, FIVE)
    mode.rows_spin.setValue(7)
    mode.cols_spin.setValue(3)
    qtbot.waitUntil(mode.is_ready, timeout=5000)
    assert mode.input_values().shape == (7, 3)
    np.testing.assert_array_equal(mode.input_values()[:5], FIVE.image_array()[:, :3])
    assert mode.output_values().shape == (5, 1)
    mode.channels_box.setCurrentIndex(1)
    qtbot.waitUntil(mode.is_ready, timeout=5000)
    assert mode.input_values().shape == (7, 3, 3)
    with pytest.raises(ValueError):
        mode.set_input(np.zeros((17, 2)))
    with pytest.raises(ValueError):
        mode.set_input(np.zeros((2, 2, 2)))


def test_cells_grow_with_the_font(qtbot, mode):
    grid = mode.input_grids[0]
    assert grid.cell_size() >= 40
    before = grid.base_cell()
    font = mode.font()
    font.setPointSizeF(font.pointSizeF() * 2.5)
    mode.setFont(font)
    assert grid.base_cell() > before
    assert mode.arithmetic.font().pointSizeF() == pytest.approx(font.pointSizeF() * 1.5)


def test_closing_or_deleting_stops_the_thread(qtbot, qtlog):
    widget = MatrixMode(SettingsModel())
    widget.set_input(np.arange(256.0).reshape(16, 16))
    widget.close()
    assert not widget._task.isRunning()
    widget.deleteLater()
    other = MatrixMode(SettingsModel())  # deleted without being closed: `destroyed` stops it
    task = other._task
    other.set_input(np.ones((16, 16)))
    other.deleteLater()
    qtbot.waitUntil(lambda: not task.isRunning(), timeout=3000)
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_screenshot_at_step_four(qtbot, mode, tmp_path):
    load(qtbot, mode, FIVE)
    mode.go_to(4)
    mode.show()
    qtbot.waitExposed(mode)
    path = tmp_path / "matrix.png"
    assert mode.grab().save(str(path))
    assert path.stat().st_size > 0
    assert mode.output_grid.cell_size() >= 40
    origin = mode.output_grid.mapTo(mode, QPoint(0, 0))
    assert origin.x() > mode.input_grids[0].mapTo(mode, QPoint(0, 0)).x()  # output beside


#: A value different from the default for every settings field.
NEW_VALUES = {"kernel": ((1, 2, 1),), "divisor": 4, "bias": 1, "padding": "valid",
              "stride": (2, 2), "dilation": (2, 1), "boundary": "wrap", "cval": 3,
              "flip": True, "channels": "luma", "display": "diverging"}


@pytest.mark.parametrize("field", sorted(NEW_VALUES))
def test_an_edit_starts_one_walkthrough_job_unless_the_walk_ignores_its_field(qtbot, mode,
                                                                            field):
    assert set(NEW_VALUES) == set(FIELDS)
    jobs = []
    mode._task.submit = lambda *args, **kwargs: jobs.append(args)  # counted, not run
    mode._model.edit(field, **{field: NEW_VALUES[field]})
    # the walkthrough shows numbers, never a rendered image: only `display` is not its input
    assert len(jobs) == (0 if field == "display" else 1)


def test_a_hidden_tab_panel_computes_once_when_shown_again(qtbot):
    model = SettingsModel(Settings())
    widget = MatrixMode(model)
    widget.follow_when_hidden = False  # as the window's tabs set it
    qtbot.addWidget(widget)
    qtbot.waitUntil(widget.is_ready, timeout=5000)
    seq = widget._task.latest_seq
    model.edit("s", stride=(2, 2))
    model.edit("b", bias=1)
    widget.set_input(np.ones((4, 4)))  # the input changes while hidden too
    model.edit("d", display="abs")
    assert widget._task.latest_seq == seq and widget.is_behind()
    widget.show()
    qtbot.waitExposed(widget)
    assert widget._task.latest_seq == seq + 1 and not widget.is_behind()
    qtbot.waitUntil(widget.is_ready, timeout=5000)
    # 4×4 ones, 'same' reflect padding (every padded cell 1), stride 2, identity kernel + 1
    np.testing.assert_array_equal(widget.output_values(), np.full((2, 2), 2.0))
    widget.hide()
    widget.show()
    assert widget._task.latest_seq == seq + 1  # nothing new: no second walk
