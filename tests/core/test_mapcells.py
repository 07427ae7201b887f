"""The cell arithmetic of the classroom map tiles (convgui.mapcells): square cells centred in
their area, the cell under a point, when numbers fit, and the text colour for a cell."""

import json
import subprocess
import sys

import numpy as np
import pytest

from convgui.mapcells import (
    CELL_PER_TEXT_HEIGHT,
    MAX_NUMBER_GROWTH,
    NUMBER_FONT_SCALES,
    fit_cells,
    light_text,
    number_font_scales,
    numbers_fit,
)


def test_a_small_map_gets_whole_pixel_square_cells_centred():
    layout = fit_cells(3, 3, 200, 100)  # 100/3 = 33.3 → 33 px cells, 99 px square
    assert (layout.cell, layout.width, layout.height) == (33.0, 99.0, 99.0)
    assert (layout.left, layout.top) == (50.0, 0.0)  # (200 − 99)/2 = 50.5 → 50
    assert layout.cell_rect(1, 2) == (50.0 + 66.0, 33.0, 33.0, 33.0)
    assert layout.cell_center(0, 0) == (66.5, 16.5)
    tall = fit_cells(2, 5, 100, 300)  # the width limits: 20 px cells, centred vertically
    assert (tall.cell, tall.left, tall.top) == (20.0, 0.0, 130.0)


@pytest.mark.parametrize("x, y, cell", [
    (50.0, 0.0, (0, 0)), (82.99, 32.99, (0, 0)), (83.0, 33.0, (1, 1)),
    (148.9, 98.9, (2, 2)), (149.0, 50.0, None), (49.9, 50.0, None), (60.0, 99.0, None),
    (float("nan"), 10.0, None),
])
def test_the_cell_under_a_point(x, y, cell):
    assert fit_cells(3, 3, 200, 100).cell_at(x, y) == cell


def test_a_large_map_gets_fractional_cells_and_every_point_maps_to_a_cell():
    layout = fit_cells(1000, 500, 100, 100)  # 0.1 px cells: 50 × 100 px, centred
    assert layout.cell == pytest.approx(0.1)
    assert (layout.left, layout.top) == (25.0, 0.0)
    assert layout.cell_at(25.0, 0.0) == (0, 0)
    assert layout.cell_at(74.99, 99.99) == (999, 499)
    with pytest.raises(ValueError):
        fit_cells(0, 3, 100, 100)


def test_numbers_fit_from_a_cell_of_1_4_text_heights():
    assert CELL_PER_TEXT_HEIGHT == 1.4
    assert numbers_fit(28.0, 20.0) and not numbers_fit(27.9, 20.0)
    assert not numbers_fit(100.0, 0.0)


def test_numbers_grow_in_large_cells_only():
    assert number_font_scales(30.0, 20.0) == NUMBER_FONT_SCALES == (1.0, 0.85, 0.7)
    assert number_font_scales(60.0, 20.0) == NUMBER_FONT_SCALES  # 3 text heights: no growth
    assert number_font_scales(90.0, 20.0) == (1.5, 1.0, 0.85, 0.7)
    assert number_font_scales(500.0, 20.0)[0] == MAX_NUMBER_GROWTH == 1.8


def test_light_text_on_dark_cells():
    cells = np.array([[[0, 0, 0], [255, 255, 255], [33, 102, 172]],  # black, white, deep blue
                      [[128, 128, 128], [200, 200, 200], [178, 24, 43]]])  # greys, deep red
    # luma 0.299 R + 0.587 G + 0.114 B: 0, 255, 89.4 / 128, 200, 72.3 — light text below 150
    np.testing.assert_array_equal(light_text(cells), [[True, False, True], [True, False, True]])
    with pytest.raises(ValueError):
        light_text(np.zeros((2, 2)))


def test_mapcells_does_not_import_qt():
    probe = "import convgui.mapcells, sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    loaded = json.loads(out)
    assert not [m for m in loaded if m.startswith(("PySide6", "shiboken6", "pyqtgraph"))]
