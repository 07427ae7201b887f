"""How fast the convolution engine is, next to the libraries a user would otherwise call.

Plain script, not a test::

    python benchmarks/bench_engine.py [--quick] [--rows PATTERN] [--repeats N] [--json PATH]
    python benchmarks/bench_engine.py --list            # the row ids, nothing is run
    python benchmarks/bench_engine.py --stride-goal     # issue 15's stride goal only

Images (float32): a 2048×2048 grey and a 1024×1024×3 RGB image (``--quick``: 256×256 and
128×128×3). Kernels: 3, 5, 7, 15, 31, each ``random`` (normal, full rank: not separable) and
``gauss`` (separable). Rows, per image × kernel kind × size: the base row (stride 1,
dilation 1, padding 'same', boundary constant); boundary reflect for sizes 3 and 15; stride 2
and 4 and dilation 2 and 4 for sizes 3, 7 and 15. A row id reads
``grey2048/gauss/15x15/s2/d1/constant``; ``--rows`` keeps the rows whose id contains the
pattern, or matches it when it has shell wildcards (``*/gauss/*/s1/*``); commas separate
several patterns.

Columns, each the median of ``--repeats`` (default 7; ``--quick``: 1) timed calls after one
warm-up call, in milliseconds and as the ratio peer / convgui (> 1: convgui is faster). The
columns of a row are timed in three passes in changing order, each with a warm-up call and a
share of the repeats, so a slow spell of the machine falls on parts of several columns:

* ``convgui``: :func:`convgui.engine.convolve2d` with ``CONVGUI_ENGINE=auto`` (OpenCV when
  installed); the method string (``prepare(...).method``) is printed at the end of the line.
* ``cg-scipy``: the same call with ``CONVGUI_ENGINE=scipy`` (the SciPy-only engine).
* ``ndimage``: ``scipy.ndimage.correlate`` (constant → 'constant', reflect → 'mirror').
* ``oaconv``: ``scipy.signal.oaconvolve`` of the flipped kernel, mode 'same' (constant) or
  'valid' on an image padded with ``numpy.pad(mode='reflect')`` (reflect).
* ``filter2D`` / ``sepF2D``: ``cv2.filter2D`` (BORDER_CONSTANT / BORDER_REFLECT_101) and, for
  separable kernels, ``cv2.sepFilter2D`` with the 1-D factors; on the RGB image one call on
  all three channels (OpenCV filters each channel itself).
* ``torch``: ``torch.nn.functional.conv2d`` (RGB: one call with ``groups=3``; input already
  an NCHW tensor; stride and dilation native), only when torch is importable.
* ``floor``: ``numpy.copyto`` of the image into a preallocated array: the memory-bandwidth
  floor no filter can beat.

The peers do stride and dilation as a user would: the stride-1 result subsampled (a view,
starting at the offset that lines it up with convgui's 'same' padding, so both compute the
same numbers) and the dilation as a zero-inserted kernel. SciPy peers loop over the three
channels of the RGB image. Every result is checked against ``ndimage.correlate``: a column
more than 1e-4·max|reference| off is marked ``!`` (convgui) or ``?`` (a peer) and a wrong
convgui result fails every goal on its row.

After the table come the goal checks of the "Fast engine" issue (PASS/FAIL with the numbers)
and the memory check: the peak of numpy's allocations (``tracemalloc``) during a convgui call
with ``CONVGUI_ENGINE=scipy`` (OpenCV's allocations are invisible to tracemalloc), and the
peak RSS growth (``psutil``, sampled every 0.5 ms; rough) with the default engine, each as a
multiple of the output size. The run uses a fresh, temporary ``CONVGUI_HOME``, so the
planner measures its candidate routes (its "wisdom", see docs/performance.md) in the
warm-up call of each convgui cell, as on a user's first call. Everything goes to
``--json`` (default: ``engine_results.json`` next to this script). Exit status 1 when a
convgui result disagrees with the reference.
A full run takes several minutes; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import fnmatch
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
from scipy import ndimage, signal

from convgui import planner
from convgui.engine import convolve2d, prepare

try:  # optional peers
    import cv2
except ImportError:  # pragma: no cover - depends on the environment
    cv2 = None
try:
    import torch
    import torch.nn.functional as torch_f
except Exception:  # noqa: BLE001 - any import failure means "no torch column"
    torch = None
    torch_f = None

DEFAULT_JSON = Path(__file__).resolve().parent / "engine_results.json"
#: Where ``--stride-goal`` writes by default (the full run's JSON stays as it is).
DEFAULT_STRIDE_JSON = Path(__file__).resolve().parent / "stride_goal_results.json"
SIZES = (3, 5, 7, 15, 31)
KINDS = ("random", "gauss")
REFLECT_SIZES = (3, 15)
STRIDE_SIZES = (3, 5, 7, 15, 31)
DILATION_SIZES = (3, 7, 15)
STEPS = (2, 4)  # the dilations beyond 1
STRIDES = (2, 3, 4)
#: Kernels users really have (issue 15, item 6b), base rows only (full runs): a Gaussian built
#: in float32 (np.outer(g, g).astype(np.float32)) and one typed with four decimals.
EXTRA_KINDS = {"gauss32": (15, 31), "dec4": (7,)}
#: The stride goal (issue 15, item 6): a strided call ≤ this × the stride-1 call of the same
#: kernel and ≤ this × the peer's full call followed by slicing.
STRIDE_FACTOR = 1.1
#: ``--stride-goal``: only these rows and columns; a column whose warm-up call takes longer
#: than SLOW_CALL_S is timed once per pass (its noise is far below the margin it is read at).
STRIDE_GOAL_COLUMNS = ("convgui", "cg-scipy", "filter2D", "ndimage")
SLOW_CALL_S = 0.5
QUICK_SIZES = (3, 7)
QUICK_REFLECT_SIZES = (3,)
QUICK_STRIDE_SIZES = (3,)
QUICK_DILATION_SIZES = (7,)
REL_TOL = 1e-4
#: Pause before each column's calls: the previous library's worker threads go idle first.
SETTLE_S = 0.15
#: … then, after its first call, calls of the column itself for at least this long before the
#: timed ones: after a pause of 20 ms or more the calls of any library on this VM run up to 2×
#: slow and speed up over the next ~150 ms of work (a 7×7 filter2D on 2048²: 9.5, 8.8, 7.9 …
#: 5.2 ms), so without it the timed calls caught a column at a different point of that ramp.
WARM_UP_S = 0.25
#: Passes over a row's columns (each with a warm-up call and a share of the repeats).
PASSES = 3

CONVGUI, CONVGUI_SCIPY = "convgui", "cg-scipy"
#: ``--stride-goal``'s strided rows time each goal's two calls alternately, call by call
#: (:func:`time_alternating`): the same kernel at stride 1 on each engine, and filter2D +
#: slice. Timed in separate columns, even in the same passes, the two calls of a ratio met the
#: VM's slow spells (2× for seconds at a time, on one library's threads and not another's)
#: at different moments: the same call measured 1.0× and 1.7× its stride-1 call in two runs.
CONVGUI_S1, CONVGUI_SCIPY_S1 = "convgui@s1", "cg-scipy@s1"
#: … for ``--repeats`` pairs at least, and then on until the timed calls of the pair took this
#: many seconds (at most :data:`GOAL_PAIRS_MAX` pairs): a 3×3 call's ratio to the same work
#: (filter2D + slice) read 0.99–1.13× across rows from 15 pairs, its spread, not its median
#: (1.00–1.05× from 100 pairs); the count follows the clock, never the ratios.
GOAL_PAIR_S = 1.0
GOAL_PAIRS_MAX = 400
NDIMAGE, OACONV, FILTER2D, SEPFILTER2D, TORCH, FLOOR = (
    "ndimage", "oaconv", "filter2D", "sepF2D", "torch", "floor")
PEERS = (NDIMAGE, OACONV, FILTER2D, SEPFILTER2D, TORCH)
SCIPY_PEERS = (NDIMAGE, OACONV)
COLUMNS = (CONVGUI, CONVGUI_SCIPY, *PEERS, FLOOR)
COLUMN_TITLES = {
    CONVGUI: "convgui (CONVGUI_ENGINE=auto)",
    CONVGUI_SCIPY: "convgui (CONVGUI_ENGINE=scipy)",
    NDIMAGE: "scipy.ndimage.correlate",
    OACONV: "scipy.signal.oaconvolve",
    FILTER2D: "cv2.filter2D",
    SEPFILTER2D: "cv2.sepFilter2D (separable kernels)",
    TORCH: "torch.nn.functional.conv2d",
    FLOOR: "numpy.copyto (memory-bandwidth floor)",
}

# Goal thresholds (issue "Fast engine").
ACCEL_FILTER2D_SPEEDUP = 2.0
FLOOR_FACTOR_3X3 = 3.0
SCIPY_NDIMAGE_SPEEDUP = 1.7
STRIDE_EFFICIENCY = 0.6  # stride s: ≥ 0.6·s² times faster than stride 1
DILATION_FACTOR = 1.3  # dilation 4 within 1.3× of dilation 1
MEMORY_FACTOR = 4.0  # peak extra memory ≤ 4× the output


# ----------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class RowSpec:
    image: str
    kind: str
    size: int
    stride: int = 1
    dilation: int = 1
    boundary: str = "constant"

    @property
    def id(self) -> str:
        return (f"{self.image}/{self.kind}/{self.size}x{self.size}/s{self.stride}/"
                f"d{self.dilation}/{self.boundary}")

    @property
    def is_base(self) -> bool:
        return self.stride == 1 and self.dilation == 1


def make_images(quick: bool) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20240611)
    grey, rgb = (256, 128) if quick else (2048, 1024)
    return {
        f"grey{grey}": rng.random((grey, grey), dtype=np.float32),
        f"rgb{rgb}": rng.random((rgb, rgb, 3), dtype=np.float32),
    }


def make_rows(images: dict[str, np.ndarray], quick: bool,
              stride_goal: bool = False) -> list[RowSpec]:
    if stride_goal:  # the rows of the stride goal: every size at stride 1 to 4
        return [RowSpec(image, kind, k, stride=s) for image in images for kind in KINDS
                for k in SIZES for s in (1, *STRIDES)]
    sizes = QUICK_SIZES if quick else SIZES
    reflect = QUICK_REFLECT_SIZES if quick else REFLECT_SIZES
    strided = QUICK_STRIDE_SIZES if quick else STRIDE_SIZES
    dilated = QUICK_DILATION_SIZES if quick else DILATION_SIZES
    rows = []
    for image in images:
        for kind in KINDS:
            for k in sizes:
                rows.append(RowSpec(image, kind, k))
                if k in reflect:
                    rows.append(RowSpec(image, kind, k, boundary="reflect"))
                if k in strided:
                    rows += [RowSpec(image, kind, k, stride=s)
                             for s in (STEPS if quick else STRIDES)]
                if k in dilated:
                    rows += [RowSpec(image, kind, k, dilation=d) for d in STEPS]
        if not quick:
            rows += [RowSpec(image, kind, k) for kind, ks in EXTRA_KINDS.items() for k in ks]
    return rows


def select_rows(rows: list[RowSpec], pattern: str | None) -> list[RowSpec]:
    if not pattern:
        return rows
    parts = [p.strip() for p in pattern.split(",") if p.strip()]

    def keep(row: RowSpec) -> bool:
        for p in parts:
            if any(ch in p for ch in "*?[") and fnmatch.fnmatchcase(row.id, p):
                return True
            if p in row.id:
                return True
        return False

    return [r for r in rows if keep(r)]


def make_kernel(kind: str, k: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(k×k kernel, its 1-D factor for separable kernels or None): ``random``, ``gauss``
    (float64), ``gauss32`` (the Gaussian built in float32, a float32 array), ``dec4`` (the
    Gaussian typed with four decimals: rank 1 only to ~1e-3 of Σ|K|, so not separable within
    the 1e-5 contract; its row shows which full-rank route it takes)."""
    if kind == "random":
        rng = np.random.default_rng(1000 + k)
        return rng.standard_normal((k, k)), None
    sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8  # OpenCV's default sigma for a k-tap Gaussian
    x = np.arange(k) - (k - 1) / 2
    g = np.exp(-x * x / (2 * sigma * sigma))
    g /= g.sum()
    if kind == "gauss32":
        return np.outer(g, g).astype(np.float32), g
    if kind == "dec4":
        return np.round(np.outer(g, g), 4), None
    return np.outer(g, g), g


