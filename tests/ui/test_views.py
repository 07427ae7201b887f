"""The before/after image views: drawing, placement, hover read-outs, patches, linked zoom."""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from convgui import display
from convgui.mapcaption import format_value, format_values
from convgui.settings import Settings
from convgui.shapes import geometry
from convgui.ui import views as views_module
from convgui.ui.patch_picker import MAX_PATCH
from convgui.ui.views import ImageViews
from convgui.ui.worker import Result


def make_result(output: np.ndarray, geo, mode: str = "clip",
                value_range: tuple[float, float] = (0.0, 255.0)) -> Result:
    output = np.asarray(output, dtype=np.float32)
    with np.errstate(all="ignore"):
        shown = display.to_uint8(output, mode, value_range)
    levels = display.symmetric_levels(output) if mode == "diverging" else value_range
    nonfinite = int(output.size - np.count_nonzero(np.isfinite(output)))
    return Result(1, Settings(), output, shown, mode, levels, geo, "direct", 0.001, nonfinite)


@pytest.fixture
def views(qtbot):
    w = ImageViews()
    qtbot.addWidget(w)
    w.resize(900, 450)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def grey5(views):
    image = np.arange(25, dtype=np.float32).reshape(5, 5)
    views.set_input(image, (0.0, 255.0))
    return image


def painted_rgb(item) -> np.ndarray:
    """The (H, W, 3) colours an ImageItem paints (its rendered QImage, as RGB)."""
    item.render()
    qimage = item.qimage.convertToFormat(QImage.Format.Format_RGB888)
    h, w = qimage.height(), qimage.width()
    raw = np.frombuffer(qimage.constBits(), np.uint8, count=qimage.sizeInBytes())
    # row-major (ConvGUI's pyqtgraph axis order): row y of the QImage is row y of the image
    return raw.reshape(h, qimage.bytesPerLine())[:, :w * 3].reshape(h, w, 3).copy()


def texts(views: ImageViews) -> list[str]:
    got: list[str] = []
    views.hoverText.connect(got.append)
    return got


# ----------------------------------------------------------------------------- drawing

def test_set_result_draws_exactly_the_display_image(views, grey5):
    geo = geometry((5, 5), (3, 3))
    out = np.array([[10.0, 300.0, -4.0], [0.0, 128.4, 77.0], [255.0, 1.0, 2.0]])
    result = make_result(out, geo)
    views.set_result(result)
    drawn = views._output_item.image
    assert drawn.dtype == np.uint8
    np.testing.assert_array_equal(drawn, result.display)
    np.testing.assert_array_equal(views.displayed_result(), result.display)
    assert views._output_item.lut is None
    np.testing.assert_array_equal(painted_rgb(views._output_item),
                                  np.repeat(result.display[:, :, None], 3, axis=2))
    assert views.result() is result
    np.testing.assert_array_equal(views._input_item.image, grey5)
    assert tuple(views._input_item.getLevels()) == (0.0, 255.0)


def test_rgb_input_and_result_are_drawn_as_rgb(views):
    rgb = np.random.default_rng(0).uniform(0, 65535, (6, 7, 3)).astype(np.float32)
    views.set_input(rgb, (0.0, 65535.0))
    np.testing.assert_array_equal(views._input_item.image, rgb)
    assert tuple(views._input_item.getLevels()) == (0.0, 65535.0)
    geo = geometry((6, 7), (3, 3), "same")
    result = make_result(rgb / 2, geo, "clip", (0.0, 65535.0))
    views.set_result(result)
    assert views.displayed_result().shape == (6, 7, 3)
    np.testing.assert_array_equal(views._output_item.image, result.display)
    np.testing.assert_array_equal(painted_rgb(views._output_item), result.display)
    assert not views.colorbar_visible()


