"""Export figure (PNG 2×, SVG, PDF) and Export animation (off the GUI thread, cancellable)."""

import re
import threading
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QMenu, QPushButton, QScrollArea

from convgui.animation.frames import build_animation
from convgui.animation.request import AnimationRequest
from convgui.settings import Settings
from convgui.ui import lesson_exports
from convgui.ui.classroom.matrix_mode import MatrixMode
from convgui.ui.classroom.transposed_view import TransposedView
from convgui.ui.lesson_exports import LessonExports, animation_request
from convgui.ui.lesson_tabs import LessonTabs
from convgui.ui.model import SettingsModel

SVG_NS = "{http://www.w3.org/2000/svg}"


class Window:
    """The window's arrangement: a Playground page, then classroom panels in scroll areas."""

    def __init__(self, qtbot):
        self.model = SettingsModel(Settings())
        self.tabs = LessonTabs()
        self.tabs.addTab(QLabel("the playground"), "Playground")
        self.matrix = MatrixMode(self.model)
        self.transposed = TransposedView(self.model)
        for panel, title in ((self.matrix, "Step through"), (self.transposed, "Transposed")):
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(panel)
            self.tabs.addTab(scroller, title)
        self.menu = QMenu()
        self.exports = LessonExports(self.tabs, [self.matrix, self.transposed], self.menu)
        self.messages = []
        self.exports.message.connect(self.messages.append)
        qtbot.addWidget(self.tabs)
        self.tabs.resize(1100, 750)
        self.tabs.show()
        qtbot.waitExposed(self.tabs)
        self.qtbot = qtbot

    def step_through(self, image, **settings):
        self.tabs.setCurrentIndex(1)
        self.model.edit("test", **settings)
        self.matrix.set_input(np.asarray(image, dtype=float))
        self.qtbot.waitUntil(self.matrix.is_ready, timeout=5000)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return Window(qtbot)


def output_size(n, k, before, after, stride, dilation):
    """⌊(n + p₁ + p₂ − d·(k − 1) − 1)/s⌋ + 1."""
    return (n + before + after - dilation * (k - 1) - 1) // stride + 1


def finish(qtbot, job, timeout=30000):
    with qtbot.waitSignal(job.done, timeout=timeout) as blocker:
        pass
    return blocker.args[0]


def test_actions_follow_the_current_tab(window):
    for index, animate in ((0, False), (1, True), (2, True)):
        window.tabs.setCurrentIndex(index)
        window.menu.aboutToShow.emit()
        assert window.exports.figure_action.isEnabled()
        assert window.exports.animation_action.isEnabled() is animate
    assert window.menu.actions() == [window.exports.figure_action,
                                     window.exports.animation_action]
    window.tabs.setCurrentIndex(1)
    assert window.exports.current_panel() is window.matrix
    quiz_page = QScrollArea()
    quiz_page.setWidget(QLabel("another page"))
    window.tabs.setCurrentIndex(window.tabs.addTab(quiz_page, "Quiz"))
    assert window.exports.current_panel() is quiz_page.widget()
    window.tabs.setCurrentIndex(0)
    assert window.exports.export_animation() is None
    assert "Step through and Transposed" in window.messages[-1]


class PoolingPanel(QLabel):
    """No classroom panel: a widget that only offers ``animation_request``."""

    def animation_request(self):
        grid = np.arange(16, dtype=float).reshape(4, 4)
        return AnimationRequest(
            lambda: build_animation("max", grid, None, kernel_hw=(2, 2), stride=2, numbers=True),
            5.0, "pooling")


def test_any_panel_offering_an_animation_request_is_animated(window, tmp_path, qtbot,
                                                             monkeypatch):
    """The exporter knows the panels only by what they offer (lesson_exports.Animated)."""
    page = QScrollArea()
    page.setWidget(PoolingPanel("max pooling"))
    window.tabs.setCurrentIndex(window.tabs.addTab(page, "Pooling"))
    window.menu.aboutToShow.emit()
    assert window.exports.animation_action.isEnabled()
    suggested = []
    monkeypatch.setattr(lesson_exports, "ask_save_path", lambda parent, caption, name, filters:
                        suggested.append(name) or str(tmp_path / "pool.gif"))
    assert finish(qtbot, window.exports.export_animation()) == [tmp_path / "pool.gif"]
    assert suggested == ["pooling.gif"]
    with Image.open(tmp_path / "pool.gif") as gif:
        assert gif.n_frames == 2 * 2  # a 4×4 grid in 2×2 windows, 2 apart
        assert gif.info["duration"] == 1000 // 5