def dilate(kernel: np.ndarray, d: int) -> np.ndarray:
    """The zero-inserted kernel (what a user passes to a library without dilation)."""
    if d == 1:
        return kernel
    shape = tuple(d * (n - 1) + 1 for n in kernel.shape)
    out = np.zeros(shape, dtype=kernel.dtype)
    out[(slice(None, None, d),) * kernel.ndim] = kernel
    return out


# ----------------------------------------------------------------------------------------------
# Timing


@contextmanager
def engine_env(name: str | None) -> Iterator[None]:
    """Set CONVGUI_ENGINE for the block (read by every prepare), restoring it after; None
    leaves it as it is."""
    if name is None:
        yield
        return
    old = os.environ.get("CONVGUI_ENGINE")
    os.environ["CONVGUI_ENGINE"] = name
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CONVGUI_ENGINE", None)
        else:
            os.environ["CONVGUI_ENGINE"] = old


Column = tuple[str, Callable[[], object], str | None]  # (name, call, CONVGUI_ENGINE or None)


@contextmanager
def collector_off() -> Iterator[None]:
    """The garbage collector run, then kept out of the block; left as it was after (a
    window's process keeps it off: leave it so)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def measure_columns(columns: list[Column], repeats: int, settle: float = SETTLE_S,
                    slow_call: float = float("inf"), warm_up: float = WARM_UP_S
                    ) -> tuple[dict[str, list[float]], dict[str, object], dict[str, str]]:
    """:data:`PASSES` passes over the columns, every other one in reverse order and each
    starting one column later; in each pass a column gets warm-up calls (one, then more for
    ``warm_up`` seconds: see :data:`WARM_UP_S`) and then its
    share of the ``repeats`` timed calls, after a pause of ``settle`` seconds (the worker
    threads of OpenBLAS, OpenMP and OpenCV spin for up to ~0.1 s after a call and would slow
    the next library's call). A slow spell of the machine (another process, the CPU clock)
    so falls on parts of several columns instead of on all of one. Returns (seconds per
    call by column, each column's last result, failures by column). A column whose warm-up
    call takes longer than ``slow_call`` seconds is timed once in that pass.

    The garbage collector is run before and kept out of the timed calls (cheap: :func:`main`
    freezes the objects that exist before the benchmark starts); a column's previous result
    is freed before its next call, as in a loop of calls."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in columns}
    results: dict[str, object] = {}
    failures: dict[str, str] = {}
    passes = min(PASSES, repeats)
    for p in range(passes):
        order = columns[::-1] if p % 2 else columns
        order = order[p // 2:] + order[:p // 2]
        count = repeats // passes + (p < repeats % passes)
        for name, fn, env in order:
            if name in failures:
                continue
            time.sleep(settle)
            try:
                with collector_off(), engine_env(env):
                    results[name] = None
                    t0 = time.perf_counter()
                    results[name] = fn()  # warm-up
                    t1 = time.perf_counter()
                    timed = count if t1 - t0 <= slow_call else min(count, 1)
                    while time.perf_counter() - t1 < warm_up:  # the cores up to speed again
                        results[name] = None
                        results[name] = fn()
                    for _ in range(timed):
                        results[name] = None
                        t0 = time.perf_counter()
                        results[name] = fn()
                        times[name].append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - a failing peer is recorded, not fatal
                failures[name] = f"{type(exc).__name__}: {exc}"
                results.pop(name, None)
    return {n: t for n, t in times.items() if n not in failures}, results, failures


@dataclass
class Paired:
    """Two calls timed alternately: milliseconds of each (call by call) and their ratio, the
    median of the ratios of adjacent calls."""

    a_ms: list[float]
    b_ms: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(a / b for a, b in zip(self.a_ms, self.b_ms, strict=True))

    def to_json(self) -> dict:
        return {"ratio": self.ratio, "a_ms": statistics.median(self.a_ms),
                "b_ms": statistics.median(self.b_ms), "a_samples_ms": self.a_ms,
                "b_samples_ms": self.b_ms}


def time_alternating(a: Callable[[], object], b: Callable[[], object], calls: int,
                     env: str | None, warm_up: float = WARM_UP_S, seconds: float = 0.0,
                     most: int = GOAL_PAIRS_MAX) -> Paired:
    """Time ``calls`` calls of ``a`` and of ``b``, alternating (a b, b a, a b, …) after
    ``warm_up`` seconds of both, under CONVGUI_ENGINE=``env``; the collector kept out. Then
    more pairs while the timed calls took less than ``seconds`` in all (``most`` pairs at
    most)."""
    a_s: list[float] = []
    b_s: list[float] = []
    def untimed_pair() -> None:
        for fn in (a, b):
            fn()

    with collector_off(), engine_env(env):
        untimed_pair()
        t1 = time.perf_counter()
        while time.perf_counter() - t1 < warm_up:
            untimed_pair()
        result = None  # the previous result is freed before each call, as in a loop
        i, spent = 0, 0.0
        while i < calls or (i < most and spent < seconds):
            for fn, samples in ((a, a_s), (b, b_s))[::1 if i % 2 == 0 else -1]:
                result = None
                t0 = time.perf_counter()
                result = fn()
                elapsed = time.perf_counter() - t0
                samples.append(elapsed * 1e3)
                spent += elapsed
            i += 1
        del result
    return Paired(a_s, b_s)


def _rel_error(got: object, ref: np.ndarray) -> float | None:
    """max|got − ref| / max|ref| (None when the shapes differ)."""
    got = np.asarray(got)
    if got.shape != ref.shape:
        return None
    scale = float(np.max(np.abs(ref))) or 1.0
    return float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64)))) / scale


