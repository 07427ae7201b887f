"""Pieces of a padded image, built without padding the whole image.

The engine works in row bands; each band needs only its own rows of the padded input
``Xp`` (the image padded as ``numpy.pad`` would pad it). :func:`padded_rows` builds exactly
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


def padded_rows(plane: np.ndarray, rows: tuple[int, int],
                pads: tuple[tuple[int, int], tuple[int, int]], boundary: str, cval: float,
                dtype: type, width: int | None = None) -> np.ndarray:
    """Rows ``rows = (y0, y1)`` of ``numpy.pad(plane, pads, boundary)`` as a new C-contiguous
    ``dtype`` array, all padded columns included (``plane`` is (H, W) or (H, W, C)).

    ``width`` (≥ the padded width) adds columns on the right whose values are unspecified,
    for callers that need a width divisible by something; they must not read them.
    """
    y0, y1 = rows
    h, w = plane.shape[:2]
    (top, _), (left, right) = pads
    full_width = left + w + right
    width = full_width if width is None else width
    out = np.empty((y1 - y0, width, *plane.shape[2:]), dtype=dtype)
    body = out[:, left:left + w]
    index = np.arange(y0, y1) - top
    real = (index >= 0) & (index < h)
    if real.any():  # the real rows: one slice copy
        a, b = np.flatnonzero(real)[[0, -1]]
        body[a:b + 1] = plane[index[a]:index[b] + 1]
    source = pad_index(index, h, boundary)
    for r in np.flatnonzero(~real):  # padded rows (only in the first and last bands)
        body[r] = cval if source[r] < 0 else plane[source[r]]
    for cols, index in ((slice(0, left), np.arange(-left, 0)),
                        (slice(left + w, full_width), np.arange(w, w + right))):
        if len(index) == 0:
            continue
        if boundary == "constant":
            out[:, cols] = cval
        else:
            out[:, cols] = np.take(body, pad_index(index, w, boundary), axis=1)
    return out
