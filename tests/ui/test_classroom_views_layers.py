"""Classroom views, part 2: layer (activation, pooling, shape chain), transposed convolution,
frequency response, and clean shutdown of every view's worker thread."""

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from convgui import kernels
from convgui.engine import conv_transpose2d, convolve2d
from convgui.settings import Settings
from convgui.ui.classroom.channels_view import ChannelsView
from convgui.ui.classroom.filter_bank import FilterBank
from convgui.ui.classroom.frequency_view import FrequencyView
from convgui.ui.classroom.layer_view import LayerView
from convgui.ui.classroom.transposed_view import TransposedView
from convgui.ui.model import SettingsModel

GEOMETRY = ("padding", "stride", "dilation", "boundary", "cval", "flip")


def _image(shape, seed=0):
    return (np.random.default_rng(seed).random(shape) * 255).astype(np.float32)


def _geo(settings):
    kwargs = settings.engine_kwargs()
    return {k: kwargs[k] for k in GEOMETRY}


def _make(qtbot, cls, image=None, settings=None):
    model = SettingsModel(settings or Settings())
    widget = cls(model)
    qtbot.addWidget(widget)
    if image is not None:
        widget.set_image(image, (0.0, 255.0))
        qtbot.waitUntil(widget.is_ready, timeout=5000)
    return widget, model


def _named(name, **extra):
    nk = kernels.get(name)
    return Settings(kernel=nk.grid.tolist(), divisor=nk.divisor, **extra)


# ------------------------------------------------------------------------------- layer


def test_relu_then_max_pool_matches_numpy(qtbot):
    img = _image((21, 26, 3), seed=1)
    view, model = _make(qtbot, LayerView, img, _named("sobel-x", padding="valid"))
    view.set_activation("relu")
    view.set_pooling("max", 2, 2)
    qtbot.waitUntil(view.is_ready, timeout=5000)
    conv, activated, pooled = view.stage_outputs()
    expected_conv = convolve2d(img, model.settings.kernel_array(), channels="sum",
                               **_geo(model.settings))
    np.testing.assert_array_equal(conv, expected_conv)
    relu = np.maximum(expected_conv, 0)
    np.testing.assert_array_equal(activated, relu)
    h, w = relu.shape[0] // 2 * 2, relu.shape[1] // 2 * 2  # 19×24 → 18×24
    by_hand = relu[:h, :w].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
    assert pooled.shape == (9, 12)
    np.testing.assert_array_equal(pooled, by_hand)


def test_abs_and_average_pooling_with_stride(qtbot):
    img = _image((16, 17), seed=2)
    view, model = _make(qtbot, LayerView, img, _named("laplacian-4"))
    view.set_activation("abs")
    view.set_pooling("avg", 3, 1)
    qtbot.waitUntil(view.is_ready, timeout=5000)
    conv, activated, pooled = view.stage_outputs()
    a = np.abs(convolve2d(img, model.settings.kernel_array(), **_geo(model.settings)))
    np.testing.assert_array_equal(activated, a)
    windows = np.lib.stride_tricks.sliding_window_view(a.astype(np.float64), (3, 3))
    np.testing.assert_allclose(pooled, windows.mean(axis=(2, 3)), rtol=1e-5)
    assert view.chain_text() == "16×17×1 → conv 16×(3×3×1), same → 16×17×16 → |x| → " \
                                "avg-pool 3×3, s1 → 14×15×16"


def test_chain_text_for_a_classic_layer(qtbot):
    img = np.zeros((128, 128, 3), dtype=np.float32)
    view, model = _make(qtbot, LayerView, img,
                        _named("sobel-x", padding="valid", stride=(2, 2)))
    view.set_filters(16)
    view.set_activation("relu")
    view.set_pooling("max", 2, 2)
    assert view.chain_text() == ("128×128×3 → conv 16×(3×3×3), s2 → 63×63×16 → ReLU → "
                                 "max-pool 2×2 → 31×31×16")
    assert view.params_label.text().startswith(
        "Parameters: 448 in total — 16 filters × (27 weights + 1 bias)")
    assert view.chain_table.rowCount() == 4
    assert view.chain_table.item(1, 3).text() == "⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63"
    model.edit("pad", padding=1)
    assert view.chain_text().startswith("128×128×3 → conv 16×(3×3×3), s2, p1 → 64×64×16")
    qtbot.waitUntil(view.is_ready, timeout=5000)
    assert view.stage_outputs()[0].shape == (64, 64)