# ----------------------------------------------------------------------------------------------
# Peers: each returns a zero-argument callable that produces convgui's output layout


@dataclass
class Case:
    spec: RowSpec
    image: np.ndarray
    kernel: np.ndarray  # float64, undilated
    factor: np.ndarray | None  # 1-D factor of a separable kernel
    offsets: tuple[int, int]  # where convgui's output (0, 0) sits in a 'same' stride-1 result
    out_hw: tuple[int, int]

    @property
    def rgb(self) -> bool:
        return self.image.ndim == 3

    @property
    def span(self) -> int:
        return self.spec.dilation * (self.spec.size - 1)

    def subsample(self, full: np.ndarray) -> np.ndarray:
        """Stride by slicing the stride-1 result (a view: free, as a user would do it)."""
        s, (oy, ox) = self.spec.stride, self.offsets
        if s == 1:
            return full
        return full[oy::s, ox::s][: self.out_hw[0], : self.out_hw[1]]

    def per_channel(self, plane_fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        if not self.rgb:
            return self.subsample(plane_fn(self.image))
        out = np.empty((*self.out_hw, self.image.shape[2]), dtype=np.float32)
        for c in range(self.image.shape[2]):
            out[:, :, c] = self.subsample(plane_fn(self.image[:, :, c]))
        return out


def make_case(spec: RowSpec, image: np.ndarray) -> Case:
    kernel, factor = make_kernel(spec.kind, spec.size)
    geo = prepare(image, kernel, padding="same", stride=spec.stride, dilation=spec.dilation,
                  boundary=spec.boundary).geometry
    half = spec.dilation * (spec.size - 1) // 2  # the centre of the (odd) dilated kernel
    offsets = (half - geo.pads[0][0], half - geo.pads[1][0])
    if min(offsets) < 0 or max(offsets) >= spec.stride:
        raise RuntimeError(f"{spec.id}: unexpected 'same' padding {geo.pads}")
    return Case(spec, image, kernel, factor, offsets, geo.out_hw)


def convgui_fn(case: Case) -> Callable[[], np.ndarray]:
    s = case.spec
    return lambda: convolve2d(case.image, case.kernel, padding="same", stride=s.stride,
                              dilation=s.dilation, boundary=s.boundary)


def ndimage_fn(case: Case) -> Callable[[], np.ndarray]:
    weights = dilate(case.kernel, case.spec.dilation).astype(np.float32)
    mode = "constant" if case.spec.boundary == "constant" else "mirror"
    return lambda: case.per_channel(lambda x: ndimage.correlate(x, weights, mode=mode))


def oaconvolve_fn(case: Case) -> Callable[[], np.ndarray]:
    flipped = np.ascontiguousarray(dilate(case.kernel, case.spec.dilation)[::-1, ::-1])
    flipped = flipped.astype(np.float32)
    if case.spec.boundary == "constant":
        return lambda: case.per_channel(lambda x: signal.oaconvolve(x, flipped, mode="same"))
    half = case.span // 2

    def plane(x: np.ndarray) -> np.ndarray:
        return signal.oaconvolve(np.pad(x, half, mode="reflect"), flipped, mode="valid")

    return lambda: case.per_channel(plane)


def _cv2_border(case: Case) -> int:
    return cv2.BORDER_CONSTANT if case.spec.boundary == "constant" else cv2.BORDER_REFLECT_101


def filter2d_fn(case: Case) -> Callable[[], np.ndarray]:
    weights = dilate(case.kernel, case.spec.dilation).astype(np.float32)
    border, src = _cv2_border(case), np.ascontiguousarray(case.image)
    return lambda: case.subsample(cv2.filter2D(src, -1, weights, borderType=border))


def sepfilter2d_fn(case: Case) -> Callable[[], np.ndarray]:
    g = dilate(case.factor, case.spec.dilation).astype(np.float32)
    border, src = _cv2_border(case), np.ascontiguousarray(case.image)
    return lambda: case.subsample(cv2.sepFilter2D(src, -1, g, g, borderType=border))


def torch_fn(case: Case) -> Callable[[], np.ndarray]:
    s = case.spec
    chans = case.image.shape[2] if case.rgb else 1
    planes = np.moveaxis(case.image, -1, 0) if case.rgb else case.image[None]
    x = torch.from_numpy(np.ascontiguousarray(planes, dtype=np.float32))[None]  # 1×C×H×W
    w = torch.from_numpy(case.kernel.astype(np.float32))[None, None].repeat(chans, 1, 1, 1)
    geo = prepare(case.image, case.kernel, padding="same", stride=s.stride, dilation=s.dilation,
                  boundary=s.boundary).geometry
    (top, bottom), (left, right) = geo.pads
    symmetric = top == bottom and left == right
    mode = "constant" if s.boundary == "constant" else "reflect"  # torch's reflect = numpy's

    def run() -> np.ndarray:
        with torch.no_grad():
            if mode == "constant" and symmetric:
                y = torch_f.conv2d(x, w, stride=s.stride, dilation=s.dilation,
                                   padding=(top, left), groups=chans)
            else:
                xp = torch_f.pad(x, (left, right, top, bottom), mode=mode)
                y = torch_f.conv2d(xp, w, stride=s.stride, dilation=s.dilation, groups=chans)
        y = y[0].numpy()
        return np.moveaxis(y, 0, -1) if case.rgb else y[0]

    return run


def floor_fn(case: Case) -> Callable[[], np.ndarray]:
    out = np.empty_like(case.image)
    return lambda: np.copyto(out, case.image)


def peer_fns(case: Case) -> dict[str, Callable[[], np.ndarray]]:
    fns = {NDIMAGE: ndimage_fn(case), OACONV: oaconvolve_fn(case)}
    if cv2 is not None:
        fns[FILTER2D] = filter2d_fn(case)
        if case.factor is not None:
            fns[SEPFILTER2D] = sepfilter2d_fn(case)
    if torch is not None:
        fns[TORCH] = torch_fn(case)
    return fns


# ----------------------------------------------------------------------------------------------
# One row


@dataclass
class RowResult:
    spec: RowSpec
    shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    method: str
    engine: str
    kernel_method: str
    method_scipy: str
    kernel_method_scipy: str
    times_ms: dict[str, float] = field(default_factory=dict)
    samples_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, float | None] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    full_results: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: ``--stride-goal``, strided rows: the goal's comparisons timed alternately with this
    #: row's call (:data:`CONVGUI_S1`, :data:`CONVGUI_SCIPY_S1`, :data:`FILTER2D`)
    paired: dict[str, Paired] = field(default_factory=dict)
    #: the routes the planner measured for this row's call on the default engine (ms, best of its
    #: runs; empty when the cost model decided alone)
    route_ms: dict[str, float] = field(default_factory=dict)

    def ok(self, column: str) -> bool:
        err = self.errors.get(column)
        return err is not None and err <= REL_TOL

    @property
    def convgui_ok(self) -> bool:
        return self.ok(CONVGUI) and self.ok(CONVGUI_SCIPY)

    def ratio(self, column: str, base: str = CONVGUI) -> float | None:
        t, b = self.times_ms.get(column), self.times_ms.get(base)
        return t / b if t is not None and b else None

    def valid_peers(self, names: tuple[str, ...] = PEERS) -> dict[str, float]:
        """Times of the peers that ran and agree with the reference."""
        return {n: self.times_ms[n] for n in names if n in self.times_ms and self.ok(n)}

    def to_json(self) -> dict:
        s = self.spec
        return {
            "id": s.id, "image": s.image, "shape": list(self.shape), "kind": s.kind,
            "size": s.size, "stride": s.stride, "dilation": s.dilation, "boundary": s.boundary,
            "padding": "same", "out_shape": list(self.out_shape),
            "method": self.method, "engine": self.engine, "kernel_method": self.kernel_method,
            "method_scipy": self.method_scipy, "kernel_method_scipy": self.kernel_method_scipy,
            "times_ms": self.times_ms, "samples_ms": self.samples_ms,
            "paired": {name: p.to_json() for name, p in self.paired.items()},
            "route_ms": self.route_ms,
            "ratios": {c: self.ratio(c) for c in self.times_ms if c != CONVGUI},
            "ratios_scipy_engine": {
                c: self.ratio(c, CONVGUI_SCIPY) for c in (*SCIPY_PEERS, FLOOR)
                if c in self.times_ms
            },
            "rel_errors": self.errors, "agree": {c: self.ok(c) for c in self.errors},
            "convgui_ok": self.convgui_ok, "failures": self.failures,
        }


