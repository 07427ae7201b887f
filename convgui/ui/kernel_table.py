"""The kernel grid as a Qt table: :class:`KernelTableModel` (numbers on a diverging heat map,
edited through the :class:`SettingsModel`) and :class:`KernelTable`, a view where Enter commits
and moves down like a spreadsheet.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from convgui.settings import Settings
from convgui.textgrid import format_number, parse_number
from convgui.ui.follow import FollowsSettings
from convgui.ui.model import SettingsModel

__all__ = ["KernelTable", "KernelTableModel", "display_number", "full_cell_size", "heat_color"]

_Index = QModelIndex | QPersistentModelIndex
_NEGATIVE = (33, 102, 172)  # blue
_POSITIVE = (178, 24, 43)  # red
_NEUTRAL = (247, 247, 247)  # zero: near-white
_OUTLINE = QColor(20, 20, 20)  # a selected cell's outline, with a white line inside it
_CELL_TEXT = "−0.000"  # a full-size cell is as wide as this text at the table's font
FULL_SIZE_SIDE = 9  # kernels up to this many taps a side get full-size cells
_SMALLEST_CELL = 0.82  # larger kernels: cells shrink to this fraction of full size at most
_SMALL_FONT = 0.85  # ... and their numbers are drawn at this fraction of the font
MIN_SHOWN_TAPS = 3  # the grid's minimum size shows at least this many rows and columns


def heat_color(value: float, peak: float) -> QColor:
    """Diverging colour: blue for negative, red for positive, near-white for 0; ∝ |v| / peak."""
    t = min(1.0, abs(value) / peak) if peak > 0 else 0.0
    end = _NEGATIVE if value < 0 else _POSITIVE
    return QColor(*(round(n + (e - n) * t) for n, e in zip(_NEUTRAL, end, strict=True)))


def display_number(value: float) -> str:
    """Compact cell text: integers as integers, other values with 4 significant digits."""
    text = format_number(value) if float(value).is_integer() else format(value, ".4g")
    return text.replace("-", "−")  # a real minus sign (also in "1e-05": "1e−05")


def fitting_texts(value: float) -> list[str]:
    """Ever shorter texts for ``value``, most precise first (the view shows the first that
    fits its cell): 4 to 1 significant digits, also without the leading 0 (``.035``) or in
    e-notation (``7e−4``), keeping only forms shorter than the ones before."""
    if float(value).is_integer():
        return [display_number(value)]
    texts: list[str] = []
    for digits in (4, 3, 2, 1):
        text = format(value, f".{digits}g").replace("e-0", "e-").replace("e+0", "e+")
        short = text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text
        sci = format(value, f".{digits - 1}e").replace("e-0", "e-").replace("e+0", "e+")
        for form in (text, short, sci):
            if not texts or len(form) < len(texts[-1]):  # only shorter forms are worth trying
                texts.append(form.replace("-", "−"))
    return texts


def full_cell_size(font: QFont) -> int:
    """The side, in pixels, of a kernel cell at ``font``: as wide as ``−0.000`` (44 px at
    9 pt), so it grows with the font in presentation mode."""
    return QFontMetrics(font).horizontalAdvance(_CELL_TEXT)


class _FitDelegate(QStyledItemDelegate):
    """Paints each number with as many digits as fit its cell (the tooltip has them all),
    at ``font_scale`` times the table's font."""

    font_scale = 1.0

    def initStyleOption(self, option: Any, index: Any) -> None:  # noqa: N802 - Qt API
        super().initStyleOption(option, index)
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            return
        if self.font_scale != 1.0:
            option.font.setPointSizeF(QFontInfo(option.font).pointSizeF() * self.font_scale)
            option.fontMetrics = QFontMetrics(option.font)
        room = option.rect.width() - 4
        texts = fitting_texts(value)
        option.text = next((t for t in texts if option.fontMetrics.horizontalAdvance(t) <= room),
                           texts[-1])

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        """The cell in its value's colour whether selected or not (a selection fill of the
        style's blue would make a positive weight read as a negative one); a selected or
        current cell gets an outline instead: near-black with a white line inside, visible on
        white, red and blue cells alike, as thick as an eighth of a text line (at least 2 px)."""
        marked = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus
        outline = bool(option.state & marked)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~marked
        super().paint(painter, plain, index)
        if outline:
            outline_cell(painter, option.rect, max(2, round(option.fontMetrics.height() / 8)))


