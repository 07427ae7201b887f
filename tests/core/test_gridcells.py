"""Tests for convgui.gridcells: the cells of a classroom number grid, headless. Expected values
are pixel arithmetic worked out by hand."""

from __future__ import annotations

import pytest

from convgui.gridcells import (
    CELL_PER_TEXT_HEIGHT,
    NUMBER_MARGIN,
    GridLayout,
    GridMarks,
    cell_tooltip,
    is_real,
    legible_side,
    moved_cell,
    number_box,
    number_scale,
    path_fits,
    rects_apart,
    value_text,
    weights_fit,
)

# 3 rows × 4 columns of 40 px cells right of a 20 px label column, under an 18 px label line
LAYOUT = GridLayout(rows=3, cols=4, side=40, header_width=20, header_height=18)


def test_cells_lie_right_of_and_under_the_labels():
    assert LAYOUT.cell_rect(0, 0) == (20, 18, 40, 40)
    assert LAYOUT.cell_rect(2, 3) == (20 + 3 * 40, 18 + 2 * 40, 40, 40)
    assert LAYOUT.size() == (20 + 4 * 40 + 4, 18 + 3 * 40 + 4)
    assert LAYOUT.contains((2, 3)) and not LAYOUT.contains((3, 0))
    assert not LAYOUT.contains((0, -1))


@pytest.mark.parametrize(("x", "y", "cell"), [
    (20, 18, (0, 0)), (59.9, 57.9, (0, 0)), (60, 58, (1, 1)), (179.9, 137.9, (2, 3)),
    (19.9, 50, None), (50, 17.9, None), (180, 50, None), (50, 138, None),
])
def test_the_cell_under_a_point(x, y, cell):
    assert LAYOUT.cell_at(x, y) == cell


def test_a_paint_area_covers_the_cells_it_meets():
    rows, cols = LAYOUT.cells_in(0, 0, 1000, 1000)
    assert (rows, cols) == (range(0, 3), range(0, 4))
    rows, cols = LAYOUT.cells_in(61, 59, 99, 97)  # inside cell (1, 1): x 60–99, y 58–97
    assert (rows, cols) == (range(1, 2), range(1, 2))
    rows, cols = LAYOUT.cells_in(100, 18, 140, 57)  # columns 2 and 3 (x 100 and 140) of row 0
    assert (rows, cols) == (range(0, 1), range(2, 4))


def test_real_cells_and_faded_cells():
    real = (1, 1, 2, 3)  # a 2×3 input inside a 4×5 padded grid
    assert is_real(real, 1, 1) and is_real(real, 2, 3)
    assert not is_real(real, 0, 1) and not is_real(real, 3, 3) and not is_real(real, 1, 4)
    marks = GridMarks(marked=frozenset({(2, 2)}), faded_after=5)  # 4 columns: (1, 1) is 5
    assert not marks.is_faded(1, 1, 4) and marks.is_faded(1, 2, 4)
    assert not marks.is_faded(2, 2, 4)  # marked cells are never faded
    assert not GridMarks().is_faded(9, 9, 4)


def test_moves_of_the_selection():
    real = (1, 1, 3, 2)  # a 3×2 input inside a 5×4 padded grid
    shape = (5, 4)
    assert moved_cell((1, 2), "tab", shape, real) == (2, 1)  # on to the next row
    assert moved_cell((3, 2), "enter", shape, real) == (3, 2)  # the last real cell stays
    assert moved_cell((3, 1), "enter", shape, real) == (1, 2)  # on to the next column
    assert moved_cell((1, 1), "backtab", shape, real) == (1, 1)  # the first stays
    assert moved_cell((4, 3), "tab", shape, real) == (3, 2)  # padding: the nearest real
    assert moved_cell((0, 0), "left", shape, real) == (0, 0)  # arrows stop at the edge
    assert moved_cell((0, 0), "down", shape, real) == (1, 0)  # and walk on padding
    assert moved_cell((2, 2), "", shape, real) == (2, 2)
    assert moved_cell((0, 0), "tab", shape, (0, 0, 0, 0)) == (0, 0)  # no real cell


def test_the_smallest_legible_side():
    assert CELL_PER_TEXT_HEIGHT == 1.6 and NUMBER_MARGIN == 6
    assert legible_side(20, 10) == 32  # 1.6 text heights
    assert legible_side(20, 30) == 36  # the widest number plus 6 px margin
    assert legible_side(13, 0) == 21  # ⌈20.8⌉


def test_the_numbers_grow_with_large_cells_and_shrink_to_fit_small_ones():
    # at scale s the text is 20·s px high and the widest number 40·s px across
    def measure(scale: float) -> tuple[float, float]:
        return 20 * scale, 40 * scale

    scales = (1.0, 0.85, 0.7)
    assert number_scale(80, 40, 1.2, scales, measure) == pytest.approx(2.4)  # zoom 2
    assert number_scale(46, 50, 1.2, scales, measure) == 1.0  # 46 ≥ 32 and ≥ 40 + 6
    assert number_scale(43, 50, 1.2, scales, measure) == 0.85  # 34 + 6 = 40 ≤ 43
    assert number_scale(20, 50, 1.2, scales, measure) == 0.7  # nothing fits: the smallest


def test_rectangles_apart_by_a_pixel():
    assert rects_apart((0, 0, 10, 10), (11, 0, 5, 5))  # 10 + 1 ≤ 11
    assert not rects_apart((0, 0, 10, 10), (10.5, 0, 5, 5))
    assert rects_apart((0, 20, 5, 5), (0, 0, 5, 5))
    assert not rects_apart((0, 0, 10, 10), (5, 5, 10, 10))


def test_weights_and_path_dots_only_where_they_clear_the_number():
    # a 60 px cell: tap pen 60/18 = 3.33; a 20 px wide number with 10 px capitals sits at
    # x 20–40, y 25–35
    number = number_box(60, 20, 10)
    assert number == (20, 25, 20, 10)
    # a 14 px weight (ascent 11, capitals 8): x 60 − 3.33 − 1 − 14 = 41.67 (right of 40 + 1),
    # y 3.33 + 11 − 8 = 6.33 to 14.33 (above 25)
    assert weights_fit(60, 14, 11, 8, number)
    # a 30 px weight would start at x 25.67 and run into the number's columns; it still
    # clears it vertically, so it fits; a tall font reaching y 25 does not
    assert weights_fit(60, 30, 11, 8, number)
    assert not weights_fit(60, 30, 30, 10, number)  # y 23.33 to 33.33 meets y 25
    assert not weights_fit(60, 54, 11, 8, number)  # wider than the cell inside the pens
    # path dot: radius max(3, 60/13 = 4.6), at x/y 4.6–13.8, clear of the number
    assert path_fits(60, number)
    assert not path_fits(60, number_box(60, 56, 50))  # a number filling the cell


def test_cell_texts():
    assert value_text(-2.5) == "−2.5"
    assert value_text(1 / 3) == "0.3333333333"
    assert cell_tooltip("−1", "0", 0.0, False, None) == "(−1, 0) (padding): 0"
    assert cell_tooltip("1", "2", 5.0, True, "−1") == (
        "(1, 2): 5, times the kernel weight −1")
