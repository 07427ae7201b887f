"""The main window, end to end: an edit in a panel → the worker → the after view, plus the
window's own commands (open, drop, save, copy, undo, patch kernels, session, screenshot).

Every result is checked against :func:`convgui.engine.convolve2d` computed here, and what the
after view draws against :func:`convgui.display.to_uint8`.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from convgui import display, engine, samples
from convgui.imageio import image_from_array, load_image
from convgui.kernels import patch_kernel
from convgui.mapcaption import format_values
from convgui.render import shown_image
from convgui.settings import Settings
from convgui.ui import views as views_module
from convgui.ui import worker as worker_module
from convgui.ui.kernel_editor import ZERO_SUM_REASON
from convgui.ui.main_window import MainWindow

RNG = np.random.default_rng(11)
SOBEL_X = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))


# --------------------------------------------------------------------------------- helpers

def write_png(path: Path, array: np.ndarray) -> Path:
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)
    return path


def random_png(tmp_path: Path, shape=(24, 31, 3), name: str = "in.png") -> Path:
    return write_png(tmp_path / name, RNG.integers(0, 256, size=shape))


def expected_output(image: np.ndarray, settings: Settings) -> np.ndarray:
    return engine.convolve2d(image, settings.kernel_array(), **settings.engine_kwargs())


def wait_current(qtbot, window: MainWindow, timeout: int = 10_000):
    """Wait until the newest request's result is on screen; return it."""
    qtbot.waitUntil(
        lambda: window.result is not None and window.result.seq == window.worker.latest_seq,
        timeout=timeout,
    )
    return window.result


def assert_shows_exactly(window: MainWindow, settings: Settings | None = None) -> None:
    """The window's result and the after view are convolve2d's result for the settings."""
    settings = settings or window.model.settings
    result = window.result
    assert result.settings == settings
    expected = expected_output(window.image.data, settings)
    np.testing.assert_array_equal(result.output, expected)
    assert window.views.result() is result
    mode = settings.display if settings.display != "auto" else display.suggest_mode(
        settings.kernel_array())
    assert result.display_mode == mode
    drawn = display.to_uint8(expected, mode, window.image.value_range)
    if drawn.ndim == 3 and drawn.shape[2] != 3:
        drawn = drawn[:, :, 0]
    np.testing.assert_array_equal(window.views.displayed_result(), drawn)


def escape_action(window: MainWindow):
    [action] = [a for a in window.actions() if a.shortcut() == QKeySequence("Esc")]
    return action


def edit_menu_action(window: MainWindow, text: str):
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    [action] = [a for a in menu.actions() if a.text().startswith(text)]
    return action


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    wait_current(qtbot, w)
    return w


@pytest.fixture
def loaded(window, qtbot, tmp_path):
    """The window on a 24×31 RGB PNG (the start kernel, Sobel x, padding 'same')."""
    assert window.open_image(str(random_png(tmp_path)))
    wait_current(qtbot, window)
    return window


# ------------------------------------------------------------------------ edit → after view

def test_starts_with_the_sample_and_sobel(window):
    assert window.model.settings.kernel == SOBEL_X
    np.testing.assert_array_equal(window.image.data, samples.load_sample("camera").data)
    assert_shows_exactly(window)
    assert window.views.colorbar_visible()  # Sobel sums to 0: diverging


def test_editing_a_cell_shows_exactly_convolve2d(loaded, qtbot):
    window = loaded
    table = window.kernel_editor.table_model
    with qtbot.waitSignal(window.resultShown, timeout=10_000) as shown:
        assert table.setData(table.index(0, 0), "2")
    assert window.model.settings.kernel == ((2, 0, 1), (-2, 0, 2), (-1, 0, 1))
    assert shown.args[0].seq == window.worker.latest_seq
    assert_shows_exactly(window)
    assert window.result.display_mode == "clip"  # sums to 3 now
    # a parameter change too: stride 2, valid padding, constant boundary
    with qtbot.waitSignal(window.resultShown, timeout=10_000):
        window.model.edit("params", padding="valid", stride=(2, 2), boundary="constant")
    assert_shows_exactly(window)
    assert window.result.output.shape == (11, 15, 3)


