"""OpenCV whole-image routes: no padded copy, OpenCV fills the border itself.

Each function computes part or all of a 'same'-anchored correlation of ``src`` (H, W) or
(H, W, C) straight from the unpadded image: output (i, j) reads
``src[i·sh + a·dh − top, j·sw + b·dw − left]`` and OpenCV's border type supplies the cells
outside (see :data:`OPENCV_BORDERS`). The engine checks when a route applies
(:func:`convgui.engine.Convolution.route`); the polyphase and band paths in
:mod:`convgui.planner` cover everything else. No Qt here.
"""

from __future__ import annotations

import numpy as np

from convgui.padding import Scratch, band_rows
from convgui.planner import Factors, cv2

#: Most channels an OpenCV image may have (CV_CN_MAX).
MAX_CHANNELS = 512


#: numpy.pad boundary names → OpenCV border types that fill the same values (for pads shorter
#: than the image); 'constant' only means a fill of 0. Empty without OpenCV.
OPENCV_BORDERS: dict[str, int] = {} if cv2 is None else {
    "constant": cv2.BORDER_CONSTANT, "reflect": cv2.BORDER_REFLECT_101,
    "symmetric": cv2.BORDER_REFLECT, "edge": cv2.BORDER_REPLICATE}


def filter_into(src: np.ndarray, factors: Factors, anchor: tuple[int, int], border: int,
                out: np.ndarray) -> None:
    """Stride-1 correlation of ``src`` with ``factors`` into ``out`` (same shape; row-step
    views allowed for both): output (i, j) reads ``src[i + a − top, j + b − left]``,
    ``anchor`` = (top, left)."""
    top, left = anchor
    if factors.method in ("separable", "low-rank"):
        for n, (col, row) in enumerate(zip(factors.columns, factors.rows, strict=True)):
            target = out if n == 0 else np.empty(out.shape, out.dtype)
            cv2.sepFilter2D(src, -1, row.astype(src.dtype, copy=False),
                            col.astype(src.dtype, copy=False), dst=target,
                            anchor=(left, top), borderType=border)
            if n:
                np.add(out, target, out=out)
        return
    cv2.filter2D(src, -1, factors.kernel.astype(src.dtype, copy=False), dst=out,
                 anchor=(left, top), borderType=border)


def dilated_in_place(src: np.ndarray, factors: Factors, anchor: tuple[int, int],
                     dilation: tuple[int, int], out: np.ndarray):
    """Dilated stride-1 correlation with OpenCV's zero border, without inflating the kernel.

    Output rows ``r::dh`` read input rows ``r::dh`` only, and, with the row seen as
    (W/dw, dw·C), output column phase q reads input column phase q only: so each row phase
    is one call on a dw·C-channel view with the undilated kernel (OpenCV filters channels
    independently), written straight into ``out``. Needs W divisible by dw and ``anchor``
    divisible by ``dilation``. Yields after each row phase.
    """
    dh, dw = dilation
    h, w = src.shape[:2]
    channels = dw * (src.shape[2] if src.ndim == 3 else 1)
    src3 = src.reshape(h, w // dw, channels)
    out3 = out.reshape(h, w // dw, channels)
    for r in range(dh):
        filter_into(src3[r::dh], factors, (anchor[0] // dh, anchor[1] // dw),
                    cv2.BORDER_CONSTANT, out3[r::dh])
        yield (r + 1) / dh


def subsampled_rows(src: np.ndarray, factors: Factors, anchor: tuple[int, int],
                    origin: tuple[int, int], stride: tuple[int, int], border: int,
                    first_row: int, out: np.ndarray, scratch: Scratch | None = None) -> None:
    """Output rows ``first_row …`` of a strided correlation with ``factors`` (the dilated
    kernel), as many as ``out`` has, written into ``out``: the rows they need of the stride-1
    correlation anchored at ``anchor`` (output (r, c) reads ``src[r − top + a, c − left +
    b]``), from the input rows those read, with OpenCV's border, then every sh-th row and
    sw-th column from ``origin`` (output (i, j) is stride-1 output (origin + (i·sh, j·sw))).
    A band at the top or bottom of the image also holds the rows OpenCV mirrors into the
    border; rows of a band that read past its ends get OpenCV's border, but they are never
    kept. The subsampling is ``cv2.resize`` with INTER_NEAREST from a region exactly
    (rows·sh, W'·sw) large, which picks cell (i·sh, j·sw) (a pixel at a time, unlike NumPy's
    strided copy of an RGB view, which goes a value at a time). The stride-1 rows go to
    ``scratch``'s buffer when given (reused by the next band: no fresh pages to fault in)."""
    (sh, sw), (top, left), (oy, ox) = stride, anchor, origin
    count, out_w = out.shape[:2]
    first = first_row * sh + oy  # the first stride-1 row kept
    lo, hi = band_rows(first, first + (count - 1) * sh + 1, top, factors.kernel.shape[0],
                       src.shape[0])
    start = first - lo
    # room for the whole region resize reads; the cells past the filtered ones are never kept
    shape = (max(hi - lo, start + count * sh), max(src.shape[1], ox + out_w * sw),
             *src.shape[2:])
    band = (np.empty(shape, dtype=src.dtype) if scratch is None
            else scratch.get("subsampled", shape, src.dtype))
    filter_into(src[lo:hi], factors, (top, left), border, band[:hi - lo, :src.shape[1]])
    region = band[start:start + count * sh, ox:ox + out_w * sw]
    kept = cv2.resize(region, (out_w, count), dst=out, interpolation=cv2.INTER_NEAREST)
    if not np.shares_memory(kept, out):  # OpenCV could not write in place
        out[...] = kept.reshape(out.shape)
