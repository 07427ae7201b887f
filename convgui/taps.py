"""Direct sums as shifted multiply-adds: the SciPy engine's exact method for small and medium
kernels, at any stride and dilation.

A correlation is the sum, over the kernel's non-zero taps, of weight × the input shifted by
the tap. A padded band stored row-major with rows ``Wq`` long turns the shift (u, v) into a
shift of the flat buffer by ``u·Wq + v``, so each tap is one BLAS ``axpy`` over the whole
band: contiguous, vectorised with fused multiply-adds and threaded by OpenBLAS. The result
lives on a grid ``Wq`` wide whose columns past the output width are never read.

Stride is polyphase: a tap at row offset a·dh = sh·u + p and column offset b·dw = sw·v + r
reads only the phase plane ``Xp[p::sh, r::sw]`` at (u, v), so each band builds the phase
planes its taps need once and the work is ∝ outputs × taps, whatever the stride and the
dilation. Zero weights are skipped, so a NaN or infinity reaches exactly the outputs that read
it with a non-zero weight. No Qt here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import blas

from convgui.padding import Scratch, padded_phases
from convgui.shapes import Geometry

#: Cost of the method in the unit of planner.method_costs (ms per 4 Mpixels of output on a
#: 2-core machine): per input pixel copied into phase planes, and per non-zero tap, which
#: costs more when the stride makes the bands (and so each multiply-add) small.
COST_PER_INPUT = 4.0
COST_PER_TAP = 0.24
COST_PER_TAP_PER_STRIDE = 0.045


@dataclass(frozen=True)
class TapGroup:
    """The taps that read one phase plane ``Xp[row_phase::sh, col_phase::sw]``: each
    (u, v, weight) adds weight × the plane shifted by (u, v)."""

    row_phase: int
    col_phase: int
    taps: tuple[tuple[int, int, float], ...]


def tap_groups(kernel: np.ndarray, stride: tuple[int, int],
               dilation: tuple[int, int]) -> tuple[TapGroup, ...]:
    """The non-zero taps of ``kernel`` grouped by the phase plane they read."""
    (sh, sw), (dh, dw) = stride, dilation
    groups: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for a, b in zip(*np.nonzero(kernel), strict=True):
        u, p = divmod(int(a) * dh, sh)
        v, r = divmod(int(b) * dw, sw)
        groups.setdefault((p, r), []).append((u, v, float(kernel[a, b])))
    return tuple(TapGroup(p, r, tuple(taps)) for (p, r), taps in sorted(groups.items()))


def cost(groups: tuple[TapGroup, ...], stride: tuple[int, int]) -> float:
    """Milliseconds per 4 Mpixels of output (see the constants above): the taps, and the
    phase planes they read (each needed row phase is built with all its column phases)."""
    taps = sum(len(g.taps) for g in groups)
    row_phases = len({g.row_phase for g in groups})
    per_tap = COST_PER_TAP + COST_PER_TAP_PER_STRIDE * (stride[0] * stride[1] - 1)
    return COST_PER_INPUT * row_phases * stride[1] + per_tap * taps


def _power_of_two_scale(groups: tuple[TapGroup, ...], dtype: type) -> int:
    """0, or when a weight would lose precision in ``dtype`` (float32: beyond 2^±100) the
    exponent e with max|weight|·2⁻ᵉ in [0.5, 1): the weights are scaled exactly by 2⁻ᵉ and the
    result by 2ᵉ."""
    magnitudes = [abs(w) for g in groups for _, _, w in g.taps]
    if np.dtype(dtype) == np.float64 or 2.0**-100 < min(magnitudes) <= max(magnitudes) < 2.0**100:
        return 0
    return math.frexp(max(magnitudes))[1]


def correlate_rows(plane: np.ndarray, rows: tuple[int, int], geometry: Geometry,
                   groups: tuple[TapGroup, ...], boundary: str, cval: float, dtype: type,
                   sum_channels: bool = False, scratch: Scratch | None = None) -> np.ndarray:
    """Output rows ``rows = (i0, i1)`` of the correlation of ``plane`` (H, W) or (H, W, C),
    padded as ``geometry`` and ``boundary`` say: an (i1 − i0, W'[, C]) view of a fresh array,
    or of ``scratch``'s buffers (valid until its next use). Every channel is filtered on its
    own (one multiply-add per tap covers them all), or with ``sum_channels`` the channels are
    added first and the result is 2-D."""
    scratch = Scratch() if scratch is None else scratch
    i0, i1 = rows
    count = i1 - i0
    (sh, sw), out_w = geometry.stride, geometry.out_hw[1]
    below = {p: max(u for g in groups if g.row_phase == p for u, _, _ in g.taps)
             for p in {g.row_phase for g in groups}}  # phase rows read past the band's own
    y0 = i0 * sh
    phases = padded_phases(plane, (y0, y0 + max(p + (count - 1 + b) * sh for p, b in
                                                 below.items()) + 1),
                           geometry.pads, boundary, cval, dtype, sw, scratch=scratch)
    if sum_channels and phases.ndim == 4:
        phases = phases.sum(axis=3, dtype=np.float64).astype(dtype)
    width, depth = phases.shape[2], int(np.prod(phases.shape[3:], dtype=int))
    n = ((count - 1) * width + out_w) * depth  # the grid cells up to the last output
    grid = scratch.get("grid", (n,), dtype)
    axpy = blas.daxpy if np.dtype(dtype) == np.float64 else blas.saxpy
    e = _power_of_two_scale(groups, dtype)
    first = True
    for g in groups:
        if sh == 1:
            flat = phases[g.col_phase].reshape(-1)
        else:  # the rows of this row phase, made contiguous (whole rows: a fast copy)
            flat = scratch.get("rows", (count + below[g.row_phase], *phases.shape[2:]), dtype)
            np.copyto(flat, phases[g.col_phase, g.row_phase::sh][:len(flat)])
            flat = flat.reshape(-1)
        for u, v, weight in g.taps:
            offset, weight = (u * width + v) * depth, math.ldexp(weight, -e)
            if first:
                np.multiply(flat[offset:offset + n], dtype(weight), out=grid)
                first = False
            else:
                axpy(flat, grid, n=n, a=weight, offx=offset)
    if e:
        np.ldexp(grid, e, out=grid)
    item = grid.itemsize
    shape, strides = (count, out_w), (width * depth * item, depth * item)
    if depth > 1 or (plane.ndim == 3 and not sum_channels):
        shape, strides = (*shape, depth), (*strides, item)
    return np.lib.stride_tricks.as_strided(grid, shape, strides)