def test_a_large_input_shows_a_preview_at_once_then_every_pixel(views, qtbot, monkeypatch):
    """Above DRAW_OFF_THREAD_VALUES the GUI thread draws a subsampled preview over the whole
    image's rectangle; the 8-bit image of every pixel replaces it when the worker has made it.
    An input set meanwhile wins over the late drawing."""
    monkeypatch.setattr(views_module, "DRAW_OFF_THREAD_VALUES", 1000)
    rgb = np.random.default_rng(3).uniform(-20, 300, (40, 50, 3)).astype(np.float32)
    views.set_input(rgb, (0.0, 255.0))
    item = views._input_item
    assert not views.input_drawn()
    assert item.image.shape == (14, 17, 3)  # every 3rd pixel: 6000 values / 9 < 1000
    assert item.mapRectToParent(item.boundingRect()) == QRectF(0, 0, 50, 40)
    qtbot.waitUntil(views.input_drawn, timeout=5000)
    expected = display.to_uint8(rgb, "clip", (0.0, 255.0))
    np.testing.assert_array_equal(item.image, expected)
    np.testing.assert_array_equal(painted_rgb(item), expected)
    assert item.mapRectToParent(item.boundingRect()) == QRectF(0, 0, 50, 40)
    assert views.input_image() is rgb  # read-outs use the values, not the drawing

    small = np.arange(20, dtype=np.float32).reshape(4, 5)
    views.set_input(rgb * 0.5, (0.0, 255.0))
    views.set_input(small, (0.0, 255.0))  # before the first one is drawn
    assert views.input_drawn()
    # the late drawing arrives: the task sends it before it turns idle, so it is queued then
    qtbot.waitUntil(lambda: not views._draw_task.busy, timeout=5000)
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    np.testing.assert_array_equal(item.image, small)
    assert item.mapRectToParent(item.boundingRect()) == QRectF(0, 0, 5, 4)


def test_stride_2_valid_output_sits_over_its_receptive_fields(views, grey5):
    # 5×5 input, 3×3 kernel, stride 2, valid → 2×2 outputs. Output (0, 0) reads rows/cols
    # 0..2, edges [0, 3], centre 1.5; each output pixel is 2 wide, so it spans 0.5..2.5 and the
    # whole output covers x, y = 0.5 .. 4.5.
    geo = geometry((5, 5), (3, 3), "valid", stride=2)
    assert geo.out_hw == (2, 2)
    views.set_result(make_result(np.ones((2, 2)), geo))
    item = views._output_item
    placed = item.mapRectToParent(item.boundingRect())
    assert placed == QRectF(0.5, 0.5, 4, 4)


def test_output_index_at_inverts_the_placement(views, grey5):
    geo = geometry((5, 5), (3, 3), "valid", stride=2)
    views.set_result(make_result(np.ones((2, 2)), geo))
    assert views.output_index_at(0.5, 0.5) == (0, 0)
    assert views.output_index_at(1.5, 1.5) == (0, 0)  # centre of output (0, 0)'s window
    assert views.output_index_at(2.49, 2.49) == (0, 0)
    assert views.output_index_at(2.5, 0.6) == (0, 1)  # x → column
    assert views.output_index_at(0.6, 2.5) == (1, 0)  # y → row
    assert views.output_index_at(4.49, 4.49) == (1, 1)
    for x, y in ((0.49, 1.0), (1.0, 0.49), (4.5, 1.0), (1.0, 4.5), (math.nan, 1.0)):
        assert views.output_index_at(x, y) is None


@pytest.mark.parametrize("padding, stride, dilation", [
    ("same", 1, 1), ("full", 2, 1), ("valid", (2, 3), (2, 1)), (((2, 0), (1, 3)), 3, 2),
])
def test_every_output_pixel_centre_maps_back(views, padding, stride, dilation):
    views.set_input(np.zeros((13, 11), np.float32), (0.0, 255.0))
    geo = geometry((13, 11), (3, 4), padding, stride, dilation)
    views.set_result(make_result(np.zeros(geo.out_hw), geo))
    x0, y0, w, h = geo.output_rect()
    sh, sw = h / geo.out_hw[0], w / geo.out_hw[1]
    assert (sh, sw) == tuple(float(s) for s in geo.stride)
    for i in range(geo.out_hw[0]):
        for j in range(geo.out_hw[1]):
            assert views.output_index_at(x0 + (j + 0.5) * sw, y0 + (i + 0.5) * sh) == (i, j)


