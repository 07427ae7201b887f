"""The kernel library picker: textbook kernels and parametric generators in one drop-down.

The picker edits nothing itself: it emits ``chosen(grid, divisor, text)`` and the kernel editor
applies that as one undoable step (and refuses kernels it cannot hold).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
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

_PLACEHOLDER = "Load a kernel…"
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


class KernelPicker(QWidget):
    """A combo box of :data:`LIBRARY` kernels and :data:`GENERATORS`.

    Picking a named kernel emits ``chosen`` at once; picking a generator shows its parameters
    and an *Apply* button that emits ``chosen`` with the generated (float) grid and divisor 1.
    ``message(str)`` reports a generator that refused its parameters.
    """

    chosen = Signal(object, object, str)  # grid (list of rows), divisor, undo text
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
            box = _spin_box(param)
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


def _spin_box(param: Param) -> QSpinBox | QDoubleSpinBox:
    """A spin box for ``param``: its range, default and help; odd-only stepping if ``odd``."""
    if param.kind is int:
        box: QSpinBox | QDoubleSpinBox = QSpinBox()
        box.setRange(int(param.minimum), int(param.maximum))
        if param.odd:
            box.setSingleStep(2)
            box.editingFinished.connect(lambda b=box: _make_odd(b))
    else:
        box = QDoubleSpinBox()
        step = 10.0 ** math.floor(math.log10((param.maximum - param.minimum) / 100))
        box.setDecimals(max(2, 1 - math.floor(math.log10(step))))
        box.setRange(float(param.minimum), float(param.maximum))
        box.setSingleStep(step)
    box.setValue(param.default)
    box.setKeyboardTracking(False)
    box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    odd = ", odd only" if param.odd else ""
    box.setToolTip(f"{param.help} Range {param.minimum:g} to {param.maximum:g}{odd}.")
    return box


def _make_odd(box: QSpinBox) -> None:
    """Snap a typed even value to the next odd one (the previous one at the maximum)."""
    value = box.value()
    if value % 2 == 0:
        box.setValue(value + 1 if value + 1 <= box.maximum() else value - 1)
