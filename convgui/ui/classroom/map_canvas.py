"""The canvas of a classroom map: square cells as large as fit, centred, each showing its number
when the cells are large enough for the widget's font, and the exact value of the cell under
the mouse (tooltip and ``hoverChanged``). Where the cells go and when numbers fit is
:mod:`convgui.mapcells`'s arithmetic; the colours come from :func:`convgui.render.prepare_map`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from convgui.mapcaption import format_value, format_values
from convgui.mapcells import (
    CellLayout,
    fit_cells,
    light_text,
    number_font_scales,
    numbers_fit,
)
from convgui.render import ShownMap
from convgui.shapes import shape_text
from convgui.ui.kernel_table import fitting_texts

__all__ = ["READABLE_SIDE", "MapCanvas"]

_HOVER_COLOR = QColor("#00e5ff")  # the cell under the mouse (as the playground's views)
_GRID_LINE = QColor(128, 128, 128, 110)  # between cells that show numbers
_LIGHT_TEXT = QColor(255, 255, 255)
_DARK_TEXT = QColor(20, 20, 20)

#: Maps up to this many cells a side ask for room for their numbers (their size hint); larger
#: maps show numbers too when drawn with cells large enough for them.
READABLE_SIDE = 16


class MapCanvas(QWidget):
    """Draws a map with square cells, as large as fit, centred (nearest neighbour, no
    filler), or a text. Cells large enough for the widget's font show their numbers (the
    step-through grid's formatting, light or dark text for contrast with the cell); the cell
    under the mouse is outlined and read out (tooltip and ``hoverChanged``)."""

    #: The read-out of the cell under the mouse (``"(1, 2): −19"``), ``""`` when none.
    hoverChanged = Signal(str)

    def __init__(self, min_side: int = 72, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._data: np.ndarray | None = None
        self._cell_rgb: np.ndarray | None = None  # one colour per cell (None: subsampled)
        self._pixel_values: np.ndarray | None = None
        self._forms: list[list[list[str]]] | None = None  # fitting_texts of every cell
        self._plan_key: tuple[Any, ...] | None = None
        self._plan: _NumberPlan | None = None
        self._hover: tuple[int, int] | None = None
        self._text = ""
        self.setMinimumSize(min_side, min_side)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    # ----------------------------------------------------------------- content

    def set_map(self, shown: ShownMap, pixel_values: np.ndarray | None = None) -> None:
        """Draw ``shown``; hovering a cell reads out ``pixel_values[r, c]`` (e.g. every
        channel of an input pixel, same height and width as the map) or else the map's value."""
        data = np.asarray(shown.data)
        if data.ndim != 2 or not data.size:
            raise ValueError(f"a map must be a non-empty 2-D array, got shape {data.shape}")
        if pixel_values is not None and np.shape(pixel_values)[:2] != data.shape:
            raise ValueError(f"pixel values of shape {np.shape(pixel_values)} do not match the "
                             f"{shape_text(data.shape)} map")
        rgb = np.ascontiguousarray(shown.rgb, dtype=np.uint8)
        h, w = rgb.shape[:2]
        self._image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self._data = data
        self._cell_rgb = rgb if rgb.shape[:2] == data.shape else None
        self._pixel_values = pixel_values
        self._forms = None
        self._plan_key = self._plan = None
        self._text = ""
        self._set_hover(None)
        self.updateGeometry()
        self.update()

    def set_text(self, text: str) -> None:
        """Show ``text`` instead of a map."""
        self._image = self._data = self._cell_rgb = self._pixel_values = None
        self._forms = None
        self._plan_key = self._plan = None
        self._text = text
        self._set_hover(None)
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """The text shown instead of a map (``""`` while a map is shown)."""
        return self._text

    def has_image(self) -> bool:
        return self._image is not None

    # ---------------------------------------------------------------- geometry

    def cell_layout(self) -> CellLayout | None:
        """Where the map's cells are drawn at the current size, or None without a map."""
        if self._data is None:
            return None
        rows, cols = self._data.shape
        return fit_cells(rows, cols, self.width(), self.height())

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, col) of the map cell at widget point (x, y), or None."""
        layout = self.cell_layout()
        return None if layout is None else layout.cell_at(x, y)

    def number_texts(self) -> list[list[str]] | None:
        """The number drawn in every cell at the current size and font (row by row), or None
        when the cells are too small for numbers (or no map is shown)."""
        plan = self._number_plan()
        return None if plan is None else [list(row) for row in plan.texts]

    def number_font(self) -> QFont | None:
        """The font the numbers are drawn with, or None when no numbers are drawn."""
        plan = self._number_plan()
        return None if plan is None else QFont(plan.font)

    def _small_map(self) -> bool:
        return self._data is not None and max(self._data.shape) <= READABLE_SIDE

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        text_height = QFontMetrics(self.font()).height()
        base = 9 * text_height
        if not self._small_map():
            return QSize(base, base)
        rows, cols = self._data.shape
        cell = max(2.2 * text_height, base / max(rows, cols))
        return QSize(round(cols * cell), round(rows * cell))

    # ------------------------------------------------------------------ values

    def value_text_at(self, row: int, col: int) -> str:
        """``"(row, col): value"`` — the exact value of cell (row, col), or the value of every
        channel of that pixel (``"(0, 0): (20, 30, 45)"``); ``""`` outside the map."""
        if self._data is None or not (
                0 <= row < self._data.shape[0] and 0 <= col < self._data.shape[1]):
            return ""
        source = self._data if self._pixel_values is None else self._pixel_values
        return f"({row}, {col}): {format_values(source[row, col])}"

    def hovered_cell(self) -> tuple[int, int] | None:
        """The cell under the mouse, or None."""
        return self._hover

    def hover_text(self) -> str:
        """The read-out of the cell under the mouse, ``""`` when none."""
        return "" if self._hover is None else self.value_text_at(*self._hover)

    def _set_hover(self, cell: tuple[int, int] | None) -> None:
        if cell == self._hover:
            return
        self._hover = cell
        self.update()
        self.hoverChanged.emit(self.hover_text())

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        position = event.position()
        self._set_hover(self.cell_at(position.x(), position.y()))
        if QToolTip.isVisible():
            self._show_tooltip(event.globalPosition().toPoint())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self._set_hover(None)
        super().leaveEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self._set_hover(None)  # a map taken away (or its tab left) is no longer read out
        super().hideEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._set_hover(self.cell_at(event.pos().x(), event.pos().y()))
            self._show_tooltip(event.globalPos())
            return True
        return super().event(event)

    def _show_tooltip(self, global_pos: QPoint) -> None:
        text = self.hover_text()
        if text:
            QToolTip.showText(global_pos, text, self)
        else:
            QToolTip.hideText()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    # ---------------------------------------------------------------- numbers

    def _number_plan(self) -> _NumberPlan | None:
        """The numbers to draw at the current size and font (cached), or None."""
        layout = self.cell_layout()
        if layout is None or self._cell_rgb is None:
            return None
        key = (layout, self.font().toString())
        if key != self._plan_key:
            self._plan_key, self._plan = key, self._make_plan(layout)
        return self._plan

    def _make_plan(self, layout: CellLayout) -> _NumberPlan | None:
        room = layout.cell - max(2.0, layout.cell / 10)  # a margin each side of the number
        text_height = QFontMetricsF(self.font()).height()
        for scale in number_font_scales(layout.cell, text_height):
            font = _scaled_font(self.font(), scale)
            metrics = QFontMetricsF(font)
            if not numbers_fit(layout.cell, metrics.height()):
                continue
            texts = self._fitting(metrics, room)
            if texts is not None:
                light = light_text(self._cell_rgb)
                return _NumberPlan(font, texts, light)
        return None

    def _fitting(self, metrics: QFontMetricsF, room: float) -> list[list[str]] | None:
        """Each cell's most precise text that fits ``room`` pixels, or None if one does not."""
        if self._forms is None:
            self._forms = [[_cell_forms(float(v)) for v in row] for row in self._data]
        texts = []
        for row in self._forms:
            line = []
            for forms in row:
                text = next((t for t in forms if metrics.horizontalAdvance(t) <= room), None)
                if text is None:
                    return None
                line.append(text)
            texts.append(line)
        return texts

    # ---------------------------------------------------------------- painting

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        layout = self.cell_layout()
        if self._image is not None and layout is not None:
            target = QRectF(layout.left, layout.top, layout.width, layout.height)
            painter.drawImage(target, self._image)  # no smoothing: cells stay crisp
            plan = self._number_plan()
            if plan is not None:
                self._paint_numbers(painter, layout, plan)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
            if self._hover is not None:
                width = max(2.0, layout.cell / 12)
                painter.setPen(QPen(_HOVER_COLOR, width))
                x, y, w, h = layout.cell_rect(*self._hover)
                painter.drawRect(QRectF(x, y, w, h).adjusted(-width / 2, -width / 2,
                                                             width / 2, width / 2))
        elif self._text:
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(self.rect().adjusted(6, 6, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._text)
        painter.end()

    @staticmethod
    def _paint_numbers(painter: QPainter, layout: CellLayout, plan: _NumberPlan) -> None:
        painter.setPen(QPen(_GRID_LINE, 1))
        for r in range(1, layout.rows):
            y = layout.top + r * layout.cell
            painter.drawLine(QPointF(layout.left, y), QPointF(layout.left + layout.width, y))
        for c in range(1, layout.cols):
            x = layout.left + c * layout.cell
            painter.drawLine(QPointF(x, layout.top), QPointF(x, layout.top + layout.height))
        painter.setFont(plan.font)
        for r, row in enumerate(plan.texts):
            for c, text in enumerate(row):
                painter.setPen(_LIGHT_TEXT if plan.light[r, c] else _DARK_TEXT)
                painter.drawText(QRectF(*layout.cell_rect(r, c)), Qt.AlignmentFlag.AlignCenter,
                                 text)


@dataclass(frozen=True)
class _NumberPlan:
    font: QFont
    texts: list[list[str]]
    light: np.ndarray  # True where a cell gets light text


def _cell_forms(value: float) -> list[str]:
    """The texts a cell may show, most precise first (as the step-through grid)."""
    return fitting_texts(value) if math.isfinite(value) else [format_value(value)]


def _scaled_font(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if factor != 1.0:
        if scaled.pointSizeF() > 0:
            scaled.setPointSizeF(scaled.pointSizeF() * factor)
        elif scaled.pixelSize() > 0:
            scaled.setPixelSize(max(1, round(scaled.pixelSize() * factor)))
    return scaled
