"""Hardening, through the window: awkward and broken image files, hostile kernel values,
many rapid edits on a large image, saving that fails, and presets end to end.

The files come from ``tests/fault_files.py`` (all generated; the command line gets the same
ones in ``tests/cli/test_cli_hardening.py``). Every result is checked against
:func:`convgui.engine.convolve2d`. docs/reliability.md lists each fault with the test that
covers it.
"""

from __future__ import annotations

import errno
import gc
import os
from pathlib import Path

import numpy as np
import psutil
import pytest
from fault_files import BAD_FILES, ODD_FILES, ids, make_1x1_png
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_settling import settle_window

from convgui import atomic, engine
from convgui.imageio import image_from_array
from convgui.render import shown_image
from convgui.settings import Settings
from convgui.ui.main_window import MainWindow

RNG = np.random.default_rng(99)


# --------------------------------------------------------------------------------- helpers


def wait_current(qtbot, window: MainWindow, timeout: int = 10_000):
    """Wait until the newest request's result is on screen; return it."""
    qtbot.waitUntil(
        lambda: window.result is not None and window.result.seq == window.worker.latest_seq,
        timeout=timeout,
    )
    return window.result


def expected_output(image: np.ndarray, settings: Settings) -> np.ndarray:
    return engine.convolve2d(image, settings.kernel_array(), **settings.engine_kwargs())


def assert_one_line_box(window: MainWindow, *fragments: str) -> str:
    """A non-blocking message box and the status bar both say ``fragments`` in one line."""
    box = window.error_box
    assert box is not None and box.isVisible()
    assert box.windowModality() != Qt.WindowModality.ApplicationModal  # nothing waits on it
    text = box.text()
    assert text and "\n" not in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    assert text in window.status_text()
    box.close()
    return text


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    wait_current(qtbot, w)
    yield w
    release(qtbot, w)


def release(qtbot, *windows: MainWindow) -> None:
    """Close the windows (their threads end) and free what they leave behind now, on the GUI
    thread: garbage piling up from many windows made a later test's full collection crash
    now and then (tests/ui/test_tasks.py, in gc.collect())."""
    for w in windows:
        w.close()
    qtbot.wait(1)  # deferred deletions
    gc.collect()


@pytest.fixture
def loaded(window, qtbot, tmp_path):
    """The window on a 24×31 RGB PNG (Sobel x, padding 'same')."""
    path = tmp_path / "previous.png"
    Image.fromarray(RNG.integers(0, 256, (24, 31, 3), dtype=np.uint8)).save(path)
    assert window.open_image(str(path))
    wait_current(qtbot, window)
    return window


# ------------------------------------------------------------------------------ image files


@pytest.mark.parametrize("case", BAD_FILES, ids=ids(BAD_FILES))
def test_a_bad_file_is_refused_in_one_line_and_the_previous_image_stays(
        loaded, qtbot, tmp_path, monkeypatch, case):
    window = loaded
    previous, result, seq = window.image, window.result, window.worker.latest_seq
    data, title = previous.data.copy(), window.windowTitle()
    path = case.make(tmp_path, monkeypatch)
    assert window.open_image(str(path)) is False
    text = assert_one_line_box(window, case.reason, path.name)
    assert text.startswith("cannot read '")
    assert window.image is previous
    np.testing.assert_array_equal(window.image.data, data)
    np.testing.assert_array_equal(window.views.input_image(), data)
    assert window.result is result and window.views.result() is result
    assert window.worker.latest_seq == seq  # nothing was recomputed
    assert window.windowTitle() == title
    monkeypatch.undo()  # the window still opens good files afterwards
    assert window.open_image(str(make_1x1_png(tmp_path)))


@pytest.mark.parametrize("case", ODD_FILES, ids=ids(ODD_FILES))
def test_an_awkward_file_loads_and_the_after_view_shows_its_result(window, qtbot, tmp_path,
                                                                   case):
    path = case.make(tmp_path)
    assert window.open_image(str(path)) is True
    case.check(window.image)  # values kept, alpha set aside, palette/CMYK → RGB, upright
    np.testing.assert_array_equal(window.views.input_image(), window.image.data)
    result = wait_current(qtbot, window)
    settings = window.model.settings
    assert settings.padding == "same"  # the start settings: every file has an output
    np.testing.assert_array_equal(result.output, expected_output(window.image.data, settings))
    assert result.output.shape[:2] == window.image.data.shape[:2]
    assert window.views.displayed_result() is not None
    assert window.views.placeholder_text() is None
    assert path.name in window.windowTitle()


