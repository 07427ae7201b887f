"""Numbers on the classroom tabs' small maps and the exact value under the mouse on every map.

Every expected number is computed here by hand (explicit loops over the taps), never read
from the engine or the widgets.
"""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QFont, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from convgui import kernels
from convgui.settings import Settings
from convgui.ui.classroom.channels_view import ChannelsView
from convgui.ui.classroom.filter_bank import FilterBank
from convgui.ui.classroom.layer_view import LayerView
from convgui.ui.classroom.map_tile import HoverReadout, MapTile
from convgui.ui.classroom.transposed_view import TransposedView
from convgui.ui.model import SettingsModel

MATRIX = np.array([[4, 7, 2], [1, 5, 9], [8, 3, 6]], dtype=np.float32)
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)  # right − left
SOBEL_Y = SOBEL_X.T.copy()  # below − above
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)
ZERO_SAME = {"padding": "same", "boundary": "constant", "cval": 0}


def _by_hand(image, kernel, flip):
    """Zero-padded 'same' 2-D correlation (``flip``: true convolution), odd kernels, as the
    textbook writes it: out[i, j] = Σ_a Σ_b x[i + a − ch, j + b − cw] · k'[a, b]."""
    k = np.asarray(kernel, dtype=np.float64)
    if flip:
        k = k[::-1, ::-1]
    kh, kw = k.shape
    ch, cw = kh // 2, kw // 2
    h, w = image.shape
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            total = 0.0
            for a in range(kh):
                for b in range(kw):
                    r, c = i + a - ch, j + b - cw
                    if 0 <= r < h and 0 <= c < w:
                        total += float(image[r, c]) * k[a, b]
            out[i, j] = total
    return out


def _texts(values):
    """The cell texts of whole numbers: a real minus sign, no decimals."""
    return [[f"{int(v)}".replace("-", "−") for v in row] for row in np.asarray(values)]