def outline_cell(painter: QPainter, rect: Any, width: int) -> None:
    """Draw the selection outline of a kernel cell: ``width`` px of near-black along the edge
    of ``rect``, then 1 px of white."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    pen = QPen(_OUTLINE, width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = width // 2
    painter.drawRect(rect.adjusted(half, half, -(width - half), -(width - half)))
    painter.setPen(QPen(QColor("white"), 1))
    painter.drawRect(rect.adjusted(width, width, -width - 1, -width - 1))
    painter.restore()


def _offset(i: int, n: int) -> str:
    d = i - n // 2
    return f"{d:+d}".replace("-", "−") if d else "0"


def _finite(value: Any) -> float:
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{value!r} is not a number")
    if not math.isfinite(value):
        raise ValueError("NaN/inf not allowed")
    return float(value)


class KernelTableModel(FollowsSettings, QAbstractTableModel):
    """The kernel grid of a :class:`SettingsModel` as an editable, heat-mapped table.

    ``setData`` parses the text with :func:`parse_number` and edits the settings model; invalid
    text changes nothing, returns False and emits ``rejected(reason)``.
    """

    # The cells show the kernel's numbers, their tooltips each weight ÷ the divisor.
    depends_on = frozenset({"kernel", "divisor"})
    rejected = Signal(str)

    def __init__(self, model: SettingsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._model = model
        self._grid = model.settings.kernel
        self._divisor = model.settings.divisor
        self._peak = self._peak_of(self._grid)
        self.follow(model)

    @property
    def grid(self) -> tuple[tuple[float, ...], ...]:
        """The grid shown (the settings model's kernel)."""
        return self._grid

    @staticmethod
    def _peak_of(grid: Sequence[Sequence[float]]) -> float:
        return max(abs(v) for row in grid for v in row)

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """Show the kernel and divisor of ``settings``: a new shape resets the table, new
        numbers repaint every cell."""
        grid, divisor = settings.kernel, settings.divisor
        reshape = len(grid) != len(self._grid) or len(grid[0]) != len(self._grid[0])
        if reshape:
            self.beginResetModel()
        self._grid, self._divisor, self._peak = grid, divisor, self._peak_of(grid)
        if reshape:
            self.endResetModel()
        else:
            last = self.index(len(grid) - 1, len(grid[0]) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._grid)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._grid[0])

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        n = len(self._grid[0]) if horizontal else len(self._grid)
        if role == Qt.ItemDataRole.DisplayRole:
            return _offset(section, n)
        if role == Qt.ItemDataRole.ToolTipRole:
            what = "Column" if horizontal else "Row"
            return f"{what} offset from the centre tap (0), the pixel the output is written to."
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        value = self._grid[r][c]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_number(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.EditRole:
            return format_number(value)  # full precision, as text (a line edit, not a spin box)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(heat_color(value, self._peak))
        if role == Qt.ItemDataRole.ForegroundRole:
            bg = heat_color(value, self._peak)
            dark = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue() < 150
            return QBrush(QColor("white") if dark else QColor(20, 20, 20))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = self._where(r, c)
            weight = format(value / self._divisor, ".6g")
            return (f"Tap {where}: {format_number(value)} (÷ divisor = {weight}). "
                    "Type a number or a fraction such as 1/16 to change it.")
        return None

    def _where(self, r: int, c: int) -> str:
        return f"(row {_offset(r, len(self._grid))}, column {_offset(c, len(self._grid[0]))})"

    def setData(self, index: _Index, value: Any,  # noqa: N802 - Qt API
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        r, c = index.row(), index.column()
        try:
            number = _finite(value)
            if number == self._grid[r][c]:
                return True
            rows = [list(row) for row in self._grid]
            rows[r][c] = number
            self._model.edit(f"Set tap {self._where(r, c)} to {format_number(number)}",
                             kernel=rows)
        except ValueError as exc:
            self.rejected.emit(f"Tap {self._where(r, c)} refused: {exc}; kept the old value.")
            return False
        return True


class KernelTable(QTableView):
    """A table where Enter/Return commits and moves down (wrapping to the next column).

    A grid in a form, as the WAI-ARIA grid pattern has it: the grid is one stop of the tab
    chain, arrow keys move between its cells, Tab and Shift+Tab leave it (also while a cell
    is being typed in: the value is committed first, and a refused value keeps the focus on
    its cell).

    Cell and number sizes follow the table's font (:meth:`fit_cells`), also when it changes
    (presentation mode); the minimum size shows :data:`MIN_SHOWN_TAPS` rows and columns.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refused = False  # set when the last commit was refused: then do not move
        self._delegate = _FitDelegate(self)
        self.setItemDelegate(self._delegate)
        self._side = 3
        self.setTabKeyNavigation(False)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setMinimumSectionSize(12)
        self.fit_cells(self._side)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            self.move_down()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: Any) -> None:  # noqa: N802 - Qt API
        hints = QAbstractItemDelegate.EndEditHint
        leave = hint in (hints.EditNextItem, hints.EditPreviousItem)  # Tab / Shift+Tab
        super().closeEditor(editor, hints.NoHint if leave else hint)
        if leave and self.refused:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        elif leave:  # as if Tab / Shift+Tab were pressed on the grid: it leaves
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            key = Qt.Key.Key_Tab if hint == hints.EditNextItem else Qt.Key.Key_Backtab
            QApplication.postEvent(self, QKeyEvent(QEvent.Type.KeyPress, key,
                                                   Qt.KeyboardModifier.NoModifier))
        elif hint == hints.SubmitModelCache and not self.refused:
            self.move_down()
        self.refused = False

    def fit_cells(self, side: int) -> None:
        """Square cells for a kernel of ``side`` taps (its larger side): full size (see
        :func:`full_cell_size`) up to :data:`FULL_SIZE_SIDE` taps, beyond that smaller, down to
        :data:`_SMALLEST_CELL` of full size, with numbers at :data:`_SMALL_FONT` of the font."""
        self._side = max(1, int(side))
        full = full_cell_size(self.font())
        cell = max(round(full * _SMALLEST_CELL), min(full, full * FULL_SIZE_SIDE // self._side))
        self._delegate.font_scale = 1.0 if cell >= full else _SMALL_FONT
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setDefaultSectionSize(cell)
        self.updateGeometry()
        self.viewport().update()

    def cell_size(self) -> int:
        """The side of a cell, in pixels."""
        return self.horizontalHeader().defaultSectionSize()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.fit_cells(self._side)

    def _size_for(self, rows: int, cols: int) -> QSize:
        """The size that shows ``rows``×``cols`` cells with the headers, the frame and the
        scroll bars the rest of the grid then needs."""
        model = self.model()
        all_rows = model.rowCount() if model is not None else rows
        all_cols = model.columnCount() if model is not None else cols
        rows, cols = min(rows, all_rows), min(cols, all_cols)
        cell, frame = self.cell_size(), 2 * self.frameWidth()
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent, None, self)
        width = self.verticalHeader().sizeHint().width() + cols * cell + frame
        height = self.horizontalHeader().sizeHint().height() + rows * cell + frame
        return QSize(width + (bar if all_rows > rows else 0),
                     height + (bar if all_cols > cols else 0))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Room for :data:`MIN_SHOWN_TAPS` rows and columns of cells at the current font."""
        return self._size_for(MIN_SHOWN_TAPS, MIN_SHOWN_TAPS)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """The whole kernel, up to :data:`FULL_SIZE_SIDE` taps a side."""
        return self._size_for(FULL_SIZE_SIDE, FULL_SIZE_SIDE)

    def move_down(self) -> None:
        """Make the cell below current; from the bottom row, the top of the next column."""
        model, current = self.model(), self.currentIndex()
        rows, cols = model.rowCount(), model.columnCount()
        r, c = (current.row() + 1, current.column()) if current.isValid() else (0, 0)
        if r >= rows:
            r, c = 0, (c + 1) % cols
        self.setCurrentIndex(model.index(r, c))