def test_rgba_alpha_is_set_aside_not_convolved(window, qtbot, tmp_path):
    rgba = next(case for case in ODD_FILES if case.name == "RGBA PNG")
    assert window.open_image(str(rgba.make(tmp_path)))
    image = window.image
    assert image.alpha is not None and image.data.shape == (6, 7, 3)
    result = wait_current(qtbot, window)
    assert result.output.shape == (6, 7, 3)  # three colour planes, no fourth (alpha) plane
    np.testing.assert_array_equal(result.output, expected_output(image.data,
                                                                 window.model.settings))


def test_a_1x1_image_with_a_3x3_valid_kernel_explains_that_there_is_no_output(window, qtbot,
                                                                               tmp_path):
    assert window.open_image(str(make_1x1_png(tmp_path)))
    wait_current(qtbot, window)
    window.model.edit("valid", padding="valid")
    qtbot.waitUntil(lambda: window.views.placeholder_text() is not None, timeout=5000)
    text = window.views.placeholder_text()
    assert "kernel spans 3×3" in text and "padding" in text  # what to change
    assert window.result is None and window.status_text() == f"no output: {text}"
    assert window.error_box is None  # an explanation, not an error
    window.model.edit("same", padding="same")
    assert wait_current(qtbot, window).output.shape == (1, 1)


# ------------------------------------------------------------------------- kernel values


@pytest.mark.parametrize("text, reason", [
    ("abc", "'abc' is not a number"), ("1/0", "division by zero"), ("nan", "NaN/inf"),
    ("inf", "NaN/inf"), ("-inf", "NaN/inf"), ("1e999", "NaN/inf"), ("", "empty"),
])
def test_the_grid_refuses_bad_text_and_keeps_the_old_value(loaded, text, reason):
    window = loaded
    table = window.kernel_editor.table_model
    before, seq = window.model.settings, window.worker.latest_seq
    old_cell = table.data(table.index(0, 0))
    assert table.setData(table.index(0, 0), text) is False
    assert window.model.settings == before and window.worker.latest_seq == seq
    assert table.data(table.index(0, 0)) == old_cell
    assert reason in window.status_text() and "\n" not in window.status_text()


def test_huge_values_typed_in_give_nan_inf_that_the_views_show_without_crashing(loaded, qtbot):
    window = loaded
    editor = window.kernel_editor
    table = editor.table_model
    for r in range(3):
        for c in range(3):
            assert table.setData(table.index(r, c), "1e30")
    editor.divisor_edit.setText("1e-9")  # 1e39 per tap: beyond float32
    editor.divisor_edit.editingFinished.emit()
    result = wait_current(qtbot, window)
    assert result.settings.divisor == 1e-9
    assert result.nonfinite == int(np.count_nonzero(~np.isfinite(result.output))) > 0
    assert "NaN/inf" in window.status_text()
    assert "NaN/inf" in window.views.after.title.text
    shown = window.views.displayed_result()
    assert shown is not None and shown.dtype == np.uint8
    assert window.save_output(str(window.image.path) + ".out.png")  # a picture, not a crash
    readout = window.views.hover_output(5, 5)
    assert "inf" in readout or "nan" in readout
    editor.identity_action.trigger()  # and the window goes on
    result = wait_current(qtbot, window)
    assert result.nonfinite == 0 and "NaN/inf" not in window.views.after.title.text


def test_an_all_zero_kernel_works(loaded, qtbot):
    window = loaded
    window.kernel_editor.clear_action.trigger()
    assert window.model.settings.kernel == ((0, 0, 0),) * 3
    result = wait_current(qtbot, window)
    np.testing.assert_array_equal(result.output, np.zeros((24, 31, 3), np.float32))
    assert result.nonfinite == 0
    assert window.views.displayed_result() is not None and window.error_box is None