def test_input_index_at(views, grey5):
    assert views.input_index_at(0.0, 0.0) == (0, 0)
    assert views.input_index_at(3.99, 1.2) == (1, 3)
    assert views.input_index_at(-0.01, 2) is None
    assert views.input_index_at(2, 5.0) is None


def test_no_result_no_index(views, grey5):
    assert views.output_index_at(1.0, 1.0) is None
    assert views.hover_output(0, 0) == ""
    assert views.result() is None and views.displayed_result() is None
    views.set_result(make_result(np.ones((3, 3)), geometry((5, 5), (3, 3))))
    assert views.hover_output(3, 0) == "" and views.hover_input(0, 5) == ""
    assert views.outline() == (None, [], [])


def test_titles_give_shapes_mode_and_nonfinite_count(views, grey5):
    assert views.before.title.text == "Input  5×5"
    out = np.ones((3, 3))
    out[0, 0] = np.nan
    views.set_result(make_result(out, geometry((5, 5), (3, 3)), "normalize"))
    assert views.after.title.text == "Output  3×3  ·  normalize  ·  1 NaN/inf"
    # and the shorter forms a narrow panel shows: the mode said briefly, then left out
    assert views_module.output_titles((3, 3), "normalize", False, 1) == [
        "Output  3×3  ·  normalize  ·  1 NaN/inf", "Output  3×3  ·  1 NaN/inf"]
    assert views_module.output_titles((4, 4, 3), "clip", True, 0) == [
        "Output  4×4×3  ·  diverging per channel (0 = grey)",
        "Output  4×4×3  ·  diverging per channel", "Output  4×4×3"]


# ------------------------------------------------------------------------------- hover

def test_hover_output_reads_the_raw_value_and_outlines_dilated_taps(views):
    views.set_input(np.zeros((7, 9), np.float32), (0.0, 255.0))
    geo = geometry((7, 9), (3, 3), "valid", dilation=2)  # spans 5×5 → 3×5 outputs
    out = np.zeros(geo.out_hw)
    out[1, 2] = -37.25
    views.set_result(make_result(out, geo, "diverging"))
    got = texts(views)
    assert views.hover_output(1, 2) == "output (1, 2) = −37.25"
    assert got == ["output (1, 2) = −37.25"]
    rect, inside, padded = views.outline()
    assert rect == QRectF(2, 1, 5, 5)  # columns 2..6, rows 1..5 (pixel edges)
    assert sorted(inside) == [(r, c) for r in (1, 3, 5) for c in (2, 4, 6)]
    assert padded == []
    x0, y0, _, _ = geo.output_rect()
    assert views.hover.cursor_rect() == QRectF(x0 + 2, y0 + 1, 1, 1)


def test_hover_output_marks_padded_taps(views, grey5):
    geo = geometry((5, 5), (3, 3), "same")
    views.set_result(make_result(np.full((5, 5), 2.5), geo))
    text = views.hover_output(0, 0)
    assert text == "output (0, 0) = 2.5  ·  5 of 9 taps in padding"
    rect, inside, padded = views.outline()
    assert rect == QRectF(-1, -1, 3, 3)
    assert sorted(inside) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sorted(padded) == [(-1, -1), (-1, 0), (-1, 1), (0, -1), (1, -1)]


def test_hover_output_rgb_and_nonfinite_values(views):
    views.set_input(np.zeros((4, 4, 3), np.float32), (0.0, 255.0))
    geo = geometry((4, 4), (1, 1))
    out = np.zeros((4, 4, 3))
    out[2, 3] = (1.0, -2.5, np.nan)
    out[0, 0] = (np.inf, -np.inf, 1e-7)
    views.set_result(make_result(out, geo))
    assert views.hover_output(2, 3) == "output (2, 3) = (1, −2.5, NaN)"
    assert views.hover_output(0, 0) == "output (0, 0) = (+inf, −inf, 1e−07)"


def test_hover_input_text(views, grey5):
    got = texts(views)
    assert views.hover_input(1, 2) == "input (1, 2) = 7"
    assert got == ["input (1, 2) = 7"]
    rgb = np.zeros((3, 4, 3), np.float32)
    rgb[0, 1] = (10, 20.5, 30)
    views.set_input(rgb, (0.0, 255.0))
    assert views.hover_input(0, 1) == "input (0, 1) = (10, 20.5, 30)"


