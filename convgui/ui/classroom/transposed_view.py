"""Transposed convolution: upsampling with :func:`convgui.engine.conv_transpose2d`.

Every input pixel stamps the kernel, scaled by its value, ``s`` pixels apart; where stamps
overlap the values add up. With stride 2 and a 3×3 kernel the overlaps are uneven (1, 2, 1,
2, … stamps per row and column), so even a constant input comes out as a checkerboard. The
shape panel shows both directions: the forward convolution (i, k, s, p → o) and its
transpose (i′, k′, s′, p′ → o′), which maps the forward output size back to the input size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui.engine import conv_transpose2d
from convgui.settings import Settings
from convgui.shapes import (
    ShapeError,
    formula_text,
    transposed_formula_text,
    transposed_output_size,
)
from convgui.ui.classroom._common import DIVERGING_LUT, ClassroomPanel, luma, shape_str
from convgui.ui.model import SettingsModel

__all__ = ["CONSTANT_SIDE", "MAX_INPUT_SIDE", "TransposedView", "downscale"]

MAX_INPUT_SIDE = 64
CONSTANT_SIDE = 8
_TITLE = {"color": "#d8d8d8", "size": "10pt"}


def _block(shape: tuple[int, ...], max_side: int) -> tuple[int, int, int]:
    """(f, h, w): the block side f that brings the longer side to ≤ ``max_side`` and the
    downscaled size."""
    f = max(1, math.ceil(max(shape[:2]) / max_side))
    return f, max(1, shape[0] // f), max(1, shape[1] // f)


def downscale(image: np.ndarray, max_side: int = MAX_INPUT_SIDE) -> np.ndarray:
    """The luma of ``image`` averaged over f×f blocks, f the smallest factor that brings the
    longer side to ≤ ``max_side`` (rows/columns that do not fill a block are dropped)."""
    f, h, w = _block(np.shape(image), max_side)
    if f == 1:
        return np.asarray(luma(image), dtype=np.float32)
    plane = np.asarray(luma(np.asarray(image)[: h * f, : w * f]), dtype=np.float64)
    return plane.reshape(h, f, w, f).mean(axis=(1, 3)).astype(np.float32)


def _compute(image: np.ndarray | None, kernel: np.ndarray,
             params: dict[str, int]) -> tuple[np.ndarray, np.ndarray | str]:
    """(input, output): the constant patch (``image`` None) or the downscaled image, and its
    transposed convolution (or why there is none)."""
    if image is None:
        source = np.ones((CONSTANT_SIDE, CONSTANT_SIDE), dtype=np.float32)
    else:
        source = downscale(image)
    try:
        return source, conv_transpose2d(source, kernel, **params)
    except ValueError as exc:  # ShapeError included: the settings leave no output
        return source, str(exc)


class _ImagePanel(pg.GraphicsLayoutWidget):
    """A title above one aspect-locked, row-0-at-top view of an ImageItem (nearest neighbour)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = pg.LabelItem(title, **_TITLE)
        self.addItem(self.title, row=0, col=0)
        self.vb = pg.ViewBox(lockAspect=True, invertY=True)
        self.addItem(self.vb, row=1, col=0)
        self.item = pg.ImageItem()
        self.vb.addItem(self.item)
        self.setMinimumSize(180, 180)

    def show_map(self, data: np.ndarray, title: str) -> None:
        arr = np.asarray(data, dtype=np.float64)
        finite = arr[np.isfinite(arr)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        if lo < 0:
            m = max(-lo, hi)
            self.item.setLookupTable(DIVERGING_LUT, update=False)
            self.item.setImage(arr, autoLevels=False, levels=(-m, m))
            title += "  ·  blue < 0 < red"
        else:
            self.item.setLookupTable(None, update=False)
            self.item.setImage(arr, autoLevels=False, levels=(0.0, hi if hi > 0 else 1.0))
        self.item.show()
        self.title.setText(title, **_TITLE)
        self.vb.autoRange(padding=0.02, items=[self.item])

    def clear_map(self, title: str) -> None:
        self.item.clear()
        self.item.hide()
        self.title.setText(title, **_TITLE)


class TransposedView(ClassroomPanel):
    """Stride-s transposed convolution of the (downscaled) image or of a constant patch, with
    the forward and transposed size formulas.

    Public: :meth:`output`, :meth:`input_patch`, :meth:`formula_texts`, :meth:`set_params`,
    :meth:`set_constant_input`, :meth:`is_ready`.
    """

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._output: np.ndarray | None = None
        self._source: np.ndarray | None = None
        self._build()
        self._update_texts()

    def _build(self) -> None:
        def spin(low: int, high: int, value: int) -> QSpinBox:
            box = QSpinBox()
            box.setRange(low, high)
            box.setValue(value)
            box.valueChanged.connect(self._controls_changed)
            return box

        self.stride_spin = spin(1, 8, 2)
        self.padding_spin = spin(0, 16, 0)
        self.output_padding_spin = spin(0, 7, 0)
        self.dilation_spin = spin(1, 8, 1)
        self.constant_box = QCheckBox("Constant input (shows the checkerboard)")
        self.constant_box.toggled.connect(self._controls_changed)
        controls = QHBoxLayout()
        for text, widget in (("stride s′", self.stride_spin), ("padding p′", self.padding_spin),
                             ("output padding", self.output_padding_spin),
                             ("dilation", self.dilation_spin)):
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
        controls.addWidget(self.constant_box)
        controls.addStretch(1)

        self.input_panel = _ImagePanel("Input")
        self.output_panel = _ImagePanel("Transposed convolution")
        panels = QHBoxLayout()
        panels.addWidget(self.input_panel, 1)
        panels.addWidget(self.output_panel, 2)

        self.forward_label = QLabel()
        self.transposed_label = QLabel()
        for label in (self.forward_label, self.transposed_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setStyleSheet("font-family: monospace;")  # size follows the app font
        self.explain = QLabel(
            "Each input pixel stamps the kernel, scaled by its value, s′ pixels apart; "
            "overlapping stamps add up. When the kernel size is not a multiple of the stride "
            "the overlaps are uneven, so even a constant input gives a checkerboard.")
        self.explain.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addLayout(panels, 1)
        layout.addWidget(QLabel("<b>Shapes, both directions</b> (per axis)"))
        layout.addWidget(self.forward_label)
        layout.addWidget(self.transposed_label)
        layout.addWidget(self.explain)

    # ------------------------------------------------------------ public API

    def set_params(self, stride: int = 2, padding: int = 0, output_padding: int = 0,
                   dilation: int = 1) -> None:
        """The transposed convolution's stride, padding, output padding and dilation."""
        boxes = (self.stride_spin, self.padding_spin, self.output_padding_spin,
                 self.dilation_spin)
        values = (stride, padding, output_padding, dilation)
        names = ("stride", "padding", "output_padding", "dilation")
        for box, value, name in zip(boxes, values, names, strict=True):
            if not box.minimum() <= int(value) <= box.maximum():
                raise ValueError(f"{name} must be {box.minimum()}..{box.maximum()}, got {value}")
        for box, value in zip(boxes, values, strict=True):
            box.blockSignals(True)
            box.setValue(int(value))
            box.blockSignals(False)
        self._controls_changed()

    def params(self) -> dict[str, int]:
        return {"stride": self.stride_spin.value(), "padding": self.padding_spin.value(),
                "output_padding": self.output_padding_spin.value(),
                "dilation": self.dilation_spin.value()}

    def set_constant_input(self, on: bool) -> None:
        """Use a constant 8×8 patch of ones instead of the image."""
        self.constant_box.setChecked(bool(on))

    def input_patch(self) -> np.ndarray | None:
        """The 2-D input of the output shown (the constant patch or the downscaled image)."""
        return self._source

    def input_shape(self) -> tuple[int, int] | None:
        """The shape the input will have: 8×8 for the constant patch, else the image's
        downscaled size; None without an image."""
        if self.constant_box.isChecked():
            return (CONSTANT_SIDE, CONSTANT_SIDE)
        image = self.image()
        return None if image is None else _block(image.shape, MAX_INPUT_SIDE)[1:]

    def output(self) -> np.ndarray | None:
        """The transposed convolution shown, or None."""
        return self._output

    def formula_texts(self) -> tuple[str, str]:
        """(forward ``i = …, k = …, s = …, p = … → o = …``, transposed ``i′ = …, k′ = …,
        s′ = …, p′ = … → o′ = …``), or ("", "") without an input."""
        shape = self.input_shape()
        if shape is None:
            return "", ""
        kh, kw = self.model.settings.kernel_shape
        p = self.params()
        forward, backward = [], []
        for n, k in zip(shape, (kh, kw), strict=True):
            f, b = _axis_texts(n, k, p)
            forward.append(f)
            backward.append(b)
        if forward[0] == forward[1] and backward[0] == backward[1]:
            return forward[0], backward[0]
        return (f"H: {forward[0]}   W: {forward[1]}", f"H: {backward[0]}   W: {backward[1]}")

    # ---------------------------------------------------------------- updates

    def _controls_changed(self, *_args: Any) -> None:
        self._update_texts()
        self.schedule()

    def image_changed(self) -> None:
        self._update_texts()

    def settings_changed(self, settings: Settings) -> None:
        self._update_texts()
        self.schedule()

    def _update_texts(self) -> None:
        forward, backward = self.formula_texts()
        self.forward_label.setText(f"forward convolution:   {forward}" if forward else "")
        self.transposed_label.setText(f"transposed:            {backward}" if backward else "")

    # ------------------------------------------------------------------ jobs

    def make_job(self) -> Callable[[], Any] | None:
        image = None if self.constant_box.isChecked() else self.image()
        if image is None and not self.constant_box.isChecked():
            self._output = self._source = None
            self.input_panel.clear_map("Input: open an image")
            self.output_panel.clear_map("Transposed convolution")
            return None
        kernel, params = self.model.settings.kernel_array(), self.params()
        return lambda: _compute(image, kernel, params)

    def show_result(self, result: tuple[np.ndarray, np.ndarray | str]) -> None:
        self._source, out = result
        what = "constant patch" if self.constant_box.isChecked() else "image (luma, downscaled)"
        self.input_panel.show_map(self._source, f"Input: {what} {shape_str(self._source.shape)}")
        if isinstance(out, str):
            self._output = None
            self.output_panel.clear_map("Transposed convolution: no output (see the shapes "
                                        "below)")
            self.output_panel.setToolTip(out)
            return
        self._output = out
        self.output_panel.setToolTip("")
        kh, kw = self.model.settings.kernel_shape
        self.output_panel.show_map(
            out, f"Transposed convolution {shape_str(out.shape)}  ({kh}×{kw} kernel, "
                 f"stride {self.stride_spin.value()})")

    def show_error(self, message: str) -> None:
        self._output = self._source = None
        self.input_panel.clear_map("Input")
        self.output_panel.clear_map(f"Transposed convolution: {message}")


def _axis_texts(n: int, k: int, p: dict[str, int]) -> tuple[str, str]:
    """Forward and transposed text for one axis whose transposed input has ``n`` cells."""
    s, pad, op, d = p["stride"], p["padding"], p["output_padding"], p["dilation"]
    extra = (f", d = {d}" if d != 1 else "")
    extra_t = extra + (f", output padding = {op}" if op else "")
    backward = f"i′ = {n}, k′ = {k}, s′ = {s}, p′ = {pad}{extra_t} → o′ = "
    try:
        out = transposed_output_size(n, k, pad, s, d, op)
    except (ShapeError, ValueError) as exc:
        return "(no forward size: the transpose has no output)", backward + str(exc)
    backward += transposed_formula_text(n, k, pad, s, d, op)
    forward = (f"i = {out}, k = {k}, s = {s}, p = {pad}{extra} → o = "
               + formula_text(out, k, pad, pad, s, d))
    return forward, backward
