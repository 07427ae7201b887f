"""Tests for the kernel editor: table model, tools, undo, clipboard, library, keyboard."""

import math
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from convgui.kernel_grid import (
    changed_axes,
    flipped_horizontally,
    flipped_vertically,
    identity_grid,
    kernel_sum,
    rotated_clockwise,
    sum_summary,
    transposed,
    with_zeros,
    zero_grid,
)
from convgui.kernels import GENERATORS, LIBRARY
from convgui.settings import MAX_KERNEL_SIDE, Settings
from convgui.ui.kernel_editor import ZERO_SUM_REASON, KernelEditor, resize_centered
from convgui.ui.kernel_table import fitting_texts
from convgui.ui.model import SettingsModel

G3 = ((1, 2, 1), (2, 4, 2), (1, 2, 1))
M33 = ((1, 2, 3), (4, 5, 6), (7, 8, 9))


@pytest.fixture
def model():
    return SettingsModel(Settings(kernel=M33))


@pytest.fixture
def editor(qtbot, model):
    widget = KernelEditor(model)
    qtbot.addWidget(widget)
    messages = []
    widget.message.connect(messages.append)
    widget.messages = messages
    return widget


def cell(editor, r, c, role=Qt.ItemDataRole.DisplayRole):
    tm = editor.table_model
    return tm.data(tm.index(r, c), role)


def set_kernel(model, grid, **more):
    model.edit("test", kernel=grid, **more)


# -- table model ---------------------------------------------------------------------------


def test_setdata_edits_the_settings_kernel(editor, model):
    tm = editor.table_model
    assert tm.setData(tm.index(1, 2), "-10")
    assert model.settings.kernel == ((1, 2, 3), (4, 5, -10), (7, 8, 9))
    assert isinstance(model.settings.kernel[1][2], int)
    assert cell(editor, 1, 2) == "−10"


@pytest.mark.parametrize("text, reason", [("abc", "'abc' is not a number"),
                                          ("1/0", "division by zero"),
                                          ("nan", "NaN/inf not allowed"),
                                          ("", "empty")])
def test_setdata_refuses_invalid_text_and_keeps_the_value(editor, model, qtbot, text, reason):
    tm = editor.table_model
    with qtbot.waitSignal(tm.rejected) as blocker:
        assert tm.setData(tm.index(0, 0), text) is False
    assert reason in blocker.args[0]
    assert model.settings.kernel == M33
    assert model.undo_stack.count() == 0
    assert reason in editor.message_label.text()
    assert reason in editor.messages[-1]


def test_setdata_accepts_a_fraction_and_shows_it_compactly(editor, model):
    tm = editor.table_model
    assert tm.setData(tm.index(0, 0), "1/16")
    assert model.settings.kernel[0][0] == 0.0625
    assert cell(editor, 0, 0) == "0.0625"
    assert tm.setData(tm.index(0, 1), "1/3")
    assert cell(editor, 0, 1) == "0.3333"
    assert cell(editor, 0, 1, Qt.ItemDataRole.EditRole) == repr(1 / 3)  # full value to edit
    assert cell(editor, 1, 1, Qt.ItemDataRole.EditRole) == "5"


def test_cells_are_centred(editor):
    assert cell(editor, 0, 0, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignCenter)


def test_heat_map_hues(editor, model):
    set_kernel(model, [[-4, 0, 4], [0, 1, 0], [0, 0, 0]])
    role = Qt.ItemDataRole.BackgroundRole
    neg, zero, pos = (cell(editor, 0, c, role).color() for c in range(3))
    weak = cell(editor, 1, 1, role).color()
    assert neg.hue() != pos.hue()
    assert 180 <= neg.hue() <= 240  # blue
    assert pos.hue() < 20 or pos.hue() > 340  # red
    assert zero.saturation() < 20 and zero.lightness() > 230  # neutral, near white
    assert weak.saturation() < pos.saturation() or weak.lightness() > pos.lightness()
    fg = Qt.ItemDataRole.ForegroundRole
    assert cell(editor, 0, 2, fg).color().lightness() > 200  # white text on the dark cell
    assert cell(editor, 0, 1, fg).color().lightness() < 60  # dark text on the light cell


