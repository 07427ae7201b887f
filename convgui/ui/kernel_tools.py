"""The kernel editor's tools: whole-kernel operations (Normalize, flips, Rotate, Transpose,
Identity, Clear), the clipboard, zeroing the selected taps, and Undo / Redo, each an action
with a shortcut and most with a button in a strip that wraps onto more rows in a narrow dock.

Every operation is one undoable edit made through the ``edit`` callable it is given; a
refusal, or a notice, goes to ``report`` (the editor shows it and tells the status bar).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QTableView, QToolButton, QWidget
from superqt import QFlowLayout

from convgui.kernel_grid import (
    ZERO_SUM_REASON,
    flipped_horizontally,
    flipped_vertically,
    identity_grid,
    kernel_sum,
    rotated_clockwise,
    transposed,
    with_zeros,
    zero_grid,
)
from convgui.textgrid import format_grid, parse_grid
from convgui.ui.model import SettingsModel

__all__ = ["KernelTools"]

#: ``edit(text, **changes)``: one undoable step named ``text``; False when it was refused.
Edit = Callable[..., bool]
#: ``report(text, refusal)``: show a sentence to the user (a refusal in red).
Report = Callable[[str, bool], None]


def _proxy_button(action: QAction, text: str) -> QToolButton:
    """A button with a fixed short ``text`` that triggers ``action`` and follows its state
    (the undo actions' own text, "Undo Paste 2×2 kernel", is for a menu)."""
    button = QToolButton()
    button.setText(text)
    button.setAutoRaise(True)
    button.clicked.connect(action.trigger)
    button.setEnabled(action.isEnabled())
    button.setToolTip(action.toolTip())
    action.enabledChanged.connect(button.setEnabled)  # a Qt slot: no Python runs at teardown
    return button


class KernelTools(QWidget):
    """The tool buttons of the kernel in ``model`` and their actions.

    The actions are the editor's: they belong to ``scope`` (the editor) and their shortcuts
    work while the focus is anywhere in it, except Copy, Paste and Zero selection, which work
    in ``grid`` (the kernel table) only: their keys mean other things elsewhere.
    """

    def __init__(self, model: SettingsModel, grid: QTableView, scope: QWidget,
                 edit: Edit, report: Report) -> None:
        super().__init__()
        self._model, self._grid_view, self._scope = model, grid, scope
        self._edit, self._report = edit, report
        self._layout = QFlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        add = self._add_action
        self.normalize_action = add("&Normalize", self.normalize, "Ctrl+Shift+N",
                                    "Set the divisor to the sum of the grid so the kernel "
                                    "keeps the brightness (refused for zero-sum kernels).")
        self.flip_h_action = add("Flip &horizontally", self.flip_horizontal, "Ctrl+Alt+H",
                                 "Mirror the kernel left–right (turns correlation into "
                                 "convolution along x).", button_text="Flip ↔")
        self.flip_v_action = add("Flip &vertically", self.flip_vertical, "Ctrl+Alt+V",
                                 "Mirror the kernel top–bottom (turns correlation into "
                                 "convolution along y).", button_text="Flip ↕")
        self.rotate_action = add("&Rotate 90° clockwise", self.rotate, "Ctrl+Shift+R",
                                 "Rotate the kernel 90° clockwise: Sobel x becomes Sobel y, "
                                 "an edge detector for the other direction.",
                                 button_text="Rotate ⟳")
        self.transpose_action = add("&Transpose", self.transpose, "Ctrl+Shift+T",
                                    "Swap rows and columns (mirror about the main diagonal).")
        self.identity_action = add("&Identity", self.identity, "Ctrl+Shift+I",
                                   "Zeros with a 1 at the centre tap and divisor 1, the kernel "
                                   "that leaves the image unchanged (same size).")
        self.clear_action = add("&Clear", self.clear, "Ctrl+Shift+Del",
                                "Set every weight to 0 (same size), a blank kernel to fill in.")
        self.copy_action = add("Copy kernel", self.copy, QKeySequence.StandardKey.Copy,
                               "Copy the whole kernel as tab-separated text, ready for a "
                               "spreadsheet or Python", grid, button_text="Copy")
        self.paste_action = add("Paste kernel", self.paste, QKeySequence.StandardKey.Paste,
                                "Replace the whole kernel, size included, with a block of "
                                "numbers from the clipboard (spreadsheet, NumPy or '1 2; 3 4')",
                                grid, button_text="Paste")
        self.delete_action = QAction("Zero selection", scope)
        self.delete_action.setShortcuts([QKeySequence(Qt.Key.Key_Delete),
                                         QKeySequence(Qt.Key.Key_Backspace)])
        self.delete_action.setToolTip("Set the selected cells to 0 (Delete).")
        self.delete_action.triggered.connect(self.zero_selection)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        grid.addAction(self.delete_action)
        stack = model.undo_stack
        self.undo_action = stack.createUndoAction(scope, "Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(scope, "Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.undo_action.setToolTip("Undo the last change to the kernel or any other setting; "
                                    "every change is one step (Ctrl+Z).")
        self.redo_action.setToolTip("Redo the change you last undid (Ctrl+Shift+Z).")
        for action, text in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            scope.addAction(action)  # Ctrl+Z works here even before a menu holds the action
            self._layout.addWidget(_proxy_button(action, text))

    def _add_action(self, text: str, slot: Callable[[], Any], shortcut: Any, tip: str,
                    owner: QWidget | None = None, button_text: str = "") -> QAction:
        """An action with a shortcut and a tool button. ``text`` (with its menu mnemonic) names
        it in menus and to screen readers, ``button_text`` (default: ``text`` without the
        "&") is what the button shows."""
        action = QAction(text, self._scope)
        action.setIconText(button_text or text.replace("&", ""))
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys and keys not in tip else tip)
        action.setWhatsThis(tip)
        action.triggered.connect(slot)
        # The shortcut works while the focus is anywhere in ``owner`` (the editor by default);
        # the window makes the kernel tools work everywhere (convgui.ui.keyboard).
        (owner or self._scope).addAction(action)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setAccessibleName(text.replace("&", ""))
        self._layout.addWidget(button)
        return action

    def tool_actions(self) -> list[QAction]:
        """The tools that change the whole kernel (Normalize, Flip ↔, Flip ↕, Rotate,
        Transpose, Identity, Clear), for a menu and window-wide shortcuts; Copy, Paste and
        Delete stay with the grid."""
        return [self.normalize_action, self.flip_h_action, self.flip_v_action,
                self.rotate_action, self.transpose_action, self.identity_action,
                self.clear_action]

    # -- the operations ---------------------------------------------------------------------

    def normalize(self) -> bool:
        """Divisor := sum of the grid; refused (with the reason) when the sum is 0."""
        grid = self._model.settings.kernel
        total = kernel_sum(grid)
        if not any(any(row) for row in grid):
            self._report("Normalize refused: the kernel is all zeros, there is nothing to scale.",
                         True)
            return False
        if total == 0:
            self._report(f"Normalize refused: {ZERO_SUM_REASON}.", True)
            return False
        if total == self._model.settings.divisor:
            self._report(f"Already normalized: the divisor is the sum, {total:g}.", False)
            return True
        return self._edit("Normalize (divisor = Σ)", divisor=total)

    def flip_horizontal(self) -> bool:
        """Mirror left–right."""
        return self._edit("Flip horizontally",
                          kernel=flipped_horizontally(self._model.settings.kernel))

    def flip_vertical(self) -> bool:
        """Mirror top–bottom."""
        return self._edit("Flip vertically",
                          kernel=flipped_vertically(self._model.settings.kernel))

    def rotate(self) -> bool:
        """Rotate 90° clockwise."""
        return self._edit("Rotate 90° clockwise",
                          kernel=rotated_clockwise(self._model.settings.kernel))

    def transpose(self) -> bool:
        """Swap rows and columns."""
        return self._edit("Transpose", kernel=transposed(self._model.settings.kernel))

    def identity(self) -> bool:
        """Same size, 1 at ``(h//2, w//2)``, divisor 1."""
        return self._edit("Identity kernel",
                          kernel=identity_grid(*self._model.settings.kernel_shape), divisor=1)

    def clear(self) -> bool:
        """Same size, all zeros."""
        return self._edit("Clear kernel", kernel=zero_grid(*self._model.settings.kernel_shape))

    def zero_selection(self) -> bool:
        """Set the selected cells (or the current one) to 0 in one step."""
        view = self._grid_view
        cells = view.selectionModel().selectedIndexes() or [view.currentIndex()]
        taps = [(index.row(), index.column()) for index in cells if index.isValid()]
        return self._edit("Zero selected taps",
                          kernel=with_zeros(self._model.settings.kernel, taps))

    def copy(self) -> None:
        """The kernel, tab-separated, to the clipboard."""
        QGuiApplication.clipboard().setText(format_grid(self._model.settings.kernel))
        h, w = self._model.settings.kernel_shape
        self._report(f"Copied the {h}×{w} kernel to the clipboard.", False)

    def paste(self) -> bool:
        """Replace the whole kernel (size included) with the block on the clipboard."""
        try:
            grid = parse_grid(QGuiApplication.clipboard().text())
        except ValueError as exc:
            self._report(f"Paste refused: {exc}.", True)
            return False
        return self._edit(f"Paste {len(grid)}×{len(grid[0])} kernel", kernel=grid)