def test_outline_is_cleared_on_leave_and_on_a_new_result(views, grey5):
    geo = geometry((5, 5), (3, 3))
    result = make_result(np.ones((3, 3)), geo)
    views.set_result(result)
    got = texts(views)
    views.hover_output(1, 1)
    assert views.outline()[0] is not None
    views.clear_hover()
    assert views.outline() == (None, [], [])
    assert views.hover.cursor_rect() is None
    assert got[-1] == ""
    views.hover_output(0, 0)
    views.set_result(result)
    assert views.outline() == (None, [], [])
    views.hover_output(2, 2)
    views.hover_input(0, 0)  # moving to the before view drops the receptive field
    assert views.outline() == (None, [], [])


def test_mouse_moves_over_the_views_emit_read_outs(views, qtbot, grey5):
    geo = geometry((5, 5), (3, 3), "valid", stride=2)
    out = np.array([[1.0, 2.0], [3.0, -4.5]])
    views.set_result(make_result(out, geo))
    got = texts(views)
    scene_pos = views.after_view.mapViewToScene(QPointF(3.5, 3.5))  # output (1, 1)
    views.after.scene().sigMouseMoved.emit(scene_pos)
    assert got == ["output (1, 1) = −4.5"]
    assert views.outline()[0] == QRectF(2, 2, 3, 3)
    views.after.scene().sigMouseMoved.emit(scene_pos)  # same pixel: no repeat
    assert len(got) == 1
    views.before.scene().sigMouseMoved.emit(views.before_view.mapViewToScene(QPointF(2.5, 1.5)))
    assert got[-1] == "input (1, 2) = 7"
    views.before.scene().sigMouseMoved.emit(views.before_view.mapViewToScene(QPointF(-3, 1)))
    assert got[-1] == ""


def test_leaving_a_view_ends_the_read_out(views, grey5):
    views.set_result(make_result(np.ones((3, 3)), geometry((5, 5), (3, 3))))
    got = texts(views)
    views.hover_output(1, 1)
    QApplication.sendEvent(views.after.viewport(), QEvent(QEvent.Type.Leave))
    assert got[-1] == "" and views.outline() == (None, [], [])
    assert views.hover.cursor_rect() is None
    views.hover_input(2, 2)
    QApplication.sendEvent(views.before.viewport(), QEvent(QEvent.Type.Leave))
    assert got[-2:] == ["input (2, 2) = 12", ""]


# ----------------------------------------------------------------- message, colour bar

def test_show_message_clears_the_image_until_the_next_result(views, grey5):
    geo = geometry((5, 5), (3, 3))
    views.set_result(make_result(np.ones((3, 3)), geo, "diverging"))
    views.hover_output(0, 0)
    text = "kernel spans 7 but the padded input is 5: add padding ≥ 1 per side"
    views.show_message(text)
    assert views.placeholder_text() == text
    assert views._placeholder.isVisible()
    assert views.displayed_result() is None and views.result() is None
    assert views._output_item.image is None
    assert not views.colorbar_visible()
    assert views.outline() == (None, [], [])
    assert views.output_index_at(1.5, 1.5) is None
    views.set_result(make_result(np.ones((3, 3)), geo))
    assert views.placeholder_text() is None
    assert views.displayed_result() is not None


def test_the_message_stays_centred_over_the_after_view(views, qtbot, grey5):
    views.show_message("kernel spans 7 but the padded input is 5: add padding ≥ 1 per side")
    for size in ((900, 450), (600, 700), (1400, 380)):
        views.resize(*size)
        qtbot.wait(20)
        notice, area = views._placeholder.geometry(), views.after.rect()
        assert notice.width() == min(area.width() - 40, 460)
        assert abs(notice.center().x() - area.center().x()) <= 1
        assert abs(notice.center().y() - area.center().y()) <= 1