def test_cells_shorten_to_fit():
    assert fitting_texts(2) == ["2"]
    assert fitting_texts(-0.0353213) == ["−0.03532", "−.03532", "−.0353", "−.035", "−.04"]
    assert fitting_texts(0.00072)[-1] == "7e−4"


def test_headers_show_offsets_from_the_centre(editor):
    tm = editor.table_model
    labels = [tm.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
    assert labels == ["−1", "0", "+1"]


# -- undo / redo ---------------------------------------------------------------------------


def test_undo_redo_restore_exact_grids(editor, model):
    tm = editor.table_model
    tm.setData(tm.index(0, 0), "0.1")
    tm.setData(tm.index(2, 2), "-1/3")
    after = model.settings.kernel
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert model.settings.kernel == M33
    assert cell(editor, 0, 0) == "1"
    model.undo_stack.redo()
    model.undo_stack.redo()
    assert model.settings.kernel == after
    assert model.settings.kernel[2][2] == -1 / 3
    editor.undo_action.trigger()
    assert model.settings.kernel[2][2] == 9
    editor.undo_action.trigger()
    assert model.settings.kernel == M33
    editor.redo_action.trigger()
    assert model.settings.kernel[0][0] == 0.1
    assert editor.undo_action.shortcut().toString() == "Ctrl+Z"
    assert editor.redo_action.shortcut().toString() == "Ctrl+Shift+Z"


# -- clipboard -----------------------------------------------------------------------------


def test_paste_block_replaces_the_kernel(editor, model):
    QApplication.clipboard().setText("1\t2\n3\t4")
    editor.paste_action.trigger()
    assert model.settings.kernel == ((1, 2), (3, 4))
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (2, 2)
    assert editor.table_model.rowCount() == 2


def test_paste_ragged_is_refused(editor, model):
    QApplication.clipboard().setText("1, 2, 3\n4, 5")
    editor.paste_action.trigger()
    assert model.settings.kernel == M33
    assert "row 2 has 2 values, expected 3" in editor.messages[-1]


def test_copy_puts_tab_separated_text_on_the_clipboard(editor, model):
    set_kernel(model, [[1, 0.5], [-2, 1 / 3]])
    editor.copy_action.trigger()
    assert QApplication.clipboard().text() == "1\t0.5\n-2\t0.3333333333333333"
    QApplication.clipboard().setText("0")
    set_kernel(model, [[0]])
    QApplication.clipboard().setText("1\t0.5\n-2\t0.3333333333333333")
    editor.paste_action.trigger()
    assert model.settings.kernel == ((1, 0.5), (-2, 1 / 3))


# -- tools ---------------------------------------------------------------------------------


def test_normalize_zero_sum_is_refused(editor, model):
    sobel = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))
    set_kernel(model, sobel, divisor=3)
    depth = model.undo_stack.count()
    editor.normalize_action.trigger()
    assert model.settings.kernel == sobel and model.settings.divisor == 3
    assert model.undo_stack.count() == depth
    assert ZERO_SUM_REASON in editor.messages[-1]
    assert "sums to 0" in editor.message_label.text()


def test_normalize_sets_divisor_to_the_sum(editor, model):
    set_kernel(model, G3)
    editor.normalize_action.trigger()
    assert model.settings.divisor == 16
    assert model.settings.kernel == G3
    assert "Σ = 16" in editor.sum_label.text() and "effective Σ = 1" in editor.sum_label.text()


