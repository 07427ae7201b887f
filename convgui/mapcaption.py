"""The caption above a classroom map, without Qt: its name, shape, value range and colour scale,
with numbers shortened to 4 significant digits (:func:`short_value`); and the numbers of the
hover read-outs (:func:`format_value`, 6 digits), which spell NaN and ±inf the same way.

A caption is Qt rich text: ``<b>Sobel x</b> 12×14<br><small>range −312 … 298 · blue −280 …
red +280</small>``; the name is escaped, so a filter called ``a<b`` shows as typed.
"""

from __future__ import annotations

import html
import math

import numpy as np

from convgui.render import ShownMap
from convgui.shapes import shape_text

__all__ = ["format_value", "format_values", "map_caption", "range_text", "short_value"]

MINUS = "−"


def format_value(value: float, digits: int = 6) -> str:
    """A number for a read-out: ``digits`` significant digits, ``−`` for minus (never
    ``−0``), NaN and ±inf spelled out (``NaN``, ``+inf``, ``−inf``)."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+inf" if v > 0 else f"{MINUS}inf"
    return f"{0.0 if v == 0 else v:.{digits}g}".replace("-", MINUS)


def format_values(values: np.ndarray | float) -> str:
    """One value, or a tuple ``(a, b, c)`` for a pixel with several channels."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 1:
        return format_value(arr[0])
    return "(" + ", ".join(format_value(v) for v in arr) + ")"


def short_value(value: float) -> str:
    """A number for a caption: :func:`format_value` with 4 significant digits."""
    return format_value(value, 4)


def range_text(low: float, high: float) -> str:
    """``min … max``, e.g. ``−312 … 298`` (or ``no finite values``)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no finite values"
    return f"{short_value(low)} … {short_value(high)}"


def map_caption(name: str, shown: ShownMap | None = None) -> str:
    """The rich-text caption of ``shown`` called ``name``: the bold name, the map's shape, its
    finite value range and what its colours stand for (blue/red ± the scale for a signed
    map, white = the scale for one ≥ 0, nothing for an input drawn with its own value range);
    without a map, the bold name alone."""
    title = f"<b>{html.escape(name, quote=False)}</b>"
    if shown is None:
        return title
    scale = short_value(shown.scale)
    if shown.grey_range:
        colours = ""
    elif shown.signed:
        colours = f" · blue {MINUS}{scale} … red +{scale}"
    else:
        colours = f" · white = {scale}"
    return (f"{title} {shape_text(shown.data.shape)}<br>"
            f"<small>range {range_text(shown.low, shown.high)}{colours}</small>")