def _show(qtbot, widget, size=(1100, 640)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _ready(qtbot, panel):
    qtbot.waitUntil(panel.is_ready, timeout=5000)
    QApplication.processEvents()


def _hover(qtbot, tile, row, col):
    x, y = tile.canvas.cell_layout().cell_center(row, col)
    qtbot.mouseMove(tile.canvas, QPoint(int(x), int(y)))


def _classic_bank(qtbot, second, flip):
    """The filter bank on the 3×3 matrix with Sobel x (or ``second`` for the first filter)
    and the 4-neighbour Laplacian, merged by sum."""
    bank = FilterBank(SettingsModel(Settings(flip=flip, **ZERO_SAME)))
    _show(qtbot, bank)
    bank.remove_filter(1 if second == "sobel-x" else 0)  # keep the Sobel asked for
    bank._add_library("laplacian-4")
    bank.set_merge_mode("sum")
    bank.set_image(MATRIX, (0.0, 9.0))
    _ready(qtbot, bank)
    return bank


# --------------------------------------------------------------------------- filter bank


def test_the_library_kernels_have_the_signs_this_file_uses():
    np.testing.assert_array_equal(kernels.get("sobel-x").kernel(), SOBEL_X)
    np.testing.assert_array_equal(kernels.get("sobel-y").kernel(), SOBEL_Y)
    np.testing.assert_array_equal(kernels.get("laplacian-4").kernel(), LAPLACIAN)


def test_classic_exercise_draws_the_merged_numbers(qtbot):
    """Sobel x + Laplacian, true convolution, zero 'same' padding of [[4,7,2],[1,5,9],[8,3,6]]."""
    bank = _classic_bank(qtbot, "sobel-x", flip=True)
    assert [name for name, _, _ in bank.filters()] == ["Sobel x", "Laplacian (4-neighbour)"]
    sobel = _by_hand(MATRIX, SOBEL_X, flip=True)
    laplacian = _by_hand(MATRIX, LAPLACIAN, flip=True)
    merged = sobel + laplacian
    # worked on paper: the centre is 4·1 + 2·(−1) + 1·2 + 9·(−2) + 8·1 + 6·(−1) = −12 for
    # the flipped Sobel x and 7 + 1 + 9 + 3 − 4·5 = 0 for the Laplacian
    np.testing.assert_array_equal(merged, [[-27, -21, 27], [-7, -12, -3], [-39, 3, -1]])
    assert bank.merged_tile.number_texts() == _texts(merged)
    assert bank.map_grid.tiles()[0].number_texts() == _texts(sobel)
    assert bank.map_grid.tiles()[1].number_texts() == _texts(laplacian)
    assert bank.merged_tile.title.text().startswith("<b>Merged (sum)</b> 3×3")


def test_the_issue_figures_are_sobel_y_plus_laplacian_under_correlation(qtbot):
    """Issue 13 quotes −1 3 31 / 17 0 −19 / −35 −13 −35 for "Sobel + Laplacian": those are the
    numbers of Sobel y (below − above) + Laplacian under cross-correlation."""
    bank = _classic_bank(qtbot, "sobel-y", flip=False)
    assert [name for name, _, _ in bank.filters()] == ["Sobel y", "Laplacian (4-neighbour)"]
    merged = _by_hand(MATRIX, SOBEL_Y, flip=False) + _by_hand(MATRIX, LAPLACIAN, flip=False)
    np.testing.assert_array_equal(merged, [[-1, 3, 31], [17, 0, -19], [-35, -13, -35]])
    assert bank.merged_tile.number_texts() == [["−1", "3", "31"], ["17", "0", "−19"],
                                               ["−35", "−13", "−35"]]


def test_hovering_a_map_reads_out_its_exact_value(qtbot):
    bank = _classic_bank(qtbot, "sobel-x", flip=True)
    tile = bank.merged_tile
    assert bank.readout.text() == HoverReadout.PROMPT
    _hover(qtbot, tile, 1, 2)
    assert tile.hover_text() == "(1, 2): −3"
    assert bank.readout.text() == "Merged (sum) · (1, 2): −3"
    _hover(qtbot, bank.map_grid.tiles()[0], 2, 0)  # the Sobel x map
    assert bank.readout.text() == "Sobel x · (2, 0): −11"
    # the tooltip says the same
    x, y = (int(v) for v in tile.canvas.cell_layout().cell_center(0, 2))
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, y), tile.canvas.mapToGlobal(QPoint(x, y)))
    QApplication.sendEvent(tile.canvas, event)
    assert QToolTip.text() == "(0, 2): 27"
    QToolTip.hideText()
    # off the map (the tile is taller than the square map) and out of the tile: no read-out
    layout = tile.canvas.cell_layout()
    qtbot.mouseMove(tile.canvas, QPoint(int(layout.left + 5), int(layout.top) - 5))
    assert tile.hover_text() == "" and bank.readout.text() == HoverReadout.PROMPT
    _hover(qtbot, tile, 2, 2)
    assert bank.readout.text() == "Merged (sum) · (2, 2): −1"
    QApplication.sendEvent(tile.canvas, QEvent(QEvent.Type.Leave))
    assert tile.hover_text() == "" and bank.readout.text() == HoverReadout.PROMPT


