"""The kernel library picker: textbook kernels and parametric generators in one drop-down.

The picker edits nothing itself: it emits ``chosen(grid, divisor, text)`` and the kernel editor
applies that as one undoable step (and refuses kernels it cannot hold).

The parameter boxes offer exactly what can be applied: each generator parameter's range from
:mod:`convgui.kernels`, its int parameters (kernel sides and lengths) capped at the largest side
the editor holds. A number typed outside the range is set to the nearest bound and ``message``
says why (a plain spin box silently dropped the keystroke: typing 61 gave 6).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui.kernels import GENERATORS, LIBRARY, GeneratorSpec, Param
from convgui.settings import MAX_KERNEL_SIDE

_PLACEHOLDER = "Load a kernel…"
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


class KernelPicker(QWidget):
    """A combo box of :data:`LIBRARY` kernels and :data:`GENERATORS`.

    Picking a named kernel emits ``chosen`` at once; picking a generator shows its parameters
    and an *Apply* button that emits ``chosen`` with the generated (float) grid and divisor 1.
    ``max_side`` is the largest kernel side the receiver holds: int parameters (sides and
    lengths) go no higher. ``message(str)`` reports a generator that refused its parameters
    and a typed parameter outside its range.
    """

    chosen = Signal(object, object, str)  # grid (list of rows), divisor, undo text
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, max_side: int = MAX_KERNEL_SIDE) -> None:
        super().__init__(parent)
        self.max_side = max_side
        self.combo = QComboBox()
        self.combo.setToolTip(
            "Load a textbook kernel (grid and divisor) or pick a generator to build one from "
            "parameters."
        )
        self.combo.addItem(_PLACEHOLDER, None)
        for name, kernel in LIBRARY.items():
            self.combo.addItem(kernel.title, ("kernel", name))
            self.combo.setItemData(self.combo.count() - 1, kernel.description, _TOOLTIP)
        self.combo.insertSeparator(self.combo.count())
        for name, spec in GENERATORS.items():
            self.combo.addItem(f"{spec.title} (generator)…", ("generator", name))
            self.combo.setItemData(self.combo.count() - 1, spec.description, _TOOLTIP)
        self.combo.activated.connect(self._on_activated)
        # As narrow as "Load a kernel…" allows (the list that drops down is as wide as its
        # longest entry), so the kernel dock is not widened by "Laplacian of Gaussian …".
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(len(_PLACEHOLDER))

        self.params = QWidget()
        self._form = QFormLayout(self.params)
        self._form.setContentsMargins(0, 0, 0, 0)
        self.param_widgets: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.apply_button = QPushButton("Apply")
        self.apply_button.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.params, 1)
        row.addWidget(self.apply_button)
        self.generator_box = QWidget()
        self.generator_box.setLayout(row)
        self.generator_box.hide()
        self.generator: GeneratorSpec | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.generator_box)

    def pick(self, name: str) -> None:
        """Choose the library kernel or generator ``name`` as if the user picked it."""
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if data and data[1] == name:
                self.combo.setCurrentIndex(i)
                self._on_activated(i)
                return
        raise ValueError(f"unknown kernel or generator {name!r}")

    def _on_activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if not data:
            return
        kind, name = data
        if kind == "kernel":
            self._show_generator(None)
            self.combo.setCurrentIndex(0)
            kernel = LIBRARY[name]
            self.chosen.emit(kernel.grid.tolist(), kernel.divisor, f"Load {kernel.title}")
        else:
            self._show_generator(GENERATORS[name])

    def _show_generator(self, spec: GeneratorSpec | None) -> None:
        if spec is self.generator:
            self.generator_box.setVisible(spec is not None)
            return
        while self._form.rowCount():
            self._form.removeRow(0)
        self.param_widgets = {}
        self.generator = spec
        if spec is None:
            self.generator_box.hide()
            return
        for param in spec.params:
            box = _spin_box(param, self.max_side, self.message.emit)
            self.param_widgets[param.name] = box
            self._form.addRow(param.name, box)
        self.apply_button.setToolTip(
            f"Replace the kernel with a {spec.title} kernel built from these parameters "
            "(divisor 1)."
        )
        self.generator_box.show()

    def apply(self) -> None:
        """Build the current generator's kernel and emit ``chosen`` (or ``message`` on error)."""
        spec = self.generator
        if spec is None:
            return
        values = {name: box.value() for name, box in self.param_widgets.items()}
        try:
            grid = spec.make(**values)
        except ValueError as exc:
            self.message.emit(f"{spec.title} refused: {exc}")
            return
        args = ", ".join(f"{k}={v:g}" for k, v in values.items())
        h, w = grid.shape
        self.chosen.emit(grid.tolist(), 1, f"Generate {spec.title} {h}×{w} ({args})")


