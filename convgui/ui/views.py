"""The before and after image views, side by side, with linked zoom and hover read-outs.

The *before* view shows the input image in input pixel coordinates (pixel (r, c) covers
``[c, c+1] × [r, r+1]``, row 0 at the top). The *after* view draws the result in the same
coordinates: each output pixel is placed over the centre of its receptive field and is one
stride wide (:meth:`convgui.shapes.Geometry.output_rect`), so the two views line up for any
padding, stride or dilation, and zoom/pan are linked.

Hovering over the after view reads the raw engine value of the output pixel and outlines its
receptive field on the before view (window bounds plus a marker on every tap; taps that fall
in the padding are drawn differently). In patch mode a rectangle dragged on the before view
becomes a kernel (:attr:`ImageViews.patchSelected`).

A large input is drawn from an 8-bit copy made on a worker thread (pyqtgraph would rescale
every float on the GUI thread, ~80 ms for 4096×4096 RGB); until it is ready a subsampled
preview fills the same rectangle.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QSplitter, QWidget

from convgui.render import DIVERGING_LUT, GREY_LUT, render
from convgui.ui.patch_picker import PatchPicker
from convgui.ui.tasks import LatestTask, stop_task
from convgui.ui.worker import Result

__all__ = ["ImageViews", "format_value", "format_values"]

#: Inputs with more values than this are drawn from an 8-bit copy made off the GUI thread.
DRAW_OFF_THREAD_VALUES = 1 << 22


_TITLE_COLOR = "#d8d8d8"
_TITLE_SCALE = 1.1  # the titles' point size relative to the widget's font
_PLACEHOLDER_SCALE = 1.2  # the "no output" notice's point size relative to the widget's font
_WINDOW_COLOR = "#00e5ff"  # receptive-field bounds and hovered output pixel
_TAP_COLOR = "#ffd400"  # taps inside the image
_PAD_COLOR = "#ff5a36"  # taps that land in the padding
_TAP_SIZE = 0.4  # marker size in input pixels


def format_value(value: float) -> str:
    """A number for a read-out: 6 significant digits, "−" for minus, NaN/±inf spelled out."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+inf" if v > 0 else "−inf"
    if v == 0.0:
        v = 0.0  # no "−0"
    return f"{v:.6g}".replace("-", "−")


