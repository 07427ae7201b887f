"""Read-outs of the pixel under the mouse in the before/after views, and the receptive-field
outline.

Hovering over the after view reads the raw engine value of the output pixel and outlines its
receptive field on the before view (window bounds plus a marker on every tap; taps that fall
in the padding are drawn differently); hovering over the before view reads the input pixel.
Which pixel is under a point and what it reads is :mod:`convgui.mapcells`'s arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from convgui.mapcaption import format_values
from convgui.mapcells import output_pixel_at, pixel_at, receptive_field
from convgui.ui.image_panel import ImagePanel
from convgui.ui.worker import Result

__all__ = ["HoverReadout"]

_WINDOW_COLOR = "#00e5ff"  # receptive-field bounds and hovered output pixel
_TAP_COLOR = "#ffd400"  # taps inside the image
_PAD_COLOR = "#ff5a36"  # taps that land in the padding
_TAP_SIZE = 0.4  # marker size in input pixels

Cells = list[tuple[int, int]]


def _cosmetic_pen(color: str, width: float = 2.0) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    return pen


def _outline_rect(view: pg.ViewBox) -> QGraphicsRectItem:
    """A hidden rectangle outline over the image of ``view`` (not counted in its range)."""
    item = QGraphicsRectItem()
    item.setPen(_cosmetic_pen(_WINDOW_COLOR))
    item.setZValue(20)
    item.hide()
    view.addItem(item, ignoreBounds=True)
    return item


class HoverReadout(QObject):
    """Reads out the pixel under the mouse over ``before`` (the input, ``input_of()``) or
    ``after`` (the result, ``result_of()``) and outlines an output pixel's receptive field.

    ``hoverText(str)`` carries the read-out; "" when the mouse leaves the pixels.
    """

    hoverText = Signal(str)  # noqa: N815 - Qt naming

    def __init__(self, before: ImagePanel, after: ImagePanel,
                 input_of: Callable[[], np.ndarray | None],
                 result_of: Callable[[], Result | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._before, self._after = before, after
        self._input_of, self._result_of = input_of, result_of
        self._hovered: tuple | None = None  # ("input" | "output", row, column)
        self._window_item = _outline_rect(before.vb)
        self._taps_item = pg.ScatterPlotItem(
            pxMode=False, size=_TAP_SIZE, symbol="o", pen=None, brush=pg.mkBrush(_TAP_COLOR))
        self._pad_taps_item = pg.ScatterPlotItem(
            pxMode=False, size=_TAP_SIZE * 1.2, symbol="x", pen=None,
            brush=pg.mkBrush(_PAD_COLOR))
        for item in (self._taps_item, self._pad_taps_item):
            item.setZValue(21)
            before.vb.addItem(item, ignoreBounds=True)
        self._cursor_item = _outline_rect(after.vb)
        before.scene().sigMouseMoved.connect(self._before_mouse_moved)
        after.scene().sigMouseMoved.connect(self._after_mouse_moved)
        for panel in (before, after):
            panel.viewport().installEventFilter(self)

    def output_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The output pixel (i, j) drawn at view point (x, y) of the after view, or ``None``."""
        result = self._result_of()
        return None if result is None else output_pixel_at(result.geometry, x, y)

    def input_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The input pixel (r, c) at view point (x, y) of the before view, or ``None``."""
        image = self._input_of()
        return None if image is None else pixel_at(x, y, *image.shape[:2])

    def hover_output(self, i: int, j: int) -> str:
        """Read out output (i, j) and outline its receptive field; returns the emitted text."""
        result = self._result_of()
        geo = None if result is None else result.geometry
        if geo is None or not (0 <= i < geo.out_hw[0] and 0 <= j < geo.out_hw[1]):
            self.clear()
            return ""
        text = f"output ({i}, {j}) = {format_values(result.output[i, j])}"
        field = receptive_field(geo, i, j)
        if field.padded:
            taps = len(field.inside) + len(field.padded)
            text += f"  ·  {len(field.padded)} of {taps} taps in padding"
        self._window_item.setRect(QRectF(*field.window))
        self._window_item.show()
        self._set_taps(self._taps_item, field.inside)
        self._set_taps(self._pad_taps_item, field.padded)
        self._cursor_item.setRect(QRectF(*field.cell))
        self._cursor_item.show()
        self._hovered = ("output", i, j)
        self.hoverText.emit(text)
        return text

    def hover_input(self, r: int, c: int) -> str:
        """Read out input pixel (r, c); returns the emitted text."""
        self.forget()
        image = self._input_of()
        if image is None or not (0 <= r < image.shape[0] and 0 <= c < image.shape[1]):
            self.clear()
            return ""
        text = f"input ({r}, {c}) = {format_values(image[r, c])}"
        self._hovered = ("input", r, c)
        self.hoverText.emit(text)
        return text

    def clear(self) -> None:
        """Remove the receptive-field outline and clear the read-out (emits "" if a pixel
        was read out)."""
        had = self._hovered is not None
        self.forget()
        if had:
            self.hoverText.emit("")

    def forget(self) -> None:
        """Remove the outline and forget the pixel read out, saying nothing (the image under
        the mouse changed: the next mouse move reads it out again)."""
        self._hovered = None
        self._window_item.hide()
        self._cursor_item.hide()
        self._taps_item.clear()
        self._pad_taps_item.clear()

    def outline(self) -> tuple[QRectF | None, Cells, Cells]:
        """What the before view outlines now: the window rectangle (pixel edges) or ``None``,
        the (r, c) of the taps inside the image and of the taps in the padding."""
        rect = self._window_item.rect() if self._window_item.isVisible() else None
        return rect, self._tap_cells(self._taps_item), self._tap_cells(self._pad_taps_item)

    def cursor_rect(self) -> QRectF | None:
        """The output pixel outlined on the after view (pixel edges), or ``None``."""
        return self._cursor_item.rect() if self._cursor_item.isVisible() else None

    @staticmethod
    def _set_taps(item: pg.ScatterPlotItem, cells: Sequence[tuple[int, int]]) -> None:
        if cells:
            arr = np.asarray(cells, dtype=np.float64)
            item.setData(x=arr[:, 1] + 0.5, y=arr[:, 0] + 0.5)
        else:
            item.clear()

    @staticmethod
    def _tap_cells(item: pg.ScatterPlotItem) -> Cells:
        x, y = item.getData()
        if x is None or len(x) == 0:
            return []
        return [(math.floor(b), math.floor(a)) for a, b in zip(x, y, strict=True)]

    def _before_mouse_moved(self, pos: QPointF) -> None:
        self._mouse_moved(pos, self._before.vb, "input", self.input_index_at, self.hover_input)

    def _after_mouse_moved(self, pos: QPointF) -> None:
        self._mouse_moved(pos, self._after.vb, "output", self.output_index_at, self.hover_output)

    def _mouse_moved(self, pos: QPointF, view: pg.ViewBox, side: str,
                     index_at: Callable[[float, float], tuple[int, int] | None],
                     hover: Callable[[int, int], str]) -> None:
        """Read out the cell of ``view`` under scene point ``pos`` (once per cell), or end
        the read-out when there is none."""
        index = None
        if view.sceneBoundingRect().contains(pos):
            p = view.mapSceneToView(pos)
            index = index_at(p.x(), p.y())
        if index is None:
            self.clear()
        elif self._hovered != (side, *index):
            hover(*index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        """The read-out ends when the mouse leaves either view."""
        if event.type() == QEvent.Type.Leave and watched in (
                self._before.viewport(), self._after.viewport()):
            self.clear()
        return super().eventFilter(watched, event)