def test_figure_png_is_twice_the_panel_and_not_blank(window, tmp_path):
    window.step_through([[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel=((1, 2), (3, 4)),
                        padding="valid")
    path = tmp_path / "step.png"
    assert window.exports.export_figure(str(path))
    with Image.open(path) as image:
        assert image.size == (2 * window.matrix.width(), 2 * window.matrix.height())
        assert len(image.convert("RGB").getcolors(1 << 20)) > 10
    assert "step.png" in window.messages[-1]


def test_figure_svg_has_the_numbers_shown_and_pdf_is_one_page(window, tmp_path):
    # 1·1 + 2·2 + 4·3 + 5·4 = 37, 2 + 6 + 15 + 24 = 47, 4 + 10 + 21 + 32 = 67, 77
    window.step_through([[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel=((1, 2), (3, 4)),
                        padding="valid")
    svg = tmp_path / "step.svg"
    assert window.exports.export_figure(str(svg))
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")}
    assert {"37", "47", "67", "77"} <= texts
    assert "Output" in texts
    pdf = tmp_path / "step.pdf"
    assert window.exports.export_figure(str(pdf))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1


def test_figure_refuses_another_extension(window, tmp_path):
    window.tabs.setCurrentIndex(1)
    assert not window.exports.export_figure(str(tmp_path / "step.jpg"))
    assert "not written" in window.messages[-1] and not (tmp_path / "step.jpg").exists()


def test_file_dialog_remembers_its_folder(window, tmp_path, monkeypatch):
    starts = []
    figures = tmp_path / "figures"
    figures.mkdir()

    def fake_dialog(parent, caption, start, filters):
        starts.append(start)
        return str(figures / "slide"), "SVG, vector (*.svg)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    window.tabs.setCurrentIndex(1)
    assert window.exports.export_figure()
    assert starts[0] == "step-through.png"
    assert (figures / "slide.svg").exists(), "the chosen filter's extension was added"
    window.tabs.setCurrentIndex(2)
    assert window.exports.export_figure()
    assert starts[1] == str(figures / "transposed.png")


def test_context_menu_exports_any_widget(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *args: (str(tmp_path / "dock.png"), "")))
    dock = QLabel("frequency response 0.25")
    window.qtbot.addWidget(dock)
    dock.resize(220, 90)
    dock.show()
    window.exports.install_context_menu(dock, "Frequency response")
    dock.customContextMenuRequested.emit(QPoint(5, 5))
    menu = dock.findChild(QMenu)
    assert [a.text() for a in menu.actions()] == ["Export figure…"]
    menu.actions()[0].trigger()
    menu.close()
    with Image.open(tmp_path / "dock.png") as image:
        assert image.size == (440, 180)


def test_step_through_animation_has_one_frame_per_output_off_the_gui_thread(
        window, tmp_path, monkeypatch, qtbot):
    rng = np.random.default_rng(3)
    pads, stride, dilation = ((1, 2), (0, 1)), (1, 1), (1, 2)
    window.step_through(rng.integers(0, 9, (16, 15)), kernel=((1, 0), (2, 1), (0, 1)),
                        padding=pads, stride=stride, dilation=dilation, boundary="constant")
    out_h = output_size(16, 3, 1, 2, stride[0], dilation[0])
    out_w = output_size(15, 2, 0, 1, stride[1], dilation[1])
    assert (out_h, out_w) == (17, 14)

    ticks = [0]
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    seen = {}
    real_write = lesson_exports.write_animation

    def watched_write(*args, **kwargs):
        seen["thread"] = threading.get_ident()
        seen["ticks_before"] = ticks[0]
        written = real_write(*args, **kwargs)
        seen["ticks_after"] = ticks[0]
        return written

    monkeypatch.setattr(lesson_exports, "write_animation", watched_write)
    timer.start()
    path = tmp_path / "walk.gif"
    job = window.exports.export_animation(str(path))
    written = finish(qtbot, job)
    timer.stop()
    assert written == [path]
    assert seen["thread"] != threading.get_ident()
    assert seen["ticks_after"] > seen["ticks_before"], "the GUI thread kept running its timer"
    with Image.open(path) as gif:
        assert gif.n_frames == out_h * out_w
        assert gif.info["duration"] == round(1000 / window.matrix.speed())
    assert "walk.gif" in window.messages[-1]


def test_cancel_leaves_no_file(window, tmp_path, qtbot):
    window.step_through(np.arange(256).reshape(16, 16) % 7, kernel=((1, 1, 1),) * 3,
                        padding="full")
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "walk.gif"
    job = window.exports.export_animation(str(path))
    frames = []

    def cancel_at_first_frame(done, total):
        frames.append(done)
        if len(frames) == 1:
            job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button

    job.progressed.connect(cancel_at_first_frame)
    assert finish(qtbot, job) is None
    assert frames[-1] < 18 * 18
    assert list(folder.iterdir()) == []
    assert "cancelled" in window.messages[-1]


def test_animation_keeps_the_panels_padding_value_and_bias(window):
    image = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=float)
    kernel = np.array([[1, 2], [3, 4]], dtype=float)
    window.step_through(image, kernel=((1, 2), (3, 4)), padding=1, boundary="constant",
                        cval=2, bias=1)
    animation = animation_request(window.matrix).build()
    padded = np.pad(image, 1, constant_values=2)
    expected = np.array([[1 + np.sum(padded[i:i + 2, j:j + 2] * kernel) for j in range(4)]
                         for i in range(4)])
    np.testing.assert_array_equal(animation.output, expected)
    np.testing.assert_array_equal(animation.grid, padded)
    assert "padding value 2, bias 1 -> 4x4 output" in animation.title


def test_summed_channels_are_refused_with_a_reason(window):
    window.step_through(np.zeros((4, 4, 3)), channels="sum")
    assert window.exports.export_animation() is None
    assert "one grid" in window.messages[-1]


def test_step_through_button_exports(window, tmp_path, monkeypatch, qtbot):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *args: (str(tmp_path / "button.png"), "Animated PNG (*.png)")))
    window.step_through(np.ones((3, 4)), kernel=((1, 1), (1, 1)), padding="valid")
    window.matrix.export_button.click()
    qtbot.waitUntil(lambda: "Saved" in window.matrix.message_label.text(), timeout=20000)
    with Image.open(tmp_path / "button.png") as apng:
        assert apng.n_frames == 2 * 3


