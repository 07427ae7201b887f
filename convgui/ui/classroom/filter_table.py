"""The filter bank's list of filters: one row per filter (its kernel as a small heat map, its
name and size) with a spin box for its weight in a weighted sum."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from convgui.filterbank import Filter
from convgui.ui.classroom.kernel_pixmap import kernel_pixmap

__all__ = ["FilterTable"]


class FilterTable(QTableWidget):
    """The filters of a bank, one row each, a single row selectable; nothing is edited in
    place but the weights. ``weightEdited(row, weight)`` when the user changes a weight."""

    weightEdited = Signal(int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self._weights_enabled = False
        self.setHorizontalHeaderLabels(["Filter", "Weight"])
        self.setAccessibleName("Filters")
        self.setToolTip("The filters of the bank, each with its weight in a weighted "
                        "sum; select one to remove, move or replace it")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIconSize(QSize(32, 32))
        self.verticalHeader().setDefaultSectionSize(38)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def show_filters(self, filters: Sequence[Filter], select: int | None = None) -> None:
        """One row per filter (``"Sobel x  (3×3)"`` and its weight), selecting row ``select``
        when it is one."""
        self.setRowCount(len(filters))
        for row, f in enumerate(filters):
            kh, kw = f.kernel.shape
            item = QTableWidgetItem(QIcon(kernel_pixmap(f.kernel, 32)), f"{f.name}  ({kh}×{kw})")
            self.setItem(row, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(-100.0, 100.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setValue(f.weight)
            spin.setAccessibleName(f"Weight of {f.name}")
            spin.valueChanged.connect(lambda v, r=row: self.weightEdited.emit(r, v))
            self.setCellWidget(row, 1, spin)
        if select is not None and 0 <= select < len(filters):
            self.selectRow(select)
        self.set_weights_enabled(self._weights_enabled)

    def set_weights_enabled(self, enabled: bool) -> None:
        """Let the weights be edited (the weighted sum uses them) or not (the other merges)."""
        self._weights_enabled = enabled
        for row in range(self.rowCount()):
            spin = self.cellWidget(row, 1)
            if spin is not None:
                spin.setEnabled(enabled)
                spin.setToolTip("" if enabled else "weights are used by the weighted sum")
