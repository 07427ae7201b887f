"""Widgets for the classroom's step-by-step panels; they draw and relay, they compute nothing.

:class:`NumberGrid` shows a grid of numbers (drawn by :mod:`~convgui.ui.classroom.grid_painting`:
padding hatched, the window's taps framed orange, marked cells blue, the current cell orange)
with an editor for the real cells that works like a spreadsheet's (see
:mod:`~convgui.ui.classroom.grid_editing`): the selected cell has a dark focus frame, typing a
number replaces its value, Enter / Tab / arrow keys move on, Ctrl+V pastes a block from the
selected cell. Where the cells lie and how the selection moves is :mod:`convgui.gridcells`.

Sizes follow the widget's font, so raising the application font for a presentation enlarges
the grids with it. At :meth:`NumberGrid.base_cell` (at least 40 px) and above, the numbers are
1.2 times the font and grow with the cell; an owner short of room may ask for smaller cells
(:meth:`NumberGrid.set_cell_side`), down to :meth:`NumberGrid.min_cell`: the numbers then take
the largest of :data:`~convgui.mapcells.NUMBER_FONT_SCALES` times the font at which the cell is
at least :data:`~convgui.gridcells.CELL_PER_TEXT_HEIGHT` text heights and holds the widest
number. A tap's weight is drawn in its cell's corner only where it does not run into the number
(the tooltip and the arithmetic always have it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QToolTip, QWidget

from convgui.gridcells import (
    Cell,
    GridLayout,
    GridMarks,
    cell_tooltip,
    is_real,
    legible_side,
    moved_cell,
    number_box,
    number_scale,
    path_fits,
    value_text,
    weights_fit,
)
from convgui.mapcells import NUMBER_FONT_SCALES
from convgui.ui.classroom.grid_editing import CellEditing, move_for_key
from convgui.ui.classroom.grid_painting import GridPicture, paint_grid, weight_label
from convgui.ui.kernel_table import fitting_texts

__all__ = ["NumberGrid", "labelled", "scaled_font"]

BASE_FONT_SCALE = 1.2  # the numbers' font at zoom 1, times the widget's font
_TYPED = "0123456789-−.+"  # a key press with one of these starts typing over the cell


def scaled_font(font: QFont, factor: float, *, bold: bool = False,
                italic: bool = False) -> QFont:
    """``font`` enlarged by ``factor`` (point or pixel sized), optionally bold/italic."""
    f = QFont(font)
    if f.pointSizeF() > 0:
        f.setPointSizeF(f.pointSizeF() * factor)
    elif f.pixelSize() > 0:
        f.setPixelSize(max(1, round(f.pixelSize() * factor)))
    f.setBold(bold)
    f.setItalic(italic)
    return f


class NumberGrid(QWidget):
    """A grid of numbers. The owner sets what to show with the ``set_*`` methods.

    ``real`` is the rectangle (top, left, rows, cols) of real cells; the cells around it are
    padding. Signals: ``cellClicked(row, col)`` for any cell; in a selectable grid
    ``currentChanged(row, col)`` when the selected cell changes by mouse or keyboard
    (``(-1, -1)``: none, after Escape); in an editable one ``editRequested(row, col, text)``
    when a real cell is typed into and ``pasteRequested(row, col, text)`` for Ctrl+V with the
    clipboard's text (the owner parses and applies both, so each can be one undoable step).
    """

    cellClicked = Signal(int, int)
    editRequested = Signal(int, int, str)
    currentChanged = Signal(int, int)
    pasteRequested = Signal(int, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = np.zeros((0, 0))
        self._real = (0, 0, 0, 0)
        self._editable = self._selectable = False
        self._row_labels: list[str] = []
        self._col_labels: list[str] = []
        self._marks = GridMarks()
        self._editing = CellEditing(self, self._committed,
                                    lambda cell, block: self.pasteRequested.emit(*cell, block))
        self._side: int | None = None  # the owner's cell side; None: base_cell()
        self._row_headers = True
        self._min_cell = 0  # min_cell(), measured in _relayout()
        self._widest: dict[float, int] = {}  # font scale → widest number, until _relayout()
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def _relayout(self) -> None:
        """New values, font or cell side: measure the smallest legible cell again; an open
        editor follows its cell."""
        self._widest.clear()
        scale = NUMBER_FONT_SCALES[-1]
        self._min_cell = legible_side(QFontMetrics(self._scaled(scale)).height(),
                                      self._widest_number(scale))
        self.updateGeometry()
        self.adjustSize()
        editing = self._editing.cell()
        if editing is not None:
            self._editing.place(self.number_font(), self.cell_rect(*editing))
        self.update()

    # ------------------------------------------------------------------ what to show
    def set_values(self, values: np.ndarray, real: tuple[int, int, int, int] | None = None,
                   row_labels: Sequence[str] | None = None,
                   col_labels: Sequence[str] | None = None) -> None:
        """The numbers, the real-cell rectangle (default: all real) and the header labels."""
        values = np.asarray(values, dtype=np.float64)
        rows, cols = values.shape
        real = real if real is not None else (0, 0, rows, cols)
        if values.shape != self._values.shape or real != self._real:
            self.cancel_edit()  # the cells moved: the typed text no longer has its cell
        self._values, self._real = values, real
        self._row_labels = list(row_labels) if row_labels is not None else [
            str(r) for r in range(rows)]
        self._col_labels = list(col_labels) if col_labels is not None else [
            str(c) for c in range(cols)]
        self._relayout()

    def shape(self) -> tuple[int, int]:
        """(rows, cols) shown."""
        return self._values.shape  # type: ignore[return-value]

    def set_row_headers(self, visible: bool) -> None:
        """Show the row labels on the left (grids side by side can share one set)."""
        if bool(visible) != self._row_headers:
            self._row_headers = bool(visible)
            self._relayout()

    def set_editable(self, editable: bool) -> None:
        """Whether real cells can be typed into and pasted over (implies selectable)."""
        self._editable = bool(editable)
        if not editable:
            self.cancel_edit()

    def set_selectable(self, selectable: bool) -> None:
        """Whether a click or the keyboard selects a cell (``currentChanged``)."""
        self._selectable = bool(selectable)

    def selected_cell(self) -> Cell | None:
        return self._marks.selected

    def marks(self) -> GridMarks:
        """What is marked on the grid (set by :meth:`set_window` and :meth:`set_marks`)."""
        return self._marks

    def set_window(self, taps: dict[Cell, float | None], box: tuple[int, int, int, int] | None,
                   path: Sequence[Cell] = (), path_done: int = 0) -> None:
        """Taps (cell → weight shown in its corner, or None), the window's bounding box
        (top, left, bottom, right), and the path of window origins (``path_done`` visited)."""
        self._marks = dataclasses.replace(self._marks, taps=dict(taps), box=box,
                                          path=tuple(path), path_done=path_done)
        self.update()

    def set_marks(self, current: Cell | None = None, marked: Sequence[Cell] = (),
                  selected: Cell | None = None, faded_after: int | None = None) -> None:
        """The current cell (orange), marked cells (blue), the selected cell (dark frame);
        cells after row-major index ``faded_after`` are drawn faded (not reached yet)."""
        self._marks = dataclasses.replace(self._marks, current=current,
                                          marked=frozenset(marked), selected=selected,
                                          faded_after=faded_after)
        self.update()

    def set_cell_side(self, side: int | None) -> None:
        """Draw cells ``side`` px square (never below :meth:`min_cell`; larger cells grow the
        numbers with them); None: :meth:`base_cell`."""
        side = None if side is None else int(side)
        if side != self._side:
            self._side = side
            self._relayout()

    # ------------------------------------------------------------------ sizes
    def base_cell(self) -> int:
        """The side of a cell at zoom 1: at least 40 px, growing with the widget's font."""
        return max(40, round(QFontMetrics(self._scaled(BASE_FONT_SCALE)).height() * 2.3))

    def min_cell(self) -> int:
        """The smallest side at which every number shown still fits its cell legibly: in the
        smallest of :data:`~convgui.mapcells.NUMBER_FONT_SCALES`, at least
        :data:`~convgui.gridcells.CELL_PER_TEXT_HEIGHT` text heights and as wide as the widest
        number plus margins. Grows with the widget's font."""
        return self._min_cell

    def cell_size(self) -> int:
        """The side of a cell in pixels."""
        return self.base_cell() if self._side is None else max(self._side, self._min_cell)

    def _scaled(self, factor: float, italic: bool = False) -> QFont:
        return scaled_font(self.font(), factor, italic=italic)

    def _widest_number(self, scale: float) -> int:
        """The width of the widest number in its shortest form at ``scale`` times the font
        (padding cells in italics)."""
        if scale not in self._widest:
            metrics = [QFontMetrics(self._scaled(scale, italic)) for italic in (False, True)]
            rows, cols = self._values.shape
            self._widest[scale] = max((metrics[0 if self.is_real(r, c) else 1].horizontalAdvance(
                fitting_texts(float(self._values[r, c]))[-1])
                for r in range(rows) for c in range(cols)), default=0)
        return self._widest[scale]

    def number_scale(self) -> float:
        """The numbers' font, as a factor of the widget's font (see
        :func:`convgui.gridcells.number_scale`): from :meth:`base_cell` up 1.2 times the
        cell's zoom, in smaller cells the largest of
        :data:`~convgui.mapcells.NUMBER_FONT_SCALES` that holds the numbers legibly."""
        return number_scale(self.cell_size(), self.base_cell(), BASE_FONT_SCALE,
                            NUMBER_FONT_SCALES,
                            lambda scale: (QFontMetrics(self._scaled(scale)).height(),
                                           self._widest_number(scale)))

    def number_font(self, italic: bool = False) -> QFont:
        """The font the numbers are drawn in at the current cell size (padding: italic)."""
        return self._scaled(self.number_scale(), italic)

    def _weight_font(self) -> QFont:
        zoom = self.cell_size() / self.base_cell()
        scale = 0.8 * zoom ** 0.5 if zoom >= 1 else NUMBER_FONT_SCALES[-1]
        return scaled_font(self.font(), scale, bold=True)

    def _number_box(self, side: int, number_font: QFont) -> tuple[float, float, float, float]:
        return number_box(side, self._widest_number(self.number_scale()),
                          QFontMetrics(number_font).capHeight())

    def _weights_fit(self, side: int, number_font: QFont, weight_font: QFont) -> bool:
        texts = [weight_label(w) for w in self._marks.taps.values() if w is not None]
        if not texts:
            return False
        metrics = QFontMetrics(weight_font)
        width = max(metrics.horizontalAdvance(t) for t in texts)
        return weights_fit(side, width, metrics.ascent(), metrics.capHeight(),
                           self._number_box(side, number_font))

    def weights_shown(self) -> bool:
        """Whether the taps' kernel weights are drawn in their cells' corners (they are
        dropped where they would run into the numbers)."""
        return self._weights_fit(self.cell_size(), self.number_font(), self._weight_font())

    def _header_font(self) -> QFont:
        return scaled_font(self.font(), 0.8)

    def _layout(self, side: int) -> GridLayout:
        """Where the cells lie with ``side`` px cells."""
        fm = QFontMetrics(self._header_font())
        width = max([fm.horizontalAdvance(t) for t in self._row_labels] + [0]) + 8
        rows, cols = self._values.shape
        return GridLayout(rows, cols, side, width if self._row_headers else 2, fm.height() + 4)

    def size_for_cell(self, side: int) -> QSize:
        """The grid's size with cells of ``side`` px (at least :meth:`min_cell`)."""
        return QSize(*self._layout(max(self._min_cell, side)).size())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.size_for_cell(self.cell_size())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    def cell_rect(self, r: int, c: int) -> QRect:
        return QRect(*self._layout(self.cell_size()).cell_rect(r, c))

    def cell_at(self, x: float, y: float) -> Cell | None:
        return self._layout(self.cell_size()).cell_at(x, y)

    def is_real(self, r: int, c: int) -> bool:
        return is_real(self._real, r, c)

    # ------------------------------------------------------------------ events
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._relayout()
        super().changeEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.update()  # the selection's frame is solid while the grid has the focus
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.update()
        super().focusOutEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
            self._select(cell)  # a click on the selected cell keeps it selected
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt API
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None:
            self.start_edit(*cell)

    def _select(self, cell: Cell | None) -> None:
        if not self._selectable or cell == self._marks.selected:
            return
        self._marks = dataclasses.replace(self._marks, selected=cell)
        self.update()
        self.currentChanged.emit(*(cell if cell is not None else (-1, -1)))

    def _handles_key(self, event: QKeyEvent) -> bool:
        """Keys the grid takes before the window's shortcuts: moves and paste, while a cell
        is selected."""
        return self._selectable and self._marks.selected is not None and (
            move_for_key(event) is not None
            or (self._editable and event.matches(QKeySequence.StandardKey.Paste)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """With a cell selected: typing a number replaces its value, F2 edits it, Delete sets
        it to 0, Ctrl+V pastes a block from it, Enter / Tab / arrows move, Escape clears the
        selection."""
        cell, move = self._marks.selected, move_for_key(event)
        if not self._selectable or cell is None:
            super().keyPressEvent(event)
        elif move is not None:
            self._select(moved_cell(cell, move, self.shape(), self._real))
        elif event.key() == Qt.Key.Key_Escape:
            self._select(None)
        elif self._editable and event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit(*cell, QGuiApplication.clipboard().text())
        elif (self._editable and self.is_real(*cell)
              and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.editRequested.emit(*cell, "0")
        elif event.key() == Qt.Key.Key_F2 and self.start_edit(*cell):
            pass
        elif not (event.text() and event.text() in _TYPED and self.start_edit(*cell,
                                                                                event.text())):
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._handles_key(event):
            event.accept()  # arrows move the selection here, not the step
            return True
        if event.type() == QEvent.Type.KeyPress and self._handles_key(event) and (
                move_for_key(event) in ("tab", "backtab")):
            self.keyPressEvent(event)  # Tab moves the selection, not the focus
            return True
        if event.type() == QEvent.Type.ToolTip:
            cell = self.cell_at(event.pos().x(), event.pos().y())
            if cell is None:
                QToolTip.hideText()
                return True
            weight = self._marks.taps.get(cell)
            QToolTip.showText(event.globalPos(), cell_tooltip(
                self._row_labels[cell[0]], self._col_labels[cell[1]], self._values[cell],
                self.is_real(*cell), None if weight is None else fitting_texts(float(weight))[0]),
                self)
            return True
        return super().event(event)

    # ------------------------------------------------------------------ editing
    def start_edit(self, r: int, c: int, text: str | None = None) -> bool:
        """Open the editor on real cell (r, c) and select it: typing over it with ``text``,
        else editing its value (cursor at the end). False when the grid is read-only or the
        cell is padding."""
        if not self._editable or not self.is_real(r, c):
            return False
        self.cancel_edit()
        self._select((r, c))
        editor = self._editing.open((r, c), value_text(self._values[r, c]), text)
        self._relayout()
        editor.show()
        editor.setFocus()
        return True

    def editor(self) -> QLineEdit | None:
        """The open cell editor, if any."""
        return self._editing.editor

    def _committed(self, cell: Cell, text: str | None, move: str) -> None:
        """Ask for the edited cell's new text (unless unchanged), then move the selection."""
        if text is not None:
            self.editRequested.emit(cell[0], cell[1], text)
        if move:
            self._select(moved_cell(cell, move, self.shape(), self._real))

    def cancel_edit(self) -> None:
        """Close the editor without applying its text (the grid keeps the focus)."""
        self._editing.close()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self._values.size:
            return
        side = self.cell_size()
        number_font, weight_font = self.number_font(), self._weight_font()
        picture = GridPicture(
            values=self._values, real=self._real,
            row_labels=self._row_labels if self._row_headers else None,
            col_labels=self._col_labels, layout=self._layout(side), marks=self._marks,
            number_font=number_font, pad_font=self.number_font(italic=True),
            header_font=self._header_font(),
            weight_font=(weight_font if self._weights_fit(side, number_font, weight_font)
                         else None),
            show_path=path_fits(side, self._number_box(side, number_font)),
            focused=self.hasFocus() or self._editing.has_focus())
        p = QPainter(self)
        paint_grid(p, picture, event.rect())
        p.end()


def labelled(text: str, widget: QWidget) -> QWidget:
    """``text`` and ``widget`` kept together on one line of a flow layout; the label is the
    widget's buddy and, unless the widget has one, its accessible name."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(widget)
    if not widget.accessibleName():
        widget.setAccessibleName(text.replace("&", "").rstrip(":"))
    row.addWidget(label)
    row.addWidget(widget)
    return pair
