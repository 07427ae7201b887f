"""The window at the front of a classroom: every projector size, normal and presentation mode.

At each common projector/laptop size the real window shows every central tab with each side
panel raised in turn, and the audit in :mod:`layout_audit` finds no text that needs more room
than it has and no enabled control partly clipped; the central views keep at least 55 % of the
width up to 1366 px. The window follows a resize live, as a teacher resizing it would see.
"""

from __future__ import annotations

import pytest
from layout_audit import cut_texts, hidden_controls
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDockWidget
from window_settling import settle_window

from convgui.ui.main_window import MainWindow
from convgui.window_layout import COMPACT, WIDE

SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080)]
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea




@pytest.fixture
def window(qtbot, app_look):
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.result is not None, timeout=10_000)
    return w


def problems(qtbot, window: MainWindow) -> list[str]:
    """Cut texts and hidden controls on every central tab, with each side panel raised, each
    view audited once the window is at rest (the tab's result shown, its layout done)."""
    found: dict[str, str] = {}  # problem → where it was first seen
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        for dock in window.dock_layout.docks.values():
            dock.raise_()
            settle_window(qtbot, window)
            for problem in cut_texts(window) + hidden_controls(window):
                found.setdefault(problem, f"{window.tabs.tabText(tab)} / {dock.windowTitle()}")
    return [f"[{where}] {problem}" for problem, where in found.items()]


@pytest.mark.slow
@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_tab_fits_at_projector_sizes(window, qtbot, size, presenting):
    window.presentation.set_presentation(presenting)
    window.resize(*size)
    settle_window(qtbot, window)
    assert (window.width(), window.height()) == size
    if size[0] <= 1366:
        share = window.tabs.width() / window.width()
        assert share >= 0.55, f"central views get {share:.0%} of the width"
    assert problems(qtbot, window) == []


def test_the_layout_follows_a_live_resize(window, qtbot):
    """Wide → narrow → wide: two columns become one column of tabs and back, every panel
    docked and reachable, the central views never squeezed below their share."""
    window.resize(1920, 1080)
    settle_window(qtbot, window)
    assert window.dock_layout.plan.arrangement == WIDE
    left = window.dock_layout.docks["kernel"]
    right = window.dock_layout.docks["parameters"]
    assert left.x() < window.tabs.x() < right.x()

    window.resize(1024, 768)
    settle_window(qtbot, window)
    assert window.dock_layout.plan.arrangement == COMPACT
    docks = window.dock_layout.docks.values()
    assert all(not d.isFloating() and window.dockWidgetArea(d) == RIGHT for d in docks)
    assert all(len(window.tabifiedDockWidgets(d)) == len(docks) - 1 for d in docks)
    assert window.tabs.width() >= 0.55 * window.width()

    window.resize(1920, 1080)
    settle_window(qtbot, window)
    assert window.dock_layout.plan.arrangement == WIDE
    assert window.tabs.width() >= 0.55 * window.width()


def test_presentation_mode_moves_to_one_column_where_two_no_longer_fit(window, qtbot):
    window.resize(1366, 768)
    settle_window(qtbot, window)
    before = window.dock_layout.plan
    window.presentation.set_presentation(True)
    settle_window(qtbot, window)
    after = window.dock_layout.plan
    assert after.arrangement == COMPACT
    assert before.arrangement == WIDE or after.columns[0] >= before.columns[0]
    assert problems(qtbot, window) == []


def test_reset_layout_docks_every_panel_for_the_current_size(window, qtbot):
    window.resize(1024, 768)
    settle_window(qtbot, window)
    shape = window.dock_layout.docks["shape"]
    shape.setFloating(True)
    window.dock_layout.docks["presets"].hide()
    window.reset_layout()
    settle_window(qtbot, window)
    docks: list[QDockWidget] = list(window.dock_layout.docks.values())
    assert all(not d.isFloating() and not d.isHidden() for d in docks)
    assert window.dock_layout.plan.arrangement == COMPACT


def test_the_disabled_look_differs_from_the_enabled_one_in_presentation(window, qtbot):
    """Redo with nothing to redo must not read as a live button on the projector."""
    window.presentation.set_presentation(True)
    palette = window.palette()
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.WindowText):
        enabled = palette.color(QPalette.ColorGroup.Active, role)
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        assert abs(enabled.lightness() - disabled.lightness()) >= 80, role
    redo = window.kernel_editor.redo_action
    assert not redo.isEnabled()


def test_the_status_bar_says_no_output_when_the_settings_leave_none(window, qtbot):
    """It kept the last result's '512×512 → 512×512' while the views said there was none."""
    window.model.edit("huge dilation", dilation=(400, 400), padding="valid")
    qtbot.waitUntil(lambda: window.result is None, timeout=5000)
    assert window.compute.shape_label.text() == "512×512 → no output"
