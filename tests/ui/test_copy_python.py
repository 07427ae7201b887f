"""'Copy as Python' reproduces exactly what the window shows, whatever the input came from:
a file, a sample, a small or large pasted image, a downscaled file, a dropped file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from convgui.ui import image_files
from convgui.ui.main_window import MainWindow

RNG = np.random.default_rng(5)
SETTINGS = dict(kernel=[[1, 2], [3, -4]], divisor=3, padding="full", stride=(1, 2),
                boundary="constant", cval=7, bias=0.5, flip=True)


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def rgb(shape) -> np.ndarray:
    return RNG.integers(0, 256, shape, dtype=np.uint8)


def wait_current(qtbot, window):
    qtbot.waitUntil(lambda: window.result is not None
                    and window.result.seq == window.worker.latest_seq, timeout=10_000)
    return window.result


def run_snippet(window, qtbot, cwd: Path) -> tuple[np.ndarray, str]:
    """The snippet's result, run in ``cwd``, and the snippet; the window's settings first set
    to a mix of everything (flip, full padding, stride, cval, bias, divisor)."""
    window.model.edit("mix", **SETTINGS)
    wait_current(qtbot, window)
    window.files.copy_python()
    source = QGuiApplication.clipboard().text()
    namespace: dict = {}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        exec(compile(source, "<snippet>", "exec"), namespace)  # noqa: S102 - our own snippet
    finally:
        os.chdir(old)
    return namespace["result"], source


def paste(window, array: np.ndarray) -> None:
    h, w = array.shape[:2]
    image = QImage(np.ascontiguousarray(array).data, w, h, 3 * w, QImage.Format.Format_RGB888)
    QGuiApplication.clipboard().setImage(image.copy())
    window.files.paste_image()


def test_a_file(window, qtbot, tmp_path):
    path = tmp_path / "in.png"
    Image.fromarray(rgb((9, 12, 3))).save(path)
    assert window.open_image(str(path))
    result, source = run_snippet(window, qtbot, tmp_path)
    np.testing.assert_array_equal(result, window.result.output)
    assert str(path) in source


def test_a_sample(window, qtbot, tmp_path):
    assert window.files.open_sample("checkerboard")
    result, _ = run_snippet(window, qtbot, tmp_path)
    np.testing.assert_array_equal(result, window.result.output)


def test_a_small_pasted_image_is_written_into_the_snippet(window, qtbot, tmp_path):
    paste(window, rgb((6, 7, 3)))
    result, source = run_snippet(window, qtbot, tmp_path)
    np.testing.assert_array_equal(result, window.result.output)
    assert "load_image(" not in source and "np.array([[[" in source


def test_a_large_pasted_image_says_which_file_to_save(window, qtbot, tmp_path):
    pixels = rgb((80, 90, 3))
    paste(window, pixels)
    result_needed = tmp_path / "pasted.png"
    Image.fromarray(pixels).save(result_needed)  # what the snippet's comment asks for
    result, source = run_snippet(window, qtbot, tmp_path)
    assert "save the clipboard's image as pasted.png" in source
    np.testing.assert_array_equal(result, window.result.output)


def test_a_downscaled_file(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(image_files, "LARGE_IMAGE_PIXELS", 1000)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    path = tmp_path / "big.png"
    Image.fromarray(rgb((41, 61, 3))).save(path)
    assert window.open_image(str(path))
    assert window.image.data.shape[:2] == (20, 30)  # factor 2, as the window says
    result, source = run_snippet(window, qtbot, tmp_path)
    assert "block_mean(" in source and ", 2)" in source
    assert result.shape == window.result.output.shape
    np.testing.assert_array_equal(result, window.result.output)


def test_a_dropped_file(window, qtbot, tmp_path):
    path = tmp_path / "dropped.png"
    Image.fromarray(rgb((10, 8, 3))).save(path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)  # a drop always follows the drag's entering
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert window.image.path == str(path)
    result, _ = run_snippet(window, qtbot, tmp_path)
    np.testing.assert_array_equal(result, window.result.output)
