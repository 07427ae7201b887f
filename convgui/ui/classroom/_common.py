"""What the classroom panels share: a base widget that runs its computation on a
:class:`~convgui.ui.tasks.LatestTask`, and small map tiles that draw a 2-D result (grey for
maps ≥ 0, blue–white–red for signed maps, so negative values stay visible).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from convgui.display import to_uint8
from convgui.settings import Settings
from convgui.ui.kernel_table import heat_color
from convgui.ui.model import SettingsModel
from convgui.ui.tasks import LatestTask
from convgui.ui.views import DIVERGING_MAP, format_value

pg.setConfigOptions(imageAxisOrder="row-major")

__all__ = [
    "MAX_DISPLAY_SIDE", "ClassroomPanel", "MapCanvas", "MapTile", "ShownMap", "colorize",
    "display_scale", "geometry_kwargs", "kernel_pixmap", "luma", "prepare_map", "shape_str",
    "short_value",
]

DIVERGING_LUT = pg.colormap.get(DIVERGING_MAP).getLookupTable(nPts=256, alpha=False)
_GREY_LUT = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
_LUMA = np.array([0.299, 0.587, 0.114])
_CANVAS_BG = QColor(40, 40, 43)


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


def shape_str(shape: tuple[int, ...]) -> str:
    """``512×512×3``."""
    return "×".join(str(v) for v in shape)


#: Longest side of the RGB image a tile draws; larger maps are subsampled (nearest) for display.
MAX_DISPLAY_SIDE = 1024
_SCALE_SAMPLES = 1 << 20  # values the display scale is estimated from


def display_scale(data: np.ndarray) -> float:
    """The colour scale of a map: the 99.5th percentile of |x| over the finite values (so a few
    extreme pixels do not wash out the rest; estimated from an even subsample of at most
    ~10⁶ values), or the largest |x| when that is 0; 1 for an all-zero map."""
    arr = np.asarray(data)
    step = max(1, int(np.ceil(np.sqrt(arr.size / _SCALE_SAMPLES))))
    sample = np.abs(arr[::step, ::step].astype(np.float64))
    finite = sample[np.isfinite(sample)]
    if not finite.size:
        return 1.0
    m = float(np.percentile(finite, 99.5))
    if m <= 0.0:
        whole = np.abs(arr.astype(np.float64))
        m = float(whole[np.isfinite(whole)].max())
    return m if m > 0.0 else 1.0


@dataclass(frozen=True)
class ShownMap:
    """A 2-D map ready to draw: made by :func:`prepare_map` (in a worker thread), drawn by
    :meth:`MapTile.set_map` on the GUI thread."""

    data: np.ndarray  # the map itself (full size)
    rgb: np.ndarray  # (h, w, 3) uint8, subsampled to ≤ MAX_DISPLAY_SIDE
    signed: bool  # drawn with the diverging colours
    scale: float  # |value| drawn with the end colour (or the top of the value range)
    low: float  # finite min (NaN when none)
    high: float  # finite max
    grey_range: bool  # drawn with a given value range (an input plane)


def prepare_map(
    data: np.ndarray, value_range: tuple[float, float] | None = None,
) -> ShownMap:
    """Colour a 2-D map for display (see :func:`colorize`), with its finite min and max."""
    arr = np.asarray(data)
    step = max(1, int(np.ceil(max(arr.shape[:2]) / MAX_DISPLAY_SIDE)))
    shown = arr[::step, ::step]
    finite_min, finite_max = _finite_min_max(arr)
    if value_range is not None:
        rgb = _GREY_LUT[to_uint8(shown, "clip", value_range)]
        return ShownMap(arr, rgb, False, float(value_range[1]), float(finite_min),
                        float(finite_max), True)
    m = display_scale(arr)
    signed = bool(finite_min < 0)
    if signed:
        rgb = DIVERGING_LUT[to_uint8(shown, "offset", (-m, m))]
    else:
        rgb = _GREY_LUT[to_uint8(shown, "clip", (0.0, m))]
    return ShownMap(arr, rgb, signed, m, float(finite_min), float(finite_max), False)


def _finite_min_max(arr: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, (NaN, NaN) when there are none."""
    finite_mask = np.isfinite(arr)
    if finite_mask.all() and arr.size:
        return float(arr.min()), float(arr.max())
    values = arr[finite_mask]
    if not values.size:
        return float("nan"), float("nan")
    return float(values.min()), float(values.max())


