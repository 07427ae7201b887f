"""The Step through tab shows the whole lesson without scrolling: in the real window at 1024×768
in presentation mode and at 1280×800, every grid (input or R/G/B slices, and the output) lies
inside its scroll area's viewport and the window, with square cells at least 1.6 text heights
of the numbers drawn in them, and the numbers drawn are the input and a brute-force sum."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from window_settling import settle_window

from convgui.stepper import EXAMPLES
from convgui.textgrid import parse_number
from convgui.ui.classroom.grid_widgets import NumberGrid
from convgui.ui.main_window import MainWindow

FIVE = EXAMPLES["5×5 input, 3×3 kernel"]
RGB = EXAMPLES["4×4 RGB input, 3×3 kernel"]
CASES = [((1024, 768), True), ((1280, 800), False)]




@pytest.fixture
def window(qtbot, app_look):
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def show_lesson(qtbot, window: MainWindow, size: tuple[int, int], presenting: bool,
                example) -> None:
    """The window at ``size``, in presentation mode or not, on Step through with ``example``
    chosen in the panel's example box, once everything has settled."""
    window.presentation.set_presentation(presenting, remember=False)
    window.resize(*size)
    assert window.show_tab("step-through")
    panel = window.classroom.matrix
    box = panel.example_box
    index = box.findText(example.name)
    box.setCurrentIndex(index)
    box.activated.emit(index)
    settle_window(qtbot, window)  # the walkthrough shown, then the folded lines' relayout


