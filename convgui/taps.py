"""Direct sums as shifted multiply-adds: ConvGUI's own exact method (NumPy and BLAS, for either
engine) for small and medium kernels, at any stride and dilation.

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

import ctypes
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cython_blas

from convgui.padding import Scratch, copy_pixels, padded_phases
from convgui.shapes import Geometry

#: Cost of the method in the unit of planner.method_costs (ms per 4 Mpixels of output on a
#: 2-core machine, fitted to measurements at strides 1, 2 and 4): per input pixel copied
#: into phase planes, and per non-zero tap, which costs more when the stride makes the
#: bands (so each multiply-add) small; the separable passes copy less per input pixel.
COST_PER_INPUT = 5.0
COST_PER_TAP = 0.24
COST_PER_TAP_PER_STRIDE = 0.008
SEPARABLE_COST_PER_INPUT = 4.0
SEPARABLE_COST_PER_TAP = 0.3


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


def _power_of_two_scale(weights: list[float], dtype: type) -> int:
    """0, or when a weight would lose precision in ``dtype`` (float32: beyond 2^±100) the
    exponent e with max|weight|·2⁻ᵉ in [0.5, 1): the weights are scaled exactly by 2⁻ᵉ and the
    result by 2ᵉ."""
    magnitudes = [abs(w) for w in weights]
    if np.dtype(dtype) == np.float64 or 2.0**-100 < min(magnitudes) <= max(magnitudes) < 2.0**100:
        return 0
    return math.frexp(max(magnitudes))[1]


_capsule_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_name.restype, _capsule_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

Axpy = Callable[[int, float, int, int], None]


@functools.cache
def blas_axpy(dtype: np.dtype) -> Axpy:
    """``axpy(n, a, x_address, y_address)``: y[:n] += a·x[:n] on contiguous float32/float64
    memory, by SciPy's own BLAS ``?axpy`` called through ctypes, which releases the GIL for
    the call. (``scipy.linalg.blas``'s wrappers hold the GIL, so a GUI thread waits out
    every multiply-add.) The caller guarantees that both ranges are in bounds."""
    char = "d" if np.dtype(dtype) == np.float64 else "s"
    capsule = cython_blas.__pyx_capi__[f"{char}axpy"]
    scalar = ctypes.c_double if char == "d" else ctypes.c_float
    p_int = ctypes.POINTER(ctypes.c_int)
    function = ctypes.CFUNCTYPE(None, p_int, ctypes.POINTER(scalar), ctypes.c_void_p, p_int,
                                ctypes.c_void_p, p_int)(_capsule_pointer(capsule,
                                                                         _capsule_name(capsule)))
    one = ctypes.c_int(1)

    def axpy(n: int, a: float, x_address: int, y_address: int) -> None:
        function(ctypes.c_int(n), scalar(a), x_address, one, y_address, one)

    return axpy


class _Accumulator:
    """A flat grid of ``n`` cells that multiply-adds shifted flat sources into itself."""

    def __init__(self, grid: np.ndarray, dtype: type, exponent: int) -> None:
        self.grid, self.n, self.exponent = grid, len(grid), exponent
        self._axpy = blas_axpy(np.dtype(dtype))
        self._grid_address = grid.ctypes.data
        self._source: np.ndarray | None = None
        self._source_address = 0
        self._empty = True

    def add(self, source: np.ndarray, offset: int, weight: float) -> None:
        """grid += weight·2⁻ᵉ × source[offset : offset + n] (the first call overwrites)."""
        weight = math.ldexp(weight, -self.exponent)
        if self._empty:
            np.multiply(source[offset:offset + self.n], self.grid.dtype.type(weight),
                        out=self.grid)
            self._empty = False
            return
        if source is not self._source:
            if (source.ndim != 1 or source.dtype != self.grid.dtype
                    or not source.flags.c_contiguous):
                raise ValueError("an axpy source must be a contiguous flat array of the grid's "
                                 "dtype")
            self._source, self._source_address = source, source.ctypes.data
        if offset < 0 or offset + self.n > len(source):
            raise ValueError(f"axpy source range {offset}..{offset + self.n} is outside 0.."
                             f"{len(source)}")
        self._axpy(self.n, weight, self._source_address + offset * source.itemsize,
                   self._grid_address)


def _input_rows(rows: tuple[int, int], step: int, below: dict[int, int]) -> tuple[int, int]:
    """The padded input rows [y0, y1) that output rows ``rows`` read at row stride ``step``,
    ``below[p]`` being how many rows of phase p a tap reaches past the output row's own."""
    i0, i1 = rows
    y0 = i0 * step
    return y0, y0 + max(p + (i1 - i0 - 1 + b) * step for p, b in below.items()) + 1


