"""Brute-force reference for convgui.engine.convolve2d, written from the contract alone.

Nothing here imports convgui: the padding rule, the output size, the boundary fill, flip,
channel modes and bias are all re-derived from the issue's text so that the tests compare the
engine against an independent implementation.

Two levels:

* :func:`reference_correlate_loops` is the formula written literally — four nested loops over
  output rows, output columns and kernel taps, and its own index arithmetic for the boundary
  fill (no ``numpy.pad``). Slow; used on tiny cases to validate the faster reference.
* :func:`reference_correlate` fills the padding with ``numpy.pad`` and loops over the kernel
  taps, adding one strided slice of the padded image per tap. Still a direct transcription of
  ``Y[i, j] = bias + Σₐ Σ_b Xp[i·sh + a·dh, j·sw + b·dw] · K[a, b]``, fast enough for
  hypothesis.
"""

from __future__ import annotations

import math

import numpy as np

LUMA = (0.299, 0.587, 0.114)


class NoOutput(Exception):
    """The contract says this configuration has no output (some axis has < 1 cells)."""


# ----------------------------------------------------------------------------------------------
# Padding and sizes


def reference_pads(n: int, k: int, padding_axis, s: int, d: int, flip: bool) -> tuple[int, int]:
    """(before, after) padding along one axis, from the contract's rule.

    ``padding_axis`` is "valid", "same", "full", an int p (both sides) or a (before, after) pair.
    """
    if padding_axis == "valid":
        return (0, 0)
    if padding_axis == "full":
        return (d * (k - 1), d * (k - 1))
    if padding_axis == "same":
        out = math.ceil(n / s)
        total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
        extra = total % 2
        half = total // 2
        # the odd extra cell goes bottom/right (after), or top/left (before) when flipped
        return (half + extra, half) if flip else (half, half + extra)
    if isinstance(padding_axis, (tuple, list)):
        before, after = padding_axis
        return (int(before), int(after))
    return (int(padding_axis), int(padding_axis))


def split_padding(padding) -> tuple:
    """Turn any padding form into one spec per axis (height, width)."""
    if isinstance(padding, str):
        return (padding, padding)
    if isinstance(padding, (tuple, list)):
        return (padding[0], padding[1])
    return (padding, padding)


def reference_output_size(n: int, k: int, before: int, after: int, s: int, d: int) -> int:
    """⌊(n + p_before + p_after − d·(k−1) − 1)/s⌋ + 1 (may be < 1: no output)."""
    return (n + before + after - d * (k - 1) - 1) // s + 1


def _pair(v) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        return (int(v[0]), int(v[1]))
    return (int(v), int(v))


# ----------------------------------------------------------------------------------------------
# The pure-loop version (tiny cases only)


def _source_index(i: int, n: int, boundary: str) -> int | None:
    """Index into an axis of length n for padded-coordinate offset i (i may be outside 0..n-1).

    None means "outside, use cval". Written from the textbook definitions of the modes:
    reflect (d c b | a b c d | c b a), symmetric (c b a | a b c | c b a), edge, wrap.
    """
    if 0 <= i < n:
        return i
    if boundary == "constant":
        return None
    if boundary == "edge":
        return 0 if i < 0 else n - 1
    if boundary == "wrap":
        return i % n
    if boundary == "symmetric":
        m = i % (2 * n)
        return m if m < n else 2 * n - 1 - m
    if boundary == "reflect":
        if n == 1:
            return 0
        period = 2 * (n - 1)
        m = i % period
        return m if m < n else period - m
    raise ValueError(boundary)


def reference_correlate_loops(image, kernel, pads, stride, dilation, boundary, cval):
    """Y[i, j] = Σₐ Σ_b Xp[i·sh + a·dh, j·sw + b·dw] · K[a, b], four loops, no numpy.pad."""
    x = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    (top, bottom), (left, right) = pads
    (sh, sw), (dh, dw) = stride, dilation
    h, w = x.shape
    kh, kw = k.shape
    oh = reference_output_size(h, kh, top, bottom, sh, dh)
    ow = reference_output_size(w, kw, left, right, sw, dw)
    if oh < 1 or ow < 1:
        raise NoOutput(f"{oh}×{ow}")
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            total = 0.0
            for a in range(kh):
                for b in range(kw):
                    r = _source_index(i * sh + a * dh - top, h, boundary)
                    c = _source_index(j * sw + b * dw - left, w, boundary)
                    value = cval if r is None or c is None else x[r, c]
                    total += value * k[a, b]
            out[i, j] = total
    return out


