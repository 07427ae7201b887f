"""What the classroom panels share: a base widget that runs its computation on a
:class:`~convgui.ui.tasks.LatestTask`, and small map tiles that draw a 2-D result (grey for
maps ≥ 0, blue–white–red for signed maps, so negative values stay visible).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QEvent,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from convgui.mapcells import (
    CellLayout,
    fit_cells,
    light_text,
    number_font_scales,
    numbers_fit,
)
from convgui.render import ShownMap, prepare_map
from convgui.settings import Settings
from convgui.shapes import shape_text
from convgui.ui.follow import FollowsSettings
from convgui.ui.kernel_table import fitting_texts, heat_color
from convgui.ui.model import SettingsModel
from convgui.ui.readout import format_value, format_values
from convgui.ui.tasks import LatestTask, stop_task

__all__ = [
    "READABLE_SIDE", "ClassroomPanel", "HoverReadout", "MapCanvas", "MapTile", "ShownMap",
    "geometry_kwargs", "kernel_pixmap", "luma", "prepare_map",
    "short_value",
]

_LUMA = np.array([0.299, 0.587, 0.114])
_HOVER_COLOR = QColor("#00e5ff")  # the cell under the mouse (as the playground's views)
_GRID_LINE = QColor(128, 128, 128, 110)  # between cells that show numbers
_LIGHT_TEXT = QColor(255, 255, 255)
_DARK_TEXT = QColor(20, 20, 20)


def geometry_kwargs(settings: Settings) -> dict[str, Any]:
    """The model's geometry for :func:`convgui.engine.convolve2d`: padding, stride, dilation,
    boundary, cval and flip (no channel mode, no bias)."""
    kwargs = settings.engine_kwargs()
    return {key: kwargs[key] for key in
            ("padding", "stride", "dilation", "boundary", "cval", "flip")}


def luma(image: np.ndarray) -> np.ndarray:
    """A 2-D plane: the image itself, or 0.299 R + 0.587 G + 0.114 B of an RGB image."""
    img = np.asarray(image)
    if img.ndim == 2:
        return img
    return (img[:, :, :3].astype(np.float64) @ _LUMA).astype(np.float32)


#: Maps up to this many cells a side ask for room for their numbers (their size hint); larger
#: maps show numbers too when drawn with cells large enough for them.
READABLE_SIDE = 16


def short_value(value: float) -> str:
    """A number for a caption: 4 significant digits, "−" for minus."""
    v = float(value)
    if not np.isfinite(v):
        return format_value(v)
    return f"{0.0 if v == 0 else v:.4g}".replace("-", "−")


def range_text(low: float, high: float) -> str:
    """``min … max``, e.g. ``−312 … 298`` (or "no finite values")."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "no finite values"
    return f"{short_value(low)} … {short_value(high)}"


def kernel_pixmap(kernel: np.ndarray, side: int = 36) -> QPixmap:
    """A small heat map of a kernel (blue < 0, white 0, red > 0), ``side`` pixels square."""
    k = np.asarray(kernel, dtype=np.float64)
    peak = float(np.abs(k).max()) if k.size else 0.0
    image = QImage(k.shape[1], k.shape[0], QImage.Format.Format_RGB32)
    for r in range(k.shape[0]):
        for c in range(k.shape[1]):
            image.setPixelColor(c, r, heat_color(float(k[r, c]), peak))
    scaled = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.FastTransformation)
    return QPixmap.fromImage(scaled)


