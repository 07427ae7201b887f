"""Pieces of a padded image, built without padding the whole image.

The engine works in row bands; each band needs only its own rows of the padded input
``Xp`` (the image padded as ``numpy.pad`` would pad it). :func:`padded_phases` builds exactly
those rows, so no call ever holds a padded copy of a whole large image. No Qt here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

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
                  dtype: type, step: int, scratch: Scratch | None = None) -> np.ndarray:
    """Rows ``rows = (y0, y1)`` of ``numpy.pad(plane, pads, boundary)`` split into ``step``
    column phases in one pass: ``out[q, i, t] = Xp[y0 + i, q + step·t]``, shape
    (step, y1 − y0, ⌈padded width / step⌉[, C]), in ``scratch``'s buffer when given. Cells
    past the padded width are unspecified; callers must not read them. """
    y0, y1 = rows
    h, w = plane.shape[:2]
    (top, _), (left, right) = pads
    index = np.arange(y0, y1) - top
    phases = _column_phases(w, left, right, step, boundary)
    shape = (step, len(index), len(phases[0].source), *plane.shape[2:])
    out = np.empty(shape, dtype=dtype) if scratch is None else scratch.get("phases", shape,
                                                                             dtype)
    real = np.flatnonzero((index >= 0) & (index < h))
    a, b = (real[0], real[-1] + 1) if len(real) else (0, 0)
    body = plane[index[a]:index[b - 1] + 1] if b else plane[:0]
    outside = np.flatnonzero((index < 0) | (index >= h))
    padded_rows = list(zip(outside.tolist(), pad_index(index[outside], h, boundary).tolist(),
                           strict=True))
    for target, phase in zip(out, phases, strict=True):
        c, d = phase.inside
        if b and d > c:  # the body: one strided copy
            last = phase.first + (d - c - 1) * step
            copy_pixels(target[a:b, c:d], body[:, phase.first:last + 1:step])
        if b and (c > 0 or d < target.shape[1]):  # padded columns of real rows
            if boundary == "constant":
                target[a:b, :c] = cval
                target[a:b, d:] = cval
            else:
                target[a:b, :c] = np.take(body, phase.source[:c], axis=1)
                target[a:b, d:] = np.take(body, phase.source[d:], axis=1)
        for r, source in padded_rows:
            if source < 0:
                target[r] = cval
            else:
                target[r] = np.take(plane[source], phase.source, axis=0)
    return out


#: Most bytes of buffers a thread's :meth:`Scratch.of_thread` keeps from one call to the next.
SCRATCH_KEPT_BYTES = 64 << 20
_THREAD = threading.local()


class Scratch:
    """Buffers reused by the bands of a call: fresh memory costs a page fault per 4 KiB on
    first write, as much as the copy itself. Not thread-safe: one per thread."""

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    @staticmethod
    def of_thread() -> Scratch:
        """This thread's scratch, kept from call to call: a call repeated in a loop or the
        window finds its buffers faulted in already (a 31×31 Gaussian at stride 3 on 1024²×3
        by the separable taps ran 10–11 ms with fresh buffers each call, 6.5 ms with these).
        A new one when the kept one holds more than :data:`SCRATCH_KEPT_BYTES`."""
        scratch = getattr(_THREAD, "scratch", None)
        if scratch is None or scratch.nbytes > SCRATCH_KEPT_BYTES:
            scratch = _THREAD.scratch = Scratch()
        return scratch

    @property
    def nbytes(self) -> int:
        """Bytes of all the buffers."""
        return sum(buffer.nbytes for buffer in self._buffers.values())

    def get(self, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        """A C-contiguous array of ``shape`` (contents unspecified), the same memory for the
        same ``name`` as long as it fits."""
        size = int(np.prod(shape, dtype=np.int64))
        buffer = self._buffers.get(name)
        if buffer is None or buffer.size < size or buffer.dtype != np.dtype(dtype):
            buffer = self._buffers[name] = np.empty(size, dtype=dtype)
        return buffer[:size].reshape(shape)


@dataclass(frozen=True)
class _ColumnPhase:
    """Column phase q of a padded row: cells [c, d) copy the real columns ``first``,
    ``first + step``, …; ``source`` is the real column each cell copies (pad cells of a
    'constant' border copy column 0 and are overwritten with the fill)."""

    inside: tuple[int, int]
    first: int
    source: np.ndarray


@lru_cache(maxsize=64)
def _column_phases(w: int, left: int, right: int, step: int,
                   boundary: str) -> tuple[_ColumnPhase, ...]:
    cols = -(-(left + w + right) // step)
    phases = []
    for q in range(step):
        column = np.arange(cols) * step + q - left  # the real column each cell copies
        inside = np.flatnonzero((column >= 0) & (column < w))
        c, d = (int(inside[0]), int(inside[-1]) + 1) if len(inside) else (0, 0)
        source = np.maximum(pad_index(column, w, boundary), 0)
        source.flags.writeable = False  # shared by the cache
        phases.append(_ColumnPhase((c, d), int(column[c]) if d > c else 0, source))
    return tuple(phases)


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
