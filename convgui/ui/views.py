"""The before and after image views, side by side, with linked zoom and hover read-outs.

The *before* view shows the input image in input pixel coordinates (pixel (r, c) covers
``[c, c+1] × [r, r+1]``, row 0 at the top). The *after* view draws the result in the same
coordinates: each output pixel is placed over the centre of its receptive field and is one
stride wide (:meth:`convgui.shapes.Geometry.output_rect`), so the two views line up for any
padding, stride or dilation, and zoom/pan are linked (:mod:`convgui.ui.linked_zoom`).

Hovering reads out pixels and outlines receptive fields (:mod:`convgui.ui.readout`). In patch
mode a rectangle dragged on the before view becomes a kernel (:attr:`ImageViews.patchSelected`,
:mod:`convgui.ui.patch_picker`). A diverging result gets a colour bar
(:mod:`convgui.ui.colour_legend`).

A large input is drawn from an 8-bit copy made on a worker thread (pyqtgraph would rescale
every float on the GUI thread, ~80 ms for 4096×4096 RGB); until it is ready a subsampled
preview fills the same rectangle.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from convgui.render import DIVERGING_LUT, drawable, render
from convgui.shapes import shape_text
from convgui.ui.colour_legend import ColourLegend
from convgui.ui.image_panel import CentredNotice, ImagePanel, ImageViewBox
from convgui.ui.linked_zoom import LinkedZoom
from convgui.ui.patch_picker import PatchPicker
from convgui.ui.readout import HoverReadout
from convgui.ui.tasks import LatestTask, stop_task
from convgui.ui.worker import Result

__all__ = ["ImageViews"]

#: Inputs with more values than this are drawn from an 8-bit copy made off the GUI thread.
DRAW_OFF_THREAD_VALUES = 1 << 22


def output_titles(shape: tuple[int, ...], mode: str, signed_per_channel: bool,
                  nonfinite: int) -> list[str]:
    """The output panel's title (shape, display mode, NaN/inf count), then the shorter forms
    a narrow panel shows instead: the mode said more briefly, then left out (the controls
    show it)."""
    modes = (("diverging per channel (0 = grey)", "diverging per channel")
             if signed_per_channel else (mode,))
    count = f"  ·  {nonfinite} NaN/inf" if nonfinite else ""
    head = f"Output  {shape_text(shape)}"
    return [f"{head}  ·  {phrase}{count}" for phrase in modes] + [head + count]


class ImageViews(QWidget):
    """Input ("before") and result ("after") views side by side.

    Signals: ``hoverText(str)`` — read-out of the pixel under the mouse ("" when none);
    ``patchSelected(np.ndarray)`` — a 2-D float64 patch picked in patch mode;
    ``message(str)`` — a short notice for the user (e.g. a patch that is too big).
    """

    hoverText = Signal(str)  # noqa: N815 - Qt naming
    patchSelected = Signal(object)  # noqa: N815
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._input: np.ndarray | None = None
        self._value_range: tuple[float, float] = (0.0, 255.0)
        self._result: Result | None = None
        self._displayed: np.ndarray | None = None
        self._input_draw_seq = 0  # the drawing job of the input shown, or 0: drawn already
        self._draw_task = LatestTask()  # no parent: stopped by shutdown() or on destroyed
        self._draw_task.finishedOk.connect(self._on_input_drawn)
        self.destroyed.connect(lambda *_, task=self._draw_task: stop_task(task))

        self.before = ImagePanel("Input")
        self.before_view: ImageViewBox = self.before.vb
        self._input_item = pg.ImageItem()
        self.before_view.addItem(self._input_item)
        self.after = ImagePanel("Output")
        self.after_view: ImageViewBox = self.after.vb
        self._output_item = pg.ImageItem()
        self.after_view.addItem(self._output_item)
        self._diverging_lut = DIVERGING_LUT

        self.hover = HoverReadout(self.before, self.after, self.input_image, self.result, self)
        self.hover.hoverText.connect(self.hoverText)
        self._patches = PatchPicker(self.before_view, self.input_image, self)
        self._patches.patchSelected.connect(self.patchSelected)
        self._patches.message.connect(self.message)
        self._patches.hoverText.connect(self.hoverText)
        self._legend = ColourLegend(self.before, self.after)
        self.colorbar: pg.ColorBarItem = self._legend.bar
        self._zoom = LinkedZoom(self.before_view, self.after_view, self)
        self._placeholder = CentredNotice(self.after)
        self._follow_font()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.before)
        self.splitter.addWidget(self.after)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(5)
        self.splitter.setStyleSheet("QSplitter::handle { background: #3a3a3a; }")
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        """Titles, colour-bar labels and the notice follow the font (presentation mode)."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._follow_font()
        super().changeEvent(event)

    def _follow_font(self) -> None:
        font: QFont = self.font()
        for panel in (self.before, self.after):
            panel.title.set_font(font)
        self._legend.set_font(font)
        self._placeholder.follow_font(font)

    # ------------------------------------------------------------------ input

    def set_input(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """Draw the input ((H, W) or (H, W, 3), native range) with ``value_range`` as levels.

        The view is fitted to the image only when its size changes; otherwise zoom is kept.
        """
        data = np.asarray(data)
        if data.ndim == 3 and data.shape[2] == 1:
            data = data[:, :, 0]
        new_size = self._input is None or self._input.shape[:2] != data.shape[:2]
        self._input = data
        self._value_range = (float(value_range[0]), float(value_range[1]))
        if data.size > DRAW_OFF_THREAD_VALUES:  # a preview now, every pixel when drawn
            step = math.ceil(math.sqrt(data.size / DRAW_OFF_THREAD_VALUES))
            self._input_item.setImage(data[::step, ::step], autoLevels=False,
                                      levels=self._value_range)
            self._input_draw_seq = self._draw_task.submit(render, data, "clip",
                                                          self._value_range)
        else:
            self._input_draw_seq = 0
            self._input_item.setImage(data, autoLevels=False, levels=self._value_range)
        self._input_item.setRect(QRectF(0, 0, data.shape[1], data.shape[0]))
        shape = shape_text(data.shape)
        self.before.title.set_title(f"Input  {shape}")
        self.hover.forget()
        if new_size:
            self._patches.forget()
            self._zoom.fit(QRectF(0, 0, data.shape[1], data.shape[0]))

    def input_drawn(self) -> bool:
        """True when every pixel of the input is drawn (False while a preview stands in)."""
        return self._input_draw_seq == 0

    def shutdown(self) -> None:
        """Stop the drawing thread (the window is closing)."""
        stop_task(self._draw_task)

    def _on_input_drawn(self, seq: int, drawn: tuple[np.ndarray, tuple[float, float]]) -> None:
        if seq != self._input_draw_seq:
            return  # an older input's, or the input changed meanwhile
        self._input_draw_seq = 0
        self._input_item.setImage(drawn[0], autoLevels=False, levels=None)  # uint8: 0..255
        self._input_item.setRect(QRectF(0, 0, self._input.shape[1], self._input.shape[0]))

    def input_image(self) -> np.ndarray | None:
        """The input currently shown."""
        return self._input

    # ----------------------------------------------------------------- result

    def set_result(self, result: Result) -> None:
        """Draw ``result.display`` (levels 0..255) placed over the input by its geometry."""
        self.hover.forget()
        self._placeholder.hide()
        self._result = result
        image = drawable(np.asarray(result.display))
        signed = result.display_mode == "diverging"
        diverging = signed and image.ndim == 2
        self._output_item.setLookupTable(self._diverging_lut if diverging else None,
                                         update=False)
        # levels=None means 0..255 for uint8 and lets pyqtgraph draw an RGB image as it is;
        # levels=(0, 255) would cost a rescaling pass over every pixel on each result.
        self._output_item.setImage(image, autoLevels=False, levels=None)
        output_rect = QRectF(*result.geometry.output_rect())
        self._output_item.setRect(output_rect)
        self._output_item.show()
        self._displayed = image
        self._legend.set_scale(result.levels, one_channel=diverging)
        self._legend.set_shown(signed)
        full, *shorter = output_titles(np.shape(result.output), result.display_mode,
                                       signed and not diverging, result.nonfinite)
        self.after.title.set_title(full, tuple(shorter))  # (unchanged: no relayout)
        if self._input is not None:
            h, w = self._input.shape[:2]
            self._zoom.fit_around(QRectF(0, 0, w, h), output_rect)

    def result(self) -> Result | None:
        """The result shown, or ``None`` (none yet, or a message replaced it)."""
        return self._result

    def displayed_result(self) -> np.ndarray | None:
        """The uint8 image drawn in the after view, or ``None``."""
        return self._displayed

    def show_message(self, text: str) -> None:
        """Clear the after view and show ``text`` centred in it until the next result."""
        self.hover.forget()
        self._result = None
        self._displayed = None
        self._output_item.clear()
        self._output_item.hide()
        self._legend.set_shown(False)
        self.after.title.set_title("Output")
        self._placeholder.show_text(text)

    def placeholder_text(self) -> str | None:
        """The message shown in the after view, or ``None`` when there is none."""
        return self._placeholder.text_shown()

    def colorbar_visible(self) -> bool:
        """Whether the colour bar is shown under the after view (diverging results: blue –
        white – red for one channel, a grey ramp per channel for RGB)."""
        return self._legend.is_shown()

    # ------------------------------------------------------------------ hover

    def output_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The output pixel (i, j) drawn at view point (x, y) of the after view, or ``None``."""
        return self.hover.output_index_at(x, y)

    def input_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The input pixel (r, c) at view point (x, y) of the before view, or ``None``."""
        return self.hover.input_index_at(x, y)

    def hover_output(self, i: int, j: int) -> str:
        """Read out output (i, j) and outline its receptive field; returns the emitted text."""
        return self.hover.hover_output(i, j)

    def hover_input(self, r: int, c: int) -> str:
        """Read out input pixel (r, c); returns the emitted text."""
        return self.hover.hover_input(r, c)

    def clear_hover(self) -> None:
        """Remove the receptive-field outline and clear the read-out."""
        self.hover.clear()

    def outline(self) -> tuple[QRectF | None, list[tuple[int, int]], list[tuple[int, int]]]:
        """What the before view outlines now: the window rectangle (pixel edges) or ``None``,
        the (r, c) of the taps inside the image and of the taps in the padding."""
        return self.hover.outline()

    # ------------------------------------------------------------ patch mode

    def set_patch_mode(self, on: bool) -> None:
        """Patch mode (see :class:`~convgui.ui.patch_picker.PatchPicker`) on or off."""
        self._patches.set_mode(on)

    def patch_mode(self) -> bool:
        """Whether patch mode is on."""
        return self._patches.is_on()

    def use_patch(self) -> np.ndarray | None:
        """Emit the current selection again; ``None`` if there is none."""
        return self._patches.use()

    def select_patch(self, r0: int, c0: int, h: int, w: int) -> np.ndarray | None:
        """Use input rows r0..r0+h−1, columns c0..c0+w−1 as a kernel (see
        :meth:`PatchPicker.select`)."""
        return self._patches.select(r0, c0, h, w)

    def patch_rect(self) -> tuple[int, int, int, int] | None:
        """The last selected patch as (r0, c0, h, w), clipped to the image."""
        return self._patches.rect()
