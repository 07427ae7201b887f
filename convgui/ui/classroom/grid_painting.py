"""How a :class:`~convgui.ui.classroom.grid_widgets.NumberGrid` is drawn.

Padding cells are hatched grey with their fill values in grey italics; the taps of the current
window have thick orange frames with the kernel weight small in the corner (where it fits); a
dilated window's bounding box is dashed orange; marked cells are filled blue and the current
cell orange; cells not reached yet have faded numbers; the path of window origins is a row of
dots; the selected cell has a dark focus frame. :func:`paint_grid` draws a
:class:`GridPicture`, everything one paint needs, so the drawing depends on nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen

from convgui.gridcells import (
    NUMBER_MARGIN,
    GridLayout,
    GridMarks,
    is_real,
    path_radius,
    tap_pen,
)
from convgui.ui.kernel_table import fitting_texts

__all__ = ["GridPicture", "paint_grid", "weight_label"]

WINDOW = QColor(255, 122, 0)  # the current window's taps: thick orange
WINDOW_TEXT = QColor(176, 72, 0)
CURRENT_FILL = QColor(255, 214, 160)
MARK_FILL = QColor(120, 170, 240)  # outputs an input cell feeds: blue
MARK_OVER_PADDING = QColor(120, 170, 240, 170)
SELECTED = QColor(20, 20, 20)  # the selected cell's frame: dark, not a value colour
PAD_FILL = QColor(226, 226, 226)
PAD_HATCH = QColor(178, 178, 178)
PAD_TEXT = QColor(105, 105, 105)
LINE = QColor(150, 150, 150)
REAL_BORDER = QColor(60, 60, 60)
TEXT = QColor(20, 20, 20)
FADED_TEXT = QColor(140, 140, 140)


def weight_label(weight: float) -> str:
    """A kernel weight as drawn in its tap's corner: ``×`` and its shortest precise form."""
    return "×" + fitting_texts(float(weight))[0]


@dataclass(frozen=True)
class GridPicture:
    """One paint of a grid: its ``values``, the ``real`` rectangle (top, left, rows, cols),
    the header labels (``row_labels`` None: no row headers), where the cells lie, what is
    marked, the fonts (``weight_font`` None: the weights do not fit their cells), whether the
    path's dots fit, and whether the grid (or its editor) has the focus."""

    values: np.ndarray
    real: tuple[int, int, int, int]
    row_labels: Sequence[str] | None
    col_labels: Sequence[str]
    layout: GridLayout
    marks: GridMarks
    number_font: QFont
    pad_font: QFont
    header_font: QFont
    weight_font: QFont | None
    show_path: bool
    focused: bool

    def rect(self, r: int, c: int) -> QRect:
        return QRect(*self.layout.cell_rect(r, c))


def paint_grid(p: QPainter, picture: GridPicture, clip: QRect) -> None:
    """Draw ``picture``'s cells that meet ``clip``, then its marks."""
    layout, marks = picture.layout, picture.marks
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    rows, cols = layout.cells_in(clip.left(), clip.top(), clip.right(), clip.bottom())
    _paint_headers(p, picture, rows, cols)
    for r in rows:
        for c in cols:
            _paint_cell(p, picture, r, c)
    _paint_real_border(p, picture)
    if picture.show_path:
        _paint_path(p, picture)
    pen = tap_pen(layout.side)
    _paint_window(p, picture, pen)
    if marks.selected is not None and layout.contains(marks.selected):
        _paint_selection(p, QRectF(picture.rect(*marks.selected)), pen, picture.focused)


def _paint_headers(p: QPainter, picture: GridPicture, rows: range, cols: range) -> None:
    layout = picture.layout
    side, hw, hh = layout.side, layout.header_width, layout.header_height
    p.setFont(picture.header_font)
    p.setPen(PAD_TEXT)
    for r in rows if picture.row_labels is not None else ():
        p.drawText(QRect(0, hh + r * side, hw - 4, side),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   picture.row_labels[r])
    for c in cols:
        p.drawText(QRect(hw + c * side, 0, side, hh), Qt.AlignmentFlag.AlignCenter,
                   picture.col_labels[c])


