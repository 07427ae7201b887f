"""The main window and its classroom tabs, docks and presentation mode working together.

The classroom tabs, the presets dock, the frequency dock and the kernel editor all share the
window's one :class:`~convgui.ui.model.SettingsModel` and its input image; every number checked
here is recomputed in the test with :mod:`convgui.engine` (or :mod:`convgui.shapes`,
:mod:`convgui.presets`), never read back from the widget that shows it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from convgui import engine, kernels
from convgui.lessons import CLASSROOM_TABS
from convgui.presets import PresetStore
from convgui.settings import Settings
from convgui.shapes import ActivationStep, ConvStep, PoolStep, chain_text
from convgui.stepper import EXAMPLES, Walkthrough
from convgui.ui.main_window import MainWindow
from convgui.ui.presentation import FONT_STEP, PRESENTATION_SCALE

RNG = np.random.default_rng(23)
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114])
BOX_3 = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
LAPLACIAN = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
FIVE = EXAMPLES["5×5 input, 3×3 kernel"]


# --------------------------------------------------------------------------------- helpers

def write_png(path: Path, array: np.ndarray) -> Path:
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)
    return path


def wait_current(qtbot, window: MainWindow, timeout: int = 10_000):
    """Wait until the newest request's result is on the playground's after view."""
    qtbot.waitUntil(
        lambda: window.result is not None and window.result.seq == window.worker.latest_seq,
        timeout=timeout,
    )
    return window.result


def tab_index(window: MainWindow, attribute: str) -> int:
    """The index of the classroom tab holding panel ``attribute`` (title: CLASSROOM_TABS)."""
    [title] = [t for a, t, _tip in CLASSROOM_TABS if a == attribute]
    [index] = [i for i in range(window.tabs.count()) if window.tabs.tabText(i) == title]
    return index


def show_tab(qtbot, window: MainWindow, attribute: str):
    """Make the classroom tab of ``attribute`` current; the panel."""
    window.tabs.setCurrentIndex(tab_index(window, attribute))
    panel = getattr(window.classroom, attribute)
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    return panel


def show_playground(qtbot, window: MainWindow) -> None:
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(window.views.isVisible, timeout=2000)


def geometry(settings: Settings) -> dict:
    """The model's geometry as the filter bank uses it (no bias, no channel mode)."""
    return {"padding": settings.padding, "stride": settings.stride,
            "dilation": settings.dilation, "boundary": settings.boundary,
            "cval": settings.cval, "flip": settings.flip}


def expected_magnitude(image: np.ndarray, settings: Settings) -> np.ndarray:
    """Sobel x and Sobel y on the image's luma with the model's geometry, merged by magnitude."""
    plane = (image[:, :, :3].astype(np.float64) @ LUMA_WEIGHTS).astype(np.float32)
    maps = [engine.convolve2d(plane, kernels.get(name).kernel(), **geometry(settings))
            for name in ("sobel-x", "sobel-y")]
    return engine.merge(maps, "magnitude")


def assert_after_view_is_convolve2d(window: MainWindow, settings: Settings) -> None:
    result = window.result
    assert result.settings == settings
    expected = engine.convolve2d(window.image.data, settings.kernel_array(),
                                 **settings.engine_kwargs())
    np.testing.assert_array_equal(result.output, expected)
    assert window.views.result() is result




@pytest.fixture
def window(qtbot, app_look):
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    wait_current(qtbot, w)
    return w


@pytest.fixture
def loaded(window, qtbot, tmp_path):
    """The window on a 24×31 RGB PNG (Sobel x, padding 'same'), the playground shown."""
    png = write_png(tmp_path / "in.png", RNG.integers(0, 256, size=(24, 31, 3)))
    assert window.open_image(str(png))
    wait_current(qtbot, window)
    return window


# ---------------------------------------------------------------------- 1. the filter bank