def test_flips_rotate_transpose(editor, model):
    set_kernel(model, [[1, 2, 3], [4, 5, 6]])
    editor.flip_h_action.trigger()
    assert model.settings.kernel == ((3, 2, 1), (6, 5, 4))
    editor.flip_h_action.trigger()
    editor.flip_v_action.trigger()
    assert model.settings.kernel == ((4, 5, 6), (1, 2, 3))
    editor.flip_v_action.trigger()
    editor.rotate_action.trigger()
    assert model.settings.kernel == ((4, 1), (5, 2), (6, 3))
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (3, 2)
    for _ in range(3):
        editor.rotate_action.trigger()
    assert model.settings.kernel == ((1, 2, 3), (4, 5, 6))
    editor.transpose_action.trigger()
    assert model.settings.kernel == ((1, 4), (2, 5), (3, 6))


def test_rotating_sobel_x_gives_sobel_y(editor, model):
    editor.picker.pick("sobel-x")
    editor.tools.rotate()
    assert model.settings.kernel == tuple(tuple(int(v) for v in row)
                                          for row in LIBRARY["sobel-y"].grid)


def test_normalize_refuses_float_zero_sum_and_all_zero(editor, model):
    editor.picker.pick("laplacian_of_gaussian")
    editor.picker.apply()
    editor.tools.normalize()
    assert model.settings.divisor == 1 and ZERO_SUM_REASON in editor.messages[-1]
    assert editor.sum_label.text().startswith("Σ = 0 ·")  # rounding noise shown as 0
    editor.tools.clear()
    editor.tools.normalize()
    assert model.settings.divisor == 1 and "all zeros" in editor.messages[-1]


def test_identity_and_clear(editor, model):
    set_kernel(model, [[1, 2, 3, 4], [5, 6, 7, 8]], divisor=4)
    editor.identity_action.trigger()
    assert model.settings.kernel == ((0, 0, 0, 0), (0, 0, 1, 0))
    assert model.settings.divisor == 1
    editor.clear_action.trigger()
    assert model.settings.kernel == ((0, 0, 0, 0), (0, 0, 0, 0))


def test_every_control_teaches_with_a_tooltip(editor):
    for action in (editor.normalize_action, editor.flip_h_action, editor.flip_v_action,
                   editor.rotate_action, editor.transpose_action, editor.identity_action,
                   editor.clear_action, editor.copy_action, editor.paste_action,
                   editor.undo_action, editor.redo_action, editor.delete_action):
        assert len(action.toolTip()) > 25, action.text()
    for widget in (editor.table, editor.rows_spin, editor.cols_spin, editor.divisor_edit,
                   editor.bias_edit, editor.sum_label, editor.picker.combo):
        assert len(widget.toolTip()) > 25
    assert "size" in editor.paste_action.toolTip()  # documents "the block replaces everything"


# -- resizing ------------------------------------------------------------------------------


def test_resize_grows_centred(editor, model):
    editor.rows_spin.setValue(5)
    editor.cols_spin.setValue(5)
    assert model.settings.kernel == (
        (0, 0, 0, 0, 0),
        (0, 1, 2, 3, 0),
        (0, 4, 5, 6, 0),
        (0, 7, 8, 9, 0),
        (0, 0, 0, 0, 0),
    )
    model.undo_stack.undo()  # the two spin-box steps are one undo step
    assert model.settings.kernel == M33
    assert editor.rows_spin.value() == 3


def test_resize_even_pads_bottom_right_and_crops_around_the_centre(editor, model):
    assert editor.resize_kernel(4, 4)
    assert model.settings.kernel == ((1, 2, 3, 0), (4, 5, 6, 0), (7, 8, 9, 0), (0, 0, 0, 0))
    set_kernel(model, M33)
    assert editor.resize_kernel(2, 2)
    assert model.settings.kernel == ((1, 2), (4, 5))
    set_kernel(model, M33)
    assert editor.resize_kernel(1, 3)
    assert model.settings.kernel == ((4, 5, 6),)
    set_kernel(model, [[1, 2, 3, 4, 5]])
    assert editor.resize_kernel(1, 3)
    assert model.settings.kernel == ((2, 3, 4),)


def test_resize_centered_round_trip():
    assert resize_centered(resize_centered(M33, 6, 7), 3, 3) == [list(r) for r in M33]


