"""What a screen-reader user and a keyboard user meet in the real window (issue 17, items 2–3).

Every interactive control shown in any lesson tab, with any side panel raised and any page of
a panel's own tabs, has an accessible Name; mnemonics do not clash; the focus ring stands out
3:1 from what it covers (WCAG contrast ratio computed here from the grabbed pixels), in normal
and presentation mode; a selected kernel cell keeps its value's colour.
"""

from __future__ import annotations

import numpy as np
import pytest
from layout_audit import (
    accessible_name,
    menu_mnemonic_clashes,
    mnemonic_clashes,
    unnamed_controls,
)
from numpy.typing import ArrayLike
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QWidget
from window_settling import run_pending_layouts, settle_window

from convgui.ui.keyboard import reveal
from convgui.ui.main_window import MainWindow


def _window(qtbot, size, presenting=False) -> MainWindow:
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.presentation.set_presentation(presenting, remember=False)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.result is not None, timeout=10_000)
    settle_window(qtbot, w)
    return w


@pytest.fixture
def window(qtbot, app_look):
    return _window(qtbot, (1280, 800))


@pytest.fixture
def presenting_window(qtbot, app_look):
    return _window(qtbot, (1024, 768), presenting=True)


def every_view(qtbot, window: MainWindow, audit) -> list[str]:
    """``audit(window)`` in every view: each lesson tab with each dock raised, and each page
    of every tab widget inside a panel or a lesson; its findings, each with the first view
    where it was seen."""
    found: dict[str, str] = {}

    def look(where: str) -> None:
        for problem in audit(window):
            found.setdefault(problem, where)

    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        for dock in window.dock_layout.docks.values():
            dock.raise_()
            settle_window(qtbot, window)
            where = f"{window.tabs.tabText(tab)} / {dock.windowTitle()}"
            look(where)
            for inner in dock.findChildren(QTabWidget):
                for page in range(1, inner.count()):
                    inner.setCurrentIndex(page)
                    run_pending_layouts(window)
                    look(f"{where} / {inner.tabText(page)}")
                inner.setCurrentIndex(0)
    return [f"[{where}] {problem}" for problem, where in found.items()]


@pytest.mark.parametrize("which", ["normal", "presentation"])
def test_every_shown_control_has_an_accessible_name(request, qtbot, which):
    window = request.getfixturevalue("window" if which == "normal" else "presenting_window")
    window.parameters.padding_mode.setCurrentIndex(
        window.parameters.padding_mode.findData("custom"))  # the per-side boxes show
    assert every_view(qtbot, window, unnamed_controls) == []


def test_names_say_which_box_is_which(window):
    params, editor = window.parameters, window.kernel_editor
    params.padding_mode.setCurrentIndex(params.padding_mode.findData("custom"))
    names = {
        params.stride.h: "Stride height", params.stride.w: "Stride width",
        params.dilation.h: "Dilation height", params.dilation.w: "Dilation width",
        params.stride.link: "Link stride sides", params.dilation.link: "Link dilation sides",
        params.pad_top: "Padding top", params.pad_bottom: "Padding bottom",
        params.pad_left: "Padding left", params.pad_right: "Padding right",
        editor.rows_spin: "Kernel size rows", editor.cols_spin: "Kernel size columns",
        editor.table: "Kernel weights", editor.divisor_edit: "Divisor", editor.bias_edit: "Bias",
    }
    assert {accessible_name(w): name for w, name in names.items()} == \
        {name: name for name in names.values()}
    search = window.preset_panel.search
    assert accessible_name(search) == "Search presets"


def test_main_controls_explain_themselves_with_what_s_this(window):
    params, editor = window.parameters, window.kernel_editor
    for widget in (editor.table, editor.rows_spin, editor.divisor_edit, editor.bias_edit,
                   editor.picker.combo, params.padding_mode, params.stride.h, params.boundary,
                   params.display, params.channels, window.views.before, window.views.after,
                   window.tabs.bar, window.preset_panel.search):
        assert len(widget.whatsThis()) > 30, accessible_name(widget)


def test_no_mnemonic_is_used_twice_in_a_panel_or_taken_from_a_menu(window, qtbot):
    window.parameters.padding_mode.setCurrentIndex(
        window.parameters.padding_mode.findData("custom"))
    assert every_view(qtbot, window, mnemonic_clashes) == []


def test_the_main_panels_labels_have_mnemonics_and_buddies(window):
    """Every label of the Kernel and Parameters panels that names an input is its buddy, and
    the main ones carry an Alt+letter mnemonic whose buddy takes the focus."""
    params, editor = window.parameters, window.kernel_editor
    buddies = {label.text(): label.buddy() for panel in (params, editor)
               for label in panel.findChildren(QLabel) if label.buddy() is not None}
    expected = {"S&tride": params.stride.h, "&Dilation": params.dilation.h,
                "&Padding": params.padding_mode, "Fi&ll": params.boundary,
                "V&alue": params.cval, "Chan&nels": params.channels,
                "&Mapping": params.display, "Si&ze": editor.rows_spin,
                "Divi&sor": editor.divisor_edit, "&Bias": editor.bias_edit}
    for text, box in expected.items():
        target = buddies[text]
        assert (target.focusProxy() or target) is box, text


def test_no_two_items_of_a_menu_share_a_mnemonic(window):
    window.menuBar().addMenu(window.keyboard.kernel_menu())
    assert menu_mnemonic_clashes(window.menuBar()) == []


