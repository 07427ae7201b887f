"""A filter bank: many filters → many feature maps, and one merged map.

Kernels come from the current kernel (as edited in the playground), the library or a preset;
each has a weight and a name of its own: the library kernel's or preset's name when it is one
(``Sobel x``), else ``Custom 3×3``; a name already in the bank gets ``#2``, ``#3``…
Every feature map is ``convolve2d`` of the image (its luma, for RGB) with
the model's geometry; the merged map is :func:`convgui.engine.merge` in the chosen mode (sum,
mean, weighted sum, max, magnitude: Sobel x + Sobel y → gradient magnitude). All maps are
computed in one job off the GUI thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from convgui import kernels
from convgui.engine import MERGE_MODES, convolve2d, merge
from convgui.presets import Preset, PresetStore
from convgui.settings import Settings
from convgui.shapes import shape_text
from convgui.ui.classroom._common import (
    ClassroomPanel,
    MapTile,
    ShownMap,
    geometry_kwargs,
    kernel_pixmap,
    prepare_map,
)
from convgui.ui.follow import GEOMETRY_FIELDS
from convgui.ui.model import SettingsModel

__all__ = ["MERGE_LABELS", "FilterBank", "kernel_name", "unique_name"]

MERGE_LABELS = {
    "sum": ("sum", "m₁ + m₂ + … + mₙ"),
    "mean": ("mean", "(m₁ + … + mₙ) / n"),
    "weighted": ("weighted sum", "w₁·m₁ + … + wₙ·mₙ (the weights column)"),
    "max": ("max", "the largest response at each pixel"),
    "magnitude": ("magnitude", "√(m₁² + … + mₙ²): Sobel x and y give the gradient magnitude"),
}


def kernel_name(settings: Settings, presets: Sequence[Preset] = ()) -> str | None:
    """The name the kernel of ``settings`` (grid ÷ divisor) is known by: the title of the
    library kernel equal to it, else the name of a kernel-only preset equal to it, else the
    name of a full preset whose settings ``settings`` are exactly (its name may describe them,
    e.g. "Box blur 9×9, zero padding"), in the order given; None when there is none.
    Kernels are equal to 1e−9 relative (1/16 typed or 1 ÷ 16 are the same kernel)."""
    k = settings.kernel_array()

    def same(other: np.ndarray) -> bool:
        return other.shape == k.shape and np.allclose(other, k, rtol=1e-9, atol=1e-12)

    for named in kernels.LIBRARY.values():
        if same(named.kernel()):
            return named.title
    for preset in presets:
        if preset.kernel_only and same(np.asarray(preset.kernel, np.float64) / preset.divisor):
            return preset.name
    for preset in presets:
        if not preset.kernel_only and preset.apply_to(settings) == settings:
            return preset.name
    return None


def unique_name(name: str, taken: Sequence[str]) -> str:
    """``name`` if it is not in ``taken``, else the first free ``"name #2"``, ``"name #3"``…"""
    if name not in taken:
        return name
    n = 2
    while f"{name} #{n}" in taken:
        n += 1
    return f"{name} #{n}"


@dataclass
class _Filter:
    name: str
    kernel: np.ndarray
    weight: float


def _compute(image: np.ndarray, kernel_list: list[np.ndarray], geometry: dict[str, Any],
             mode: str, weights: list[float]) -> tuple[list[ShownMap], ShownMap | str]:
    """Every feature map, and the merged map (or the message why they cannot be merged),
    ready to draw."""
    channels = "luma" if image.ndim == 3 else "per-channel"
    maps = [convolve2d(image, k, channels=channels, **geometry) for k in kernel_list]
    try:
        merged: Any = prepare_map(merge(maps, mode, weights if mode == "weighted" else None))
    except ValueError as exc:
        merged = str(exc)
    return [prepare_map(m) for m in maps], merged


class FilterBank(ClassroomPanel):
    """Several kernels applied to one image, each giving a feature map, plus their merge.

    Starts with Sobel x and Sobel y merged by magnitude. Public for tests and scripts:
    :meth:`filters`, :meth:`add_filter`, :meth:`remove_filter`, :meth:`move_filter`,
    :meth:`set_weight`, :meth:`set_merge_mode`, :meth:`feature_maps`, :meth:`merged`,
    :meth:`is_ready`.
    """

    #: The maps are the bank's own filters on the image (its luma), with the model's geometry
    #: only: the model's kernel, bias, channel mode and display never reach them.
    depends_on = GEOMETRY_FIELDS

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._filters: list[_Filter] = []
        self._maps: list[np.ndarray] | None = None
        self._merged: np.ndarray | None = None
        self._tiles: list[MapTile] = []
        self._columns = 1
        self._build()
        self._filters = [
            _Filter(kernels.get(n).title, kernels.get(n).kernel(), 1.0)
            for n in ("sobel-x", "sobel-y")
        ]
        self.set_merge_mode("magnitude")
        self._refresh_table()
        self._update_header()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Filter", "Weight"])
        self.table.setAccessibleName("Filters")
        self.table.setToolTip("The filters of the bank, each with its weight in a weighted "
                              "sum; select one to remove, move or replace it")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setIconSize(QSize(32, 32))
        self.table.verticalHeader().setDefaultSectionSize(38)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        add_current = QPushButton("Add current kernel")
        add_current.setToolTip("Add the kernel being edited in the playground")
        add_current.clicked.connect(self.add_current_kernel)
        self.library_button = QToolButton()
        self.library_button.setText("Add from library")
        self.library_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        library_menu = QMenu(self.library_button)
        for name, named in kernels.LIBRARY.items():
            action = library_menu.addAction(named.title)
            action.setToolTip(named.description)
            action.triggered.connect(lambda _=False, n=name: self._add_library(n))
        self.library_button.setMenu(library_menu)
        self.preset_button = QToolButton()
        self.preset_button.setText("Add preset")
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.preset_menu = QMenu(self.preset_button)
        self.preset_menu.aboutToShow.connect(self._fill_preset_menu)
        self.preset_button.setMenu(self.preset_menu)
        remove = QPushButton("Remove")
        remove.setToolTip("Remove the selected filter from the bank")
        remove.clicked.connect(lambda: self._with_row(self.remove_filter))
        up = QPushButton("Up")
        up.setAccessibleName("Move filter up")
        up.setToolTip("Move the selected filter up the list")
        up.clicked.connect(lambda: self._with_row(lambda i: self.move_filter(i, -1)))
        down = QPushButton("Down")
        down.setAccessibleName("Move filter down")
        down.setToolTip("Move the selected filter down the list")
        down.clicked.connect(lambda: self._with_row(lambda i: self.move_filter(i, 1)))
        replace = QPushButton("Replace with current")
        replace.setToolTip("Give the selected filter the kernel being edited in the playground "
                           "(and its name)")
        replace.clicked.connect(lambda: self._with_row(self.replace_with_current_kernel))

        self.mode_combo = QComboBox()
        for mode in MERGE_MODES:
            self.mode_combo.addItem(MERGE_LABELS[mode][0], mode)
        self.mode_combo.currentIndexChanged.connect(
            lambda _i: self.set_merge_mode(self.mode_combo.currentData()))
        self.mode_combo.setAccessibleName("Merge")
        self.mode_combo.setToolTip("How the feature maps combine into the merged map")
        self.mode_note = QLabel()
        self.mode_note.setWordWrap(True)

        adds = QVBoxLayout()  # one column: the list stays narrow with a large font
        for button in (add_current, self.library_button, self.preset_button, replace):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            adds.addWidget(button)
        edits = QHBoxLayout()
        for button in (remove, up, down):
            edits.addWidget(button)
        merge_row = QHBoxLayout()
        merge_label = QLabel("Mer&ge:")
        merge_label.setBuddy(self.mode_combo)
        merge_row.addWidget(merge_label)
        merge_row.addWidget(self.mode_combo, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        heading = QLabel("<b>Filter bank</b> — many filters → many feature maps")
        heading.setWordWrap(True)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(adds)
        left_layout.addLayout(edits)
        left_layout.addLayout(merge_row)
        left_layout.addWidget(self.mode_note)

        self.grid_widget = QWidget()
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_widget)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 4, 4, 4)
        self.maps_label = QLabel("<b>Feature maps</b>")
        self.maps_label.setWordWrap(True)
        middle_layout.addWidget(self.maps_label)
        middle_layout.addWidget(scroll, 1)
        middle_layout.addWidget(self.readout)

        self.merged_tile = MapTile("Merged", min_side=160)
        self.merged_tile.set_message("open an image")
        self.watch_tiles(self.merged_tile)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(self.merged_tile)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([270, 300, 330])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # ---------------------------------------------------------- public API

    def filters(self) -> list[tuple[str, np.ndarray, float]]:
        """(name, kernel, weight) of every filter, in order (kernels are copies)."""
        return [(f.name, f.kernel.copy(), f.weight) for f in self._filters]

    def add_filter(self, name: str, kernel: np.ndarray, weight: float = 1.0) -> str:
        """Append a filter (a 2-D kernel of finite numbers) called ``name``, or ``name #2``,
        ``#3``… when the bank already has a filter of that name; returns the name given."""
        k = np.array(kernel, dtype=np.float64)
        if k.ndim != 2 or k.size == 0 or not np.all(np.isfinite(k)):
            raise ValueError("a filter needs a non-empty 2-D kernel of finite numbers")
        given = unique_name(str(name), [f.name for f in self._filters])
        self._filters.append(_Filter(given, k, float(weight)))
        self._refresh_table(select=len(self._filters) - 1)
        self.schedule()
        return given

    def add_current_kernel(self) -> str:
        """Append the kernel being edited in the playground, named after it (see
        :func:`kernel_name`; ``Custom kh×kw`` when it has no name); returns the name given."""
        return self.add_filter(self._current_name(), self.model.settings.kernel_array())

    def replace_with_current_kernel(self, i: int) -> str:
        """Give filter ``i`` the kernel being edited in the playground, and its name; returns
        the name given."""
        f = self._filters[self._index(i)]
        f.kernel = self.model.settings.kernel_array()
        others = [g.name for g in self._filters if g is not f]
        f.name = unique_name(self._current_name(), others)
        self._refresh_table(select=i)
        self.schedule()
        return f.name

    def remove_filter(self, i: int) -> None:
        """Remove filter ``i``."""
        del self._filters[self._index(i)]
        self._refresh_table(select=min(i, len(self._filters) - 1))
        self.schedule()

    def move_filter(self, i: int, delta: int) -> None:
        """Move filter ``i`` by ``delta`` places (clamped to the list)."""
        i = self._index(i)
        j = min(max(i + int(delta), 0), len(self._filters) - 1)
        if i != j:
            self._filters.insert(j, self._filters.pop(i))
            self.schedule()
        self._refresh_table(select=j)

    def set_weight(self, i: int, weight: float) -> None:
        """Set the weight of filter ``i`` (used by the weighted sum)."""
        self._filters[self._index(i)].weight = float(weight)
        self._refresh_table(select=i)
        self.schedule()

    def merge_mode(self) -> str:
        return self.mode_combo.currentData()

    def set_merge_mode(self, mode: str) -> None:
        """One of :data:`convgui.engine.MERGE_MODES`."""
        if mode not in MERGE_MODES:
            raise ValueError(f"unknown merge mode {mode!r}: use {', '.join(MERGE_MODES)}")
        index = self.mode_combo.findData(mode)
        if index != self.mode_combo.currentIndex():
            with QSignalBlocker(self.mode_combo):
                self.mode_combo.setCurrentIndex(index)
        self.mode_note.setText(MERGE_LABELS[mode][1])
        self._enable_weights()
        self.schedule()

    def feature_maps(self) -> list[np.ndarray] | None:
        """The feature maps shown, one per filter, or None."""
        return None if self._maps is None else list(self._maps)

    def merged(self) -> np.ndarray | None:
        """The merged map shown, or None (no image, no filters, or maps of different shapes)."""
        return self._merged

    # ---------------------------------------------------------------- table

    def _index(self, i: int) -> int:
        if not 0 <= i < len(self._filters):
            raise IndexError(f"no filter {i}: there are {len(self._filters)}")
        return i

    def _with_row(self, action: Callable[[int], None]) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._filters):
            action(row)

    def _refresh_table(self, select: int | None = None) -> None:
        self.table.setRowCount(len(self._filters))
        for row, f in enumerate(self._filters):
            kh, kw = f.kernel.shape
            item = QTableWidgetItem(QIcon(kernel_pixmap(f.kernel, 32)), f"{f.name}  ({kh}×{kw})")
            self.table.setItem(row, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(-100.0, 100.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setValue(f.weight)
            spin.setAccessibleName(f"Weight of {f.name}")
            spin.setToolTip("This filter's weight in the weighted sum")
            spin.valueChanged.connect(lambda v, r=row: self._weight_edited(r, v))
            self.table.setCellWidget(row, 1, spin)
        if select is not None and 0 <= select < len(self._filters):
            self.table.selectRow(select)
        self._enable_weights()

    def _enable_weights(self) -> None:
        weighted = self.mode_combo.currentData() == "weighted"
        for row in range(self.table.rowCount()):
            spin = self.table.cellWidget(row, 1)
            if spin is not None:
                spin.setEnabled(weighted)
                spin.setToolTip("" if weighted else "weights are used by the weighted sum")

    def _weight_edited(self, row: int, value: float) -> None:
        if 0 <= row < len(self._filters):
            self._filters[row].weight = float(value)
            self.schedule()

    def _current_name(self) -> str:
        settings = self.model.settings
        presets, _broken = PresetStore().list()
        kh, kw = settings.kernel_shape
        return kernel_name(settings, presets) or f"Custom {kh}×{kw}"

    def _add_library(self, name: str) -> None:
        named = kernels.get(name)
        self.add_filter(named.title, named.kernel())

    def _fill_preset_menu(self) -> None:
        self.preset_menu.clear()
        presets, _broken = PresetStore().list()
        if not presets:
            self.preset_menu.addAction("(no presets)").setEnabled(False)
        for preset in presets:
            action = self.preset_menu.addAction(preset.name)
            if preset.description:
                action.setToolTip(preset.description)
            kernel = np.asarray(preset.kernel, dtype=np.float64) / preset.divisor
            action.triggered.connect(
                lambda _=False, n=preset.name, k=kernel: self.add_filter(n, k))

    # ----------------------------------------------------------------- jobs

    def _update_header(self, shape: tuple[int, ...] | None = None) -> None:
        """The feature maps' header for the current filters and image (with the maps' shape
        once they are computed)."""
        n = len(self._filters)
        if not n:
            self.maps_label.setText("<b>Feature maps</b> — no filters: add one on the left")
            return
        image = self.image()
        filters, maps = f"{n} filter{'s' if n != 1 else ''}", f"{n} map{'s' if n != 1 else ''}"
        if image is None:
            self.maps_label.setText(f"<b>Feature maps</b> — {filters}: open an image to see "
                                    f"{'its map' if n == 1 else 'their maps'}")
            return
        source = "luma of the image" if image.ndim == 3 else "image"
        self.maps_label.setText(f"<b>Feature maps</b> — {filters} on the {source} → {maps}"
                                + (f" of {shape_text(shape)}" if shape else ""))

    def make_job(self) -> Callable[[], Any] | None:
        image = self.image()
        self._update_header()
        if image is None or not self._filters:
            self._maps, self._merged = None, None
            self._show_tiles([], [])
            self.merged_tile.set_message("open an image" if image is None else "add a filter",
                                         name="Merged")
            return None
        kernel_list = [f.kernel.copy() for f in self._filters]
        weights = [f.weight for f in self._filters]
        geometry = geometry_kwargs(self.model.settings)
        mode = self.merge_mode()
        return lambda: _compute(image, kernel_list, geometry, mode, weights)

    def show_result(self, result: tuple[list[ShownMap], ShownMap | str]) -> None:
        shown, merged = result
        maps = [m.data for m in shown]
        self._maps = maps
        names = [f.name for f in self._filters]
        self._show_tiles(shown, names)
        label = MERGE_LABELS[self.merge_mode()][0]
        if isinstance(merged, str):
            self._merged = None
            self.merged_tile.set_message(f"cannot merge: {merged}", name=f"Merged ({label})")
        else:
            self._merged = merged.data
            self.merged_tile.set_map(merged, name=f"Merged ({label})")
        self._update_header(maps[0].shape)

    def show_error(self, message: str) -> None:
        self._maps, self._merged = None, None
        self._show_tiles([], [])
        self.merged_tile.set_message(message, name="Merged")
        self._update_header()

    def _show_tiles(self, maps: list[ShownMap], names: list[str]) -> None:
        """One tile per map in a near-square grid. Tiles are reused: made when the bank has
        more filters, deleted when it has fewer, hidden (their maps dropped) while there is
        nothing to show, so an error and the next result create no widgets."""
        if not maps:
            for tile in self._tiles:
                tile.set_message("")
                tile.hide()
            return
        while len(self._tiles) > len(maps):
            tile = self._tiles.pop()
            self.grid.removeWidget(tile)
            tile.hide()  # at once: deleteLater waits for the event loop
            tile.deleteLater()
        columns = max(1, round(math.sqrt(len(maps))))
        placed = self.grid.count()
        while len(self._tiles) < len(maps):
            tile = MapTile(min_side=96)
            self._tiles.append(tile)
            self.watch_tiles(tile)
        if columns != self._columns or placed != len(self._tiles):
            for tile in self._tiles:
                self.grid.removeWidget(tile)
            for n, tile in enumerate(self._tiles):
                self.grid.addWidget(tile, n // columns, n % columns)
            self._columns = columns
        for tile, data, name in zip(self._tiles, maps, names, strict=True):
            tile.set_map(data, name=name)
            tile.show()
