"""A keyboard-only user in the real window (issue 17, items 1 and 4): Tab leaves the kernel
grid and goes on to the Parameters panel, Shift+Tab leaves it backwards, F6 / Shift+F6 visit
the lesson and every panel, and the kernel tools' shortcuts work wherever the focus is.
Real key events go to the widget that has the focus, as a person's keys would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar, QWidget
from window_settling import run_pending_layouts, settle_window

from convgui.ui.main_window import MainWindow


def _window(qtbot, size, presenting=False) -> MainWindow:
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.presentation.set_presentation(presenting, remember=False)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.result is not None, timeout=10_000)
    w.activateWindow()
    settle_window(qtbot, w)
    return w


@pytest.fixture(params=["1280x800", "1024x768-presentation"])
def window(request, qtbot, app_look):
    if request.param == "1280x800":
        return _window(qtbot, (1280, 800))
    return _window(qtbot, (1024, 768), presenting=True)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    """Send ``key`` to the focused widget; the widget focused afterwards, once what the key
    set off has run."""
    target = QApplication.focusWidget()
    qtbot.keyClick(target, key, modifier)
    run_pending_layouts(target.window())
    return QApplication.focusWidget()


def focus_grid(qtbot, window: MainWindow) -> None:
    window.dock_layout.docks["kernel"].raise_()
    run_pending_layouts(window)
    table = window.kernel_editor.table
    table.setFocus(Qt.FocusReason.TabFocusReason)
    table.setCurrentIndex(table.model().index(1, 1))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)


def test_tab_leaves_the_kernel_grid_and_reaches_the_parameters(window, qtbot):
    focus_grid(qtbot, window)
    editor, params = window.kernel_editor, window.parameters
    assert press(qtbot, Qt.Key.Key_Tab) is editor.divisor_edit
    assert press(qtbot, Qt.Key.Key_Tab) is editor.bias_edit
    reached = []
    for _ in range(40):  # two columns: straight on; one column of tabs: via the docks' tabs
        reached.append(press(qtbot, Qt.Key.Key_Tab))
        if isinstance(reached[-1], QTabBar) and reached[-1].parentWidget() is window:
            titles = [reached[-1].tabText(i) for i in range(reached[-1].count())]
            reached[-1].setCurrentIndex(titles.index("Parameters"))
            run_pending_layouts(window)
        if params.isAncestorOf(reached[-1]):
            break
    assert reached[-1] is params.padding_mode, [w.accessibleName() for w in reached]
    assert press(qtbot, Qt.Key.Key_Tab) is params.stride.h
    assert press(qtbot, Qt.Key.Key_Tab) is params.stride.w
    assert press(qtbot, Qt.Key.Key_Backtab) is params.stride.h


def test_shift_tab_leaves_the_kernel_grid_backwards(window, qtbot):
    focus_grid(qtbot, window)
    table, editor = window.kernel_editor.table, window.kernel_editor
    assert press(qtbot, Qt.Key.Key_Backtab) is editor.cols_spin
    assert press(qtbot, Qt.Key.Key_Backtab) is editor.rows_spin
    assert press(qtbot, Qt.Key.Key_Tab) is editor.cols_spin
    assert press(qtbot, Qt.Key.Key_Tab) is table
    assert table.currentIndex().row() == 1 and table.currentIndex().column() == 1


def test_arrow_keys_move_inside_the_grid(window, qtbot):
    focus_grid(qtbot, window)
    table = window.kernel_editor.table
    assert press(qtbot, Qt.Key.Key_Right) is table
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, 2)
    press(qtbot, Qt.Key.Key_Up)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (0, 2)


def test_tab_while_typing_in_a_cell_commits_it_and_leaves(window, qtbot):
    focus_grid(qtbot, window)
    table = window.kernel_editor.table
    press(qtbot, Qt.Key.Key_7)  # opens the cell's editor with "7"
    assert QApplication.focusWidget() is not table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.kernel_editor.divisor_edit)
    assert window.model.settings.kernel[1][1] == 7


def test_f6_visits_the_lesson_and_every_panel(window, qtbot):
    keyboard = window.keyboard
    docks = [window.dock_layout.docks[k] for k in
             ("kernel", "parameters", "shape", "presets", "frequency")]
    window.tabs.bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.bar)
    visited = []
    for _ in range(len(docks) + 1):
        focus = press(qtbot, Qt.Key.Key_F6)
        region = next((d for d in docks if d.isAncestorOf(focus)), None)
        visited.append(region if region is not None else
                       "lesson" if window.tabs.isAncestorOf(focus) else focus)
        assert region is None or not region.visibleRegion().isEmpty()  # raised, on screen
    assert visited == [*docks, "lesson"]
    assert keyboard.current_region() == 0
    assert press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) in \
        docks[-1].findChildren(QWidget)
    assert [a.shortcut().toString() for a in keyboard.view_actions()] == ["F6", "Shift+F6"]


def test_kernel_shortcuts_work_with_the_focus_in_another_panel(window, qtbot):
    window.model.edit("test kernel", kernel=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], divisor=1)
    window.dock_layout.docks["parameters"].raise_()
    run_pending_layouts(window)
    window.parameters.boundary.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.parameters.boundary)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, Qt.Key.Key_R, ctrl_shift)  # rotate 90° clockwise
    assert window.model.settings.kernel == ((7, 4, 1), (8, 5, 2), (9, 6, 3))
    press(qtbot, Qt.Key.Key_N, ctrl_shift)  # normalize: divisor = Σ = 45
    assert window.model.settings.divisor == 45
    press(qtbot, Qt.Key.Key_T, ctrl_shift)  # transpose
    assert window.model.settings.kernel == ((7, 8, 9), (4, 5, 6), (1, 2, 3))
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    press(qtbot, Qt.Key.Key_H, ctrl_alt)  # flip left–right
    assert window.model.settings.kernel == ((9, 8, 7), (6, 5, 4), (3, 2, 1))
    window.tabs.setCurrentIndex(window.tabs.index_of_title("Quiz"))
    window.tabs.bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.bar)
    press(qtbot, Qt.Key.Key_V, ctrl_alt)  # flip top–bottom, from the lesson tab bar
    assert window.model.settings.kernel == ((3, 2, 1), (6, 5, 4), (9, 8, 7))


def test_the_kernel_tools_menu_lists_the_tools_with_their_keys(window):
    menu = window.keyboard.kernel_menu()
    listed = {a.text().replace("&", ""): a.shortcut().toString() for a in menu.actions()}
    assert listed == {
        "Normalize": "Ctrl+Shift+N", "Flip horizontally": "Ctrl+Alt+H",
        "Flip vertically": "Ctrl+Alt+V", "Rotate 90° clockwise": "Ctrl+Shift+R",
        "Transpose": "Ctrl+Shift+T", "Identity": "Ctrl+Shift+I", "Clear": "Ctrl+Shift+Del"}
    assert all(a.shortcutContext() == Qt.ShortcutContext.WindowShortcut for a in menu.actions())