def test_switching_between_1x1_and_31x31_kernels_repeatedly(loaded, qtbot):
    window = loaded
    editor = window.kernel_editor
    for i in range(10):
        side = 31 if i % 2 == 0 else 1
        editor.rows_spin.setValue(side)
        editor.cols_spin.setValue(side)
        assert window.model.settings.kernel_shape == (side, side)
        if side == 31:  # random weights, so every tap counts
            weights = RNG.integers(-3, 4, (31, 31)).tolist()
            window.model.edit("weights", kernel=weights, divisor=7)
        result = wait_current(qtbot, window)
        assert result.settings == window.model.settings
        np.testing.assert_array_equal(result.output,
                                      expected_output(window.image.data, result.settings))
    assert window.model.settings.kernel_shape == (1, 1)


# ---------------------------------------------------------------- many edits, one result


@pytest.mark.slow
def test_1000_rapid_edits_on_a_megapixel_image_end_exactly_and_leak_nothing(window, qtbot):
    """1000 kernel edits as fast as the model takes them on a 1024×1024 image, with a new
    kernel size (1–9 a side) and a switch to the next tab every 20 edits: the last settings'
    result is shown, exactly; no tab creates a widget when it catches up on the edits made
    while it was hidden; and resident memory ends within 100 MB of where it was after a
    warm-up.

    The event loop gets a turn every 20 edits, as between a user's key presses: widgets
    deleted with ``deleteLater`` go only then, so the widget count is taken right after each
    switch, before that turn (the Channels tab used to rebuild its filter editors on every
    kernel change, ~25 widgets and ~180 kB per catch-up until the event loop freed them)."""
    rng = np.random.default_rng(1000)
    image = image_from_array(rng.integers(0, 256, (1024, 1024), dtype=np.uint8))
    window.set_image(image)
    tabs = window.tabs

    def new_size(i: int) -> list[list[int]]:
        """Give the model a kernel of a new random size and show the next tab."""
        shape = tuple(int(v) for v in rng.integers(1, 10, 2))
        kernel = rng.integers(-4, 5, shape).tolist()
        window.model.edit("size", kernel=kernel)
        tabs.setCurrentIndex(i % tabs.count())  # a hidden panel catches up here
        return kernel

    for step in range(2 * tabs.count()):  # warm-up: every tab shown, thread pools, caches
        new_size(step)
        settle_window(qtbot, window, 30_000)  # the tab shown has caught up and drawn its result
    kernel = new_size(0)  # back on the playground
    wait_current(qtbot, window, 30_000)
    settle_window(qtbot, window, 30_000)  # every computation done, deferred deletions run
    gc.collect()
    widgets = len(QApplication.allWidgets())
    before = psutil.Process().memory_info().rss
    shown: list[int] = []
    window.resultShown.connect(lambda r: shown.append(r.seq))
    for i in range(1000):
        kh, kw = len(kernel), len(kernel[0])
        r, c = int(rng.integers(0, kh)), int(rng.integers(0, kw))
        kernel[r][c] = int(rng.integers(-9, 10))
        kernel[kh // 2][kw // 2] = i + 10  # every edit is a real change
        window.model.edit("cell", kernel=kernel)
        if i % 20 == 19:
            kernel = new_size(i // 20 + 1)
            made = len(QApplication.allWidgets()) - widgets
            assert made <= 0, f"tab {tabs.currentIndex()} made {made} widgets catching up"
            qtbot.wait(1)  # the event loop runs in between, as it does while a user types
    tabs.setCurrentIndex(0)
    last = window.model.settings
    result = wait_current(qtbot, window, 60_000)
    qtbot.wait(100)  # anything still queued arrives (and is dropped) now
    assert window.result is result and result.settings == last
    np.testing.assert_array_equal(result.output, expected_output(image.data, last))
    assert shown and all(a < b for a, b in zip(shown, shown[1:], strict=False))
    assert not window.worker.busy
    gc.collect()
    assert len(QApplication.allWidgets()) <= widgets
    grown = psutil.Process().memory_info().rss - before
    assert grown < 100 * 2**20, f"resident memory grew by {grown / 2**20:.0f} MB"


# --------------------------------------------------------------------------------- saving


def _read_only_folder(monkeypatch):
    def deny(folder, name):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(atomic, "_create_temp", deny)


def _disk_full_png(monkeypatch):
    def half_then_full(self, fp, *args, **kwargs):
        fp.write(b"\x89PNG half a picture")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", half_then_full)


def _disk_full_npy(monkeypatch):
    def half_then_full(fh, *args, **kwargs):
        fh.write(b"\x93NUMPY half an array")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", half_then_full)


def _open_elsewhere(monkeypatch):
    """What Windows does when another program holds the file open: replacing it fails."""
    def busy(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file because it "
                              "is being used by another process", str(dst))

    monkeypatch.setattr(atomic.os, "replace", busy)


@pytest.mark.parametrize("fault, name, reason", [
    (_read_only_folder, "out.png", "permission denied"),
    (_disk_full_png, "out.png", "no space left on device"),
    (_disk_full_npy, "out.npy", "no space left on device"),
    (_open_elsewhere, "out.png", "permission denied"),
], ids=["read-only-folder", "full-disk-png", "full-disk-npy", "file-open-elsewhere"])
def test_a_failed_save_says_why_and_leaves_no_partial_file(loaded, tmp_path, monkeypatch,
                                                           fault, name, reason):
    window = loaded
    folder = tmp_path / "saved"
    folder.mkdir()
    target = folder / name
    target.write_bytes(b"the picture saved yesterday")
    fault(monkeypatch)
    assert window.save_output(str(target)) is False
    monkeypatch.undo()
    assert_one_line_box(window, f"cannot write '{target}': {reason}")
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left
    assert target.read_bytes() == b"the picture saved yesterday"  # untouched
    assert window.save_output(str(target))  # once the fault is gone, saving works
    if name.endswith(".png"):
        shown = shown_image(window.result.display, window.result.display_mode)
        np.testing.assert_array_equal(np.asarray(Image.open(target)), shown)
    else:
        np.testing.assert_array_equal(np.load(target), window.result.output)


# -------------------------------------------------------------------------------- presets


def test_presets_end_to_end_through_the_window(qtbot, monkeypatch):
    home = Path(os.environ["CONVGUI_HOME"])
    first = MainWindow(restore=False)
    qtbot.addWidget(first)
    wait_current(qtbot, first)
    settings = Settings(kernel=((1, 2, 1), (0, 5, 0), (-1, -2, -1)), divisor=4, bias=3,
                        padding=((1, 0), (2, 1)), stride=(1, 2), dilation=(1, 1),
                        boundary="wrap", cval=0, flip=True, channels="luma", display="abs")
    first.model.set(settings, "test settings")
    calls = []
    monkeypatch.setattr(first.preset_panel, "ask_save_details",
                        lambda **kw: calls.append(kw) or ("Hardening", "e2e", ["t"], True))
    assert first.preset_panel.save_current()
    assert len(calls) == 1 and "Hardening" in first.preset_panel.presets_shown()
    first.close()

    corrupt = home / "presets" / "corrupt.json"
    corrupt.write_bytes(b'{"format": "convgui-preset", "version": 1, "na')
    second = MainWindow(restore=False)  # starts fine beside a broken preset file
    qtbot.addWidget(second)
    wait_current(qtbot, second)
    panel = second.preset_panel
    assert "Hardening" in panel.presets_shown()
    assert [b.path.name for b in panel.broken_shown()] == ["corrupt.json"]
    assert second.model.settings != settings
    assert panel.select("Hardening") and panel.apply_selected()
    assert second.model.settings == settings  # every setting, exactly
    result = wait_current(qtbot, second)
    np.testing.assert_array_equal(result.output,
                                  expected_output(second.image.data, settings))
    second.kernel_editor.undo_action.trigger()  # applying is one undoable step
    assert second.model.settings != settings
    assert corrupt.read_bytes() == b'{"format": "convgui-preset", "version": 1, "na'
    release(qtbot, first, second)
