"""The parameter panel: padding, stride, dilation, boundary, operation, channels and display.

Every control edits the window's :class:`~convgui.ui.model.SettingsModel` (one undoable step per
control, consecutive changes of one control merged) and follows the model's changes to the
fields it shows, so undo, presets and other panels keep it current. Refreshing from the model
never edits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui import shapes
from convgui.settings import Settings
from convgui.ui.follow import GEOMETRY_FIELDS, FollowsSettings
from convgui.ui.model import SettingsModel

#: (value, what the combo box shows, what the line under it explains): the combo boxes stay
#: narrow enough for a one-column layout at 1024 px in presentation mode; the explanation
#: wraps.
PADDING_MODES: tuple[tuple[str, str, str], ...] = (
    ("valid", "valid", "no padding: the output shrinks"),
    ("same", "same", "output = input ÷ stride"),
    ("full", "full", "every partial overlap"),
    ("custom", "custom", "pixels per side"),
)
BOUNDARY_LABELS: tuple[tuple[str, str, str], ...] = (
    ("constant", "constant", "fill with a value"),
    ("reflect", "reflect", "d c b | a b c d"),
    ("symmetric", "symmetric", "c b a | a b c"),
    ("edge", "edge", "a a | a b c"),
    ("wrap", "wrap", "b c | a b c"),
)
CHANNEL_LABELS: tuple[tuple[str, str, str], ...] = (
    ("per-channel", "per-channel", "the kernel on each colour"),
    ("sum", "sum", "channels summed into one map, as a CNN layer does"),
    ("luma", "luma", "filter the brightness only"),
)
DISPLAY_LABELS: tuple[tuple[str, str, str], ...] = (
    ("auto", "auto", "picks diverging for zero-sum kernels, else clip"),
    ("clip", "clip", "clipped to the input's range"),
    ("abs", "abs", "|value|: edges bright"),
    ("normalize", "normalize", "stretched from min to max"),
    ("offset", "offset", "zero is mid-grey"),
    ("diverging", "diverging", "blue < 0 < red"),
)
OPERATION_LABELS = (
    "Correlation (as CNNs)",
    "Convolution (rotated 180°)",
)

MAX_PAD = 999
MAX_STEP = 64

TIPS = {
    "padding": "Add pixels around the image before sliding the kernel: 'valid' adds none "
               "(output shrinks), 'same' keeps the size, 'full' keeps every partial overlap.",
    "pad_side": "Custom padding: this many extra pixels on this side of the image.",
    "stride": "Move the kernel this many pixels between outputs: stride 2 halves the output "
              "size.",
    "stride_link": "Keep the vertical and horizontal stride equal.",
    "dilation": "Spread the kernel taps this many pixels apart: dilation 2 makes a 3×3 kernel "
                "see a 5×5 area with the same 9 weights.",
    "dilation_link": "Keep the vertical and horizontal dilation equal.",
    "boundary": "How the padded pixels outside the image are filled in.",
    "cval": "The value used for padded pixels when the boundary is 'constant'.",
    "correlation": "Slide the kernel as drawn, like CNN layers (PyTorch, TensorFlow) do.",
    "convolution": "Rotate the kernel 180° before sliding it: the mathematical convolution "
                   "(scipy.signal.convolve2d).",
    "channels": "How colour channels are handled: filter each separately, add them into one "
                "output like a CNN layer, or filter only the brightness.",
    "display": "How result values (which may be negative or above 255) become on-screen grey "
               "levels or colours.",
}


def _combo(items: tuple[tuple[str, str, str], ...], tip: str) -> QComboBox:
    """A combo box of ``items`` (value, label, explanation); each explanation is its item's
    tooltip."""
    combo = QComboBox()
    for value, label, explanation in items:
        combo.addItem(label, value)
        index = combo.count() - 1
        combo.setItemData(index, explanation, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


class _Explained(QWidget):
    """A combo box with the explanation of its current item on a wrapped line below it."""

    def __init__(self, combo: QComboBox, items: tuple[tuple[str, str, str], ...]) -> None:
        super().__init__()
        self.combo = combo
        self._explanations = {value: explanation for value, _label, explanation in items}
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(combo)
        column.addWidget(self.note)
        self.setFocusProxy(combo)  # the form's label (its buddy is this box) focuses the combo
        combo.currentIndexChanged.connect(self.follow)
        self.follow()

    def follow(self, *_args: object) -> None:
        """Explain the current item (also after a change made with signals blocked)."""
        self.note.setText(self._explanations.get(self.combo.currentData(), ""))


def _spin(low: int, high: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setToolTip(tip)
    spin.setKeyboardTracking(False)
    spin.setAccelerated(True)
    return spin


def _fmt_pair(pair: tuple[int, int]) -> str:
    return f"{pair[0]}×{pair[1]}"


class _PairEditor(QWidget):
    """Two spin boxes (h, w) with a "link" check box that keeps them equal."""

    edited = Signal(tuple)

    def __init__(self, name: str, tip: str, link_tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lowered = tip[:1].lower() + tip[1:]
        self.h = _spin(1, MAX_STEP, f"Vertical {name} — {lowered}")
        self.w = _spin(1, MAX_STEP, f"Horizontal {name} — {lowered}")
        self.h.setObjectName(f"{name}_h")
        self.w.setObjectName(f"{name}_w")
        title = name.capitalize()
        self.h.setAccessibleName(f"{title} height")
        self.w.setAccessibleName(f"{title} width")
        self.link = QCheckBox("link")
        self.link.setObjectName(f"{name}_link")
        self.link.setAccessibleName(f"Link {name} sides")
        self.link.setToolTip(link_tip)
        for widget in (self.h, self.w):
            widget.setWhatsThis(f"{tip} The left box is the {title.lower()} along the height "
                                "(rows), the right box along the width (columns).")
        self.link.setWhatsThis(f"{link_tip} Unlink to set the two sides apart.")
        self.setFocusProxy(self.h)  # the form's label (its buddy is this editor) focuses it
        self.link.setChecked(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.h, 1)
        times = QLabel("×")
        times.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(times)
        row.addWidget(self.w, 1)
        row.addWidget(self.link)
        self.h.valueChanged.connect(lambda v: self._changed(v, self.w))
        self.w.valueChanged.connect(lambda v: self._changed(v, self.h))
        self.link.toggled.connect(self._link_toggled)

    def value(self) -> tuple[int, int]:
        return (self.h.value(), self.w.value())

    def set_value(self, pair: tuple[int, int]) -> None:
        """Show ``pair`` without emitting; unlink when the two values differ."""
        with QSignalBlocker(self.h), QSignalBlocker(self.w), QSignalBlocker(self.link):
            self.h.setValue(pair[0])
            self.w.setValue(pair[1])
            if pair[0] != pair[1]:
                self.link.setChecked(False)

    def _changed(self, value: int, other: QSpinBox) -> None:
        if self.link.isChecked() and other.value() != value:
            with QSignalBlocker(other):
                other.setValue(value)
        self.edited.emit(self.value())

    def _link_toggled(self, linked: bool) -> None:
        if linked and self.h.value() != self.w.value():
            with QSignalBlocker(self.w):
                self.w.setValue(self.h.value())
            self.edited.emit(self.value())


class ParameterPanel(FollowsSettings, QWidget):
    """Controls for everything in :class:`Settings` except the kernel grid, divisor and bias.

    ``message(str)`` reports an edit the settings rejected (the model is then unchanged).
    """

    message = Signal(str)
    depends_on = GEOMETRY_FIELDS | {"channels", "display"}

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._refreshing = False
        self._explained: list[_Explained] = []
        self._build()
        self._connect()
        self.refresh(model.settings)
        self.follow(model)

    # ----------------------------------------------------------------------------- building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(6)

        # Geometry ------------------------------------------------------------------------
        geometry = QGroupBox("Geometry")
        form = self._form(geometry)
        self.padding_mode = _combo(PADDING_MODES, TIPS["padding"])
        self.padding_mode.setObjectName("padding_mode")
        self.padding_mode.setAccessibleName("Padding")
        form.addRow("&Padding", self._explain(self.padding_mode, PADDING_MODES))
        self.pad_top, self.pad_bottom = _spin(0, MAX_PAD, ""), _spin(0, MAX_PAD, "")
        self.pad_left, self.pad_right = _spin(0, MAX_PAD, ""), _spin(0, MAX_PAD, "")
        pads = QWidget()
        grid = QGridLayout(pads)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        for i, (side, spin) in enumerate(
            (("top", self.pad_top), ("bottom", self.pad_bottom),
             ("left", self.pad_left), ("right", self.pad_right))
        ):
            spin.setObjectName(f"pad_{side}")
            spin.setAccessibleName(f"Padding {side}")
            spin.setToolTip(TIPS["pad_side"].replace("this side", f"the {side}"))
            label = QLabel(side)
            label.setBuddy(spin)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        form.addRow("", pads)
        self._pads = pads  # shown only for custom padding: named modes resolve their own
        self.stride = _PairEditor("stride", TIPS["stride"], TIPS["stride_link"])
        form.addRow("S&tride", self.stride)
        self.dilation = _PairEditor("dilation", TIPS["dilation"], TIPS["dilation_link"])
        form.addRow("&Dilation", self.dilation)
        outer.addWidget(geometry)

        # Boundary ------------------------------------------------------------------------
        boundary = QGroupBox("Boundary")
        form = self._form(boundary)
        self.boundary = _combo(BOUNDARY_LABELS, TIPS["boundary"])
        self.boundary.setObjectName("boundary")
        self.boundary.setAccessibleName("Boundary fill")
        form.addRow("Fi&ll", self._explain(self.boundary, BOUNDARY_LABELS))
        self.cval = QDoubleSpinBox()
        self.cval.setObjectName("cval")
        self.cval.setRange(-1e6, 1e6)
        self.cval.setDecimals(3)
        self.cval.setKeyboardTracking(False)
        self.cval.setToolTip(TIPS["cval"])
        self.cval.setAccessibleName("Boundary value")
        form.addRow("V&alue", self.cval)
        outer.addWidget(boundary)

        # Operation -----------------------------------------------------------------------
        operation = QGroupBox("Operation")
        form = self._form(operation)
        self.correlation = QRadioButton("&" + OPERATION_LABELS[0])
        self.correlation.setObjectName("correlation")
        self.correlation.setToolTip(TIPS["correlation"])
        self.convolution = QRadioButton(OPERATION_LABELS[1].replace("C", "C&", 1))
        self.convolution.setObjectName("convolution")
        self.convolution.setToolTip(TIPS["convolution"])
        self._operation = QButtonGroup(self)
        self._operation.addButton(self.correlation, 0)
        self._operation.addButton(self.convolution, 1)
        form.addRow(self.correlation)
        form.addRow(self.convolution)
        self.channels = _combo(CHANNEL_LABELS, TIPS["channels"])
        self.channels.setObjectName("channels")
        self.channels.setAccessibleName("Channels")
        form.addRow("Chan&nels", self._explain(self.channels, CHANNEL_LABELS))
        outer.addWidget(operation)

        # Display -------------------------------------------------------------------------
        display = QGroupBox("Display")
        form = self._form(display)
        self.display = _combo(DISPLAY_LABELS, TIPS["display"])
        self.display.setObjectName("display")
        self.display.setAccessibleName("Display mapping")
        form.addRow("&Mapping", self._explain(self.display, DISPLAY_LABELS))
        outer.addWidget(display)
        outer.addStretch(1)
        for widget, key, items in (
            (self.padding_mode, "padding", PADDING_MODES), (self.boundary, "boundary",
                                                            BOUNDARY_LABELS),
            (self.channels, "channels", CHANNEL_LABELS), (self.display, "display",
                                                          DISPLAY_LABELS),
            (self.cval, "cval", ()), (self.correlation, "correlation", ()),
            (self.convolution, "convolution", ()),
        ):
            choices = "; ".join(f"{label}: {explanation}" for _v, label, explanation in items)
            widget.setWhatsThis(TIPS[key] + (f" Choices — {choices}." if choices else ""))

    def _explain(self, combo: QComboBox, items: tuple[tuple[str, str, str], ...]) -> _Explained:
        explained = _Explained(combo, items)
        self._explained.append(explained)
        return explained

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setContentsMargins(6, 4, 6, 6)
        form.setHorizontalSpacing(6)
        form.setVerticalSpacing(4)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return form

    def _connect(self) -> None:
        self.padding_mode.currentIndexChanged.connect(self._padding_mode_changed)
        for spin in self._pad_spins():
            spin.valueChanged.connect(self._pad_changed)
        self.stride.edited.connect(
            lambda pair: self._edit(f"Stride {_fmt_pair(pair)}", "stride", stride=pair)
        )
        self.dilation.edited.connect(
            lambda pair: self._edit(f"Dilation {_fmt_pair(pair)}", "dilation", dilation=pair)
        )
        self.boundary.currentIndexChanged.connect(self._boundary_changed)
        self.cval.valueChanged.connect(
            lambda v: self._edit(f"Boundary value {v:g}", "cval", cval=float(v))
        )
        self.correlation.toggled.connect(self._operation_changed)
        self.convolution.toggled.connect(self._operation_changed)
        self.channels.currentIndexChanged.connect(
            lambda _i: self._edit(f"Channels: {self.channels.currentText()}", "channels",
                                  channels=self.channels.currentData())
        )
        self.display.currentIndexChanged.connect(
            lambda _i: self._edit(f"Display: {self.display.currentText()}", "display",
                                  display=self.display.currentData())
        )

    def _pad_spins(self) -> tuple[QSpinBox, QSpinBox, QSpinBox, QSpinBox]:
        return (self.pad_top, self.pad_bottom, self.pad_left, self.pad_right)

    def _custom_pads(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return ((self.pad_top.value(), self.pad_bottom.value()),
                (self.pad_left.value(), self.pad_right.value()))

    # ----------------------------------------------------------------------------- editing
    def _edit(self, text: str, merge_key: str, **changes: Any) -> None:
        if self._refreshing:
            return
        try:
            self._model.edit(text, merge_key=merge_key, **changes)
        except ValueError as exc:
            self.message.emit(f"{text}: {exc}")
            self.refresh(self._model.settings)

    def _padding_mode_changed(self, _index: int) -> None:
        if self._refreshing:
            return
        mode = self.padding_mode.currentData()
        self._set_pads_enabled(mode == "custom")
        if mode != "custom":
            self._edit(f"Padding {mode}", "padding", padding=mode)
            return
        # Start custom padding from what the previous named mode used (at stride 1), so that
        # switching to "custom" changes nothing until a number is edited.
        current = self._model.settings
        if isinstance(current.padding, str):
            pads = shapes.resolve_padding(
                (1, 1), current.kernel_shape, current.padding, (1, 1), current.dilation,
                current.flip,
            )
            self._show_pads(pads)
        pads = self._custom_pads()
        self._edit(f"Padding {self._pads_text(pads)}", "padding", padding=pads)

    def _pad_changed(self, _value: int) -> None:
        if self._refreshing or self.padding_mode.currentData() != "custom":
            return
        pads = self._custom_pads()
        self._edit(f"Padding {self._pads_text(pads)}", "padding", padding=pads)

    @staticmethod
    def _pads_text(pads: tuple[tuple[int, int], tuple[int, int]]) -> str:
        (t, b), (left, right) = pads
        return f"top {t}, bottom {b}, left {left}, right {right}"

    def _boundary_changed(self, _index: int) -> None:
        value = self.boundary.currentData()
        self.cval.setEnabled(value == "constant")
        self._edit(f"Boundary {value}", "boundary", boundary=value)

    def _operation_changed(self, checked: bool) -> None:
        if not checked:
            return
        flip = self.convolution.isChecked()
        self._edit("True convolution" if flip else "Cross-correlation", "flip", flip=flip)

    # ----------------------------------------------------------------------------- refreshing
    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self.refresh(settings)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        widgets = (
            self.padding_mode, *self._pad_spins(), self.boundary, self.cval, self.correlation,
            self.convolution, self.channels, self.display,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        self._refreshing = True
        try:
            yield
        finally:
            self._refreshing = False
            for blocker in blockers:
                blocker.unblock()

    def refresh(self, settings: Settings) -> None:
        """Show ``settings`` in the controls without editing the model."""
        with self._quiet():
            if isinstance(settings.padding, str):
                self._select(self.padding_mode, settings.padding)
                self._set_pads_enabled(False)
            else:
                self._select(self.padding_mode, "custom")
                self._show_pads(settings.padding)
                self._set_pads_enabled(True)
            self.stride.set_value(settings.stride)
            self.dilation.set_value(settings.dilation)
            self._select(self.boundary, settings.boundary)
            self.cval.setValue(settings.cval)
            self.cval.setEnabled(settings.boundary == "constant")
            (self.convolution if settings.flip else self.correlation).setChecked(True)
            self._select(self.channels, settings.channels)
            self._select(self.display, settings.display)
        for explained in self._explained:
            explained.follow()

    def _show_pads(self, pads: tuple[tuple[int, int], tuple[int, int]]) -> None:
        (t, b), (left, right) = pads
        for spin, value in zip(self._pad_spins(), (t, b, left, right), strict=True):
            with QSignalBlocker(spin):
                spin.setValue(min(value, MAX_PAD))

    def _set_pads_enabled(self, enabled: bool) -> None:
        """The per-side boxes, shown for custom padding only (under a named mode their old
        numbers would contradict it)."""
        self._pads.setVisible(enabled)
        for spin in self._pad_spins():
            spin.setEnabled(enabled)

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)


__all__ = [
    "BOUNDARY_LABELS", "CHANNEL_LABELS", "DISPLAY_LABELS", "OPERATION_LABELS", "PADDING_MODES",
    "ParameterPanel",
]
