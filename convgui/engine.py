"""The convolution engine: exact 2-D cross-correlation/convolution, pooling and merging.

Conventions (the README's table is the user's version of this):

* Default is cross-correlation, the CNN convention:
  ``Y[i, j] = bias + Σₐ Σ_b Xp[i·sh + a·dh, j·sw + b·dw] · K[a, b]``
  where ``Xp`` is the input padded as ``padding`` says and filled as ``boundary`` says.
* ``flip=True`` is true convolution: the kernel and its anchor are rotated 180°, so results
  equal ``scipy.signal.convolve2d`` for 'valid', 'same' and 'full'.
* Shapes come from :mod:`convgui.shapes` (the one place the arithmetic lives).
* Arithmetic is IEEE's, silently: a sum that overflows is ±inf and inf − inf is NaN, in the
  outputs the definition says, without a NumPy ``RuntimeWarning`` (see :func:`_ieee`).

Work is done in row bands so that a caller (the GUI worker) can show progress and stop between
bands: :func:`prepare` validates and plans, :meth:`Convolution.bands` computes. No Qt here.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from convgui import accel, planner, taps
from convgui.padding import Scratch, copy_pixels, padded_phases
from convgui.shapes import (
    BOUNDARIES,
    CHANNEL_MODES,
    Geometry,
    PaddingSpec,
    ShapeError,
    StrideOne,
    geometry,
    one_line_repr,
    pool_output_size,
    positive_pair,
    stride_one,
)

LUMA_WEIGHTS = (0.299, 0.587, 0.114)
POOL_MODES = ("max", "avg")
MERGE_MODES = ("sum", "mean", "weighted", "max", "magnitude")

#: The routes computed by :mod:`convgui.taps` (NumPy and BLAS, on either engine).
TAPS_ROUTES = ("taps", "separable taps")

#: OpenCV's padded-band route runs 1.5–2.5× what its pieces and copies are priced at (the
#: phase split, a call per phase and band; 60 strided rows of the stride goal, forced routes,
#: steady loop): with this factor the cost model's pick is within 1.1× of the fastest route on
#: 54 of them (48 without it; 50 with 2.0, which sends 15×15 kernels to the slower BLAS taps).
OPENCV_BANDS_FACTOR = 1.5

#: Candidate routes priced within this factor of the cheapest are measured (see
#: :meth:`Convolution.measure_routes`); the cost model is trusted to rule out the rest.
MEASURE_WITHIN = 4.0
#: Rounds of timing the candidate routes (the best time of each counts); after the first,
#: only the routes within MEASURE_CONTENDERS× of the fastest run again.
MEASURE_ROUNDS = 2
MEASURE_CONTENDERS = 1.5
#: Most consecutive runs of one route in one round (see :func:`_settled_ms`).
MEASURE_RUNS = 40
#: Seconds a route runs, at least, in a round: after another route's runs, a route that
#: allocates a large result ran up to 2× slow for its first 5–10 runs (a 31×31 Gaussian on
#: 1024²×3, stride 4, "sliced": 11 ms for 5–10 runs, then 5.4 ms); the best time is taken
#: after it (the benchmark's own warm-up is 0.25 s for the same reason).
MEASURE_WARM_S = 0.15
#: A strided call takes a measured route other than "sliced" (the whole stride-1 call, then a
#: view: what a user's own ``filter2D(...)[::s, ::s]`` does) only when it measured at most this
#: × the sliced time: routes within the machine's noise of it flip from one measurement to the
#: next (OpenCV, 1024²×3, 3×3 at stride 3: sliced 1.5–2.3 ms, subsampled 2.0–3.0 ms over six
#: fresh measurements, one of which picked subsampled, 1.7× the sliced call from then on), and
#: a route that reuses its scratch measures better in the measurement's run of calls than
#: among other work (2048², 3×3 Gaussian at stride 4: subsampled measured 0.89× sliced, then
#: ran at 1.18× the stride-1 call, alternating with it, in the stride goal's benchmark).
SLICED_MARGIN = 0.8

#: The cached properties of a :class:`Convolution` that depend only on its
#: :attr:`~Convolution._key` (kept across calls: :class:`convgui.planner.Decisions`).
DECIDED = ("engine", "plan", "route", "_route_costs", "candidate_routes", "_inflated",
           "_undilated", "_tap_groups", "_separable", "_stride_one_plan", "_route_factors",
           "wisdom_key", "_wisdom_applies", "_unmeasured", "_nan_exact", "_one_call")

#: Output pixels per band: small enough to report progress and stop often, large enough to be
#: cheap (a 1024×1024 image is computed in 4 bands).
BAND_PIXELS = 1 << 18

__all__ = [
    "BOUNDARIES", "MERGE_MODES", "POOL_MODES", "Convolution", "ShapeError", "convolve2d",
    "global_pool", "merge", "pool2d", "prepare", "result_dtype",
]


def _ieee() -> np.errstate:
    """NumPy's error state for the engine's arithmetic: overflow and invalid operations quiet.

    A float TIFF holding inf, or a kernel of 1e38s, gives ±inf or NaN exactly where the
    definition's sums do, as the result (the window and the PNG mapping show them as such).
    NumPy would also print a ``RuntimeWarning`` in the terminal of the window or the command
    line, which says nothing the result does not. Division by zero is not silenced: none is
    expected. A fresh object each time: an ``errstate`` used as a decorator may be shared
    between threads, one used in a ``with`` may not.
    """
    return np.errstate(over="ignore", invalid="ignore")


def measured_route(times: dict[str, float]) -> str:
    """The route to take given measured milliseconds per route: the fastest, except that
    "sliced", where measured, gives way only to a route at most :data:`SLICED_MARGIN` × its
    time."""
    fastest = min(times, key=times.get)
    if "sliced" in times and times[fastest] > SLICED_MARGIN * times["sliced"]:
        return "sliced"
    return fastest


def _settled_ms(run: Callable[[], object]) -> float:
    """The best time (ms) of consecutive ``run()`` calls: for :data:`MEASURE_WARM_S` at least,
    then until two runs in a row were not 5 % faster than the best before them; at most
    :data:`MEASURE_RUNS` runs."""
    best, slower = math.inf, 0
    warm_until = time.perf_counter() + MEASURE_WARM_S
    for _ in range(MEASURE_RUNS):
        started = time.perf_counter()
        run()
        finished = time.perf_counter()
        elapsed = (finished - started) * 1e3
        slower = 0 if elapsed < 0.95 * best else slower + 1
        best = min(best, elapsed)
        if slower >= 2 and finished >= warm_until:
            break
    return best


def convolve2d(
    image: np.ndarray, kernel: np.ndarray, *, padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
    boundary: str = "constant", cval: float = 0.0, flip: bool = False,
    channels: str = "per-channel", bias: float = 0.0,
) -> np.ndarray:
    """Cross-correlate (or, with ``flip=True``, convolve) ``image`` with ``kernel``.

    Parameters
    ----------
    image : (H, W) or (H, W, C) numeric array; never modified.
    kernel : (kh, kw) finite numbers, any size ≥ 1, odd or even.
    padding : ``"valid"`` (none), ``"same"`` (⌈n/s⌉ outputs; the odd extra cell goes
        bottom/right, or top/left with ``flip``), ``"full"`` (d·(k−1) per side), an int,
        ``(ph, pw)`` or ``((top, bottom), (left, right))``.
    stride, dilation : int or (h, w), each ≥ 1.
    boundary : what fills the padded cells, numpy.pad's names: ``"constant"`` (``cval``),
        ``"reflect"`` (d c b | a b c d | c b a), ``"symmetric"`` (c b a | a b c | c b a),
        ``"edge"`` (a a | a b c | c c), ``"wrap"`` (b c | a b c | a b).
    channels : for (H, W, C) input: ``"per-channel"`` (returns H'×W'×C), ``"sum"`` (one
        filter over the depth, channel results summed: H'×W'), ``"luma"`` (0.299 R +
        0.587 G + 0.114 B first: H'×W').
    bias : added to every output value.

    Returns
    -------
    float64 for float input of 8 bytes or more (float64 in either byte order; longdouble is
    computed in float64), else float32 (see :func:`result_dtype`); per axis
    ⌊(n + p₁ + p₂ − d·(k−1) − 1)/s⌋ + 1 outputs.

    Raises
    ------
    ShapeError (a ValueError) when no output exists, ValueError/TypeError for bad arguments.

    Examples
    --------
    >>> convolve2d(np.arange(9.).reshape(3, 3), np.ones((2, 2)))
    array([[ 8., 12.],
           [20., 24.]])
    """
    settings = (padding, stride, dilation, boundary, cval, flip, channels, bias)
    img, k, arguments, key, kept = _recalled(image, kernel, settings)
    one_call = kept.get("decided", {}).get("_one_call")
    if one_call is not None and (img.ndim == 2 or channels == "per-channel"):
        # (decided before for an image of this shape and type: OpenCV filters the image)
        if img.dtype != one_call.dtype:
            with _ieee():  # (a longdouble beyond float64's range is ±inf, silently)
                img = img.astype(one_call.dtype)
        return one_call(np.ascontiguousarray(img))
    return _prepared(img, k, settings, arguments, key, kept).run()


def prepare(
    image: np.ndarray, kernel: np.ndarray, *, padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
    boundary: str = "constant", cval: float = 0.0, flip: bool = False,
    channels: str = "per-channel", bias: float = 0.0,
) -> Convolution:
    """Validate the arguments of :func:`convolve2d` and plan the work without computing it.

    A call whose arguments are spelled as an earlier one's (:func:`_arguments_key`) takes
    that call's validated kernel and geometry and, when it runs, its decisions
    (:data:`convgui.planner.DECISIONS`): only the image is checked again."""
    settings = (padding, stride, dilation, boundary, cval, flip, channels, bias)
    img, k, arguments, key, kept = _recalled(image, kernel, settings)
    return _prepared(img, k, settings, arguments, key, kept)


def _recalled(image: object, kernel: object, settings: tuple
              ) -> tuple[np.ndarray, np.ndarray, tuple | None, tuple | None, dict]:
    """The image checked, the kernel as an array, the call's :func:`_arguments_key`, its
    :func:`_decisions_key` and the decisions kept for it (empty when none)."""
    img = _as_image(image)
    k = _kernel_array(kernel)
    arguments = _arguments_key(img, k, settings)
    key = _decisions_key(arguments)
    return img, k, arguments, key, (planner.DECISIONS.get(key) if key is not None else {})


def _prepared(img: np.ndarray, k: np.ndarray, settings: tuple, arguments: tuple | None,
              key: tuple | None, kept: dict) -> Convolution:
    """The :class:`Convolution` of :func:`prepare` (see :func:`_recalled`)."""
    checked = kept.get("checked") or _checked(img, k, *settings)
    dtype = checked[-1]
    channels = settings[6]
    conv = Convolution(img, _planes(img, channels, dtype), *checked,
                       squeeze=img.ndim == 2 or channels != "per-channel", arguments=arguments)
    conv.__dict__.update(_key=key, _kept=kept)  # (the environment and the decisions read once)
    return conv


def _checked(img: np.ndarray, k: np.ndarray, padding: PaddingSpec,
             stride: int | tuple[int, int], dilation: int | tuple[int, int], boundary: str,
             cval: float, flip: bool, channels: str, bias: float) -> tuple:
    """The validated (kernel, geometry, boundary, cval, bias, working type) of a call (the
    kernel read-only: the kept decisions share it)."""
    k = _as_kernel(k)
    k.flags.writeable = False
    s = positive_pair(stride, "stride")
    d = positive_pair(dilation, "dilation")
    if boundary not in BOUNDARIES:
        raise ValueError(f"unknown boundary {one_line_repr(boundary)}: use {', '.join(BOUNDARIES)}")
    if channels not in CHANNEL_MODES:
        raise ValueError(
            f"unknown channel mode {one_line_repr(channels)}: use {', '.join(CHANNEL_MODES)}"
        )
    cval_f, bias_f = _finite(cval, "cval"), _finite(bias, "bias")
    if flip:
        k = k[::-1, ::-1]
    geo = geometry(img.shape[:2], k.shape, padding, s, d, bool(flip))
    return k, geo, boundary, cval_f, bias_f, result_dtype(img.dtype)


def result_dtype(dtype: np.dtype | type) -> type:
    """The type a result (and the work) has for input of ``dtype``: ``np.float64`` for a float
    of 8 bytes or more (float64 in either byte order, e.g. ``>f8`` from FITS or a big-endian
    ``.npy``; ``longdouble`` is computed in float64), ``np.float32`` for everything else
    (integers, bool, float16, float32 in either byte order)."""
    dt = np.dtype(dtype)
    return np.float64 if dt.kind == "f" and dt.itemsize >= 8 else np.float32


#: NumPy dtype kinds of real numbers: bool, signed and unsigned integers, floats.
REAL_KINDS = "biuf"


def _as_image(image: object) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype.kind not in REAL_KINDS:
        raise TypeError(f"image must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D (H, W) or 3-D (H, W, C), got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"image is empty (shape {arr.shape})")
    return arr


def _kernel_array(kernel: object) -> np.ndarray:
    """``kernel`` as an array (not yet checked: :func:`_as_kernel`)."""
    try:
        arr = np.asarray(kernel)
    except ValueError:
        raise ValueError(
            "kernel rows have different lengths: every row needs the same count"
        ) from None
    if arr.dtype.kind == "O":
        raise ValueError("kernel rows have different lengths or hold non-numbers")
    return arr


def _as_kernel(kernel: object) -> np.ndarray:
    """``kernel`` checked, as a float64 copy."""
    arr = _kernel_array(kernel)
    if arr.dtype.kind not in REAL_KINDS:
        raise TypeError(f"kernel must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw), got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"kernel is empty (shape {arr.shape})")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("kernel contains NaN or infinity")
    return arr


#: The types whose values, with their type, tell settings apart exactly (see
#: :func:`_arguments_key`).
_PLAIN_TYPES = frozenset((int, float, str, bool, type(None)))


def _arguments_key(img: np.ndarray, k: np.ndarray, settings: tuple) -> tuple | None:
    """What a call's validation and planning depend on: the image's shape and type, the
    kernel's bytes, shape and type, and the settings with the type of each value (1, 1.0
    and True are equal, but not the same setting; 0.0 and −0.0 are one: they differ only in
    the sign of a zero result); None when a setting holds anything but Python numbers,
    strings, None, NumPy scalars and tuples or lists of those. (The dtypes themselves, not
    their ``str``, which NumPy builds anew each time: 10 µs on a call whose image has left
    the caches cold.)"""
    types = tuple(map(type, settings))
    if _PLAIN_TYPES.issuperset(types):
        spelled = (settings, types)
    else:
        spelled = _spelled(settings)
        if spelled is None:
            return None
    return (img.shape, img.dtype, k.shape, k.dtype, k.tobytes(), spelled)


def _spelled(value: object) -> tuple | None:
    """``value`` as (type, value), tuples and lists element by element; None for any other
    kind of value than :data:`_PLAIN_TYPES` and NumPy scalars."""
    kind = type(value)
    if kind in (tuple, list):
        parts = tuple(map(_spelled, value))
        return None if None in parts else (kind, parts)
    if kind in _PLAIN_TYPES or (isinstance(value, np.generic) and kind.__module__ == "numpy"):
        return (kind, value)
    return None


def _decisions_key(arguments: tuple | None) -> tuple | None:
    """The key of a call's kept decisions: its :func:`_arguments_key`, the environment that
    picks the engine and the wisdom (:func:`convgui.planner.environment_key`) and the
    wisdom's generation; None without arguments."""
    if arguments is None:
        return None
    return (arguments, (planner.environment_key(), planner.WISDOM.generation))


