"""The step-through input grid behaves like a spreadsheet; examples are one undoable step that
says what it changed; the selection's text lists exactly the marked outputs; the grids wrap."""

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from convgui.gridcells import moved_cell
from convgui.settings import Settings
from convgui.stepper import EXAMPLES, describe_changes
from convgui.ui.classroom.matrix_mode import MatrixMode
from convgui.ui.model import SettingsModel

FIVE = EXAMPLES["5×5 input, 3×3 kernel"]
RGB = EXAMPLES["4×4 RGB input, 3×3 kernel"]
TYPED = [[4, 7, 2], [1, 5, 9], [8, 3, 6]]


@pytest.fixture
def mode(qtbot):
    model = SettingsModel(Settings(padding="same", boundary="constant"))
    widget = MatrixMode(model)
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    undo = model.undo_stack.createUndoAction(widget, "Undo")  # as the window's Edit menu
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    widget.addAction(undo)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: widget.isActiveWindow() and widget.is_ready(), timeout=5000)
    return widget


def ready(qtbot, mode):
    qtbot.waitUntil(mode.is_ready, timeout=5000)


def press(qtbot, *keys):
    """Each key (text, or a Qt.Key / (Qt.Key, modifier)) to whichever widget has the focus,
    as a keyboard does."""
    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None
        if isinstance(key, str):
            for char in key:  # each to the focus of the moment: typing opens an editor
                qtbot.keyClicks(QApplication.focusWidget(), char)
        elif isinstance(key, tuple):
            qtbot.keyClick(target, key[0], key[1])
        else:
            qtbot.keyClick(target, key)


def click_cell(qtbot, grid, r, c):
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_rect(r, c).center())


def test_typing_with_tab_fills_the_grid_row_by_row(qtbot, mode):
    mode.set_input(np.zeros((3, 3)))
    ready(qtbot, mode)
    grid = mode.input_grids[0]
    assert mode.walkthrough().pads == ((1, 1), (1, 1))  # 'same': real cells start at (1, 1)
    click_cell(qtbot, grid, 1, 1)
    keys = []
    for value in [v for row in TYPED for v in row]:
        keys += [str(value), Qt.Key.Key_Tab]
    press(qtbot, *keys)  # no waiting between keys: results arrive while typing goes on
    qtbot.waitUntil(lambda: mode.is_ready() and grid.editor() is None, timeout=5000)
    np.testing.assert_array_equal(mode.input_values(), TYPED)
    assert grid.selected_cell() == (3, 3)  # Tab stops at the last real cell
    # the output follows: 'same' zero padding of the typed grid with the identity kernel
    np.testing.assert_array_equal(mode.output_values(), TYPED)


def test_enter_moves_down_shift_tab_back_escape_cancels(qtbot, mode):
    mode.set_input(np.zeros((3, 3)))
    ready(qtbot, mode)
    grid = mode.input_grids[0]
    click_cell(qtbot, grid, 1, 1)
    press(qtbot, "1", Qt.Key.Key_Return, "2", Qt.Key.Key_Return, "3", Qt.Key.Key_Return)
    assert grid.selected_cell() == (1, 2)  # down the first column, on to the next
    press(qtbot, "9", (Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier))
    assert grid.selected_cell() == (1, 1)  # back along the row
    press(qtbot, "7", Qt.Key.Key_Escape)  # cancelled: (0, 0) keeps its 1
    assert grid.editor() is None and grid.selected_cell() == (1, 1)
    press(qtbot, Qt.Key.Key_Down, "8", (Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier))
    qtbot.waitUntil(lambda: mode.is_ready() and grid.editor() is None, timeout=5000)
    assert grid.selected_cell() == (1, 1)  # Shift+Enter went back up
    np.testing.assert_array_equal(mode.input_values(), [[1, 9, 0], [8, 0, 0], [3, 0, 0]])