class MapCanvas(QWidget):
    """Draws a map with square cells, as large as fit, centred (nearest neighbour, no
    filler), or a text. Cells large enough for the widget's font show their numbers (the
    step-through grid's formatting, light or dark text for contrast with the cell); the cell
    under the mouse is outlined and read out (tooltip and ``hoverChanged``)."""

    #: The read-out of the cell under the mouse (``"(1, 2): −19"``), ``""`` when none.
    hoverChanged = Signal(str)

    def __init__(self, min_side: int = 72, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._data: np.ndarray | None = None
        self._cell_rgb: np.ndarray | None = None  # one colour per cell (None: subsampled)
        self._pixel_values: np.ndarray | None = None
        self._forms: list[list[list[str]]] | None = None  # fitting_texts of every cell
        self._plan_key: tuple[Any, ...] | None = None
        self._plan: _NumberPlan | None = None
        self._hover: tuple[int, int] | None = None
        self._text = ""
        self.setMinimumSize(min_side, min_side)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    # ----------------------------------------------------------------- content

    def set_map(self, shown: ShownMap, pixel_values: np.ndarray | None = None) -> None:
        """Draw ``shown``; hovering a cell reads out ``pixel_values[r, c]`` (e.g. every
        channel of an input pixel, same height and width as the map) or else the map's value."""
        data = np.asarray(shown.data)
        if data.ndim != 2 or not data.size:
            raise ValueError(f"a map must be a non-empty 2-D array, got shape {data.shape}")
        if pixel_values is not None and np.shape(pixel_values)[:2] != data.shape:
            raise ValueError(f"pixel values of shape {np.shape(pixel_values)} do not match the "
                             f"{shape_text(data.shape)} map")
        rgb = np.ascontiguousarray(shown.rgb, dtype=np.uint8)
        h, w = rgb.shape[:2]
        self._image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self._data = data
        self._cell_rgb = rgb if rgb.shape[:2] == data.shape else None
        self._pixel_values = pixel_values
        self._forms = None
        self._plan_key = self._plan = None
        self._text = ""
        self._set_hover(None)
        self.updateGeometry()
        self.update()

    def set_text(self, text: str) -> None:
        """Show ``text`` instead of a map."""
        self._image = self._data = self._cell_rgb = self._pixel_values = None
        self._forms = None
        self._plan_key = self._plan = None
        self._text = text
        self._set_hover(None)
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """The text shown instead of a map (``""`` while a map is shown)."""
        return self._text

    def has_image(self) -> bool:
        return self._image is not None

    # ---------------------------------------------------------------- geometry

    def cell_layout(self) -> CellLayout | None:
        """Where the map's cells are drawn at the current size, or None without a map."""
        if self._data is None:
            return None
        rows, cols = self._data.shape
        return fit_cells(rows, cols, self.width(), self.height())

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, col) of the map cell at widget point (x, y), or None."""
        layout = self.cell_layout()
        return None if layout is None else layout.cell_at(x, y)

    def number_texts(self) -> list[list[str]] | None:
        """The number drawn in every cell at the current size and font (row by row), or None
        when the cells are too small for numbers (or no map is shown)."""
        plan = self._number_plan()
        return None if plan is None else [list(row) for row in plan.texts]

    def number_font(self) -> QFont | None:
        """The font the numbers are drawn with, or None when no numbers are drawn."""
        plan = self._number_plan()
        return None if plan is None else QFont(plan.font)

    def _small_map(self) -> bool:
        return self._data is not None and max(self._data.shape) <= READABLE_SIDE

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        text_height = QFontMetrics(self.font()).height()
        base = 9 * text_height
        if not self._small_map():
            return QSize(base, base)
        rows, cols = self._data.shape
        cell = max(2.2 * text_height, base / max(rows, cols))
        return QSize(round(cols * cell), round(rows * cell))

    # ------------------------------------------------------------------ values

    def value_text_at(self, row: int, col: int) -> str:
        """``"(row, col): value"`` — the exact value of cell (row, col), or the value of every
        channel of that pixel (``"(0, 0): (20, 30, 45)"``); ``""`` outside the map."""
        if self._data is None or not (
                0 <= row < self._data.shape[0] and 0 <= col < self._data.shape[1]):
            return ""
        source = self._data if self._pixel_values is None else self._pixel_values
        return f"({row}, {col}): {format_values(source[row, col])}"

    def hovered_cell(self) -> tuple[int, int] | None:
        """The cell under the mouse, or None."""
        return self._hover

    def hover_text(self) -> str:
        """The read-out of the cell under the mouse, ``""`` when none."""
        return "" if self._hover is None else self.value_text_at(*self._hover)

    def _set_hover(self, cell: tuple[int, int] | None) -> None:
        if cell == self._hover:
            return
        self._hover = cell
        self.update()
        self.hoverChanged.emit(self.hover_text())

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        position = event.position()
        self._set_hover(self.cell_at(position.x(), position.y()))
        if QToolTip.isVisible():
            self._show_tooltip(event.globalPosition().toPoint())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self._set_hover(None)
        super().leaveEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self._set_hover(None)  # a map taken away (or its tab left) is no longer read out
        super().hideEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._set_hover(self.cell_at(event.pos().x(), event.pos().y()))
            self._show_tooltip(event.globalPos())
            return True
        return super().event(event)

    def _show_tooltip(self, global_pos: QPoint) -> None:
        text = self.hover_text()
        if text:
            QToolTip.showText(global_pos, text, self)
        else:
            QToolTip.hideText()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    # ---------------------------------------------------------------- numbers

    def _number_plan(self) -> _NumberPlan | None:
        """The numbers to draw at the current size and font (cached), or None."""
        layout = self.cell_layout()
        if layout is None or self._cell_rgb is None:
            return None
        key = (layout, self.font().toString())
        if key != self._plan_key:
            self._plan_key, self._plan = key, self._make_plan(layout)
        return self._plan

    def _make_plan(self, layout: CellLayout) -> _NumberPlan | None:
        room = layout.cell - max(2.0, layout.cell / 10)  # a margin each side of the number
        text_height = QFontMetricsF(self.font()).height()
        for scale in number_font_scales(layout.cell, text_height):
            font = _scaled_font(self.font(), scale)
            metrics = QFontMetricsF(font)
            if not numbers_fit(layout.cell, metrics.height()):
                continue
            texts = self._fitting(metrics, room)
            if texts is not None:
                light = light_text(self._cell_rgb)
                return _NumberPlan(font, texts, light)
        return None

    def _fitting(self, metrics: QFontMetricsF, room: float) -> list[list[str]] | None:
        """Each cell's most precise text that fits ``room`` pixels, or None if one does not."""
        if self._forms is None:
            self._forms = [[_cell_forms(float(v)) for v in row] for row in self._data]
        texts = []
        for row in self._forms:
            line = []
            for forms in row:
                text = next((t for t in forms if metrics.horizontalAdvance(t) <= room), None)
                if text is None:
                    return None
                line.append(text)
            texts.append(line)
        return texts

    # ---------------------------------------------------------------- painting

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        layout = self.cell_layout()
        if self._image is not None and layout is not None:
            target = QRectF(layout.left, layout.top, layout.width, layout.height)
            painter.drawImage(target, self._image)  # no smoothing: cells stay crisp
            plan = self._number_plan()
            if plan is not None:
                self._paint_numbers(painter, layout, plan)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
            if self._hover is not None:
                width = max(2.0, layout.cell / 12)
                painter.setPen(QPen(_HOVER_COLOR, width))
                x, y, w, h = layout.cell_rect(*self._hover)
                painter.drawRect(QRectF(x, y, w, h).adjusted(-width / 2, -width / 2,
                                                             width / 2, width / 2))
        elif self._text:
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(self.rect().adjusted(6, 6, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._text)
        painter.end()

    @staticmethod
    def _paint_numbers(painter: QPainter, layout: CellLayout, plan: _NumberPlan) -> None:
        painter.setPen(QPen(_GRID_LINE, 1))
        for r in range(1, layout.rows):
            y = layout.top + r * layout.cell
            painter.drawLine(QPointF(layout.left, y), QPointF(layout.left + layout.width, y))
        for c in range(1, layout.cols):
            x = layout.left + c * layout.cell
            painter.drawLine(QPointF(x, layout.top), QPointF(x, layout.top + layout.height))
        painter.setFont(plan.font)
        for r, row in enumerate(plan.texts):
            for c, text in enumerate(row):
                painter.setPen(_LIGHT_TEXT if plan.light[r, c] else _DARK_TEXT)
                painter.drawText(QRectF(*layout.cell_rect(r, c)), Qt.AlignmentFlag.AlignCenter,
                                 text)


@dataclass(frozen=True)
class _NumberPlan:
    font: QFont
    texts: list[list[str]]
    light: np.ndarray  # True where a cell gets light text


def _cell_forms(value: float) -> list[str]:
    """The texts a cell may show, most precise first (as the step-through grid)."""
    return fitting_texts(value) if math.isfinite(value) else [format_value(value)]


def _scaled_font(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if factor != 1.0:
        if scaled.pointSizeF() > 0:
            scaled.setPointSizeF(scaled.pointSizeF() * factor)
        elif scaled.pixelSize() > 0:
            scaled.setPixelSize(max(1, round(scaled.pixelSize() * factor)))
    return scaled


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
        if shown.grey_range:
            colours = ""
        elif shown.signed:
            colours = f" · blue −{short_value(shown.scale)} … red +{short_value(shown.scale)}"
        else:
            colours = f" · white = {short_value(shown.scale)}"
        self.title.setText(
            f"<b>{_escape(self._name)}</b> {shape_text(self._data.shape)}<br>"
            f"<small>range {range_text(shown.low, shown.high)}{colours}</small>")

    def set_message(self, text: str, name: str | None = None) -> None:
        """Show ``text`` instead of a map."""
        if name is not None:
            self._name = name
        self._data = None
        self.canvas.set_text(text)
        self.title.setText(f"<b>{_escape(self._name)}</b>")

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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: How long closing a panel waits for its running job; a longer one finishes on its own (see
#: :func:`~convgui.ui.tasks.stop_task`), so closing never freezes the window for it.
_STOP_WAIT_MS = 300


def _stop_tasks(tasks: list[LatestTask], *_destroyed: Any) -> None:
    """Stop a panel's tasks (also on ``destroyed``, whose argument is not needed)."""
    for task in tasks:
        stop_task(task, _STOP_WAIT_MS)


class ClassroomPanel(FollowsSettings, QWidget):
    """Base of the classroom panels: holds the input image and the shared
    :class:`SettingsModel`, and runs :meth:`make_job`'s callable on a :class:`LatestTask`.

    A subclass implements :meth:`make_job` (return a no-argument callable computed off the GUI
    thread, or None when there is nothing to compute), :meth:`show_result` and
    :meth:`show_error`; it calls :meth:`schedule` whenever an input changes (several calls in
    one event-loop turn make one job). ``updated`` fires after each result or error is shown.
    The task is stopped when the panel is closed or destroyed.

    A subclass declares :attr:`~convgui.ui.follow.FollowsSettings.depends_on`: the settings
    fields its results are computed from (by default an edit to one of them recomputes, see
    :meth:`settings_changed`). ``follow_when_hidden`` is False in the main window's tabs: a
    hidden panel then neither follows the settings nor computes, and catches up (one job) when
    it is shown, so one edit does not run every classroom view.

    ``readout`` is the panel's hover read-out line: a subclass places it in its layout and
    passes every map tile it makes to :meth:`watch_tiles`.
    """

    updated = Signal()

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._stale = False  # a job was asked for while hidden: submitted when shown
        self._image: np.ndarray | None = None
        self._value_range: tuple[float, float] = (0.0, 255.0)
        self._tasks: list[LatestTask] = []
        self._task: LatestTask | None = None
        self._done_seq = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._submit)
        self.destroyed.connect(functools.partial(_stop_tasks, self._tasks))
        self.follow(model)
        self.readout = HoverReadout()

    def watch_tiles(self, *tiles: MapTile) -> None:
        """Read out the cells of ``tiles`` in :attr:`readout` as the mouse moves over them."""
        for tile in tiles:
            self.readout.watch(tile)

    # ------------------------------------------------------------------ input

    def set_image(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """The input image ((H, W) or (H, W, 3) float32, native range) and its value range."""
        arr = np.asarray(data)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3):
            raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")
        self._image = arr
        self._value_range = (float(value_range[0]), float(value_range[1]))
        self.image_changed()
        self.schedule()

    def image(self) -> np.ndarray | None:
        """The input image, or None."""
        return self._image

    def image_changed(self) -> None:
        """Called after :meth:`set_image` (before the job is scheduled)."""

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """``fields`` (of :attr:`depends_on`) changed; by default recompute."""
        self.schedule()

    # ------------------------------------------------------------------- jobs

    def schedule(self) -> None:
        """Recompute soon (once per event-loop turn, however often this is called); a hidden
        panel with ``follow_when_hidden`` False waits until it is shown."""
        if not self.follows_now():
            self._stale = True
            return
        self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)  # catches up on the settings first (FollowsSettings)
        if self._stale:
            self._stale = False
            self.schedule()

    def is_behind(self) -> bool:
        """True while hidden with settings changes or a computation still to catch up on."""
        return super().is_behind() or self._stale

    def is_ready(self) -> bool:
        """True when what is shown matches the current inputs (no job pending or running)."""
        task = self._task
        latest = 0 if task is None else task.latest_seq
        return not self._timer.isActive() and self._done_seq == latest

    def make_job(self) -> Callable[[], Any] | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_result(self, result: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_error(self, message: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _submit(self) -> None:
        if not self.follows_now():
            self._stale = True
            return
        job = self.make_job()
        if job is None:
            if self._task is not None:
                self._done_seq = self._task.latest_seq
            return
        if self._task is None:
            task = LatestTask()  # no parent, as stop_task advises
            task.finishedOk.connect(self._finished)
            task.failed.connect(self._failed)
            self._tasks.append(task)
            self._task = task
        self._task.submit(job)

    def _finished(self, seq: int, result: Any) -> None:
        if self._task is None or seq != self._task.latest_seq:
            return
        self._done_seq = seq
        self.show_result(result)
        self.updated.emit()

    def _failed(self, seq: int, message: str, _is_shape_error: bool) -> None:
        if self._task is None or seq != self._task.latest_seq:
            return
        self._done_seq = seq
        self.show_error(message)
        self.updated.emit()

    def shutdown(self) -> None:
        """Stop the worker thread (a later change starts a new one)."""
        self._timer.stop()
        _stop_tasks(self._tasks)
        self._tasks.clear()
        self._task = None
        self._done_seq = 0

    def task_running(self) -> bool:
        """Whether a worker thread of this panel is running."""
        return any(task.isRunning() for task in self._tasks)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self.shutdown()
        super().closeEvent(event)