def _finite(value: object, name: str) -> float:
    """``value`` as a finite float; TypeError for anything but a number (a string too, which
    ``float`` would parse), ValueError for NaN, infinity or an int beyond any float."""
    if isinstance(value, (str, bytes, bytearray)):
        raise TypeError(f"{name} must be a number, got {one_line_repr(value)}")
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {one_line_repr(value)}") from None
    except OverflowError:  # an int beyond any float, e.g. 10**400
        raise ValueError(f"{name} must be finite, got {one_line_repr(value)}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def _planes(img: np.ndarray, channels: str, dtype: type) -> list[np.ndarray]:
    """The planes to filter (views where possible; converted to ``dtype`` when padded): one per
    channel, the whole depth for ``sum`` (summed after padding), or the luma plane."""
    if img.ndim == 2:
        return [img]
    if channels == "per-channel":
        return [img[:, :, c] for c in range(img.shape[2])]
    if channels == "sum":
        return [img]
    if img.shape[2] == 1:
        return [img[:, :, 0]]
    if img.shape[2] != 3:
        raise ValueError(f"luma needs 1 or 3 channels (RGB), got {img.shape[2]}")
    w = np.asarray(LUMA_WEIGHTS, dtype=np.float64)
    return [(img.astype(np.float64) @ w).astype(dtype)]


@dataclass(frozen=True)
class OneCall:
    """A call that is one OpenCV filter in place (:attr:`Convolution._one_call`), kept with the
    call's decisions: a repeated call runs it without building a :class:`Convolution`."""

    factors: planner.Factors
    anchor: tuple[int, int]  # (top, left) of the stride-1 call
    border: int  # OpenCV's border type
    shape: tuple[int, ...]  # of the buffer OpenCV fills: the (stride-1) output
    dtype: type
    bias: float
    outputs: tuple[slice, slice] | None = None  # the strided outputs in it; None: all of it

    def __call__(self, src: np.ndarray) -> np.ndarray:
        """The result for ``src`` (the image or plane OpenCV filters, of :attr:`dtype`)."""
        full = np.empty(self.shape, dtype=self.dtype)
        accel.filter_into(src, self.factors, self.anchor, self.border,
                          full if full.ndim == src.ndim else full[:, :, 0])
        out = full if self.outputs is None else full[self.outputs]
        if self.bias:
            with _ieee():
                out += self.dtype(self.bias)
        return out


@dataclass
class Convolution:
    """A validated, planned convolution: ``run()`` computes it, ``bands()`` does so in steps.

    ``method`` names the algorithm chosen for this call (shown in the status bar).
    """

    source: np.ndarray  # the validated input image
    planes: list[np.ndarray]
    kernel: np.ndarray  # already rotated when flip=True
    geometry: Geometry
    boundary: str
    cval: float
    bias: float
    dtype: type
    squeeze: bool
    forced_engine: str | None = None
    forced_route: str | None = None  # a route to run whatever the planner thinks (measuring)
    # what the decisions depend on (see _arguments_key)
    arguments: tuple | None = dataclasses.field(default=None, repr=False)

    @property
    def out_hw(self) -> tuple[int, int]:
        """(H', W')."""
        return self.geometry.out_hw

    @property
    def out_shape(self) -> tuple[int, ...]:
        """(H', W') or (H', W', C)."""
        return self.out_hw if self.squeeze else (*self.out_hw, len(self.planes))

    @cached_property
    def engine(self) -> str:
        """``"opencv"`` or ``"scipy"`` (see :func:`convgui.planner.backend`), or
        ``"scipy-direct"`` (SciPy without FFT or 1-D passes) when a fast path met NaN or
        infinity: its direct sums skip zero weights, so a NaN reaches exactly the outputs that
        read it with a non-zero weight."""
        return self.forced_engine or planner.backend()

    @cached_property
    def plan(self) -> planner.Plan:
        """The pieces and the method for each (see :mod:`convgui.planner`)."""
        g = self.geometry
        return planner.make_plan(self.kernel, g.stride, g.dilation, self.engine, self.dtype)

    @cached_property
    def route(self) -> str:
        """How the whole call runs, the cheapest that applies: ``"bands"`` (padded row bands,
        each by :attr:`plan`, on all cores with SciPy); ``"taps"`` (either engine: padded row
        bands, one BLAS multiply-add per non-zero tap, see :mod:`convgui.taps`) or
        ``"separable taps"`` (the same as a vertical and a horizontal pass); for a strided
        call ``"sliced"`` (the whole stride-1 call by its own route, then a view of every
        s-th); or with OpenCV filling the border (:mod:`convgui.accel`) ``"same"`` (one call,
        straight into the output), ``"dilated"`` (one call per row phase, kernel not
        inflated) or ``"subsampled"`` (the stride-1 rows each band needs, then every s-th:
        measured only).

        A call large enough to measure (see :meth:`measure_routes`) takes the fastest of its
        candidate routes as measured on this machine when the wisdom holds them all (see
        :func:`measured_route`)."""
        if self.forced_route is not None:
            return self.forced_route
        if self._wisdom_applies:
            measured = planner.WISDOM.times(self.wisdom_key)
            if set(self.candidate_routes) <= measured.keys():
                return measured_route({name: measured[name] for name in self.candidate_routes})
        return min(self._route_costs, key=self._route_costs.get)

    @cached_property
    def candidate_routes(self) -> tuple[str, ...]:
        """The routes worth measuring: those the cost model prices within
        :data:`MEASURE_WITHIN` of the cheapest, and, with OpenCV, "subsampled" (the stride-1
        rows in bands, every s-th copied out: less memory than "sliced"), so a strided call
        is never measured slower than the user's own ``filter2D(...)[::s, ::s]``."""
        costs = self._route_costs
        best = min(costs.values())
        return tuple(name for name, cost in costs.items()
                     if cost <= MEASURE_WITHIN * best or name in ("subsampled", "sliced"))

    @cached_property
    def wisdom_key(self) -> str:
        """What a measurement of the routes holds for: engine, working type, channels, kernel
        (shape, non-zero taps, separable or not), stride, dilation, boundary and image-size
        bucket (:func:`convgui.planner.size_bucket`)."""
        g = self.geometry
        kh, kw = self.kernel.shape
        depth = self.source.shape[2] if self.source.ndim == 3 else 1
        values = g.in_hw[0] * g.in_hw[1] * depth
        channels = "plane" if self.source.ndim == 2 else (
            f"{depth}{'sum' if self.squeeze else 'ch'}")
        return "|".join((
            self.engine, np.dtype(self.dtype).name, channels, f"{kh}x{kw}",
            f"nz{np.count_nonzero(self.kernel)}", f"sep{int(self._separable is not None)}",
            "s{}x{}".format(*g.stride), "d{}x{}".format(*g.dilation),
            self.boundary + ("" if self.cval == 0.0 else "-cval"),
            f"b{planner.size_bucket(values)}"))

    @cached_property
    def _wisdom_applies(self) -> bool:
        """The route comes from measurements: several candidates, a call large enough to be
        worth measuring, wisdom on, neither the engine nor the route forced."""
        g = self.geometry
        depth = self.source.shape[2] if self.source.ndim == 3 else 1
        return (self.forced_route is None and self.forced_engine is None
                and g.in_hw[0] * g.in_hw[1] * depth >= planner.WISDOM_MIN_VALUES
                and planner.wisdom_enabled() and len(self.candidate_routes) > 1)

    @cached_property
    def _unmeasured(self) -> bool:
        """This call measures its routes before it runs (``CONVGUI_WISDOM=on`` and the wisdom
        lacks some of its candidates)."""
        return (self._wisdom_applies and planner.wisdom_mode() == "on" and not set(
            self.candidate_routes) <= planner.WISDOM.times(self.wisdom_key).keys())

    @cached_property
    def _key(self) -> tuple | None:
        """The key of this call's kept decisions (:func:`_decisions_key`)."""
        return _decisions_key(self.arguments)

    def measure_routes(self) -> dict[str, float]:
        """Time every candidate route on this call, remember the times in the wisdom and
        return them (ms). Each route runs until it stops getting faster (:func:`_settled_ms`),
        in :data:`MEASURE_ROUNDS` rounds (in the later ones only the routes within
        :data:`MEASURE_CONTENDERS` of the best so far, and the cost model's pick: one slow
        spell of the machine during its round must not rule it out for good), and keeps its
        best time: what a call repeated in the window or a loop takes.
        The next :attr:`route` of a call with the same :attr:`wisdom_key` is the fastest."""
        times: dict[str, float] = {}
        priced = min(self._route_costs, key=self._route_costs.get)
        for round_ in range(MEASURE_ROUNDS):
            best = min(times.values(), default=math.inf)
            for name in self.candidate_routes:
                if round_ and times[name] > MEASURE_CONTENDERS * best and name != priced:
                    continue
                trial = dataclasses.replace(self, forced_route=name)
                times[name] = min(times.get(name, math.inf), _settled_ms(trial.run))
        planner.WISDOM.remember(self.wisdom_key, times)
        # chosen again, from the measurement
        for name in ("route", "_route_factors", "_nan_exact", "_one_call", "_key"):
            self.__dict__.pop(name, None)
        self.__dict__["_unmeasured"] = False
        return times

    @cached_property
    def _inflated(self) -> planner.Factors:
        return planner.factorize(planner.inflate(self.kernel, self.geometry.dilation), "opencv",
                                 self.dtype)

    @cached_property
    def _undilated(self) -> planner.Factors:
        return planner.factorize(self.kernel, "opencv", self.dtype)

    @cached_property
    def _route_costs(self) -> dict[str, float]:
        """Route → cost (ms per 4 Mpixels of output per plane, see planner.method_costs)."""
        g = self.geometry
        (sh, sw), dh = g.stride, g.dilation[0]
        same_size = g.stride == (1, 1) and g.out_hw == g.in_hw
        if same_size and g.dilation == (1, 1) and self._opencv_border():
            return {"same": self._inflated.cost}  # the bands would run the same call, padded
        # the padded band: OpenCV filters it in few large calls, SciPy in many small ones
        split = planner.column_step(self.plan) > 1  # one more pass over the input
        if self.engine == "opencv":
            costs = {"bands": OPENCV_BANDS_FACTOR * (self.plan.cost + (1.0 + split) * sh * sw)}
        else:
            costs = {"bands": self.plan.cost + taps.COST_PER_INPUT * sh * sw}
        if g.stride != (1, 1):  # the whole stride-1 result (a user's own call), then a view
            costs["sliced"] = sh * sw * min(self._stride_one._route_costs.values())
        if self._tap_groups:  # (pure NumPy/BLAS: for either engine)
            costs["taps"] = taps.cost(self._tap_groups, g.stride)
            if self._separable is not None:
                costs["separable taps"] = taps.separable_cost(self._separable, g.stride)
        if not self._opencv_border():
            return costs
        if same_size:
            costs["same"] = self._inflated.cost
        if same_size and g.dilation != (1, 1) and self._phases_line_up():
            costs["dilated"] = self._undilated.cost + 0.1 * dh
        if g.stride != (1, 1):
            costs["subsampled"] = sh * sw * self._inflated.cost + 0.5
        return costs

    def _opencv_border(self) -> bool:
        """OpenCV can fill this border itself: its border types, pads shorter than the image,
        every output's window starting in the image or its pad, and a zero fill for
        'constant'."""
        g = self.geometry
        if self.engine != "opencv" or self.boundary not in accel.OPENCV_BORDERS or (
                self.boundary == "constant" and self.cval != 0.0):
            return False
        if not (self.squeeze or len(self.planes) <= accel.MAX_CHANNELS):
            return False
        for axis in (0, 1):
            span = g.dilation[axis] * (self.kernel.shape[axis] - 1) + 1
            if (g.pads[axis][0] > span - 1 or max(g.pads[axis]) >= g.in_hw[axis]
                    or (g.out_hw[axis] - 1) * g.stride[axis] >= g.in_hw[axis]):
                return False
        return True

    @cached_property
    def _tap_groups(self) -> tuple[taps.TapGroup, ...]:
        return taps.tap_groups(self.kernel, self.geometry.stride, self.geometry.dilation)

    @cached_property
    def _separable(self) -> taps.Separable | None:
        """Two passes for a rank-1 kernel (a single row or column is one pass already)."""
        factors = planner.rank_one(self.kernel, self.dtype) if min(self.kernel.shape) > 1 else None
        if factors is None:
            return None
        return taps.separable(*factors, self.geometry.stride, self.geometry.dilation)

    def _phases_line_up(self) -> bool:
        """The dilated route's phases map onto themselves: zero border, pads and width
        divisible by the dilation."""
        g = self.geometry
        return (self.boundary == "constant" and g.in_hw[1] % g.dilation[1] == 0
                and g.pads[0][0] % g.dilation[0] == 0 and g.pads[1][0] % g.dilation[1] == 0
                and (self.squeeze or len(self.planes) * g.dilation[1] <= accel.MAX_CHANNELS))

    @cached_property
    def _stride_one_plan(self) -> StrideOne:
        """The stride-1 call whose every s-th output from an origin is this call's
        (:func:`convgui.shapes.stride_one`): the "sliced" and "subsampled" routes."""
        return stride_one(self.geometry)

    @cached_property
    def _stride_one(self) -> Convolution:
        """This call at stride 1, no bias (:attr:`_stride_one_plan`: as large as the input
        where the outputs needed lie within it, OpenCV's one call in place, as a user's own
        ``filter2D`` is): its every s-th output row and column from the origin are this
        call's outputs (route "sliced"). The cells it adds are never kept, and a cell it
        drops never was one of this call's."""
        arguments = None if self.arguments is None else ("stride one", self.arguments)
        one = dataclasses.replace(self, geometry=self._stride_one_plan.geometry, bias=0.0,
                                  forced_route=None, arguments=arguments)
        if arguments is not None:  # (the environment read once per call)
            one.__dict__["_key"] = (arguments, self._key[1])
        return one

    @cached_property
    def _route_factors(self) -> list[planner.Factors]:
        if self.route == "sliced":
            return self._stride_one._route_factors
        if self.route == "dilated":
            return [self._undilated]
        if self.route in ("same", "subsampled"):
            return [self._inflated]
        return [factors for _, _, factors in self.plan.pieces]

    @property
    def kernel_method(self) -> str:
        """The method of the largest piece: ``zero``, ``scale``, ``separable``, ``low-rank``,
        ``direct``, ``fft`` or ``taps``."""
        if self.route == "sliced":
            return self._stride_one.kernel_method
        if self.route in TAPS_ROUTES:
            return "taps" if self.route == "taps" else "separable"
        return max(self._route_factors, key=lambda f: f.kernel.size).method

    @property
    def method(self) -> str:
        """What computes this call, e.g. ``"separable"``, ``"opencv direct · 4 phases"``."""
        g = self.geometry
        if self.route == "taps":
            count = sum(len(group.taps) for group in self._tap_groups)
            return f"{count} taps (BLAS multiply-adds)" + (
                f" · {len(self._tap_groups)} phases" if len(self._tap_groups) > 1 else "")
        if self.route == "separable taps":
            return f"separable: {self._separable.tap_count} taps (BLAS multiply-adds)"
        if self.route == "sliced":
            return f"{self._stride_one.method} · whole, then every {'×'.join(map(str, g.stride))}"
        main = max(self._route_factors, key=lambda f: f.kernel.size)
        name = main.method if main.method != "low-rank" else f"low-rank {main.rank}"
        if self.engine == "opencv":
            name = f"opencv {name}"
        elif self._threads() > 1:
            name = f"{name} ×{self._threads()} threads"
        if self.route == "same":
            return name + " in place"
        if self.route == "dilated":
            return name + f" · {g.dilation[0]} row phases in place"
        if self.route == "subsampled":
            return name + " · one call, subsampled"
        if len(self.plan.pieces) > 1:
            name += f" · {len(self.plan.pieces)} phases"
        if self.plan.subsample != (1, 1):
            name += " · subsampled"
        return name

    @cached_property
    def _nan_exact(self) -> bool:
        """Every piece sums only its non-zero taps, or, separable, has no zero tap at all (so
        NaN and infinity reach exactly the outputs the definition says); otherwise a
        non-finite result is recomputed with "scipy-direct"."""
        if self.route in ("taps", "sliced"):  # (the stride-1 call sees to its own NaN)
            return True
        if self.route == "separable taps":  # the product's zeros are the kernel's zeros
            column, row = planner.rank_one(self.kernel, self.dtype)
            return bool(np.array_equal(np.outer(column, row) != 0, self.kernel != 0))
        return all(f.method in ("zero", "scale", "direct") or (
            f.method == "separable" and f.kernel.all()) for f in self._route_factors)

    def run(self) -> np.ndarray:
        """Compute the whole result (the steps of :meth:`bands` in one error state; a call
        that is one OpenCV call, without them)."""
        with _ieee():
            self._decide()
            if self._one_call is not None:
                return self._one_call(self._opencv_source())
            steps = self._steps()
            while True:
                try:
                    next(steps)
                except StopIteration as done:
                    return done.value

    def bands(self) -> Generator[float, None, np.ndarray]:
        """Compute band by band, yielding the fraction done after each; returns the result.

        With SciPy the bands of a plane run on all cores (ndimage and the FFT release the GIL);
        OpenCV parallelises inside each call. Closing the generator early drops the bands that
        have not started.
        """
        # Each step runs in _ieee()'s error state, which is not held across a yield: the caller
        # (a GUI worker) keeps its own between steps.
        steps = self._steps()
        try:
            while True:
                with _ieee():
                    try:
                        fraction = next(steps)
                    except StopIteration as done:
                        return done.value
                yield fraction
        finally:
            steps.close()

    def _decide(self) -> None:
        """Take the planning's decisions from the last call with the same :attr:`_key` where
        there was one (what this object decided already stays), else measure the routes
        where the wisdom asks, plan, and keep the decisions for the next call. Once."""
        if self.__dict__.get("_decided"):
            return
        forced = self.forced_route is not None or self.forced_engine is not None
        key = None if forced else self._key
        kept = (self.__dict__.get("_kept") or planner.DECISIONS.get(key)) if key else {}
        known = kept.get("decided", {})
        if known:
            self.__dict__.update({**known, **self.__dict__})
        if self._unmeasured:
            self.measure_routes()
            key, known = self._key, {}  # (the wisdom has moved on a generation)
        _ = self._one_call  # (decides the route, its factors and NaN handling)
        if key is not None and not known:
            checked = (self.kernel, self.geometry, self.boundary, self.cval, self.bias,
                       self.dtype)
            planner.DECISIONS.put(key, {"checked": checked, "decided": {
                name: self.__dict__[name] for name in DECIDED if name in self.__dict__}})
        self.__dict__["_decided"] = True

    def _steps(self) -> Generator[float, None, np.ndarray]:
        """The work of :meth:`bands` (decided first: :meth:`_decide`)."""
        self._decide()
        if self.route == "sliced":
            out = yield from self._sliced()
        else:
            out = np.empty(self.out_shape, dtype=self.dtype)
            if self.route in ("same", "dilated"):
                yield from self._in_place(out)
            else:
                yield from self._banded(out)
        if not self._nan_exact and not _all_finite(out):
            if self.engine == "scipy-direct" or all(np.isfinite(p).all() for p in self.planes):
                pass  # a true overflow: the exact path would overflow too
            else:
                return dataclasses.replace(self, forced_engine="scipy-direct",
                                           forced_route=None).run()
        return self._add_bias(out)

    def _add_bias(self, out: np.ndarray) -> np.ndarray:
        if self.bias:
            out += self.dtype(self.bias)
        return out

    def _banded(self, out: np.ndarray) -> Generator[float, None, None]:
        oh, ow = self.out_hw
        reads = self.geometry.stride[0] * self.geometry.stride[1]  # input pixels per output
        if self.route in TAPS_ROUTES:  # few large bands, input ≤ 2.5× output
            band_pixels = min(BAND_PIXELS, max(BAND_PIXELS // reads, 5 * oh * ow // (2 * reads)))
        else:  # OpenCV parallelises inside each call: larger bands
            band_pixels = BAND_PIXELS * (8 if self.engine == "opencv" else 1)
            if self.route == "subsampled" and self._inflated.method != "fft":
                # 2¹⁹ input pixels (2 MiB of float32 grey): the stride-1 rows are still in the
                # cache when every s-th is kept (measured 1.3-2× faster than 8 MiB bands); a
                # DFT keeps the large bands (few DFTs, as the user's own single call)
                band_pixels = 2 * BAND_PIXELS // reads
            elif self.route == "bands":  # … and OpenCV's pieces each get a result of their own
                band_pixels //= reads * (2 if self.engine == "opencv" and reads > 1 else 1)
        rows = max(1, band_pixels // max(ow, 1))
        starts = range(0, oh, rows)
        if self.route == "subsampled":  # OpenCV filters every channel in each call
            work = [(self._opencv_source(), out)]
        elif out.ndim == 3 and (self.route in TAPS_ROUTES or (
                self.engine == "opencv" and out.shape[2] <= accel.MAX_CHANNELS)):
            work = [(self.source, out)]  # (the bands convert it to the working type)
        elif out.ndim == 2:
            work = [(self.planes[0], out)]
        else:
            work = [(plane, out[:, :, c]) for c, plane in enumerate(self.planes)]
        total, done = len(starts) * len(work), 0
        pool = _thread_pool() if self._threads() > 1 and len(starts) > 1 else None
        for plane, target in work:
            bands = [(r0, min(r0 + rows, oh)) for r0 in starts]
            if pool is None:
                for r0, r1 in bands:
                    self._band_into(plane, target, r0, r1)
                    done += 1
                    yield done / total
                continue
            futures = [pool.submit(self._band_into, plane, target, r0, r1) for r0, r1 in bands]
            try:
                for future in as_completed(futures):
                    future.result()
                    done += 1
                    yield done / total
            finally:
                for future in futures:
                    future.cancel()

    def _sliced(self) -> Generator[float, None, np.ndarray]:
        """Route "sliced": the stride-1 call (its own route, progress and NaN handling), then
        every sh-th row and sw-th column of it, as a view, as a user's own
        ``filter2D(...)[::s, ::s]`` is: no copy, and the stride-1 buffer (s² times the
        output) lives as long as the result."""
        return (yield from self._stride_one._steps())[self._stride_one_plan.outputs]

    @cached_property
    def _one_call(self) -> OneCall | None:
        """The whole call as one OpenCV call in place, exact for NaN without a check (route
        "same" and :attr:`_nan_exact`, or "sliced" with such a stride-1 call); else None."""
        if self.route == "sliced":
            inner = self._stride_one._one_call
            if inner is None:
                return None
            return dataclasses.replace(inner, outputs=self._stride_one_plan.outputs,
                                       bias=self.bias)
        if self.route != "same" or not self._nan_exact:
            return None
        g = self.geometry
        return OneCall(self._inflated.cast(self.dtype), g.pads_before,
                       accel.OPENCV_BORDERS[self.boundary], self.out_shape, self.dtype,
                       self.bias)

    def _in_place(self, out: np.ndarray) -> Generator[float, None, None]:
        src = self._opencv_source()
        target = out if out.ndim == src.ndim else out[:, :, 0]
        g = self.geometry
        if self.route == "same":
            accel.filter_into(src, self._inflated, g.pads_before,
                              accel.OPENCV_BORDERS[self.boundary], target)
            yield 1.0
            return
        yield from accel.dilated_in_place(src, self._undilated, g.pads_before,
                                          g.dilation, target)

    def _opencv_source(self) -> np.ndarray:
        """The image OpenCV filters: the plane, the channels summed, or all channels (OpenCV
        filters each channel of a multi-channel image)."""
        if self.squeeze:
            src = self.planes[0]
            if src.ndim == 3:  # channels="sum"
                src = src.sum(axis=2, dtype=np.float64)
        else:
            src = self.source
        return np.ascontiguousarray(src, dtype=self.dtype)

    def _threads(self) -> int:
        """Threads of convgui's own: OpenCV and OpenBLAS (the taps) thread inside each call."""
        return 1 if self.engine == "opencv" or self.route in TAPS_ROUTES else _cpu_count()

    @_ieee()  # (again: the band threads do not share the error state of the caller's)
    def _band_into(self, plane: np.ndarray, target: np.ndarray, r0: int, r1: int) -> None:
        """Compute output rows [r0, r1) of ``plane`` into ``target`` (in the calling thread,
        in its :meth:`Scratch.of_thread` where the route takes one)."""
        g = self.geometry
        scratch = Scratch.of_thread()
        if self.route in TAPS_ROUTES:
            correlate, kernel_taps = ((taps.correlate_rows, self._tap_groups)
                                      if self.route == "taps" else
                                      (taps.correlate_rows_separable, self._separable))
            copy_pixels(target[r0:r1], correlate(
                plane, (r0, r1), g, kernel_taps, self.boundary, self.cval, self.dtype,
                sum_channels=self.squeeze, scratch=scratch))
            return
        if self.route == "subsampled":
            one = self._stride_one_plan
            accel.subsampled_rows(plane, self._inflated, one.anchor, one.origin, g.stride,
                                  accel.OPENCV_BORDERS[self.boundary], r0, target[r0:r1],
                                  scratch)
            return
        copy_pixels(target[r0:r1], self._band(plane, r0, r1))

    def _band(self, plane: np.ndarray, r0: int, r1: int) -> np.ndarray:
        """Output rows [r0, r1) of ``plane``."""
        g = self.geometry
        sh, dh = g.stride[0], g.dilation[0]
        rows = (r0 * sh, (r1 - 1) * sh + dh * (self.kernel.shape[0] - 1) + 1)
        phases = padded_phases(plane, rows, g.pads, self.boundary, self.cval, self.dtype,
                               planner.column_step(self.plan))
        if self.squeeze and phases.ndim == 4:  # channels="sum": one filter over the depth
            phases = phases.sum(axis=3, dtype=np.float64).astype(self.dtype)
        return planner.correlate_strided(phases, self.plan, (r1 - r0, g.out_hw[1]), self.engine)


def _all_finite(a: np.ndarray) -> bool:
    """No NaN or infinity in ``a`` (a fast sum first; the exact test only if that overflows)."""
    return bool(np.isfinite(a.sum())) or bool(np.isfinite(a).all())


@lru_cache(maxsize=1)
def _cpu_count() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@lru_cache(maxsize=1)
def _thread_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_cpu_count(), thread_name_prefix="convgui-band")


# ----------------------------------------------------------------------------------------------
# Pooling and merging


@_ieee()
def pool2d(
    x: np.ndarray, size: int | tuple[int, int], *, stride: int | tuple[int, int] | None = None,
    mode: str = "max", padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """Max or average pooling over (H, W) of an (H, W) or (H, W, C) array.

    Windows of ``size`` move by ``stride`` (default: ``size``); per axis the output has
    ⌊(n + 2p − size)/s⌋ + 1 cells. Padding cells count as −∞ for max and as 0 for average
    (which divides by the full window size, as PyTorch's default ``count_include_pad``).
    Returns float32 (float64 for float64 input).
    """
    arr = _as_image(x)
    if mode not in POOL_MODES:
        raise ValueError(f"unknown pooling mode {one_line_repr(mode)}: use {', '.join(POOL_MODES)}")
    win = positive_pair(size, "pool size")
    step = win if stride is None else positive_pair(stride, "pool stride")
    pad = _nonneg_pair(padding, "pool padding")
    out_hw = tuple(
        pool_output_size(arr.shape[i], win[i], step[i], pad[i]) for i in range(2)
    )
    dtype = result_dtype(arr.dtype)
    work = arr.astype(dtype)
    fill = -np.inf if mode == "max" else 0.0
    pads = [(pad[0], pad[0]), (pad[1], pad[1])] + [(0, 0)] * (arr.ndim - 2)
    work = np.pad(work, pads, mode="constant", constant_values=fill)
    windows = np.lib.stride_tricks.sliding_window_view(work, win, axis=(0, 1))
    windows = windows[: (out_hw[0] - 1) * step[0] + 1 : step[0],
                      : (out_hw[1] - 1) * step[1] + 1 : step[1]]
    reduce = np.max if mode == "max" else np.mean
    return reduce(windows, axis=(-2, -1)).astype(dtype)


def _nonneg_pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        pair = tuple(value)
    else:
        pair = (value, value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 0 for v in pair):
        raise ValueError(f"{name} must be an int ≥ 0 or a pair of them, got {one_line_repr(value)}")
    return (int(pair[0]), int(pair[1]))


@_ieee()
def global_pool(x: np.ndarray, mode: str = "max") -> np.ndarray | float:
    """Max or average over all of H and W: a float for (H, W), a (C,) array for (H, W, C)."""
    arr = _as_image(x)
    if mode not in POOL_MODES:
        raise ValueError(f"unknown pooling mode {one_line_repr(mode)}: use {', '.join(POOL_MODES)}")
    reduce = np.max if mode == "max" else np.mean
    result = reduce(arr.astype(np.float64), axis=(0, 1))
    return float(result) if arr.ndim == 2 else result


@_ieee()
def merge(
    maps: Sequence[np.ndarray], mode: str = "sum", weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Combine equally shaped feature maps into one.

    ``"sum"`` m₁ + … + mₙ; ``"mean"``; ``"weighted"`` w₁·m₁ + … + wₙ·mₙ (``weights`` required,
    one per map); ``"max"`` element-wise; ``"magnitude"`` √(Σ mᵢ²) (Sobel x and y → gradient
    magnitude). Returns float64 unless every map is float32.
    """
    if mode not in MERGE_MODES:
        raise ValueError(f"unknown merge mode {one_line_repr(mode)}: use {', '.join(MERGE_MODES)}")
    arrays = [np.asarray(m) for m in maps]
    if not arrays:
        raise ValueError("merge needs at least one feature map")
    for i, a in enumerate(arrays):
        if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
            raise TypeError(f"feature map {i + 1} must hold real numbers, got dtype {a.dtype}")
        if a.shape != arrays[0].shape:
            raise ValueError(
                f"feature maps differ in shape: map 1 is {_shape(arrays[0])}, "
                f"map {i + 1} is {_shape(a)}"
            )
    dtype = np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64
    stack = np.stack([a.astype(np.float64) for a in arrays])
    if mode == "weighted":
        if weights is None or len(weights) != len(arrays):
            got = "none" if weights is None else len(weights)
            raise ValueError(f"weighted merge needs one weight per map ({len(arrays)}), got {got}")
        w = np.asarray([_finite(v, "weight") for v in weights])
        result = np.tensordot(w, stack, axes=1)
    elif mode == "sum":
        result = stack.sum(axis=0)
    elif mode == "mean":
        result = stack.mean(axis=0)
    elif mode == "max":
        result = stack.max(axis=0)
    else:
        result = np.hypot.reduce(stack, axis=0)  # no overflow where the squares would
    return result.astype(dtype)


def _shape(a: np.ndarray) -> str:
    return "×".join(str(v) for v in a.shape) or "scalar"


# ----------------------------------------------------------------------------------------------
# Transposed convolution, activations and multi-channel (CNN) layers

ACTIVATIONS = ("none", "relu", "abs")


@_ieee()
def conv_transpose2d(
    image: np.ndarray, kernel: np.ndarray, *, stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0, output_padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Transposed convolution of a 2-D ``image`` (PyTorch's ``ConvTranspose2d``, one channel in
    and out, no bias): the adjoint of :func:`convolve2d` with the same stride and dilation.

    Every input cell stamps the kernel, scaled by its value, into a larger array (scatter-add):
    ``full[i·sh + a·dh, j·sw + b·dw] += X[i, j] · K[a, b]``, where ``full`` has
    (n − 1)·s + d·(k − 1) + 1 + output_padding cells per axis; then ``padding`` cells are cut from
    the start and the end of each axis: ``Y = full[p : p + out]`` with per axis
    out = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1
    (:func:`convgui.shapes.transposed_output_size`). ``output_padding`` (< max(s, d)) adds
    cells at the bottom/right only.

    Parameters
    ----------
    image : (H, W) real numbers (one channel); never modified.
    kernel : (kh, kw) finite numbers.
    stride, dilation : int or (h, w), each ≥ 1.
    padding, output_padding : int or (h, w), each ≥ 0.

    Returns
    -------
    float32 for integer or float32 input, float64 for float64 input.

    Raises
    ------
    ShapeError (a ValueError) when the padding removes the whole output, ValueError/TypeError
    for bad arguments.

    Examples
    --------
    >>> conv_transpose2d(np.array([[1., 2.]]), np.array([[1., 1.]]), stride=2)
    array([[1., 1., 2., 2.]])
    """
    from convgui.shapes import transposed_output_size

    img = _as_image(image)
    if img.ndim != 2:
        raise ValueError(
            f"conv_transpose2d takes a 2-D image (H, W), one channel; got shape {img.shape}"
        )
    k = _as_kernel(kernel)
    s = positive_pair(stride, "stride")
    d = positive_pair(dilation, "dilation")
    p = _index_pair(padding, "padding")
    op = _index_pair(output_padding, "output_padding")
    out_hw = tuple(
        transposed_output_size(img.shape[i], k.shape[i], p[i], s[i], d[i], op[i])
        for i in range(2)
    )
    (h, w), (kh, kw) = img.shape, k.shape
    full = np.zeros(
        tuple((img.shape[i] - 1) * s[i] + d[i] * (k.shape[i] - 1) + 1 + op[i] for i in range(2)),
        dtype=np.float64,
    )
    x = img.astype(np.float64)
    for a in range(kh):
        r0 = a * d[0]
        for b in range(kw):
            weight = k[a, b]
            if weight == 0.0:
                continue
            c0 = b * d[1]
            full[r0:r0 + (h - 1) * s[0] + 1:s[0], c0:c0 + (w - 1) * s[1] + 1:s[1]] += weight * x
    dtype = result_dtype(img.dtype)
    return full[p[0]:p[0] + out_hw[0], p[1]:p[1] + out_hw[1]].astype(dtype)


def _index_pair(value: object, name: str) -> tuple[int, int]:
    """An int ≥ 0 or an (h, w) pair of them, as a pair; TypeError/ValueError otherwise."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {one_line_repr(value)}")
        items = tuple(value)
    else:
        items = (value, value)
    for v in items:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise TypeError(
                f"{name} must be an int or a pair (h, w) of ints, got {one_line_repr(value)}"
            )
        if v < 0:
            raise ValueError(f"{name} must be ≥ 0, got {one_line_repr(value)}")
    return (int(items[0]), int(items[1]))


def activate(x: np.ndarray, mode: str) -> np.ndarray:
    """Apply an activation element-wise: ``"none"`` (a copy), ``"relu"`` max(x, 0) or
    ``"abs"`` |x|. Returns a new array of the same shape and dtype."""
    if mode not in ACTIVATIONS:
        raise ValueError(f"unknown activation {one_line_repr(mode)}: use {', '.join(ACTIVATIONS)}")
    arr = np.asarray(x)
    if arr.dtype.kind not in REAL_KINDS:
        raise TypeError(f"activation input must hold real numbers, got dtype {arr.dtype}")
    if mode == "relu":
        return np.maximum(arr, arr.dtype.type(0))
    if mode == "abs":
        return np.abs(arr)
    return arr.copy()


@_ieee()
def conv_layer(
    image: np.ndarray, weights: np.ndarray | Sequence[np.ndarray],
    bias: Sequence[float] | np.ndarray | None = None, *, padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
    boundary: str = "constant", cval: float = 0.0, flip: bool = False,
) -> np.ndarray:
    """A convolution layer of a CNN: K filters, each spanning all C channels of the input.

    ``output[..., k] = Σ_c convolve2d(image[..., c], weights[k, :, :, c], …) + bias[k]``: each
    filter has one 2-D slice per input channel, each slice filters its own channel, the
    channel results are added, then the filter's bias.

    Parameters
    ----------
    image : (H, W, C) real numbers, or (H, W) for C = 1.
    weights : (K, kh, kw, C) array, or a sequence of K filters each (kh, kw, C) (or (kh, kw)
        when C = 1); every filter has the same kh×kw.
    bias : K numbers, or None for no bias.
    padding, stride, dilation, boundary, cval, flip : as :func:`convolve2d` (``flip`` rotates
        each slice).

    Returns
    -------
    (H', W', K): float32 for integer or float32 input, float64 for float64 input.
    """
    img = _as_image(image)
    if img.ndim == 2:
        img = img[:, :, None]
    channels = img.shape[2]
    filters = _layer_filters(weights, channels)
    if bias is None:
        biases = [0.0] * len(filters)
    else:
        b = np.asarray(bias)
        if b.ndim == 0:
            raise ValueError(
                f"bias must hold one number per filter ({len(filters)}), got "
                f"{one_line_repr(bias)}"
            )
        if b.ndim != 1 or b.shape[0] != len(filters):
            raise ValueError(
                f"bias has {b.size} values but there are {len(filters)} filters"
            )
        biases = [_finite(v, "bias") for v in b.tolist()]
    dtype = result_dtype(img.dtype)
    kwargs = {"padding": padding, "stride": stride, "dilation": dilation, "boundary": boundary,
              "cval": cval, "flip": flip}
    maps = []
    for f, bias_f in zip(filters, biases, strict=True):
        total = None
        for c in range(channels):
            part = convolve2d(img[:, :, c], f[:, :, c], **kwargs).astype(np.float64)
            total = part if total is None else total + part
        maps.append(total + bias_f)
    return np.stack(maps, axis=2).astype(dtype)


def _layer_filters(weights: object, channels: int) -> list[np.ndarray]:
    """The filters of :func:`conv_layer` as (kh, kw, C) float64 arrays, validated."""
    if isinstance(weights, np.ndarray):
        if weights.ndim != 4:
            raise ValueError(
                f"weights must be 4-D (K, kh, kw, C) or a list of (kh, kw, C) filters, got "
                f"{weights.ndim}-D"
            )
        items: list[object] = list(weights)
    elif isinstance(weights, (list, tuple)):
        items = list(weights)
    else:
        raise TypeError(f"weights must be an array or a list of filters, got {type(weights)}")
    if not items:
        raise ValueError("a layer needs at least one filter")
    filters = []
    for n, item in enumerate(items, start=1):
        arr = np.asarray(item)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(f"filter {n} must be 3-D (kh, kw, C), got shape {arr.shape}")
        if arr.shape[2] != channels:
            raise ValueError(
                f"filter {n} has {arr.shape[2]} channel slices but the image has {channels} "
                f"channel{'s' if channels != 1 else ''}"
            )
        slices = [_as_kernel(arr[:, :, c]) for c in range(channels)]
        f = np.stack(slices, axis=2)
        if filters and f.shape[:2] != filters[0].shape[:2]:
            first = filters[0].shape
            raise ValueError(
                f"filter {n} is {f.shape[0]}×{f.shape[1]} but filter 1 is {first[0]}×{first[1]}:"
                " every filter of a layer has the same size"
            )
        filters.append(f)
    return filters


__all__ += ["ACTIVATIONS", "activate", "conv_layer", "conv_transpose2d"]