def test_diverging_mode_shows_the_colour_bar_and_other_modes_hide_it(views, grey5):
    geo = geometry((5, 5), (3, 3))
    out = np.array([[-6.0, 0.0, 3.0], [1.0, 2.0, -1.0], [0.0, 0.0, 0.0]])
    views.set_result(make_result(out, geo, "diverging"))
    assert views.colorbar_visible() and views.colorbar.isVisible()
    assert views.colorbar.scene() is views.after.scene()
    assert views.colorbar.levels() == (-6.0, 6.0)
    lut = views._output_item.lut
    assert lut is not None and lut.shape[0] == 256
    # negatives and positives are different hues: blue end vs red end, white-ish at zero
    lo, mid, hi = (lut[k].astype(int) for k in (0, 128, 255))
    assert lo[2] > lo[0] and hi[0] > hi[2]
    assert min(mid) > 200
    assert views.displayed_result()[0, 0] == 0 and views.displayed_result()[1, 0] > 128
    np.testing.assert_array_equal(painted_rgb(views._output_item),
                                  lut[views.displayed_result()][:, :, :3])
    for mode in ("clip", "offset", "abs", "normalize"):
        views.set_result(make_result(out, geo, mode))
        assert not views.colorbar_visible() and not views.colorbar.isVisible()
        assert views._output_item.lut is None
    views.set_result(make_result(out * 2, geo, "diverging"))
    assert views.colorbar_visible() and views.colorbar.levels() == (-12.0, 12.0)


def test_diverging_rgb_result_is_grey_per_channel_with_a_grey_legend(views):
    """An RGB result in the diverging mode showed grey with coloured fringes and no legend:
    each channel is drawn 0 → mid-grey, −scale → 0, +scale → 255, said in the title, with a
    grey colour bar from −scale to +scale."""
    views.set_input(np.zeros((4, 4, 3), np.float32), (0.0, 255.0))
    geo = geometry((4, 4), (1, 1))
    out = np.zeros((4, 4, 3))
    out[0, 0] = (-2.0, 0.0, 2.0)
    views.set_result(make_result(out, geo, "diverging"))
    assert views._output_item.lut is None  # the channels are drawn as they are
    shown = views.displayed_result()
    assert shown[0, 0, 0] == 0 and shown[0, 0, 2] == 255 and abs(int(shown[1, 1, 1]) - 128) <= 1
    assert views.colorbar_visible() and views.colorbar.levels() == (-2.0, 2.0)
    ramp = views.colorbar.colorMap().getLookupTable(nPts=3, alpha=False)
    assert all(len(set(int(v) for v in c)) == 1 for c in ramp)  # R = G = B: grey
    assert int(ramp[0][0]) == 0 and int(ramp[-1][0]) == 255
    assert "diverging per channel (0 = grey)" in views.after.title.text


# ------------------------------------------------------------------------------ patches

def test_select_patch_emits_the_grey_patch(views, qtbot, grey5):
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.select_patch(1, 2, 2, 3)
    patch = blocker.args[0]
    assert patch.dtype == np.float64
    np.testing.assert_array_equal(patch, [[7, 8, 9], [12, 13, 14]])
    assert views.patch_rect() == (1, 2, 2, 3)


def test_select_patch_clips_to_the_image(views, qtbot, grey5):
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.select_patch(-1, 3, 3, 5)
    np.testing.assert_array_equal(blocker.args[0], [[3, 4], [8, 9]])
    messages: list[str] = []
    views.message.connect(messages.append)
    with qtbot.assertNotEmitted(views.patchSelected):
        assert views.select_patch(5, 0, 2, 2) is None
    assert messages


def test_select_patch_uses_luma_for_rgb(views, qtbot):
    rgb = np.zeros((3, 3, 3), np.float32)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 100.0, 50.0, 10.0
    rgb[1, 1] = (255.0, 0.0, 0.0)
    views.set_input(rgb, (0.0, 255.0))
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.select_patch(0, 0, 2, 2)
    patch = blocker.args[0]
    assert patch.shape == (2, 2)
    expected = 0.299 * 100 + 0.587 * 50 + 0.114 * 10
    np.testing.assert_allclose(patch, [[expected, expected], [expected, 0.299 * 255]])


