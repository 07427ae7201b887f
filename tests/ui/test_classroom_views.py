"""Classroom views, part 1: the filter bank and the channels/CNN view.

Every expected number is computed here with NumPy or convgui.engine, never read from the
widget's own helpers.
"""

import numpy as np
import pytest

from convgui import kernels
from convgui.engine import LUMA_WEIGHTS, convolve2d, merge
from convgui.render import prepare_map
from convgui.settings import Settings
from convgui.ui.classroom.channels_view import ChannelsView
from convgui.ui.classroom.filter_bank import FilterBank
from convgui.ui.classroom.map_tile import MapTile
from convgui.ui.model import SettingsModel

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
SOBEL_Y = SOBEL_X.T.copy()
GEOMETRY = ("padding", "stride", "dilation", "boundary", "cval", "flip")


def _image(shape, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random(shape) * 255).astype(np.float32)


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


def _wait(qtbot, widget):
    qtbot.waitUntil(widget.is_ready, timeout=5000)


# -------------------------------------------------------------------------- filter bank


def test_filter_bank_starts_with_sobel_magnitude(qtbot):
    img = _image((30, 41))
    bank, model = _make(qtbot, FilterBank, img)
    names = [name for name, _, _ in bank.filters()]
    assert names == ["Sobel x", "Sobel y"]
    np.testing.assert_array_equal(bank.filters()[0][1], SOBEL_X)
    np.testing.assert_array_equal(bank.filters()[1][1], SOBEL_Y)
    assert bank.merge_mode() == "magnitude"
    geo = _geo(model.settings)
    gx = convolve2d(img, SOBEL_X, **geo)
    gy = convolve2d(img, SOBEL_Y, **geo)
    maps = bank.feature_maps()
    np.testing.assert_array_equal(maps[0], gx)
    np.testing.assert_array_equal(maps[1], gy)
    np.testing.assert_allclose(bank.merged(), merge([gx, gy], "magnitude"), rtol=1e-6)
    by_hand = np.sqrt(gx.astype(np.float64) ** 2 + gy.astype(np.float64) ** 2)
    np.testing.assert_allclose(bank.merged(), by_hand, rtol=1e-5, atol=1e-3)


def test_filter_bank_uses_luma_of_rgb_and_follows_the_model_geometry(qtbot):
    img = _image((24, 30, 3), seed=1)
    bank, model = _make(qtbot, FilterBank, img)
    model.edit("geometry", padding="valid", stride=(2, 2), boundary="edge")
    _wait(qtbot, bank)
    plane = (img.astype(np.float64) @ np.asarray(LUMA_WEIGHTS)).astype(np.float32)
    geo = _geo(model.settings)
    gx = convolve2d(plane, SOBEL_X, **geo)
    assert bank.feature_maps()[0].shape == (11, 14)
    np.testing.assert_allclose(bank.feature_maps()[0], gx, rtol=1e-5, atol=1e-3)


def test_weighted_sum_uses_the_weights(qtbot):
    img = _image((20, 25), seed=2)
    bank, model = _make(qtbot, FilterBank, img)
    bank.set_merge_mode("weighted")
    bank.set_weight(0, 2.0)
    bank.set_weight(1, -0.5)
    _wait(qtbot, bank)
    geo = _geo(model.settings)
    gx = convolve2d(img, SOBEL_X, **geo).astype(np.float64)
    gy = convolve2d(img, SOBEL_Y, **geo).astype(np.float64)
    np.testing.assert_allclose(bank.merged(), 2.0 * gx - 0.5 * gy, rtol=1e-5, atol=1e-3)
    assert [w for _, _, w in bank.filters()] == [2.0, -0.5]
    for mode, expected in (("sum", gx + gy), ("mean", (gx + gy) / 2),
                           ("max", np.maximum(gx, gy))):
        bank.set_merge_mode(mode)
        _wait(qtbot, bank)
        np.testing.assert_allclose(bank.merged(), expected, rtol=1e-5, atol=1e-3)
    with pytest.raises(ValueError):
        bank.set_merge_mode("median")


def test_add_remove_and_reorder_filters(qtbot):
    img = _image((16, 18), seed=3)
    bank, model = _make(qtbot, FilterBank, img)
    box = np.ones((3, 3)) / 9
    bank.add_filter("Box", box, weight=3.0)
    bank.move_filter(2, -2)  # to the top
    _wait(qtbot, bank)
    assert [n for n, _, _ in bank.filters()] == ["Box", "Sobel x", "Sobel y"]
    assert bank.table.rowCount() == 3
    geo = _geo(model.settings)
    np.testing.assert_allclose(bank.feature_maps()[0], convolve2d(img, box, **geo), rtol=1e-6)
    bank.move_filter(0, 5)  # clamped to the end
    bank.remove_filter(0)
    _wait(qtbot, bank)
    assert [(n, w) for n, _, w in bank.filters()] == [("Sobel y", 1.0), ("Box", 3.0)]
    assert len(bank.feature_maps()) == 2
    np.testing.assert_allclose(bank.feature_maps()[0], convolve2d(img, SOBEL_Y, **geo))
    with pytest.raises(IndexError):
        bank.remove_filter(7)
    with pytest.raises(ValueError):
        bank.add_filter("bad", np.array([[np.nan]]))
    bank.remove_filter(0)
    bank.remove_filter(0)
    _wait(qtbot, bank)
    assert bank.feature_maps() is None and bank.merged() is None


