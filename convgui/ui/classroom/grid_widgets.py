"""Widgets for the classroom's step-by-step panels; they draw and relay, they compute nothing.

:class:`NumberGrid` paints a grid of numbers: padding cells hatched with their fill values in
grey italics, the taps of a window with thick orange borders (the kernel weight small in the
corner), marked cells filled blue, the current cell filled orange, and an editor for the real
cells that works like a spreadsheet's (see :mod:`~convgui.ui.classroom.grid_editing`): the
selected cell has a dark focus frame, typing a number replaces its value, Enter / Tab / arrow
keys move on, Ctrl+V pastes a block from the selected cell.

Sizes follow the widget's font, so raising the application font for a presentation enlarges
the grids with it. At :meth:`NumberGrid.base_cell` (at least 40 px) and above, the numbers are
1.2 times the font and grow with the cell; an owner short of room may ask for smaller cells
(:meth:`NumberGrid.set_cell_side`), down to :meth:`NumberGrid.min_cell`: the numbers then take
the largest of :data:`~convgui.mapcells.NUMBER_FONT_SCALES` times the font at which the cell is
at least :data:`CELL_PER_TEXT_HEIGHT` text heights and holds the widest number. A tap's weight
is drawn in its cell's corner only where it does not run into the number (the tooltip and the
arithmetic always have it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolTip,
    QWidget,
)

from convgui.mapcells import NUMBER_FONT_SCALES
from convgui.ui.classroom.grid_editing import CellEditor, move_for_key, moved_cell
from convgui.ui.kernel_table import fitting_texts

__all__ = ["CELL_PER_TEXT_HEIGHT", "NumberGrid", "labelled", "scaled_font"]

#: A cell holds its number legibly when its side is at least this many heights of the
#: number's text.
CELL_PER_TEXT_HEIGHT = 1.6
BASE_FONT_SCALE = 1.2  # the numbers' font at zoom 1, times the widget's font
NUMBER_MARGIN = 6  # px: a number's room is its cell's side less this

WINDOW = QColor(255, 122, 0)  # the current window's taps: thick orange
WINDOW_TEXT = QColor(176, 72, 0)
CURRENT_FILL = QColor(255, 214, 160)
MARK_FILL = QColor(120, 170, 240)  # outputs an input cell feeds: blue
SELECTED = QColor(20, 20, 20)  # the selected cell's frame: dark, not a value colour
PAD_FILL = QColor(226, 226, 226)
PAD_HATCH = QColor(178, 178, 178)
PAD_TEXT = QColor(105, 105, 105)
LINE = QColor(150, 150, 150)
TEXT = QColor(20, 20, 20)
FADED_TEXT = QColor(140, 140, 140)

Cell = tuple[int, int]


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


def _label(value: float) -> str:
    return fitting_texts(float(value))[0]


def _path_radius(side: int) -> float:
    """The radius of the path's dots in cells of ``side`` px."""
    return max(3.0, side / 13)


def _apart(a: QRectF, b: QRectF) -> bool:
    """Whether ``a`` and ``b`` are at least a pixel apart horizontally or vertically."""
    return (a.right() + 1 <= b.left() or b.right() + 1 <= a.left()
            or a.bottom() + 1 <= b.top() or b.bottom() + 1 <= a.top())