def _padded_band(plane: np.ndarray, rows: tuple[int, int], geometry: Geometry, boundary: str,
                 cval: float, dtype: type, step: int, sum_channels: bool,
                 scratch: Scratch) -> np.ndarray:
    """Rows [y0, y1) of the padded plane in ``step`` column phases (step, rows, cols[, C]),
    the channels added first with ``sum_channels``."""
    phases = padded_phases(plane, rows, geometry.pads, boundary, cval, dtype, step,
                           scratch=scratch)
    if sum_channels and phases.ndim == 4:
        phases = phases.sum(axis=3, dtype=np.float64).astype(dtype)
    return phases


def _row_phase(rows: np.ndarray, phase: int, step: int, count: int,
               scratch: Scratch) -> np.ndarray:
    """``rows[phase::step][:count]`` made contiguous and flat (whole rows: a fast copy)."""
    if step == 1:
        return rows.reshape(-1)
    out = scratch.get("rows", (count, *rows.shape[1:]), rows.dtype)
    np.copyto(out, rows[phase::step][:count])
    return out.reshape(-1)


def _output_view(grid: np.ndarray, count: int, out_w: int, width: int, depth: int,
                 keep_depth: bool) -> np.ndarray:
    item = grid.itemsize
    shape, strides = (count, out_w), (width * depth * item, depth * item)
    if keep_depth:
        shape, strides = (*shape, depth), (*strides, item)
    return np.lib.stride_tricks.as_strided(grid, shape, strides)


def correlate_rows(plane: np.ndarray, rows: tuple[int, int], geometry: Geometry,
                   groups: tuple[TapGroup, ...], boundary: str, cval: float, dtype: type,
                   sum_channels: bool = False, scratch: Scratch | None = None) -> np.ndarray:
    """Output rows ``rows = (i0, i1)`` of the correlation of ``plane`` (H, W) or (H, W, C),
    padded as ``geometry`` and ``boundary`` say: an (i1 − i0, W'[, C]) view of a fresh array,
    or of ``scratch``'s buffers (valid until its next use). Every channel is filtered on its
    own (one multiply-add per tap covers them all), or with ``sum_channels`` the channels are
    added first and the result is 2-D."""
    scratch = Scratch() if scratch is None else scratch
    count = rows[1] - rows[0]
    (sh, sw), out_w = geometry.stride, geometry.out_hw[1]
    below = {p: max(u for g in groups if g.row_phase == p for u, _, _ in g.taps)
             for p in {g.row_phase for g in groups}}
    phases = _padded_band(plane, _input_rows(rows, sh, below), geometry, boundary, cval, dtype,
                          sw, sum_channels, scratch)
    width, depth = phases.shape[2], int(np.prod(phases.shape[3:], dtype=int))
    grid = scratch.get("grid", (((count - 1) * width + out_w) * depth,), dtype)
    acc = _Accumulator(grid, dtype, _power_of_two_scale(
        [w for g in groups for _, _, w in g.taps], dtype))
    for g in groups:
        flat = _row_phase(phases[g.col_phase], g.row_phase, sh, count + below[g.row_phase],
                          scratch)
        for u, v, weight in g.taps:
            acc.add(flat, (u * width + v) * depth, weight)
    if acc.exponent:
        np.ldexp(grid, acc.exponent, out=grid)
    return _output_view(grid, count, out_w, width, depth,
                        depth > 1 or (plane.ndim == 3 and not sum_channels))


# ----------------------------------------------------------------------------------------------
# Separable kernels: a vertical pass at the output rows, then a horizontal one at the output
# columns, 2k multiply-adds instead of k²


#: One axis of a separable kernel: per phase, the (offset, weight) of its non-zero taps.
AxisTaps = tuple[tuple[int, tuple[tuple[int, float], ...]], ...]


