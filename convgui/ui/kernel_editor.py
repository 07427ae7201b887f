"""The kernel editor: a heat-mapped grid of numbers, its size, divisor and bias, and tools.

Every change goes through :meth:`SettingsModel.edit`, so it is one undoable step; the widgets
only follow the model's changes to the kernel, divisor and bias (:class:`FollowsSettings`),
refreshed with signals blocked, so a refresh never starts another edit. The grid is
:mod:`convgui.ui.kernel_table`, the tool buttons :mod:`convgui.ui.kernel_tools`, the library
drop-down :mod:`convgui.ui.kernel_picker`, the arithmetic :mod:`convgui.ui.kernel_grid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui.kernel_grid import ZERO_SUM_REASON, changed_axes, resize_centered, sum_summary
from convgui.settings import MAX_KERNEL_SIDE, Settings
from convgui.textgrid import format_number, parse_number
from convgui.ui.follow import FollowsSettings
from convgui.ui.kernel_picker import KernelPicker
from convgui.ui.kernel_table import KernelTable, KernelTableModel
from convgui.ui.kernel_tools import KernelTools
from convgui.ui.model import SettingsModel

__all__ = ["ZERO_SUM_REASON", "KernelEditor", "KernelTableModel", "resize_centered"]

_RESIZE_KEY = "kernel-size"


class KernelEditor(FollowsSettings, QWidget):
    """Edits the kernel, divisor and bias of ``model``; ``message(str)`` is for a status bar.

    The actions are built by :attr:`tools` (:class:`~convgui.ui.kernel_tools.KernelTools`)
    and named here too: ``normalize_action`` … ``paste_action``, ``delete_action``, and
    ``undo_action`` / ``redo_action`` (Ctrl+Z / Ctrl+Shift+Z, from ``model.undo_stack``),
    which are meant for the main window's Edit menu too.
    """

    # The size boxes and the sum line show the kernel, the fields its divisor and bias.
    depends_on = frozenset({"kernel", "divisor", "bias"})
    message = Signal(str)

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

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
        self.sum_label.setWordWrap(True)  # (a narrow dock shows it all, on two lines)
        self.sum_label.setToolTip(
            "Sum of the grid, the divisor and the effective sum (their ratio): 1 keeps "
            "the brightness, 0 gives black on flat areas (edges only), above 1 brightens.")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)

        self.tools = KernelTools(model, self.table, self, self._edit, self._report)
        tools = self.tools  # the window and its menus know the actions as the editor's
        self.normalize_action, self.flip_h_action = tools.normalize_action, tools.flip_h_action
        self.flip_v_action, self.rotate_action = tools.flip_v_action, tools.rotate_action
        self.transpose_action = tools.transpose_action
        self.identity_action, self.clear_action = tools.identity_action, tools.clear_action
        self.copy_action, self.paste_action = tools.copy_action, tools.paste_action
        self.delete_action = tools.delete_action
        self.undo_action, self.redo_action = tools.undo_action, tools.redo_action

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

        self.settings_changed(model.settings, self.depends_on)
        self.follow(model)

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

    def tool_actions(self) -> list[QAction]:
        """The kernel tools that change the whole kernel (Normalize, Flip ↔, Flip ↕, Rotate,
        Transpose, Identity, Clear), for a menu and window-wide shortcuts; Copy, Paste and
        Delete stay with the grid (their keys mean other things elsewhere)."""
        return self.tools.tool_actions()

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

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """Show the changed ``fields`` of ``settings`` without firing any edit; a divisor or
        bias field whose value did not change is left alone (it may be being typed in)."""
        if "kernel" in fields:
            h, w = settings.kernel_shape
            for spin, value in ((self.rows_spin, h), (self.cols_spin, w)):
                with QSignalBlocker(spin):
                    spin.setValue(value)
            self.table.fit_cells(max(h, w))
        for name, edit in (("divisor", self.divisor_edit), ("bias", self.bias_edit)):
            if name in fields:
                with QSignalBlocker(edit):
                    edit.setText(format_number(getattr(settings, name)))
        if fields & {"kernel", "divisor"}:
            self.sum_label.setText(sum_summary(settings.kernel, settings.divisor))

    # -- edits ------------------------------------------------------------------------------

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
        if start is not None and changed_axes(start.kernel_shape, shape) & changed_axes(
                shape, (rows, cols)):
            self._model.close_step()
            start = None
        h0, w0 = (start or self._model.settings).kernel_shape
        grid = resize_centered(self._model.settings.kernel, rows, cols)
        return self._edit(f"Resize kernel {h0}×{w0} → {rows}×{cols}", merge_key=_RESIZE_KEY,
                          kernel=grid)

    def _on_size(self) -> None:
        if not self.resize_kernel(self.rows_spin.value(), self.cols_spin.value()):
            self.settings_changed(self._model.settings, self.depends_on)  # the boxes go back

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
