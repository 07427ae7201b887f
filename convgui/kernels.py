"""The kernel library: named textbook kernels and parametric kernel generators.

Pure NumPy; imports no Qt.

Named kernels are stored the way they are taught: an integer grid plus a divisor (the box
blur 3×3 is ``ones((3, 3))`` over 9). :meth:`NamedKernel.kernel` gives the float kernel
``grid / divisor``. Every grid is written as a *correlation template* with row 0 at the top
(rows grow downward): ``sobel-x`` is ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]``, right minus
left, so it responds to vertical edges.

Generators (:func:`gaussian`, :func:`box`, :func:`motion_blur`,
:func:`laplacian_of_gaussian`, :func:`dilate`) validate their arguments and raise
:class:`ValueError` with a one-line message on bad input. :data:`GENERATORS` describes the
first four for the GUI picker. :func:`patch_kernel` makes a template-matching kernel from an
image patch.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "GENERATORS",
    "LIBRARY",
    "MAX_SIZE",
    "GeneratorSpec",
    "NamedKernel",
    "Param",
    "box",
    "dilate",
    "gaussian",
    "get",
    "is_separable",
    "laplacian_of_gaussian",
    "motion_blur",
    "names",
    "patch_kernel",
]

#: Largest side, in pixels, that a generator will produce (guards against typos like 10000).
MAX_SIZE = 1025


# --------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------


def _int_arg(name: str, value: Any, minimum: int = 1, maximum: int = MAX_SIZE) -> int:
    """``value`` as an int in ``[minimum, maximum]``; bools and non-integral numbers rejected."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    result = int(value)
    if not minimum <= result <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {result}")
    return result


def _float_arg(name: str, value: Any, *, positive: bool = False) -> float:
    """``value`` as a finite float (strictly positive if ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result}")
    if positive and result <= 0:
        raise ValueError(f"{name} must be greater than 0, got {result}")
    return result


def _pair(name: str, value: Any) -> tuple[Any, Any]:
    """A scalar ``v`` as ``(v, v)``; a 2-sequence as a tuple; anything else rejected."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or a pair (rows, cols), got {value!r}")
        return value[0], value[1]
    return value, value


def _as_2d(name: str, kernel: Any) -> np.ndarray:
    """``kernel`` as a non-empty, finite, numeric 2-D array (no copy if already one)."""
    arr = np.asarray(kernel)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    return arr


# --------------------------------------------------------------------------------------------
# Separability
# --------------------------------------------------------------------------------------------


def is_separable(kernel: np.ndarray, tol: float = 1e-12) -> bool:
    """Whether ``kernel`` is (numerically) rank 1, i.e. an outer product ``col ⊗ row``.

    Uses the singular values ``s`` (descending): separable when ``s[1] <= tol * s[0]``.
    A single row or column is always separable; so is the all-zero kernel (``0 ⊗ 0``).
    ``tol`` is relative; the default suits float64 kernels, use ~1e-6 for float32 data.
    """
    arr = _as_2d("kernel", kernel).astype(np.float64)
    tol = _float_arg("tol", tol)
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    if min(arr.shape) == 1:
        return True
    s = np.linalg.svd(arr, compute_uv=False)
    return bool(s[1] <= tol * s[0])


# --------------------------------------------------------------------------------------------
# Named kernels
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class NamedKernel:
    """A textbook kernel: an integer grid (as taught) and a divisor.

    ``grid`` is stored as a read-only float64 copy. ``separable`` is checked against
    :func:`is_separable` on construction (a wrong flag raises :class:`ValueError`).
    Instances compare by identity (arrays have no single truth value).
    """

    name: str
    """Machine name, e.g. ``"gaussian-3"``."""
    title: str
    """Human title, e.g. ``"Gaussian 3×3"``."""
    description: str
    """One line: what the kernel does."""
    grid: np.ndarray
    """The grid as taught; read-only float64."""
    divisor: float = 1.0
    """The grid is divided by this to give the kernel."""
    separable: bool
    """Whether the kernel is rank 1 (an outer product of a column and a row)."""
    tags: tuple[str, ...] = field(default=())
    """Loose categories, e.g. ``("blur",)``, ``("edge", "gradient")``."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a named kernel needs a non-empty name")
        grid = _as_2d(f"grid of {self.name!r}", self.grid).astype(np.float64, copy=True)
        grid.setflags(write=False)
        object.__setattr__(self, "grid", grid)
        divisor = _float_arg(f"divisor of {self.name!r}", self.divisor)
        if divisor == 0:
            raise ValueError(f"divisor of {self.name!r} must not be 0")
        object.__setattr__(self, "divisor", divisor)
        object.__setattr__(self, "tags", tuple(self.tags))
        if bool(self.separable) != is_separable(grid):
            raise ValueError(
                f"kernel {self.name!r} is flagged separable={self.separable} but its rank "
                f"says otherwise"
            )

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)`` of the grid."""
        return self.grid.shape  # type: ignore[return-value]

    def kernel(self) -> np.ndarray:
        """``grid / divisor`` as a new, writable float64 array."""
        return self.grid / self.divisor


