"""Application start-up: the settings the window's responsiveness depends on, and --screenshot."""

import sys
import time

import numpy as np

from convgui.ui.app import GIL_SWITCH_INTERVAL_S, ensure_app
from convgui.ui.session import app_settings


def test_gui_thread_waits_at_most_half_a_millisecond_for_the_gil(qapp):
    """The engine's BLAS multiply-adds hold the GIL for each call; with Python's default
    5 ms switch interval every call the GUI thread makes into Qt could wait that long."""
    sys.setswitchinterval(0.005)
    ensure_app()
    assert sys.getswitchinterval() <= GIL_SWITCH_INTERVAL_S <= 0.001


def test_a_screenshot_waits_for_the_input_to_be_drawn_in_full(qapp, tmp_path, monkeypatch):
    """With every input drawn off the GUI thread (threshold 1000 values), the screenshot is
    taken only once the preview has been replaced by every pixel."""
    from PySide6.QtCore import QTimer

    from convgui.ui import app as app_module
    from convgui.ui import views as views_module
    from convgui.ui.main_window import MainWindow

    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(views_module, "DRAW_OFF_THREAD_VALUES", 1000)
    real_render = views_module.render

    def slow_render(*args):  # slower than the 300 ms the screenshot waits after a result
        time.sleep(0.8)
        return real_render(*args)

    monkeypatch.setattr(views_module, "render", slow_render)
    drawn_at_grab: list[bool] = []
    real_grab = MainWindow.grab

    def grab(window, *args):
        drawn_at_grab.append(window.views.input_drawn())
        return real_grab(window, *args)

    monkeypatch.setattr(MainWindow, "grab", grab)
    QTimer.singleShot(60_000, qapp.quit)  # never hang the suite
    shot = tmp_path / "shot.png"
    assert app_module.run_gui(screenshot=str(shot)) == 0
    assert drawn_at_grab == [True] and shot.stat().st_size > 0


def test_a_screenshot_of_a_large_image_asks_nothing_and_leaves_the_session_alone(
        qapp, tmp_path, monkeypatch):
    """Offscreen nobody can answer the downscale question (it used to wait forever), and a
    screenshot keeps the image out of the recent files."""
    from PIL import Image
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from convgui.ui import app as app_module
    from convgui.ui import image_files

    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(image_files, "LARGE_IMAGE_PIXELS", 100)  # 20×20 counts as large
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.No)
    png = tmp_path / "in.png"
    Image.fromarray((np.arange(400).reshape(20, 20) % 256).astype(np.uint8)).save(png)
    QTimer.singleShot(60_000, qapp.quit)  # never hang the suite
    shot = tmp_path / "shot.png"
    assert app_module.run_gui(image=str(png), screenshot=str(shot)) == 0
    assert asked == [] and shot.stat().st_size > 0
    assert app_settings().value("recent") is None
