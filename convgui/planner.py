"""How the engine computes a 'valid' correlation fast, exactly: method choice and decomposition.

Everything here computes ``Y[i, j] = Σₐ Σ_b X[i·sh + a·dh, j·sw + b·dw] · K[a, b]`` on an
already padded array ``X`` ('valid': no padding of its own). The decompositions are exact
algebra, not approximations:

* **polyphase**: stride and dilation are split into small stride-1, undilated correlations
  of strided views (work ∝ outputs, not inputs; independent of the dilation);
* **separable / low-rank**: a kernel of rank r is Σᵣ uᵣ·vᵣᵀ (SVD), computed as 2r 1-D passes;
* **FFT**: overlap-add for kernels with many taps;
* **direct**: ``scipy.ndimage.correlate`` (or OpenCV's ``filter2D``) for the rest.

The backend is OpenCV when ``opencv-python-headless`` is importable and SciPy otherwise;
``CONVGUI_ENGINE=scipy`` forces SciPy (the reference path), ``CONVGUI_ENGINE=opencv`` requires
OpenCV. No Qt here.
"""

from __future__ import annotations

import json
import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import ndimage, signal

try:  # optional accelerator
    import cv2
except ImportError:  # pragma: no cover - depends on the environment
    cv2 = None

ENGINES = ("auto", "scipy", "opencv")
#: Accuracy contract: |result − exact| ≤ tolerance · Σ|K| · max|X| (float32 results 1e-5,
#: float64 1e-9; tests/core/test_engine.py's TOL).
CONTRACT_TOL = {"float32": 1e-5, "float64": 1e-9}
#: A split of a kernel K into rank-r factors is used when the part it leaves out, E, has
#: Σ|E| ≤ RANK_TOL · Σ|K|: it then moves no result by more than RANK_TOL · Σ|K| · max|X|,
#: a tenth of the contract for the working type. A Gaussian built or stored in float32 is
#: rank 1 to ~4e-8 and so separable for float32 work; float64 work keeps float64 round-off.
RANK_TOL = {name: tol / 10 for name, tol in CONTRACT_TOL.items()}


def rank_tolerance(dtype: type) -> float:
    """:data:`RANK_TOL` for the working type ``dtype`` (float64, or float32 for the rest)."""
    return RANK_TOL["float64" if np.dtype(dtype) == np.float64 else "float32"]


def opencv_dft_area(dtype: type) -> int:
    """Kernel cells from which OpenCV's filter2D uses a DFT (which does not skip zero taps):
    130 for float32, 50 for float64 (OpenCV's filter.dispatch.cpp)."""
    return 130 if np.dtype(dtype) == np.float32 else 50


def method_costs(kh: int, kw: int, taps: int, rank: int, engine: str,
                 dtype: type = np.float32) -> dict[str, float]:
    """Cost of each method (milliseconds per 4 Mpixels of output, float32, as run by the
    engine on a 2-core machine: SciPy's on row bands on both cores): what the planner
    minimises. Both SciPy's ndimage and OpenCV's direct filter2D skip zero taps; OpenCV's
    filter2D turns to a DFT ("fft") from :func:`opencv_dft_area` kernel cells on."""
    if engine == "opencv":
        costs = ({"direct": 1.0 + 0.085 * taps} if kh * kw < opencv_dft_area(dtype)
                 else {"fft": 44.0})
        if min(kh, kw) > 1:  # each extra rank also costs a temporary and an add
            costs["low-rank"] = rank * (1.4 + 0.14 * (kh + kw)) + (rank - 1) * 1.5
        return costs
    costs = {"direct": 1.9 + 1.65 * taps}
    if engine == "scipy":
        costs["fft"] = 82.0
        if min(kh, kw) > 1:
            costs["low-rank"] = rank * (21.0 + 0.25 * (kh + kw))
    return costs


