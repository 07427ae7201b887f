"""Spreadsheet-style editing for :class:`~convgui.ui.classroom.grid_widgets.NumberGrid`.

Keys move the selected cell as in a spreadsheet: Tab / Shift+Tab along the rows (wrapping to
the next row), Enter / Shift+Enter down and up the columns (wrapping to the next column),
arrow keys one cell in any direction. :func:`moved_cell` says where a move lands;
:class:`CellEditor` is the line edit laid over the cell being typed into.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

from convgui.textgrid import parse_grid

__all__ = ["CellEditor", "is_block", "move_for_key", "moved_cell"]

Cell = tuple[int, int]

_ARROWS = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Left: "left",
           Qt.Key.Key_Right: "right"}
_STEPS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


def move_for_key(event: QKeyEvent) -> str | None:
    """The move a key press asks for: ``"tab"``, ``"backtab"``, ``"enter"``, ``"backenter"``,
    ``"up"``, ``"down"``, ``"left"``, ``"right"``, or None for any other key (or one held
    with Ctrl or Alt)."""
    key, mods = event.key(), event.modifiers()
    if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return None
    shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
    if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and shift):
        return "backtab"
    if key == Qt.Key.Key_Tab:
        return "tab"
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return "backenter" if shift else "enter"
    return _ARROWS.get(Qt.Key(key))


def moved_cell(cell: Cell, move: str, shape: tuple[int, int],
               real: tuple[int, int, int, int]) -> Cell:
    """Where ``move`` (see :func:`move_for_key`) takes the selection from ``cell`` in a grid of
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


def is_block(text: str) -> bool:
    """True when ``text`` is a block of several numbers (as copied from a spreadsheet)."""
    try:
        grid = parse_grid(text)
    except ValueError:
        return False
    return len(grid) * len(grid[0]) > 1


class CellEditor(QLineEdit):
    """The line edit over one cell.

    ``committed(move)``: keep the text and move the selection (``""``: stay; focus lost);
    ``cancelled()``: Escape; ``blockPasted(text)``: Ctrl+V with several numbers on the
    clipboard. When the editor was opened by typing over the cell (``typed_over``), every
    arrow key commits and moves, as in a spreadsheet; opened with F2 or a double-click, Left
    and Right move the text cursor instead.
    """

    committed = Signal(str)
    cancelled = Signal()
    blockPasted = Signal(str)

    def __init__(self, parent: QWidget, typed_over: bool) -> None:
        super().__init__(parent)
        self._typed_over = typed_over
        self.editingFinished.connect(lambda: self.committed.emit(""))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and move_for_key(event) in ("tab", "backtab"):
            self.committed.emit(move_for_key(event))
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        move = move_for_key(event)
        horizontal = move in ("left", "right")
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif move is not None and (self._typed_over or not horizontal):
            self.committed.emit(move)
        elif event.matches(QKeySequence.StandardKey.Paste) and is_block(
                QGuiApplication.clipboard().text()):
            self.blockPasted.emit(QGuiApplication.clipboard().text())
        else:
            super().keyPressEvent(event)
