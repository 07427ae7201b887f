"""The shape panel: what the convolution does to the image's shape, with the arithmetic shown.

Two tabs. "Current image" follows the settings model and the loaded image's shape. "Calculator"
is a standalone convolution-shape calculator (any H, W, C, kernel, filters, padding, stride,
dilation, channel mode) with transposed-convolution and pooling sections. Every number comes
from :mod:`convgui.shapes`; nothing here does shape arithmetic of its own.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from convgui import shapes
from convgui.settings import Settings
from convgui.shapes import shape_text
from convgui.ui.follow import SHAPE_FIELDS, FollowsSettings
from convgui.ui.model import SettingsModel

ERROR_STYLE = (
    "QLabel { color: #8b0000; background: #fdecea; border: 1px solid #e6a5a5;"
    " border-radius: 4px; padding: 4px; }"
)
MAX_SIZE = 1_000_000
CHANNEL_CHOICES = (
    ("sum", "sum over channels (CNN)"),
    ("per-channel", "per-channel"),
    ("luma", "luma"),
)
PADDING_HELP = "padding must be valid, same, full, a number, 'ph, pw' or 'top, bottom, left, right'"
GENERAL_FORMULA = "out = ⌊(n + p_before + p_after − d·(k − 1) − 1)/s⌋ + 1"
TRANSPOSED_FORMULA = "i = (i′ − 1)·s′ − 2p′ + d·(k′ − 1) + output_padding + 1"
POOL_FORMULA = "out = ⌊(n + 2p − window)/s⌋ + 1"

PairOrInt = int | tuple[int, int]


def _mono_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    return font


def _label(text: str = "", *, mono: bool = False, caption: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if mono:
        label.setFont(_mono_font())
    if caption:  # the text colour, a little faded: readable with light and dark themes
        palette = label.palette()
        color = palette.color(QPalette.ColorRole.WindowText)
        color.setAlphaF(0.7)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        label.setPalette(palette)
    return label


def _error_label() -> QLabel:
    label = _label()
    label.setObjectName("shape_error")
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


#: What a screen reader calls each calculator box (its row label names several boxes).
ACCESSIBLE_NAMES = {
    "calc_h": "Input height", "calc_w": "Input width", "calc_c": "Input channels",
    "calc_kh": "Kernel height", "calc_kw": "Kernel width", "calc_filters": "Filters K",
    "calc_padding": "Padding", "calc_sh": "Stride height", "calc_sw": "Stride width",
    "calc_dh": "Dilation height", "calc_dw": "Dilation width", "calc_channels": "Channels",
    "t_n": "Transposed input length i′", "t_k": "Transposed kernel length k′",
    "t_s": "Transposed stride s′", "t_p": "Transposed padding p′",
    "t_d": "Transposed dilation", "t_op": "Transposed output padding",
    "pool_n": "Pooling input length", "pool_window": "Pooling window",
    "pool_s": "Pooling stride", "pool_p": "Pooling padding",
}


def _spin(low: int, high: int, value: int, tip: str, name: str) -> QSpinBox:
    """A spin box named ``name`` (object name; its accessible name from
    :data:`ACCESSIBLE_NAMES`)."""
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    spin.setObjectName(name)
    spin.setAccessibleName(ACCESSIBLE_NAMES[name])
    spin.setAccelerated(True)
    spin.setMinimumWidth(48)
    return spin


def _row(*widgets: QWidget | str) -> QWidget:
    """The widgets (a string becomes a label) on one line; the row's label in a form focuses
    the first widget."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for w in widgets:
        if isinstance(w, str):
            layout.addWidget(QLabel(w))
        else:
            layout.addWidget(w, 1)
            if box.focusProxy() is None:
                box.setFocusProxy(w)
    return box


def _form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setContentsMargins(6, 4, 6, 6)
    form.setHorizontalSpacing(6)
    form.setVerticalSpacing(3)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _pair(value: PairOrInt) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _shape_text(shape: tuple[int, ...]) -> str:
    """``H×W×C`` (C = 1 for a 2-D shape)."""
    return shape_text(tuple(shape) if len(shape) == 3 else (*shape, 1))