def backend() -> str:
    """``"opencv"`` or ``"scipy"``, from ``CONVGUI_ENGINE`` (auto/scipy/opencv) and what is
    installed; ``ValueError`` for an unknown name or opencv requested but missing."""
    choice = os.environ.get("CONVGUI_ENGINE", "auto").strip().lower() or "auto"
    if choice not in ENGINES:
        raise ValueError(f"CONVGUI_ENGINE={choice!r} is not one of {', '.join(ENGINES)}")
    if choice == "opencv" and cv2 is None:
        raise ValueError("CONVGUI_ENGINE=opencv but OpenCV is not installed: pip install "
                         "'convgui[fast]'")
    if choice == "auto":
        return "opencv" if cv2 is not None else "scipy"
    return choice


@dataclass(frozen=True)
class Factors:
    """A kernel ready to apply: the dense grid and, when it pays, its rank-r factors."""

    kernel: np.ndarray
    method: str  # "zero", "scale", "separable", "low-rank", "direct" or "fft"
    columns: np.ndarray | None = None  # (r, kh): vertical 1-D kernels
    rows: np.ndarray | None = None  # (r, kw): horizontal 1-D kernels
    cost: float = 0.0  # per output pixel, see method_costs

    @property
    def rank(self) -> int:
        return 0 if self.columns is None else len(self.columns)

    def cast(self, dtype: type) -> Factors:
        """These factors in ``dtype``: what OpenCV takes for an image of that type."""
        def typed(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a.astype(dtype)
        return Factors(self.kernel.astype(dtype), self.method, typed(self.columns),
                       typed(self.rows), self.cost)


def factorize(kernel: np.ndarray, engine: str, dtype: type = np.float32) -> Factors:
    """Pick the cheapest exact method for a stride-1, undilated correlation with ``kernel``
    (remembered for the last few kernels: the window asks again for every image and edit)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return _factorize(kernel.tobytes(), kernel.shape, engine, np.dtype(dtype).str)


@lru_cache(maxsize=64)
def _factorize(data: bytes, shape: tuple[int, int], engine: str, dtype: str) -> Factors:
    kernel = np.frombuffer(data, dtype=np.float64).reshape(shape)  # read-only
    kh, kw = kernel.shape
    if not kernel.any():
        return Factors(kernel, "zero", cost=0.0)
    if kh == kw == 1:
        return Factors(kernel, "scale", cost=0.5)
    rank, columns, rows = _low_rank(kernel, rank_tolerance(dtype))
    costs = method_costs(kh, kw, int(np.count_nonzero(kernel)), rank, engine, np.dtype(dtype))
    method = min(costs, key=costs.get)
    if method == "low-rank":
        columns.flags.writeable = rows.flags.writeable = False  # shared by the cache
        return Factors(kernel, "separable" if rank == 1 else "low-rank", columns, rows,
                       costs[method])
    return Factors(kernel, method, cost=costs[method])


def rank_one(kernel: np.ndarray, dtype: type = np.float64
             ) -> tuple[np.ndarray, np.ndarray] | None:
    """(column, row) with column ⊗ row = ``kernel`` to within :func:`rank_tolerance` of the
    working type ``dtype`` (split through its largest entry where that is close enough, see
    :func:`_low_rank`), or None when the kernel is zero or not of rank 1."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return _rank_one(kernel.tobytes(), kernel.shape, rank_tolerance(dtype))


@lru_cache(maxsize=64)
def _rank_one(data: bytes, shape: tuple[int, int],
              tol: float) -> tuple[np.ndarray, np.ndarray] | None:
    kernel = np.frombuffer(data, dtype=np.float64).reshape(shape)
    if not kernel.any():
        return None
    rank, columns, rows = _low_rank(kernel, tol)
    if rank != 1:
        return None
    columns.flags.writeable = rows.flags.writeable = False  # shared by the cache
    return columns[0], rows[0]


def _low_rank(kernel: np.ndarray, tol: float) -> tuple[int, np.ndarray, np.ndarray]:
    """The smallest rank r and factors with Σ|kernel − Σᵣ columns[r] ⊗ rows[r]| ≤ tol·Σ|kernel|
    (the full SVD when no smaller rank is that close). A rank-1 kernel is split through its
    largest entry (column / pivot, row) when that split is close enough, so integer kernels
    such as a box or a binomial Gaussian give results as exact as the direct sum."""
    u, s, vt = np.linalg.svd(kernel, full_matrices=False)
    if s[0] == 0.0:
        return 0, u[:, :0].T, vt[:0]
    budget = tol * float(np.abs(kernel).sum())
    r, c = np.unravel_index(np.argmax(np.abs(kernel)), kernel.shape)
    column, row = kernel[:, c] / kernel[r, c], kernel[r, :]
    if np.abs(np.outer(column, row) - kernel).sum() <= budget:
        return 1, column[None, :].copy(), row[None, :].copy()
    rank = int(np.count_nonzero(s))
    for smaller in range(1, rank):
        if np.abs((u[:, :smaller] * s[:smaller]) @ vt[:smaller] - kernel).sum() <= budget:
            rank = smaller
            break
    root = np.sqrt(s[:rank])
    return rank, (u[:, :rank] * root).T.copy(), (vt[:rank].T * root).T.copy()


def correlate_valid(x: np.ndarray, factors: Factors, engine: str) -> np.ndarray:
    """'valid' stride-1 correlation of 2-D ``x`` with ``factors.kernel``; float64 for float64
    input, else float32. ``engine`` "scipy-direct" is SciPy without FFT."""
    kh, kw = factors.kernel.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    method = factors.method
    if method == "zero":
        return np.zeros((oh, ow, *x.shape[2:]), dtype=x.dtype)
    if method == "scale":
        return x[:oh, :ow] * x.dtype.type(factors.kernel[0, 0])
    if engine == "opencv":  # (OpenCV returns an (H, W, 1) image as (H, W))
        return _opencv_valid(x, factors, oh, ow).reshape(oh, ow, *x.shape[2:])
    if method == "fft":
        return signal.oaconvolve(x, factors.kernel[::-1, ::-1], mode="valid").astype(x.dtype)
    if method in ("separable", "low-rank"):
        out = None
        for col, row in zip(factors.columns, factors.rows, strict=True):
            part = _ndimage_1d(_ndimage_1d(x, col, axis=0), row, axis=1)
            out = part if out is None else np.add(out, part, out=out)
        return out
    return _ndimage_2d(x, factors.kernel)


def _power_of_two_scale(kernel: np.ndarray) -> int:
    """0, or when ndimage would drop a weight (it skips those ≤ machine epsilon) the exponent
    e with max|kernel|·2⁻ᵉ in [0.5, 1): such kernels are scaled (exactly, by a power of two)
    before and the result after."""
    magnitude = np.abs(kernel[kernel != 0])
    if magnitude.size == 0 or magnitude.min() > 4 * np.finfo(np.float64).eps:
        return 0
    return int(np.frexp(magnitude.max())[1])


def _ndimage_2d(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    kh, kw = kernel.shape
    e = _power_of_two_scale(kernel)
    full = ndimage.correlate(x, np.ldexp(kernel, -e), mode="constant")
    valid = full[kh // 2:kh // 2 + x.shape[0] - kh + 1, kw // 2:kw // 2 + x.shape[1] - kw + 1]
    return np.ldexp(valid, e).astype(x.dtype, copy=False) if e else valid


def _ndimage_1d(x: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    k = len(weights)
    e = _power_of_two_scale(weights)
    full = ndimage.correlate1d(x, np.ldexp(weights, -e), axis=axis, mode="constant")
    index = [slice(None), slice(None)]
    index[axis] = slice(k // 2, k // 2 + x.shape[axis] - k + 1)
    valid = full[tuple(index)]
    return np.ldexp(valid, e).astype(x.dtype, copy=False) if e else valid


def _opencv_valid(x: np.ndarray, factors: Factors, oh: int, ow: int) -> np.ndarray:
    """OpenCV with anchor (0, 0): output (i, j) reads x[i + a, j + b]; the rows and columns
    past the valid region (which read OpenCV's own border) are cut off. ``x`` may be a
    row-step view (OpenCV reads it in place); other layouts are copied."""
    src = x if x.strides[-1] == x.itemsize else np.ascontiguousarray(x)
    if factors.method in ("separable", "low-rank"):
        out = None
        for col, row in zip(factors.columns, factors.rows, strict=True):
            part = cv2.sepFilter2D(src, -1, row.astype(src.dtype), col.astype(src.dtype),
                                   anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)[:oh, :ow]
            out = part if out is None else np.add(out, part, out=out)
        return out
    kernel = factors.kernel.astype(src.dtype)
    return cv2.filter2D(src, -1, kernel, anchor=(0, 0),
                        borderType=cv2.BORDER_CONSTANT)[:oh, :ow]


# ----------------------------------------------------------------------------------------------
# Polyphase decomposition of stride and dilation


@dataclass(frozen=True)
class Phase:
    """One axis' piece of the decomposition: read ``X[start::step]`` with the taps ``taps``
    of the kernel (placed at ``positions``, 0-based and consecutive up to gaps) and write to
    ``Y[out_start::out_step]``."""

    start: int
    step: int
    taps: tuple[int, ...]
    positions: tuple[int, ...]
    out_start: int
    out_step: int


def axis_phases(k: int, stride: int, dilation: int) -> list[Phase]:
    """Split one axis so every piece is a stride-1 correlation with few gaps.

    Stride 1, dilation d: output phase r reads ``X[r::d]`` with the whole undilated kernel.
    Stride s > 1: tap a sits at a·d = s·q + r; the taps of one residue r read ``X[r::s]``
    at offsets q, d/gcd(s, d) apart, and every phase adds to all outputs.
    """
    if stride == 1:
        taps = tuple(range(k))
        return [Phase(r, dilation, taps, taps, r, dilation) for r in range(dilation)]
    groups: dict[int, list[tuple[int, int]]] = {}
    for a in range(k):
        q, r = divmod(a * dilation, stride)
        groups.setdefault(r, []).append((a, q))
    phases = []
    for r, members in sorted(groups.items()):
        q0 = members[0][1]  # offsets within a residue are q0, q0 + d/gcd(s, d), ...
        phases.append(Phase(r + stride * q0, stride, tuple(a for a, _ in members),
                            tuple(q - q0 for _, q in members), 0, 1))
    return phases


def phase_kernel(kernel: np.ndarray, ph: Phase, pw: Phase) -> np.ndarray:
    """The dense sub-kernel of ``kernel`` for the phase pair (zeros in the gaps)."""
    out = np.zeros((ph.positions[-1] + 1, pw.positions[-1] + 1))
    out[np.ix_(ph.positions, pw.positions)] = kernel[np.ix_(ph.taps, pw.taps)]
    return out


def polyphase_count(kernel_hw: tuple[int, int], stride: tuple[int, int],
                    dilation: tuple[int, int]) -> int:
    """How many sub-correlations :func:`correlate_strided` runs."""
    return (len(axis_phases(kernel_hw[0], stride[0], dilation[0]))
            * len(axis_phases(kernel_hw[1], stride[1], dilation[1])))


@dataclass(frozen=True)
class Plan:
    """Pieces to compute and add up; with ``subsample`` (sh, sw) ≠ (1, 1) the pieces compute
    every stride-1 output and the result keeps every sh-th row and sw-th column."""

    pieces: tuple[tuple[Phase, Phase, Factors], ...]
    subsample: tuple[int, int]
    cost: float


#: Fixed cost of one more polyphase piece (its call, an add), per 4 Mpixels of its output.
PIECE_OVERHEAD = {"opencv": 1.5, "scipy": 1.65, "scipy-direct": 1.65}


def make_plan(kernel: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
              engine: str, dtype: type = np.float32) -> Plan:
    """The cheapest of :func:`candidate_plans` by the cost model (remembered for the last
    few kernels: the window asks again for every image and edit)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    return _make_plan(kernel.tobytes(), kernel.shape, tuple(stride), tuple(dilation), engine,
                      np.dtype(dtype).str)


@lru_cache(maxsize=64)
def _make_plan(data: bytes, shape: tuple[int, int], stride: tuple[int, int],
               dilation: tuple[int, int], engine: str, dtype: str) -> Plan:
    kernel = np.frombuffer(data, dtype=np.float64).reshape(shape)
    return min(candidate_plans(kernel, stride, dilation, engine, np.dtype(dtype)),
               key=lambda plan: plan.cost)


def candidate_plans(kernel: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
                    engine: str, dtype: type = np.float32) -> list[Plan]:
    """Every exact way the planner knows: polyphase for both stride and dilation; dilation by
    a zero-inserted kernel (free for ndimage, which skips zero taps) with polyphase for the
    stride; a stride-1 result subsampled (cheap for small kernels; not with an FFT, whose
    temporaries for s² times the outputs would exceed the memory bound: 4× the output)."""
    inflated = inflate(kernel, dilation)
    candidates = [_polyphase(kernel, stride, dilation, engine, dtype)]
    if dilation != (1, 1):
        candidates.append(_polyphase(inflated, stride, (1, 1), engine, dtype))
    if stride != (1, 1):
        full = factorize(inflated, engine, dtype)
        if full.method != "fft":  # an FFT band of every stride-1 output breaks the memory bound
            cost = stride[0] * stride[1] * full.cost + 0.5
            candidates.append(Plan(((_WHOLE, _WHOLE, full),), stride, cost))
    return candidates


_WHOLE = Phase(0, 1, (0,), (0,), 0, 1)  # the whole axis, for a subsampled plan's one piece


def inflate(kernel: np.ndarray, dilation: tuple[int, int]) -> np.ndarray:
    """The kernel with its taps spread ``dilation`` apart (zeros between)."""
    if dilation == (1, 1):
        return kernel
    kh, kw = kernel.shape
    out = np.zeros((dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1))
    out[:: dilation[0], :: dilation[1]] = kernel
    return out


def _polyphase(kernel: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
               engine: str, dtype: type) -> Plan:
    pieces = tuple(
        (ph, pw, factorize(phase_kernel(kernel, ph, pw), engine, dtype))
        for ph in axis_phases(kernel.shape[0], stride[0], dilation[0])
        for pw in axis_phases(kernel.shape[1], stride[1], dilation[1])
    )
    overhead = PIECE_OVERHEAD[engine] if len(pieces) > 1 else 0.0
    cost = sum((f.cost + overhead) / (ph.out_step * pw.out_step) for ph, pw, f in pieces)
    return Plan(pieces, (1, 1), cost)


def correlate_strided(x: np.ndarray, plan: Plan, out_hw: tuple[int, int],
                      engine: str) -> np.ndarray:
    """``Y[i, j] = Σ X[i·sh + a·dh, j·sw + b·dw]·K[a, b]`` for ``out_hw`` outputs, following
    a :func:`make_plan` plan. ``x`` is ``X`` (rows, W), or ``X`` already split into the
    plan's column phases (see :func:`split_columns`; with OpenCV also (step, rows, cols, C):
    each call filters every channel): then every piece reads a contiguous column phase
    through a free row-step view."""
    phases = split_columns(x, column_step(plan)) if x.ndim == 2 else x
    step = phases.shape[0]
    if plan.subsample != (1, 1):
        (_, _, factors), = plan.pieces
        sh, sw = plan.subsample
        kh, kw = factors.kernel.shape
        rows, cols = (out_hw[0] - 1) * sh + kh, (out_hw[1] - 1) * sw + kw
        return correlate_valid(phases[0][:rows, :cols], factors, engine)[::sh, ::sw]
    oh, ow = out_hw
    out: np.ndarray | None = None
    written: set[tuple[int, int, int, int]] = set()
    for ph, pw, factors in plan.pieces:
        rows = len(range(ph.out_start, oh, ph.out_step))
        cols = len(range(pw.out_start, ow, pw.out_step))
        if rows == 0 or cols == 0:
            continue
        kh, kw = factors.kernel.shape
        plane, first = (phases[pw.start % step], pw.start // step) if step > 1 else (
            phases[0], pw.start)
        sub = plane[ph.start:ph.start + (rows + kh - 2) * ph.step + 1:ph.step,
                    first:first + cols + kw - 1]
        part = correlate_valid(sub, factors, engine)
        key = (ph.out_start, ph.out_step, pw.out_start, pw.out_step)
        if out is None and key == (0, 1, 0, 1):
            out = part  # the first piece that covers every output: no copy
        else:
            if out is None:
                out = np.empty((*out_hw, *part.shape[2:]), dtype=part.dtype)
            region = out[ph.out_start::ph.out_step, pw.out_start::pw.out_step]
            if key in written:
                np.add(region, part, out=region)
            else:
                region[...] = part
        written.add(key)
    return out


def column_step(plan: Plan) -> int:
    """The column step every piece of ``plan`` reads with (1: no column phases)."""
    return max(pw.step for _, pw, _ in plan.pieces)


def split_columns(x: np.ndarray, step: int) -> np.ndarray:
    """``x`` (rows, W) as (step, rows, ⌈W/step⌉) column phases: ``out[q, :, t] = x[:, q + step·t]``
    (cells past W unspecified), the layout :func:`correlate_strided` reads."""
    width = -(-x.shape[1] // step) * step
    if width != x.shape[1]:
        x = np.pad(x, ((0, 0), (0, width - x.shape[1])))
    return np.ascontiguousarray(x.reshape(x.shape[0], width // step, step).transpose(2, 0, 1))


# ----------------------------------------------------------------------------------------------
# Wisdom: the routes measured on this machine (as FFTW's wisdom)

#: ``CONVGUI_WISDOM``: ``read`` (default: large calls take the fastest route remembered in the
#: user's data folder, if any, and never stop to measure), ``on`` (also measure a large call's
#: candidate routes the first time and remember the fastest: the first call of a new kernel
#: shape then takes up to a few seconds and cannot be cancelled, so the window does not do it;
#: ``benchmarks/bench_engine.py`` does) or ``off`` (the cost model alone, nothing read or
#: written).
WISDOM_ENV = "CONVGUI_WISDOM"
#: Calls with fewer input values than this are never measured (the cost model decides): they
#: are fast whatever the route, and the test suite's property tests stay deterministic.
WISDOM_MIN_VALUES = 1 << 19
#: Format version of the wisdom file; a file with another version is ignored.
WISDOM_VERSION = 1
WISDOM_FILE = "wisdom.json"


#: The environment variables a call's kept decisions depend on (see :func:`environment_key`).
DECISION_ENV = ("CONVGUI_ENGINE", WISDOM_ENV, "CONVGUI_HOME")
_DECISION_ENV_KEYS = tuple(map(getattr(os.environ, "encodekey", str), DECISION_ENV))


def environment_key() -> tuple:
    """The values of :data:`DECISION_ENV` as set (None when unset), read on every call, from
    ``os.environ``'s own mapping where CPython has one: ``os.environ.get`` raises and catches
    a KeyError for each unset name: the three names cost 30–55 µs once a large image had
    left the caches cold (1–2 % of a 3×3 filter2D on 2048², timed alternating with it)."""
    data = getattr(os.environ, "_data", None)
    if data is None:  # (os.environ replaced by a plain mapping)
        return tuple(map(os.environ.get, DECISION_ENV))
    return tuple(map(data.get, _DECISION_ENV_KEYS))


def wisdom_mode() -> str:
    """``"read"``, ``"on"`` or ``"off"``, from ``CONVGUI_WISDOM`` (default ``read``; ``1``,
    ``yes``, ``true`` mean on; ``0``, ``no``, ``false`` off)."""
    value = os.environ.get(WISDOM_ENV, "read").strip().lower()
    if value in ("on", "1", "yes", "true"):
        return "on"
    return "off" if value in ("off", "0", "no", "false") else "read"


def wisdom_enabled() -> bool:
    """Whether remembered route times are used (``CONVGUI_WISDOM`` not ``off``)."""
    return wisdom_mode() != "off"


def wisdom_path() -> Path:
    """``$CONVGUI_HOME/wisdom.json``, else ``wisdom.json`` in the platform data folder's
    ``ConvGUI`` (beside the presets folder)."""
    from convgui.presets.store import user_presets_dir

    return user_presets_dir().parent / WISDOM_FILE


def size_bucket(values: int) -> int:
    """The image-size bucket of a call reading ``values`` input values: ⌊log₂ values⌋
    rounded to even (buckets 4× apart)."""
    return 2 * (max(int(values), 1).bit_length() // 2)


class Wisdom:
    """Measured route times, by key, kept in memory and in a JSON file.

    A missing, unreadable, corrupt or foreign file reads as empty (never an error); an update
    re-reads the file, merges and writes it atomically (:func:`convgui.atomic.atomic_write`),
    and a failed write only keeps the measurement in memory. Thread-safe."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, float]] = {}
        self._loaded_from: Path | None = None
        self._lock = threading.Lock()
        #: Changes whenever what :meth:`times` answers may change (a route decided from an
        #: older generation is decided again: :class:`Decisions`).
        self.generation = 0

    def _read(self, path: Path) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("version") != WISDOM_VERSION:
            return {}
        entries = data.get("routes")
        if not isinstance(entries, dict):
            return {}
        valid = {}
        for key, times in entries.items():
            if isinstance(times, dict) and times and all(
                    isinstance(name, str) and isinstance(ms, (int, float))
                    and not isinstance(ms, bool) and math.isfinite(ms) and ms >= 0
                    for name, ms in times.items()):
                valid[str(key)] = {name: float(ms) for name, ms in times.items()}
        return valid

    def _current(self) -> dict[str, dict[str, float]]:
        path = wisdom_path()
        if self._loaded_from != path:  # first use, or CONVGUI_HOME changed
            self._entries, self._loaded_from = self._read(path), path
            self.generation += 1
        return self._entries

    def times(self, key: str) -> dict[str, float]:
        """Milliseconds per route measured for ``key`` (empty when never measured)."""
        with self._lock:
            return dict(self._current().get(key, {}))

    def remember(self, key: str, times: dict[str, float]) -> None:
        """Keep ``times`` (route → ms) for ``key`` and write the file."""
        from convgui.atomic import AtomicWriteError, atomic_write

        with self._lock:
            self._current()[key] = dict(times)
            path = wisdom_path()
            merged = {**self._read(path), **self._entries}
            payload = json.dumps({"version": WISDOM_VERSION, "routes": merged}, indent=0,
                                 sort_keys=True).encode("utf-8")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, lambda fh: fh.write(payload))
            except (OSError, AtomicWriteError):
                pass  # an unwritable data folder: the measurement still holds for this session
            self._entries = merged
            self.generation += 1

    def forget(self) -> None:
        """Drop what is in memory (the file is read again on next use)."""
        with self._lock:
            self._entries, self._loaded_from = {}, None
            self.generation += 1


#: The process's wisdom (see :class:`Wisdom`).
WISDOM = Wisdom()

#: How many calls' decisions :class:`Decisions` keeps.
DECISIONS_KEPT = 64


class Decisions:
    """What the validation and planning of recent calls found (the checked kernel and
    geometry; route, factors, costs: values that depend on the kernel, the settings and the
    image's shape and type, never on its values), by a key the engine builds from the
    call's arguments, the engine, the wisdom's mode and folder and
    :attr:`Wisdom.generation`. A call repeated in a loop or the window, with the same or a
    new image, skips both: 0.1–0.3 ms of Python, as long as OpenCV filters a megapixel with
    a 3×3 kernel. Thread-safe; the oldest of more than :data:`DECISIONS_KEPT` keys is
    dropped."""

    def __init__(self) -> None:
        self._entries: dict[tuple, dict[str, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict[str, object]:
        """The decisions kept for ``key`` (empty when none)."""
        return self._entries.get(key, {})  # (one dict lookup: atomic, no lock needed)

    def put(self, key: tuple, decided: dict[str, object]) -> None:
        """Keep ``decided`` for ``key`` (its values are shared: never mutate them)."""
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = dict(decided)
            while len(self._entries) > DECISIONS_KEPT:
                del self._entries[next(iter(self._entries))]

    def forget(self) -> None:
        """Drop every decision."""
        with self._lock:
            self._entries.clear()


#: The process's decisions (see :class:`Decisions`).
DECISIONS = Decisions()
