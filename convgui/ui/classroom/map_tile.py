"""A classroom map with its caption (:class:`MapTile`), and the panel line that reads out the
cell under the mouse on any of a panel's tiles (:class:`HoverReadout`).

A tile draws grey for maps ≥ 0 and blue–white–red for signed maps, so negative values stay
visible; its caption (name, shape, value range, colour scale) is
:func:`convgui.mapcaption.map_caption`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from convgui.mapcaption import map_caption
from convgui.render import ShownMap, prepare_map
from convgui.ui.classroom.map_canvas import MapCanvas

__all__ = ["HoverReadout", "MapTile"]


class MapTile(QFrame):
    """A titled map: caption (name, shape, value range) above a :class:`MapCanvas`.

    ``hoverText`` carries the read-out of the cell under the mouse, with the tile's name
    (``"Merged (sum) · (1, 2): −19"``), or ``""`` when the mouse leaves the map.
    """

    hoverText = Signal(str)

    def __init__(self, title: str = "", min_side: int = 72,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.canvas = MapCanvas(min_side)
        self.canvas.hoverChanged.connect(self._hover_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas, 1)
        self._name = title
        self._data: np.ndarray | None = None

    def set_map(self, data: np.ndarray | ShownMap, name: str | None = None,
                value_range: tuple[float, float] | None = None,
                pixel_values: np.ndarray | None = None) -> None:
        """Draw a 2-D map (or one prepared by :func:`prepare_map`), captioned with its name,
        shape, value range and colour scale. Hovering reads out ``pixel_values[r, c]`` when
        given (e.g. all channels of the pixel), else the map's value."""
        if name is not None:
            self._name = name
        shown = data if isinstance(data, ShownMap) else prepare_map(data, value_range)
        self._data = shown.data
        self.canvas.set_map(shown, pixel_values)
        self.title.setText(map_caption(self._name, shown))

    def set_message(self, text: str, name: str | None = None) -> None:
        """Show ``text`` instead of a map."""
        if name is not None:
            self._name = name
        self._data = None
        self.canvas.set_text(text)
        self.title.setText(map_caption(self._name))

    def name(self) -> str:
        """The map's name (the bold part of the caption)."""
        return self._name

    def data(self) -> np.ndarray | None:
        """The map shown, or None."""
        return self._data

    def value_text_at(self, row: int, col: int) -> str:
        """``"(row, col): value"`` for cell (row, col) (see :meth:`MapCanvas.value_text_at`)."""
        return self.canvas.value_text_at(row, col)

    def number_texts(self) -> list[list[str]] | None:
        """The numbers drawn in the cells now, or None (see :meth:`MapCanvas.number_texts`)."""
        return self.canvas.number_texts()

    def hover_text(self) -> str:
        """The read-out of the cell under the mouse, ``""`` when none."""
        return self.canvas.hover_text()

    def _hover_changed(self, text: str) -> None:
        self.hoverText.emit(f"{self._name} · {text}" if text else "")


class HoverReadout(QLabel):
    """The panel's line that reads out the map cell under the mouse (every tile given to
    :meth:`watch`), or says how to get one."""

    PROMPT = "Point at a map to read its exact values."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.PROMPT, parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def watch(self, tile: MapTile) -> None:
        """Read out ``tile``'s cells as the mouse moves over them."""
        tile.hoverText.connect(self.show_reading)

    def show_reading(self, text: str) -> None:
        """Show ``text``, or the prompt when it is empty."""
        self.setText(text or self.PROMPT)
