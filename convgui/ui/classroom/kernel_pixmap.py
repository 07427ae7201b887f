"""A kernel drawn as a small heat map (blue < 0, white 0, red > 0): the filter bank's list icons
and the frequency view's kernel picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from convgui.ui.kernel_table import heat_color

__all__ = ["kernel_pixmap"]


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