def run_row(spec: RowSpec, image: np.ndarray, repeats: int, settle: float = SETTLE_S,
            stride_one: RowResult | None = None, stride_goal: bool = False) -> RowResult:
    """Time one row. With ``stride_goal`` the peers are only filter2D and ndimage, and a
    stride-1 row keeps their full results for the strided rows. With ``stride_one`` (the same
    kernel's stride-1 row) the strided row times the two convgui columns and
    ``filter2D(...)[::s, ::s]``, and then each goal's pair alternately, call by call
    (:attr:`RowResult.paired`): the call on each engine against the same kernel at stride 1
    (:data:`CONVGUI_S1`, :data:`CONVGUI_SCIPY_S1`), and against filter2D + slice. ndimage,
    0.03–2 s a call, is that row's time (its stride is a free slice of the full result) and
    the reference is its result, sliced."""
    case = make_case(spec, image)
    args = dict(padding="same", stride=spec.stride, dilation=spec.dilation,
                boundary=spec.boundary)
    out_shape = (*case.out_hw, image.shape[2]) if image.ndim == 3 else case.out_hw
    # each row from the same heap: the earlier rows' freed blocks, of other sizes, made the
    # same call run up to 1.4× slower late in a run than alone (measured: 15×15 Gaussian at
    # stride 2, 5.8 ms in the 80-row run, 3.9 ms in its own 4-row run)
    gc.collect()
    _malloc_trim()
    columns: list[Column] = [
        (CONVGUI, convgui_fn(case), "auto"), (CONVGUI_SCIPY, convgui_fn(case), "scipy")]
    if stride_one is not None:
        if cv2 is not None:
            columns.append((FILTER2D, filter2d_fn(case), None))
    else:
        columns += [*((name, fn, None) for name, fn in peer_fns(case).items()
                      if not stride_goal or name in STRIDE_GOAL_COLUMNS),
                    (FLOOR, floor_fn(case), None)]
    # a convgui column's first call measures its routes (a fresh wisdom): made here, not in
    # the passes, where a call over SLOW_CALL_S cost the column a timed call of that pass
    for name, fn, env in columns:
        if name in (CONVGUI, CONVGUI_SCIPY):
            try:
                with engine_env(env):
                    fn()
            except Exception:  # noqa: BLE001, S110 - measure_columns records the failure
                pass
    times, results, failures = measure_columns(columns, repeats, settle, SLOW_CALL_S,
                                               WARM_UP_S if settle else 0.0)
    # the methods after the timing: the warm-up call measured the routes (planner wisdom)
    with engine_env("auto"):
        conv = prepare(image, case.kernel, **args)
        method, engine, kmethod = conv.method, conv.engine, conv.kernel_method
        route_ms = planner.WISDOM.times(conv.wisdom_key)
    with engine_env("scipy"):
        conv = prepare(image, case.kernel, **args)
        method_s, kmethod_s = conv.method, conv.kernel_method
    row = RowResult(spec, image.shape, out_shape, method, engine, kmethod, method_s, kmethod_s)
    row.failures = failures
    row.route_ms = route_ms
    for name, samples in times.items():
        row.samples_ms[name] = [t * 1e3 for t in samples]
        row.times_ms[name] = statistics.median(samples) * 1e3
    results.pop(FLOOR, None)
    if stride_one is not None:
        row.paired = time_goal_pairs(case, repeats, settle, failures)
    if stride_one is not None and NDIMAGE in stride_one.times_ms:
        row.times_ms[NDIMAGE] = stride_one.times_ms[NDIMAGE]
        results[NDIMAGE] = case.subsample(stride_one.full_results[NDIMAGE])
    elif stride_goal and spec.stride == 1:
        row.full_results = {NDIMAGE: results[NDIMAGE]} if NDIMAGE in results else {}
    ref = results.get(NDIMAGE)
    if ref is None:  # no reference: nothing can be trusted on this row
        row.errors = {name: None for name in results}
    else:
        row.errors = {name: _rel_error(res, ref) for name, res in results.items()}
    return row