_TYPED = "0123456789-−.+"  # a key press with one of these starts typing over the cell


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
        self._editor: CellEditor | None = None
        self._editing: Cell | None = None
        self._editor_text = ""  # the editor's text when it opened
        self._side: int | None = None  # the owner's cell side; None: base_cell()
        self._row_headers = True
        self._min_cell = 0  # min_cell(), measured in _relayout()
        self._widest: dict[float, int] = {}  # font scale → widest number, until _relayout()
        self.set_window({}, None)
        self.set_marks()
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def _relayout(self) -> None:
        """New values, font or cell side: measure the smallest legible cell again; an open
        editor follows its cell."""
        self._widest.clear()
        self._min_cell = self._measure_min_cell()
        self.updateGeometry()
        self.adjustSize()
        if self._editor is not None and self._editing is not None:
            self._editor.setFont(self.number_font())
            self._editor.setGeometry(self.cell_rect(*self._editing).adjusted(2, 2, -2, -2))
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
        return self._selected

    def set_window(self, taps: dict[Cell, float | None], box: tuple[int, int, int, int] | None,
                   path: Sequence[Cell] = (), path_done: int = 0) -> None:
        """Taps (cell → weight shown in its corner, or None), the window's bounding box
        (top, left, bottom, right), and the path of window origins (``path_done`` visited)."""
        self._taps: dict[Cell, float | None] = dict(taps)
        self._box = box
        self._path, self._path_done = list(path), path_done
        self.update()

    def set_marks(self, current: Cell | None = None, marked: Sequence[Cell] = (),
                  selected: Cell | None = None, faded_after: int | None = None) -> None:
        """The current cell (orange), marked cells (blue), the selected cell (dark frame);
        cells after row-major index ``faded_after`` are drawn faded (not reached yet)."""
        self._current, self._selected = current, selected
        self._marked, self._faded_after = set(marked), faded_after
        self.update()

    def set_cell_side(self, side: int | None) -> None:
        """Draw cells ``side`` px square (never below :meth:`min_cell`; larger cells grow the
        numbers with them); None: :meth:`base_cell`."""
        side = None if side is None else int(side)
        if side != self._side:
            self._side = side
            self._relayout()

    # ------------------------------------------------------------------ geometry
    def base_cell(self) -> int:
        """The side of a cell at zoom 1: at least 40 px, growing with the widget's font."""
        return max(40, round(QFontMetrics(self._scaled(BASE_FONT_SCALE)).height() * 2.3))

    def min_cell(self) -> int:
        """The smallest side at which every number shown still fits its cell legibly: in the
        smallest of :data:`~convgui.mapcells.NUMBER_FONT_SCALES`, at least
        :data:`CELL_PER_TEXT_HEIGHT` text heights and as wide as the widest number plus
        margins. Grows with the widget's font."""
        return self._min_cell

    def _measure_min_cell(self) -> int:
        scale = NUMBER_FONT_SCALES[-1]
        height = QFontMetrics(self._scaled(scale)).height()
        return max(math.ceil(CELL_PER_TEXT_HEIGHT * height),
                   self._widest_number(scale) + NUMBER_MARGIN)

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
        """The numbers' font, as a factor of the widget's font: from :meth:`base_cell` up
        1.2 times the cell's zoom; in smaller cells the largest of
        :data:`~convgui.mapcells.NUMBER_FONT_SCALES` at which the cell is at least
        :data:`CELL_PER_TEXT_HEIGHT` text heights and holds the widest number."""
        side, base = self.cell_size(), self.base_cell()
        if side >= base:
            return BASE_FONT_SCALE * side / base
        for scale in NUMBER_FONT_SCALES:
            height = QFontMetrics(self._scaled(scale)).height()
            if (side >= CELL_PER_TEXT_HEIGHT * height
                    and self._widest_number(scale) + NUMBER_MARGIN <= side):
                return scale
        return NUMBER_FONT_SCALES[-1]

    def number_font(self, italic: bool = False) -> QFont:
        """The font the numbers are drawn in at the current cell size (padding: italic)."""
        return self._scaled(self.number_scale(), italic)

    def _weight_font(self) -> QFont:
        zoom = self.cell_size() / self.base_cell()
        scale = 0.8 * zoom ** 0.5 if zoom >= 1 else NUMBER_FONT_SCALES[-1]
        return scaled_font(self.font(), scale, bold=True)

    def _number_box(self, side: int, number_font: QFont) -> QRectF:
        """Where the widest number's glyphs lie in a cell of ``side`` px at (0, 0)."""
        width = self._widest_number(self.number_scale())
        height = QFontMetrics(number_font).capHeight()
        return QRectF((side - width) / 2, (side - height) / 2, width, height)

    def _weights_fit(self, side: int, number_font: QFont, weight_font: QFont) -> bool:
        """Whether the current taps' weights, right-aligned at the top of their cells, stay
        clear of the widest number centred in the cell."""
        texts = ["×" + _label(w) for w in self._taps.values() if w is not None]
        if not texts:
            return False
        metrics, pen = QFontMetrics(weight_font), max(3.0, side / 18)
        width = max(metrics.horizontalAdvance(t) for t in texts)
        glyphs = QRectF(side - pen - 1 - width, pen + metrics.ascent() - metrics.capHeight(),
                        width, metrics.capHeight())
        return width <= side - 2 * pen and _apart(glyphs, self._number_box(side, number_font))

    def weights_shown(self) -> bool:
        """Whether the taps' kernel weights are drawn in their cells' corners (they are
        dropped where they would run into the numbers)."""
        return self._weights_fit(self.cell_size(), self.number_font(), self._weight_font())

    def _path_fits(self, side: int, number_font: QFont) -> bool:
        """Whether the path's dots, in the cells' top-left corners, stay clear of the
        numbers."""
        radius = _path_radius(side)
        dot = QRectF(radius, radius, 2 * radius, 2 * radius)
        return _apart(dot, self._number_box(side, number_font))

    def _header(self) -> tuple[int, int]:
        fm = QFontMetrics(scaled_font(self.font(), 0.8))
        width = max([fm.horizontalAdvance(t) for t in self._row_labels] + [0]) + 8
        return (width if self._row_headers else 2), fm.height() + 4

    def size_for_cell(self, side: int) -> QSize:
        """The grid's size with cells of ``side`` px (at least :meth:`min_cell`)."""
        rows, cols = self._values.shape
        side = max(self._min_cell, side)
        hw, hh = self._header()
        return QSize(hw + cols * side + 4, hh + rows * side + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.size_for_cell(self.cell_size())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    def cell_rect(self, r: int, c: int) -> QRect:
        side = self.cell_size()
        hw, hh = self._header()
        return QRect(hw + c * side, hh + r * side, side, side)

    def cell_at(self, x: float, y: float) -> Cell | None:
        side = self.cell_size()
        hw, hh = self._header()
        r, c = int((y - hh) // side), int((x - hw) // side)
        rows, cols = self._values.shape
        if y < hh or x < hw or not (0 <= r < rows and 0 <= c < cols):
            return None
        return (r, c)

    def is_real(self, r: int, c: int) -> bool:
        top, left, h, w = self._real
        return top <= r < top + h and left <= c < left + w

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
        if not self._selectable or cell == self._selected:
            return
        self._selected = cell
        self.update()
        self.currentChanged.emit(*(cell if cell is not None else (-1, -1)))

    def _handles_key(self, event: QKeyEvent) -> bool:
        """Keys the grid takes before the window's shortcuts: moves and paste, while a cell
        is selected."""
        return self._selectable and self._selected is not None and (
            move_for_key(event) is not None
            or (self._editable and event.matches(QKeySequence.StandardKey.Paste)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """With a cell selected: typing a number replaces its value, F2 edits it, Delete sets
        it to 0, Ctrl+V pastes a block from it, Enter / Tab / arrows move, Escape clears the
        selection."""
        cell, move = self._selected, move_for_key(event)
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
            (r, c), value = cell, format(float(self._values[cell]), ".10g").replace("-", "−")
            kind = "" if self.is_real(r, c) else " (padding)"
            where = f"({self._row_labels[r]}, {self._col_labels[c]})"
            weight = self._taps.get(cell)
            times = "" if weight is None else f", times the kernel weight {_label(weight)}"
            QToolTip.showText(event.globalPos(), f"{where}{kind}: {value}{times}", self)
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
        editor = CellEditor(self, typed_over=bool(text))
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._editor_text = format(float(self._values[r, c]), ".10g").replace("-", "−")
        editor.setText(text if text else self._editor_text)
        editor.committed.connect(lambda move, e=editor: self._commit(e, move))
        editor.cancelled.connect(lambda e=editor: self._cancel(e))
        editor.blockPasted.connect(lambda block, e=editor, cell=(r, c): self._paste_over(
            e, cell, block))
        self._editor, self._editing = editor, (r, c)
        self._relayout()
        editor.show()
        editor.setFocus()
        return True

    def editor(self) -> QLineEdit | None:
        """The open cell editor, if any."""
        return self._editor

    def _commit(self, editor: CellEditor, move: str) -> None:
        """Close ``editor`` (if still the open one), ask for its text unless unchanged, and
        move the selection."""
        cell = self._editing
        if editor is not self._editor or cell is None:
            return
        text = editor.text()
        self._cancel(editor)
        if text != self._editor_text:
            self.editRequested.emit(cell[0], cell[1], text)
        if move:
            self._select(moved_cell(cell, move, self.shape(), self._real))

    def _paste_over(self, editor: CellEditor, cell: Cell, block: str) -> None:
        self._cancel(editor)
        self.pasteRequested.emit(*cell, block)

    def _cancel(self, editor: CellEditor) -> None:
        if editor is self._editor:
            self.cancel_edit()

    def cancel_edit(self) -> None:
        """Close the editor without applying its text (the grid keeps the focus)."""
        editor, self._editor, self._editing = self._editor, None, None
        if editor is not None:
            had_focus = editor.hasFocus()
            editor.hide()
            editor.deleteLater()
            if had_focus:
                self.setFocus()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        rows, cols = self._values.shape
        if not rows or not cols:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = self.cell_size()
        hw, hh = self._header()
        clip = event.rect()
        r0, r1 = max(0, (clip.top() - hh) // side), min(rows, (clip.bottom() - hh) // side + 1)
        c0, c1 = max(0, (clip.left() - hw) // side), min(cols, (clip.right() - hw) // side + 1)
        self._paint_headers(p, side, hw, hh, (r0, r1), (c0, c1))
        value_font, weight_font = self.number_font(), self._weight_font()
        pad_font = self.number_font(italic=True)
        show_weights = self._weights_fit(side, value_font, weight_font)
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._paint_cell(p, r, c, side, value_font, pad_font, cols)
        self._paint_real_border(p)
        if self._path_fits(side, value_font):
            self._paint_path(p, side)
        if self._box is not None:
            top, left, bottom, right = self._box
            rect = QRectF(self.cell_rect(top, left).united(self.cell_rect(bottom, right)))
            p.setPen(QPen(WINDOW, 2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(-1, -1, 1, 1))
        width = max(3.0, side / 18)
        for (r, c), weight in self._taps.items():
            if not (0 <= r < rows and 0 <= c < cols):
                continue
            rect = QRectF(self.cell_rect(r, c))
            p.setPen(QPen(WINDOW, width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(width / 2, width / 2, -width / 2, -width / 2))
            if weight is not None and show_weights:
                p.setFont(weight_font)
                p.setPen(WINDOW_TEXT)
                p.drawText(rect.adjusted(0, width, -width - 1, 0),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                           "×" + _label(weight))
        if self._selected is not None and self._in_grid(self._selected):
            self._paint_selection(p, QRectF(self.cell_rect(*self._selected)), width)
        p.end()

    def _paint_selection(self, p: QPainter, rect: QRectF, width: float) -> None:
        """A focus frame: a dark line with a white one inside it, solid while the grid (or
        its editor) has the focus, dashed otherwise (the same cell in another grid)."""
        focused = self.hasFocus() or (self._editor is not None and self._editor.hasFocus())
        inner = rect.adjusted(width * 1.5, width * 1.5, -width * 1.5, -width * 1.5)
        p.setBrush(Qt.BrushStyle.NoBrush)
        style = Qt.PenStyle.SolidLine if focused else Qt.PenStyle.DashLine
        p.setPen(QPen(SELECTED, width * (1.0 if focused else 0.7), style))
        p.drawRect(inner)
        p.setPen(QPen(Qt.GlobalColor.white, 1.0))
        p.drawRect(inner.adjusted(width / 2 + 1, width / 2 + 1, -width / 2 - 1, -width / 2 - 1))

    def _in_grid(self, cell: Cell) -> bool:
        rows, cols = self._values.shape
        return 0 <= cell[0] < rows and 0 <= cell[1] < cols

    def _paint_headers(self, p: QPainter, side: int, hw: int, hh: int,
                       rows: tuple[int, int], cols: tuple[int, int]) -> None:
        p.setFont(scaled_font(self.font(), 0.8))
        p.setPen(PAD_TEXT)
        for r in range(*rows) if self._row_headers else ():
            p.drawText(QRect(0, hh + r * side, hw - 4, side),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self._row_labels[r])
        for c in range(*cols):
            p.drawText(QRect(hw + c * side, 0, side, hh), Qt.AlignmentFlag.AlignCenter,
                       self._col_labels[c])

    def _paint_cell(self, p: QPainter, r: int, c: int, side: int, value_font: QFont,
                    pad_font: QFont, cols: int) -> None:
        rect = self.cell_rect(r, c)
        real = self.is_real(r, c)
        if not real:
            p.fillRect(rect, PAD_FILL)
            p.fillRect(rect, QBrush(PAD_HATCH, Qt.BrushStyle.BDiagPattern))
        elif (r, c) == self._current:
            p.fillRect(rect, CURRENT_FILL)
        elif (r, c) in self._marked:
            p.fillRect(rect, MARK_FILL)
        else:
            p.fillRect(rect, Qt.GlobalColor.white)
        if not real and (r, c) in self._marked:
            p.fillRect(rect, QColor(MARK_FILL.red(), MARK_FILL.green(), MARK_FILL.blue(), 170))
        p.setPen(QPen(LINE, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5))
        if (r, c) == self._current:
            w = max(3.0, side / 18)
            p.setPen(QPen(WINDOW, w))
            p.drawRect(QRectF(rect).adjusted(w / 2, w / 2, -w / 2, -w / 2))
        faded = (self._faded_after is not None and r * cols + c > self._faded_after
                 and (r, c) not in self._marked)
        p.setFont(value_font if real else pad_font)
        p.setPen(PAD_TEXT if not real else FADED_TEXT if faded else TEXT)
        room = side - NUMBER_MARGIN
        texts = fitting_texts(float(self._values[r, c]))
        fm = p.fontMetrics()
        text = next((t for t in texts if fm.horizontalAdvance(t) <= room), texts[-1])
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_real_border(self, p: QPainter) -> None:
        top, left, h, w = self._real
        rows, cols = self._values.shape
        if (top, left, h, w) == (0, 0, rows, cols) or not h or not w:
            return
        rect = QRectF(self.cell_rect(top, left).united(self.cell_rect(top + h - 1,
                                                                        left + w - 1)))
        p.setPen(QPen(QColor(60, 60, 60), 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)

    def _paint_path(self, p: QPainter, side: int) -> None:
        radius = _path_radius(side)
        for n, cell in enumerate(self._path):
            if not self._in_grid(cell):
                continue
            rect = self.cell_rect(*cell)
            centre = QPointF(rect.left() + radius * 2, rect.top() + radius * 2)
            done = n <= self._path_done
            p.setPen(QPen(WINDOW_TEXT if done else LINE, 1.5))
            p.setBrush(WINDOW if done else Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, radius, radius)


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