def test_200_rapid_edits_end_with_the_last_settings(loaded, qtbot):
    window = loaded
    shown: list[int] = []
    window.resultShown.connect(lambda r: shown.append(r.seq))
    table = window.kernel_editor.table_model
    for i in range(200):
        r, c = divmod(i % 9, 3)
        assert table.setData(table.index(r, c), str((i * 7) % 13 - 6 or 1))
        if i % 25 == 24:  # let some results in between, so stale ones could arrive late
            QGuiApplication.processEvents()
    last = window.model.settings
    result = wait_current(qtbot, window)
    qtbot.wait(100)  # anything still queued arrives now
    assert window.result is result and result.settings == last
    assert_shows_exactly(window, last)
    assert shown and all(a < b for a, b in zip(shown, shown[1:], strict=False))  # never older
    assert shown[-1] == window.worker.latest_seq


def test_shape_panel_follows_image_and_settings(window, qtbot, tmp_path):
    window.open_image(str(write_png(tmp_path / "g5.png", np.arange(25).reshape(5, 5))))
    window.model.edit("k", kernel=[[1] * 3] * 3, padding="valid")
    wait_current(qtbot, window)
    assert window.shape_panel.summary_text() == "5×5×1 → 3×3×1"
    assert window.result.output.shape == (3, 3)
    window.model.edit("same", padding="same")
    wait_current(qtbot, window)
    assert window.shape_panel.summary_text() == "5×5×1 → 5×5×1"
    assert window.result.output.shape == (5, 5)
    window.open_image(str(write_png(tmp_path / "g34.png", np.ones((3, 4)))))
    window.model.edit("2x2", kernel=[[1, 1], [1, 1]], padding="valid")
    wait_current(qtbot, window)
    assert window.shape_panel.summary_text() == "3×4×1 → 2×3×1"
    assert window.result.output.shape == (2, 3)
    assert window.shape_panel.formula_texts()[1].endswith("= 3")


def test_undo_redo_through_the_edit_menu(loaded, qtbot):
    window = loaded
    first_kernel, first_output = window.model.settings.kernel, window.result.output
    table = window.kernel_editor.table_model
    table.setData(table.index(1, 1), "5")
    second = wait_current(qtbot, window)
    assert not np.array_equal(second.output, first_output)
    undo, redo = edit_menu_action(window, "Undo"), edit_menu_action(window, "Redo")
    assert undo is window.kernel_editor.undo_action and undo.isEnabled()

    undo.trigger()
    assert window.model.settings.kernel == first_kernel
    wait_current(qtbot, window)
    np.testing.assert_array_equal(window.result.output, first_output)
    assert_shows_exactly(window)
    assert redo.isEnabled()

    redo.trigger()
    assert window.model.settings.kernel == second.settings.kernel
    wait_current(qtbot, window)
    np.testing.assert_array_equal(window.result.output, second.output)
    assert_shows_exactly(window)


def test_paste_a_block_as_the_kernel(loaded, qtbot):
    window = loaded
    QGuiApplication.clipboard().setText("1\t2\t0\n3\t4\t-1\n")
    window.kernel_editor.paste_action.trigger()
    assert window.model.settings.kernel == ((1, 2, 0), (3, 4, -1))
    wait_current(qtbot, window)
    assert window.result.output.shape == (24, 31, 3)
    assert_shows_exactly(window)


def test_normalize_refuses_a_zero_sum_kernel(window, qtbot):
    before = window.model.settings
    steps = window.model.undo_stack.count()
    window.kernel_editor.normalize_action.trigger()
    assert window.model.settings == before and window.model.undo_stack.count() == steps
    assert "Normalize refused" in window.status_text()
    assert ZERO_SUM_REASON in window.status_text()
    assert window.worker.latest_seq == window.result.seq  # nothing was recomputed


# ----------------------------------------------------------------- errors and odd results