def time_goal_pairs(case: Case, repeats: int, settle: float,
                    failures: dict[str, str]) -> dict[str, Paired]:
    """The stride goal's comparisons of a strided row, each timed alternately with the row's
    call (:func:`time_alternating`: ``repeats`` calls each at least, then on to
    :data:`GOAL_PAIR_S` of timed calls when ``settle`` is set): the same kernel at stride 1 on
    each engine, and filter2D + slice on OpenCV's. A failing convgui column has none."""
    one = make_case(dataclasses.replace(case.spec, stride=1), case.image)
    pairs = [(CONVGUI_S1, CONVGUI, convgui_fn(one), "auto"),
             (CONVGUI_SCIPY_S1, CONVGUI_SCIPY, convgui_fn(one), "scipy")]
    if cv2 is not None:
        pairs.append((FILTER2D, CONVGUI, filter2d_fn(case), "auto"))
    paired = {}
    for name, column, other, env in pairs:
        if column in failures:
            continue
        time.sleep(settle)
        paired[name] = time_alternating(convgui_fn(case), other, repeats, env,
                                        WARM_UP_S if settle else 0.0,
                                        GOAL_PAIR_S if settle else 0.0)
    return paired


# ----------------------------------------------------------------------------------------------
# Memory


def _memory_picks(rows: list[RowSpec]) -> list[RowSpec]:
    """A few representative rows: direct, separable, FFT-sized, RGB, strided, dilated."""
    grey = [r for r in rows if r.image.startswith("grey")]
    base = [r for r in grey if r.is_base and r.boundary == "constant"]
    picks = []
    for candidates, key in (
        ([r for r in base if r.kind == "random"], lambda r: r.size),  # smallest random
        ([r for r in base if r.kind == "gauss"], lambda r: -r.size),  # largest separable
        ([r for r in base if r.kind == "random"], lambda r: -r.size),  # largest random
        ([r for r in rows if r.image.startswith("rgb") and r.is_base], lambda r: r.size),
        ([r for r in grey if r.stride > 1], lambda r: (r.stride, -r.size)),
        ([r for r in grey if r.dilation > 1], lambda r: (-r.dilation, -r.size)),
    ):
        if candidates:
            pick = min(candidates, key=key)
            if pick not in picks:
                picks.append(pick)
    return picks or rows[:3]