def _paint_cell(p: QPainter, picture: GridPicture, r: int, c: int) -> None:
    marks, side = picture.marks, picture.layout.side
    rect = picture.rect(r, c)
    real = is_real(picture.real, r, c)
    if not real:
        p.fillRect(rect, PAD_FILL)
        p.fillRect(rect, QBrush(PAD_HATCH, Qt.BrushStyle.BDiagPattern))
    elif (r, c) == marks.current:
        p.fillRect(rect, CURRENT_FILL)
    elif (r, c) in marks.marked:
        p.fillRect(rect, MARK_FILL)
    else:
        p.fillRect(rect, Qt.GlobalColor.white)
    if not real and (r, c) in marks.marked:
        p.fillRect(rect, MARK_OVER_PADDING)
    p.setPen(QPen(LINE, 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5))
    if (r, c) == marks.current:
        w = tap_pen(side)
        p.setPen(QPen(WINDOW, w))
        p.drawRect(QRectF(rect).adjusted(w / 2, w / 2, -w / 2, -w / 2))
    faded = marks.is_faded(r, c, picture.layout.cols)
    p.setFont(picture.number_font if real else picture.pad_font)
    p.setPen(PAD_TEXT if not real else FADED_TEXT if faded else TEXT)
    room = side - NUMBER_MARGIN
    texts = fitting_texts(float(picture.values[r, c]))
    fm = p.fontMetrics()
    text = next((t for t in texts if fm.horizontalAdvance(t) <= room), texts[-1])
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _paint_real_border(p: QPainter, picture: GridPicture) -> None:
    top, left, h, w = picture.real
    layout = picture.layout
    if (top, left, h, w) == (0, 0, layout.rows, layout.cols) or not h or not w:
        return
    rect = QRectF(picture.rect(top, left).united(picture.rect(top + h - 1, left + w - 1)))
    p.setPen(QPen(REAL_BORDER, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


def _paint_path(p: QPainter, picture: GridPicture) -> None:
    radius = path_radius(picture.layout.side)
    marks = picture.marks
    for n, cell in enumerate(marks.path):
        if not picture.layout.contains(cell):
            continue
        rect = picture.rect(*cell)
        centre = QPointF(rect.left() + radius * 2, rect.top() + radius * 2)
        done = n <= marks.path_done
        p.setPen(QPen(WINDOW_TEXT if done else LINE, 1.5))
        p.setBrush(WINDOW if done else Qt.BrushStyle.NoBrush)
        p.drawEllipse(centre, radius, radius)


def _paint_window(p: QPainter, picture: GridPicture, width: float) -> None:
    """The dilated window's dashed box, then each tap's frame and weight."""
    marks = picture.marks
    if marks.box is not None:
        top, left, bottom, right = marks.box
        rect = QRectF(picture.rect(top, left).united(picture.rect(bottom, right)))
        p.setPen(QPen(WINDOW, 2, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect.adjusted(-1, -1, 1, 1))
    for cell, weight in marks.taps.items():
        if not picture.layout.contains(cell):
            continue
        rect = QRectF(picture.rect(*cell))
        p.setPen(QPen(WINDOW, width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect.adjusted(width / 2, width / 2, -width / 2, -width / 2))
        if weight is not None and picture.weight_font is not None:
            p.setFont(picture.weight_font)
            p.setPen(WINDOW_TEXT)
            p.drawText(rect.adjusted(0, width, -width - 1, 0),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                       weight_label(weight))


def _paint_selection(p: QPainter, rect: QRectF, width: float, focused: bool) -> None:
    """A focus frame: a dark line with a white one inside it, solid while the grid (or its
    editor) has the focus, dashed otherwise (the same cell in another grid)."""
    inner = rect.adjusted(width * 1.5, width * 1.5, -width * 1.5, -width * 1.5)
    p.setBrush(Qt.BrushStyle.NoBrush)
    style = Qt.PenStyle.SolidLine if focused else Qt.PenStyle.DashLine
    p.setPen(QPen(SELECTED, width * (1.0 if focused else 0.7), style))
    p.drawRect(inner)
    p.setPen(QPen(Qt.GlobalColor.white, 1.0))
    p.drawRect(inner.adjusted(width / 2 + 1, width / 2 + 1, -width / 2 - 1, -width / 2 - 1))
