"""The input controls above the step-through panel's grids: an example to load, the input's rows
and columns, one grid or three (RGB), the channel to step through, and Export animation."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox, QWidget
from superqt import QFlowLayout

from convgui.stepper import EXAMPLES
from convgui.ui.classroom.grid_widgets import labelled
from convgui.walkstate import CHANNEL_NAMES, MAX_SIDE

__all__ = ["StepInputBar"]


class StepInputBar(QWidget):
    """The controls in a flow layout (they wrap onto a second line when narrow); they say what
    the user chose and show what :meth:`show_input` tells them, nothing more.

    Signals, from the user only: ``exampleChosen(name)``, ``sizeChosen(rows, cols)``,
    ``depthChosen(rgb)``, ``channelChosen(index)``, ``exportRequested()``.
    """

    exampleChosen = Signal(str)
    sizeChosen = Signal(int, int)
    depthChosen = Signal(bool)
    channelChosen = Signal(int)
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow = QFlowLayout(self)
        flow.setContentsMargins(0, 0, 0, 0)
        self.example_box = QComboBox()
        self.example_box.setPlaceholderText("Choose an example…")
        for name, ex in EXAMPLES.items():
            self.example_box.addItem(name)
            self.example_box.setItemData(self.example_box.count() - 1, ex.description,
                                         Qt.ItemDataRole.ToolTipRole)
        self.example_box.setCurrentIndex(-1)
        self.example_box.activated.connect(
            lambda i: self.exampleChosen.emit(self.example_box.itemText(i)))
        self.example_box.setToolTip("Load a small worked example: input grid, kernel and "
                                    "settings, as one undoable step")
        self.rows_spin, self.cols_spin = QSpinBox(), QSpinBox()
        for spin, what in ((self.rows_spin, "rows"), (self.cols_spin, "columns")):
            spin.setAccessibleName(f"Input {what}")
            spin.setToolTip(f"Number of {what} of the input grid (1–{MAX_SIDE}); type into "
                            "the grid to change its numbers")
            spin.setRange(1, MAX_SIDE)
            spin.valueChanged.connect(
                lambda _: self.sizeChosen.emit(self.rows_spin.value(), self.cols_spin.value()))
        self.channels_box = QComboBox()
        self.channels_box.addItems(["1 grid", "3 grids (RGB)"])
        self.channels_box.setAccessibleName("Input channels")
        self.channels_box.setToolTip("One grey input grid, or three (R, G, B) as a colour "
                                     "image or a CNN layer's input sees them")
        self.channels_box.currentIndexChanged.connect(lambda i: self.depthChosen.emit(i == 1))
        self.channel_pick = QComboBox()
        self.channel_pick.addItems(list(CHANNEL_NAMES))
        self.channel_pick.setToolTip("Per-channel mode: the channel to step through")
        self.channel_pick.setAccessibleName("Channel to step through")
        self.channel_pick.currentIndexChanged.connect(self.channelChosen)
        for text, widget in (("E&xample:", self.example_box), ("&Rows:", self.rows_spin),
                             ("Col&umns:", self.cols_spin), ("Ch&annels:", self.channels_box)):
            flow.addWidget(labelled(text, widget))
        flow.addWidget(self.channel_pick)
        self.export_button = QPushButton("Export animation…")
        self.export_button.setToolTip("Save this walk as an animated GIF or PNG, a PDF or SVG "
                                      "frames: one frame per output cell, with the numbers")
        self.export_button.clicked.connect(lambda: self.exportRequested.emit())
        flow.addWidget(self.export_button)

    def channel(self) -> int:
        """The channel chosen to step through in per-channel mode (0 = R)."""
        return self.channel_pick.currentIndex()

    def show_input(self, shape: tuple[int, ...], example: str | None,
                   channel_choice: bool) -> None:
        """Show an input of ``shape`` (H×W or H×W×3), the loaded ``example`` (None: none)
        and whether the channel to step through can be chosen; emits nothing."""
        for spin, value in ((self.rows_spin, shape[0]), (self.cols_spin, shape[1])):
            with QSignalBlocker(spin):
                spin.setValue(value)
        with QSignalBlocker(self.channels_box):
            self.channels_box.setCurrentIndex(1 if len(shape) == 3 else 0)
        with QSignalBlocker(self.example_box):
            self.example_box.setCurrentIndex(self.example_box.findText(example or ""))
        self.channel_pick.setVisible(channel_choice)