def test_select_patch_refuses_more_than_31_by_31(views, qtbot):
    views.set_input(np.zeros((40, 40), np.float32), (0.0, 255.0))
    messages: list[str] = []
    views.message.connect(messages.append)
    with qtbot.assertNotEmitted(views.patchSelected):
        assert views.select_patch(0, 0, MAX_PATCH + 1, 3) is None
    assert messages and "too big" in messages[0] and "31×31" in messages[0]
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.select_patch(0, 0, MAX_PATCH, MAX_PATCH)
    assert blocker.args[0].shape == (31, 31)
    # 20 rows hang out of the image: what is left (20 × 31) is accepted
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.select_patch(20, 0, 40, 31)
    assert blocker.args[0].shape == (20, 31)


class _FakeDrag:
    """The parts of a pyqtgraph MouseDragEvent that patch mode reads."""

    def __init__(self, views, a, b, finish):
        self._a = views.before_view.mapViewToScene(QPointF(*a))
        self._b = views.before_view.mapViewToScene(QPointF(*b))
        self._finish = finish

    def buttonDownScenePos(self):  # noqa: N802 - Qt naming
        return self._a

    def scenePos(self):  # noqa: N802
        return self._b

    def isFinish(self):  # noqa: N802
        return self._finish


def test_patch_mode_drag_selects_whole_pixels(views, qtbot, grey5):
    views.set_patch_mode(True)
    assert views.patch_mode() and views.before_view.drag_handler is not None
    with qtbot.assertNotEmitted(views.patchSelected):
        views.before_view.drag_handler(_FakeDrag(views, (3.7, 3.2), (1.2, 1.9), finish=False))
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.before_view.drag_handler(_FakeDrag(views, (3.7, 3.2), (2.2, 1.9), finish=True))
    # x 2.2..3.7 → columns 2..3, y 1.9..3.2 → rows 1..3
    np.testing.assert_array_equal(blocker.args[0], [[7, 8], [12, 13], [17, 18]])
    roi = views._patches._roi
    assert roi is not None and roi.isVisible()
    assert (roi.pos().x(), roi.pos().y(), roi.size().x(), roi.size().y()) == (2, 1, 2, 3)
    with qtbot.waitSignal(views.patchSelected) as blocker:
        views.use_patch()
    assert blocker.args[0].shape == (3, 2)
    # moving the rectangle (its body or corner handle) re-selects on release
    with qtbot.waitSignal(views.patchSelected) as blocker:
        roi.setPos((0, 0))
    np.testing.assert_array_equal(blocker.args[0], [[0, 1], [5, 6], [10, 11]])
    views.set_patch_mode(False)
    assert views._patches._roi is None and views.before_view.drag_handler is None


def test_a_refused_drag_puts_the_rectangle_back(views, qtbot):
    views.set_input(np.zeros((60, 60), np.float32), (0.0, 255.0))
    views.set_patch_mode(True)
    views.select_patch(2, 3, 4, 5)
    got = texts(views)
    views.before_view.drag_handler(_FakeDrag(views, (0.5, 0.5), (40.5, 10.5), finish=False))
    assert got[-1] == "patch 11×41: too big (max 31×31)"
    with qtbot.assertNotEmitted(views.patchSelected):
        views.before_view.drag_handler(_FakeDrag(views, (0.5, 0.5), (40.5, 10.5), finish=True))
    roi = views._patches._roi
    assert (roi.pos().x(), roi.pos().y(), roi.size().x(), roi.size().y()) == (3, 2, 5, 4)
    assert views.patch_rect() == (2, 3, 4, 5)


# ---------------------------------------------------------------------- zoom and range

def test_views_are_linked_both_ways(views, qtbot, grey5):
    def centre_and_scale(vb):
        r = vb.viewRect()
        return (r.center().x(), r.center().y(), r.width() / vb.width(), r.height() / vb.height())

    views.set_result(make_result(np.ones((3, 3)), geometry((5, 5), (3, 3)), "diverging"))
    qtbot.wait(10)
    views.before_view.setRange(xRange=(1, 2), yRange=(1, 2), padding=0)
    after = centre_and_scale(views.after_view)
    assert after == pytest.approx(centre_and_scale(views.before_view))
    assert after[:2] == pytest.approx((1.5, 1.5))
    views.after_view.setRange(xRange=(3, 5), yRange=(2, 4), padding=0)
    assert centre_and_scale(views.before_view) == pytest.approx(
        centre_and_scale(views.after_view))
    assert centre_and_scale(views.before_view)[:2] == pytest.approx((4, 3))