# -- divisor and bias ----------------------------------------------------------------------


def test_divisor_and_bias_fields(editor, model):
    editor.divisor_edit.setText("1/16")
    editor.divisor_edit.editingFinished.emit()
    assert model.settings.divisor == 0.0625
    editor.divisor_edit.setText("0")
    editor.divisor_edit.editingFinished.emit()
    assert model.settings.divisor == 0.0625
    assert editor.divisor_edit.text() == "0.0625"
    assert "Divisor refused" in editor.messages[-1]
    editor.bias_edit.setText("abc")
    editor.bias_edit.editingFinished.emit()
    assert model.settings.bias == 0 and editor.bias_edit.text() == "0"
    assert "'abc' is not a number" in editor.messages[-1]
    editor.bias_edit.setText(" \u2212128 ")
    editor.bias_edit.editingFinished.emit()
    assert model.settings.bias == -128


def test_sum_label(editor, model):
    set_kernel(model, G3, divisor=16)
    assert editor.sum_label.text().startswith("Σ = 16 · divisor 16 · effective Σ = 1")


# -- library and generators ----------------------------------------------------------------


def test_library_kernel_sets_grid_and_divisor(editor, model):
    editor.picker.pick("gaussian-3")
    assert model.settings.kernel == G3
    assert all(isinstance(v, int) for row in model.settings.kernel for v in row)
    assert model.settings.divisor == 16
    editor.picker.pick("box-5")
    assert model.settings.kernel_shape == (5, 5) and model.settings.divisor == 25
    combo = editor.picker.combo
    titles = [combo.itemText(i) for i in range(combo.count())]
    assert all(k.title in titles for k in LIBRARY.values())


def test_generator_apply(editor, model):
    editor.picker.pick("gaussian")
    assert set(editor.picker.param_widgets) == {"size", "sigma"}
    editor.picker.param_widgets["size"].setValue(5)
    editor.picker.param_widgets["sigma"].setValue(1.0)
    editor.picker.apply_button.click()
    assert model.settings.kernel_shape == (5, 5)
    assert model.settings.divisor == 1
    assert math.isclose(math.fsum(v for row in model.settings.kernel for v in row), 1)


def test_a_kernel_larger_than_31_is_refused(editor, model):
    assert not editor.load_kernel([[1] * 3 for _ in range(41)], 1, "Load tall")
    assert model.settings.kernel == M33
    assert "41×3" in editor.messages[-1] and "31×31" in editor.messages[-1]


@pytest.mark.parametrize("generator, name", [("motion_blur", "length"), ("box", "h"),
                                             ("box", "w"), ("gaussian", "size"),
                                             ("laplacian_of_gaussian", "size")])
def test_generator_boxes_offer_exactly_what_the_editor_can_apply(editor, model, generator,
                                                                 name):
    param = next(p for p in GENERATORS[generator].params if p.name == name)
    assert param.maximum > MAX_KERNEL_SIDE  # the generator alone would accept more
    editor.picker.pick(generator)
    box = editor.picker.param_widgets[name]
    assert box.maximum() == MAX_KERNEL_SIDE == 31 and box.minimum() == param.minimum
    assert "31×31" in box.toolTip()
    box.setValue(box.maximum())
    editor.picker.apply()
    assert max(model.settings.kernel_shape) == 31  # the largest value offered is applied


def test_a_typed_length_over_the_limit_is_set_to_it_and_says_why(editor, model, qtbot):
    editor.show()
    qtbot.waitExposed(editor)
    editor.picker.pick("motion_blur")
    box = editor.picker.param_widgets["length"]
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "61")
    assert box.text() == "61"  # not silently "6"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 31
    assert editor.messages[-1] == (
        "length 61 is outside 1 to 31 (the editor holds kernels up to 31×31): set to 31.")
    assert "set to 31" in editor.message_label.text()
    editor.picker.apply()
    assert model.settings.kernel_shape == (31, 31)