def _malloc_trim() -> None:
    """Give the C heap's free memory back to the OS (glibc only; elsewhere nothing)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class RssPeak:
    """Peak growth of the resident set while the block runs (a thread samples it)."""

    def __init__(self, interval: float = 0.0005) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.base = self.peak = 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(self._interval)

    def __enter__(self) -> RssPeak:
        gc.collect()
        _malloc_trim()  # else freed heap memory is reused and the growth goes unseen
        self.base = self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak = max(self.peak, self._proc.memory_info().rss)
        self._stop.set()
        self._thread.join()

    @property
    def extra(self) -> int:
        return self.peak - self.base


def measure_memory(spec: RowSpec, image: np.ndarray) -> dict:
    case = make_case(spec, image)
    fn = convgui_fn(case)
    entry: dict = {"id": spec.id}
    with engine_env("scipy"):
        out = fn()  # warm-up: thread pool, caches
        out_bytes = out.nbytes
        del out
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            out = fn()
            peak = tracemalloc.get_traced_memory()[1]
            del out
        finally:
            tracemalloc.stop()
    entry.update(output_bytes=out_bytes, tracemalloc_scipy_bytes=peak - base,
                 tracemalloc_scipy_ratio=(peak - base) / out_bytes)
    try:
        with engine_env("auto"):
            fn()  # warm-up
            with RssPeak() as rss:
                out = fn()
            del out
        entry.update(rss_auto_bytes=rss.extra, rss_auto_ratio=rss.extra / out_bytes)
    except ImportError:
        entry.update(rss_auto_bytes=None, rss_auto_ratio=None)
    return entry


# ----------------------------------------------------------------------------------------------
# Goals


@dataclass
class Goal:
    key: str
    text: str
    checked: int = 0
    failures: list[str] = field(default_factory=list)
    worst: str = ""
    skipped: str = ""
    note: str = ""

    @property
    def status(self) -> str:
        if self.skipped or not self.checked:
            return "SKIP"
        return "FAIL" if self.failures else "PASS"

    def to_json(self) -> dict:
        return {"key": self.key, "goal": self.text, "status": self.status,
                "rows_checked": self.checked, "failures": self.failures, "worst": self.worst,
                "skipped": self.skipped or None, "note": self.note or None}


def _check(goal: Goal, items: list[tuple[str, float | None, bool, str]],
           higher_is_better: bool) -> Goal:
    """items: (row id, value or None when not measurable, passed, description)."""
    worst_value: float | None = None
    for rid, value, passed, text in items:
        goal.checked += 1
        if not passed:
            goal.failures.append(f"{rid}: {text}")
        if value is not None and (worst_value is None or (
                value < worst_value if higher_is_better else value > worst_value)):
            worst_value, goal.worst = value, f"{rid}: {text}"
    return goal


#: A row "missed by less than the noise" when convgui is within this factor of the peer.
NOISE_FACTOR = 1.05


def _near_misses(goal: Goal, ratios: list[float]) -> Goal:
    """Note how many of the goal's misses are within :data:`NOISE_FACTOR` (e.g. rows where
    convgui runs the very call the fastest peer is: a tie decided by the noise)."""
    near = sum(1 < r <= NOISE_FACTOR for r in ratios)
    if near:
        goal.note = (f"{near} of the {len(goal.failures)} missed rows are within "
                     f"{NOISE_FACTOR - 1:.0%} of the peer")
    return goal


def evaluate_goals(rows: list[RowResult], memory: list[dict], accelerated: bool) -> list[Goal]:
    goals = []

    def wrong(r: RowResult) -> str:
        return "convgui result disagrees with the reference"

    # --- with the accelerator -----------------------------------------------------------------
    g = Goal("accel-fastest", "accelerator: convgui ≤ 1.0× the fastest peer on every row")
    items = []
    for r in rows:
        peers = r.valid_peers()
        if not peers or CONVGUI not in r.times_ms:
            continue
        name = min(peers, key=peers.get)
        t, best = r.times_ms[CONVGUI], peers[name]
        ok = r.convgui_ok and t <= best
        items.append((r.spec.id, t / best, ok, wrong(r) if not r.convgui_ok else
                      f"convgui {t:.2f} ms vs {name} {best:.2f} ms = {t / best:.2f}×"))
    goals.append(_near_misses(_check(g, items, higher_is_better=False),
                              [v for _, v, ok, _ in items if not ok]))

    g = Goal("accel-vs-filter2D", f"accelerator: ≥ {ACCEL_FILTER2D_SPEEDUP:g}× faster than "
             "cv2.filter2D on separable 15×15/31×31, stride ≥ 2 and dilation ≥ 2 rows")
    items = []
    for r in rows:
        s = r.spec
        if not ((s.kind == "gauss" and s.size in (15, 31)) or s.stride >= 2 or s.dilation >= 2):
            continue
        speedup = r.ratio(FILTER2D)
        if speedup is None or not r.ok(FILTER2D):
            continue
        ok = r.convgui_ok and speedup >= ACCEL_FILTER2D_SPEEDUP
        items.append((s.id, speedup, ok, wrong(r) if not r.convgui_ok else
                      f"filter2D {r.times_ms[FILTER2D]:.2f} ms / convgui "
                      f"{r.times_ms[CONVGUI]:.2f} ms = {speedup:.2f}×"))
    goals.append(_check(g, items, higher_is_better=True))

    g = Goal("accel-3x3-floor", f"accelerator: 3×3 'same' within {FLOOR_FACTOR_3X3:g}× the "
             "memory-bandwidth floor (numpy.copyto)")
    items = []
    for r in rows:
        if r.spec.size != 3 or not r.spec.is_base or FLOOR not in r.times_ms:
            continue
        factor = r.times_ms[CONVGUI] / r.times_ms[FLOOR]
        ok = r.convgui_ok and factor <= FLOOR_FACTOR_3X3
        items.append((r.spec.id, factor, ok, wrong(r) if not r.convgui_ok else
                      f"convgui {r.times_ms[CONVGUI]:.2f} ms / floor "
                      f"{r.times_ms[FLOOR]:.2f} ms = {factor:.2f}×"))
    goals.append(_check(g, items, higher_is_better=False))
    if not accelerated:
        for g in goals:
            g.skipped = "OpenCV is not installed: the default engine is SciPy"

    # --- SciPy only -------------------------------------------------------------------------
    g = Goal("scipy-fastest", "SciPy only: convgui ≤ 1.0× the fastest SciPy peer "
             "(ndimage.correlate, oaconvolve) on every row")
    items = []
    for r in rows:
        peers = r.valid_peers(SCIPY_PEERS)
        if not peers or CONVGUI_SCIPY not in r.times_ms:
            continue
        name = min(peers, key=peers.get)
        t, best = r.times_ms[CONVGUI_SCIPY], peers[name]
        ok = r.convgui_ok and t <= best
        items.append((r.spec.id, t / best, ok, wrong(r) if not r.convgui_ok else
                      f"convgui-scipy {t:.2f} ms vs {name} {best:.2f} ms = {t / best:.2f}×"))
    goals.append(_near_misses(_check(g, items, higher_is_better=False),
                              [v for _, v, ok, _ in items if not ok]))

    g = Goal("scipy-vs-ndimage", f"SciPy only: ≥ {SCIPY_NDIMAGE_SPEEDUP:g}× faster than one "
             "ndimage.correlate call on 3×3–7×7 (stride 1, dilation 1)")
    items = []
    for r in rows:
        if not (3 <= r.spec.size <= 7 and r.spec.is_base):
            continue
        speedup = r.ratio(NDIMAGE, CONVGUI_SCIPY)
        if speedup is None:
            continue
        ok = r.convgui_ok and speedup >= SCIPY_NDIMAGE_SPEEDUP
        items.append((r.spec.id, speedup, ok, wrong(r) if not r.convgui_ok else
                      f"ndimage {r.times_ms[NDIMAGE]:.2f} ms / convgui-scipy "
                      f"{r.times_ms[CONVGUI_SCIPY]:.2f} ms = {speedup:.2f}×"))
    goals.append(_check(g, items, higher_is_better=True))

    by_spec = {r.spec: r for r in rows}
    g = Goal("scipy-stride", f"SciPy only: stride s ≥ {STRIDE_EFFICIENCY:g}·s² times faster "
             "than stride 1 (same kernel)")
    items = []
    for r in rows:
        s = r.spec
        one = by_spec.get(RowSpec(s.image, s.kind, s.size, 1, s.dilation, s.boundary))
        if s.stride == 1 or one is None or CONVGUI_SCIPY not in one.times_ms:
            continue
        speedup = one.times_ms[CONVGUI_SCIPY] / r.times_ms[CONVGUI_SCIPY]
        need = STRIDE_EFFICIENCY * s.stride ** 2
        ok = r.convgui_ok and one.convgui_ok and speedup >= need
        items.append((s.id, speedup / need, ok, wrong(r) if not r.convgui_ok else
                      f"stride 1 {one.times_ms[CONVGUI_SCIPY]:.2f} ms / stride {s.stride} "
                      f"{r.times_ms[CONVGUI_SCIPY]:.2f} ms = {speedup:.2f}× (need {need:.1f}×)"))
    goals.append(_check(g, items, higher_is_better=True))

    g = Goal("scipy-dilation", f"SciPy only: dilation 4 within {DILATION_FACTOR:g}× of "
             "dilation 1 (same kernel)")
    items = []
    for r in rows:
        s = r.spec
        one = by_spec.get(RowSpec(s.image, s.kind, s.size, s.stride, 1, s.boundary))
        if s.dilation != 4 or one is None or CONVGUI_SCIPY not in one.times_ms:
            continue
        factor = r.times_ms[CONVGUI_SCIPY] / one.times_ms[CONVGUI_SCIPY]
        ok = r.convgui_ok and one.convgui_ok and factor <= DILATION_FACTOR
        items.append((s.id, factor, ok, wrong(r) if not r.convgui_ok else
                      f"dilation 4 {r.times_ms[CONVGUI_SCIPY]:.2f} ms / dilation 1 "
                      f"{one.times_ms[CONVGUI_SCIPY]:.2f} ms = {factor:.2f}×"))
    goals.append(_check(g, items, higher_is_better=False))

    goals += stride_goals(rows, accelerated)

    # --- memory -----------------------------------------------------------------------------
    g = Goal("memory-tracemalloc", f"memory: peak extra ≤ {MEMORY_FACTOR:g}× the output "
             "(tracemalloc, CONVGUI_ENGINE=scipy)")
    items = [(m["id"], m["tracemalloc_scipy_ratio"],
              m["tracemalloc_scipy_ratio"] <= MEMORY_FACTOR,
              f"{m['tracemalloc_scipy_bytes'] / 2**20:.1f} MiB = "
              f"{m['tracemalloc_scipy_ratio']:.2f}× the output "
              f"({m['output_bytes'] / 2**20:.1f} MiB)") for m in memory]
    goals.append(_check(g, items, higher_is_better=False))

    g = Goal("memory-rss", f"memory (rough): peak RSS growth ≤ {MEMORY_FACTOR:g}× the output "
             "(psutil, CONVGUI_ENGINE=auto)")
    items = [(m["id"], m["rss_auto_ratio"], m["rss_auto_ratio"] <= MEMORY_FACTOR,
              f"{m['rss_auto_bytes'] / 2**20:.1f} MiB = {m['rss_auto_ratio']:.2f}× the output")
             for m in memory if m.get("rss_auto_ratio") is not None]
    goals.append(_check(g, items, higher_is_better=False))
    if memory and not items:
        g.skipped = "psutil is not installed"
    return goals


def stride_goals(rows: list[RowResult], accelerated: bool) -> list[Goal]:
    """Issue 15, item 6, on each engine: every strided row (dilation 1, boundary constant)
    within :data:`STRIDE_FACTOR` of the same kernel's stride-1 call and of the engine's peer
    (filter2D for OpenCV, ndimage for SciPy) called in full and sliced. A comparison timed
    alternately with the row's call (:attr:`RowResult.paired`) counts by its paired ratio;
    else the ratio of the medians of the row's column and the stride-1 row's or the peer
    column's (the ndimage comparison, 3–10× apart)."""
    by_spec = {r.spec: r for r in rows}
    goals = []
    for column, engine, peer in ((CONVGUI, "OpenCV", FILTER2D),
                                 (CONVGUI_SCIPY, "SciPy", NDIMAGE)):
        vs_one = Goal(f"stride-vs-stride1-{engine.lower()}",
                      f"{engine} engine: stride 2–4 ≤ {STRIDE_FACTOR:g}× the stride-1 call "
                      "of the same kernel")
        vs_peer = Goal(f"stride-vs-peer-{engine.lower()}",
                       f"{engine} engine: stride 2–4 ≤ {STRIDE_FACTOR:g}× {peer}(...)[::s, ::s]")
        one_items, peer_items = [], []
        for r in rows:
            s = r.spec
            if s.stride == 1 or s.dilation != 1 or s.boundary != "constant" or (
                    column not in r.times_ms):
                continue
            t = r.times_ms[column]
            one = by_spec.get(RowSpec(s.image, s.kind, s.size, 1, 1, s.boundary))
            same_row = CONVGUI_S1 if column == CONVGUI else CONVGUI_SCIPY_S1
            for items, name, t_other, labels in (
                    (one_items, same_row, one.times_ms.get(column) if one else None,
                     (f"stride {s.stride} ", "stride 1 ")),
                    (peer_items, peer, r.times_ms[peer] if r.ok(peer) else None,
                     ("", f"{peer} + slice "))):
                comparison = _comparison(r, name, t, t_other, labels)
                if comparison:
                    factor, text = comparison
                    items.append((s.id, factor, r.convgui_ok and factor <= STRIDE_FACTOR,
                                  text if r.convgui_ok else wrong_text(r)))
        goals += [_check(vs_one, one_items, higher_is_better=False),
                  _check(vs_peer, peer_items, higher_is_better=False)]
        if engine == "OpenCV" and not accelerated:
            for g in goals[-2:]:
                g.skipped = "OpenCV is not installed: the default engine is SciPy"
    return goals