def test_linked_zoom_does_not_drift_when_the_colour_bar_comes_and_goes(views, qtbot, grey5):
    geo = geometry((5, 5), (3, 3))
    views.before_view.setRange(xRange=(1, 3), yRange=(1, 3), padding=0)
    start = views.before_view.viewRange()
    for _ in range(4):
        views.set_result(make_result(np.ones((3, 3)), geo, "diverging"))
        qtbot.wait(5)
        views.show_message("no output")
        qtbot.wait(5)
    assert np.allclose(views.before_view.viewRange(), start)


def test_auto_range_only_for_a_new_image_size(views, grey5):
    views.before_view.setRange(xRange=(1, 2), yRange=(1, 2), padding=0)
    zoomed = views.before_view.viewRange()
    views.set_input(grey5 * 2, (0.0, 255.0))
    assert np.allclose(views.before_view.viewRange(), zoomed)
    views.set_input(np.zeros((50, 60), np.float32), (0.0, 255.0))
    (x0, x1), (y0, y1) = views.before_view.viewRange()
    assert x0 <= 0 and x1 >= 60 and y0 <= 0 and y1 >= 50


# ------------------------------------------------------------------------- formatting

@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (-0.0, "0"), (12.0, "12"), (-37.25, "−37.25"), (65535.0, "65535"),
    (1234567.0, "1.23457e+06"), (float("nan"), "NaN"), (float("inf"), "+inf"),
    (float("-inf"), "−inf"),
])
def test_format_value(value, text):
    assert format_value(value) == text


def test_format_values():
    assert format_values(np.float32(3.5)) == "3.5"
    assert format_values(np.array([1.0])) == "1"
    assert format_values(np.array([1, -2, 3.25])) == "(1, −2, 3.25)"


# ---------------------------------------------- alignment and sizes that follow the font

@contextmanager
def app_font_scaled(factor: float):
    """The application font at ``factor`` times its size, as presentation mode sets it (the
    widgets hear of it through posted events, as in the running application)."""
    original = QApplication.font()
    font = QApplication.font()
    font.setPointSizeF(original.pointSizeF() * factor)
    QApplication.setFont(font)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.setFont(original)
        QApplication.processEvents()


def text_height(title) -> float:
    """The height of a title's line of text (its box less the text item's margins)."""
    item = title.item
    return item.boundingRect().height() - 2 * item.document().documentMargin()


def view_boxes(views: ImageViews) -> list[QRectF]:
    """Where each panel's image area is, in its own panel's coordinates."""
    return [panel.vb.mapRectToScene(panel.vb.boundingRect())
            for panel in (views.before, views.after)]


@pytest.mark.parametrize("mode", ["clip", "diverging"])
def test_before_and_after_image_areas_line_up_at_every_size(views, qtbot, mode):
    image = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) % 255
    views.set_input(image, (0.0, 255.0))
    views.set_result(make_result(image - 128, geometry((64, 64), (3, 3), "same"), mode))
    assert views.colorbar_visible() == (mode == "diverging")
    for size in ((900, 450), (600, 700), (1400, 380), (420, 300)):
        views.resize(*size)
        qtbot.wait(20)
        before, after = view_boxes(views)
        assert before.top() == pytest.approx(after.top())
        assert before.height() == pytest.approx(after.height())
        assert abs(before.width() - after.width()) <= 1  # the splitter's odd pixel


def test_a_long_output_title_does_not_widen_its_view(views, qtbot, grey5):
    views.resize(500, 300)
    out = np.full((3, 3), np.nan)
    views.set_result(make_result(out, geometry((5, 5), (3, 3)), "normalize"))
    views.after.title.set_title("Output  " + "very long title " * 10)
    qtbot.wait(20)
    before, after = view_boxes(views)
    assert abs(before.width() - after.width()) <= 1
    assert views.after.title.text.startswith("Output  very long")  # the full text is kept
    assert views.after.title.toolTip() == views.after.title.text  # and shown on hover