def _nk(
    name: str,
    title: str,
    description: str,
    grid: list[list[int]],
    *,
    divisor: float = 1.0,
    separable: bool,
    tags: tuple[str, ...] = (),
) -> NamedKernel:
    return NamedKernel(
        name=name,
        title=title,
        description=description,
        grid=np.array(grid, dtype=np.float64),
        divisor=divisor,
        separable=separable,
        tags=tags,
    )


_BINOMIAL_5 = [1, 4, 6, 4, 1]

LIBRARY: dict[str, NamedKernel] = {
    k.name: k
    for k in (
        _nk(
            "identity",
            "Identity",
            "Leaves the image unchanged: each output pixel is its own input pixel.",
            [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
            separable=True,
            tags=("basic",),
        ),
        _nk(
            "box-3",
            "Box blur 3×3",
            "Blurs by replacing each pixel with the plain average of its 3×3 neighbourhood.",
            [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
            divisor=9,
            separable=True,
            tags=("blur",),
        ),
        _nk(
            "box-5",
            "Box blur 5×5",
            "Blurs more strongly: the plain average of the 5×5 neighbourhood.",
            [[1] * 5 for _ in range(5)],
            divisor=25,
            separable=True,
            tags=("blur",),
        ),
        _nk(
            "gaussian-3",
            "Gaussian 3×3",
            "Smooth blur: a weighted average that favours the centre (binomial 1 2 1).",
            [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
            divisor=16,
            separable=True,
            tags=("blur",),
        ),
        _nk(
            "gaussian-5",
            "Gaussian 5×5",
            "Wider smooth blur: outer product of the binomial row 1 4 6 4 1.",
            [[a * b for b in _BINOMIAL_5] for a in _BINOMIAL_5],
            divisor=256,
            separable=True,
            tags=("blur",),
        ),
        _nk(
            "sharpen",
            "Sharpen",
            "Sharpens: boosts each pixel against its four neighbours (identity minus Laplacian).",
            [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
            separable=False,
            tags=("sharpen",),
        ),
        _nk(
            "laplacian-4",
            "Laplacian (4-neighbour)",
            "Second derivative: zero on flat areas and ramps, strong at edges and fine detail.",
            [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
            separable=False,
            tags=("edge",),
        ),
        _nk(
            "laplacian-8",
            "Laplacian (8-neighbour)",
            "Second derivative using all eight neighbours, so diagonal edges count too.",
            [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
            separable=False,
            tags=("edge",),
        ),
        _nk(
            "outline",
            "Outline",
            "Outlines shapes: flat areas go to zero and every change in brightness stands out.",
            [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
            separable=False,
            tags=("edge",),
        ),
        _nk(
            "sobel-x",
            "Sobel x",
            "Horizontal gradient (right minus left, centre row weighted 2): finds vertical edges.",
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "sobel-y",
            "Sobel y",
            "Vertical gradient (bottom minus top, centre column weighted 2): finds horizontal "
            "edges.",
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "prewitt-x",
            "Prewitt x",
            "Horizontal gradient with equal row weights (right minus left): finds vertical edges.",
            [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "prewitt-y",
            "Prewitt y",
            "Vertical gradient with equal column weights (bottom minus top): finds horizontal "
            "edges.",
            [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "scharr-x",
            "Scharr x",
            "Horizontal gradient weighted 3 10 3, more rotation-accurate than Sobel: vertical "
            "edges.",
            [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "scharr-y",
            "Scharr y",
            "Vertical gradient weighted 3 10 3, more rotation-accurate than Sobel: horizontal "
            "edges.",
            [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],
            separable=True,
            tags=("edge", "gradient"),
        ),
        _nk(
            "emboss",
            "Emboss",
            "Relief effect: a diagonal gradient added to the image, as if lit from one corner.",
            [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
            separable=False,
            tags=("stylize",),
        ),
    )
}
"""All named kernels, by machine name, in display order."""


def names() -> list[str]:
    """Machine names of the named kernels, in display order."""
    return list(LIBRARY)


def _normalise_name(name: str) -> str:
    return "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())


def get(name: str) -> NamedKernel:
    """The named kernel ``name``.

    Lookup tolerates case, spaces and underscores (``"Sobel_X"`` finds ``"sobel-x"``).
    An unknown name raises :class:`ValueError` with a one-line message that suggests the
    closest names and lists all known ones.
    """
    if isinstance(name, str):
        if name in LIBRARY:
            return LIBRARY[name]
        key = _normalise_name(name)
        if key in LIBRARY:
            return LIBRARY[key]
        close = difflib.get_close_matches(key, LIBRARY, n=3, cutoff=0.6)
    else:
        close = []
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ValueError(f"unknown kernel {name!r}; {hint}known: {', '.join(LIBRARY)}")


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------


def _gaussian_1d(n: int, sigma: float) -> np.ndarray:
    x = np.arange(n, dtype=np.float64) - (n - 1) / 2.0
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def gaussian(size: int | tuple[int, int], sigma: float | tuple[float, float]) -> np.ndarray:
    """Sampled Gaussian kernel, normalised to sum 1. Separable.

    ``size`` is ``n`` or ``(rows, cols)`` (any positive size; even sizes are centred between
    pixels); ``sigma`` is ``s`` or ``(sigma_rows, sigma_cols)``, in pixels, > 0. The result is
    the outer product of two 1-D Gaussians sampled at pixel centres, each normalised to sum 1.
    """
    rows, cols = (_int_arg("size", v) for v in _pair("size", size))
    sy, sx = (_float_arg("sigma", v, positive=True) for v in _pair("sigma", sigma))
    return np.outer(_gaussian_1d(rows, sy), _gaussian_1d(cols, sx))


def box(h: int, w: int | None = None) -> np.ndarray:
    """Box (mean) kernel ``ones((h, w)) / (h * w)``; ``w`` defaults to ``h``. Separable."""
    h = _int_arg("h", h)
    w = h if w is None else _int_arg("w", w)
    return np.full((h, w), 1.0 / (h * w))


#: Subsamples per pixel side used by :func:`motion_blur`.
_MOTION_SUBSAMPLES = 16


def motion_blur(length: int, angle: float) -> np.ndarray:
    """Linear motion-blur kernel: a line ``length`` pixels long through the centre, sum 1.

    ``angle`` is in degrees, 0 = horizontal, counter-clockwise positive as seen on screen
    (rows grow downward, so 90° is vertical and 45° runs from bottom-left to top-right).
    The kernel is square with the smallest odd side >= ``length``.

    Drawing: anti-aliased by supersampling. Each pixel's weight is the fraction of a 16×16
    grid of sample points inside it that fall in a 1-pixel-wide rectangle of length
    ``length`` centred on the kernel centre and rotated by ``angle``; the result is then
    divided by its sum. At 0° and 90° (odd length) this is exactly ``1/length`` along the
    centre row / column. Slivers of the rectangle's corners that poke out of the square at
    oblique angles are dropped. Separable only at multiples of 90°. ``length`` 1 gives
    ``[[1.]]``.
    """
    length = _int_arg("length", length)
    angle = _float_arg("angle", angle)
    if length == 1:
        return np.ones((1, 1))
    n = length if length % 2 else length + 1
    theta = math.radians(angle % 360.0)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    # Snap the rounding noise of cos(90°) etc. so axis-aligned lines are exact.
    cos_t = 0.0 if abs(cos_t) < 1e-12 else cos_t
    sin_t = 0.0 if abs(sin_t) < 1e-12 else sin_t
    centre = (n - 1) / 2.0
    # Pixel-centre coordinates with y pointing up, so counter-clockwise angles are positive.
    x = (np.arange(n, dtype=np.float64) - centre)[np.newaxis, :]
    y = (centre - np.arange(n, dtype=np.float64))[:, np.newaxis]
    sub = (np.arange(_MOTION_SUBSAMPLES) + 0.5) / _MOTION_SUBSAMPLES - 0.5
    half_len = length / 2.0
    counts = np.zeros((n, n))
    for dy in sub:
        yy = y + dy
        for dx in sub:
            xx = x + dx
            along = xx * cos_t + yy * sin_t
            across = yy * cos_t - xx * sin_t
            counts += (np.abs(along) <= half_len) & (np.abs(across) <= 0.5)
    return counts / counts.sum()


def laplacian_of_gaussian(size: int, sigma: float) -> np.ndarray:
    """Laplacian-of-Gaussian kernel (as MATLAB's ``fspecial('log')``). Not separable.

    ``size`` is odd and >= 3; ``sigma`` > 0 in pixels. Computed as ``g * (r² - 2σ²) / σ⁴`` with
    ``g`` the Gaussian normalised to sum 1, then the mean is subtracted so the kernel sums to
    zero (flat areas give 0). The centre is negative and the most negative tap (the inverted
    'Mexican hat'); bright blobs of radius about ``σ√2`` give a strong negative response.
    """
    size = _int_arg("size", size, minimum=3)
    if size % 2 == 0:
        raise ValueError(f"size must be odd, got {size}")
    sigma = _float_arg("sigma", sigma, positive=True)
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    r2 = x[np.newaxis, :] ** 2 + x[:, np.newaxis] ** 2
    g = np.exp(-r2 / (2.0 * sigma**2))
    g /= g.sum()
    # (r² - 2σ²)/σ⁴ written as (r²/σ² - 2)/σ² so that huge sigmas do not overflow.
    log = g * (r2 / sigma**2 - 2.0) / sigma**2
    log -= log.mean()
    c = size // 2
    if not log[c, c] < 0:  # only when sigma is so large the taps are equal to rounding
        raise ValueError(f"sigma {sigma} is too large for a {size}×{size} kernel")
    return log


def dilate(kernel: np.ndarray, d: int | tuple[int, int]) -> np.ndarray:
    """Spread the taps of ``kernel`` ``d`` apart (à trous / dilated kernel).

    ``d`` is ``n`` or ``(d_rows, d_cols)``, each >= 1. For a ``kh×kw`` kernel the result has
    shape ``(dh*(kh-1)+1, dw*(kw-1)+1)`` with ``out[a*dh, b*dw] = kernel[a, b]`` and zeros
    elsewhere, in the kernel's dtype. ``d=1`` returns a copy. Separable iff ``kernel`` is.
    """
    k = _as_2d("kernel", kernel)
    dh, dw = (_int_arg("d", v, maximum=MAX_SIZE) for v in _pair("d", d))
    kh, kw = k.shape
    shape = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    if max(shape) > MAX_SIZE:
        raise ValueError(f"dilated kernel would be {shape[0]}×{shape[1]}, over {MAX_SIZE}")
    out = np.zeros(shape, dtype=k.dtype)
    out[::dh, ::dw] = k
    return out


def patch_kernel(patch: np.ndarray, zero_mean: bool = True) -> np.ndarray:
    """The kernel made from an image patch: minus its mean (``zero_mean``, so flat regions give
    0 and a match stands out), scaled so the absolute values sum to 1, rounded to 6 decimals."""
    kernel = np.asarray(patch, dtype=np.float64)
    if zero_mean:
        kernel = kernel - kernel.mean()
    scale = float(np.abs(kernel).sum()) or 1.0
    return np.round(kernel / scale, 6)


# --------------------------------------------------------------------------------------------
# Generator descriptions for the GUI
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One numeric parameter of a generator, with the range the GUI offers.

    ``kind`` is ``int`` or ``float``. ``odd`` marks int parameters that must be odd (the GUI
    should step by 2).
    """

    name: str
    kind: type
    default: int | float
    minimum: int | float
    maximum: int | float
    help: str
    odd: bool = False

    def __post_init__(self) -> None:
        if self.kind not in (int, float):
            raise ValueError(f"parameter {self.name!r}: kind must be int or float")
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError(f"parameter {self.name!r}: default outside [minimum, maximum]")

    def coerce(self, value: Any) -> int | float:
        """``value`` converted to ``kind`` and checked against the range (``ValueError``)."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise ValueError(f"{self.name} must be finite, got {value!r}")
        if self.kind is int:
            if float(value) != int(value):
                raise ValueError(f"{self.name} must be a whole number, got {value!r}")
            result: int | float = int(value)
        else:
            result = float(value)
        if not self.minimum <= result <= self.maximum:
            raise ValueError(
                f"{self.name} must be between {self.minimum} and {self.maximum}, got {result}"
            )
        if self.odd and result % 2 == 0:
            raise ValueError(f"{self.name} must be odd, got {result}")
        return result


@dataclass(frozen=True)
class GeneratorSpec:
    """A kernel generator as shown in the GUI picker."""

    name: str
    title: str
    description: str
    func: Callable[..., np.ndarray]
    params: tuple[Param, ...]

    def defaults(self) -> dict[str, int | float]:
        """Parameter name -> default value."""
        return {p.name: p.default for p in self.params}

    def make(self, **params: Any) -> np.ndarray:
        """Call ``func`` with ``params`` (missing ones take their defaults).

        Values are coerced to the parameter's kind and range-checked; an unknown parameter
        name or a bad value raises :class:`ValueError`.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(
                f"{self.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"parameters: {', '.join(known)}"
            )
        kwargs = {p.name: p.coerce(params.get(p.name, p.default)) for p in self.params}
        return self.func(**kwargs)


GENERATORS: dict[str, GeneratorSpec] = {
    g.name: g
    for g in (
        GeneratorSpec(
            "gaussian",
            "Gaussian",
            "Smooth blur whose strength is set by sigma; normalised to sum 1, separable.",
            gaussian,
            (
                Param("size", int, 5, 1, 51, "Kernel side in pixels (about 6×sigma covers it)."),
                Param("sigma", float, 1.0, 0.1, 20.0, "Spread of the bell curve, in pixels."),
            ),
        ),
        GeneratorSpec(
            "box",
            "Box",
            "Plain average over an h×w rectangle; separable.",
            box,
            (
                Param("h", int, 3, 1, 51, "Height in pixels."),
                Param("w", int, 3, 1, 51, "Width in pixels."),
            ),
        ),
        GeneratorSpec(
            "motion_blur",
            "Motion blur",
            "Averages along a straight line, like a camera moving during the exposure.",
            motion_blur,
            (
                Param("length", int, 9, 1, 51, "Length of the streak in pixels."),
                Param(
                    "angle",
                    float,
                    0.0,
                    -180.0,
                    180.0,
                    "Direction in degrees: 0 horizontal, 90 vertical, counter-clockwise.",
                ),
            ),
        ),
        GeneratorSpec(
            "laplacian_of_gaussian",
            "Laplacian of Gaussian",
            "Blob and edge detector: smooths then takes the Laplacian; zero-sum, not separable.",
            laplacian_of_gaussian,
            (
                Param("size", int, 9, 3, 51, "Kernel side in pixels (odd; about 9×sigma).", True),
                Param("sigma", float, 1.4, 0.1, 20.0, "Scale of the blobs it responds to."),
            ),
        ),
    )
}
"""Parametric generators by name, in display order."""


# --------------------------------------------------------------------------------------------
# Frequency response
# --------------------------------------------------------------------------------------------

#: Largest grid :func:`frequency_response` computes.
MAX_RESPONSE_SIZE = 4096


def frequency_response(kernel: np.ndarray, size: int = 64) -> np.ndarray:
    """Magnitude of the kernel's 2-D discrete Fourier transform: how strongly each spatial
    frequency passes through the filter.

    The kernel is placed at the top-left of a ``size``×``size`` grid of zeros, transformed with
    the FFT, and the result is shifted so that zero frequency (the flat, constant image) is at
    the centre ``(size // 2, size // 2)`` and the highest frequencies (pixel-to-pixel
    alternation) are at the edges and corners. The value at the centre is ``|sum of the
    kernel|``; the magnitude does not depend on where the kernel sits in the grid, so the
    anchor does not matter. Blurs are bright in the middle (low-pass), edge detectors dark in
    the middle (zero-sum: flat areas give 0) and bright at the rim (high-pass).

    ``size`` is an int from the larger kernel side up to :data:`MAX_RESPONSE_SIZE`. Returns a
    (size, size) float64 array of values ≥ 0.
    """
    k = _as_2d("kernel", kernel).astype(np.float64)
    size = _int_arg("size", size, maximum=MAX_RESPONSE_SIZE)
    if size < max(k.shape):
        raise ValueError(
            f"size {size} is smaller than the {k.shape[0]}×{k.shape[1]} kernel: use at least "
            f"{max(k.shape)}"
        )
    padded = np.zeros((size, size))
    padded[: k.shape[0], : k.shape[1]] = k
    return np.abs(np.fft.fftshift(np.fft.fft2(padded)))


__all__ += ["MAX_RESPONSE_SIZE", "frequency_response"]