def test_a_typed_value_under_the_minimum_says_why(editor, qtbot):
    editor.show()
    qtbot.waitExposed(editor)
    editor.picker.pick("gaussian")
    sigma = editor.picker.param_widgets["sigma"]
    sigma.setFocus()
    sigma.selectAll()
    qtbot.keyClicks(sigma, "0")
    qtbot.keyClick(sigma, Qt.Key.Key_Return)
    assert sigma.value() == pytest.approx(0.1)
    assert editor.messages[-1] == "sigma 0 is outside 0.10 to 20.00: set to 0.10."


def test_generator_parameters_follow_their_param(editor):
    editor.picker.pick("laplacian_of_gaussian")
    size = editor.picker.param_widgets["size"]
    assert size.singleStep() == 2 and size.value() == 9
    assert size.minimum() == 3 and size.maximum() == 31
    assert "odd" in size.toolTip() and "Kernel side" in size.toolTip()
    size.lineEdit().setText("8")
    size.interpretText()
    size.editingFinished.emit()
    assert size.value() == 9  # snapped to odd
    sigma = editor.picker.param_widgets["sigma"]
    assert sigma.minimum() == pytest.approx(0.1) and sigma.value() == pytest.approx(1.4)


def test_library_entries_have_descriptions(editor):
    combo = editor.picker.combo
    tips = {combo.itemText(i): combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
            for i in range(combo.count())}
    assert tips["Sobel x"] == LIBRARY["sobel-x"].description


# -- following the model -------------------------------------------------------------------


def test_outside_change_updates_the_view(editor, model):
    model.edit("from elsewhere", kernel=[[0, 1], [2, 3], [4, 5]], divisor=2, bias=10)
    assert editor.table_model.rowCount() == 3 and editor.table_model.columnCount() == 2
    assert cell(editor, 2, 1) == "5"
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (3, 2)
    assert editor.divisor_edit.text() == "2" and editor.bias_edit.text() == "10"
    assert model.undo_stack.count() == 1  # the refresh fired no edit of its own


def test_each_field_refreshes_only_what_shows_it(editor, model):
    """Text typed (not yet committed) into the divisor and bias fields survives edits of the
    other fields; the grid is redrawn only for the kernel and divisor (its tooltips give each
    weight ÷ divisor), never for bias, geometry or display."""
    tm = editor.table_model
    redraws: list[str] = []
    tm.dataChanged.connect(lambda *_: redraws.append("cells"))
    tm.modelReset.connect(lambda: redraws.append("reset"))
    editor.divisor_edit.setText("3")
    editor.bias_edit.setText("7")
    model.edit("elsewhere", stride=2, display="abs", padding="same", channels="luma")
    model.edit("bias", bias=5)
    assert redraws == [] and editor.divisor_edit.text() == "3"
    assert editor.bias_edit.text() == "5"
    editor.bias_edit.setText("7")
    model.edit("divisor", divisor=4)
    assert redraws == ["cells"] and editor.bias_edit.text() == "7"
    assert editor.divisor_edit.text() == "4"
    assert cell(editor, 0, 0, Qt.ItemDataRole.ToolTipRole).startswith(
        "Tap (row −1, column −1): 1 (÷ divisor = 0.25)")
    assert editor.sum_label.text().startswith("Σ = 45 · divisor 4 · effective Σ = 11.25")
    editor.divisor_edit.setText("9")
    model.edit("kernel", kernel=[[1, 2], [3, 4]])
    assert redraws == ["cells", "reset"] and editor.divisor_edit.text() == "9"
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (2, 2)
    assert editor.sum_label.text().startswith("Σ = 10 · divisor 4 · effective Σ = 2.5")
    model.edit("same shape", kernel=[[4, 3], [2, 1]])
    assert redraws == ["cells", "reset", "cells"] and cell(editor, 0, 0) == "4"


# -- kernel arithmetic (no Qt) -------------------------------------------------------------