def test_global_pooling_gives_one_number(qtbot):
    img = _image((15, 14, 3), seed=3)
    view, model = _make(qtbot, LayerView, img, _named("sharpen"))
    view.set_activation("none")
    for mode, reduce in (("global max", np.max), ("global avg", np.mean)):
        view.set_pooling(mode)
        qtbot.waitUntil(view.is_ready, timeout=5000)
        conv, activated, pooled = view.stage_outputs()
        np.testing.assert_array_equal(activated, conv)
        assert isinstance(pooled, float)
        assert pooled == pytest.approx(float(reduce(conv.astype(np.float64))), rel=1e-9)
        assert view.pool_tile.canvas.text().startswith(
            "global max =" if mode == "global max" else "global average =")
        assert view.chain_text().endswith(f"{mode}-pool → 1×1×16")


def test_shape_errors_are_shown_as_text(qtbot):
    view, model = _make(qtbot, LayerView, _image((8, 8)), Settings(padding="valid"))
    view.set_pooling("max", 8, 8)
    assert view.chain_text().startswith("step 3 (max-pool 8×8): pooling window 8 is larger")
    qtbot.waitUntil(view.is_ready, timeout=5000)
    assert view.stage_outputs() is None
    assert "pooling window 8" in view.pool_tile.canvas.text()


# -------------------------------------------------------------------------- transposed


def test_constant_input_shows_the_checkerboard(qtbot):
    view, model = _make(qtbot, TransposedView, _image((40, 40)), _named("box-3"))
    view.set_params(stride=2, padding=0, output_padding=0, dilation=1)
    view.set_constant_input(True)
    qtbot.waitUntil(view.is_ready, timeout=5000)
    out = view.output()
    assert out.shape == (17, 17)  # (8 − 1)·2 + 3
    # stamps per row/column: 1 1 2 1 2 1 … 2 1 1 — uneven overlap
    top_left = np.array([[1, 1, 2, 1, 2],
                         [1, 1, 2, 1, 2],
                         [2, 2, 4, 2, 4],
                         [1, 1, 2, 1, 2],
                         [2, 2, 4, 2, 4]]) / 9
    np.testing.assert_allclose(out[:5, :5], top_left, rtol=1e-6)
    inner = out[2:15, 2:15] * 9
    assert np.allclose(inner[::2, ::2], 4) and np.allclose(inner[1::2, 1::2], 1)
    assert np.allclose(inner[::2, 1::2], 2) and np.allclose(inner[1::2, ::2], 2)
    assert np.allclose(out[-2:, -2:] * 9, 1)
    forward, transposed = view.formula_texts()
    assert forward == "i = 17, k = 3, s = 2, p = 0 → o = ⌊(17 + 0 + 0 − 2 − 1)/2⌋ + 1 = 8"
    assert transposed == ("i′ = 8, k′ = 3, s′ = 2, p′ = 0 → "
                          "o′ = (8 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 17")
    assert forward in view.forward_label.text()


def test_transposed_upsamples_the_downscaled_image(qtbot):
    img = _image((130, 100, 3), seed=4)
    view, model = _make(qtbot, TransposedView, img, _named("gaussian-3"))
    view.set_params(stride=2, padding=1, output_padding=1, dilation=1)
    qtbot.waitUntil(view.is_ready, timeout=5000)
    source = view.input_patch()
    assert source.shape == (43, 33)  # blocks of 3×3 bring 130 to ≤ 64
    plane = img.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(source[0, 0], plane[:3, :3].mean(), rtol=1e-5)
    expected = conv_transpose2d(source, model.settings.kernel_array(), stride=2, padding=1,
                                output_padding=1)
    np.testing.assert_array_equal(view.output(), expected)
    assert view.output().shape == (86, 66)
    forward, transposed = view.formula_texts()
    assert forward.startswith("H: i = 86, k = 3, s = 2, p = 1 → o = ")
    assert "o′ = (43 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 86" in transposed


def test_transposed_errors_are_shown(qtbot):
    view, model = _make(qtbot, TransposedView, _image((20, 20)), _named("box-3"))
    view.set_constant_input(True)
    view.set_params(stride=1, padding=6)
    qtbot.waitUntil(view.is_ready, timeout=5000)
    assert view.output() is None
    assert "removes the whole output" in view.formula_texts()[1]
    assert "no output" in view.output_panel.title.text()
    assert "removes the whole output" in view.output_panel.toolTip()
    assert view.input_patch().shape == (8, 8)  # the input is still shown
    with pytest.raises(ValueError):
        view.set_params(stride=0)