def test_cells_are_square_centred_and_drawn_without_filler(qtbot):
    bank = _classic_bank(qtbot, "sobel-x", flip=True)
    canvas = bank.merged_tile.canvas
    assert canvas.height() > canvas.width() * 1.2 or canvas.width() > canvas.height() * 1.2, \
        "the test needs a tile that is not square"
    image = canvas.grab().toImage()
    window = canvas.palette().color(canvas.backgroundRole())
    inside = [(x, y) for y in range(image.height()) for x in range(image.width())
              if image.pixelColor(x, y) != window]
    xs, ys = [p[0] for p in inside], [p[1] for p in inside]
    width, height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    assert abs(width - height) <= 2  # a 3×3 map of square cells is square
    assert abs((min(xs) + max(xs)) / 2 - canvas.width() / 2) <= 2
    assert abs((min(ys) + max(ys)) / 2 - canvas.height() / 2) <= 2
    # the cell colours: cell (2, 0) = −39 is the deepest blue, and its number is drawn in it
    layout = canvas.cell_layout()
    cx, cy = layout.cell_center(2, 0)
    x0, y0, side, _ = layout.cell_rect(2, 0)
    fill = image.pixelColor(int(x0) + 2, int(y0) + 2)
    assert fill.blue() > fill.red() + 60
    text_pixels = [image.pixelColor(x, y) for y in range(int(cy - side / 4), int(cy + side / 4))
                   for x in range(int(cx - side / 3), int(cx + side / 3))]
    assert sum(p.lightness() > fill.lightness() + 80 for p in text_pixels) > 10  # light text


def test_numbers_follow_the_widget_font(qtbot):
    tile = _show(qtbot, MapTile("m"), size=(420, 420))
    tile.set_map(np.array([[1.0, -2.0], [30.0, 4.5]]), name="m")
    normal = tile.canvas.number_font().pointSizeF()
    big = QFont(tile.font())
    big.setPointSizeF(big.pointSizeF() * 1.5)
    tile.setFont(big)  # as presentation mode does through the application font
    assert tile.canvas.number_font().pointSizeF() > normal * 1.2
    assert tile.number_texts() == [["1", "−2"], ["30", "4.5"]]


def test_large_maps_show_no_numbers_but_read_out_every_value(qtbot):
    bank = FilterBank(SettingsModel(Settings(**ZERO_SAME)))
    _show(qtbot, bank, size=(900, 500))
    image = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) % 251
    bank.set_image(image, (0.0, 255.0))
    _ready(qtbot, bank)
    tile = bank.merged_tile
    assert tile.number_texts() is None  # 64 cells a side do not hold numbers here
    by_hand = np.hypot(_by_hand(image, SOBEL_X, False), _by_hand(image, SOBEL_Y, False))
    assert tile.value_text_at(10, 20) == f"(10, 20): {by_hand[10, 20]:.6g}"
    assert tile.value_text_at(64, 0) == ""


# ----------------------------------------------------------------------------- channels


def test_channels_rgb_example_shows_its_numbers_and_pixel_read_outs(qtbot):
    red = [[20, 0, 10, 30], [10, 30, 0, 20], [0, 10, 20, 10], [30, 20, 10, 0]]
    green = [[30, 10, 0, 20], [0, 20, 10, 10], [20, 0, 10, 30], [10, 10, 20, 0]]
    blue = [[45, 20, 10, 10], [10, 0, 20, 0], [10, 10, 0, 20], [20, 0, 10, 10]]
    image = np.stack([red, green, blue], axis=2).astype(np.float32)
    diagonal = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    view = ChannelsView(SettingsModel(Settings(kernel=diagonal, **ZERO_SAME)))
    _show(qtbot, view)
    view.set_image(image, (0.0, 255.0))
    _ready(qtbot, view)
    for c, plane in enumerate((red, green, blue)):
        assert view._input_tiles[c].number_texts() == _texts(plane)
    per_channel = [_by_hand(image[:, :, c], np.array(diagonal), False) for c in range(3)]
    for c in range(3):
        assert view._result_tiles[c].number_texts() == _texts(per_channel[c])
    layer = sum(per_channel)  # the default layer: every slice the kernel, bias 0
    # output (0, 0): the diagonal's taps (0, 0) and (1, 1) of each channel (the third is padding)
    assert layer[0, 0] == (20 + 30) + (30 + 20) + (45 + 0)
    assert view._output_tiles[0].number_texts() == _texts(layer)

    _hover(qtbot, view._input_tiles[0], 0, 0)
    assert view._input_tiles[0].hover_text() == "(0, 0): (20, 30, 45)"
    assert view.readout.text() == "R · (0, 0): (20, 30, 45)"
    _hover(qtbot, view._result_tiles[2], 1, 2)
    expected = tuple(int(per_channel[c][1, 2]) for c in range(3))
    assert view.readout.text() == "B ∗ kernel · (1, 2): ({}, {}, {})".format(*expected)
    _hover(qtbot, view._output_tiles[0], 3, 3)
    assert view.readout.text() == f"Map 1 (filter 1) · (3, 3): {int(layer[3, 3])}"