def test_clicking_the_selected_cell_twice_keeps_it_for_typing(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    grid = mode.input_grids[0]  # valid padding: padded = input coordinates
    for _ in range(3):
        click_cell(qtbot, grid, 2, 3)
        assert grid.selected_cell() == (2, 3) and mode.contributor_cells()
    press(qtbot, "42", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: mode.is_ready() and mode.input_values()[2, 3] == 42, timeout=5000)
    expected = FIVE.image_array()
    expected[2, 3] = 42
    np.testing.assert_array_equal(mode.input_values(), expected)
    assert grid.selected_cell() == (3, 3)


def test_arrow_keys_move_the_selection_not_the_step(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    grid = mode.input_grids[0]
    click_cell(qtbot, grid, 0, 0)
    press(qtbot, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Down)
    assert grid.selected_cell() == (1, 2) and mode.current_step() == 0
    assert mode.selection_text().startswith("input (1, 2) feeds outputs")
    press(qtbot, Qt.Key.Key_Escape, Qt.Key.Key_Right)  # no selection: Right steps again
    assert grid.selected_cell() is None and mode.current_step() == 1


def test_pasting_a_block_and_undoing_it(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    before = mode.input_values()
    grid = mode.input_grids[0]
    click_cell(qtbot, grid, 1, 2)
    QApplication.clipboard().setText("10\t11\n12\t13\n")  # as a spreadsheet copies 2×2
    press(qtbot, (Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier))
    ready(qtbot, mode)
    expected = before.copy()
    expected[1:3, 2:4] = [[10, 11], [12, 13]]
    np.testing.assert_array_equal(mode.input_values(), expected)
    assert mode._model.undo_stack.undoText() == "Paste 2×2 into input (1, 2)"
    # a block running past the edge fills what fits and says so
    click_cell(qtbot, grid, 4, 4)
    QApplication.clipboard().setText("1, 2\n3, 4")
    with qtbot.waitSignal(mode.message) as said:
        press(qtbot, (Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier))
    assert said.args == ["Pasted 1×1 of the 2×2 block at input (4, 4); the rest is outside "
                         "the grid."]
    assert mode.input_values()[4, 4] == 1
    press(qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    press(qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    ready(qtbot, mode)
    np.testing.assert_array_equal(mode.input_values(), before)
    np.testing.assert_array_equal(mode.output_values(), [[-5, -4, 0], [-10, -2, 2],
                                                         [0, -2, -4]])


def test_typed_edits_undo_one_by_one(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    grid = mode.input_grids[0]
    click_cell(qtbot, grid, 0, 0)
    press(qtbot, "9", Qt.Key.Key_Tab, "-2", Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: mode.input_values()[0, 1] == -2, timeout=5000)
    assert mode.input_values()[0, 0] == 9
    press(qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    assert mode.input_values()[0, 1] == 0 and mode.input_values()[0, 0] == 9
    press(qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    np.testing.assert_array_equal(mode.input_values(), FIVE.image_array())


@pytest.mark.parametrize("example", [FIVE, RGB], ids=["5x5", "rgb"])
def test_an_example_is_one_undo_step_that_says_what_changed(qtbot, mode, example):
    model = mode._model
    user = Settings(kernel=((1, 2, 1), (2, 4, 2), (1, 2, 1)), divisor=16, bias=2.5,
                    padding=((1, 0), (2, 1)), stride=(2, 1), flip=True, channels="luma",
                    boundary="wrap")
    model.edit("user's settings", **user.to_dict())
    user_input = np.arange(12.0).reshape(3, 4)
    mode.set_input(user_input)
    ready(qtbot, mode)
    assert model.settings == user
    depth = model.undo_stack.count()
    with qtbot.waitSignal(mode.message) as said:
        mode.load_example(example.name)
    ready(qtbot, mode)
    assert model.undo_stack.count() == depth + 1
    assert model.undo_stack.undoText() == f"Example: {example.name}"
    if example is FIVE:
        assert said.args == [
            "Example “5×5 input, 3×3 kernel”: input 5×5, kernel 3×3 [1 0 −1; 1 0 −1; 1 0 −1], "
            "bias 0, padding valid, stride 1, correlation — Ctrl+Z undoes it."]
    else:
        assert said.args == [
            "Example “4×4 RGB input, 3×3 kernel”: input 4×4×3, kernel 3×3×3 filter, one "
            "slice per channel, bias 1, padding valid, stride 1, correlation, channels sum "
            "— Ctrl+Z undoes it."]
    assert said.args[0] == mode.message_label.text()
    press_target = mode.input_grids[0]
    press_target.setFocus()
    press(qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    ready(qtbot, mode)
    assert model.settings == user  # kernel, divisor, bias, padding, flip, channels: exact
    np.testing.assert_array_equal(mode.input_values(), user_input)
    assert mode.example_box.currentIndex() == -1
    model.undo_stack.redo()  # and back again, slices included
    ready(qtbot, mode)
    np.testing.assert_array_equal(mode.input_values(), example.image_array())
    assert mode.example_box.currentText() == example.name
    # loading it again changes nothing and adds no step
    mode.load_example(example.name)
    assert model.undo_stack.count() == depth + 1
    assert "nothing changed" in mode.message_label.text()


def test_describe_changes_names_each_new_value():
    old = Settings()
    new = old.replace(kernel=[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], bias=1, flip=True,
                      channels="sum", dilation=(2, 1), cval=3)
    assert describe_changes(old, new) == [
        "kernel 3×3 Sobel x", "bias 1", "fill value 3", "dilation 2×1", "true convolution",
        "channels sum"]
    assert describe_changes(new, new) == []
    assert describe_changes(old, old.replace(divisor=4)) == ["divisor 4"]


def brute_force_feeds(padded_shape, out_hw, kernel_hw, stride, dilation, cell):
    """The outputs whose window reads padded ``cell``, by visiting every window."""
    feeds = []
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            taps = {(i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1])
                    for a in range(kernel_hw[0]) for b in range(kernel_hw[1])}
            if cell in taps:
                feeds.append((i, j))
    return feeds


def listed_outputs(text):
    return [tuple(int(n) for n in pair) for pair in re.findall(r"\((\d+), (\d+)\)",
                                                              text.split("feeds", 1)[1])]


@pytest.mark.parametrize("changes", [
    {"padding": "valid"},
    {"padding": "same", "stride": (2, 2)},
    {"padding": 1, "dilation": (2, 2)},
    {"padding": "full", "stride": (2, 1)},
])
def test_the_feeds_text_lists_exactly_the_marked_outputs(qtbot, mode, changes):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    mode.click_input(3, 3)  # selected first: the text must follow the settings that come
    mode._model.edit("geometry", **changes)
    ready(qtbot, mode)
    walk = mode.walkthrough()
    top, left = walk.pads[0][0], walk.pads[1][0]
    cell = (3 + top, 3 + left)
    expected = brute_force_feeds(walk.padded.shape, walk.out_hw, walk.geometry.kernel_hw,
                                 walk.geometry.stride, walk.geometry.dilation, cell)
    assert expected  # every case reads input (3, 3) at least once
    assert mode.output_grid.marks().marked == set(expected)
    assert mode.selection_text().startswith("input (3, 3) feeds outputs")
    assert listed_outputs(mode.selection_text()) == expected
    assert mode.selection_label.text() == mode.selection_text()


def test_tab_and_enter_moves_wrap_over_the_real_cells():
    real = (1, 1, 2, 3)  # a 2×3 input inside a 4×5 padded grid
    assert moved_cell((1, 3), "tab", (4, 5), real) == (2, 1)
    assert moved_cell((2, 3), "tab", (4, 5), real) == (2, 3)  # the last cell: stays
    assert moved_cell((2, 1), "backtab", (4, 5), real) == (1, 3)
    assert moved_cell((2, 1), "enter", (4, 5), real) == (1, 2)
    assert moved_cell((1, 2), "backenter", (4, 5), real) == (2, 1)
    assert moved_cell((0, 0), "tab", (4, 5), real) == (1, 1)  # padding: to the nearest real
    assert moved_cell((0, 0), "up", (4, 5), real) == (0, 0)
    assert moved_cell((3, 4), "right", (4, 5), real) == (3, 4)
    assert moved_cell((3, 4), "left", (4, 5), real) == (3, 3)


def test_the_selected_cell_is_framed_not_filled(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    grid = mode.input_grids[0]
    click_cell(qtbot, grid, 4, 4)  # a cell outside the first window: white when unselected
    image = grid.grab().toImage()
    rect = grid.cell_rect(4, 4)
    centre = image.pixelColor(rect.center().x(), rect.top() + rect.height() // 4)
    assert (centre.red(), centre.green(), centre.blue()) == (255, 255, 255)
    edge = image.pixelColor(rect.center().x(), rect.top() + max(3, rect.height() // 18) * 2)
    assert max(edge.red(), edge.green(), edge.blue()) < 80  # a dark frame


@pytest.mark.parametrize("scale", [1.0, 1.4], ids=["normal", "presentation"])
def test_the_grids_wrap_to_the_panel_width(qtbot, mode, scale):
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    mode.setFont(font)
    mode.load_example(RGB.name)
    ready(qtbot, mode)
    area = mode.grids
    for width in (1400, 400):
        mode.resize(width, 800)
        qtbot.wait(100)  # the layouts settle
        holder = area.widget()
        shown = [*mode.input_grids, mode.output_grid]
        right = max(g.mapTo(holder, g.rect().bottomRight()).x() for g in shown)
        assert right < area.viewport().width(), width  # nothing off to the right
        assert not area.horizontalScrollBar().isVisible()
    # at 400 px even the smallest legible cells do not fit four grids a row: the output
    # went under the input grids
    assert area.per_row() < 4
    out_top = mode.output_grid.mapTo(holder, mode.output_grid.rect().topLeft()).y()
    assert out_top > mode.input_grids[0].mapTo(holder, mode.input_grids[0].rect().topLeft()).y()


def test_each_resize_of_the_input_is_its_own_undo_step(qtbot, mode):
    mode.load_example(FIVE.name)
    ready(qtbot, mode)
    stack = mode._model.undo_stack
    mode.rows_spin.setValue(6)
    mode.rows_spin.setValue(7)
    mode.cols_spin.setValue(2)
    assert mode.input_values().shape == (7, 2)
    assert stack.undoText() == "Resize input to 7×2"
    stack.undo()
    assert mode.input_values().shape == (7, 5) and mode.rows_spin.value() == 7
    stack.undo()
    assert mode.input_values().shape == (6, 5)
    np.testing.assert_array_equal(mode.input_values()[:5], FIVE.image_array())
    np.testing.assert_array_equal(mode.input_values()[5], 0)
    stack.undo()
    np.testing.assert_array_equal(mode.input_values(), FIVE.image_array())
    assert stack.undoText() == f"Example: {FIVE.name}"
