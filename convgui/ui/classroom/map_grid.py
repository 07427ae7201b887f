"""Several maps side by side: one :class:`~convgui.ui.classroom.map_tile.MapTile` per map in a
near-square grid (the filter bank's feature maps)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from convgui.render import ShownMap
from convgui.ui.classroom.map_tile import MapTile

__all__ = ["MapGrid"]


class MapGrid(QWidget):
    """Maps in a grid of round(√n) columns, one tile each, captioned with their names.

    Tiles are reused: made when there are more maps, deleted when there are fewer, hidden
    (their maps dropped) while there is nothing to show, so an error and the next result
    create no widgets. ``hoverText`` carries any tile's read-out of the cell under the mouse.
    """

    hoverText = Signal(str)

    def __init__(self, min_side: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_side = min_side
        self._tiles: list[MapTile] = []
        self._columns = 1
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(2, 2, 2, 2)
        self._grid.setSpacing(4)

    def tiles(self) -> list[MapTile]:
        """The tiles, one per map shown (hidden ones too, while nothing is shown)."""
        return list(self._tiles)

    def show_maps(self, maps: Sequence[ShownMap], names: Sequence[str]) -> None:
        """Draw ``maps`` called ``names``; no maps hides every tile."""
        if not maps:
            for tile in self._tiles:
                tile.set_message("")
                tile.hide()
            return
        while len(self._tiles) > len(maps):
            tile = self._tiles.pop()
            self._grid.removeWidget(tile)
            tile.hide()  # at once: deleteLater waits for the event loop
            tile.deleteLater()
        columns = max(1, round(math.sqrt(len(maps))))
        placed = self._grid.count()
        while len(self._tiles) < len(maps):
            tile = MapTile(min_side=self._min_side)
            tile.hoverText.connect(self.hoverText)
            self._tiles.append(tile)
        if columns != self._columns or placed != len(self._tiles):
            for tile in self._tiles:
                self._grid.removeWidget(tile)
            for n, tile in enumerate(self._tiles):
                self._grid.addWidget(tile, n // columns, n % columns)
            self._columns = columns
        for tile, shown, name in zip(self._tiles, maps, names, strict=True):
            tile.set_map(shown, name=name)
            tile.show()