def test_shape_error_explained_in_the_after_view_and_status_bar(window, qtbot, tmp_path):
    window.open_image(str(write_png(tmp_path / "tiny.png", np.ones((3, 3)))))
    wait_current(qtbot, window)
    window.model.edit("big", kernel=[[1] * 5] * 5, padding="valid")
    qtbot.waitUntil(lambda: window.views.placeholder_text() is not None, timeout=5000)
    assert window.result is None and window.views.result() is None
    text = window.views.placeholder_text()
    assert text and text in window.status_text()
    assert window.status_text().startswith("no output")
    window.model.edit("fix", padding="same")
    wait_current(qtbot, window)
    assert window.views.placeholder_text() is None
    assert_shows_exactly(window)


def test_engine_failure_is_reported_and_the_next_edit_works(loaded, qtbot, monkeypatch):
    window = loaded
    real = engine.prepare
    calls = []

    def flaky(*args, **kwargs):
        # only the window's own computation fails: classroom panels call the engine too
        if np.shape(args[0]) == window.image.data.shape and not calls:
            calls.append(1)
            raise RuntimeError("broken once")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "prepare", flaky)
    window.model.edit("bias", bias=1)
    qtbot.waitUntil(lambda: window.result is None, timeout=5000)
    assert "RuntimeError: broken once" in window.status_text()
    assert "broken once" in window.views.placeholder_text()
    window.model.edit("bias", bias=2)
    wait_current(qtbot, window)
    assert_shows_exactly(window)


def test_huge_kernel_values_give_nan_inf_and_the_window_goes_on(loaded, qtbot):
    window = loaded
    window.model.edit("huge", kernel=[[1e30] * 3] * 3, divisor=1e-9)  # 1e39 per tap
    result = wait_current(qtbot, window)
    assert result.nonfinite > 0
    assert "NaN/inf" in window.status_text()
    assert "NaN/inf" in window.views.after.title.text
    window.model.edit("sane", kernel=[[0, 0, 0], [0, 1, 0], [0, 0, 0]], divisor=1)
    wait_current(qtbot, window)
    assert window.result.nonfinite == 0
    assert_shows_exactly(window)


# ---------------------------------------------------------------------- images in and out

def test_open_image_on_a_bad_file_keeps_the_previous_image(loaded, tmp_path):
    window = loaded
    previous = window.image
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    assert window.open_image(str(bad)) is False
    assert window.image is previous
    assert window.error_box is not None and window.error_box.isVisible()
    assert "bad.png" in window.error_box.text() and "bad.png" in window.status_text()
    assert not window.error_box.isModal() or window.error_box.windowModality() != (
        Qt.WindowModality.ApplicationModal)  # opened with open(): nothing waits on it
    window.error_box.close()


