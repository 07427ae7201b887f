"""Linked zoom and pan of the before and after views, and fitting both to what they show.

pyqtgraph's ``setXLink``/``setYLink`` copy ranges, which two aspect-locked views of different
widths keep widening in turn (the zoom runs away, e.g. when the colour bar appears); copying
centre and scale instead keeps both views in step at any widget sizes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF

from convgui.ui.image_panel import ImageViewBox

__all__ = ["LinkedZoom"]


class LinkedZoom(QObject):
    """Keeps ``after`` at the centre and scale (view units per screen pixel) of ``before``
    and the other way round, whichever the user zooms or pans."""

    def __init__(self, before: ImageViewBox, after: ImageViewBox,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._before, self._after = before, after
        self._fitted: QRectF | None = None  # the scene area the views were last fitted to
        self._syncing = False
        before.sigRangeChanged.connect(self._sync_from_before)
        after.sigResized.connect(self._sync_from_before)
        after.sigRangeChanged.connect(self._sync_from_after)

    def fit(self, rect: QRectF) -> None:
        """Show ``rect`` (scene units) whole in both views."""
        self._fitted = QRectF(rect)
        self._before.setRange(rect=rect, padding=0.02)

    def fit_around(self, image: QRectF, output: QRectF) -> None:
        """Fit the input ``image`` and the ``output`` placed over its receptive fields (large
        padding puts the output's edges outside the input) when that area differs from the
        one last fitted, unless the user has zoomed in on part of the area last fitted.
        Nothing happens before a first :meth:`fit`."""
        if self._fitted is None:
            return
        bounds = image.united(output)
        if bounds == self._fitted:
            return
        shown = self._before.viewRect()
        tolerance = 1e-6 * max(self._fitted.width(), self._fitted.height())
        zoomed_in = not shown.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(
            self._fitted)
        if not zoomed_in:
            self.fit(bounds)

    def _sync_from_before(self, *_args) -> None:
        self._sync(self._before, self._after)

    def _sync_from_after(self, *_args) -> None:
        if not self._after.resizing:  # a resize re-syncs from the before view instead
            self._sync(self._after, self._before)

    def _sync(self, source: pg.ViewBox, target: pg.ViewBox) -> None:
        """Give ``target`` the centre and the scale (view units per screen pixel) of
        ``source``."""
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