def test_grid_transforms_by_hand():
    grid = ((1, 2, 3), (4, 5, 6))
    assert flipped_horizontally(grid) == [[3, 2, 1], [6, 5, 4]]
    assert flipped_vertically(grid) == [[4, 5, 6], [1, 2, 3]]
    assert rotated_clockwise(grid) == [[4, 1], [5, 2], [6, 3]]
    assert transposed(grid) == [[1, 4], [2, 5], [3, 6]]
    assert zero_grid(2, 3) == [[0, 0, 0], [0, 0, 0]]
    assert identity_grid(3, 3) == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert identity_grid(2, 4) == [[0, 0, 0, 0], [0, 0, 1, 0]]  # centre tap (h//2, w//2)
    assert with_zeros(grid, [(0, 2), (1, 0)]) == [[1, 2, 0], [0, 5, 6]]
    assert grid == ((1, 2, 3), (4, 5, 6))  # the input is left alone


def test_sum_summary_and_changed_axes():
    assert sum_summary(G3, 16) == "Σ = 16 · divisor 16 · effective Σ = 1 (keeps brightness)"
    assert sum_summary(((-1, 0, 1),), 1) == "Σ = 0 · divisor 1 · effective Σ = 0 (flat areas → 0)"
    assert sum_summary(((1, 2),), 0.5) == "Σ = 3 · divisor 0.5 · effective Σ = 6"
    assert kernel_sum(((0.1, 0.2, -0.3),)) == 0.0  # rounding noise of a zero-sum kernel
    assert changed_axes((3, 3), (5, 3)) == {0}
    assert changed_axes((3, 3), (5, 1)) == {0, 1}
    assert changed_axes((3, 3), (3, 3)) == set()


# -- keyboard ------------------------------------------------------------------------------


@pytest.fixture
def shown(editor, qtbot):
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    editor.table.setFocus()
    editor.table.setCurrentIndex(editor.table_model.index(0, 0))
    return editor


def type_into_cell(qtbot, table, text):
    """Type like a user: the first key opens the cell editor, the rest go to the editor."""
    qtbot.keyClick(table, text[0])
    editor = QApplication.focusWidget()
    assert editor is not table
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def current(table):
    return table.currentIndex().row(), table.currentIndex().column()


def test_typing_edits_and_enter_moves_down(shown, model, qtbot):
    table = shown.table
    type_into_cell(qtbot, table, "7")
    qtbot.waitUntil(lambda: current(table) == (1, 0))
    assert model.settings.kernel[0][0] == 7
    type_into_cell(qtbot, table, "-1/4")
    qtbot.waitUntil(lambda: current(table) == (2, 0))
    assert model.settings.kernel[1][0] == -0.25
    type_into_cell(qtbot, table, "abc")  # refused: the value stays and so does the cursor
    qtbot.wait(20)
    assert model.settings.kernel[2][0] == 7 and current(table) == (2, 0)
    assert "'abc' is not a number" in shown.message_label.text()
    qtbot.keyClick(table, Qt.Key.Key_Return)  # not editing: just move, wrapping to the top
    assert current(table) == (0, 1)
    qtbot.keyClick(table, Qt.Key.Key_Right)  # arrows move inside the grid; Tab leaves it
    assert current(table) == (0, 2)


def test_delete_key_zeroes_the_selection(shown, model, qtbot):
    shown.table.selectRow(1)
    qtbot.keyClick(shown.table, Qt.Key.Key_Delete)
    assert model.settings.kernel == ((1, 2, 3), (0, 0, 0), (7, 8, 9))


def test_clipboard_and_undo_keys_in_the_grid(shown, model, qtbot):
    table = shown.table
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "1\t2\t3\n4\t5\t6\n7\t8\t9"
    QApplication.clipboard().setText("1 2; 3 4")
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert model.settings.kernel == ((1, 2), (3, 4))
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.settings.kernel == M33
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(table, Qt.Key.Key_Z, redo)
    assert model.settings.kernel == ((1, 2), (3, 4))


