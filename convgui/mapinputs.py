"""What the classroom views compute their maps from, without Qt: the geometry part of the
settings and the grey plane of an image.

The filter bank, the channels and layer views apply their own kernels with the model's
geometry only (:func:`geometry_kwargs`: the model's kernel, bias, channel mode and display
never reach them); the transposed view filters the grey plane of the image (:func:`luma`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convgui.engine import LUMA_WEIGHTS
from convgui.settings import Settings

__all__ = ["geometry_kwargs", "luma"]

#: The keyword arguments of :func:`convgui.engine.convolve2d` that make a result's geometry.
_GEOMETRY = ("padding", "stride", "dilation", "boundary", "cval", "flip")


def geometry_kwargs(settings: Settings) -> dict[str, Any]:
    """The geometry of ``settings`` for :func:`convgui.engine.convolve2d`: padding, stride,
    dilation, boundary, cval and flip (no channel mode, no bias)."""
    kwargs = settings.engine_kwargs()
    return {key: kwargs[key] for key in _GEOMETRY}


def luma(image: np.ndarray) -> np.ndarray:
    """A 2-D plane: the image itself, or 0.299 R + 0.587 G + 0.114 B of an RGB image (the
    first three channels) as float32."""
    img = np.asarray(image)
    if img.ndim == 2:
        return img
    return (img[:, :, :3].astype(np.float64) @ np.asarray(LUMA_WEIGHTS)).astype(np.float32)
