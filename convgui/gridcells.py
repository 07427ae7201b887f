"""The cells of a classroom number grid, without Qt: where each cell lies and which one a point
hits (:class:`GridLayout`), what is marked on it (:class:`GridMarks`), where a key moves the
selection (:func:`moved_cell`), how large its numbers may be drawn, and a cell's texts.

A grid of ``rows × cols`` square cells of ``side`` pixels sits right of a column of row labels
and under a line of column labels. ``real`` is the rectangle (top, left, rows, cols) of the
real cells; the cells around it are padding.

Sizes: a cell holds its number legibly when its side is at least :data:`CELL_PER_TEXT_HEIGHT`
heights of the number's text and the widest number plus :data:`NUMBER_MARGIN` fits across it
(:func:`legible_side`, :func:`number_scale`). A tap's weight is drawn in its cell's top-right
corner and the window's path as a dot in the top-left one, each only where it stays clear of
the numbers (:func:`weights_fit`, :func:`path_fits`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["CELL_PER_TEXT_HEIGHT", "NUMBER_MARGIN", "Cell", "GridLayout", "GridMarks", "Rect",
           "cell_tooltip", "is_real", "legible_side", "moved_cell", "number_box", "number_scale",
           "path_fits", "path_radius", "rects_apart", "tap_pen", "value_text", "weights_fit"]

#: A cell holds its number legibly when its side is at least this many heights of the
#: number's text.
CELL_PER_TEXT_HEIGHT = 1.6
NUMBER_MARGIN = 6  # px: a number's room is its cell's side less this
MINUS = "−"

Cell = tuple[int, int]
#: (x, y, width, height) in pixels.
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridLayout:
    """Where the cells of a ``rows × cols`` grid lie: squares of ``side`` px right of a
    ``header_width`` px column of row labels and under a ``header_height`` px line of column
    labels."""

    rows: int
    cols: int
    side: int
    header_width: int
    header_height: int

    def cell_rect(self, r: int, c: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) of cell (r, c)."""
        return (self.header_width + c * self.side, self.header_height + r * self.side,
                self.side, self.side)

    def cell_at(self, x: float, y: float) -> Cell | None:
        """The cell under point (x, y), or None (a header, outside the cells)."""
        hw, hh, side = self.header_width, self.header_height, self.side
        r, c = int((y - hh) // side), int((x - hw) // side)
        if y < hh or x < hw or not (0 <= r < self.rows and 0 <= c < self.cols):
            return None
        return (r, c)

    def size(self) -> tuple[int, int]:
        """(width, height) of the whole grid, headers and a 4 px margin included."""
        return (self.header_width + self.cols * self.side + 4,
                self.header_height + self.rows * self.side + 4)

    def cells_in(self, left: int, top: int, right: int, bottom: int) -> tuple[range, range]:
        """The rows and the columns of the cells that meet the pixel rectangle from (left,
        top) to (right, bottom) inclusive: what a paint of that area has to draw."""
        hw, hh, side = self.header_width, self.header_height, self.side
        rows = range(max(0, (top - hh) // side), min(self.rows, (bottom - hh) // side + 1))
        cols = range(max(0, (left - hw) // side), min(self.cols, (right - hw) // side + 1))
        return rows, cols

    def contains(self, cell: Cell) -> bool:
        """Whether ``cell`` is one of the grid's cells."""
        return 0 <= cell[0] < self.rows and 0 <= cell[1] < self.cols


@dataclass(frozen=True)
class GridMarks:
    """What is marked on a grid: the current window's ``taps`` (cell → kernel weight shown in
    its corner, or None), its bounding ``box`` (top, left, bottom, right) when dilated, the
    ``path`` of window origins (the first ``path_done`` + 1 visited), the ``current`` cell,
    the ``marked`` cells, the ``selected`` cell, and ``faded_after``: cells after this
    row-major index are not reached yet."""

    taps: Mapping[Cell, float | None] = field(default_factory=dict)
    box: tuple[int, int, int, int] | None = None
    path: tuple[Cell, ...] = ()
    path_done: int = 0
    current: Cell | None = None
    marked: frozenset[Cell] = frozenset()
    selected: Cell | None = None
    faded_after: int | None = None

    def is_faded(self, r: int, c: int, cols: int) -> bool:
        """Whether cell (r, c) of a grid ``cols`` wide is drawn faded: after ``faded_after``
        in row-major order and not marked."""
        return (self.faded_after is not None and r * cols + c > self.faded_after
                and (r, c) not in self.marked)


def is_real(real: tuple[int, int, int, int], r: int, c: int) -> bool:
    """Whether cell (r, c) lies in the ``real`` rectangle (top, left, rows, cols)."""
    top, left, h, w = real
    return top <= r < top + h and left <= c < left + w


_STEPS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


def moved_cell(cell: Cell, move: str, shape: tuple[int, int],
               real: tuple[int, int, int, int]) -> Cell:
    """Where ``move`` (``"tab"``, ``"backtab"``, ``"enter"``, ``"backenter"``, ``"up"``,
    ``"down"``, ``"left"``, ``"right"``) takes the selection from ``cell`` in a grid of
    ``shape`` whose real cells are the rectangle ``real`` (top, left, rows, cols).

    Arrow moves go one cell, padding included, and stop at the grid's edge. Tab and Enter
    moves stay on real cells: Tab goes along the row and on to the start of the next row,
    Enter down the column and on to the top of the next column (Shift: backwards); both stop
    at the first and last real cell. From a padding cell they first go to the nearest real
    cell. An empty move (``""``) stays."""
    r, c = cell
    if move in _STEPS:
        dr, dc = _STEPS[move]
        return (min(max(r + dr, 0), shape[0] - 1), min(max(c + dc, 0), shape[1] - 1))
    top, left, h, w = real
    if move not in ("tab", "backtab", "enter", "backenter") or not h or not w:
        return cell
    i, j = min(max(r - top, 0), h - 1), min(max(c - left, 0), w - 1)
    step = 0 if (i, j) != (r - top, c - left) else (1 if move in ("tab", "enter") else -1)
    if move in ("tab", "backtab"):
        i, j = divmod(min(max(i * w + j + step, 0), h * w - 1), w)
    else:
        j, i = divmod(min(max(j * h + i + step, 0), h * w - 1), h)
    return (top + i, left + j)


# ----------------------------------------------------------------------------------------------
# How large the numbers, weights and path dots may be drawn


def legible_side(text_height: float, widest: float) -> int:
    """The smallest cell side that holds numbers ``text_height`` px high legibly, the widest
    ``widest`` px across."""
    return max(math.ceil(CELL_PER_TEXT_HEIGHT * text_height), math.ceil(widest) + NUMBER_MARGIN)


def number_scale(side: int, base: int, base_scale: float, scales: Sequence[float],
                 measure: Callable[[float], tuple[float, float]]) -> float:
    """The numbers' font, as a factor of the widget's font, in cells of ``side`` px: from the
    ``base`` side up ``base_scale`` times the cell's zoom (``side / base``); in smaller cells
    the first of ``scales`` (largest first) at which the cell holds the numbers legibly, else
    the last. ``measure(scale)`` gives (text height, widest number) at that scale."""
    if side >= base:
        return base_scale * side / base
    for scale in scales:
        height, widest = measure(scale)
        if side >= CELL_PER_TEXT_HEIGHT * height and widest + NUMBER_MARGIN <= side:
            return scale
    return scales[-1]


def rects_apart(a: Rect, b: Rect) -> bool:
    """Whether ``a`` and ``b`` are at least a pixel apart horizontally or vertically."""
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return (ax + aw + 1 <= bx or bx + bw + 1 <= ax
            or ay + ah + 1 <= by or by + bh + 1 <= ay)


def tap_pen(side: int) -> float:
    """The width of the pen framing a tap's cell (and the current cell) ``side`` px square."""
    return max(3.0, side / 18)


def path_radius(side: int) -> float:
    """The radius of the path's dots in cells of ``side`` px."""
    return max(3.0, side / 13)


def number_box(side: int, widest: float, cap_height: float) -> Rect:
    """Where the widest number's glyphs (``widest`` px across, capitals ``cap_height`` px
    high) lie when centred in a cell of ``side`` px at (0, 0)."""
    return ((side - widest) / 2, (side - cap_height) / 2, widest, cap_height)


def weights_fit(side: int, weight_width: float, weight_ascent: float, weight_cap: float,
                number: Rect) -> bool:
    """Whether weights ``weight_width`` px wide (their font's ascent and capital height
    given), right-aligned at the top of a cell of ``side`` px inside the tap frame, fit across
    it and stay clear of the ``number`` box (:func:`number_box`)."""
    pen = tap_pen(side)
    glyphs = (side - pen - 1 - weight_width, pen + weight_ascent - weight_cap,
              weight_width, weight_cap)
    return weight_width <= side - 2 * pen and rects_apart(glyphs, number)


def path_fits(side: int, number: Rect) -> bool:
    """Whether the path's dot, in a cell's top-left corner, stays clear of the ``number``
    box (:func:`number_box`)."""
    radius = path_radius(side)
    return rects_apart((radius, radius, 2 * radius, 2 * radius), number)


# ----------------------------------------------------------------------------------------------
# Texts


def value_text(value: float) -> str:
    """A cell's value in full (10 significant digits), with the minus sign ``−``: what its
    tooltip says and its editor starts from."""
    return format(float(value), ".10g").replace("-", MINUS)


def cell_tooltip(row_label: str, col_label: str, value: float, real: bool,
                 weight: str | None) -> str:
    """``"(1, 2): 5"``, ``"(−1, 0) (padding): 0"``, with ``", times the kernel weight −1"``
    for a tap (``weight``: the weight's text)."""
    kind = "" if real else " (padding)"
    times = "" if weight is None else f", times the kernel weight {weight}"
    return f"({row_label}, {col_label}){kind}: {value_text(value)}{times}"