def _comparison(row: RowResult, name: str, t: float, t_other: float | None,
                labels: tuple[str, str]) -> tuple[float, str] | None:
    """(ratio, text) of the row's call against ``name``, the two sides' times after
    ``labels``: its paired timing if the row has one, else ``t / t_other``; None without
    either."""
    paired = row.paired.get(name)
    if paired is not None:
        a, b = statistics.median(paired.a_ms), statistics.median(paired.b_ms)
        return paired.ratio, (f"{labels[0]}{a:.2f} ms / {labels[1]}{b:.2f} ms = "
                              f"{paired.ratio:.2f}× (median of {len(paired.a_ms)} alternate "
                              "calls' ratios)")
    if not t_other:
        return None
    ratio = t / t_other
    return ratio, f"{labels[0]}{t:.2f} ms / {labels[1]}{t_other:.2f} ms = {ratio:.2f}×"


def wrong_text(row: RowResult) -> str:
    return "convgui result disagrees with the reference"


# ----------------------------------------------------------------------------------------------
# Output


def _ms(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _cell(row: RowResult, column: str, active: list[str]) -> str:
    if column not in active:
        return ""
    if column in row.failures:
        return "error"
    if column not in row.times_ms:
        return "—"
    mark = "" if column == FLOOR or row.ok(column) else ("!" if column in (
        CONVGUI, CONVGUI_SCIPY) else "?")
    if column == CONVGUI:
        return _ms(row.times_ms[column]) + mark
    return f"{_ms(row.times_ms[column])} {row.ratio(column):.2f}x{mark}"


def _widths(active: list[str], id_width: int) -> list[int]:
    return [id_width] + [8 if c == CONVGUI else 14 for c in active]


def print_header(active: list[str], id_width: int) -> None:
    widths = _widths(active, id_width)
    titles = ["row"] + list(active)
    line = " ".join(t.ljust(widths[0]) if i == 0 else t.rjust(widths[i])
                    for i, t in enumerate(titles))
    print(line + "  method (auto | scipy)")
    print("-" * (len(line) + 24))


def print_row(row: RowResult, active: list[str], id_width: int) -> None:
    widths = _widths(active, id_width)
    cells = [row.spec.id.ljust(widths[0])]
    cells += [_cell(row, c, active).rjust(w) for c, w in zip(active, widths[1:], strict=True)]
    print(" ".join(cells) + f"  {row.method} | {row.method_scipy}", flush=True)
    for name, text in row.failures.items():
        print(f"    {name} failed: {text}")


def machine_info() -> dict:
    info = {
        "platform": platform.platform(), "machine": platform.machine(),
        "processor": platform.processor() or None, "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "numpy": np.__version__, "scipy": scipy.__version__,
        "cv2": cv2.__version__ if cv2 is not None else None,
        "cv2_threads": cv2.getNumThreads() if cv2 is not None else None,
        "torch": torch.__version__ if torch is not None else None,
        "CONVGUI_ENGINE": os.environ.get("CONVGUI_ENGINE"),
    }
    try:
        from importlib.metadata import version

        info["convgui"] = version("convgui")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        info["convgui"] = None
    return info


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="small images, few rows, 1 repeat (checks that the script works)")
    p.add_argument("--rows", metavar="PATTERN",
                   help="only rows whose id contains PATTERN or matches it as a shell "
                        "wildcard; comma-separated alternatives")
    p.add_argument("--repeats", type=int, default=None,
                   help="timed calls per cell after one warm-up (default 7, --quick 1)")
    p.add_argument("--json", type=Path, default=None, metavar="PATH",
                   help=f"where to write the results (default {DEFAULT_JSON}; with "
                        f"--stride-goal {DEFAULT_STRIDE_JSON})")
    p.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    p.add_argument("--stride-goal", action="store_true",
                   help="only the stride goal's rows (kernels 3–31 at strides 1–4) and columns "
                        "(convgui, cg-scipy, filter2D, ndimage; the peers timed at stride 1, "
                        "their stride a free slice), no memory check; default --repeats 5")
    p.add_argument("--list", action="store_true", help="print the row ids and exit")
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5 if args.stride_goal else 7
    if args.json is None:
        args.json = DEFAULT_STRIDE_JSON if args.stride_goal else DEFAULT_JSON
    if args.stride_goal:
        args.no_memory = True
    if args.repeats < 1:
        p.error("--repeats must be ≥ 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    images = make_images(args.quick)
    rows = select_rows(make_rows(images, args.quick, args.stride_goal), args.rows)
    if args.list:
        print("\n".join(r.id for r in rows))
        return 0
    if not rows:
        print(f"no row matches {args.rows!r} (see --list)", file=sys.stderr)
        return 2
    info = machine_info()
    accelerated = cv2 is not None
    active = [c for c in COLUMNS if (c not in (FILTER2D, SEPFILTER2D) or accelerated)
              and (c != TORCH or torch is not None)
              and (not args.stride_goal or c in STRIDE_GOAL_COLUMNS)]
    print(f"bench_engine: {len(rows)} rows, median of {args.repeats} after 1 warm-up; "
          f"{info['cpus_usable']} CPUs; numpy {info['numpy']}, scipy {info['scipy']}, "
          f"cv2 {info['cv2'] or 'not installed'}, torch {info['torch'] or 'not installed'}")
    print("times in ms; ratio = peer / convgui (> 1: convgui faster); "
          "! = convgui wrong, ? = peer disagrees with ndimage")
    id_width = max(len(r.id) for r in rows)
    print_header(active, id_width)
    started = time.perf_counter()
    # a fresh wisdom: the first call of each convgui cell (its warm-up) measures the routes
    wisdom_home = tempfile.TemporaryDirectory(prefix="bench-wisdom-")
    old_env = {key: os.environ.get(key) for key in ("CONVGUI_HOME", planner.WISDOM_ENV)}
    os.environ["CONVGUI_HOME"] = wisdom_home.name
    os.environ[planner.WISDOM_ENV] = "on"  # the window only reads wisdom; a benchmark measures
    planner.WISDOM.forget()
    gc.collect()
    gc.freeze()  # the libraries' objects: later collections only look at the benchmark's own
    try:
        return _run(args, images, rows, info, active, id_width, started)
    finally:
        gc.unfreeze()
        for key, value in old_env.items():  # run in-process (the smoke test): leave no trace
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        planner.WISDOM.forget()
        wisdom_home.cleanup()


def _run(args: argparse.Namespace, images: dict[str, np.ndarray], rows: list[RowSpec],
         info: dict, active: list[str], id_width: int, started: float) -> int:
    accelerated = cv2 is not None
    results = []
    stride_one: dict[tuple[str, str, int], RowResult] = {}
    for spec in rows:
        first = stride_one.get((spec.image, spec.kind, spec.size)) if spec.stride > 1 else None
        results.append(run_row(spec, images[spec.image], args.repeats,
                               0.0 if args.quick else SETTLE_S, first, args.stride_goal))
        if args.stride_goal and spec.stride == 1:
            stride_one[(spec.image, spec.kind, spec.size)] = results[-1]
        print_row(results[-1], active, id_width)
    for row in results:
        row.full_results = {}

    memory = []
    if not args.no_memory:
        print("\nmemory (peak extra during one convgui call, × output size):")
        for spec in _memory_picks(rows):
            m = measure_memory(spec, images[spec.image])
            memory.append(m)
            rss = ("—" if m["rss_auto_ratio"] is None
                   else f"{m['rss_auto_ratio']:.2f}x")
            print(f"  {spec.id.ljust(id_width)}  output {m['output_bytes'] / 2**20:7.2f} MiB  "
                  f"tracemalloc (scipy) {m['tracemalloc_scipy_ratio']:.2f}x  "
                  f"RSS (auto, rough) {rss}", flush=True)

    goals = (stride_goals(results, accelerated) if args.stride_goal
             else evaluate_goals(results, memory, accelerated))
    print("\ngoals" + (" (quick run: images too small for the numbers to mean much)"
                       if args.quick else "") + ":")
    for g in goals:
        print(f"{g.status} {g.text} [met on {g.checked - len(g.failures)} of {g.checked} rows]"
              + (f"; worst {g.worst}" if g.worst else "")
              + (f"; skipped: {g.skipped}" if g.skipped else "")
              + (f" ({g.note})" if g.note else ""))
        for text in g.failures[:8]:
            print(f"    {text}")
        if len(g.failures) > 8:
            print(f"    … and {len(g.failures) - 8} more (see the JSON)")
    wrong = [r.spec.id for r in results if not r.convgui_ok]
    for rid in wrong:
        print(f"WRONG convgui result on {rid}")
    elapsed = time.perf_counter() - started
    print(f"\n{len(results)} rows in {elapsed:.1f} s")

    summary = {s: sum(g.status == s for g in goals) for s in ("PASS", "FAIL", "SKIP")}
    data = {
        "benchmark": "bench_engine",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick, "repeats": args.repeats, "warmup": 1, "rows_filter": args.rows,
        "elapsed_s": round(elapsed, 2), "rel_tol": REL_TOL,
        "machine": info,
        "images": {name: list(img.shape) for name, img in images.items()},
        "columns": {c: COLUMN_TITLES[c] for c in active},
        "rows": [r.to_json() for r in results],
        "memory": memory,
        "goals": [g.to_json() for g in goals],
        "summary": {**summary, "wrong_rows": wrong},
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