def _drop(window: MainWindow, path: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    return drop


def test_drop_an_image_file(window, qtbot, tmp_path):
    png = random_png(tmp_path, shape=(17, 23), name="dropped.png")
    _drop(window, png)
    assert window.image.path == str(png)
    np.testing.assert_array_equal(window.image.data, load_image(png).data)
    wait_current(qtbot, window)
    assert window.result.output.shape == (17, 23)
    assert_shows_exactly(window)
    assert "dropped.png" in window.windowTitle()


def test_drop_a_file_that_is_not_an_image(loaded, qtbot, tmp_path):
    window = loaded
    previous, result = window.image, window.result
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    _drop(window, notes)
    assert window.image is previous and window.result is result
    assert "notes.txt" in window.status_text()
    assert window.error_box is not None and window.error_box.isVisible()
    window.error_box.close()


def file_submenu(window: MainWindow, title: str):
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    [menu] = [a.menu() for a in file_menu.actions() if a.text() == title]
    return menu


def test_open_recent_lists_opened_files_newest_first_and_reopens_one(window, qtbot, tmp_path):
    recent = file_submenu(window, "Open &recent")
    assert not recent.isEnabled() and recent.actions() == []  # a fresh session
    first, second = random_png(tmp_path, name="a.png"), random_png(tmp_path, name="b.png")
    assert window.open_image(str(first)) and window.open_image(str(second))
    assert [a.text() for a in recent.actions()] == [str(second), str(first)]
    assert recent.isEnabled()
    recent.actions()[1].trigger()
    assert window.image.path == str(first)
    np.testing.assert_array_equal(window.image.data, load_image(first).data)
    assert [a.text() for a in recent.actions()] == [str(first), str(second)]
    window.open_image(str(first), interactive=False)  # a screenshot's image is not remembered
    assert [a.text() for a in recent.actions()] == [str(first), str(second)]


def test_open_sample_menu_opens_each_bundled_sample(window, qtbot):
    menu = file_submenu(window, "Open sa&mple")
    names = [name for name, _description in samples.list_samples()]
    assert [a.text() for a in menu.actions()] == [n.replace("_", " ") for n in names]
    menu.actions()[names.index("step_edge")].trigger()
    np.testing.assert_array_equal(window.image.data, samples.load_sample("step_edge").data)
    assert window.sample == "step_edge"


def test_hover_readout_shows_the_exact_output_value(loaded, qtbot):
    window = loaded
    out = window.result.output
    text = window.views.hover_output(5, 7)
    assert window.compute.hover_text() == text == f"output (5, 7) = {format_values(out[5, 7])}"
    window.show_message("an old message")
    window.views.hover_output(6, 8)
    assert window.compute.hover_text().startswith(f"output (6, 8) = {format_values(out[6, 8])}")
    assert window.status_text() == ""  # the read-out is not hidden behind the message
    window.views.hover_input(2, 3)
    assert window.compute.hover_text() == f"input (2, 3) = {format_values(window.image.data[2, 3])}"
    window.views.hover_output(1, 1)
    window.model.edit("bias", bias=10)
    wait_current(qtbot, window)
    assert window.compute.hover_text() == ""  # the read-out of the old result is gone


def test_kernel_from_an_image_patch(loaded, qtbot):
    window = loaded
    window.patch.set_on(True)
    assert window.views.patch_mode()
    patch = window.views.select_patch(2, 3, 4, 5)
    luma = window.image.data[2:6, 3:8].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    zero_mean = luma - luma.mean()
    expected = np.round(zero_mean / np.abs(zero_mean).sum(), 6)
    np.testing.assert_allclose(patch, luma)
    np.testing.assert_array_equal(np.asarray(window.model.settings.kernel), expected)
    np.testing.assert_array_equal(patch_kernel(patch), expected)
    settings = window.model.settings
    assert (settings.divisor, settings.bias, settings.display) == (1, 0, "diverging")
    assert window.views.patch_mode()  # stays on: the rectangle can be moved to try another
    wait_current(qtbot, window)
    assert_shows_exactly(window)
    escape_action(window).trigger()  # Esc with nothing computing leaves patch mode
    assert not window.views.patch_mode()


def test_a_large_zero_mean_patch_is_shown_diverging(loaded, qtbot):
    """A 31×31 patch's weights rounded to 6 decimals sum to ~2e-4, not 0, so "auto" chose
    clip and the negative half of the match map was black."""
    window = loaded
    window.files.open_sample("camera")
    window.patch.set_on(True)
    patch = window.views.select_patch(100, 100, 31, 31)
    kernel = np.asarray(window.model.settings.kernel)
    assert kernel.shape == (31, 31)
    assert patch.shape == (31, 31)
    result = wait_current(qtbot, window)
    assert result.display_mode == "diverging"


def test_messages_do_not_outlive_what_they_describe(loaded, qtbot, tmp_path):
    """'Applied preset…' stayed after Undo, 'Paste refused…' after opening other images."""
    window = loaded
    window.model.edit("preset", kernel=[[1, 1], [1, 1]], divisor=4)
    window.show_message("Applied preset “box”")
    window.model.undo_stack.undo()
    assert window.status_text() == ""
    window.show_message("Paste refused: 0,5 is not a number")
    assert window.files.open_sample("checkerboard")
    assert window.status_text() == ""


def test_save_output_png_and_npy(loaded, qtbot, tmp_path):
    window = loaded
    window.model.edit("blur", kernel=[[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16)
    result = wait_current(qtbot, window)
    png, npy = tmp_path / "out.png", tmp_path / "out.npy"
    assert window.save_output(str(png)) and window.save_output(str(npy))
    np.testing.assert_array_equal(np.asarray(Image.open(png)), result.display)
    saved = np.load(npy)
    assert saved.dtype == result.output.dtype
    np.testing.assert_array_equal(saved, result.output)
    assert "out.npy" in window.status_text()


def test_save_png_of_a_diverging_result_is_what_is_shown(loaded, qtbot, tmp_path):
    window = loaded
    window.model.edit("luma", channels="luma")  # Sobel on the brightness: one diverging plane
    result = wait_current(qtbot, window)
    assert result.display_mode == "diverging" and result.display.ndim == 2
    png = tmp_path / "div.png"
    assert window.save_output(str(png))
    saved = np.asarray(Image.open(png))
    lut = window.views._diverging_lut  # the colours the after view draws with
    np.testing.assert_array_equal(saved, lut[result.display])
    np.testing.assert_array_equal(shown_image(result.display, result.display_mode), saved)


def test_save_into_a_missing_folder_says_why(loaded, tmp_path):
    window = loaded
    target = tmp_path / "no such folder" / "out.png"
    assert window.save_output(str(target)) is False
    assert not target.exists() and not target.parent.exists()
    assert "no such folder" in window.status_text()
    window.error_box.close()


def test_copy_as_python_reproduces_the_result(loaded, qtbot):
    window = loaded
    window.model.edit("mix", kernel=[[1, 2], [3, -4]], divisor=3, padding="full", stride=(1, 2),
                      boundary="constant", cval=7, bias=0.5, flip=True)
    result = wait_current(qtbot, window)
    window.files.copy_python()
    source = QGuiApplication.clipboard().text()
    assert window.image.path in source
    namespace: dict = {}
    exec(compile(source, "<snippet>", "exec"), namespace)  # noqa: S102 - our own snippet
    assert np.allclose(namespace["result"], result.output)


# ------------------------------------------------------------------------- session state

def test_session_is_restored_by_the_next_window(qtbot, tmp_path):
    png = random_png(tmp_path, shape=(20, 26, 3), name="session.png")
    first = MainWindow(restore=False)
    qtbot.addWidget(first)
    first.open_image(str(png))
    first.model.edit("s", kernel=[[0, 1, 0], [1, -4, 1], [0, 1, 0]], padding="valid",
                     stride=(2, 1), boundary="wrap", display="abs")
    settings = first.model.settings
    wait_current(qtbot, first)
    first.close()
    assert (Path(os.environ["CONVGUI_HOME"]) / "convgui.ini").is_file()

    second = MainWindow(restore=True)
    qtbot.addWidget(second)
    assert second.model.settings == settings
    assert second.image.path == str(png)
    wait_current(qtbot, second)
    assert_shows_exactly(second, settings)
    assert not second.model.undo_stack.canUndo()  # a restored session is not an edit


def test_session_remembers_a_sample(qtbot):
    first = MainWindow(restore=False)
    qtbot.addWidget(first)
    assert first.files.open_sample("checkerboard")
    first.close()
    second = MainWindow(restore=True)
    qtbot.addWidget(second)
    np.testing.assert_array_equal(second.image.data, samples.load_sample("checkerboard").data)


def test_session_remembers_the_central_tab(qtbot):
    """Everything else was restored after a restart, but the lesson on screen was not."""
    first = MainWindow(restore=False)
    qtbot.addWidget(first)
    assert first.show_tab("filter-bank")
    first.close()
    second = MainWindow(restore=True)
    qtbot.addWidget(second)
    assert second.tabs.tabText(second.tabs.currentIndex()) == "Filter bank"


def test_window_without_restore_does_not_read_the_session(qtbot, tmp_path):
    first = MainWindow(restore=False)
    qtbot.addWidget(first)
    first.model.edit("k", kernel=[[1]])
    first.close()
    fresh = MainWindow(restore=False)
    qtbot.addWidget(fresh)
    assert fresh.model.settings.kernel == SOBEL_X


def test_initial_layout_leaves_the_views_most_of_the_window(window, qtbot):
    """At the default 1280×800 the views keep more than half the width and the parameters,
    once their dock is shown, need no scrolling."""
    qtbot.waitUntil(lambda: window.dock_layout.plan is not None, timeout=2000)
    assert window.views.width() >= 0.55 * window.width()
    window.dock_layout.docks["parameters"].raise_()
    qtbot.wait(20)
    params = window.parameters
    assert params.height() >= params.sizeHint().height()


# --------------------------------------------------------------- threads and shutting down

def _new_running_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Python threads started since ``before`` that still run, except the engine's band pool
    (it outlives any window, by design). A thread Python did not start, such as a QThread,
    appears as a ``_DummyThread`` once it creates a thread (the engine's pool) and stays in
    ``threading.enumerate()`` after it ends: such an entry counts only if its OS thread is
    still alive."""
    alive = {t.id for t in psutil.Process().threads()}
    return [t for t in set(threading.enumerate()) - before
            if not t.name.startswith("convgui-band")
            and (not isinstance(t, threading._DummyThread) or t.native_id in alive)]


@pytest.mark.parametrize("engine_name", ["scipy", "auto"])
def test_closing_mid_computation_leaves_no_thread_and_no_warning(
        qtbot, qtlog, monkeypatch, engine_name):
    monkeypatch.setenv("CONVGUI_ENGINE", engine_name)
    # progress from the first band on: the test knows at once that the computation runs
    monkeypatch.setattr(worker_module, "PROGRESS_START_S", 0.0)
    threads_before = set(threading.enumerate())
    window = MainWindow(restore=False)
    try:
        window.show()
        wait_current(qtbot, window)
        big = RNG.integers(0, 256, size=(1500, 1500), dtype=np.uint8)
        window.model.edit("k", kernel=RNG.normal(size=(31, 31)).round(3).tolist())
        wait_current(qtbot, window)
        # a row a band: the worker stops every row, and the 31×31 kernel keeps either engine
        # busy for 0.1–2.5 s; the input is drawn off the GUI thread, as a large photo is
        monkeypatch.setattr(engine, "BAND_PIXELS", 1 << 10)
        monkeypatch.setattr(views_module, "DRAW_OFF_THREAD_VALUES", 1 << 20)
        with qtbot.waitSignal(window.worker.progress, timeout=10_000,
                              raising=engine_name == "scipy"):  # OpenCV may be done at once
            window.set_image(image_from_array(big))
        busy = window.worker.busy
        started = time.perf_counter()
        window.close()
        closed_in = time.perf_counter() - started
        assert not window.worker.isRunning()
        assert closed_in < 1.0
        assert busy or engine_name != "scipy"  # it was closed mid-computation
        qtbot.wait(50)  # anything the worker had queued is delivered (and ignored) now
    finally:
        window.close()
        window.deleteLater()
        QGuiApplication.processEvents()
        QGuiApplication.sendPostedEvents(None, 0)
    qtbot.wait(10)
    assert _new_running_threads(threads_before) == []
    messages = [r.message for r in qtlog.records
                if "propagateSizeHints" not in r.message]  # said by the offscreen platform
    assert not any("QThread" in m for m in messages), messages
    assert messages == []


def test_escape_cancels_and_keeps_the_last_result(loaded, qtbot, monkeypatch):
    window = loaded
    before = window.result
    real = engine.prepare

    class Slow:
        def __init__(self, conv):
            self.geometry, self.method, self._conv = conv.geometry, "slow", conv

        def bands(self):
            for i in range(500):
                time.sleep(0.01)
                yield (i + 1) / 500
            return self._conv.run()

    monkeypatch.setattr(engine, "prepare", lambda *a, **k: Slow(real(*a, **k)))
    window.model.edit("bias", bias=3)
    qtbot.waitUntil(lambda: window.worker.busy, timeout=2000)
    qtbot.waitUntil(lambda: window.compute.progress_bar.isVisible(), timeout=5000)  # after 0.3 s
    escape_action(window).trigger()
    qtbot.waitUntil(lambda: not window.compute.progress_bar.isVisible(), timeout=1000)
    assert window.result is before and window.views.result() is before
    assert "cancelled" in window.status_text()
    assert "before the last change" in window.status_text()
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=1000)