def _scrolled(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a vertically scrolling area that screen readers call ``name``."""
    area = QScrollArea()
    area.setAccessibleName(name)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class ShapeBreakdown(QWidget):
    """The arrow line, per-axis formulas, kernel, parameters, multiply-adds and receptive field
    of one convolution layer, or the explanation when it has no output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.summary = _label()
        self.summary.setObjectName("shape_summary")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setToolTip("Input height × width × channels → output height × width × "
                                "channels.")
        layout.addWidget(self.summary)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.general = _label(GENERAL_FORMULA, mono=True, caption=True)
        self.general.setToolTip("The output-size rule, applied to each axis separately.")
        layout.addWidget(self.general)
        self.axis_titles: list[QLabel] = []
        self.axis_formulas: list[QLabel] = []
        self.axis_notes: list[QLabel] = []
        for axis in ("Height", "Width"):
            title = _label(f"<b>{axis}</b>")
            formula = _label(mono=True)
            formula.setObjectName(f"formula_{axis.lower()}")
            note = _label(caption=True)
            layout.addWidget(title)
            layout.addWidget(formula)
            layout.addWidget(note)
            self.axis_titles.append(title)
            self.axis_formulas.append(formula)
            self.axis_notes.append(note)
        self.kernel = _label()
        self.kernel.setObjectName("shape_kernel")
        self.counts = _label()
        self.counts.setObjectName("shape_counts")
        self.counts.setToolTip("Learnable weights and biases, and the multiply-adds needed for "
                               "one output image.")
        self.receptive = _label()
        self.receptive.setObjectName("shape_receptive")
        self.receptive.setToolTip("How many input pixels (height × width) one output pixel "
                                  "depends on.")
        for w in (self.kernel, self.counts, self.receptive):
            layout.addWidget(w)
        self._summary = ""
        self._formulas: tuple[str, ...] = ()
        self._error = ""

    # ------------------------------------------------------------------------ computing
    def show_layer(
        self, in_shape: tuple[int, ...], kernel: tuple[int, int], *, filters: int,
        padding: shapes.PaddingSpec, stride: tuple[int, int], dilation: tuple[int, int],
        channels: str, flip: bool = False,
    ) -> shapes.LayerShape | None:
        """Compute with :func:`shapes.layer_shape` and show the result (or why there is none)."""
        try:
            layer = shapes.layer_shape(
                in_shape, kernel, filters=filters, padding=padding, stride=stride,
                dilation=dilation, channels=channels, flip=flip,
            )
        except (ValueError, TypeError) as exc:
            self._show_failure(in_shape, kernel, padding, stride, dilation, flip, str(exc))
            return None
        self._error = ""
        self.error.setVisible(False)
        self._summary = layer.describe()
        self.summary.setText(self._summary)
        self._formulas = tuple(layer.formulas)
        self._show_axes(layer.formulas, padding, layer.pads)
        self.kernel.setText(self._kernel_text(layer.kernel, layer.dilation, layer.receptive_field)
                            + f", {layer.filters} filter{'s' if layer.filters != 1 else ''}")
        self.counts.setText(
            f"Parameters: {layer.params:,}\nMultiply-adds: {layer.macs:,}"
        )
        self.receptive.setText(
            f"Receptive field: {shape_text(layer.receptive_field)} input pixels per output"
        )
        for w in (self.general, self.kernel, self.counts, self.receptive):
            w.setVisible(True)
        return layer

    def _show_failure(
        self, in_shape: tuple[int, ...], kernel: tuple[int, int], padding: shapes.PaddingSpec,
        stride: tuple[int, int], dilation: tuple[int, int], flip: bool, message: str,
    ) -> None:
        self._error = message
        self.error.setText(f"No output: {message}")
        self.error.setVisible(True)
        try:
            in_text = _shape_text(tuple(in_shape))
        except TypeError:
            in_text = "?"
        self._summary = f"{in_text} → no output"
        self.summary.setText(self._summary)
        formulas: tuple[str, ...] = ()
        pads = None
        try:  # the formulas still teach why: they end in "no output (< 1)"
            pads = shapes.resolve_padding(tuple(in_shape[:2]), kernel, padding, stride,
                                          dilation, flip)
            formulas = tuple(
                shapes.formula_text(n, k, *p, s, d)
                for n, k, p, s, d in zip(in_shape[:2], kernel, pads, stride, dilation,
                                         strict=True)
            )
        except (ValueError, TypeError):
            pass
        self._formulas = formulas
        if formulas and pads is not None:
            self._show_axes(formulas, padding, pads)
        else:
            self._hide_axes()
        self.general.setVisible(bool(formulas))
        try:
            self.kernel.setText(self._kernel_text(_pair(kernel), _pair(dilation), None))
            self.kernel.setVisible(True)
        except (TypeError, ValueError, IndexError):
            self.kernel.setVisible(False)
        self.counts.setVisible(False)
        self.receptive.setVisible(False)

    def show_message(self, summary: str, detail: str = "", error: str = "") -> None:
        """Show a plain message (e.g. "no image loaded") or an input ``error`` instead of a
        breakdown."""
        self._summary, self._formulas, self._error = summary, (), error
        self.summary.setText(summary)
        self.error.setText(error)
        self.error.setVisible(bool(error))
        self._hide_axes()
        for w in (self.general, self.counts, self.receptive):
            w.setVisible(False)
        self.kernel.setText(detail)
        self.kernel.setVisible(bool(detail))

    def _show_axes(self, formulas: tuple[str, ...], padding: Any,
                   pads: tuple[tuple[int, int], tuple[int, int]]) -> None:
        sides = (("top", "bottom"), ("left", "right"))
        for i in range(2):
            self.axis_titles[i].setVisible(True)
            self.axis_formulas[i].setVisible(True)
            self.axis_formulas[i].setText(formulas[i])
            before, after = pads[i]
            amount = f"padding {before} + {after} ({sides[i][0]} + {sides[i][1]})"
            if isinstance(padding, str):
                note = f"{padding} → {amount}"
            else:
                note = amount
            self.axis_notes[i].setText(note)
            self.axis_notes[i].setVisible(True)

    def _hide_axes(self) -> None:
        for w in (*self.axis_titles, *self.axis_formulas, *self.axis_notes):
            w.setVisible(False)

    @staticmethod
    def _kernel_text(kernel: tuple[int, int], dilation: tuple[int, int],
                     span: tuple[int, int] | None) -> str:
        text = f"{shape_text(kernel)} kernel"
        if max(dilation) > 1:
            d = str(dilation[0]) if dilation[0] == dilation[1] else shape_text(dilation)
            text += f", dilation {d}"
            if span is not None:
                text += f" → spans {shape_text(span)}"
        return text

    # ------------------------------------------------------------------------ for tests
    def summary_text(self) -> str:
        return self._summary

    def formula_texts(self) -> tuple[str, ...]:
        return self._formulas

    def error_text(self) -> str:
        return self._error

    def details_text(self) -> str:
        """Everything visible below the arrow line, as plain text, one item a line."""
        parts = [self.error, self.general]
        for i in range(2):
            parts += [self.axis_formulas[i], self.axis_notes[i]]
        parts += [self.kernel, self.counts, self.receptive]
        return "\n".join(w.text() for w in parts if not w.isHidden() and w.text())


class TransposedSection(QGroupBox):
    """Output size of a transposed convolution, shown as the inverse of a forward convolution."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Transposed convolution", parent)
        self.setToolTip("A transposed convolution maps a convolution's output size back to its "
                        "input size (upsampling, decoders, GAN generators).")
        form = _form(self)
        intro = _label(
            "A forward convolution (input i, kernel k, stride s, padding p) gives o outputs; "
            "its transpose takes i′ = o with k′ = k, s′ = s, p′ = p and gives back i.",
            caption=True,
        )
        form.addRow(intro)
        self.n = _spin(1, MAX_SIZE, 3, "i′: the transposed convolution's input length.", "t_n")
        self.k = _spin(1, 999, 3, "k′: the kernel length.", "t_k")
        self.s = _spin(1, 64, 2, "s′: the stride of the forward convolution it undoes; each "
                       "input step becomes s′ output steps.", "t_s")
        self.p = _spin(0, 999, 0, "p′: the forward convolution's padding, cropped from each "
                       "side of the output.", "t_p")
        self.d = _spin(1, 64, 1, "Dilation of the kernel taps.", "t_d")
        self.op = _spin(0, 63, 0, "output_padding: extra cells on one side to pick between "
                        "input sizes that a strided convolution maps to the same output.", "t_op")
        form.addRow("i′, k′", _row(self.n, self.k))
        form.addRow("s′, p′", _row(self.s, self.p))
        form.addRow("d, out pad", _row(self.d, self.op))
        self.general = _label(TRANSPOSED_FORMULA, mono=True, caption=True)
        form.addRow(self.general)
        self.formula = _label(mono=True)
        self.formula.setObjectName("transposed_formula")
        form.addRow(self.formula)
        self.forward = _label(caption=True)
        self.forward.setObjectName("transposed_forward")
        form.addRow(self.forward)
        self.error = _error_label()
        form.addRow(self.error)
        self._output: int | None = None
        for spin in self._spins():
            spin.valueChanged.connect(self.recompute)
        self.recompute()

    def _spins(self) -> tuple[QSpinBox, ...]:
        return (self.n, self.k, self.s, self.p, self.d, self.op)

    def set_values(self, *, i: int | None = None, k: int | None = None, s: int | None = None,
                   p: int | None = None, dilation: int | None = None,
                   output_padding: int | None = None) -> None:
        """Set any of i′, k′, s′, p′, dilation and output_padding, then recompute once."""
        values = (i, k, s, p, dilation, output_padding)
        for spin, value in zip(self._spins(), values, strict=True):
            if value is not None:
                with QSignalBlocker(spin):
                    spin.setValue(value)
        self.recompute()

    def recompute(self) -> None:
        n, k, s, p, d, op = (spin.value() for spin in self._spins())
        try:
            out = shapes.transposed_output_size(n, k, p, s, d, op)
        except (ValueError, TypeError) as exc:
            self._output = None
            self.error.setText(f"No output: {exc}")
            self.error.setVisible(True)
            self.formula.setText(f"i = {shapes.transposed_formula_text(n, k, p, s, d, op)}")
            self.forward.setVisible(False)
            return
        self._output = out
        self.error.setVisible(False)
        self.formula.setText(f"i = {shapes.transposed_formula_text(n, k, p, s, d, op)}")
        try:
            back = shapes.conv_output_size(out, k, p, s, d)
            self.forward.setText(
                f"Check: forward convolution i = {out}, k = {k}, s = {s}, p = {p}"
                f"{f', d = {d}' if d > 1 else ''} → o = {back} = i′"
            )
            self.forward.setVisible(True)
        except (ValueError, TypeError):
            self.forward.setVisible(False)

    def output(self) -> int | None:
        """The output length, or ``None`` when there is none."""
        return self._output

    def formula_text(self) -> str:
        return self.formula.text()

    def error_text(self) -> str:
        return self.error.text() if self._output is None else ""


class PoolingSection(QGroupBox):
    """Output size of a pooling layer along one axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pooling", parent)
        self.setToolTip("Max/average pooling summarises each window into one value.")
        form = _form(self)
        self.n = _spin(1, MAX_SIZE, 6, "n: the input length along one axis.", "pool_n")
        self.window = _spin(1, 999, 2, "The pooling window length (2 for 2×2 pooling).",
                            "pool_window")
        self.s = _spin(0, 64, 0, "Move the window this many pixels between outputs; "
                       "'= window' uses the window size, so windows do not overlap.", "pool_s")
        self.s.setSpecialValueText("= window")
        self.p = _spin(0, 999, 0, "Pixels added on each side before pooling.", "pool_p")
        form.addRow("n, window", _row(self.n, self.window))
        form.addRow("stride, pad", _row(self.s, self.p))
        self.general = _label(POOL_FORMULA, mono=True, caption=True)
        form.addRow(self.general)
        self.formula = _label(mono=True)
        self.formula.setObjectName("pool_formula")
        form.addRow(self.formula)
        self.error = _error_label()
        form.addRow(self.error)
        self._output: int | None = None
        for spin in (self.n, self.window, self.s, self.p):
            spin.valueChanged.connect(self.recompute)
        self.recompute()

    def set_values(self, *, n: int | None = None, window: int | None = None,
                   stride: int | None = None, padding: int | None = None) -> None:
        """Set any of n, window, stride (0 = the window size) and padding; recompute once."""
        for spin, value in ((self.n, n), (self.window, window), (self.s, stride),
                            (self.p, padding)):
            if value is not None:
                with QSignalBlocker(spin):
                    spin.setValue(value)
        self.recompute()

    def recompute(self) -> None:
        n, size, p = self.n.value(), self.window.value(), self.p.value()
        stride = self.s.value() or None
        effective = stride if stride is not None else size
        self.formula.setText(shapes.pool_formula_text(n, size, effective, p))
        try:
            self._output = shapes.pool_output_size(n, size, stride, p)
            self.error.setVisible(False)
        except (ValueError, TypeError) as exc:
            self._output = None
            self.error.setText(f"No output: {exc}")
            self.error.setVisible(True)

    def output(self) -> int | None:
        return self._output

    def formula_text(self) -> str:
        return self.formula.text()

    def error_text(self) -> str:
        return self.error.text() if self._output is None else ""


def parse_padding(text: str) -> shapes.PaddingSpec:
    """Read the calculator's padding field: a name, ``p``, ``ph, pw`` or ``t, b, l, r``."""
    text = text.strip().lower()
    if text in shapes.PADDING_NAMES:
        return text
    parts = [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        raise ValueError(PADDING_HELP) from None
    if not numbers or min(numbers) < 0:
        raise ValueError(PADDING_HELP)
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) == 2:
        return (numbers[0], numbers[1])
    if len(numbers) == 4:
        return ((numbers[0], numbers[1]), (numbers[2], numbers[3]))
    raise ValueError(PADDING_HELP)


def _padding_text(padding: shapes.PaddingSpec) -> str:
    if isinstance(padding, str):
        return padding
    if isinstance(padding, int):
        return str(padding)
    if all(isinstance(v, int) for v in padding):
        return f"{padding[0]}, {padding[1]}"
    (t, b), (left, right) = padding  # type: ignore[misc]
    return f"{t}, {b}, {left}, {right}"


class ShapeCalculator(QWidget):
    """Standalone calculator: any input, kernel, filters, padding, stride, dilation, channels."""

    useCurrentRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)

        box = QGroupBox("Convolution layer")
        form = _form(box)
        self.h = _spin(1, MAX_SIZE, 128, "Input height in pixels.", "calc_h")
        self.w = _spin(1, MAX_SIZE, 128, "Input width in pixels.", "calc_w")
        self.c = _spin(1, 4096, 3, "Input channels (3 for RGB, more inside a network).",
                       "calc_c")
        form.addRow("H×W×C", _row(self.h, self.w, self.c))
        self.kh = _spin(1, 999, 3, "Kernel height.", "calc_kh")
        self.kw = _spin(1, 999, 3, "Kernel width.", "calc_kw")
        form.addRow("Kernel", _row(self.kh, "×", self.kw))
        self.filters = _spin(1, 100_000, 16, "Number of filters K: each one produces its own "
                             "output channel(s).", "calc_filters")
        form.addRow("Filters K", self.filters)
        self.padding = QComboBox()
        self.padding.setObjectName("calc_padding")
        self.padding.setAccessibleName(ACCESSIBLE_NAMES["calc_padding"])
        self.padding.setEditable(True)
        self.padding.addItems(list(shapes.PADDING_NAMES))
        self.padding.setToolTip("valid, same, full, or numbers: 'p' on every side, 'ph, pw' per "
                                "axis, or 'top, bottom, left, right'.")
        form.addRow("Padding", self.padding)
        self.sh = _spin(1, 64, 1, "Vertical stride: rows skipped between outputs.", "calc_sh")
        self.sw = _spin(1, 64, 1, "Horizontal stride: columns skipped between outputs.",
                        "calc_sw")
        form.addRow("Stride", _row(self.sh, "×", self.sw))
        self.dh = _spin(1, 64, 1, "Vertical dilation: gap between kernel taps.", "calc_dh")
        self.dw = _spin(1, 64, 1, "Horizontal dilation: gap between kernel taps.", "calc_dw")
        form.addRow("Dilation", _row(self.dh, "×", self.dw))
        self.channels = QComboBox()
        self.channels.setObjectName("calc_channels")
        self.channels.setAccessibleName(ACCESSIBLE_NAMES["calc_channels"])
        for value, label in CHANNEL_CHOICES:
            self.channels.addItem(label, value)
        self.channels.setToolTip("sum: each filter spans all channels (a CNN layer); "
                                 "per-channel: each channel filtered separately; luma: "
                                 "brightness only.")
        form.addRow("Channels", self.channels)
        self.use_current = QPushButton("Use current image && settings")
        self.use_current.setToolTip("Copy the loaded image's shape and the current settings "
                                    "into the calculator.")
        self.use_current.clicked.connect(self.useCurrentRequested)
        form.addRow(self.use_current)
        layout.addWidget(box)

        self.breakdown = ShapeBreakdown()
        layout.addWidget(self.breakdown)
        self.transposed = TransposedSection()
        layout.addWidget(self.transposed)
        self.pooling = PoolingSection()
        layout.addWidget(self.pooling)
        layout.addStretch(1)

        self._layer: shapes.LayerShape | None = None
        for spin in self._spins():
            spin.valueChanged.connect(self.recompute)
        self.padding.currentTextChanged.connect(self.recompute)
        self.channels.currentIndexChanged.connect(self.recompute)
        self.recompute()

    def _spins(self) -> tuple[QSpinBox, ...]:
        return (self.h, self.w, self.c, self.kh, self.kw, self.filters, self.sh, self.sw,
                self.dh, self.dw)

    def _widgets(self) -> tuple[QWidget, ...]:
        return (*self._spins(), self.padding, self.channels)

    def set_values(
        self, *, h: int | None = None, w: int | None = None, c: int | None = None,
        kernel: PairOrInt | None = None, filters: int | None = None,
        padding: shapes.PaddingSpec | None = None, stride: PairOrInt | None = None,
        dilation: PairOrInt | None = None, channels: str | None = None,
    ) -> None:
        """Set any of the inputs (kernel/stride/dilation: int or (h, w)); recompute once."""
        blockers = [QSignalBlocker(w_) for w_ in self._widgets()]
        try:
            for spin, value in ((self.h, h), (self.w, w), (self.c, c), (self.filters, filters)):
                if value is not None:
                    spin.setValue(value)
            for (a, b), value in (((self.kh, self.kw), kernel), ((self.sh, self.sw), stride),
                                  ((self.dh, self.dw), dilation)):
                if value is not None:
                    pair = _pair(value)
                    a.setValue(pair[0])
                    b.setValue(pair[1])
            if padding is not None:
                self.padding.setCurrentText(_padding_text(padding))
            if channels is not None:
                index = self.channels.findData(channels)
                if index < 0:
                    raise ValueError(f"unknown channel mode {channels!r}")
                self.channels.setCurrentIndex(index)
        finally:
            for blocker in blockers:
                blocker.unblock()
        self.recompute()

    def load(self, settings: Settings, shape: tuple[int, ...] | None) -> None:
        """Fill in the current settings (one filter) and, when given, the image shape."""
        values: dict[str, Any] = {}
        if shape is not None:
            values.update(h=shape[0], w=shape[1], c=shape[2] if len(shape) == 3 else 1)
        self.set_values(kernel=settings.kernel_shape, filters=1, padding=settings.padding,
                        stride=settings.stride, dilation=settings.dilation,
                        channels=settings.channels, **values)

    def recompute(self) -> None:
        try:
            padding = parse_padding(self.padding.currentText())
        except ValueError as exc:
            self._layer = None
            in_text = _shape_text((self.h.value(), self.w.value(), self.c.value()))
            self.breakdown.show_message(f"{in_text} → ?", error=str(exc))
            return
        self._layer = self.breakdown.show_layer(
            (self.h.value(), self.w.value(), self.c.value()),
            (self.kh.value(), self.kw.value()), filters=self.filters.value(), padding=padding,
            stride=(self.sh.value(), self.sw.value()), dilation=(self.dh.value(), self.dw.value()),
            channels=self.channels.currentData(),
        )

    def layer(self) -> shapes.LayerShape | None:
        """The computed layer, or ``None`` when there is no output."""
        return self._layer

    def summary_text(self) -> str:
        return self.breakdown.summary_text()

    def formula_texts(self) -> tuple[str, ...]:
        return self.breakdown.formula_texts()

    def error_text(self) -> str:
        return self.breakdown.error_text()

    def details_text(self) -> str:
        """Everything the breakdown shows, as plain text (kernel, counts, receptive field)."""
        return self.breakdown.details_text()