def test_add_current_library_and_preset_kernels(qtbot):
    grid = ((1, 2, 1), (0, 0, 0), (-1, -2, -1))
    bank, model = _make(qtbot, FilterBank, _image((12, 12)),
                        Settings(kernel=grid, divisor=4))
    assert bank.add_current_kernel() == "Custom 3×3"
    np.testing.assert_array_equal(bank.filters()[-1][1], np.array(grid) / 4)
    bank._add_library("gaussian-3")
    assert bank.filters()[-1][0] == "Gaussian 3×3"
    np.testing.assert_array_equal(bank.filters()[-1][1], kernels.get("gaussian-3").kernel())
    bank._fill_preset_menu()
    actions = [a for a in bank.preset_menu.actions() if a.isEnabled()]
    assert actions, "the built-in presets are listed"
    actions[0].trigger()
    assert len(bank.filters()) == 5 and bank.filters()[-1][0] == actions[0].text()
    _wait(qtbot, bank)
    assert len(bank.feature_maps()) == 5


def test_filters_take_the_name_of_their_kernel(qtbot):
    from convgui.presets import PresetStore

    bank, model = _make(qtbot, FilterBank, _image((12, 12)))
    model.set(Settings(kernel=((-1, -2, -1), (0, 0, 0), (1, 2, 1))), "load Sobel y")
    assert bank.add_current_kernel() == "Sobel y #2"  # the bank already has a Sobel y
    typed = ((1 / 16, 1 / 8, 1 / 16), (1 / 8, 1 / 4, 1 / 8), (1 / 16, 1 / 8, 1 / 16))
    model.set(Settings(kernel=typed), "type a Gaussian")
    assert bank.add_current_kernel() == "Gaussian 3×3"
    model.set(Settings(kernel=((1, 2, 3), (4, 5, 6), (7, 8, 9))), "type")
    assert bank.add_current_kernel() == "Custom 3×3"
    assert bank.add_current_kernel() == "Custom 3×3 #2"
    model.set(Settings(kernel=tuple((1,) * 5 for _ in range(5)), divisor=7), "type 5×5")
    assert bank.add_current_kernel() == "Custom 5×5"
    store = PresetStore()
    kirsch = store.get("Kirsch compass (north)")  # a kernel-only preset, not in the library
    model.set(kirsch.apply_to(Settings()), "preset")
    assert bank.add_current_kernel() == "Kirsch compass (north)"
    zero = store.get("Box blur 9×9, zero padding")  # a preset with all the settings
    model.set(zero.apply_to(Settings()), "preset")
    assert bank.add_current_kernel() == "Box blur 9×9, zero padding"
    model.edit("boundary", boundary="wrap")  # now exactly the other 9×9 box preset
    assert bank.add_current_kernel() == "Box blur 9×9, wrap-around boundary"
    model.edit("stride", stride=(2, 2))  # no preset's settings: the kernel has no name
    assert bank.add_current_kernel() == "Custom 9×9"
    assert [n for n, _, _ in bank.filters()] == [
        "Sobel x", "Sobel y", "Sobel y #2", "Gaussian 3×3", "Custom 3×3", "Custom 3×3 #2",
        "Custom 5×5", "Kirsch compass (north)", "Box blur 9×9, zero padding",
        "Box blur 9×9, wrap-around boundary", "Custom 9×9"]
    assert bank.table.item(4, 0).text() == "Custom 3×3  (3×3)"
    model.set(Settings(kernel=((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))), "load Sobel x")
    assert bank.replace_with_current_kernel(0) == "Sobel x"  # its own name is not taken
    assert bank.replace_with_current_kernel(1) == "Sobel x #2"
    np.testing.assert_array_equal(bank.filters()[1][1], SOBEL_X)