@dataclass(frozen=True)
class Separable:
    """A rank-1 kernel ``column ⊗ row`` split by phase: ``vertical`` taps (row phase p, rows
    u below) and ``horizontal`` taps (column phase r, columns v to the right)."""

    vertical: AxisTaps
    horizontal: AxisTaps

    @property
    def tap_count(self) -> int:
        return sum(len(t) for _, t in self.vertical) + sum(len(t) for _, t in self.horizontal)


def axis_taps(weights: np.ndarray, step: int, dilation: int) -> AxisTaps:
    """The non-zero ``weights`` of one axis grouped by phase: tap a at a·dilation =
    step·offset + phase."""
    phases: dict[int, list[tuple[int, float]]] = {}
    for a in np.flatnonzero(weights):
        offset, phase = divmod(int(a) * dilation, step)
        phases.setdefault(phase, []).append((offset, float(weights[a])))
    return tuple((p, tuple(taps)) for p, taps in sorted(phases.items()))


def separable(column: np.ndarray, row: np.ndarray, stride: tuple[int, int],
              dilation: tuple[int, int]) -> Separable:
    """The kernel ``column ⊗ row`` (1-D factors) as two passes."""
    return Separable(axis_taps(column, stride[0], dilation[0]),
                     axis_taps(row, stride[1], dilation[1]))


def separable_cost(sep: Separable, stride: tuple[int, int]) -> float:
    """Milliseconds per 4 Mpixels of output (see the constants above): the padded band, the
    vertical pass (sw times as wide as the output) and the horizontal pass."""
    vertical = sum(len(t) for _, t in sep.vertical)
    horizontal = sum(len(t) for _, t in sep.horizontal)
    return (SEPARABLE_COST_PER_INPUT * stride[0] * stride[1]
            + SEPARABLE_COST_PER_TAP * (vertical * stride[1] + horizontal))


def correlate_rows_separable(plane: np.ndarray, rows: tuple[int, int], geometry: Geometry,
                             sep: Separable, boundary: str, cval: float, dtype: type,
                             sum_channels: bool = False,
                             scratch: Scratch | None = None) -> np.ndarray:
    """As :func:`correlate_rows` for a separable kernel: the vertical pass computes only the
    output rows (all padded columns), the horizontal pass only the output columns. A NaN
    reaches exactly the outputs that read it with a non-zero weight: a weight of the product
    is zero exactly when its column or its row weight is, and those are skipped."""
    scratch = Scratch() if scratch is None else scratch
    count = rows[1] - rows[0]
    (sh, sw), out_w = geometry.stride, geometry.out_hw[1]
    below = {p: max(u for u, _ in taps) for p, taps in sep.vertical}
    band = _padded_band(plane, _input_rows(rows, sh, below), geometry, boundary, cval, dtype,
                        1, sum_channels, scratch)[0]
    padded_w, depth = band.shape[1], int(np.prod(band.shape[2:], dtype=int))
    vertical = _Accumulator(scratch.get("vertical", (count * padded_w * depth,), dtype), dtype,
                            _power_of_two_scale([w for _, t in sep.vertical for _, w in t], dtype))
    for p, taps in sep.vertical:
        flat = _row_phase(band, p, sh, count + below[p], scratch)
        for u, weight in taps:
            vertical.add(flat, u * padded_w * depth, weight)
    columns = vertical.grid.reshape(count, padded_w, depth)
    if sw > 1:  # the column phases of the vertical result
        width = -(-padded_w // sw)
        split = scratch.get("columns", (sw, count, width, depth), dtype)
        for r, _ in sep.horizontal:
            copy_pixels(split[r, :, :len(range(r, padded_w, sw))], columns[:, r::sw])
    else:
        width, split = padded_w, columns[None]
    exponent = _power_of_two_scale([w for _, t in sep.horizontal for _, w in t], dtype)
    grid = scratch.get("grid", (((count - 1) * width + out_w) * depth,), dtype)
    horizontal = _Accumulator(grid, dtype, exponent)
    for r, taps in sep.horizontal:
        flat = split[r].reshape(-1)
        for v, weight in taps:
            horizontal.add(flat, v * depth, weight)
    if vertical.exponent + horizontal.exponent:
        np.ldexp(grid, vertical.exponent + horizontal.exponent, out=grid)
    return _output_view(grid, count, out_w, width, depth,
                        depth > 1 or (plane.ndim == 3 and not sum_channels))
