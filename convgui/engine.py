"""The convolution engine: exact 2-D cross-correlation/convolution, pooling and merging.

Conventions (the README's table is the user's version of this):

* Default is cross-correlation, the CNN convention:
  ``Y[i, j] = bias + Σₐ Σ_b Xp[i·sh + a·dh, j·sw + b·dw] · K[a, b]``
  where ``Xp`` is the input padded as ``padding`` says and filled as ``boundary`` says.
* ``flip=True`` is true convolution: the kernel and its anchor are rotated 180°, so results
  equal ``scipy.signal.convolve2d`` for 'valid', 'same' and 'full'.
* Shapes come from :mod:`convgui.shapes` (the one place the arithmetic lives).

Work is done in row bands so that a caller (the GUI worker) can show progress and stop between
bands: :func:`prepare` validates and plans, :meth:`Convolution.bands` computes. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, signal

from convgui.shapes import (
    CHANNEL_MODES,
    Geometry,
    PaddingSpec,
    ShapeError,
    geometry,
    pool_output_size,
    positive_pair,
)

BOUNDARIES = ("constant", "reflect", "symmetric", "edge", "wrap")
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
POOL_MODES = ("max", "avg")
MERGE_MODES = ("sum", "mean", "weighted", "max", "magnitude")

#: Above this many non-zero taps (at stride 1) the FFT is cheaper than direct summation.
FFT_MIN_TAPS = 121
#: Output pixels per band: small enough to report progress and stop often, large enough to be
#: cheap (a 1024×1024 image is computed in 4 bands).
BAND_PIXELS = 1 << 18

__all__ = [
    "BOUNDARIES", "MERGE_MODES", "POOL_MODES", "Convolution", "ShapeError", "convolve2d",
    "global_pool", "merge", "pool2d", "prepare",
]


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
    float32 for integer or float32 input, float64 for float64 input; per axis
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
    return prepare(
        image, kernel, padding=padding, stride=stride, dilation=dilation, boundary=boundary,
        cval=cval, flip=flip, channels=channels, bias=bias,
    ).run()


def prepare(
    image: np.ndarray, kernel: np.ndarray, *, padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
    boundary: str = "constant", cval: float = 0.0, flip: bool = False,
    channels: str = "per-channel", bias: float = 0.0,
) -> Convolution:
    """Validate the arguments of :func:`convolve2d` and plan the work without computing it."""
    img = _as_image(image)
    k = _as_kernel(kernel)
    s = positive_pair(stride, "stride")
    d = positive_pair(dilation, "dilation")
    if boundary not in BOUNDARIES:
        raise ValueError(f"unknown boundary {boundary!r}: use {', '.join(BOUNDARIES)}")
    if channels not in CHANNEL_MODES:
        raise ValueError(f"unknown channel mode {channels!r}: use {', '.join(CHANNEL_MODES)}")
    cval_f, bias_f = _finite(cval, "cval"), _finite(bias, "bias")
    if flip:
        k = k[::-1, ::-1]
    geo = geometry(img.shape[:2], k.shape, padding, s, d, bool(flip))
    dtype = np.float64 if img.dtype == np.float64 else np.float32
    planes = _planes(img, channels, dtype)
    return Convolution(planes, k, geo, boundary, cval_f, bias_f, dtype,
                       squeeze=img.ndim == 2 or channels != "per-channel")


def _as_image(image: object) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
    ) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"image must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D (H, W) or 3-D (H, W, C), got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"image is empty (shape {arr.shape})")
    return arr


def _as_kernel(kernel: object) -> np.ndarray:
    try:
        arr = np.asarray(kernel)
    except ValueError:
        raise ValueError(
            "kernel rows have different lengths: every row needs the same count"
        ) from None
    if arr.dtype == object:
        raise ValueError("kernel rows have different lengths or hold non-numbers")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or np.issubdtype(
        arr.dtype, np.complexfloating
    ):
        raise TypeError(f"kernel must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw), got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"kernel is empty (shape {arr.shape})")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("kernel contains NaN or infinity")
    return arr


def _finite(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def _planes(img: np.ndarray, channels: str, dtype: type) -> list[np.ndarray]:
    """The 2-D planes to filter: one per channel, or the channel sum / luma as one plane."""
    if img.ndim == 2:
        return [img.astype(dtype, copy=False)]
    if channels == "per-channel":
        return [img[:, :, c].astype(dtype) for c in range(img.shape[2])]
    if channels == "sum":
        return [img.astype(dtype, copy=False)]  # summed after padding, see Convolution
    if img.shape[2] == 1:
        return [img[:, :, 0].astype(dtype)]
    if img.shape[2] != 3:
        raise ValueError(f"luma needs 1 or 3 channels (RGB), got {img.shape[2]}")
    w = np.asarray(LUMA_WEIGHTS, dtype=np.float64)
    return [(img.astype(np.float64) @ w).astype(dtype)]


@dataclass
class Convolution:
    """A validated, planned convolution: ``run()`` computes it, ``bands()`` does so in steps.

    ``method`` names the algorithm chosen for this call (shown in the status bar).
    """

    planes: list[np.ndarray]
    kernel: np.ndarray  # already rotated when flip=True
    geometry: Geometry
    boundary: str
    cval: float
    bias: float
    dtype: type
    squeeze: bool

    @property
    def out_hw(self) -> tuple[int, int]:
        """(H', W')."""
        return self.geometry.out_hw

    @property
    def out_shape(self) -> tuple[int, ...]:
        """(H', W') or (H', W', C)."""
        return self.out_hw if self.squeeze else (*self.out_hw, len(self.planes))

    @property
    def method(self) -> str:
        """The algorithm used: ``"direct"``, ``"strided"`` or ``"fft"``."""
        taps = int(np.count_nonzero(self.kernel))
        if self.geometry.stride != (1, 1):
            return "strided"
        return "fft" if taps >= FFT_MIN_TAPS else "direct"

    def run(self) -> np.ndarray:
        """Compute the whole result."""
        gen = self.bands()
        while True:
            try:
                next(gen)
            except StopIteration as done:
                return done.value

    def bands(self) -> Generator[float, None, np.ndarray]:
        """Compute band by band, yielding the fraction done after each; returns the result."""
        out = np.empty(self.out_shape, dtype=self.dtype)
        out2d = out[:, :, None] if out.ndim == 2 else out
        padded = [self._pad(p) for p in self.planes]
        if len(padded) == 1 and padded[0].ndim == 3:  # channels="sum": one filter over depth
            padded = [padded[0].sum(axis=2, dtype=np.float64).astype(self.dtype)]
        oh, ow = self.out_hw
        rows = max(1, BAND_PIXELS // max(ow, 1))
        starts = range(0, oh, rows)
        total = len(starts) * len(padded)
        done = 0
        compute = self._band_function()
        for c, xp in enumerate(padded):
            for r0 in starts:
                r1 = min(r0 + rows, oh)
                out2d[r0:r1, :, c] = compute(self._band_input(xp, r0, r1), r1 - r0)
                done += 1
                yield done / total
        if self.bias:
            out += self.dtype(self.bias)
        return out

    def _pad(self, plane: np.ndarray) -> np.ndarray:
        pads = list(self.geometry.pads) + ([(0, 0)] if plane.ndim == 3 else [])
        if self.boundary == "constant":
            return np.pad(plane, pads, mode="constant", constant_values=self.cval)
        return np.pad(plane, pads, mode=self.boundary)

    def _band_input(self, xp: np.ndarray, r0: int, r1: int) -> np.ndarray:
        sh, dh = self.geometry.stride[0], self.geometry.dilation[0]
        return xp[r0 * sh:(r1 - 1) * sh + dh * (self.kernel.shape[0] - 1) + 1]

    def _band_function(self) -> Callable[[np.ndarray, int], np.ndarray]:
        method = self.method
        if method == "strided":
            return self._strided
        kd = _dilate(self.kernel, self.geometry.dilation)
        if method == "fft":
            rotated = kd[::-1, ::-1]
            return lambda x, _rows: signal.oaconvolve(x.astype(np.float64), rotated, mode="valid")
        return lambda x, _rows: _correlate_valid(x, kd)

    def _strided(self, x: np.ndarray, rows: int) -> np.ndarray:
        """Shift-and-add at the output positions only: work ∝ taps × outputs."""
        (sh, sw), (dh, dw) = self.geometry.stride, self.geometry.dilation
        ow = self.out_hw[1]
        acc = np.zeros((rows, ow), dtype=np.float64)
        tmp = np.empty_like(acc)
        for (a, b), w in np.ndenumerate(self.kernel):
            if w == 0.0:
                continue
            view = x[a * dh:a * dh + (rows - 1) * sh + 1:sh, b * dw:b * dw + (ow - 1) * sw + 1:sw]
            np.multiply(view, w, out=tmp)
            acc += tmp
        return acc


def _dilate(kernel: np.ndarray, dilation: tuple[int, int]) -> np.ndarray:
    if dilation == (1, 1):
        return kernel
    kh, kw = kernel.shape
    out = np.zeros((dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1))
    out[:: dilation[0], :: dilation[1]] = kernel
    return out


def _correlate_valid(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' correlation with scipy.ndimage (skips zero taps, releases the GIL).

    ndimage ignores weights with |w| ≤ machine epsilon, so the kernel is scaled by a power of
    two (exact) to a maximum magnitude of 1 first, and the result scaled back.
    """
    kh, kw = kernel.shape
    peak = float(np.max(np.abs(kernel)))
    if peak == 0.0:
        return np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1), dtype=x.dtype)
    exponent = int(np.frexp(peak)[1])
    full = ndimage.correlate(x, np.ldexp(kernel, -exponent), mode="constant")
    valid = full[kh // 2:kh // 2 + x.shape[0] - kh + 1, kw // 2:kw // 2 + x.shape[1] - kw + 1]
    return np.ldexp(valid, exponent) if exponent else valid


# ----------------------------------------------------------------------------------------------
# Pooling and merging


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
        raise ValueError(f"unknown pooling mode {mode!r}: use {', '.join(POOL_MODES)}")
    win = positive_pair(size, "pool size")
    step = win if stride is None else positive_pair(stride, "pool stride")
    pad = _nonneg_pair(padding, "pool padding")
    out_hw = tuple(
        pool_output_size(arr.shape[i], win[i], step[i], pad[i]) for i in range(2)
    )
    dtype = np.float64 if arr.dtype == np.float64 else np.float32
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
        raise ValueError(f"{name} must be an int ≥ 0 or a pair of them, got {value!r}")
    return (int(pair[0]), int(pair[1]))


def global_pool(x: np.ndarray, mode: str = "max") -> np.ndarray | float:
    """Max or average over all of H and W: a float for (H, W), a (C,) array for (H, W, C)."""
    arr = _as_image(x)
    if mode not in POOL_MODES:
        raise ValueError(f"unknown pooling mode {mode!r}: use {', '.join(POOL_MODES)}")
    reduce = np.max if mode == "max" else np.mean
    result = reduce(arr.astype(np.float64), axis=(0, 1))
    return float(result) if arr.ndim == 2 else result


def merge(
    maps: Sequence[np.ndarray], mode: str = "sum", weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Combine equally shaped feature maps into one.

    ``"sum"`` m₁ + … + mₙ; ``"mean"``; ``"weighted"`` w₁·m₁ + … + wₙ·mₙ (``weights`` required,
    one per map); ``"max"`` element-wise; ``"magnitude"`` √(Σ mᵢ²) (Sobel x and y → gradient
    magnitude). Returns float64 unless every map is float32.
    """
    if mode not in MERGE_MODES:
        raise ValueError(f"unknown merge mode {mode!r}: use {', '.join(MERGE_MODES)}")
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
        result = np.sqrt((stack**2).sum(axis=0))
    return result.astype(dtype)


def _shape(a: np.ndarray) -> str:
    return "×".join(str(v) for v in a.shape) or "scalar"
