"""Mapping floating-point convolution results to 8-bit images for display and PNG export.

Pure NumPy, no Qt. A convolution result can leave the input's value range (sharpening
overshoots, edge kernels produce negative values), so how it is turned into 0..255 pixels is a
choice the user makes:

``clip``       clip to ``value_range`` = (lo, hi), then scale lo..hi -> 0..255.
``abs``        take |x|, then as ``clip`` (edge magnitude: both edge polarities bright).
``normalize``  stretch the finite min..max of the whole result (all channels together) to
               0..255; a constant result (or one with no finite value) maps to 0.
``offset``     signed view with a fixed scale: 0 -> 128 (mid-grey), +m -> 255, -m -> 0 where
               m = max(|lo|, |hi|) of ``value_range`` (m = 255 for 8-bit input); beyond is clipped.
``diverging``  like ``offset`` but m = the 99.5th percentile of |x| over the finite values
               (see :func:`symmetric_levels`); the GUI shows it with a diverging colour map.

Every mode: the continuous value is rounded half up (``floor(v + 0.5)``) and clipped to
0..255. Non-finite values never raise: NaN -> 0, +inf -> 255, -inf -> 0 -- except in ``abs``
mode, where |-inf| = +inf -> 255. The output is uint8 with the input's shape ((H, W) or (H, W, 3));
colour channels share one mapping so hues are preserved.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DISPLAY_MODES",
    "GUI_DISPLAY_MODES",
    "MODE_DESCRIPTIONS",
    "suggest_mode",
    "symmetric_levels",
    "to_uint8",
]

DISPLAY_MODES: tuple[str, ...] = ("clip", "abs", "normalize", "offset")
GUI_DISPLAY_MODES: tuple[str, ...] = DISPLAY_MODES + ("diverging",)

MODE_DESCRIPTIONS: dict[str, str] = {
    "clip": "Clip to the input's value range",
    "abs": "Absolute value, clipped to the input's value range",
    "normalize": "Stretch the result's min..max to black..white",
    "offset": "Zero is mid-grey; ± the input's maximum is white/black",
    "diverging": "Zero is neutral; symmetric about zero, scaled to the largest |value|",
}


def _finite_min_max(x: np.ndarray) -> tuple[float, float] | None:
    """(min, max) over the finite values of ``x``, or ``None`` when there are none."""
    if x.size == 0:
        return None
    finite = np.isfinite(x)
    if finite.all():
        return float(x.min()), float(x.max())
    if not finite.any():
        return None
    vals = x[finite]
    return float(vals.min()), float(vals.max())


#: ``diverging`` scales to this percentile of |x| (not the maximum), so that one extreme
#: pixel does not wash every other value out to near-white; values beyond it saturate.
DIVERGING_PERCENTILE = 99.5
_PERCENTILE_SAMPLE = 1 << 18


def symmetric_levels(result: np.ndarray) -> tuple[float, float]:
    """``(-m, m)`` with m the 99.5th percentile of |x| over the finite values (the next value
    up, so for 200 values or fewer it is the maximum); the maximum when that percentile is 0
    (sparse results), 1.0 when there are no non-zero finite values. Large arrays are sampled
    evenly for the percentile."""
    x = np.asarray(result)
    if x.dtype.kind == "b":
        x = x.astype(np.uint8)
    mm = _finite_min_max(x)
    if mm is None:
        return (-1.0, 1.0)
    peak = max(abs(mm[0]), abs(mm[1]))
    if peak == 0.0 or not np.isfinite(peak):
        return (-1.0, 1.0)
    flat = x.reshape(-1)
    if flat.size > _PERCENTILE_SAMPLE:
        flat = flat[:: flat.size // _PERCENTILE_SAMPLE]
    magnitude = np.abs(flat[np.isfinite(flat)].astype(np.float64))
    m = float(np.percentile(magnitude, DIVERGING_PERCENTILE, method="higher"))
    return (-(m or peak), m or peak)


def _check_range(value_range: tuple[float, float]) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"value_range must be two numbers, got {value_range!r}") from exc
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"value_range must be finite with lo < hi, got {value_range!r}")
    return lo, hi


def to_uint8(
    result: np.ndarray, mode: str, value_range: tuple[float, float] = (0.0, 255.0)
) -> np.ndarray:
    """Map ``result`` to uint8 with display ``mode`` (one of :data:`GUI_DISPLAY_MODES`).

    ``value_range`` is the input image's range ((0, 255) for 8-bit, (0, 65535) for 16-bit); it is
    used by ``clip``, ``abs`` and ``offset``. Raises ``ValueError`` for an unknown mode, a bad
    ``value_range`` or a non-numeric array; never for inf/NaN values.
    """
    if mode not in GUI_DISPLAY_MODES:
        raise ValueError(f"unknown display mode {mode!r}; expected one of {GUI_DISPLAY_MODES}")
    lo, hi = _check_range(value_range)
    x = np.asarray(result)
    if x.dtype.kind not in "biuf":
        raise ValueError(f"cannot display data of type {x.dtype}")
    work = np.float32 if x.dtype.kind in "bu" and x.dtype.itemsize <= 2 else np.float64
    if x.dtype in (np.float16, np.float32):
        work = np.float32
    y = np.array(x, dtype=work, copy=True)

    nonfinite = None
    if y.dtype.kind == "f" and y.size and not np.isfinite(y).all():
        nonfinite = (np.isnan(y), np.isposinf(y), np.isneginf(y))
        y[~np.isfinite(y)] = 0.0

    with np.errstate(over="ignore", invalid="ignore"):
        if mode in ("clip", "abs"):
            if mode == "abs":
                np.abs(y, out=y)
            np.clip(y, lo, hi, out=y)
            y -= lo
            y *= 255.0 / (hi - lo)
        elif mode == "normalize":
            if nonfinite is None:
                mm = _finite_min_max(y)
            else:
                mm = _finite_min_max(y[~(nonfinite[0] | nonfinite[1] | nonfinite[2])])
            if mm is None or not mm[1] > mm[0]:
                y[...] = 0.0
            else:
                y -= mm[0]
                y *= 255.0 / (mm[1] - mm[0])
        else:  # offset, diverging
            if mode == "offset":
                m = max(abs(lo), abs(hi))
            else:
                m = symmetric_levels(x)[1]
            y *= 127.5 / m
            y += 127.5
        y += 0.5
        np.floor(y, out=y)
        np.clip(y, 0.0, 255.0, out=y)

    if nonfinite is not None:
        nan, posinf, neginf = nonfinite
        y[nan] = 0.0
        y[posinf] = 255.0
        y[neginf] = 255.0 if mode == "abs" else 0.0
    return y.astype(np.uint8)


def suggest_mode(kernel: np.ndarray) -> str:
    """The display mode that suits a kernel's output: ``"diverging"`` or ``"clip"``.

    ``"diverging"`` when the taps sum to ~0 (|sum| < 1e-9 * sum|taps|: Sobel, Prewitt, Laplacian,
    difference-of-Gaussians ...) or to a negative number (the output is mostly negative, which
    ``clip`` would show as black). Otherwise ``"clip"``: blurs (all taps >= 0) and sharpeners
    (negative taps, sum 1) keep the input's range. Empty, all-zero or non-finite kernels: "clip".
    """
    k = np.asarray(kernel, dtype=np.float64)
    if k.size == 0 or not np.isfinite(k).all():
        return "clip"
    total = float(k.sum())
    magnitude = float(np.abs(k).sum())
    if magnitude == 0.0:
        return "clip"
    if abs(total) < 1e-9 * magnitude or total < 0.0:
        return "diverging"
    return "clip"