def colorize(
    data: np.ndarray, value_range: tuple[float, float] | None = None,
) -> tuple[np.ndarray, bool, float]:
    """(RGB uint8 (h, w, 3), signed, scale) for a 2-D map.

    With ``value_range`` the map is grey with those levels (an input plane; scale = its top).
    Otherwise a map with negative values is drawn blue (−scale) – white (0) – red (+scale),
    and a map ≥ 0 grey from 0 (black) to scale (white), scale from :func:`display_scale`;
    values beyond the scale are clipped to the end colours. Maps longer than
    :data:`MAX_DISPLAY_SIDE` are subsampled.
    """
    shown = prepare_map(data, value_range)
    return shown.rgb, shown.signed, shown.scale


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
    """Draws an RGB image scaled to fit (aspect kept, nearest neighbour), or a text."""

    def __init__(self, min_side: int = 72, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._text = ""
        self.setMinimumSize(min_side, min_side)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rgb(self, rgb: np.ndarray | None) -> None:
        """Show ``rgb`` ((H, W, 3) uint8), or nothing."""
        self._text = ""
        if rgb is None:
            self._image = None
        else:
            data = np.ascontiguousarray(rgb, dtype=np.uint8)
            h, w = data.shape[:2]
            self._image = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.update()

    def set_text(self, text: str) -> None:
        """Show ``text`` instead of an image."""
        self._image, self._text = None, text
        self.update()

    def text(self) -> str:
        return self._text

    def has_image(self) -> bool:
        return self._image is not None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(140, 140)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.fillRect(self.rect(), _CANVAS_BG)
        if self._image is not None:
            iw, ih = self._image.width(), self._image.height()
            scale = min(self.width() / iw, self.height() / ih)
            w, h = max(1, int(iw * scale)), max(1, int(ih * scale))
            target = QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)
            painter.drawImage(target, self._image)  # no smoothing: pixels stay square
        elif self._text:
            painter.setPen(QColor("#f0f0f0"))
            painter.drawText(self.rect().adjusted(6, 6, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._text)
        painter.end()


class MapTile(QFrame):
    """A titled map: caption (name, shape, value range) above a :class:`MapCanvas`."""

    def __init__(self, title: str = "", min_side: int = 72,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.canvas = MapCanvas(min_side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas, 1)
        self._name = title
        self._data: np.ndarray | None = None

    def set_map(self, data: np.ndarray | ShownMap, name: str | None = None,
                value_range: tuple[float, float] | None = None) -> None:
        """Draw a 2-D map (or one prepared by :func:`prepare_map`), captioned with its name,
        shape, value range and colour scale."""
        if name is not None:
            self._name = name
        shown = data if isinstance(data, ShownMap) else prepare_map(data, value_range)
        self._data = shown.data
        self.canvas.set_rgb(shown.rgb)
        if shown.grey_range:
            colours = ""
        elif shown.signed:
            colours = f" · blue −{short_value(shown.scale)} … red +{short_value(shown.scale)}"
        else:
            colours = f" · white = {short_value(shown.scale)}"
        self.title.setText(
            f"<b>{_escape(self._name)}</b> {shape_str(self._data.shape)}<br>"
            f"<small>range {range_text(shown.low, shown.high)}{colours}</small>")

    def set_message(self, text: str, name: str | None = None) -> None:
        """Show ``text`` instead of a map."""
        if name is not None:
            self._name = name
        self._data = None
        self.canvas.set_text(text)
        self.title.setText(f"<b>{_escape(self._name)}</b>")

    def data(self) -> np.ndarray | None:
        """The map shown, or None."""
        return self._data


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: Worker threads whose panel went away while a long job was still running: kept alive (with
#: no parent) until the job ends, so no QThread is ever destroyed while it runs.
_ORPHANS: set[LatestTask] = set()
_STOP_WAIT_MS = 300  # how long closing a panel waits for a running job before orphaning it


def _release(task: LatestTask) -> None:
    task.wait()  # finished is emitted just before the thread ends
    _ORPHANS.discard(task)


def _wait_for_orphans() -> None:
    for task in list(_ORPHANS):
        task.wait()
    _ORPHANS.clear()


def _stop_tasks(holder: list[LatestTask], *_args: Any) -> None:
    """Stop every task; one still busy after a short wait is detached and kept until its job
    ends (a job cannot be interrupted, and a running QThread must not be destroyed)."""
    for task in holder:
        if task.stop(_STOP_WAIT_MS):
            continue
        task.setParent(None)
        if not _ORPHANS:
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(_wait_for_orphans, Qt.ConnectionType.UniqueConnection)
        _ORPHANS.add(task)
        task.finished.connect(functools.partial(_release, task),
                              Qt.ConnectionType.QueuedConnection)
        if not task.isRunning():  # ended between the check and the connection
            _release(task)


def orphan_count() -> int:
    """Worker threads still finishing a job for a panel that is gone."""
    return len(_ORPHANS)


class ClassroomPanel(QWidget):
    """Base of the classroom panels: holds the input image and the shared
    :class:`SettingsModel`, and runs :meth:`make_job`'s callable on a :class:`LatestTask`.

    A subclass implements :meth:`make_job` (return a no-argument callable computed off the GUI
    thread, or None when there is nothing to compute), :meth:`show_result` and
    :meth:`show_error`; it calls :meth:`schedule` whenever an input changes (several calls in
    one event-loop turn make one job). ``updated`` fires after each result or error is shown.
    The task is stopped when the panel is closed or destroyed.
    """

    updated = Signal()
    #: False in the main window's tabs: a hidden panel only notes that it is out of date and
    #: follows the settings and recomputes when it is shown, so one edit does not run every
    #: classroom view.
    compute_when_hidden = True

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._stale = False
        self._settings_behind = False
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
        model.changed.connect(self._settings_changed)

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

    def _settings_changed(self, settings: Settings) -> None:
        if not self.compute_when_hidden and not self.isVisible():
            self._settings_behind = True  # caught up in showEvent
            return
        self.settings_changed(settings)

    def settings_changed(self, settings: Settings) -> None:
        """The model changed; by default recompute."""
        self.schedule()

    # ------------------------------------------------------------------- jobs

    def schedule(self) -> None:
        """Recompute soon (once per event-loop turn, however often this is called); a hidden
        panel with ``compute_when_hidden`` False waits until it is shown."""
        if not self.compute_when_hidden and not self.isVisible():
            self._stale = True
            return
        self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.catch_up()
        if self._stale:
            self._stale = False
            self.schedule()

    def catch_up(self) -> None:
        """Follow the settings changes made while hidden (done when shown; readers of state
        that follows the settings call it first)."""
        if self._settings_behind:
            self._settings_behind = False
            self.settings_changed(self.model.settings)

    def is_behind(self) -> bool:
        """True while hidden with settings changes or a computation still to catch up on."""
        return self._settings_behind or self._stale

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
        if not self.compute_when_hidden and not self.isVisible():
            self._stale = True
            return
        job = self.make_job()
        if job is None:
            if self._task is not None:
                self._done_seq = self._task.latest_seq
            return
        if self._task is None:
            task = LatestTask(self)
            task.finished_ok.connect(self._finished)
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