def test_feature_map_header_follows_the_filter_list(qtbot):
    bank, model = _make(qtbot, FilterBank)
    assert "2 filters: open an image" in bank.maps_label.text()
    bank.set_image(_image((12, 14)), (0.0, 255.0))
    _wait(qtbot, bank)
    assert bank.maps_label.text().endswith("2 filters on the image → 2 maps of 12×14")
    bank.remove_filter(0)
    _wait(qtbot, bank)
    assert bank.maps_label.text().endswith("1 filter on the image → 1 map of 12×14")
    bank.remove_filter(0)
    _wait(qtbot, bank)
    header = bank.maps_label.text()
    assert header == "<b>Feature maps</b> — no filters: add one on the left"
    assert bank.merged_tile.canvas.text() == "add a filter"
    assert bank.merged_tile.title.text() == "<b>Merged</b>"
    bank._add_library("box-3")
    _wait(qtbot, bank)
    assert bank.maps_label.text().endswith("1 filter on the image → 1 map of 12×14")
    bank.set_image(_image((9, 10, 3)), (0.0, 255.0))
    _wait(qtbot, bank)
    assert bank.maps_label.text().endswith("1 filter on the luma of the image → 1 map of 9×10")


def test_maps_of_different_shapes_cannot_be_merged(qtbot):
    bank, model = _make(qtbot, FilterBank, _image((20, 20)), Settings(padding="valid"))
    bank.add_filter("Box 5", np.ones((5, 5)) / 25)
    _wait(qtbot, bank)
    assert [m.shape for m in bank.feature_maps()] == [(18, 18), (18, 18), (16, 16)]
    assert bank.merged() is None
    assert "differ in shape" in bank.merged_tile.canvas.text()


# ----------------------------------------------------------------------------- channels


def test_per_channel_results_follow_the_model_kernel(qtbot):
    img = _image((22, 26, 3), seed=4)
    settings = Settings(kernel=((0, -1, 0), (-1, 5, -1), (0, -1, 0)), padding="valid",
                        stride=(1, 2), boundary="wrap")
    view, model = _make(qtbot, ChannelsView, img, settings)
    kernel = model.settings.kernel_array()
    results = view.per_channel_results()
    assert len(results) == 3
    for c in range(3):
        np.testing.assert_array_equal(results[c], convolve2d(img[:, :, c], kernel,
                                                             **_geo(model.settings)))
    # the default layer: one filter whose three slices are the model's kernel
    weights, bias = view.filters_and_bias()
    assert weights.shape == (1, 3, 3, 3) and list(bias) == [0.0]
    for c in range(3):
        np.testing.assert_array_equal(weights[0, :, :, c], kernel)
    expected = sum(results[c].astype(np.float64) for c in range(3))
    np.testing.assert_allclose(view.layer_output()[:, :, 0], expected, rtol=1e-5, atol=1e-3)


def test_cnn_layer_sums_the_channel_slices_plus_bias(qtbot):
    img = _image((18, 21, 3), seed=5)
    view, model = _make(qtbot, ChannelsView, img, Settings(padding="valid", stride=(2, 2)))
    rng = np.random.default_rng(6)
    weights = rng.normal(size=(2, 3, 3, 3))
    bias = [1.5, -20.0]
    view.set_filters(weights, bias)
    _wait(qtbot, view)
    out = view.layer_output()
    assert out.shape == (8, 10, 2)
    geo = _geo(model.settings)
    for k in range(2):
        expected = sum(
            convolve2d(img[:, :, c], weights[k, :, :, c], **geo).astype(np.float64)
            for c in range(3)) + bias[k]
        np.testing.assert_allclose(out[:, :, k], expected, rtol=1e-5, atol=1e-3)
    assert view.shape_text() == "18×21×3 → 8×10×2"
    assert view.k_spin.value() == 2 and len(view._output_tiles) == 2
    with pytest.raises(ValueError):
        view.set_filters(np.ones((1, 3, 3, 1)))  # one slice for an RGB image


def test_editing_a_slice_cell_changes_only_that_slice(qtbot):
    img = _image((14, 15, 3), seed=7)
    view, model = _make(qtbot, ChannelsView, img)
    before, _ = view.filters_and_bias()
    view.set_slice_value(0, 1, 0, 2, 5.0)  # filter 1, G slice, row 0, column 2
    view._editor_tables[0][2].item(1, 1).setText("−3/2")  # typed: B slice centre
    view._editor_tables[0][0].item(0, 0).setText("oops")  # rejected, cell restored
    _wait(qtbot, view)
    after, _ = view.filters_and_bias()
    changed = np.argwhere(after != before)
    assert sorted(map(tuple, changed)) == [(0, 0, 2, 1), (0, 1, 1, 2)]
    assert after[0, 0, 2, 1] == 5.0 and after[0, 1, 1, 2] == -1.5
    assert view._editor_tables[0][0].item(0, 0).text() == "0"
    geo = _geo(model.settings)
    expected = sum(convolve2d(img[:, :, c], after[0, :, :, c], **geo).astype(np.float64)
                   for c in range(3))
    np.testing.assert_allclose(view.layer_output()[:, :, 0], expected, rtol=1e-5, atol=1e-3)


