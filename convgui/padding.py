"""Pieces of a padded image, built without padding the whole image.

The engine works in row bands; each band needs only its own rows of the padded input
``Xp`` (the image padded as ``numpy.pad`` would pad it). :func:`padded_phases` builds exactly
those rows, so no call ever holds a padded copy of a whole large image. No Qt here.
"""

from __future__ import annotations

import numpy as np


def pad_index(index: np.ndarray, n: int, boundary: str) -> np.ndarray:
    """The source index of each padded position ``index`` (0 = the first real cell) on an axis
    of ``n`` cells, as ``numpy.pad(mode=boundary)`` fills it, for pads of any length; −1 where
    ``boundary`` is ``"constant"`` and the position is outside."""
    index = np.asarray(index, dtype=np.int64)
    if boundary == "constant":
        return np.where((index >= 0) & (index < n), index, -1)
    if n == 1:
        return np.zeros_like(index)
    if boundary == "edge":
        return np.clip(index, 0, n - 1)
    if boundary == "wrap":
        return index % n
    if boundary == "reflect":  # d c b | a b c d | c b a: period 2(n − 1)
        m = index % (2 * (n - 1))
        return np.where(m < n, m, 2 * (n - 1) - m)
    if boundary == "symmetric":  # c b a | a b c | c b a: period 2n
        m = index % (2 * n)
        return np.where(m < n, m, 2 * n - 1 - m)
    raise ValueError(f"unknown boundary {boundary!r}")


def padded_phases(plane: np.ndarray, rows: tuple[int, int],
                  pads: tuple[tuple[int, int], tuple[int, int]], boundary: str, cval: float,
                  dtype: type, step: int) -> np.ndarray:
    """Rows ``rows = (y0, y1)`` of ``numpy.pad(plane, pads, boundary)`` split into ``step``
    column phases in one pass: ``out[q, i, t] = Xp[y0 + i, q + step·t]``, shape
    (step, y1 − y0, ⌈padded width / step⌉[, C]). Cells past the padded width are
    unspecified; callers must not read them. """
    y0, y1 = rows
    h, w = plane.shape[:2]
    (top, _), (left, right) = pads
    cols = -(-(left + w + right) // step)
    out = np.empty((step, y1 - y0, cols, *plane.shape[2:]), dtype=dtype)
    index = np.arange(y0, y1) - top
    real = np.flatnonzero((index >= 0) & (index < h))
    source_rows = pad_index(index, h, boundary)
    for q in range(step):
        column = np.arange(cols) * step + q - left  # the real column each cell copies
        source = pad_index(column, w, boundary)
        inside = np.flatnonzero((column >= 0) & (column < w))
        outside = np.flatnonzero((column < 0) | (column >= w))
        target = out[q]
        if len(real) and len(inside):  # the body: one strided copy
            a, b, c, d = real[0], real[-1] + 1, inside[0], inside[-1] + 1
            copy_pixels(target[a:b, c:d], plane[index[a]:index[b - 1] + 1,
                                                column[c]:column[d - 1] + 1:step])
        if len(real) and len(outside):  # padded columns of real rows
            if boundary == "constant":
                target[real[0]:real[-1] + 1, outside] = cval
            else:
                target[real[0]:real[-1] + 1, outside] = np.take(
                    plane[index[real[0]]:index[real[-1]] + 1], source[outside], axis=1)
        for r in np.flatnonzero((index < 0) | (index >= h)):  # padded rows
            if source_rows[r] < 0:
                target[r] = cval
            else:
                target[r] = np.take(plane[source_rows[r]], np.maximum(source, 0), axis=0)
                if boundary == "constant":
                    target[r, outside] = cval
    return out


def band_rows(r0: int, r1: int, top: int, span: int, height: int) -> tuple[int, int]:
    """The input rows [lo, hi) that stride-1 output rows [r0, r1) read (anchor row ``top``,
    kernel ``span`` rows tall), plus, at the top or bottom of the image, the rows a mirroring
    border copies; a library filling the border itself at the band's ends then gets every
    kept row right."""
    first, last = r0 - top, r1 - 1 - top + span
    lo, hi = max(first, 0), min(last, height)
    if first < 0:
        hi = max(hi, min(height, 1 - first))
    if last > height:
        lo = min(lo, max(0, height - (last - height) - 1))
    return lo, hi


def copy_pixels(target: np.ndarray, values: np.ndarray) -> None:
    """``target[...] = values``; (H, W, C) arrays with contiguous channels are copied a pixel
    at a time rather than a channel value at a time (3× faster for a strided RGB view)."""
    if (target.ndim == 3 and values.ndim == 3 and values.dtype == target.dtype
            and target.strides[2] == values.strides[2] == target.itemsize):
        pixel = np.dtype((np.void, target.itemsize * target.shape[2]))
        np.copyto(target.view(pixel), values.view(pixel))
    else:
        target[...] = values