# ----------------------------------------------------------------------------------------------
# The tap-loop version (used by the property tests)


def reference_pad(image, pads, boundary, cval):
    """The padded image Xp (float64), filled with numpy.pad's mode of the same name."""
    x = np.asarray(image, dtype=np.float64)
    if boundary == "constant":
        return np.pad(x, pads, mode="constant", constant_values=cval)
    return np.pad(x, pads, mode=boundary)


def reference_correlate(image, kernel, pads, stride, dilation, boundary, cval):
    """Cross-correlation of a 2-D image: loop over kernel taps, one strided slice per tap."""
    x = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    (top, bottom), (left, right) = pads
    (sh, sw), (dh, dw) = stride, dilation
    h, w = x.shape
    kh, kw = k.shape
    oh = reference_output_size(h, kh, top, bottom, sh, dh)
    ow = reference_output_size(w, kw, left, right, sw, dw)
    if oh < 1 or ow < 1:
        raise NoOutput(f"{oh}×{ow}")
    xp = reference_pad(x, pads, boundary, cval)
    out = np.zeros((oh, ow))
    for a in range(kh):
        for b in range(kw):
            r0, c0 = a * dh, b * dw
            out += k[a, b] * xp[r0:r0 + (oh - 1) * sh + 1:sh, c0:c0 + (ow - 1) * sw + 1:sw]
    return out


def reference_planes(image, channels: str) -> list[np.ndarray]:
    """The 2-D float64 planes the contract filters, before padding."""
    x = np.asarray(image, dtype=np.float64)
    if x.ndim == 2:
        return [x]
    if channels == "luma":
        if x.shape[2] == 1:
            return [x[:, :, 0]]
        return [LUMA[0] * x[:, :, 0] + LUMA[1] * x[:, :, 1] + LUMA[2] * x[:, :, 2]]
    return [x[:, :, c] for c in range(x.shape[2])]


def reference_convolve2d(
    image, kernel, *, padding="valid", stride=1, dilation=1, boundary="constant", cval=0.0,
    flip=False, channels="per-channel", bias=0.0, loops=False,
):
    """What convolve2d must return, in float64. Raises NoOutput when no output exists.

    ``loops=True`` uses the four-loop version (tiny inputs only).
    """
    image = np.asarray(image)
    k = np.asarray(kernel, dtype=np.float64)
    if flip:
        k = k[::-1, ::-1]
    s, d = _pair(stride), _pair(dilation)
    spec_h, spec_w = split_padding(padding)
    pads = (
        reference_pads(image.shape[0], k.shape[0], spec_h, s[0], d[0], flip),
        reference_pads(image.shape[1], k.shape[1], spec_w, s[1], d[1], flip),
    )
    correlate = reference_correlate_loops if loops else reference_correlate
    results = [
        correlate(p, k, pads, s, d, boundary, cval) for p in reference_planes(image, channels)
    ]
    if image.ndim == 2 or channels == "luma":
        return results[0] + bias
    if channels == "sum":
        return np.sum(results, axis=0) + bias
    return np.stack(results, axis=2) + bias


def reference_scale(image, kernel, *, boundary="constant", cval=0.0, channels="per-channel",
                    bias=0.0, **_ignored) -> float:
    """Σ|K| · max|Xp| + |bias| + 1: the magnitude that rounding errors scale with.

    For channels="sum" the channel count multiplies max|Xp| (C planes are added).
    """
    image = np.asarray(image)
    planes = reference_planes(image, channels)
    peak = max(float(np.max(np.abs(p))) for p in planes)
    if boundary == "constant":
        peak = max(peak, abs(float(cval)))
    if image.ndim == 3 and channels == "sum":
        peak *= len(planes)
    return float(np.sum(np.abs(np.asarray(kernel, dtype=np.float64)))) * peak + abs(bias) + 1.0
