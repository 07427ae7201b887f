"""The cells of a small map as the classroom tiles draw it: where each square cell goes, which
cell is under a point, whether the cells are large enough to hold their numbers, and which text
colour stands out on each cell's colour; and for the before/after image views, which output
pixel is drawn under a point and which input pixels it reads. Pure NumPy, no Qt.

A map of ``rows × cols`` values is drawn with square cells, as large as fit the area, centred
in it (no stretching, no filler inside the map). When a cell is at least one pixel its side is
a whole number of pixels, so every cell of the map has the same size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from convgui.shapes import Geometry

__all__ = [
    "CELL_PER_TEXT_HEIGHT",
    "MAX_NUMBER_GROWTH",
    "NUMBER_FONT_SCALES",
    "CellLayout",
    "ReceptiveField",
    "fit_cells",
    "light_text",
    "number_font_scales",
    "numbers_fit",
    "output_pixel_at",
    "pixel_at",
    "receptive_field",
]

#: A cell holds a number when its side is at least this many text heights.
CELL_PER_TEXT_HEIGHT = 1.4
#: Font sizes tried for a map's numbers, as fractions of the widget's font: the first at which
#: every number fits its cell is used (none fits: the map shows no numbers).
NUMBER_FONT_SCALES = (1.0, 0.85, 0.7)
#: Numbers in cells much larger than the text grow, up to this factor of the widget's font.
MAX_NUMBER_GROWTH = 1.8
#: Cells up to this many text heights keep the widget's font; larger cells grow it.
_GROW_FROM_CELL_PER_TEXT_HEIGHT = 3.0
#: Cells darker than this luma (0..255) get light text, the others dark text.
_DARK_LUMA = 150.0
_LUMA = np.array([0.299, 0.587, 0.114])


@dataclass(frozen=True)
class CellLayout:
    """A ``rows × cols`` map drawn with square cells of side ``cell`` pixels whose top-left
    corner is at (``left``, ``top``)."""

    rows: int
    cols: int
    cell: float
    left: float
    top: float

    @property
    def width(self) -> float:
        """Width of the drawn map in pixels."""
        return self.cols * self.cell

    @property
    def height(self) -> float:
        """Height of the drawn map in pixels."""
        return self.rows * self.cell

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, col) of the cell under point (x, y), or None outside the map."""
        if self.cell <= 0 or not (math.isfinite(x) and math.isfinite(y)):
            return None
        r = math.floor((y - self.top) / self.cell)
        c = math.floor((x - self.left) / self.cell)
        if 0 <= r < self.rows and 0 <= c < self.cols:
            return r, c
        return None

    def cell_rect(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) of cell (row, col) in pixels."""
        return (self.left + col * self.cell, self.top + row * self.cell, self.cell, self.cell)

    def cell_center(self, row: int, col: int) -> tuple[float, float]:
        """The centre (x, y) of cell (row, col)."""
        x, y, w, h = self.cell_rect(row, col)
        return x + w / 2, y + h / 2


def fit_cells(rows: int, cols: int, width: float, height: float) -> CellLayout:
    """The largest square cells with which a ``rows × cols`` map fits ``width × height``
    pixels, the map centred (a whole number of pixels per cell once cells reach 1 px; the
    left/top offsets are whole pixels too). Raises ValueError for an empty map."""
    if rows < 1 or cols < 1:
        raise ValueError(f"a map needs at least one cell, got {rows}×{cols}")
    cell = max(0.0, min(width / cols, height / rows))
    if cell >= 1.0:
        cell = float(math.floor(cell))
    left = float(math.floor((width - cols * cell) / 2))
    top = float(math.floor((height - rows * cell) / 2))
    return CellLayout(rows, cols, cell, left, top)


def numbers_fit(cell: float, text_height: float) -> bool:
    """Whether cells of side ``cell`` pixels are large enough for numbers whose text is
    ``text_height`` pixels high (at least :data:`CELL_PER_TEXT_HEIGHT` text heights)."""
    return text_height > 0 and cell >= CELL_PER_TEXT_HEIGHT * text_height


def number_font_scales(cell: float, text_height: float) -> tuple[float, ...]:
    """The font sizes to try for the numbers of cells of side ``cell`` pixels, largest first,
    as fractions of the widget's font whose text is ``text_height`` pixels high: in a cell
    larger than 3 text heights first the font grown with the cell (at most
    :data:`MAX_NUMBER_GROWTH`), then :data:`NUMBER_FONT_SCALES`."""
    if text_height <= 0:
        return NUMBER_FONT_SCALES
    growth = min(MAX_NUMBER_GROWTH, cell / (_GROW_FROM_CELL_PER_TEXT_HEIGHT * text_height))
    return ((growth,) if growth > 1.0 else ()) + NUMBER_FONT_SCALES


def light_text(rgb: np.ndarray) -> np.ndarray:
    """For cells coloured ``rgb`` ((..., 3), 0..255), True where light text stands out better
    than dark text (a dark cell: luma 0.299 R + 0.587 G + 0.114 B below 150)."""
    arr = np.asarray(rgb, dtype=np.float64)
    if arr.shape[-1:] != (3,):
        raise ValueError(f"rgb must have 3 values in its last axis, got shape {arr.shape}")
    return arr @ _LUMA < _DARK_LUMA


# -- the before/after image views: input pixel (r, c) covers [c, c+1] × [r, r+1] ----------------


def pixel_at(x: float, y: float, rows: int, cols: int) -> tuple[int, int] | None:
    """The pixel (r, c) of a ``rows × cols`` image under point (x, y) in pixel-edge
    coordinates, or None outside the image (or for a NaN/inf point)."""
    return CellLayout(rows, cols, 1.0, 0.0, 0.0).cell_at(x, y)


def output_pixel_at(geo: Geometry, x: float, y: float) -> tuple[int, int] | None:
    """The output pixel (i, j) drawn under input-coordinate point (x, y) when every output
    pixel is drawn over its receptive field, one stride wide (:meth:`Geometry.output_rect`),
    or None where no output pixel is drawn."""
    left, top, _, _ = geo.output_rect()
    sh, sw = geo.stride
    return pixel_at((x - left) / sw, (y - top) / sh, *geo.out_hw)


@dataclass(frozen=True)
class ReceptiveField:
    """What output pixel (i, j) reads and where it is drawn, in input pixel-edge coordinates.

    ``window`` is (x, y, width, height) of the input pixels its (dilated) kernel spans;
    ``inside`` the taps (r, c) that fall in the image, ``padded`` those in the padding, both
    in kernel order; ``cell`` the (x, y, width, height) the output pixel is drawn at.
    """

    window: tuple[int, int, int, int]
    inside: tuple[tuple[int, int], ...]
    padded: tuple[tuple[int, int], ...]
    cell: tuple[float, float, float, float]


def receptive_field(geo: Geometry, i: int, j: int) -> ReceptiveField:
    """The :class:`ReceptiveField` of output pixel (i, j) of ``geo`` (which must exist)."""
    if not (0 <= i < geo.out_hw[0] and 0 <= j < geo.out_hw[1]):
        raise ValueError(f"output ({i}, {j}) is outside the {geo.out_hw[0]}×{geo.out_hw[1]} "
                         "output")
    h, w = geo.in_hw
    taps = geo.taps(i, j)
    inside = tuple((r, c) for r, c in taps if 0 <= r < h and 0 <= c < w)
    padded = tuple((r, c) for r, c in taps if not (0 <= r < h and 0 <= c < w))
    r0, c0 = geo.origin(i, j)
    span_h = geo.dilation[0] * (geo.kernel_hw[0] - 1) + 1
    span_w = geo.dilation[1] * (geo.kernel_hw[1] - 1) + 1
    left, top, _, _ = geo.output_rect()
    sh, sw = geo.stride
    return ReceptiveField((c0, r0, span_w, span_h), inside, padded,
                          (left + j * sw, top + i * sh, sw, sh))
