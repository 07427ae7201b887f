"""A filter bank: many filters → many feature maps, and one merged map.

Kernels come from the current kernel (as edited in the playground), the library or a preset;
each has a weight and a name of its own (see :mod:`convgui.filterbank`, which holds the list,
the names and the computation). All maps are computed in one job off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from convgui import kernels
from convgui.engine import MERGE_MODES
from convgui.filterbank import MERGE_LABELS, FilterList, bank_maps, filter_name, maps_header
from convgui.mapinputs import geometry_kwargs
from convgui.presets import PresetStore
from convgui.render import ShownMap
from convgui.ui.classroom.filter_table import FilterTable
from convgui.ui.classroom.map_grid import MapGrid
from convgui.ui.classroom.map_tile import MapTile
from convgui.ui.classroom.panel import ClassroomPanel
from convgui.ui.follow import GEOMETRY_FIELDS
from convgui.ui.model import SettingsModel

__all__ = ["FilterBank"]


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
        self._filters = FilterList()
        self._maps: list[np.ndarray] | None = None
        self._merged: np.ndarray | None = None
        self._build()
        for name in ("sobel-x", "sobel-y"):
            self._filters.add(kernels.get(name).title, kernels.get(name).kernel())
        self.set_merge_mode("magnitude")
        self.table.show_filters(list(self._filters))
        self._update_header()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        self.table = FilterTable()
        self.table.weightEdited.connect(self._weight_edited)

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

        self.map_grid = MapGrid(min_side=96)
        self.map_grid.hoverText.connect(self.readout.show_reading)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.map_grid)
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
        given = self._filters.add(name, kernel, weight)
        self._filters_changed(select=len(self._filters) - 1)
        return given

    def add_current_kernel(self) -> str:
        """Append the kernel being edited in the playground, named after it (see
        :func:`convgui.filterbank.filter_name`); returns the name given."""
        return self.add_filter(self._current_name(), self.model.settings.kernel_array())

    def replace_with_current_kernel(self, i: int) -> str:
        """Give filter ``i`` the kernel being edited in the playground, and its name; returns
        the name given."""
        given = self._filters.replace(i, self._current_name(),
                                      self.model.settings.kernel_array())
        self._filters_changed(select=i)
        return given

    def remove_filter(self, i: int) -> None:
        """Remove filter ``i``."""
        self._filters.remove(i)
        self._filters_changed(select=min(i, len(self._filters) - 1))

    def move_filter(self, i: int, delta: int) -> None:
        """Move filter ``i`` by ``delta`` places (clamped to the list)."""
        j = self._filters.move(i, delta)
        self.table.show_filters(list(self._filters), select=j)
        if i != j:
            self.schedule()

    def set_weight(self, i: int, weight: float) -> None:
        """Set the weight of filter ``i`` (used by the weighted sum)."""
        self._filters.set_weight(i, weight)
        self._filters_changed(select=i)

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
        self.table.set_weights_enabled(mode == "weighted")
        self.schedule()

    def feature_maps(self) -> list[np.ndarray] | None:
        """The feature maps shown, one per filter, or None."""
        return None if self._maps is None else list(self._maps)

    def merged(self) -> np.ndarray | None:
        """The merged map shown, or None (no image, no filters, or maps of different shapes)."""
        return self._merged

    # -------------------------------------------------------------- filters

    def _filters_changed(self, select: int) -> None:
        """Show the filters (row ``select`` selected) and recompute."""
        self.table.show_filters(list(self._filters), select=select)
        self.schedule()

    def _with_row(self, action: Callable[[int], None]) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._filters):
            action(row)

    def _weight_edited(self, row: int, value: float) -> None:
        if 0 <= row < len(self._filters):
            self._filters.set_weight(row, value)
            self.schedule()

    def _current_name(self) -> str:
        presets, _broken = PresetStore().list()
        return filter_name(self.model.settings, presets)

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
        image = self.image()
        self.maps_label.setText(maps_header(len(self._filters),
                                            None if image is None else image.shape, shape))

    def make_job(self) -> Callable[[], Any] | None:
        image = self.image()
        self._update_header()
        if image is None or not self._filters:
            self._maps, self._merged = None, None
            self.map_grid.show_maps([], [])
            self.merged_tile.set_message("open an image" if image is None else "add a filter",
                                         name="Merged")
            return None
        kernel_list = [f.kernel for f in self._filters]  # read-only: safe to share
        weights = [f.weight for f in self._filters]
        geometry = geometry_kwargs(self.model.settings)
        mode = self.merge_mode()
        # The names and mode travel with the maps: the result may arrive after the filters
        # changed, before the job for the new ones has started.
        names = self._filters.names()
        return lambda: (names, mode, *bank_maps(image, kernel_list, geometry, mode, weights))

    def show_result(self, result: tuple[list[str], str, list[ShownMap], ShownMap | str],
                    ) -> None:
        names, mode, shown, merged = result
        maps = [m.data for m in shown]
        self._maps = maps
        self.map_grid.show_maps(shown, names)
        label = MERGE_LABELS[mode][0]
        if isinstance(merged, str):
            self._merged = None
            self.merged_tile.set_message(f"cannot merge: {merged}", name=f"Merged ({label})")
        else:
            self._merged = merged.data
            self.merged_tile.set_map(merged, name=f"Merged ({label})")
        self._update_header(maps[0].shape)

    def show_error(self, message: str) -> None:
        self._maps, self._merged = None, None
        self.map_grid.show_maps([], [])
        self.merged_tile.set_message(message, name="Merged")
        self._update_header()