def test_filter_bank_gets_the_window_image_and_computes_only_when_shown(loaded, qtbot):
    window = loaded
    bank = window.classroom.filter_bank
    image = window.image.data
    assert image.shape == (24, 31, 3)
    np.testing.assert_array_equal(bank.image(), image)  # handed over on open_image
    # hidden behind the playground: a kernel edit only marks it out of date
    window.model.edit("k", kernel=[[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    qtbot.wait(50)
    assert not bank.task_running() and bank.merged() is None and bank.is_behind()
    wait_current(qtbot, window)

    show_tab(qtbot, window, "filter_bank")
    qtbot.waitUntil(lambda: bank.is_ready() and bank.merged() is not None, timeout=10_000)
    np.testing.assert_array_equal(bank.merged(),
                                  expected_magnitude(image, window.model.settings))
    assert bank.merged().shape == (24, 31)
    assert [name for name, _k, _w in bank.filters()] == ["Sobel x", "Sobel y"]

    # back to the playground: a geometry edit submits no filter-bank job ...
    show_playground(qtbot, window)
    seq = bank._task.latest_seq
    before = bank.merged().copy()
    with qtbot.assertNotEmitted(bank.updated, wait=150):
        window.model.edit("stride", stride=(2, 2), boundary="constant")
    assert bank._task.latest_seq == seq and bank.is_behind()
    np.testing.assert_array_equal(bank.merged(), before)  # still the old map
    wait_current(qtbot, window)
    # ... until its tab is shown again
    show_tab(qtbot, window, "filter_bank")
    qtbot.waitUntil(lambda: bank.is_ready() and bank._task.latest_seq > seq, timeout=10_000)
    expected = expected_magnitude(image, window.model.settings)
    assert expected.shape == (12, 16)
    np.testing.assert_array_equal(bank.merged(), expected)


# ------------------------------------------------------------------------ 2. the layer tab

def test_layer_chain_follows_the_image_shape_and_the_model(loaded, qtbot, tmp_path):
    window = loaded
    layer = window.classroom.layer
    # the chain is text: reading it while the tab is hidden brings it up to date
    assert layer.chain_text() == (
        "24×31×3 → conv 16×(3×3×3), same → 24×31×16 → ReLU → max-pool 2×2 → 12×15×16")
    window.model.edit("stride", stride=(2, 2))
    assert layer.chain_text() == (
        "24×31×3 → conv 16×(3×3×3), s2, same → 12×16×16 → ReLU → max-pool 2×2 → 6×8×16")
    steps = [ConvStep(filters=16, kernel=(3, 3), stride=(2, 2), padding="same"),
             ActivationStep("relu"), PoolStep(2, 2, "max")]
    assert layer.chain_text() == chain_text((24, 31, 3), steps)

    window.open_image(str(write_png(tmp_path / "grey.png", RNG.integers(0, 256, (20, 9)))))
    assert layer.chain_text() == (
        "20×9×1 → conv 16×(3×3×1), s2, same → 10×5×16 → ReLU → max-pool 2×2 → 5×2×16")
    window.model.edit("5x5 valid", kernel=[[1] * 5] * 5, padding="valid", stride=(1, 1))
    assert layer.chain_text() == (
        "20×9×1 → conv 16×(5×5×1) → 16×5×16 → ReLU → max-pool 2×2 → 8×2×16")

    # shown, its images are the same layer on the same image
    show_tab(qtbot, window, "layer")
    qtbot.waitUntil(lambda: layer.is_ready() and layer.stage_outputs() is not None,
                    timeout=10_000)
    conv, activated, pooled = layer.stage_outputs()
    s = window.model.settings
    expected = engine.convolve2d(window.image.data, s.kernel_array(), **geometry(s))
    np.testing.assert_array_equal(conv, expected)
    np.testing.assert_array_equal(activated, np.maximum(expected, 0))
    assert conv.shape == (16, 5) and pooled.shape == (8, 2)


# -------------------------------------------------------------------- 3. step-through mode

def test_matrix_mode_follows_the_window_kernel_editor(window, qtbot):
    matrix = show_tab(qtbot, window, "matrix")
    matrix.load_example(FIVE.name)
    qtbot.waitUntil(matrix.is_ready, timeout=5000)
    assert window.model.settings.kernel == ((1, 0, -1),) * 3  # the example's kernel ...
    assert matrix.step_text().endswith("= −5")
    table = window.kernel_editor.table_model

    assert table.setData(table.index(0, 0), "2")  # edited in the kernel dock
    assert window.model.settings.kernel == ((2, 0, -1), (1, 0, -1), (1, 0, -1))
    qtbot.waitUntil(lambda: matrix.is_ready() and matrix.step_text().endswith("= −2"),
                    timeout=5000)
    assert matrix.step_text() == (
        "3·2 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −2")
    assert matrix.step_text() in matrix.arithmetic_text()
    s = window.model.settings
    walk = Walkthrough(FIVE.image_array(), s.kernel_array(), **geometry(s), bias=s.bias)
    assert matrix.step_text() == walk.step(0).text
    np.testing.assert_array_equal(
        matrix.output_values(),
        engine.convolve2d(FIVE.image_array(), s.kernel_array(), **s.engine_kwargs()))
    matrix.go_to(4)
    assert matrix.step_text() == walk.step(4).text

    window.kernel_editor.undo_action.trigger()  # the window's undo reaches the grid too
    assert window.model.settings.kernel == ((1, 0, -1),) * 3
    qtbot.waitUntil(
        lambda: matrix.is_ready() and matrix.step_text() == FIVE.walkthrough().step(4).text,
        timeout=5000)


def test_hidden_panels_do_no_work_on_an_edit_and_catch_up_when_shown(loaded, qtbot,
                                                                    monkeypatch):
    """An edit on the playground runs none of the hidden classroom tabs or the hidden
    frequency tab (they cost the window ~10 ms per edit); each follows when shown."""
    window = loaded
    import convgui.ui.classroom.frequency_view as frequency_module

    window.dock_layout.docks["shape"].raise_()  # the frequency response is the dock's other tab
    qtbot.waitUntil(lambda: window.frequency.visibleRegion().isEmpty(), timeout=2000)
    responses, rebuilds = [], []
    real_response = frequency_module.frequency_response
    monkeypatch.setattr(frequency_module, "frequency_response",
                        lambda *a: responses.append(a) or real_response(*a))
    channels = window.classroom.channels
    real_rebuild = channels._sync_filter_editors
    monkeypatch.setattr(channels, "_sync_filter_editors",
                        lambda: rebuilds.append(1) or real_rebuild())
    matrix = window.classroom.matrix
    matrix_seq = matrix._task.latest_seq

    window.model.edit("box", kernel=BOX_3, divisor=9)
    wait_current(qtbot, window)
    assert responses == [] and rebuilds == [] and matrix._task.latest_seq == matrix_seq
    assert channels.is_behind() and window.classroom.layer.is_behind()

    show_tab(qtbot, window, "channels")
    assert rebuilds == [1]
    weights, _bias = channels.filters_and_bias()
    np.testing.assert_allclose(weights[0, :, :, 0], np.full((3, 3), 1 / 9))
    show_tab(qtbot, window, "matrix")
    qtbot.waitUntil(lambda: matrix.is_ready() and matrix._task.latest_seq > matrix_seq,
                    timeout=5000)
    s = window.model.settings
    walk = Walkthrough(matrix.input_values(), s.kernel_array(), **geometry(s),
                       bias=s.bias)
    assert matrix.step_text() == walk.step(0).text

    window.dock_layout.docks["frequency"].raise_()
    qtbot.waitUntil(lambda: len(responses) == 1, timeout=2000)
    padded = np.zeros((64, 64))
    padded[:3, :3] = 1 / 9
    np.testing.assert_allclose(window.frequency.response(),
                               np.abs(np.fft.fftshift(np.fft.fft2(padded))), atol=1e-12)


# ----------------------------------------------------------------------- 4. presets dock

@pytest.mark.parametrize("name", ["Sobel x", "Downsample ×2 (box, stride 2)"])
def test_applying_a_preset_in_the_dock(loaded, qtbot, name):
    window = loaded
    panel = window.preset_panel
    assert name in panel.presets_shown()
    preset = PresetStore().get(name)
    assert preset.kernel_only == (name == "Sobel x")
    window.model.edit("start", kernel=BOX_3, divisor=9, bias=2, padding="full",
                      boundary="wrap", dilation=(1, 2))
    previous = window.model.settings
    wait_current(qtbot, window)

    assert panel.select(name)
    assert panel.apply_selected()
    expected = preset.apply_to(previous)
    assert window.model.settings == expected
    if preset.kernel_only:  # only kernel, divisor and bias change
        assert expected == previous.replace(kernel=preset.kernel, divisor=preset.divisor,
                                            bias=preset.bias)
    else:
        assert (expected.stride, expected.padding, expected.boundary) == (
            (2, 2), "valid", "reflect")
    wait_current(qtbot, window)
    assert_after_view_is_convolve2d(window, expected)
    if not preset.kernel_only:
        assert window.result.output.shape == (12, 15, 3)

    window.model.undo_stack.undo()
    assert window.model.settings == previous
    wait_current(qtbot, window)
    assert_after_view_is_convolve2d(window, previous)


# --------------------------------------------------------------------- 5. frequency dock

def test_frequency_dock_follows_the_kernel(window):
    frequency = window.frequency
    # Sobel x at the start: a derivative across, a smoothing along: band-pass
    assert frequency.verdict().startswith("band-pass")
    window.model.edit("box", kernel=BOX_3, divisor=9)
    assert frequency.verdict().startswith("low-pass")
    assert frequency.response()[32, 32] == pytest.approx(1.0)  # |sum| of the box
    window.model.edit("laplacian", kernel=LAPLACIAN, divisor=1)
    assert frequency.verdict().startswith("high-pass")
    assert frequency.response()[32, 32] == pytest.approx(0.0, abs=1e-12)
    window.model.undo_stack.undo()
    assert frequency.verdict().startswith("low-pass")


# ------------------------------------------------------------------------ 6. presentation

def test_presentation_scale_and_mode_are_applied_remembered_and_reset(
        window, qtbot, app_look):
    app = QApplication.instance()
    base_font, base_palette = app_look
    base = app.font().pointSizeF()
    assert base > 0 and base == base_font.pointSizeF()
    presentation = window.presentation
    assert presentation.effective_scale() == 1.0

    presentation.larger_action.trigger()
    assert presentation.effective_scale() == pytest.approx(FONT_STEP)
    assert app.font().pointSizeF() == pytest.approx(base * FONT_STEP)
    assert app.palette().color(QPalette.ColorRole.Window) == \
        base_palette.color(QPalette.ColorRole.Window)

    presentation.presentation_action.trigger()
    assert presentation.presentation_action.isChecked()
    assert presentation.effective_scale() == pytest.approx(FONT_STEP * PRESENTATION_SCALE)
    assert app.font().pointSizeF() == pytest.approx(base * FONT_STEP * PRESENTATION_SCALE)
    assert app.palette().color(QPalette.ColorRole.Window) == QColor("#f4f4f4")
    assert app.palette().color(QPalette.ColorRole.WindowText) == QColor("black")
    scale = presentation.effective_scale()
    window.close()

    # the next window (same CONVGUI_HOME) starts as this one ended
    second = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(second)
    again = second.presentation
    assert again.presentation_action.isChecked()
    assert again.effective_scale() == pytest.approx(scale)
    assert app.font().pointSizeF() == pytest.approx(base * scale)
    assert app.palette().color(QPalette.ColorRole.Window) == QColor("#f4f4f4")

    again.reset_action.trigger()  # normal text size; presentation mode still on
    assert again.effective_scale() == pytest.approx(PRESENTATION_SCALE)
    assert app.font().pointSizeF() == pytest.approx(base * PRESENTATION_SCALE)
    again.presentation_action.trigger()  # off: the look the test started with
    assert not again.presentation_action.isChecked() and again.effective_scale() == 1.0
    assert app.font().pointSizeF() == base
    assert app.font() == base_font
    assert app.palette().color(QPalette.ColorRole.Window) == \
        base_palette.color(QPalette.ColorRole.Window)
    assert app.palette() == base_palette

    # ... and that is remembered too
    second.close()
    third = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(third)
    assert not third.presentation.presentation_action.isChecked()
    assert third.presentation.effective_scale() == 1.0
    assert app.font().pointSizeF() == base


def test_full_screen_action(window, qtbot):
    action = window.presentation.full_screen_action
    assert not window.isFullScreen() and not action.isChecked()
    action.trigger()
    assert action.isChecked()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    action.trigger()
    assert not action.isChecked()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    assert not window.isMaximized()


def test_full_screen_returns_to_a_maximized_window(window, qtbot):
    action = window.presentation.full_screen_action
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized, timeout=2000)
    action.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    assert window.isMaximized()  # as before, not a normal window
    assert not action.isChecked()


def test_full_screen_action_follows_the_window_state(window, qtbot):
    """Full screen left another way (the window manager): the action is unchecked, so the
    next F11 enters full screen again instead of doing nothing."""
    action = window.presentation.full_screen_action
    action.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    window.showNormal()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    assert not action.isChecked()
    action.trigger()
    assert action.isChecked()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    window.showNormal()


# -------------------------------------------------------------------- 7. closing the window

def test_closing_stops_every_classroom_thread(qtbot, qtlog, tmp_path, app_look):
    window = MainWindow(restore=False, save_session=False)  # deleted here, not by qtbot
    try:
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        png = write_png(tmp_path / "in.png", RNG.integers(0, 256, size=(40, 50, 3)))
        assert window.open_image(str(png))
        wait_current(qtbot, window)
        classroom = window.classroom
        for attribute, _title, _tip in CLASSROOM_TABS:
            panel = show_tab(qtbot, window, attribute)
            qtbot.waitUntil(panel.is_ready, timeout=10_000)
        qtbot.waitUntil(lambda: all(p.is_ready() for p in classroom.panels()), timeout=10_000)
        photo = classroom.photo_panels()
        assert all(p.task_running() for p in photo)  # each computed once: its thread is up
        assert classroom.matrix._task.isRunning()

        window.close()
        assert not window.worker.isRunning()
        assert not any(p.task_running() for p in photo)
        assert not classroom.matrix._task.isRunning()
    finally:
        window.close()
        window.deleteLater()
        QGuiApplication.processEvents()
        QGuiApplication.sendPostedEvents(None, 0)
    qtbot.wait(20)
    messages = [r.message for r in qtlog.records
                if "propagateSizeHints" not in r.message]  # said by the offscreen platform
    assert not any("QThread" in m for m in messages), messages
    assert messages == []


# ------------------------------------------------------------------------- 8. dock widths

def test_docks_keep_sensible_widths_on_every_tab_at_1280x800(window, qtbot):
    """Every shown dock at least as wide as its contents need, on every tab, and the views
    more than half the window."""
    assert (window.width(), window.height()) == (1280, 800)
    layout = window.dock_layout
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)  # the layout settles
        name = window.tabs.tabText(index)
        for panel in layout.panels:
            dock = layout.docks[panel.key]
            if not dock.visibleRegion().isEmpty():
                assert dock.width() >= layout.need(panel) - 2, (name, panel.key, dock.width())
        assert window.tabs.width() >= 0.55 * window.width(), (name, window.tabs.width())


def test_the_window_has_exactly_the_tabs_the_command_line_knows(window):
    """``convgui --tab`` is checked against convgui.lessons before Qt starts: the window must
    have those tabs, in that order, and find each by the names the parser accepts."""
    from convgui import lessons

    assert window.tabs.titles() == list(lessons.TAB_TITLES)
    for title in lessons.TAB_TITLES:
        assert window.tabs.index_of_title(title.upper().replace(" ", "-")) == (
            lessons.TAB_TITLES.index(title))