# ----------------------------------------------------------------------------- the focus ring

def luminance(red: ArrayLike, green: ArrayLike, blue: ArrayLike) -> np.ndarray:
    """WCAG 2 relative luminance of 8-bit sRGB values (scalars or arrays, element-wise),
    written out here independently of the code under test."""
    def linear(v: ArrayLike) -> np.ndarray:
        s = np.asarray(v, dtype=np.float64) / 255
        return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(lum_a: ArrayLike, lum_b: ArrayLike) -> np.ndarray:
    """WCAG 2 contrast ratio of two relative luminances (element-wise): lighter + 0.05 over
    darker + 0.05."""
    return (np.maximum(lum_a, lum_b) + 0.05) / (np.minimum(lum_a, lum_b) + 0.05)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""
    return float(contrast_ratio(luminance(a.red(), a.green(), a.blue()),
                                luminance(b.red(), b.green(), b.blue())))


def _grab(window: MainWindow, rect: QRect) -> QImage:
    return window.grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)


def _luminances(image: QImage) -> np.ndarray:
    """The relative luminance of every pixel of an RGB32 ``image`` (height × width); each
    pixel is read as the 0xffRRGGBB value ``QImage.pixel`` returns."""
    rows = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.sizeInBytes() // 4)
    pixels = rows.reshape(image.height(), image.bytesPerLine() // 4)[:, :image.width()]
    return luminance((pixels >> 16) & 0xFF, (pixels >> 8) & 0xFF, pixels & 0xFF)


def ring_pixels(qtbot, window: MainWindow, widget: QWidget) -> tuple[int, int]:
    """``(changed, perimeter)``: how many pixels of ``widget``'s area (window pixels, a margin
    included) change 3:1 or more between not focused and focused, and the widget's
    perimeter; WCAG 2.2 asks an indicator at least as large as a 2 px thick perimeter."""
    window.activateWindow()
    focus = QApplication.focusWidget()
    if focus is not None:
        focus.clearFocus()
    reveal(widget)  # in view, as Tab would bring it
    run_pending_layouts(window)
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size()).adjusted(
        -3, -3, 3, 3)
    before = _grab(window, rect)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    run_pending_layouts(window)  # what the focus sets off (the ring follows moves on a timer)
    after = _grab(window, rect)
    ratio = before.devicePixelRatio()
    changed = int(np.count_nonzero(contrast_ratio(_luminances(before), _luminances(after)) >= 3))
    return changed, round(2 * (widget.width() + widget.height()) * ratio)


def focus_samples(window: MainWindow) -> list[QWidget]:
    """A control of each kind: tab bar, tool button, spin box, line edit, combo box, check
    box, radio button, item view, the image view."""
    editor, params = window.kernel_editor, window.parameters
    button = next(b for b in editor.tools.children() if isinstance(b, QWidget))
    return [window.tabs.bar, button, editor.rows_spin, editor.divisor_edit, params.boundary,
            params.stride.link, params.correlation, editor.table, window.views.before]


@pytest.mark.parametrize("which", ["normal", "presentation"])
def test_the_focus_indicator_contrasts_3_to_1(request, qtbot, which):
    window = request.getfixturevalue("window" if which == "normal" else "presenting_window")
    window.dock_layout.docks["kernel"].raise_()
    for widget in focus_samples(window):
        if widget is window.parameters.boundary or widget.parentWidget() is not None and \
                widget in window.parameters.findChildren(QWidget):
            window.dock_layout.docks["parameters"].raise_()
        else:
            window.dock_layout.docks["kernel"].raise_()
        run_pending_layouts(window)
        changed, perimeter = ring_pixels(qtbot, window, widget)
        assert changed >= 2 * perimeter, (accessible_name(widget), changed, perimeter)


def test_focus_is_visible_at_launch(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    run_pending_layouts(window)
    focus = QApplication.focusWidget()
    assert focus is window.tabs.bar
    ring = window.keyboard.focus_ring
    assert ring.isVisible() and ring.target is focus


def test_a_selected_kernel_cell_keeps_its_value_s_colour(window, qtbot):
    """A selected positive 1 must not turn the style's blue (which reads as negative): the
    inside of the cell keeps its red, and an outline marks the selection."""
    editor = window.kernel_editor
    window.model.edit("test kernel", kernel=[[0, 0, 0], [0, 1, 0], [0, 0, -1]])
    table = editor.table
    index = table.model().index(1, 1)
    rect = table.visualRect(index)

    def colour_at(x: int, y: int) -> QColor:
        image = table.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        return QColor(image.pixel(round(x * ratio), round(y * ratio)))

    table.clearSelection()
    table.setCurrentIndex(table.model().index(0, 0))
    table.clearSelection()
    settle_window(qtbot, window)
    inside = (rect.left() + rect.width() // 4, rect.top() + rect.height() // 4)
    plain = colour_at(*inside)
    assert plain.red() > plain.blue() + 60  # a positive weight is red
    table.setCurrentIndex(index)
    table.selectionModel().select(index, table.selectionModel().SelectionFlag.ClearAndSelect)
    run_pending_layouts(window)
    assert colour_at(*inside) == plain
    band = [colour_at(rect.left() + dx, rect.center().y()) for dx in range(5)]
    assert max(contrast(c, plain) for c in band) >= 3  # the outline stands out from the cell
