"""The kernel editor: a heat-mapped grid of numbers, its size, divisor and bias, and tools.

Every change goes through :meth:`SettingsModel.edit`, so it is one undoable step; the widgets
only follow ``SettingsModel.changed`` (refreshed with signals blocked, so a refresh never starts
another edit).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from convgui.settings import MAX_KERNEL_SIDE, Settings
from convgui.textgrid import format_grid, format_number, parse_grid, parse_number
from convgui.ui.kernel_picker import KernelPicker
from convgui.ui.kernel_table import KernelTable, KernelTableModel
from convgui.ui.model import SettingsModel

__all__ = ["ZERO_SUM_REASON", "KernelEditor", "KernelTableModel", "kernel_sum", "resize_centered"]

Rows = list[list[float]]
ZERO_SUM_REASON = (
    "the kernel sums to 0 (an edge/derivative kernel): dividing by its sum is impossible; "
    "its response is already balanced"
)


def kernel_sum(grid: Sequence[Sequence[float]]) -> float:
    """Exact-as-possible sum of the grid; rounding noise of a zero-sum float kernel (a LoG sums
    to ~1e-17) counts as 0."""
    total = math.fsum(v for row in grid for v in row)
    return 0.0 if abs(total) <= 1e-12 * math.fsum(abs(v) for row in grid for v in row) else total


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


_RESIZE_KEY = "kernel-size"


def _changed_axes(before: tuple[int, int], after: tuple[int, int]) -> set[int]:
    """The axes (0 rows, 1 columns) whose length differs between two kernel shapes."""
    return {axis for axis in (0, 1) if before[axis] != after[axis]}


def _shift(old: int, new: int) -> int:
    """Where old index 0 lands: half the padding when growing, minus half the crop when
    shrinking (rounded down, so the odd one is at the bottom / right)."""
    return (new - old) // 2 if new >= old else -((old - new) // 2)


def resize_centered(grid: Sequence[Sequence[float]], rows: int, cols: int) -> Rows:
    """``grid`` as ``rows×cols``, centred: grow pads zeros evenly (the odd one at the bottom /
    right), shrink crops evenly (the odd one from the bottom / right), so the centre tap
    ``(h//2, w//2)`` of an odd side stays the centre."""
    h, w = len(grid), len(grid[0])
    out: Rows = [[0] * cols for _ in range(rows)]
    dr, dc = _shift(h, rows), _shift(w, cols)
    for r in range(max(0, dr), min(rows, h + dr)):
        for c in range(max(0, dc), min(cols, w + dc)):
            out[r][c] = grid[r - dr][c - dc]
    return out


class KernelEditor(QWidget):
    """Edits the kernel, divisor and bias of ``model``; ``message(str)`` is for a status bar.

    ``undo_action`` / ``redo_action`` (Ctrl+Z / Ctrl+Shift+Z) come from ``model.undo_stack``
    and are meant for the main window's Edit menu too.
    """

    message = Signal(str)

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        s = model.settings
        self._shown: tuple[Any, Any, Any] = (None, None, None)

        self.picker = KernelPicker(max_side=MAX_KERNEL_SIDE)
        self.picker.chosen.connect(self.load_kernel)
        self.picker.message.connect(self._report)
        self.picker.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.table_model = KernelTableModel(model, self)
        self.table_model.rejected.connect(self._on_cell_rejected)
        self.table = KernelTable()
        self.table.setModel(self.table_model)
        self.table.setToolTip(
            "The kernel grid, coloured red for positive and blue for negative weights: type a "
            "number or fraction to edit a cell, Enter moves down, Delete zeroes the selection."
        )

        self.rows_spin, self.cols_spin = QSpinBox(), QSpinBox()
        for spin, what in ((self.rows_spin, "rows"), (self.cols_spin, "columns")):
            spin.setRange(1, MAX_KERNEL_SIDE)
            spin.setKeyboardTracking(False)
            spin.setToolTip(f"Number of kernel {what} (1–{MAX_KERNEL_SIDE}): growing pads zeros "
                            "around the kernel, shrinking crops around its centre.")
            spin.valueChanged.connect(self._on_size)

        self.divisor_edit, self.bias_edit = QLineEdit(), QLineEdit()
        self.divisor_edit.setToolTip(
            "The grid is divided by this number (fractions like 1/16 allowed, 0 is refused); "
            "set it to the sum of the grid to keep the brightness.")
        self.bias_edit.setToolTip(
            "Added to every output value after the division, e.g. 128 to show negative "
            "responses of an 8-bit edge kernel as mid-grey.")
        self.divisor_edit.editingFinished.connect(lambda: self._commit_field("divisor"))
        self.bias_edit.editingFinished.connect(lambda: self._commit_field("bias"))

        self.sum_label = QLabel()
        self.sum_label.setToolTip(
            "Sum of the grid, the divisor and the effective sum (their ratio): 1 keeps "
            "the brightness, 0 gives black on flat areas (edges only), above 1 brightens.")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)

        self.tools = QWidget()  # the tool buttons wrap onto more rows in a narrow dock
        self._tools_layout = QFlowLayout(self.tools)
        self._tools_layout.setContentsMargins(0, 0, 0, 0)
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
                               "spreadsheet or Python", self.table, button_text="Copy")
        self.paste_action = add("Paste kernel", self.paste, QKeySequence.StandardKey.Paste,
                                "Replace the whole kernel, size included, with a block of "
                                "numbers from the clipboard (spreadsheet, NumPy or '1 2; 3 4')",
                                self.table, button_text="Paste")
        self.delete_action = QAction("Zero selection", self)
        self.delete_action.setShortcuts([QKeySequence(Qt.Key.Key_Delete),
                                         QKeySequence(Qt.Key.Key_Backspace)])
        self.delete_action.setToolTip("Set the selected cells to 0 (Delete).")
        self.delete_action.triggered.connect(self.zero_selection)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.delete_action)
        stack = model.undo_stack
        self.undo_action = stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.undo_action.setToolTip("Undo the last change to the kernel or any other setting; "
                                    "every change is one step (Ctrl+Z).")
        self.redo_action.setToolTip("Redo the change you last undid (Ctrl+Shift+Z).")
        for action, text in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            self.addAction(action)  # Ctrl+Z works here even before a menu holds the action
            self._tools_layout.addWidget(_proxy_button(action, text))

        size_row = QHBoxLayout()
        size_label = QLabel("Si&ze")
        size_label.setBuddy(self.rows_spin)
        size_row.addWidget(size_label)
        size_row.addWidget(self.rows_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.cols_spin)
        size_row.addStretch(1)
        field_row = QHBoxLayout()
        for text, edit in (("Divi&sor", self.divisor_edit), ("&Bias", self.bias_edit)):
            label = QLabel(text)
            label.setBuddy(edit)
            field_row.addWidget(label)
            field_row.addWidget(edit)
        self._name_controls()
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.tools)
        layout.addLayout(size_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(field_row)
        layout.addWidget(self.sum_label)
        layout.addWidget(self.message_label)

        model.changed.connect(self._follow)
        self._follow(s)

    def _name_controls(self) -> None:
        """Accessible names (read by screen readers) and What's This texts (Shift+F1)."""
        for widget, name, what in (
            (self.picker.combo, "Load a kernel",
             "Pick a textbook kernel (Sobel, Gaussian, Laplacian, …) to load its grid and "
             "divisor, or a generator to build one from parameters."),
            (self.table, "Kernel weights",
             "The kernel's weights. Red cells are positive, blue negative, white zero; the "
             "headers give each tap's offset from the centre. Type a number or a fraction such "
             "as 1/16 to change a cell; arrow keys move between cells, Enter commits and moves "
             "down, Delete zeroes the selected cells, Ctrl+C / Ctrl+V copy and paste the whole "
             "kernel. Tab and Shift+Tab leave the grid."),
            (self.rows_spin, "Kernel size rows",
             "How many rows the kernel has. Growing adds zeros around it, shrinking crops it "
             "around its centre tap."),
            (self.cols_spin, "Kernel size columns",
             "How many columns the kernel has. Growing adds zeros around it, shrinking crops "
             "it around its centre tap."),
            (self.divisor_edit, "Divisor",
             "Every weight is divided by this number: 16 turns the integer Gaussian 1 2 1 / "
             "2 4 2 / 1 2 1 into weights that sum to 1. Normalize sets it to the grid's sum."),
            (self.bias_edit, "Bias",
             "Added to every output value after the division; 128 shows the negative "
             "responses of an 8-bit edge kernel as darker than mid-grey."),
        ):
            widget.setAccessibleName(name)
            widget.setWhatsThis(what)
        self.sum_label.setWhatsThis(  # its name is its text, the sums
            "The sum of the weights, the divisor and their ratio: 1 keeps the brightness, "
            "0 makes flat areas black (only edges respond).")
        corner = self.table.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.setAccessibleName("Select all taps")
            corner.setToolTip("Select every tap (Ctrl+A)")

    # -- plumbing ---------------------------------------------------------------------------

    def _add_action(self, text: str, slot: Callable[[], Any], shortcut: Any, tip: str,
                    owner: QWidget | None = None, button_text: str = "") -> QAction:
        """An action with a shortcut and a tool button. ``text`` (with its menu mnemonic) names
        it in menus and to screen readers, ``button_text`` (default: ``text`` without the
        "&") is what the button shows."""
        action = QAction(text, self)
        action.setIconText(button_text or text.replace("&", ""))
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys and keys not in tip else tip)
        action.setWhatsThis(tip)
        action.triggered.connect(slot)
        # The shortcut works while the focus is anywhere in ``owner`` (the editor by default);
        # the window makes the kernel tools work everywhere (convgui.ui.keyboard).
        (owner or self).addAction(action)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setAccessibleName(text.replace("&", ""))
        self._tools_layout.addWidget(button)
        return action

    def tool_actions(self) -> list[QAction]:
        """The kernel tools that change the whole kernel (Normalize, Flip ↔, Flip ↕, Rotate,
        Transpose, Identity, Clear), for a menu and window-wide shortcuts; Copy, Paste and
        Delete stay with the grid (their keys mean other things elsewhere)."""
        return [self.normalize_action, self.flip_h_action, self.flip_v_action,
                self.rotate_action, self.transpose_action, self.identity_action,
                self.clear_action]

    def _report(self, text: str, refusal: bool = True) -> None:
        """Show ``text`` next to the grid (refusals in red) and emit it for the status bar."""
        self.message_label.setStyleSheet("color: #b2182b;" if refusal else "")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self.message.emit(text)

    def _on_cell_rejected(self, reason: str) -> None:
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.refused = True  # Enter on a refused value stays on the cell
        self._report(reason)

    def _edit(self, text: str, **changes: Any) -> bool:
        """One undoable step; a refusal is reported and changes nothing."""
        try:
            self._model.edit(text, **changes)
        except ValueError as exc:
            self._report(f"{text} refused: {exc}")
            return False
        self.message_label.clear()
        return True

    def _follow(self, settings: Settings) -> None:
        """Show ``settings`` (kernel, divisor, bias) without firing any edit."""
        kernel, divisor, bias = settings.kernel, settings.divisor, settings.bias
        if (kernel, divisor, bias) == self._shown:
            return
        if kernel != self._shown[0]:
            h, w = settings.kernel_shape
            for spin, value in ((self.rows_spin, h), (self.cols_spin, w)):
                with QSignalBlocker(spin):
                    spin.setValue(value)
            self.table.fit_cells(max(h, w))
        for edit, value, shown in ((self.divisor_edit, divisor, self._shown[1]),
                                   (self.bias_edit, bias, self._shown[2])):
            if value != shown:  # leave a field that is being typed in alone
                with QSignalBlocker(edit):
                    edit.setText(format_number(value))
        total = kernel_sum(kernel)
        effective = total / divisor
        meaning = (" (keeps brightness)" if math.isclose(effective, 1, abs_tol=1e-9) else
                   " (flat areas → 0)" if abs(effective) < 1e-9 else "")
        self.sum_label.setText(f"Σ = {total:.6g} · divisor {divisor:.6g} · "
                               f"effective Σ = {effective:.6g}{meaning}")
        self._shown = (kernel, divisor, bias)

    def _grid(self) -> Rows:
        return [list(row) for row in self._model.settings.kernel]

    # -- actions ----------------------------------------------------------------------------

    def load_kernel(self, grid: Sequence[Sequence[float]], divisor: float, text: str) -> bool:
        """Replace kernel and divisor (library / generator); over 31×31 is refused."""
        h, w = len(grid), len(grid[0]) if len(grid) else 0
        if max(h, w) > MAX_KERNEL_SIDE:
            self._report(f"{text} refused: the kernel is {h}×{w}, larger than the "
                         f"{MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE} the editor holds.")
            return False
        return self._edit(text, kernel=[list(r) for r in grid], divisor=divisor)

    def resize_kernel(self, rows: int, cols: int) -> bool:
        """Resize to ``rows×cols`` keeping the content centred (see :func:`resize_centered`).

        One undo step sets the size once, "Resize kernel 3×3 → 5×5": the rows box and then
        the columns box (one axis each) make one step, and changing an axis that the step
        already changed starts a new one, so every size the kernel had can be undone to.
        """
        shape = self._model.settings.kernel_shape
        start = self._model.open_step(_RESIZE_KEY)
        if start is not None and _changed_axes(start.kernel_shape, shape) & _changed_axes(
                shape, (rows, cols)):
            self._model.close_step()
            start = None
        h0, w0 = (start or self._model.settings).kernel_shape
        grid = resize_centered(self._grid(), rows, cols)
        return self._edit(f"Resize kernel {h0}×{w0} → {rows}×{cols}", merge_key=_RESIZE_KEY,
                          kernel=grid)

    def _on_size(self) -> None:
        if not self.resize_kernel(self.rows_spin.value(), self.cols_spin.value()):
            self._shown = (None, None, None)
            self._follow(self._model.settings)

    def _commit_field(self, name: str) -> bool:
        edit = self.divisor_edit if name == "divisor" else self.bias_edit
        old = getattr(self._model.settings, name)
        text = edit.text().strip()
        try:
            value = parse_number(text)
            if name == "divisor" and value == 0:
                raise ValueError("0 would divide by zero; use 1 to leave the grid as it is")
        except ValueError as exc:
            edit.setText(format_number(old))
            self._report(f"{name.capitalize()} refused: {exc}; kept {format_number(old)}.")
            return False
        if value == old:
            edit.setText(format_number(old))
            return True
        if not self._edit(f"Set {name} to {text}", **{name: value}):
            edit.setText(format_number(old))
            return False
        return True

    def normalize(self) -> bool:
        """Divisor := sum of the grid; refused (with the reason) when the sum is 0."""
        grid = self._model.settings.kernel
        total = kernel_sum(grid)
        if not any(any(row) for row in grid):
            self._report("Normalize refused: the kernel is all zeros, there is nothing to scale.")
            return False
        if total == 0:
            self._report(f"Normalize refused: {ZERO_SUM_REASON}.")
            return False
        if total == self._model.settings.divisor:
            self._report(f"Already normalized: the divisor is the sum, {total:g}.", False)
            return True
        return self._edit("Normalize (divisor = Σ)", divisor=total)

    def flip_horizontal(self) -> bool:
        """Mirror left–right."""
        return self._edit("Flip horizontally", kernel=[row[::-1] for row in self._grid()])

    def flip_vertical(self) -> bool:
        """Mirror top–bottom."""
        return self._edit("Flip vertically", kernel=self._grid()[::-1])

    def rotate(self) -> bool:
        """Rotate 90° clockwise."""
        rows = zip(*self._grid()[::-1], strict=True)
        return self._edit("Rotate 90° clockwise", kernel=[list(r) for r in rows])

    def transpose(self) -> bool:
        """Swap rows and columns."""
        return self._edit("Transpose", kernel=[list(r) for r in zip(*self._grid(), strict=True)])

    def identity(self) -> bool:
        """Same size, 1 at ``(h//2, w//2)``, divisor 1."""
        h, w = self._model.settings.kernel_shape
        grid = [[0] * w for _ in range(h)]
        grid[h // 2][w // 2] = 1
        return self._edit("Identity kernel", kernel=grid, divisor=1)

    def clear(self) -> bool:
        """Same size, all zeros."""
        h, w = self._model.settings.kernel_shape
        return self._edit("Clear kernel", kernel=[[0] * w for _ in range(h)])

    def zero_selection(self) -> bool:
        """Set the selected cells (or the current one) to 0 in one step."""
        cells = self.table.selectionModel().selectedIndexes() or [self.table.currentIndex()]
        grid = self._grid()
        for index in cells:
            if index.isValid():
                grid[index.row()][index.column()] = 0
        return self._edit("Zero selected taps", kernel=grid)

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
            self._report(f"Paste refused: {exc}.")
            return False
        return self._edit(f"Paste {len(grid)}×{len(grid[0])} kernel", kernel=grid)
