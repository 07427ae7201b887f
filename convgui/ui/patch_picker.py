"""Patch mode on the before view: a rectangle dragged on the input becomes the kernel
(template matching). It stays as a rectangle that can be moved or resized; every release, or a
click on it, selects it again."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen

__all__ = ["MAX_PATCH", "PatchPicker"]

MAX_PATCH = 31
"""Largest patch side (pixels) that :meth:`PatchPicker.select` accepts as a kernel."""
_PATCH_COLOR = "#7CFC00"
_LUMA = np.array([0.299, 0.587, 0.114])


def _pen(color: str) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(2.0)
    pen.setCosmetic(True)
    return pen


class PatchPicker(QObject):
    """Picks a patch of ``input_of()`` (the image shown in ``view``, row 0 at the top) with a
    drag, a movable rectangle or :meth:`select`.

    Signals: ``patchSelected(np.ndarray)`` a 2-D float64 patch; ``message(str)`` why a
    selection was refused; ``hoverText(str)`` the size of the rectangle being dragged.
    """

    patchSelected = Signal(object)  # noqa: N815 - Qt naming
    message = Signal(str)
    hoverText = Signal(str)  # noqa: N815

    def __init__(self, view: pg.ViewBox, input_of: Callable[[], np.ndarray | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view, self._input_of = view, input_of
        self._on = False
        self._rect: tuple[int, int, int, int] | None = None  # r0, c0, h, w (clipped)
        self._roi: pg.RectROI | None = None
        self._roi_guard = False

    def set_mode(self, on: bool) -> None:
        """Patch mode on (a drag on the view selects) or off (the rectangle goes)."""
        self._on = bool(on)
        self._view.drag_handler = self._drag if on else None
        if on:
            self._ensure_roi()
        else:
            self._remove_roi()

    def is_on(self) -> bool:
        return self._on

    def rect(self) -> tuple[int, int, int, int] | None:
        """The last selected patch as (r0, c0, h, w), clipped to the image."""
        return self._rect

    def forget(self) -> None:
        """A new image of another size: no selection, a fresh rectangle if one was shown."""
        self._rect = None
        if self._roi is not None:
            self._remove_roi()
            self._ensure_roi()

    def use(self) -> np.ndarray | None:
        """Emit the current selection again (a "Use as kernel" action); ``None`` if none."""
        if self._rect is None:
            self.message.emit("drag a rectangle on the input to select a patch")
            return None
        return self.select(*self._rect)

    def select(self, r0: int, c0: int, h: int, w: int) -> np.ndarray | None:
        """Use input rows r0..r0+h−1, columns c0..c0+w−1 (clipped to the image) as a kernel.

        Emits :attr:`patchSelected` with a float64 2-D patch (the luma 0.299R + 0.587G +
        0.114B of an RGB input) and returns it; a patch larger than 31×31, an empty one or no
        input emits :attr:`message` instead and returns ``None``.
        """
        image = self._input_of()
        if image is None:
            self.message.emit("open an image first")
            return None
        height, width = image.shape[:2]
        ra, rb = max(int(r0), 0), min(int(r0) + int(h), height)
        ca, cb = max(int(c0), 0), min(int(c0) + int(w), width)
        if rb <= ra or cb <= ca:
            self._restore_roi()
            self.message.emit("the selected patch does not cover the image")
            return None
        ph, pw = rb - ra, cb - ca
        if ph > MAX_PATCH or pw > MAX_PATCH:
            self._restore_roi()
            self.message.emit(
                f"patch {ph}×{pw} is too big for a kernel: select at most "
                f"{MAX_PATCH}×{MAX_PATCH} pixels")
            return None
        patch = np.asarray(image[ra:rb, ca:cb], dtype=np.float64)
        if patch.ndim == 3:
            patch = patch[:, :, :3] @ _LUMA
        patch = np.ascontiguousarray(patch)
        self._rect = (ra, ca, ph, pw)
        self._move_roi(ra, ca, ph, pw)
        self.patchSelected.emit(patch)
        return patch

    def _ensure_roi(self) -> None:
        image = self._input_of()
        if self._roi is not None or image is None:
            return
        height, width = image.shape[:2]
        r0, c0, ph, pw = self._rect or (0, 0, 0, 0)
        self._roi = pg.RectROI(
            (c0, r0), (max(pw, 1), max(ph, 1)), snapSize=1.0, translateSnap=True,
            scaleSnap=True, maxBounds=QRectF(0, 0, width, height),
            pen=_pen(_PATCH_COLOR), hoverPen=_pen("#ffffff"))
        self._roi.setZValue(30)
        self._roi.setVisible(self._rect is not None)
        self._roi.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self._roi.sigRegionChangeFinished.connect(self._roi_changed)
        self._roi.sigClicked.connect(lambda *_: self.use())
        self._view.addItem(self._roi, ignoreBounds=True)

    def _remove_roi(self) -> None:
        if self._roi is not None:
            self._view.removeItem(self._roi)
            self._roi.deleteLater()
            self._roi = None

    def _move_roi(self, r0: int, c0: int, h: int, w: int) -> None:
        if self._roi is None:
            return
        self._roi_guard = True
        try:
            self._roi.setPos((c0, r0), update=False, finish=False)
            self._roi.setSize((w, h), update=True, finish=False)
            self._roi.show()
        finally:
            self._roi_guard = False

    def _restore_roi(self) -> None:
        """Put the rectangle back on the last accepted patch (or hide it)."""
        if self._roi is None:
            return
        if self._rect is None:
            self._roi.hide()
        else:
            self._move_roi(*self._rect)

    def _roi_changed(self, roi: pg.ROI) -> None:
        if self._roi_guard:
            return
        pos, size = roi.pos(), roi.size()
        self.select(round(pos.y()), round(pos.x()), round(size.y()), round(size.x()))

    def _drag(self, ev) -> None:
        image = self._input_of()
        if image is None:
            return
        self._ensure_roi()
        a = self._view.mapSceneToView(ev.buttonDownScenePos())
        b = self._view.mapSceneToView(ev.scenePos())
        height, width = image.shape[:2]
        r0 = min(max(math.floor(min(a.y(), b.y())), 0), height - 1)
        c0 = min(max(math.floor(min(a.x(), b.x())), 0), width - 1)
        r1 = min(max(math.floor(max(a.y(), b.y())), r0), height - 1)
        c1 = min(max(math.floor(max(a.x(), b.x())), c0), width - 1)
        h, w = r1 - r0 + 1, c1 - c0 + 1
        self._move_roi(r0, c0, h, w)
        if ev.isFinish():
            self.select(r0, c0, h, w)
        elif h > MAX_PATCH or w > MAX_PATCH:
            self.hoverText.emit(f"patch {h}×{w}: too big (max {MAX_PATCH}×{MAX_PATCH})")
        else:
            self.hoverText.emit(f"patch {h}×{w} at ({r0}, {c0})")