# ---------------------------------------------------------------------------- frequency


def test_frequency_verdicts_and_response(qtbot):
    view, model = _make(qtbot, FrequencyView, settings=_named("box-3"))
    assert view.verdict().startswith("low-pass")
    model.set(_named("laplacian-4"))
    assert view.verdict().startswith("high-pass")
    model.set(_named("identity"))
    assert view.verdict().startswith("all-pass")
    model.set(_named("sobel-x"))
    padded = np.zeros((64, 64))
    padded[:3, :3] = kernels.get("sobel-x").kernel()
    np.testing.assert_allclose(view.response(), np.abs(np.fft.fftshift(np.fft.fft2(padded))),
                               atol=1e-12)
    assert view.response()[32, 32] == pytest.approx(0.0, abs=1e-12)
    view.set_image(_image((5, 5)), (0, 255))  # accepted, changes nothing
    assert view.is_ready()


# ----------------------------------------------------------------------------- threads


@pytest.mark.parametrize("cls", [FilterBank, ChannelsView, LayerView, TransposedView])
def test_closing_or_deleting_leaves_no_thread(qtbot, qtlog, cls):
    img = _image((64, 64, 3), seed=5)
    closed, _ = _make(qtbot, cls, img)
    assert closed.task_running()
    closed.close()
    assert not closed.task_running()
    closed.set_image(img, (0, 255))  # a closed view that is shown again still works
    qtbot.waitUntil(closed.is_ready, timeout=5000)
    closed.close()

    model = SettingsModel()
    doomed = cls(model)
    doomed.set_image(img, (0, 255))
    qtbot.waitUntil(doomed.task_running, timeout=5000)
    ended = []
    for task in doomed._tasks:
        task.finished.connect(lambda: ended.append(True), Qt.ConnectionType.DirectConnection)
    doomed.set_image(img * 0.5, (0, 255))  # a job may still be running when it goes
    QCoreApplication.processEvents()
    doomed.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert ended == [True] * len(ended) and len(ended) >= 1
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_frequency_view_has_no_thread(qtbot):
    view, _ = _make(qtbot, FrequencyView)
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_a_long_job_outlives_its_deleted_panel_safely(qtbot, qtlog, monkeypatch):
    import time

    from convgui.ui import tasks
    from convgui.ui.classroom import filter_bank

    real = filter_bank.bank_maps

    def slow(*args):
        time.sleep(0.8)
        return real(*args)

    monkeypatch.setattr(filter_bank, "bank_maps", slow)
    bank = FilterBank(SettingsModel())
    bank.set_image(_image((16, 16)), (0, 255))
    qtbot.waitUntil(bank.task_running, timeout=5000)
    QCoreApplication.processEvents()  # the job starts
    time.sleep(0.1)
    bank.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert tasks.orphan_count() == 1  # still busy: detached, not destroyed
    qtbot.waitUntil(lambda: tasks.orphan_count() == 0, timeout=5000)
    assert not [r for r in qtlog.records if "QThread" in r.message]


# ------------------------------------------------------------------------------- fonts


def test_texts_follow_the_application_font(qtbot):
    """Presentation mode enlarges the application font: the layer's shape chain, the
    transposed formulas and the channel slice labels grow with it (a label with a style sheet
    would keep its old size)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance()
    layer, _ = _make(qtbot, LayerView, _image((12, 12)))
    transposed, _ = _make(qtbot, TransposedView, _image((12, 12)))
    channels, _ = _make(qtbot, ChannelsView, _image((6, 6, 3)))
    slice_labels = [label for label in channels.editors.findChildren(QLabel)
                    if "slice" in label.text()]
    assert len(slice_labels) == 3
    original = QFont(app.font())
    big = QFont(original)
    big.setPointSizeF(original.pointSizeF() * 1.5)
    try:
        app.setFont(big)
        QCoreApplication.processEvents()
        for label in (layer.chain_label, transposed.forward_label, transposed.transposed_label,
                      *slice_labels):
            assert label.font().pointSizeF() == pytest.approx(big.pointSizeF())
    finally:
        app.setFont(original)
    assert layer.chain_text() in layer.chain_label.text()
