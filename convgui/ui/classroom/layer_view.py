"""After the convolution: activation and pooling, and the shape chain of the whole layer.

The image path: the model's kernel as one filter (over all channels, summed, as a CNN does; or
on the luma when the model says so) → the activation (none, ReLU, |x|) → pooling (max or
average with a window and a stride, or global max/average). The shape chain
(:func:`convgui.shapes.chain_text`) shows the same steps for K filters, with parameter counts,
e.g. ``128×128×3 → conv 16×(3×3×3), s2 → 63×63×16 → ReLU → max-pool 2×2 → 31×31×16``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from convgui.engine import ACTIVATIONS, activate, convolve2d, global_pool, pool2d
from convgui.mapcaption import format_value
from convgui.mapinputs import geometry_kwargs
from convgui.render import prepare_map
from convgui.settings import Settings
from convgui.shapes import (
    ACTIVATION_LABELS,
    ActivationStep,
    ConvStep,
    GlobalPoolStep,
    PoolStep,
    ShapeError,
    chain_params,
    chain_text,
    shape_chain,
    shape_text,
)
from convgui.ui.classroom.map_tile import MapTile
from convgui.ui.classroom.panel import ClassroomPanel
from convgui.ui.follow import GEOMETRY_FIELDS, KERNEL_FIELDS
from convgui.ui.model import SettingsModel

__all__ = ["POOLINGS", "LayerView"]

POOLINGS = ("none", "max", "avg", "global max", "global avg")
_POOL_LABELS = {"none": "none", "max": "max pooling", "avg": "average pooling",
                "global max": "global max", "global avg": "global average"}


def _compute(image: np.ndarray, kernel: np.ndarray, geometry: dict[str, Any], channels: str,
             activation: str, pooling: str, size: int, stride: int) -> tuple[Any, Any, Any]:
    conv = convolve2d(image, kernel, channels=channels, **geometry)
    activated = activate(conv, activation)
    if pooling == "none":
        pooled: Any = activated
    elif pooling.startswith("global"):
        pooled = global_pool(activated, pooling.split()[1])
    else:
        pooled = pool2d(activated, size, stride=stride, mode=pooling)
    shown = [prepare_map(conv), prepare_map(activated),
             None if isinstance(pooled, float) else prepare_map(pooled)]
    return (conv, activated, pooled), shown


def _chain_padding(padding: Any) -> Any:
    """The model's padding in its shortest form for the chain label (p1 rather than
    p((1, 1), (1, 1)))."""
    if isinstance(padding, str):
        return padding
    (top, bottom), (left, right) = padding
    if top == bottom == left == right:
        return top
    if top == bottom and left == right:
        return (top, left)
    return padding


class LayerView(ClassroomPanel):
    """Convolution → activation → pooling on the image, with the layer's shape chain.

    Public: :meth:`chain_text`, :meth:`chain_steps`, :meth:`stage_outputs`,
    :meth:`set_activation`, :meth:`set_pooling`, :meth:`set_filters`, :meth:`is_ready`.
    """

    #: The model's kernel, geometry and channel mode (luma or all channels summed); the
    #: convolution shown has no bias, and the maps are coloured by their own range.
    depends_on = GEOMETRY_FIELDS | KERNEL_FIELDS | {"channels"}

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._stages: tuple[Any, Any, Any] | None = None
        self._chain = ""
        self._build()
        self._update_chain()

    def _build(self) -> None:
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 1024)
        self.k_spin.setValue(16)
        self.k_spin.setToolTip("Filters in the layer (for the shape chain; the images show "
                               "one filter, the current kernel)")
        self.activation_combo = QComboBox()
        for mode in ACTIVATIONS:
            self.activation_combo.addItem(
                {"none": "none", "relu": "ReLU  max(x, 0)", "abs": "absolute value |x|"}[mode],
                mode)
        self.activation_combo.setCurrentIndex(ACTIVATIONS.index("relu"))
        self.pool_combo = QComboBox()
        for mode in POOLINGS:
            self.pool_combo.addItem(_POOL_LABELS[mode], mode)
        self.pool_combo.setCurrentIndex(1)
        self.window_spin = QSpinBox()
        self.window_spin.setRange(1, 16)
        self.window_spin.setValue(2)
        self.stride_spin = QSpinBox()
        self.stride_spin.setRange(1, 16)
        self.stride_spin.setValue(2)
        for widget, name, tip in (
            (self.k_spin, "Filters K", ""),
            (self.activation_combo, "Activation", "Applied to every output value"),
            (self.pool_combo, "Pooling", "How each window of the activated map becomes one "
                                         "value"),
            (self.window_spin, "Pooling window", "The pooling window's side"),
            (self.stride_spin, "Pooling stride", "How far the pooling window moves"),
        ):
            widget.setAccessibleName(name)
            if tip:
                widget.setToolTip(tip)
        for signal in (self.k_spin.valueChanged, self.activation_combo.currentIndexChanged,
                       self.pool_combo.currentIndexChanged, self.window_spin.valueChanged,
                       self.stride_spin.valueChanged):
            signal.connect(self._controls_changed)

        controls = QVBoxLayout()  # two rows, so the panel stays narrow with a large font
        for row in ((("Filters K", self.k_spin), ("Activation", self.activation_combo)),
                    (("Pooling", self.pool_combo), ("window", self.window_spin),
                     ("stride", self.stride_spin))):
            line = QHBoxLayout()
            for text, widget in row:
                label = QLabel(text)
                label.setBuddy(widget)
                line.addWidget(label)
                line.addWidget(widget)
            line.addStretch(1)
            controls.addLayout(line)

        self.conv_tile = MapTile("Convolution", min_side=120)
        self.act_tile = MapTile("After activation", min_side=120)
        self.pool_tile = MapTile("After pooling", min_side=120)
        tiles = QGridLayout()
        for n, tile in enumerate((self.conv_tile, self.act_tile, self.pool_tile)):
            tiles.addWidget(tile, 0, n)
            tiles.setColumnStretch(n, 1)
        self.watch_tiles(self.conv_tile, self.act_tile, self.pool_tile)

        self.chain_label = QLabel()
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_label.setTextFormat(Qt.TextFormat.RichText)  # no style sheet: a label with
        # one keeps the font it had when presentation mode changes the application's font
        self.chain_table = QTableWidget(0, 4)
        self.chain_table.setHorizontalHeaderLabels(["Step", "Shape after", "Parameters",
                                                    "Size arithmetic"])
        self.chain_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chain_table.verticalHeader().hide()
        self.chain_table.setAccessibleName("Shape chain")
        header = self.chain_table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.chain_table.setMaximumHeight(150)
        self.params_label = QLabel()
        self.params_label.setWordWrap(True)
        self.path_note = QLabel()
        self.path_note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.chain_label)
        layout.addWidget(self.chain_table)
        layout.addWidget(self.params_label)
        layout.addWidget(self.path_note)
        layout.addLayout(tiles, 1)
        layout.addWidget(self.readout)

    # ------------------------------------------------------------ public API

    def set_activation(self, mode: str) -> None:
        """``"none"``, ``"relu"`` or ``"abs"``."""
        if mode not in ACTIVATIONS:
            raise ValueError(f"unknown activation {mode!r}: use {', '.join(ACTIVATIONS)}")
        self.activation_combo.setCurrentIndex(self.activation_combo.findData(mode))

    def set_pooling(self, mode: str, size: int = 2, stride: int | None = None) -> None:
        """One of :data:`POOLINGS`, with the window and the stride (default: the window)."""
        if mode not in POOLINGS:
            raise ValueError(f"unknown pooling {mode!r}: use {', '.join(POOLINGS)}")
        blockers = [QSignalBlocker(w) for w in (self.pool_combo, self.window_spin,
                                                self.stride_spin)]
        self.pool_combo.setCurrentIndex(self.pool_combo.findData(mode))
        self.window_spin.setValue(int(size))
        self.stride_spin.setValue(int(size if stride is None else stride))
        for blocker in blockers:
            blocker.unblock()
        self._controls_changed()

    def set_filters(self, k: int) -> None:
        """Filters K of the layer in the shape chain."""
        self.k_spin.setValue(int(k))

    def chain_text(self) -> str:
        """The chain on one line, or the shape error; ``""`` without an image."""
        self.catch_up()
        return self._chain

    def chain_steps(self) -> list[Any]:
        """The :mod:`convgui.shapes` steps of the chain."""
        s = self.model.settings
        channels = "luma" if s.channels == "luma" else "sum"
        steps: list[Any] = [ConvStep(
            filters=self.k_spin.value(), kernel=s.kernel_shape, stride=s.stride,
            padding=_chain_padding(s.padding), dilation=s.dilation, channels=channels)]
        activation = self.activation_combo.currentData()
        if activation != "none":
            steps.append(ActivationStep(activation))
        pooling = self.pool_combo.currentData()
        if pooling.startswith("global"):
            steps.append(GlobalPoolStep(pooling.split()[1]))
        elif pooling != "none":
            steps.append(PoolStep(self.window_spin.value(), self.stride_spin.value(), pooling))
        return steps

    def stage_outputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | float] | None:
        """(convolution, after activation, after pooling) shown, or None. Global pooling gives
        a float."""
        return self._stages

    # ---------------------------------------------------------------- updates

    def _controls_changed(self, *_args: Any) -> None:
        pooling = self.pool_combo.currentData()
        windowed = pooling in ("max", "avg")
        self.window_spin.setEnabled(windowed)
        self.stride_spin.setEnabled(windowed)
        self._update_chain()
        self.schedule()

    def image_changed(self) -> None:
        self._update_chain()

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self._update_chain()
        self.schedule()

    def _update_chain(self) -> None:
        image = self.image()
        self.chain_table.setRowCount(0)
        if image is None:
            self._chain = ""
            self.chain_label.setText("Shape chain: open an image")
            self.params_label.setText("")
            return
        steps = self.chain_steps()
        try:
            self._chain = chain_text(image.shape, steps)
            links = shape_chain(image.shape, steps)
            total = chain_params(image.shape, steps)
        except (ShapeError, ValueError) as exc:
            self._chain = str(exc)
            self.chain_label.setText(f"<b style='color:#c62828'>{_escape(self._chain)}</b>")
            self.params_label.setText("")
            return
        self.chain_label.setText(f"<b>{_escape(self._chain)}</b>")
        rows = [("input", shape_text(_as3(image.shape)), "", "")]
        rows += [(link.label, shape_text(link.shape), f"{link.params:,}", link.formula or "")
                 for link in links]
        self.chain_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.chain_table.setItem(r, c, QTableWidgetItem(text))
        k = self.k_spin.value()
        weights = links[0].params // k - 1
        self.params_label.setText(
            f"Parameters: {total:,} in total — {k} filter{'s' if k != 1 else ''} × "
            f"({weights:,} weights + 1 bias); activation and pooling have none.")

    # ------------------------------------------------------------------ jobs

    def make_job(self) -> Callable[[], Any] | None:
        image = self.image()
        if image is None:
            self._stages = None
            for tile in (self.conv_tile, self.act_tile, self.pool_tile):
                tile.set_message("open an image")
            return None
        s = self.model.settings
        channels = "luma" if s.channels == "luma" else "sum"
        kernel, geometry = s.kernel_array(), geometry_kwargs(s)
        activation = self.activation_combo.currentData()
        pooling = self.pool_combo.currentData()
        size, stride = self.window_spin.value(), self.stride_spin.value()
        over = ("the luma" if channels == "luma" else "all channels, summed")
        self.path_note.setText(
            "Images: one filter (the current kernel)" +
            (f" over {over}" if image.ndim == 3 else "") + " — the chain above has K of them.")
        return lambda: _compute(image, kernel, geometry, channels, activation, pooling, size,
                                stride)

    def show_result(self, result: tuple[tuple[Any, Any, Any], list[Any]]) -> None:
        self._stages, (conv_shown, act_shown, pool_shown) = result
        pooled = self._stages[2]
        activation = self.activation_combo.currentData()
        pooling = self.pool_combo.currentData()
        self.conv_tile.set_map(conv_shown, name="Convolution")
        self.act_tile.set_map(act_shown, name=f"After {ACTIVATION_LABELS[activation]}"
                              if activation != "none" else "No activation")
        if isinstance(pooled, float):
            self.pool_tile.set_message(
                f"{_POOL_LABELS[pooling]} = {format_value(pooled)}\n\n"
                f"one number per filter: H×W → 1×1", name=_POOL_LABELS[pooling])
        elif pooling == "none":
            self.pool_tile.set_map(pool_shown, name="No pooling")
        else:
            size, stride = self.window_spin.value(), self.stride_spin.value()
            self.pool_tile.set_map(pool_shown, name=f"{_POOL_LABELS[pooling]} {size}×{size}, "
                                                f"stride {stride}")

    def show_error(self, message: str) -> None:
        self._stages = None
        for tile in (self.conv_tile, self.act_tile, self.pool_tile):
            tile.set_message(message)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _as3(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape if len(shape) == 3 else (*shape, 1)
