"""Undo of kernel resizes (issue 13, item 8) and the settings model's merging of undo steps.

Every expected grid is written out by hand: a resize pads zeros evenly (the odd one at the
bottom / right) and crops evenly (the odd one from the bottom / right).
"""

import pytest
from PySide6.QtCore import Qt

from convgui.settings import Settings
from convgui.ui.kernel_editor import KernelEditor
from convgui.ui.model import SettingsModel

M33 = ((1, 2, 3), (4, 5, 6), (7, 8, 9))
M55 = ((0, 0, 0, 0, 0),
       (0, 1, 2, 3, 0),
       (0, 4, 5, 6, 0),
       (0, 7, 8, 9, 0),
       (0, 0, 0, 0, 0))
M22 = ((1, 2), (4, 5))  # the 5×5 above cropped: 1 row/column off the top/left, 2 off the end
M53 = ((0, 0, 0), (1, 2, 3), (4, 5, 6), (7, 8, 9), (0, 0, 0))
M43 = ((0, 0, 0), (1, 2, 3), (4, 5, 6), (7, 8, 9))


@pytest.fixture
def model():
    return SettingsModel(Settings(kernel=M33))


@pytest.fixture
def editor(qtbot, model):
    widget = KernelEditor(model)
    qtbot.addWidget(widget)
    return widget


def labels(model):
    stack = model.undo_stack
    return [stack.text(i) for i in range(stack.count())]


def resize_with_the_boxes(editor, rows, cols):
    """Set rows, then columns, as a user does with the two size boxes."""
    editor.rows_spin.setValue(rows)
    editor.cols_spin.setValue(cols)


def test_each_resize_is_its_own_step_and_undo_redo_walk_every_size(editor, model):
    resize_with_the_boxes(editor, 5, 5)
    resize_with_the_boxes(editor, 2, 2)
    assert model.settings.kernel == M22
    assert labels(model) == ["Resize kernel 3×3 → 5×5", "Resize kernel 5×5 → 2×2"]
    stack = model.undo_stack
    stack.undo()
    assert model.settings.kernel == M55
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (5, 5)
    stack.undo()
    assert model.settings.kernel == M33
    assert (editor.rows_spin.value(), editor.cols_spin.value()) == (3, 3)
    stack.redo()
    assert model.settings.kernel == M55
    stack.redo()
    assert model.settings.kernel == M22
    assert editor.table_model.rowCount() == 2 and editor.table_model.columnCount() == 2


def test_typing_the_sizes_makes_the_same_steps(editor, model, qtbot):
    editor.show()
    qtbot.waitExposed(editor)
    for rows, cols in ((5, 5), (2, 2)):
        for spin, value in ((editor.rows_spin, rows), (editor.cols_spin, cols)):
            spin.setFocus()
            spin.selectAll()
            qtbot.keyClicks(spin, str(value))
            qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert model.settings.kernel == M22
    assert labels(model) == ["Resize kernel 3×3 → 5×5", "Resize kernel 5×5 → 2×2"]
    model.undo_stack.undo()
    assert model.settings.kernel == M55


def test_changing_an_axis_again_starts_a_new_step(editor, model):
    editor.rows_spin.setValue(5)  # e.g. two clicks on the arrow: two sizes the kernel had
    editor.rows_spin.setValue(4)
    assert labels(model) == ["Resize kernel 3×3 → 5×3", "Resize kernel 5×3 → 4×3"]
    assert model.settings.kernel == M43
    model.undo_stack.undo()
    assert model.settings.kernel == M53


def test_one_axis_only_is_labelled_by_its_sizes(editor, model):
    editor.cols_spin.setValue(1)
    assert labels(model) == ["Resize kernel 3×3 → 3×1"]
    assert model.settings.kernel == ((2,), (5,), (8,))


def test_a_resize_after_another_edit_does_not_merge_into_an_older_resize(editor, model):
    editor.rows_spin.setValue(5)
    model.edit("Bias 1", bias=1)
    editor.cols_spin.setValue(5)
    assert labels(model) == ["Resize kernel 3×3 → 5×3", "Bias 1", "Resize kernel 5×3 → 5×5"]
    model.undo_stack.undo()
    assert model.settings.kernel == M53 and model.settings.bias == 1


def test_a_resize_after_an_undo_starts_from_the_restored_size(editor, model):
    resize_with_the_boxes(editor, 5, 5)
    model.undo_stack.undo()
    editor.cols_spin.setValue(1)
    assert labels(model) == ["Resize kernel 3×3 → 3×1"]
    model.undo_stack.undo()
    assert model.settings.kernel == M33


# -- the model's merging ------------------------------------------------------------------


def test_merged_steps_take_the_last_text_and_span_first_old_to_last_new():
    model = SettingsModel(Settings())
    for stride in (2, 3, 4):
        model.edit(f"Stride {stride}", merge_key="stride", stride=stride)
    assert labels(model) == ["Stride 4"]
    assert model.settings.stride == (4, 4)
    model.undo_stack.undo()
    assert model.settings.stride == (1, 1)


def test_close_step_ends_merging_and_open_step_reports_the_start():
    model = SettingsModel(Settings())
    assert model.open_step("stride") is None
    model.edit("Stride 2", merge_key="stride", stride=2)
    assert model.open_step("stride").stride == (1, 1)
    assert model.open_step("dilation") is None
    model.close_step()
    assert model.open_step("stride") is None
    model.edit("Stride 3", merge_key="stride", stride=3)
    assert labels(model) == ["Stride 2", "Stride 3"]