def test_titles_and_colour_bar_labels_follow_the_application_font(views, qtbot, grey5):
    views.set_result(make_result(np.array([[-2.0, 1.0], [0.0, 2.0]]),
                                 geometry((5, 5), (4, 4)), "diverging"))
    qtbot.wait(20)
    base = QApplication.font().pointSizeF()
    title_height = text_height(views.before.title)
    bar_height = views.colorbar.height()
    with app_font_scaled(1.5):
        qtbot.wait(20)
        assert text_height(views.before.title) >= 1.35 * title_height
        assert text_height(views.after.title) >= 1.35 * title_height
        assert views.colorbar.axis.style["tickFont"].pointSizeF() == pytest.approx(1.5 * base)
        assert views.colorbar.height() >= 1.35 * bar_height
        before, after = view_boxes(views)  # still lined up with the larger colour bar
        assert before.top() == pytest.approx(after.top())
        assert before.height() == pytest.approx(after.height())
    qtbot.wait(20)
    assert text_height(views.before.title) == pytest.approx(title_height)


def test_large_padding_fits_the_whole_output_and_the_input_in_view(views, qtbot, grey5):
    geo = geometry((5, 5), (3, 3), padding=60)
    assert geo.output_rect() == (-59.0, -59.0, 123, 123)  # 123×123 outputs from −59 to 64
    views.set_result(make_result(np.ones(geo.out_hw), geo))
    qtbot.wait(20)
    for view in (views.after_view, views.before_view):
        shown = view.viewRect()
        assert shown.contains(QRectF(-59, -59, 123, 123)) and shown.contains(QRectF(0, 0, 5, 5))
        assert shown.width() < 123 * 1.5 or shown.height() < 123 * 1.5  # fitted, not lost
    small = geometry((5, 5), (3, 3), padding=1)  # back to a small padding: fitted again
    views.set_result(make_result(np.ones(small.out_hw), small))
    assert views.after_view.viewRect().width() < 20 or views.after_view.viewRect().height() < 20


def test_a_new_geometry_keeps_the_users_zoom(views, qtbot, grey5):
    views.before_view.setRange(xRange=(1, 3), yRange=(1, 3), padding=0)
    zoomed = views.before_view.viewRange()
    geo = geometry((5, 5), (3, 3), padding=60)
    views.set_result(make_result(np.ones(geo.out_hw), geo))
    assert np.allclose(views.before_view.viewRange(), zoomed)


def test_a_narrow_title_shows_its_longest_complete_shorter_form(qtbot):
    """A title that does not fit takes the first of its shorter forms that does, whole (no
    word cut by "…"); only when none fits is the shortest elided. The tooltip has it all."""
    from PySide6.QtGui import QFontMetricsF

    from convgui.ui.image_panel import PanelTitle

    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    title = PanelTitle("Output", view.font())
    view.addItem(title)
    full = "Output  64×64×3  ·  diverging per channel (0 = grey)  ·  2 NaN/inf"
    shorter = ("Output  64×64×3  ·  diverging per channel  ·  2 NaN/inf",
               "Output  64×64×3  ·  2 NaN/inf")
    title.set_title(full, shorter=shorter)
    metrics = QFontMetricsF(title.item.font())
    margin = 2 * title.item.document().documentMargin()

    def shown_at(room: float) -> str:  # (as HTML, the runs of spaces are one)
        title.resize(room + margin, title.size().height())
        return title.item.toPlainText()

    def spaced(text: str) -> str:
        return " ".join(text.split())

    assert shown_at(metrics.horizontalAdvance(full) + 4) == spaced(full)
    assert title.toolTip() == ""
    assert shown_at(metrics.horizontalAdvance(shorter[0]) + 4) == spaced(shorter[0])
    assert shown_at(metrics.horizontalAdvance(full) - 4) == spaced(shorter[0])
    assert shown_at(metrics.horizontalAdvance(shorter[1]) + 4) == spaced(shorter[1])
    assert title.toolTip() == full and title.text == full
    tiny = shown_at(metrics.horizontalAdvance(shorter[1]) / 2)
    assert tiny.endswith("…") and tiny.startswith("Output")