def format_values(values: np.ndarray | float) -> str:
    """One value, or a tuple ``(a, b, c)`` for a pixel with several channels."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 1:
        return format_value(arr[0])
    return "(" + ", ".join(format_value(v) for v in arr) + ")"


def _cosmetic_pen(color: str, width: float = 2.0) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    return pen


def _drawable(image: np.ndarray) -> np.ndarray:
    """The array an ImageItem can draw: (H, W) grey or (H, W, 3) RGB.

    (H, W, 1) is squeezed; other channel counts (several filters) show the first channel.
    """
    if image.ndim == 3 and image.shape[2] != 3:
        return image[:, :, 0]
    return image


class _ImageViewBox(pg.ViewBox):
    """A ViewBox (row 0 at the top, square pixels) whose left-button drag can be taken over."""

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True)
        self.drag_handler = None
        self.resizing = False

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt naming
        self.resizing = True
        try:
            super().resizeEvent(ev)
        finally:
            self.resizing = False

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - Qt naming
        if (self.drag_handler is not None and axis is None
                and ev.button() == Qt.MouseButton.LeftButton):
            ev.accept()
            self.drag_handler(ev)
            return
        super().mouseDragEvent(ev, axis)


def _scaled_font(font: QFont, factor: float) -> QFont:
    """``font`` at ``factor`` times its point size (also for a font sized in pixels)."""
    scaled = QFont(font)
    scaled.setPointSizeF(QFontInfo(font).pointSizeF() * factor)
    return scaled


class _Title(pg.LabelItem):
    """A one-line title at :data:`_TITLE_SCALE` times a given font, elided ("…") rather than
    widening its panel when the panel is narrow; :attr:`text` is always the full title (the
    tooltip shows it when it is elided)."""

    _font: QFont | None = None  # None until built: the base class lays out while it is built
    _rendering = False

    def __init__(self, text: str, font: QFont) -> None:
        super().__init__(text, color=_TITLE_COLOR)
        self._full = text
        self._font = _scaled_font(font, _TITLE_SCALE)
        self._render()

    def set_title(self, text: str) -> None:
        """Show ``text`` (elided to the width available)."""
        if text != self._full:
            self._full = text
            self._render()

    def set_font(self, font: QFont) -> None:
        """Draw the title at :data:`_TITLE_SCALE` times ``font`` from now on."""
        self._font = _scaled_font(font, _TITLE_SCALE)
        self._render()

    def _render(self) -> None:
        if self._font is None or self._rendering:
            return
        self._rendering = True
        try:
            room = self.rect().width() - 2 * self.item.document().documentMargin()
            metrics = QFontMetricsF(self._font)
            shown = self._full
            if room > 0 and metrics.horizontalAdvance(shown) > room:
                shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, room)
            self.item.setFont(self._font)
            super().setText(html.escape(shown), size=f"{self._font.pointSizeF():.2f}pt")
            self.text = self._full
            self.setToolTip(self._full if shown != self._full else "")
        finally:
            self._rendering = False

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph naming
        """As tall as the text, but no minimum width: a long title never widens the view."""
        super().updateMin()
        self.setMinimumWidth(0)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, self._sizeHint[Qt.SizeHint.MinimumSize][1])

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(ev)
        if ev is not None and ev.oldSize().width() != ev.newSize().width():
            self._render()


class _Panel(pg.GraphicsLayoutWidget):
    """A title above one image ViewBox and an optional footer row (the colour bar).

    Both panels of :class:`ImageViews` are built alike and given footers of one height, so
    their ViewBoxes have the same top and height and the before/after images line up.
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(2)
        self.title = _Title(title, self.font())
        self.addItem(self.title, row=0, col=0)
        self.vb = _ImageViewBox()
        self.addItem(self.vb, row=1, col=0)
        self.footer: pg.GraphicsWidget | None = None
        self.setMinimumSize(160, 160)

    def set_footer(self, item: pg.GraphicsWidget | None, height: float = 0.0) -> None:
        """Show ``item`` under the view, exactly ``height`` tall (``None``: no footer)."""
        if item is not self.footer:
            if self.footer is not None:
                self.removeItem(self.footer)
                self.footer.hide()
            self.footer = item
            if item is not None:
                self.addItem(item, row=2, col=0)
                item.show()
        if item is not None:
            item.setFixedHeight(height)


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
        self._hover_key: tuple | None = None
        self._input_draw_seq = 0  # the drawing job of the input shown, or 0: drawn already
        self._draw_task = LatestTask()  # no parent: stopped by shutdown() or on destroyed
        self._draw_task.finishedOk.connect(self._on_input_drawn)
        self.destroyed.connect(lambda *_, task=self._draw_task: stop_task(task))

        # before
        self.before = _Panel("Input")
        self.before_view: _ImageViewBox = self.before.vb
        self._input_item = pg.ImageItem()
        self.before_view.addItem(self._input_item)
        self._window_item = QGraphicsRectItem()
        self._window_item.setPen(_cosmetic_pen(_WINDOW_COLOR))
        self._window_item.setZValue(20)
        self._window_item.hide()
        self.before_view.addItem(self._window_item, ignoreBounds=True)
        self._taps_item = pg.ScatterPlotItem(
            pxMode=False, size=_TAP_SIZE, symbol="o", pen=None, brush=pg.mkBrush(_TAP_COLOR))
        self._pad_taps_item = pg.ScatterPlotItem(
            pxMode=False, size=_TAP_SIZE * 1.2, symbol="x", pen=None,
            brush=pg.mkBrush(_PAD_COLOR))
        for item in (self._taps_item, self._pad_taps_item):
            item.setZValue(21)
            self.before_view.addItem(item, ignoreBounds=True)
        self._patches = PatchPicker(self.before_view, lambda: self._input, self)
        self._patches.patchSelected.connect(self.patchSelected)
        self._patches.message.connect(self.message)
        self._patches.hoverText.connect(self.hoverText)

        # after
        self.after = _Panel("Output")
        self.after_view: _ImageViewBox = self.after.vb
        self._output_item = pg.ImageItem()
        self.after_view.addItem(self._output_item)
        self._cursor_item = QGraphicsRectItem()
        self._cursor_item.setPen(_cosmetic_pen(_WINDOW_COLOR))
        self._cursor_item.setZValue(20)
        self._cursor_item.hide()
        self.after_view.addItem(self._cursor_item, ignoreBounds=True)
        self._cmap = pg.ColorMap(np.linspace(0.0, 1.0, 256), DIVERGING_LUT)
        # an RGB result in the diverging mode: each channel 0 → mid-grey, ±scale → 255/0
        self._channel_cmap = pg.ColorMap(np.linspace(0.0, 1.0, 256), GREY_LUT)
        self._diverging_lut = DIVERGING_LUT
        # Below the output, not beside it: the two views keep equal widths, so the linked
        # zoom shows the whole output wherever the input is whole.
        self.colorbar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=self._cmap, interactive=False,
            colorMapMenu=False, orientation="horizontal")
        self.colorbar.hide()
        self._colorbar_spacer = pg.GraphicsWidget()
        self._colorbar_spacer.hide()
        self._colorbar_shown = False
        self._fitted: QRectF | None = None  # the scene area the views were last fitted to
        self._syncing = False
        self.before_view.sigRangeChanged.connect(self._sync_from_before)
        self.after_view.sigResized.connect(self._sync_from_before)
        self.after_view.sigRangeChanged.connect(self._sync_from_after)

        self._placeholder = QLabel(self.after)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._placeholder.setStyleSheet(
            "QLabel { color: #f0f0f0; background: rgba(45, 45, 48, 225);"
            " border: 1px solid #777; border-radius: 6px; padding: 12px; }")
        self._placeholder.hide()
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

        self.before.scene().sigMouseMoved.connect(self._before_mouse_moved)
        self.after.scene().sigMouseMoved.connect(self._after_mouse_moved)
        self.after.installEventFilter(self)
        for panel in (self.before, self.after):
            panel.viewport().installEventFilter(self)

    # ------------------------------------------------------------------- font

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        """Titles, colour-bar labels and the notice follow the font (presentation mode)."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._follow_font()
        super().changeEvent(event)

    def _follow_font(self) -> None:
        font = self.font()
        for panel in (self.before, self.after):
            panel.title.set_font(font)
        metrics = QFontMetricsF(font)
        bar = round(metrics.height())
        self.colorbar.layout.setRowFixedHeight(2, bar)
        self.colorbar.axis.setStyle(tickFont=font, autoExpandTextSpace=False,
                                    tickTextHeight=round(metrics.height()))
        self._placeholder.setFont(_scaled_font(font, _PLACEHOLDER_SCALE))
        if self._colorbar_shown:
            self._place_colorbar()
        if not self._placeholder.isHidden():
            self._place_placeholder()

    def _place_colorbar(self) -> None:
        """The colour bar under the output and a footer as tall under the input: the bar and
        its labels at the current font."""
        self.colorbar.show()
        axis = self.colorbar.axis
        axis.setHeight(round(axis.style["tickTextHeight"] + axis.style["tickTextOffset"][1]
                             + max(0, -axis.style["tickLength"])))  # sized while shown
        self.colorbar.layout.invalidate()
        height = self.colorbar.layout.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
        self.after.set_footer(self.colorbar, height)
        self.before.set_footer(self._colorbar_spacer, height)

    # ------------------------------------------------------------ linked zoom

    def _sync_from_before(self, *_args) -> None:
        self._sync(self.before_view, self.after_view)

    def _sync_from_after(self, *_args) -> None:
        if not self.after_view.resizing:  # a resize re-syncs from the before view instead
            self._sync(self.after_view, self.before_view)

    def _sync(self, source: pg.ViewBox, target: pg.ViewBox) -> None:
        """Give ``target`` the centre and the scale (view units per screen pixel) of ``source``.

        pyqtgraph's ``setXLink``/``setYLink`` copy ranges, which two aspect-locked views of
        different widths keep widening in turn (the zoom runs away, e.g. when the colour bar
        appears); copying centre and scale keeps both views in step at any widget sizes.
        """
        if self._syncing:
            return
        sw, sh, tw, th = source.width(), source.height(), target.width(), target.height()
        if min(sw, sh, tw, th) <= 0:
            return
        rect = source.viewRect()
        ux, uy = rect.width() / sw, rect.height() / sh
        cx, cy = rect.center().x(), rect.center().y()
        self._syncing = True
        try:
            target.setRange(xRange=(cx - ux * tw / 2, cx + ux * tw / 2),
                            yRange=(cy - uy * th / 2, cy + uy * th / 2), padding=0)
        finally:
            self._syncing = False

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
        shape = "×".join(str(v) for v in data.shape)
        self.before.title.set_title(f"Input  {shape}")
        self._clear_outline()
        if new_size:
            self._patches.forget()
            self._fit(QRectF(0, 0, data.shape[1], data.shape[0]))

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
        self._clear_outline()
        self._placeholder.hide()
        self._result = result
        image = _drawable(np.asarray(result.display))
        signed = result.display_mode == "diverging"
        diverging = signed and image.ndim == 2
        self._output_item.setLookupTable(self._diverging_lut if diverging else None,
                                         update=False)
        # levels=None means 0..255 for uint8 and lets pyqtgraph draw an RGB image as it is;
        # levels=(0, 255) would cost a rescaling pass over every pixel on each result.
        self._output_item.setImage(image, autoLevels=False, levels=None)
        self._output_item.setRect(QRectF(*result.geometry.output_rect()))
        self._output_item.show()
        self._displayed = image
        self.colorbar.setColorMap(self._cmap if diverging else self._channel_cmap)
        self._show_colorbar(signed, result.levels)
        out_shape = "×".join(str(v) for v in np.shape(result.output))
        mode = "diverging per channel (0 = grey)" if signed and not diverging else \
            result.display_mode
        title = f"Output  {out_shape}  ·  {mode}"
        if result.nonfinite:
            title += f"  ·  {result.nonfinite} NaN/inf"
        self.after.title.set_title(title)  # an unchanged title costs no relayout
        self._fit_result(result)

    def result(self) -> Result | None:
        """The result shown, or ``None`` (none yet, or a message replaced it)."""
        return self._result

    def displayed_result(self) -> np.ndarray | None:
        """The uint8 image drawn in the after view, or ``None``."""
        return self._displayed

    def show_message(self, text: str) -> None:
        """Clear the after view and show ``text`` centred in it until the next result."""
        self._clear_outline()
        self._result = None
        self._displayed = None
        self._output_item.clear()
        self._output_item.hide()
        self._show_colorbar(False, None)
        self.after.title.set_title("Output")
        self._placeholder.setText(text)
        self._placeholder.show()
        self._place_placeholder()

    def placeholder_text(self) -> str | None:
        """The message shown in the after view, or ``None`` when there is none."""
        return None if self._placeholder.isHidden() else self._placeholder.text()

    def colorbar_visible(self) -> bool:
        """Whether the colour bar is shown under the after view (diverging results: blue –
        white – red for one channel, a grey ramp per channel for RGB)."""
        return self._colorbar_shown

    def _show_colorbar(self, show: bool, levels: tuple[float, float] | None) -> None:
        if levels is not None:
            self.colorbar.setLevels((float(levels[0]), float(levels[1])))
        if show == self._colorbar_shown:
            return
        self._colorbar_shown = show
        if show:  # an equal footer under the input: both views keep one size and one scale
            self._place_colorbar()
        else:
            self.after.set_footer(None)
            self.before.set_footer(None)

    # ------------------------------------------------------------------ range

    def _fit(self, rect: QRectF) -> None:
        """Show ``rect`` (scene units) whole in both views (they share centre and scale)."""
        self._fitted = QRectF(rect)
        self.before_view.setRange(rect=rect, padding=0.02)

    def _fit_result(self, result: Result) -> None:
        """Fit the input and the whole output placed over its receptive fields (large
        padding puts the output's edges outside the input) when that area changes, unless
        the user has zoomed in on part of the area last fitted."""
        if self._input is None or self._fitted is None:
            return
        h, w = self._input.shape[:2]
        bounds = QRectF(0, 0, w, h).united(QRectF(*result.geometry.output_rect()))
        if bounds == self._fitted:
            return
        shown = self.before_view.viewRect()
        tolerance = 1e-6 * max(self._fitted.width(), self._fitted.height())
        zoomed_in = not shown.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(
            self._fitted)
        if not zoomed_in:
            self._fit(bounds)

    def _place_placeholder(self) -> None:
        area = self.after.rect()
        width = max(min(area.width() - 40, 460), 80)
        self._placeholder.setFixedWidth(width)
        height = max(self._placeholder.heightForWidth(width), 40)
        self._placeholder.setFixedHeight(height)
        self._placeholder.move((area.width() - width) // 2, (area.height() - height) // 2)

    # ------------------------------------------------------------------ hover

    def output_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The output pixel (i, j) drawn at view point (x, y) of the after view, or ``None``."""
        if self._result is None:
            return None
        geo = self._result.geometry
        rx, ry, _, _ = geo.output_rect()
        sh, sw = geo.stride
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        i, j = math.floor((y - ry) / sh), math.floor((x - rx) / sw)
        if 0 <= i < geo.out_hw[0] and 0 <= j < geo.out_hw[1]:
            return (i, j)
        return None

    def input_index_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The input pixel (r, c) at view point (x, y) of the before view, or ``None``."""
        if self._input is None or not (math.isfinite(x) and math.isfinite(y)):
            return None
        r, c = math.floor(y), math.floor(x)
        if 0 <= r < self._input.shape[0] and 0 <= c < self._input.shape[1]:
            return (r, c)
        return None

    def hover_output(self, i: int, j: int) -> str:
        """Read out output (i, j) and outline its receptive field; returns the emitted text."""
        geo = None if self._result is None else self._result.geometry
        if geo is None or not (0 <= i < geo.out_hw[0] and 0 <= j < geo.out_hw[1]):
            self.clear_hover()
            return ""
        out = self._result.output
        text = f"output ({i}, {j}) = {format_values(out[i, j])}"
        taps = geo.taps(i, j)
        h, w = geo.in_hw
        inside = [(r, c) for r, c in taps if 0 <= r < h and 0 <= c < w]
        padded = [(r, c) for r, c in taps if not (0 <= r < h and 0 <= c < w)]
        if padded:
            text += f"  ·  {len(padded)} of {len(taps)} taps in padding"
        r0, c0 = geo.origin(i, j)
        span_h = geo.dilation[0] * (geo.kernel_hw[0] - 1) + 1
        span_w = geo.dilation[1] * (geo.kernel_hw[1] - 1) + 1
        self._window_item.setRect(QRectF(c0, r0, span_w, span_h))
        self._window_item.show()
        self._set_taps(self._taps_item, inside)
        self._set_taps(self._pad_taps_item, padded)
        rx, ry, _, _ = geo.output_rect()
        sh, sw = geo.stride
        self._cursor_item.setRect(QRectF(rx + j * sw, ry + i * sh, sw, sh))
        self._cursor_item.show()
        self._hover_key = ("output", i, j)
        self.hoverText.emit(text)
        return text

    def hover_input(self, r: int, c: int) -> str:
        """Read out input pixel (r, c); returns the emitted text."""
        self._clear_outline()
        if self._input is None or not (
                0 <= r < self._input.shape[0] and 0 <= c < self._input.shape[1]):
            self.clear_hover()
            return ""
        text = f"input ({r}, {c}) = {format_values(self._input[r, c])}"
        self._hover_key = ("input", r, c)
        self.hoverText.emit(text)
        return text

    def clear_hover(self) -> None:
        """Remove the receptive-field outline and clear the read-out."""
        had = self._hover_key is not None
        self._clear_outline()
        if had:
            self.hoverText.emit("")

    def outline(self) -> tuple[QRectF | None, list[tuple[int, int]], list[tuple[int, int]]]:
        """What the before view outlines now: the window rectangle (pixel edges) or ``None``,
        the (r, c) of the taps inside the image and of the taps in the padding."""
        rect = self._window_item.rect() if self._window_item.isVisible() else None
        return rect, self._tap_cells(self._taps_item), self._tap_cells(self._pad_taps_item)

    @staticmethod
    def _set_taps(item: pg.ScatterPlotItem, cells: list[tuple[int, int]]) -> None:
        if cells:
            arr = np.asarray(cells, dtype=np.float64)
            item.setData(x=arr[:, 1] + 0.5, y=arr[:, 0] + 0.5)
        else:
            item.clear()

    @staticmethod
    def _tap_cells(item: pg.ScatterPlotItem) -> list[tuple[int, int]]:
        x, y = item.getData()
        if x is None or len(x) == 0:
            return []
        return [(math.floor(b), math.floor(a)) for a, b in zip(x, y, strict=True)]

    def _clear_outline(self) -> None:
        self._hover_key = None
        self._window_item.hide()
        self._cursor_item.hide()
        self._taps_item.clear()
        self._pad_taps_item.clear()

    def _before_mouse_moved(self, pos: QPointF) -> None:
        index = None
        if self.before_view.sceneBoundingRect().contains(pos):
            p = self.before_view.mapSceneToView(pos)
            index = self.input_index_at(p.x(), p.y())
        if index is None:
            self.clear_hover()
        elif self._hover_key != ("input", *index):
            self.hover_input(*index)

    def _after_mouse_moved(self, pos: QPointF) -> None:
        index = None
        if self.after_view.sceneBoundingRect().contains(pos):
            p = self.after_view.mapSceneToView(pos)
            index = self.output_index_at(p.x(), p.y())
        if index is None:
            self.clear_hover()
        elif self._hover_key != ("output", *index):
            self.hover_output(*index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Leave and watched in (
                self.before.viewport(), self.after.viewport()):
            self.clear_hover()
        elif event.type() == QEvent.Type.Resize and watched is self.after:
            if not self._placeholder.isHidden():
                self._place_placeholder()
        return super().eventFilter(watched, event)

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