def brute_force(image: np.ndarray, kernel: np.ndarray, bias: float) -> np.ndarray:
    """Cross-correlation without padding, stride 1, channels summed, plus ``bias``."""
    if image.ndim == 2:
        image, kernel = image[:, :, None], kernel[:, :, None]
    (h, w, depth), (kh, kw) = image.shape, kernel.shape[:2]
    out = np.zeros((h - kh + 1, w - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = bias
            for a in range(kh):
                for b in range(kw):
                    for ch in range(depth):
                        total += image[i + a, j + b, ch] * kernel[a, b, ch]
            out[i, j] = total
    return out


def drawn_numbers(grid: NumberGrid, monkeypatch) -> dict[tuple[int, int], tuple[str, int]]:
    """(text, text height) of what the grid's painting draws centred in each cell."""
    calls = []
    draw = QPainter.drawText

    def record(painter, *args):
        if len(args) == 3 and isinstance(args[0], QRect):
            calls.append((QRect(args[0]), args[1], args[2],
                          QFontMetrics(painter.font()).height()))
        return draw(painter, *args)

    with monkeypatch.context() as patch:
        patch.setattr(QPainter, "drawText", record)
        grid.grab()
    drawn = {}
    rows, cols = grid.shape()
    cells = {(grid.cell_rect(r, c).getRect()): (r, c) for r in range(rows) for c in range(cols)}
    for rect, flags, text, height in calls:
        cell = cells.get(rect.getRect())
        if cell is not None and flags == Qt.AlignmentFlag.AlignCenter:
            assert cell not in drawn, f"two numbers drawn in cell {cell}"
            drawn[cell] = (text, height)
    return drawn


def assert_in_view(widget, area, window) -> None:
    """``widget`` lies whole inside the scroll area's viewport and inside the window."""
    viewport = area.viewport()
    in_viewport = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    assert viewport.rect().contains(in_viewport), (in_viewport, viewport.rect())
    in_window = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(in_window), (in_window, window.rect())


@pytest.mark.parametrize("example", [FIVE, RGB], ids=["5x5", "rgb"])
@pytest.mark.parametrize(("size", "presenting"), CASES,
                         ids=[f"{w}x{h}-{'presentation' if p else 'normal'}"
                              for (w, h), p in CASES])
def test_step_through_shows_every_grid_without_scrolling(window, qtbot, monkeypatch, size,
                                                         presenting, example):
    show_lesson(qtbot, window, size, presenting, example)
    panel = window.classroom.matrix
    settings = window.model.settings
    assert (settings.padding, settings.stride, settings.dilation, settings.flip) == (
        "valid", (1, 1), (1, 1), False)  # what the brute force below computes
    image, kernel = example.image_array(), example.kernel_array()
    planes = [image] if image.ndim == 2 else [image[:, :, k] for k in range(3)]
    area = panel.grids
    assert area.verticalScrollBar().maximum() == 0
    assert area.horizontalScrollBar().maximum() == 0
    expected = [(grid, plane) for grid, plane in zip(panel.input_grids, planes, strict=False)]
    expected.append((panel.output_grid, brute_force(image, kernel, example.bias)))
    assert [g for g in panel.input_grids if g.isVisibleTo(panel)] == panel.input_grids[
        :len(planes)]
    titles = [*area.input_titles[:len(planes)], area.output_title]
    for grid, values in expected:
        assert_in_view(grid, area, window)
        drawn = drawn_numbers(grid, monkeypatch)
        rows, cols = values.shape
        assert grid.shape() == (rows, cols)
        assert sorted(drawn) == [(r, c) for r in range(rows) for c in range(cols)]
        side = grid.cell_size()
        for (r, c), (text, height) in drawn.items():
            rect = grid.cell_rect(r, c)
            assert rect.width() == rect.height() == side
            assert side >= 1.6 * height, (side, height)
            assert parse_number(text) == values[r, c], (r, c, text)
    for title in titles:
        assert_in_view(title, area, window)
    # the arithmetic stays readable: at least the window's text size, and in the window
    arithmetic = panel.arithmetic
    assert QFontMetrics(arithmetic.font()).height() >= QFontMetrics(window.font()).height()
    top_left = arithmetic.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(QRect(top_left, QPoint(top_left.x() + 50,
                                                         top_left.y() + 20)))


def test_folded_lines_come_back_when_the_window_grows(window, qtbot):
    show_lesson(qtbot, window, (1024, 768), True, RGB)
    panel = window.classroom.matrix
    assert panel.grids.folded_lines()  # short of room: the message line gave its room
    assert panel.message_label.isHidden()
    window.resize(1920, 1080)
    settle_window(qtbot, window)
    assert panel.grids.folded_lines() == []
    assert panel.description.isVisible() and panel.note.isVisible()
    assert panel.message_label.isVisible()
    window.resize(1024, 768)  # back again, live: everything in view once the layouts settle
    settle_window(qtbot, window)
    qtbot.waitUntil(lambda: panel.grids.verticalScrollBar().maximum() == 0, timeout=2000)
    for grid in [*panel.input_grids, panel.output_grid]:
        assert_in_view(grid, panel.grids, window)


def test_a_grid_too_large_for_any_legible_cell_scrolls_at_the_smallest(window, qtbot):
    show_lesson(qtbot, window, (1024, 768), True, FIVE)
    panel = window.classroom.matrix
    panel.set_input(np.arange(256.0).reshape(16, 16))
    settle_window(qtbot, window)
    grid = panel.input_grids[0]
    assert grid.cell_size() == grid.min_cell() < grid.base_cell()
    assert panel.grids.verticalScrollBar().maximum() > 0


def test_small_cells_shrink_the_numbers_and_drop_the_weights(qtbot, monkeypatch):
    grid = NumberGrid()
    qtbot.addWidget(grid)
    grid.set_values(np.array([[5.0, -12.0], [3.0, 7.0]]))
    grid.set_window({(0, 0): -1.0, (0, 1): 2.0}, None)
    font_height = QFontMetrics(grid.font()).height()
    big = drawn_numbers(grid, monkeypatch)
    assert grid.cell_size() == grid.base_cell() and grid.weights_shown()
    assert big[(0, 1)][1] > font_height  # 1.2 times the font at the base size
    grid.set_cell_side(1)  # asked for less than legible: the smallest legible cell
    small = grid.cell_size()
    assert small == grid.min_cell() < grid.base_cell()
    drawn = drawn_numbers(grid, monkeypatch)
    assert {cell: parse_number(text) for cell, (text, _) in drawn.items()} == {
        (0, 0): 5, (0, 1): -12, (1, 0): 3, (1, 1): 7}
    assert all(small >= 1.6 * height and height < font_height for _, height in drawn.values())
    assert not grid.weights_shown()
    texts = []
    draw = QPainter.drawText
    with monkeypatch.context() as patch:
        patch.setattr(QPainter, "drawText",
                      lambda p, *args: (texts.append(args[-1]), draw(p, *args))[1])
        grid.grab()
    assert not [t for t in texts if t.startswith("×")]