def test_filter_count_and_kernel_changes(qtbot):
    img = _image((12, 13, 3), seed=8)
    view, model = _make(qtbot, ChannelsView, img)
    view.k_spin.setValue(3)
    _wait(qtbot, view)
    assert view.layer_output().shape == (12, 13, 3)
    assert view.shape_text() == "12×13×3 → 12×13×3"
    model.edit("kernel", kernel=((1, 1), (1, 1)), divisor=4)
    _wait(qtbot, view)
    weights, bias = view.filters_and_bias()
    assert weights.shape == (3, 2, 2, 3) and np.all(weights == 0.25) and bias.shape == (3,)
    view.k_spin.setValue(1)
    _wait(qtbot, view)
    assert view.layer_output().shape[2] == 1


def test_grey_image_is_one_channel(qtbot):
    img = _image((10, 11), seed=9)
    view, model = _make(qtbot, ChannelsView, img)
    assert view.channels() == 1
    assert "one channel" in view.note.text()
    assert len(view.per_channel_results()) == 1
    assert view.filters_and_bias()[0].shape == (1, 3, 3, 1)
    assert view.layer_output().shape == (10, 11, 1)
    assert view.shape_text() == "10×11×1 → 10×11×1"
    assert not view._input_tiles[1].isVisibleTo(view)


# ------------------------------------------------------------------------------- tiles


def test_map_tiles_show_signed_maps_in_diverging_colours(qtbot):
    data = np.zeros((3000, 40))
    data[:, :10] = -50.0
    data[:, 30:] = 80.0
    data[0, 0] = -1000.0  # one outlier does not set the scale
    shown = prepare_map(data)
    assert shown.signed and shown.rgb.shape == (1000, 14, 3)  # subsampled for display
    assert (shown.low, shown.high) == (-1000.0, 80.0)
    assert shown.scale == pytest.approx(80.0)
    blue, white, red = shown.rgb[5, 1], shown.rgb[5, 6], shown.rgb[5, 12]
    assert blue[2] > blue[0] and red[0] > red[2] and white.min() > 200
    tile = MapTile("test")
    qtbot.addWidget(tile)
    tile.set_map(shown, name="signed")
    assert tile.data() is data
    assert "−1000 … 80" in tile.title.text() and "blue −80 … red +80" in tile.title.text()
    plain = prepare_map(np.array([[0.0, 2.0], [4.0, 8.0]]))
    assert not plain.signed and plain.rgb[0, 0].tolist() == [0, 0, 0]


def test_hidden_panel_waits_until_shown(qtbot):
    """In the main window's tabs a hidden panel does not compute on every edit."""
    from convgui.ui.classroom.filter_bank import FilterBank
    from convgui.ui.model import SettingsModel

    model = SettingsModel()
    bank = FilterBank(model)
    bank.follow_when_hidden = False
    qtbot.addWidget(bank)
    bank.set_image(np.arange(64, dtype=np.float32).reshape(8, 8), (0, 63))
    qtbot.wait(50)
    assert bank.merged() is None and not bank.task_running()
    bank.show()
    qtbot.waitUntil(bank.is_ready, timeout=5000)
    assert bank.merged() is not None
    bank.close()


def test_a_result_computed_before_a_filter_was_added_is_drawn_with_its_own_names(
        qtbot, monkeypatch):
    """A job's result can arrive after a filter was added but before the new job starts (its
    timer has not fired yet): the maps are captioned with the names of the filters they were
    computed from, and the next job draws every filter."""
    import threading

    from PySide6.QtCore import QCoreApplication, QEvent, Qt

    from convgui.ui.classroom import filter_bank

    img = _image((10, 12), seed=5)
    bank, model = _make(qtbot, FilterBank, img)
    started, release, emitted = threading.Event(), threading.Event(), threading.Event()
    real = filter_bank.bank_maps

    def held(*args):
        started.set()
        release.wait(5)
        return real(*args)

    monkeypatch.setattr(filter_bank, "bank_maps", held)
    bank._task.finishedOk.connect(lambda *_: emitted.set(), Qt.ConnectionType.DirectConnection)
    bank.set_weight(0, 2.0)  # a job for the two Sobel filters
    qtbot.waitUntil(started.is_set, timeout=5000)
    box = np.ones((3, 3)) / 9
    bank.add_filter("Box", box)  # its job waits for the event loop's next turn
    release.set()
    assert emitted.wait(5)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall.value)  # the result, no timer
    assert [tile.name() for tile in bank.map_grid.tiles()] == ["Sobel x", "Sobel y"]
    assert len(bank.feature_maps()) == 2
    _wait(qtbot, bank)
    assert [tile.name() for tile in bank.map_grid.tiles()] == ["Sobel x", "Sobel y", "Box"]
    np.testing.assert_allclose(bank.feature_maps()[2],
                               convolve2d(img, box, **_geo(model.settings)), rtol=1e-6)