# -- sizes that follow the font (presentation mode) ----------------------------------------


@contextmanager
def app_font_scaled(factor):
    """The application font at ``factor`` times its size, as presentation mode sets it (the
    widgets hear of it through posted events, as in the running application)."""
    original = QApplication.font()
    font = QApplication.font()
    font.setPointSizeF(QFontInfo(original).pointSizeF() * factor)
    QApplication.setFont(font)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.setFont(original)
        QApplication.processEvents()


def cell_side(table):
    """The side of the grid's cells, in pixels."""
    return table.horizontalHeader().defaultSectionSize()


def number_point_size(table, r=0, c=0):
    """The point size the delegate paints cell (r, c)'s number at."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    table.itemDelegate().initStyleOption(option, table.model().index(r, c))
    return option.font.pointSizeF()


def test_cells_and_numbers_grow_with_the_application_font_live(editor):
    table = editor.table
    normal_points = table.font().pointSizeF()
    normal_cell = cell_side(table)
    assert normal_cell == QFontMetrics(table.font()).horizontalAdvance("−0.000")
    assert number_point_size(table) == pytest.approx(normal_points)
    with app_font_scaled(1.4):
        assert table.font().pointSizeF() == pytest.approx(1.4 * normal_points)
        assert cell_side(table) >= 1.3 * normal_cell
        assert table.verticalHeader().defaultSectionSize() == cell_side(table)
        assert number_point_size(table) == pytest.approx(1.4 * normal_points)
    assert cell_side(table) == normal_cell


def test_large_kernels_get_smaller_cells_and_numbers(editor, model):
    table = editor.table
    full = cell_side(table)
    set_kernel(model, [[1] * 9 for _ in range(9)])
    assert cell_side(table) == full  # up to 9 taps a side: full size
    set_kernel(model, [[1] * 15 for _ in range(15)])
    assert full * 0.8 <= cell_side(table) < full
    assert number_point_size(table) == pytest.approx(
        0.85 * table.font().pointSizeF(), rel=0.03)


def assert_three_by_three_visible(table):
    viewport = table.viewport()
    assert table.rowViewportPosition(2) + table.rowHeight(2) <= viewport.height()
    assert table.columnViewportPosition(2) + table.columnWidth(2) <= viewport.width()


def test_at_its_smallest_the_grid_shows_three_rows_and_columns_at_presentation_size(
        qtbot, model):
    set_kernel(model, [[1] * 5 for _ in range(5)])
    with app_font_scaled(1.4):
        editor = KernelEditor(model)
        qtbot.addWidget(editor)
        # as low as a layout may squeeze it (wide, so the tool buttons fit on one row)
        editor.resize(1600, editor.minimumSizeHint().height())
        editor.show()
        qtbot.waitExposed(editor)
        table = editor.table
        cell = QFontMetrics(table.font()).horizontalAdvance("−0.000")  # full size at 1.4×
        assert table.rowHeight(2) == cell and table.columnWidth(2) == cell
        assert_three_by_three_visible(table)
        table.setParent(None)  # the grid alone, at its minimum size
        qtbot.addWidget(table)
        table.resize(table.minimumSizeHint())
        table.show()
        qtbot.waitExposed(table)
        assert_three_by_three_visible(table)


def test_the_sum_line_wraps_instead_of_being_cut_in_a_narrow_dock(editor, model, qtbot):
    """At 1280×800 the kernel dock is ~250 px wide: the sum line once ended in "(flat"."""
    model.edit("params", kernel=((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)))
    editor.resize(250, 700)
    editor.show()
    qtbot.waitExposed(editor)
    label = editor.sum_label
    qtbot.waitUntil(lambda: label.width() <= 250, timeout=2000)
    text = label.text()
    assert text.endswith("(flat areas → 0)")
    assert label.fontMetrics().horizontalAdvance(text) > label.width()  # (too long for a line)
    assert label.height() >= label.heightForWidth(label.width())  # all of it shown
