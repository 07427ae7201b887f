"""The one immutable value object that describes a convolution: what the controls edit, what
the worker receives, what a preset stores, what "Copy as Python" prints and what QSettings
remembers. It round-trips through JSON. No Qt here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from convgui.shapes import BOUNDARIES, CHANNEL_MODES, PADDING_NAMES, positive_pair

DISPLAY_MODES = ("auto", "clip", "abs", "normalize", "offset", "diverging")
MAX_KERNEL_SIDE = 31

Grid = tuple[tuple[float, ...], ...]
Pads = tuple[tuple[int, int], tuple[int, int]]


def _grid(value: Any) -> Grid:
    """Validate a kernel grid (rows of finite numbers, 1..31 per side) and freeze it."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError("kernel must be a non-empty list of rows")
    rows = []
    width = None
    for r, row in enumerate(value, start=1):
        if not isinstance(row, (list, tuple)) or not row:
            raise ValueError(f"kernel row {r} must be a non-empty list of numbers")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"row {r} has {len(row)} values, expected {width}")
        cells = []
        for c, v in enumerate(row, start=1):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise ValueError(f"cell ({r}, {c}) is not a number")
            if not is_finite_number(v):
                raise ValueError(f"cell ({r}, {c}) is {v}: NaN/inf not allowed")
            cells.append(_number(v))
        rows.append(tuple(cells))
    if len(rows) > MAX_KERNEL_SIDE or (width or 0) > MAX_KERNEL_SIDE:
        raise ValueError(
            f"grid {len(rows)}×{width} is larger than {MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE}"
        )
    return tuple(rows)


def _number(v: float) -> float:
    """Keep integers as ints (so a saved grid reads as it was typed), other values as floats."""
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def is_finite_number(v: float) -> bool:
    """``math.isfinite``, but False (not OverflowError) for an int too large for a float."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def _padding(value: Any) -> str | Pads:
    if isinstance(value, str):
        if value not in PADDING_NAMES:
            names = ", ".join(PADDING_NAMES)
            raise ValueError(f"unknown padding {value!r}: use {names} or numbers")
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = ((value, value), (value, value))
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
    ):
        value = ((value[0], value[0]), (value[1], value[1]))
    try:
        (t, b), (left, right) = value
        pads = ((int(t), int(b)), (int(left), int(right)))
    except (TypeError, ValueError):
        raise ValueError(
            f"padding must be a name or ((top, bottom), (left, right)), got {value!r}"
        ) from None
    if min(t, b, left, right) < 0 or any(isinstance(v, bool) for v in (t, b, left, right)):
        raise ValueError(f"padding must be whole numbers ≥ 0, got {value!r}")
    return pads


@dataclass(frozen=True)
class Settings:
    """Everything that decides a result. Construct with keywords; invalid values raise ValueError.

    ``kernel`` is the grid as entered; the engine uses ``kernel / divisor``.
    """

    kernel: Grid = ((0, 0, 0), (0, 1, 0), (0, 0, 0))
    divisor: float = 1
    bias: float = 0
    padding: str | Pads = "same"
    stride: tuple[int, int] = (1, 1)
    dilation: tuple[int, int] = (1, 1)
    boundary: str = "reflect"
    cval: float = 0
    flip: bool = False
    channels: str = "per-channel"
    display: str = "auto"

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "kernel", _grid(self.kernel))
        for name in ("divisor", "bias", "cval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if not is_finite_number(value):
                raise ValueError(f"{name} must be finite, got {value}")
            put(self, name, _number(value))
        if self.divisor == 0:
            raise ValueError("divisor must not be 0")
        put(self, "padding", _padding(self.padding))
        put(self, "stride", positive_pair(self.stride, "stride"))
        put(self, "dilation", positive_pair(self.dilation, "dilation"))
        if self.boundary not in BOUNDARIES:
            raise ValueError(f"unknown boundary {self.boundary!r}: use {', '.join(BOUNDARIES)}")
        if self.channels not in CHANNEL_MODES:
            raise ValueError(
                f"unknown channel mode {self.channels!r}: use {', '.join(CHANNEL_MODES)}"
            )
        if self.display not in DISPLAY_MODES:
            raise ValueError(f"unknown display {self.display!r}: use {', '.join(DISPLAY_MODES)}")
        if not isinstance(self.flip, (bool, np.bool_)):
            raise ValueError(f"flip must be true or false, got {self.flip!r}")
        put(self, "flip", bool(self.flip))

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (validated like the constructor)."""
        return dataclasses.replace(self, **changes)

    def changed_fields(self, other: Settings) -> frozenset[str]:
        """The names of the fields whose values differ between ``self`` and ``other``.

        >>> sorted(Settings().changed_fields(Settings(stride=2, bias=1)))
        ['bias', 'stride']
        """
        return frozenset(name for name in FIELDS if getattr(self, name) != getattr(other, name))

    @property
    def kernel_shape(self) -> tuple[int, int]:
        """(kh, kw)."""
        return (len(self.kernel), len(self.kernel[0]))

    def kernel_array(self) -> np.ndarray:
        """The effective kernel ``grid / divisor`` as a new float64 array."""
        return np.asarray(self.kernel, dtype=np.float64) / self.divisor

    def engine_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`convgui.engine.convolve2d` (everything but the kernel)."""
        return {
            "padding": self.padding, "stride": self.stride, "dilation": self.dilation,
            "boundary": self.boundary, "cval": self.cval, "flip": self.flip,
            "channels": self.channels, "bias": self.bias,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` restores an equal object."""
        return {
            "kernel": [list(row) for row in self.kernel],
            "divisor": self.divisor,
            "bias": self.bias,
            "padding": self.padding if isinstance(self.padding, str)
            else [list(p) for p in self.padding],
            "stride": list(self.stride),
            "dilation": list(self.dilation),
            "boundary": self.boundary,
            "cval": self.cval,
            "flip": self.flip,
            "channels": self.channels,
            "display": self.display,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from :meth:`to_dict` output; unknown keys are an error, missing keys default."""
        if not isinstance(data, dict):
            raise ValueError("settings must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
        values = dict(data)
        for key in ("stride", "dilation"):
            if isinstance(values.get(key), list):
                values[key] = tuple(values[key])
        return cls(**values)


#: The names of :class:`Settings`' fields, in declaration order.
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))

__all__ = ["DISPLAY_MODES", "FIELDS", "MAX_KERNEL_SIDE", "Settings"]
