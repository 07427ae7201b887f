"""Spreadsheet-style editing for :class:`~convgui.ui.classroom.grid_widgets.NumberGrid`.

Keys move the selected cell as in a spreadsheet: Tab / Shift+Tab along the rows (wrapping to
the next row), Enter / Shift+Enter down and up the columns (wrapping to the next column),
arrow keys one cell in any direction. :func:`move_for_key` names the move a key asks for
(:func:`convgui.gridcells.moved_cell` says where it lands); :class:`CellEditor` is the line
edit laid over the cell being typed into and :class:`CellEditing` keeps a grid's one open
editor.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

from convgui.gridcells import Cell
from convgui.textgrid import parse_grid

__all__ = ["CellEditing", "CellEditor", "is_block", "move_for_key"]

_ARROWS = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Left: "left",
           Qt.Key.Key_Right: "right"}


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


class CellEditing:
    """The one open :class:`CellEditor` of ``grid``, over one of its cells.

    ``commit(cell, text, move)`` is called when the editor's text is kept (``text`` None when
    unchanged) with the move that ended the editing (``""``: none); ``paste(cell, block)`` for
    Ctrl+V with several numbers on the clipboard. The editor is closed before either call.
    """

    def __init__(self, grid: QWidget, commit: Callable[[Cell, str | None, str], None],
                 paste: Callable[[Cell, str], None]) -> None:
        self._grid, self._commit_to, self._paste_to = grid, commit, paste
        self._editor: CellEditor | None = None
        self._cell: Cell | None = None
        self._start_text = ""  # the editor's text when it opened

    @property
    def editor(self) -> CellEditor | None:
        """The open editor, if any."""
        return self._editor

    def open(self, cell: Cell, value: str, typed: str | None) -> CellEditor:
        """Close any open editor and open one on ``cell``: typing over it with ``typed``, else
        editing ``value`` (its text). The owner places (:meth:`place`) and shows it."""
        self.close()
        editor = CellEditor(self._grid, typed_over=bool(typed))
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._start_text = value
        editor.setText(typed if typed else value)
        editor.committed.connect(lambda move, e=editor: self._commit(e, move))
        editor.cancelled.connect(lambda e=editor: self._cancel(e))
        editor.blockPasted.connect(lambda block, e=editor, cell=cell: self._paste(e, cell, block))
        self._editor, self._cell = editor, cell
        return editor

    def cell(self) -> Cell | None:
        """The cell being edited, if any."""
        return self._cell

    def place(self, font: QFont, cell_rect: QRect) -> None:
        """Put the open editor (if any) inside ``cell_rect`` in ``font``."""
        if self._editor is not None:
            self._editor.setFont(font)
            self._editor.setGeometry(cell_rect.adjusted(2, 2, -2, -2))

    def has_focus(self) -> bool:
        return self._editor is not None and self._editor.hasFocus()

    def close(self) -> None:
        """Close the editor without applying its text (the grid keeps the focus)."""
        editor, self._editor, self._cell = self._editor, None, None
        if editor is not None:
            had_focus = editor.hasFocus()
            editor.hide()
            editor.deleteLater()
            if had_focus:
                self._grid.setFocus()

    def _commit(self, editor: CellEditor, move: str) -> None:
        cell = self._cell
        if editor is not self._editor or cell is None:
            return
        text = editor.text()
        self.close()
        self._commit_to(cell, text if text != self._start_text else None, move)

    def _paste(self, editor: CellEditor, cell: Cell, block: str) -> None:
        self._cancel(editor)
        self._paste_to(cell, block)

    def _cancel(self, editor: CellEditor) -> None:
        if editor is self._editor:
            self.close()
