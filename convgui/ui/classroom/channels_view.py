"""Colour channels: the R, G and B inputs, each convolved on its own, and a CNN layer.

In a CNN a filter is kh×kw×C: one 2-D slice per input channel (editable here; by default the
current kernel repeated). Each slice filters its own channel, the channel results are added,
then the filter's bias: one 2-D map per filter, so K filters give an H′×W′×K output
(:func:`convgui.engine.conv_layer`). A grey image is one channel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QBoxLayout,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from convgui.engine import conv_layer, convolve2d
from convgui.mapcells import light_text
from convgui.mapinputs import geometry_kwargs
from convgui.render import prepare_map
from convgui.settings import Settings
from convgui.shapes import ShapeError, layer_shape
from convgui.textgrid import parse_number
from convgui.ui.classroom.map_tile import MapTile
from convgui.ui.classroom.panel import ClassroomPanel
from convgui.ui.follow import GEOMETRY_FIELDS, KERNEL_FIELDS
from convgui.ui.kernel_table import display_number, fitting_texts, heat_color
from convgui.ui.model import SettingsModel

__all__ = ["MAX_FILTERS", "ChannelsView"]

MAX_FILTERS = 4
_CHANNEL_NAMES = ("R", "G", "B")
_CHANNEL_COLORS = ("#c62828", "#2e7d32", "#1565c0")
_CELL = 40  # smallest slice table cell side (pixels)
_CELL_PER_TEXT_HEIGHT = 2.2  # slice table cells grow with the font
_LIGHT, _DARK = QColor(255, 255, 255), QColor(20, 20, 20)


class _FitDelegate(QStyledItemDelegate):
    """Paints each number with as many digits as fit its cell (the tooltip has them all)."""

    def initStyleOption(self, option: Any, index: Any) -> None:  # noqa: N802 - Qt API
        super().initStyleOption(option, index)
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            return
        texts = fitting_texts(value)
        room = option.rect.width() - 10  # the style pads each side
        option.text = next((t for t in texts if option.fontMetrics.horizontalAdvance(t) <= room),
                           texts[-1])


def _compute(image: np.ndarray, value_range: tuple[float, float], kernel: np.ndarray,
             weights: np.ndarray, bias: np.ndarray, geometry: dict[str, Any]) -> dict[str, Any]:
    """Input planes, per-channel results and the layer output, each map ready to draw."""
    inputs = [image] if image.ndim == 2 else [image[:, :, c] for c in range(image.shape[2])]
    per_channel = convolve2d(image, kernel, channels="per-channel", **geometry)
    planes = ([per_channel] if per_channel.ndim == 2
              else [per_channel[:, :, c] for c in range(per_channel.shape[2])])
    layer = conv_layer(image, weights, bias, **geometry)
    return {
        "image": image,
        "inputs": [prepare_map(p, value_range) for p in inputs],
        "per_channel": [prepare_map(p) for p in planes],
        "layer": layer,
        "maps": [prepare_map(layer[:, :, k]) for k in range(layer.shape[2])],
    }


class _SliceTable(QTableWidget):
    """One editable kh×kw slice of a filter, cells coloured by a diverging heat map."""

    def __init__(self, data: np.ndarray, on_edit: Callable[[int, int, float], None]) -> None:
        kh, kw = data.shape
        super().__init__(kh, kw)
        self._on_edit = on_edit
        self._data = np.array(data, dtype=np.float64)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_to_font()
        self.setItemDelegate(_FitDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fill()
        self.itemChanged.connect(self._changed)

    def _fit_to_font(self) -> None:
        """Square cells of at least :data:`_CELL` px that grow with the font."""
        cell = max(_CELL, round(_CELL_PER_TEXT_HEIGHT * QFontMetrics(self.font()).height()))
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setMinimumSectionSize(cell)
            header.setDefaultSectionSize(cell)
        kh, kw = self._data.shape
        self.setFixedSize(kw * cell + 4, kh * cell + 4)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._fit_to_font()
        super().changeEvent(event)

    def set_data(self, data: np.ndarray) -> None:
        """Show ``data`` (kh×kw, any size): the table is resized and its cells refilled in
        place, without reporting an edit."""
        kh, kw = np.shape(data)
        self._data = np.array(data, dtype=np.float64)
        if (kh, kw) != (self.rowCount(), self.columnCount()):
            self.setRowCount(kh)
            self.setColumnCount(kw)
            self._fit_to_font()
        self._fill()

    def _fill(self) -> None:
        """Write every value into its cell; items are reused (a kernel edit creates none)."""
        with QSignalBlocker(self):
            peak = float(np.abs(self._data).max())
            for r in range(self._data.shape[0]):
                for c in range(self._data.shape[1]):
                    value = float(self._data[r, c])
                    item = self.item(r, c)
                    if item is None:
                        item = QTableWidgetItem()
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                        self.setItem(r, c, item)
                    background = heat_color(value, peak)
                    dark = light_text(np.array(background.getRgb()[:3]))
                    item.setText(display_number(value))
                    item.setBackground(QBrush(background))
                    item.setForeground(QBrush(_LIGHT if dark else _DARK))
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    item.setToolTip(display_number(value))

    def set_value(self, r: int, c: int, value: float) -> None:
        """Set one cell (exactly) and report it, as typing does."""
        self._data[r, c] = float(value)
        self._fill()
        self._on_edit(r, c, float(value))

    def _changed(self, item: QTableWidgetItem) -> None:
        try:
            value = float(parse_number(item.text()))
        except ValueError:
            self._fill()  # put the old number back
            return
        self.set_value(item.row(), item.column(), value)


class _FilterEditor(QGroupBox):
    """One filter of the layer: its bias and one editable slice table per input channel.

    Edits are reported as ``on_slice_edit(c, r, col, value)`` and ``on_bias_edit(value)``;
    :meth:`set_values` shows new weights (any kernel size) by refilling the same widgets.
    """

    def __init__(self, title: str, weights: np.ndarray, bias: float,
                 on_slice_edit: Callable[[int, int, int, float], None],
                 on_bias_edit: Callable[[float], None]) -> None:
        super().__init__(title)
        c_count = weights.shape[2]
        names = _CHANNEL_NAMES if c_count == 3 else ("grey",)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        bias_row = QHBoxLayout()
        self.bias_spin = QDoubleSpinBox()
        self.bias_spin.setRange(-1e6, 1e6)
        self.bias_spin.setDecimals(2)
        self.bias_spin.setValue(float(bias))
        self.bias_spin.valueChanged.connect(on_bias_edit)
        self.bias_spin.setAccessibleName("Filter bias")
        self.bias_spin.setToolTip("Added to this filter's summed output")
        bias_label = QLabel("bias")
        bias_label.setBuddy(self.bias_spin)
        bias_row.addWidget(bias_label)
        bias_row.addWidget(self.bias_spin)
        bias_row.addStretch(1)
        outer.addLayout(bias_row)
        row = QHBoxLayout()
        outer.addLayout(row)
        self.tables: list[_SliceTable] = []
        for c in range(c_count):
            column = QVBoxLayout()
            # rich text, not a style sheet, so the label follows the application's font
            label = QLabel(f"<b style='color:{_CHANNEL_COLORS[c]}'>{names[c]} slice</b>"
                           if c_count == 3 else f"{names[c]} slice")
            column.addWidget(label)
            table = _SliceTable(weights[:, :, c],
                                lambda r, col, v, c=c: on_slice_edit(c, r, col, v))
            column.addWidget(table)
            column.addStretch(1)
            row.addLayout(column)
            self.tables.append(table)
        row.addStretch(1)

    def channels(self) -> int:
        """Slice tables C (one per input channel)."""
        return len(self.tables)

    def set_values(self, weights: np.ndarray, bias: float) -> None:
        """Show ``weights`` (kh×kw×C, C = :meth:`channels`) and ``bias`` without reporting
        an edit."""
        with QSignalBlocker(self.bias_spin):
            self.bias_spin.setValue(float(bias))
        for c, table in enumerate(self.tables):
            table.set_data(weights[:, :, c])


def _discard(layout: QBoxLayout, widget: QWidget) -> None:
    """Take ``widget`` out of ``layout`` and delete it (hidden at once: deleteLater waits for
    the event loop)."""
    layout.removeWidget(widget)
    widget.hide()
    widget.deleteLater()


class ChannelsView(ClassroomPanel):
    """R, G, B inputs, per-channel results and a K-filter CNN layer over all channels.

    Public: :meth:`per_channel_results`, :meth:`set_filters`, :meth:`filters_and_bias`,
    :meth:`layer_output`, :meth:`shape_text`, :meth:`is_ready`.
    """

    #: The model's kernel (the per-channel maps, and the slices it resets) and geometry; the
    #: channels are always convolved one by one and the layer sums them, with biases of its
    #: own, so the model's bias, channel mode and display are not used.
    depends_on = GEOMETRY_FIELDS | KERNEL_FIELDS

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._kernel = model.settings.kernel_array()
        self._weights = self._repeat(self._kernel, 1, 3)
        self._bias = np.zeros(1)
        self._per_channel: list[np.ndarray] | None = None
        self._layer: np.ndarray | None = None
        self._input_tiles: list[MapTile] = []
        self._result_tiles: list[MapTile] = []
        self._output_pool: list[MapTile] = []  # made as K grows, hidden beyond K
        self._output_tiles: list[MapTile] = []  # the K tiles shown
        self._editors: list[_FilterEditor] = []
        self._build()
        self._sync_filter_editors()

    @staticmethod
    def _repeat(kernel: np.ndarray, k: int, c: int) -> np.ndarray:
        return np.repeat(np.repeat(kernel[None, :, :, None], c, axis=3), k, axis=0)

    def _build(self) -> None:
        self.note = QLabel()
        self.note.setWordWrap(True)
        tiles = QGridLayout()
        tiles.setSpacing(4)
        for row, text in ((0, "<b>Input channels</b>"),
                          (2, "<b>Each channel convolved with the current kernel</b>")):
            heading = QLabel(text)
            heading.setWordWrap(True)
            tiles.addWidget(heading, row, 0, 1, 3)
        for c in range(3):
            tile = MapTile(_CHANNEL_NAMES[c], min_side=72)
            tiles.addWidget(tile, 1, c)
            self._input_tiles.append(tile)
            result = MapTile(f"{_CHANNEL_NAMES[c]} ∗ kernel", min_side=72)
            tiles.addWidget(result, 3, c)
            self._result_tiles.append(result)
        tiles.setRowStretch(1, 1)
        tiles.setRowStretch(3, 1)
        self.watch_tiles(*self._input_tiles, *self._result_tiles)
        left = QVBoxLayout()
        left.addLayout(tiles, 1)
        left.addWidget(self.readout)
        left.addWidget(self.note)

        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, MAX_FILTERS)
        self.k_spin.valueChanged.connect(self._k_changed)
        reset = QPushButton("Reset slices")
        reset.setToolTip("Every slice of every filter becomes the current kernel")
        reset.clicked.connect(self.reset_slices)
        controls = QHBoxLayout()
        self.k_spin.setAccessibleName("Filters K")
        self.k_spin.setToolTip("How many filters the layer has: one output map each")
        k_label = QLabel("Filters &K:")
        k_label.setBuddy(self.k_spin)
        controls.addWidget(k_label)
        controls.addWidget(self.k_spin)
        controls.addStretch(1)
        controls.addWidget(reset)
        self.editors = QWidget()
        self.editors_layout = QVBoxLayout(self.editors)
        self.editors_layout.setContentsMargins(0, 0, 0, 0)
        self.editors_layout.addStretch(1)  # the filter editors go above it
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editors)
        scroll.setMinimumHeight(150)
        self.shape_label = QLabel()
        self.shape_label.setWordWrap(True)
        self.shape_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outputs = QHBoxLayout()
        self.outputs.setSpacing(4)
        cnn = QGroupBox("CNN layer")
        cnn_layout = QVBoxLayout(cnn)
        explain = QLabel("Each filter is kh×kw×C, one slice per channel.")
        output_note = QLabel("Output = Σ over channels (slice ∗ channel) + bias, one map per "
                             "filter:")
        for label in (explain, output_note):
            label.setWordWrap(True)
        cnn_layout.addWidget(explain)
        cnn_layout.addLayout(controls)
        cnn_layout.addWidget(scroll, 1)
        cnn_layout.addWidget(output_note)
        cnn_layout.addLayout(self.outputs, 1)
        cnn_layout.addWidget(self.shape_label)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(left, 1)
        layout.addWidget(cnn, 1)

    # ----------------------------------------------------------- public API

    def channels(self) -> int:
        """Input channels C: 3 for RGB, 1 for grey."""
        image = self.image()
        return 3 if image is None or image.ndim == 3 else 1

    def per_channel_results(self) -> list[np.ndarray] | None:
        """Each input channel convolved with the model's kernel (one 2-D map per channel)."""
        return None if self._per_channel is None else list(self._per_channel)

    def filters_and_bias(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the weights (K, kh, kw, C) and the K biases."""
        return self._weights.copy(), self._bias.copy()

    def set_filters(self, weights: np.ndarray, bias: np.ndarray | list[float] | None = None
                    ) -> None:
        """Use ``weights`` (K, kh, kw, C) with C the image's channel count, and K biases."""
        w = np.array(weights, dtype=np.float64)
        if w.ndim != 4 or not 1 <= w.shape[0] <= MAX_FILTERS:
            raise ValueError(f"weights must be (K, kh, kw, C) with K in 1..{MAX_FILTERS}")
        if w.shape[3] != self.channels():
            raise ValueError(f"weights have {w.shape[3]} channel slices but the image has "
                             f"{self.channels()}")
        b = np.zeros(w.shape[0]) if bias is None else np.array(bias, dtype=np.float64).ravel()
        if b.shape != (w.shape[0],):
            raise ValueError(f"bias must hold {w.shape[0]} numbers, got {b.size}")
        self._weights, self._bias = w, b
        with QSignalBlocker(self.k_spin):
            self.k_spin.setValue(w.shape[0])
        self._sync_filter_editors()
        self.schedule()

    def set_slice_value(self, k: int, c: int, r: int, col: int, value: float) -> None:
        """Edit one cell of one slice, as typing in its table does."""
        self._editors[k].tables[c].set_value(r, col, value)

    def reset_slices(self) -> None:
        """Every slice of every filter becomes the model's kernel; biases stay."""
        self._weights = self._repeat(self._kernel, self._weights.shape[0], self.channels())
        self._sync_filter_editors()
        self.schedule()

    def layer_output(self) -> np.ndarray | None:
        """The layer's output H′×W′×K, or None."""
        return self._layer

    def shape_text(self) -> str:
        """``H×W×C → H′×W′×K`` from :func:`convgui.shapes.layer_shape`, or the shape error."""
        image = self.image()
        if image is None:
            return ""
        s = self.model.settings
        try:
            layer = layer_shape(image.shape, self._weights.shape[1:3],
                                filters=self._weights.shape[0], padding=s.padding,
                                stride=s.stride, dilation=s.dilation, channels="sum",
                                flip=s.flip)
        except (ShapeError, ValueError) as exc:
            return str(exc)
        return layer.describe()

    # --------------------------------------------------------------- editing

    def _k_changed(self, k: int) -> None:
        old = self._weights.shape[0]
        if k > old:
            extra = self._repeat(self._kernel, k - old, self.channels())
            if extra.shape[1:3] == self._weights.shape[1:3]:
                self._weights = np.concatenate([self._weights, extra])
            else:
                self._weights = self._repeat(self._kernel, k, self.channels())
            self._bias = np.concatenate([self._bias, np.zeros(k - old)])
        else:
            self._weights, self._bias = self._weights[:k].copy(), self._bias[:k].copy()
        self._sync_filter_editors()
        self.schedule()

    @property
    def _editor_tables(self) -> list[list[_SliceTable]]:
        """The slice tables, ``[k][c]``."""
        return [editor.tables for editor in self._editors]

    def _sync_filter_editors(self) -> None:
        """Show the weights and biases in one editor per filter. Editors are made or deleted
        only when K or C changes; a new kernel (any size) refills the ones there, so
        following the settings creates no widgets."""
        k_count, _kh, _kw, c_count = self._weights.shape
        if self._editors and self._editors[0].channels() != c_count:
            while self._editors:
                _discard(self.editors_layout, self._editors.pop())
        while len(self._editors) > k_count:
            _discard(self.editors_layout, self._editors.pop())
        while len(self._editors) < k_count:
            k = len(self._editors)
            editor = _FilterEditor(
                f"Filter {k + 1}", self._weights[k], self._bias[k],
                lambda c, r, col, v, k=k: self._slice_edited(k, c, r, col, v),
                lambda v, k=k: self._bias_edited(k, v))
            self.editors_layout.insertWidget(k, editor)  # above the stretch
            self._editors.append(editor)
        for k, editor in enumerate(self._editors):
            editor.set_values(self._weights[k], self._bias[k])

    def _slice_edited(self, k: int, c: int, r: int, col: int, value: float) -> None:
        self._weights[k, r, col, c] = value
        self.schedule()

    def _bias_edited(self, k: int, value: float) -> None:
        self._bias[k] = value
        self.schedule()

    def image_changed(self) -> None:
        if self._weights.shape[3] != self.channels():
            self._weights = self._repeat(self._kernel, self._weights.shape[0], self.channels())
            self._sync_filter_editors()
        image = self.image()
        for c, tile in enumerate(self._input_tiles):
            tile.setVisible(c < self.channels())
            self._result_tiles[c].setVisible(c < self.channels())
        self.note.setText(
            "A grey image has one channel: each filter has one slice, C = 1."
            if image.ndim == 2 else
            "Each channel is a grey image of its own; the playground's per-channel mode "
            "filters each one separately.")

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        kernel = settings.kernel_array()
        if not np.array_equal(kernel, self._kernel):
            self._kernel = kernel
            self._weights = self._repeat(kernel, self._weights.shape[0], self.channels())
            self._sync_filter_editors()
        elif not fields & GEOMETRY_FIELDS:
            return  # a new grid and divisor that make the same kernel (2/2 after 1/1)
        self.schedule()

    # ------------------------------------------------------------------ jobs

    def make_job(self) -> Callable[[], Any] | None:
        image = self.image()
        self.shape_label.setText(f"<b>Shape:</b> {self.shape_text()}" if image is not None
                                 else "")
        if image is None:
            return None
        kernel, weights, bias = self._kernel.copy(), self._weights.copy(), self._bias.copy()
        geometry = geometry_kwargs(self.model.settings)
        value_range = self._value_range
        return lambda: _compute(image, value_range, kernel, weights, bias, geometry)

    def show_result(self, result: dict[str, Any]) -> None:
        planes, layer = result["per_channel"], result["layer"]
        self._per_channel, self._layer = [p.data for p in planes], layer
        grey = len(planes) == 1
        names = ["Grey (1 channel)"] if grey else list(_CHANNEL_NAMES)
        # hovering any channel's tile reads out the pixel in every channel
        pixels = None if grey else result["image"]
        results = None if grey else np.stack(self._per_channel, axis=2)
        for tile, plane, name in zip(self._input_tiles, result["inputs"], names, strict=False):
            tile.set_map(plane, name=name, pixel_values=pixels)
        for tile, plane, name in zip(self._result_tiles, planes, names, strict=False):
            tile.set_map(plane, name=f"{name.split()[0]} ∗ kernel", pixel_values=results)
        self._ensure_output_tiles(len(result["maps"]))
        for k, (tile, shown) in enumerate(zip(self._output_tiles, result["maps"], strict=True)):
            tile.set_map(shown, name=f"Map {k + 1} (filter {k + 1})")
        params = self._weights.shape[0] * (self._weights[0].size + 1)
        self.shape_label.setText(
            f"<b>Shape:</b> {self.shape_text()} &nbsp; · &nbsp; {params} parameters "
            f"({self._weights.shape[0]} × ({'×'.join(map(str, self._weights.shape[1:]))} + 1))")

    def show_error(self, message: str) -> None:
        self._per_channel, self._layer = None, None
        for tile in self._result_tiles:
            tile.set_message(message)
        self._ensure_output_tiles(1)
        self._output_tiles[0].set_message(message, name="Output")
        self.shape_label.setText(f"<b>Shape:</b> {self.shape_text()}")

    def _ensure_output_tiles(self, count: int) -> None:
        """Show ``count`` output tiles. Tiles are made as K grows and hidden (their maps
        dropped) beyond it, never rebuilt: at most :data:`MAX_FILTERS` exist."""
        while len(self._output_pool) < count:
            tile = MapTile(min_side=80)
            self.outputs.addWidget(tile)
            self._output_pool.append(tile)
            self.watch_tiles(tile)
        for tile in self._output_pool[count:]:
            tile.set_message("")
            tile.hide()
        for tile in self._output_pool[:count]:
            tile.show()
        self._output_tiles = self._output_pool[:count]