class ShapePanel(FollowsSettings, QWidget):
    """Shape of the current convolution ("Current image") and a standalone "Calculator".

    Follows the model's fields that decide the shape; call :meth:`set_input_shape` when the
    image changes.
    """

    depends_on = SHAPE_FIELDS

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._shape: tuple[int, ...] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        current = QWidget()
        current_layout = QVBoxLayout(current)
        current_layout.setContentsMargins(6, 6, 6, 6)
        self.breakdown = ShapeBreakdown()
        current_layout.addWidget(self.breakdown)
        current_layout.addStretch(1)
        self.tabs.addTab(_scrolled(current, "Shape of the current image"), "Current image")

        self.calculator = ShapeCalculator()
        self.calculator.useCurrentRequested.connect(
            lambda: self.calculator.load(self._model.settings, self._shape)
        )
        self.tabs.addTab(_scrolled(self.calculator, "Shape calculator"), "Calculator")
        self.tabs.setAccessibleName("Shape")
        self.tabs.tabBar().setAccessibleName("Shape pages")
        self.tabs.setWhatsThis(
            "Current image: the output shape of the settings on the loaded image, with the "
            "formula and its numbers per axis. Calculator: the same for any input, kernel, "
            "padding, stride and dilation, with transposed convolution and pooling.")

        self.refresh()
        self.follow(model)

    def set_input_shape(self, shape: tuple[int, ...] | None) -> None:
        """The loaded image's (H, W) or (H, W, C), or ``None`` when there is no image."""
        if shape is not None:
            if len(shape) not in (2, 3):
                raise ValueError(f"input shape must be (H, W) or (H, W, C), got {shape!r}")
            shape = tuple(int(v) for v in shape)
        self._shape = shape
        self.refresh()

    def input_shape(self) -> tuple[int, ...] | None:
        return self._shape

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self.refresh(settings)

    def refresh(self, settings: Settings | None = None) -> None:
        """Recompute the "Current image" tab from the model and the input shape."""
        settings = settings if isinstance(settings, Settings) else self._model.settings
        if self._shape is None:
            self.breakdown.show_message(
                "No image", "Open an image to see what the convolution does to its shape, or "
                "use the Calculator tab.")
            return
        self.breakdown.show_layer(
            self._shape, settings.kernel_shape, filters=1, padding=settings.padding,
            stride=settings.stride, dilation=settings.dilation, channels=settings.channels,
            flip=settings.flip,
        )

    # ------------------------------------------------------------------------ for tests
    def summary_text(self) -> str:
        """The arrow line of the "Current image" tab, e.g. ``5×5×1 → 3×3×1``."""
        return self.breakdown.summary_text()

    def formula_texts(self) -> tuple[str, ...]:
        """The height and width formulas with numbers substituted (empty when not computable)."""
        return self.breakdown.formula_texts()

    def error_text(self) -> str:
        """The explanation shown when there is no output ("" otherwise)."""
        return self.breakdown.error_text()

    def details_text(self) -> str:
        """Everything the "Current image" tab shows below the arrow line, as plain text."""
        return self.breakdown.details_text()


__all__ = [
    "PoolingSection", "ShapeBreakdown", "ShapeCalculator", "ShapePanel", "TransposedSection",
    "parse_padding",
]