# -------------------------------------------------------------------------------- layer


def test_layer_max_pool_result_shows_its_numbers(qtbot):
    image = np.array([[3, 9, 0, 4], [7, 1, 8, 2], [5, 6, 2, 9], [0, 4, 7, 1]], np.float32)
    view = LayerView(SettingsModel(Settings(kernel=tuple(map(tuple, LAPLACIAN.astype(int))),
                                            **ZERO_SAME)))
    _show(qtbot, view)
    view.set_activation("relu")
    view.set_pooling("max", 2, 2)
    view.set_image(image, (0.0, 255.0))
    _ready(qtbot, view)
    conv = _by_hand(image, LAPLACIAN, False)
    relu = np.maximum(conv, 0)
    pooled = np.array([[relu[2 * i:2 * i + 2, 2 * j:2 * j + 2].max() for j in range(2)]
                       for i in range(2)])
    assert view.conv_tile.number_texts() == _texts(conv)
    assert view.act_tile.number_texts() == _texts(relu)
    assert view.pool_tile.number_texts() == _texts(pooled)
    _hover(qtbot, view.pool_tile, 1, 0)
    assert view.readout.text() == f"max pooling 2×2, stride 2 · (1, 0): {int(pooled[1, 0])}"


# --------------------------------------------------------------------------- transposed


def test_transposed_maps_show_the_stamp_counts(qtbot):
    view = TransposedView(SettingsModel(Settings(kernel=((1, 1, 1),) * 3)))
    _show(qtbot, view, size=(1300, 760))
    view.set_constant_input(True)
    view.set_params(stride=2)
    view.set_image(np.zeros((8, 8), np.float32), (0.0, 255.0))
    _ready(qtbot, view)
    stamps = np.zeros((17, 17))  # every input pixel stamps the 3×3 ones kernel 2 px apart
    for i in range(8):
        for j in range(8):
            stamps[2 * i:2 * i + 3, 2 * j:2 * j + 3] += 1
    assert view.input_panel.number_texts() == _texts(np.ones((8, 8)))
    assert view.output_panel.number_texts() == _texts(stamps)
    _hover(qtbot, view.output_panel, 2, 2)
    assert view.readout.text().endswith("· (2, 2): 4")


@pytest.mark.parametrize("font_scale", [1.0, 1.5])
def test_text_colour_contrasts_with_every_cell(qtbot, font_scale):
    tile = _show(qtbot, MapTile("m"), size=(480, 480))
    font = QFont(tile.font())
    font.setPointSizeF(font.pointSizeF() * font_scale)
    tile.setFont(font)
    values = np.array([[-50.0, -20.0, 0.0], [10.0, 25.0, 50.0], [-5.0, 5.0, 40.0]])
    tile.set_map(values, name="m")
    image = tile.canvas.grab().toImage()
    layout = tile.canvas.cell_layout()
    for r in range(3):
        for c in range(3):
            x0, y0, side, _ = layout.cell_rect(r, c)
            fill = image.pixelColor(int(x0) + 2, int(y0) + 2)
            pixels = [image.pixelColor(x, y)
                      for y in range(int(y0 + side / 4), int(y0 + 3 * side / 4))
                      for x in range(int(x0 + 4), int(x0 + side - 4))]
            ink = max(pixels, key=lambda p: abs(_luma(p) - _luma(fill)))
            assert abs(_luma(ink) - _luma(fill)) > 100, (r, c, fill.name(), ink.name())


def _luma(color: QColor) -> float:
    return 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