def test_transposed_animation_frame_count(window, tmp_path, qtbot):
    window.tabs.setCurrentIndex(2)
    window.model.edit("test", kernel=((1, 2, 1), (2, 4, 2), (1, 2, 1)))
    window.transposed.set_constant_input(True)
    window.transposed.set_params(stride=2, padding=1)
    qtbot.waitUntil(lambda: window.transposed.input_patch() is not None
                    and window.transposed.is_ready(), timeout=5000)
    side = (8 - 1) * 2 - 2 * 1 + (3 - 1) + 1  # (n − 1)·s − 2p + d·(k − 1) + 1
    path = tmp_path / "up.gif"
    assert finish(qtbot, window.exports.export_animation(str(path))) == [path]
    with Image.open(path) as gif:
        assert gif.n_frames == side * side


def test_transposed_tab_has_its_own_export_animation_button(window, tmp_path, monkeypatch,
                                                             qtbot):
    """The Transposed tab's button writes its animation: one frame per transposed output
    cell (PyTorch's size formula, written out here)."""
    from PIL import Image

    from convgui.ui import lesson_exports

    panel = window.transposed
    window.tabs.setCurrentIndex(2)
    panel.set_image(np.arange(64, dtype=np.float32).reshape(8, 8), (0.0, 63.0))
    qtbot.waitUntil(panel.is_ready, timeout=10_000)
    target = tmp_path / "transposed.gif"
    monkeypatch.setattr(lesson_exports, "ask_save_path", lambda *a, **k: str(target))
    panel.export_button.click()
    qtbot.waitUntil(target.exists, timeout=60_000)
    n = panel.input_patch().shape[0]
    s, p, op, d = (panel.stride_spin.value(), panel.padding_spin.value(),
                   panel.output_padding_spin.value(), panel.dilation_spin.value())
    k = len(window.model.settings.kernel)
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    with Image.open(target) as gif:
        assert gif.n_frames == out * out