def gui_range(param: Param, max_side: int) -> tuple[int | float, int | float, str]:
    """``(minimum, maximum, why)`` that a box for ``param`` offers: the parameter's own range
    (:mod:`convgui.kernels`), an int parameter (a kernel side or a streak length, which becomes
    the side) capped at ``max_side`` (the largest odd value for an odd-only one); ``why``
    explains a cap ("" when there is none)."""
    if param.kind is not int or param.maximum <= max_side:
        return param.minimum, param.maximum, ""
    top = max_side if not param.odd or max_side % 2 else max_side - 1
    return param.minimum, top, f"the editor holds kernels up to {max_side}×{max_side}"


class _ExplainsRange:
    """Mixed into a spin box: a number typed outside the range is kept as input (Qt's own
    validator drops the keystroke), then set to the nearest bound, and ``report`` gets a
    sentence saying why."""

    report: Callable[[str], None] | None = None
    why = ""  # why the range ends where it does, if not obvious

    def _typed(self, text: str) -> float | None:
        value, ok = self.locale().toDouble(text.strip())
        return value if ok and math.isfinite(value) else None

    def _outside(self, value: float | None) -> bool:
        return value is not None and not self.minimum() <= value <= self.maximum()

    def validate(self, text: str, pos: int) -> Any:
        if self._outside(self._typed(text)):
            return QValidator.State.Intermediate, text, pos
        return super().validate(text, pos)

    def fixup(self, text: str) -> str:
        value = self._typed(text)
        if not self._outside(value):
            return super().fixup(text)
        low, high = self.minimum(), self.maximum()
        nearest = self.textFromValue(min(max(value, low), high))
        if self.report is not None:
            name = self.objectName()
            span = f"{self.textFromValue(low)} to {self.textFromValue(high)}"
            why = f" ({self.why})" if self.why else ""
            self.report(f"{name} {text.strip()} is outside {span}{why}: set to {nearest}.")
        return nearest


class _IntBox(_ExplainsRange, QSpinBox):
    """An int parameter box that explains out-of-range input."""


class _FloatBox(_ExplainsRange, QDoubleSpinBox):
    """A float parameter box that explains out-of-range input."""


def _spin_box(param: Param, max_side: int,
              report: Callable[[str], None]) -> QSpinBox | QDoubleSpinBox:
    """A spin box for ``param``: the range of :func:`gui_range`, its default and help;
    odd-only stepping if ``odd``; out-of-range input is explained through ``report``."""
    low, high, why = gui_range(param, max_side)
    if param.kind is int:
        box: QSpinBox | QDoubleSpinBox = _IntBox()
        box.setRange(int(low), int(high))
        if param.odd:
            box.setSingleStep(2)
            box.editingFinished.connect(lambda b=box: _make_odd(b))
    else:
        box = _FloatBox()
        step = 10.0 ** math.floor(math.log10((param.maximum - param.minimum) / 100))
        box.setDecimals(max(2, 1 - math.floor(math.log10(step))))
        box.setRange(float(low), float(high))
        box.setSingleStep(step)
    box.setObjectName(param.name)
    box.report, box.why = report, why
    box.setValue(param.default)
    box.setKeyboardTracking(False)
    box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    odd = ", odd only" if param.odd else ""
    cap = f" ({why})" if why else ""
    box.setToolTip(f"{param.help} Range {low:g} to {high:g}{odd}{cap}.")
    return box


def _make_odd(box: QSpinBox) -> None:
    """Snap a typed even value to the next odd one (the previous one at the maximum)."""
    value = box.value()
    if value % 2 == 0:
        box.setValue(value + 1 if value + 1 <= box.maximum() else value - 1)
