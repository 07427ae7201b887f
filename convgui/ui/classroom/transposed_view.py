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
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui.animation.request import AnimationRequest, transposed_request
from convgui.engine import conv_transpose2d
from convgui.mapinputs import luma
from convgui.render import ShownMap, prepare_map
from convgui.settings import Settings
from convgui.shapes import (
    ShapeError,
    formula_text,
    transposed_formula_text,
    transposed_output_size,
)
from convgui.ui.classroom.map_tile import MapTile
from convgui.ui.classroom.panel import ClassroomPanel
from convgui.ui.follow import KERNEL_FIELDS
from convgui.ui.lesson_exports import export_animation
from convgui.ui.model import SettingsModel

__all__ = ["CONSTANT_SIDE", "MAX_INPUT_SIDE", "TransposedView", "downscale"]

MAX_INPUT_SIDE = 64
CONSTANT_SIDE = 8


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
             params: dict[str, int]) -> tuple[ShownMap, ShownMap | str]:
    """(input, output) ready to draw: the constant patch (``image`` None) or the downscaled
    image, and its transposed convolution (or why there is none)."""
    if image is None:
        source = np.ones((CONSTANT_SIDE, CONSTANT_SIDE), dtype=np.float32)
    else:
        source = downscale(image)
    try:
        out = conv_transpose2d(source, kernel, **params)
    except ValueError as exc:  # ShapeError included: the settings leave no output
        return prepare_map(source), str(exc)
    return prepare_map(source), prepare_map(out)


class TransposedView(ClassroomPanel):
    """Stride-s transposed convolution of the (downscaled) image or of a constant patch, with
    the forward and transposed size formulas.

    Public: :meth:`output`, :meth:`input_patch`, :meth:`formula_texts`, :meth:`set_params`,
    :meth:`set_constant_input`, :meth:`is_ready`, :meth:`animation_request`.
    """

    message = Signal(str)  # a notice for the status bar (an animation export)
    #: Only the model's kernel: stride, padding, output padding and dilation are the panel's
    #: own controls, and the input is the (downscaled) luma or a constant patch.
    depends_on = KERNEL_FIELDS

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
        for box, tip in (
            (self.stride_spin, "s′: the stride of the forward convolution this one undoes; "
                               "the input pixels' stamps land s′ pixels apart"),
            (self.padding_spin, "p′: the forward convolution's padding, cropped from each "
                                "side of the result"),
            (self.output_padding_spin, "Extra cells on one side, to pick one of the input "
                                       "sizes a strided forward convolution maps to the same "
                                       "output size (less than the stride)"),
            (self.dilation_spin, "Spacing of the kernel taps"),
        ):
            box.setToolTip(tip)
        self.constant_box = QCheckBox("Constant input (checkerboard)")
        self.constant_box.setToolTip("An 8×8 patch of ones instead of the image: the uneven "
                                     "overlaps of the stamps show as a checkerboard")
        self.constant_box.toggled.connect(self._controls_changed)
        self.export_button = QPushButton("Export animation…")
        self.export_button.setToolTip("Write the stamps sliding over the zero-inserted input, one "
                                      "frame per output cell, as GIF, APNG, PNG frames, SVG or PDF")
        self.export_button.clicked.connect(self._export_animation)
        controls = QGridLayout()  # two rows, so the panel stays narrow with a large font
        for n, (text, widget) in enumerate((
                ("stride s′", self.stride_spin), ("padding p′", self.padding_spin),
                ("output padding", self.output_padding_spin), ("dilation", self.dilation_spin))):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(f"Transposed {text.replace('′', '')}")
            controls.addWidget(label, n // 2, 2 * (n % 2))
            controls.addWidget(widget, n // 2, 2 * (n % 2) + 1)
        controls.setColumnStretch(4, 1)

        self.input_panel = MapTile("Input", min_side=160)
        self.output_panel = MapTile("Transposed convolution", min_side=160)
        self.watch_tiles(self.input_panel, self.output_panel)
        panels = QHBoxLayout()
        panels.addWidget(self.input_panel, 1)
        panels.addWidget(self.output_panel, 2)

        self.forward_label = QLabel()
        self.transposed_label = QLabel()
        for label in (self.forward_label, self.transposed_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)  # monospace without a style sheet, so
            # the size follows the application font (presentation mode)
        self.explain = QLabel(
            "Each input pixel stamps the kernel, scaled by its value, s′ pixels apart; "
            "overlapping stamps add up. When the kernel size is not a multiple of the stride "
            "the overlaps are uneven, so even a constant input gives a checkerboard.")
        self.explain.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        shapes_heading = QLabel("<b>Shapes, both directions</b> (per axis)")
        shapes_heading.setWordWrap(True)
        layout.addLayout(controls)
        row = QHBoxLayout()
        row.addWidget(self.constant_box, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        layout.addLayout(panels, 1)
        layout.addWidget(self.readout)
        layout.addWidget(shapes_heading)
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
            with QSignalBlocker(box):
                box.setValue(int(value))
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

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self._update_texts()
        self.schedule()

    def _update_texts(self) -> None:
        forward, backward = self.formula_texts()
        self.forward_label.setText(_monospace(f"forward convolution:   {forward}")
                                   if forward else "")
        self.transposed_label.setText(_monospace(f"transposed:            {backward}")
                                      if backward else "")

    # ------------------------------------------------------------------ jobs

    def make_job(self) -> Callable[[], Any] | None:
        image = None if self.constant_box.isChecked() else self.image()
        if image is None and not self.constant_box.isChecked():
            self._output = self._source = None
            self.input_panel.set_message("open an image", name="Input")
            self.output_panel.set_message("open an image", name="Transposed convolution")
            self.output_panel.setToolTip("")
            return None
        kernel, params = self.model.settings.kernel_array(), self.params()
        return lambda: _compute(image, kernel, params)

    def show_result(self, result: tuple[ShownMap, ShownMap | str]) -> None:
        source, out = result
        self._source = source.data
        what = "constant patch" if self.constant_box.isChecked() else "image (luma, downscaled)"
        self.input_panel.set_map(source, name=f"Input: {what}")
        if isinstance(out, str):
            self._output = None
            self.output_panel.set_message(f"no output: {out}",
                                          name="Transposed convolution: no output")
            self.output_panel.setToolTip(out)
            return
        self._output = out.data
        self.output_panel.setToolTip("")
        kh, kw = self.model.settings.kernel_shape
        self.output_panel.set_map(out, name=f"Transposed convolution ({kh}×{kw} kernel, "
                                            f"stride {self.stride_spin.value()})")

    def animation_request(self) -> AnimationRequest:
        """The transposed convolution shown, as an animation (see
        :func:`~convgui.animation.request.transposed_request`); ValueError without an
        input."""
        source = self.input_patch()
        if source is None:
            raise ValueError("the Transposed tab has no input yet: open an image or tick "
                             "“Constant input”")
        return transposed_request(source, self.model.settings.kernel_array(), self.params())

    def _export_animation(self) -> None:
        export_animation(self, report=self.message.emit)

    def show_error(self, message: str) -> None:
        self._output = self._source = None
        self.input_panel.set_message(message, name="Input")
        self.output_panel.set_message(message, name="Transposed convolution")
        self.output_panel.setToolTip(message)


def _monospace(text: str) -> str:
    """``text`` as rich text in a monospace font, spaces kept, wrapping allowed."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<span style='font-family:monospace; white-space:pre-wrap'>{escaped}</span>"


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
