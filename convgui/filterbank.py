"""A filter bank without Qt: its filters, the names they get, their feature maps and the merge.

A filter is a name, a 2-D kernel of finite numbers and a weight (:class:`FilterList`). A kernel
is named after the library kernel or preset it equals (:func:`kernel_name`), else
``Custom kh×kw`` (:func:`filter_name`); a name already in the bank gets ``#2``, ``#3``…
(:func:`unique_name`). Every feature map is ``convolve2d`` of the image (its luma, for RGB)
with the model's geometry; the merged map is :func:`convgui.engine.merge` in the chosen mode
(:func:`bank_maps`). :func:`maps_header` says what the maps are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from convgui import kernels
from convgui.engine import convolve2d, merge
from convgui.presets import Preset
from convgui.render import ShownMap, prepare_map
from convgui.settings import Settings
from convgui.shapes import shape_text

__all__ = ["MERGE_LABELS", "Filter", "FilterList", "bank_maps", "filter_name", "kernel_name",
           "maps_header", "unique_name"]

#: Each merge mode of :data:`convgui.engine.MERGE_MODES`: its label and what it computes.
MERGE_LABELS = {
    "sum": ("sum", "m₁ + m₂ + … + mₙ"),
    "mean": ("mean", "(m₁ + … + mₙ) / n"),
    "weighted": ("weighted sum", "w₁·m₁ + … + wₙ·mₙ (the weights column)"),
    "max": ("max", "the largest response at each pixel"),
    "magnitude": ("magnitude", "√(m₁² + … + mₙ²): Sobel x and y give the gradient magnitude"),
}


def kernel_name(settings: Settings, presets: Sequence[Preset] = ()) -> str | None:
    """The name the kernel of ``settings`` (grid ÷ divisor) is known by: the title of the
    library kernel equal to it, else the name of a kernel-only preset equal to it, else the
    name of a full preset whose settings ``settings`` are exactly (its name may describe them,
    e.g. "Box blur 9×9, zero padding"), in the order given; None when there is none.
    Kernels are equal to 1e−9 relative (1/16 typed or 1 ÷ 16 are the same kernel)."""
    k = settings.kernel_array()

    def same(other: np.ndarray) -> bool:
        return other.shape == k.shape and np.allclose(other, k, rtol=1e-9, atol=1e-12)

    for named in kernels.LIBRARY.values():
        if same(named.kernel()):
            return named.title
    for preset in presets:
        if preset.kernel_only and same(np.asarray(preset.kernel, np.float64) / preset.divisor):
            return preset.name
    for preset in presets:
        if not preset.kernel_only and preset.apply_to(settings) == settings:
            return preset.name
    return None


def filter_name(settings: Settings, presets: Sequence[Preset] = ()) -> str:
    """The name a filter made of the kernel of ``settings`` gets: :func:`kernel_name`, or
    ``Custom kh×kw`` when the kernel has none."""
    kh, kw = settings.kernel_shape
    return kernel_name(settings, presets) or f"Custom {kh}×{kw}"


def unique_name(name: str, taken: Sequence[str]) -> str:
    """``name`` if it is not in ``taken``, else the first free ``"name #2"``, ``"name #3"``…"""
    if name not in taken:
        return name
    n = 2
    while f"{name} #{n}" in taken:
        n += 1
    return f"{name} #{n}"


@dataclass(frozen=True)
class Filter:
    """One filter of a bank: its name, its kernel (2-D, finite, float64, read-only) and its
    weight in a weighted sum."""

    name: str
    kernel: np.ndarray
    weight: float


def _checked_kernel(kernel: np.ndarray) -> np.ndarray:
    """A read-only float64 copy of ``kernel``; ValueError unless it is a non-empty 2-D array
    of finite numbers."""
    k = np.array(kernel, dtype=np.float64)
    if k.ndim != 2 or k.size == 0 or not np.all(np.isfinite(k)):
        raise ValueError("a filter needs a non-empty 2-D kernel of finite numbers")
    k.setflags(write=False)
    return k


class FilterList:
    """The filters of a bank, in order, their names unique. Indexes run from 0 (no negative
    ones: an index outside the list raises IndexError)."""

    def __init__(self) -> None:
        self._filters: list[Filter] = []

    def __len__(self) -> int:
        return len(self._filters)

    def __iter__(self) -> Iterator[Filter]:
        return iter(list(self._filters))

    def __getitem__(self, i: int) -> Filter:
        return self._filters[self._index(i)]

    def names(self) -> list[str]:
        """The names, in order."""
        return [f.name for f in self._filters]

    def add(self, name: str, kernel: np.ndarray, weight: float = 1.0) -> str:
        """Append a filter called ``name`` (``name #2``… when the name is taken); returns the
        name given. ValueError unless ``kernel`` is a non-empty 2-D array of finite numbers."""
        k = _checked_kernel(kernel)
        given = unique_name(str(name), self.names())
        self._filters.append(Filter(given, k, float(weight)))
        return given

    def replace(self, i: int, name: str, kernel: np.ndarray) -> str:
        """Give filter ``i`` another kernel and name (unique among the other filters; its
        weight stays); returns the name given."""
        i = self._index(i)
        k = _checked_kernel(kernel)
        others = [f.name for n, f in enumerate(self._filters) if n != i]
        given = unique_name(str(name), others)
        self._filters[i] = Filter(given, k, self._filters[i].weight)
        return given

    def remove(self, i: int) -> None:
        """Remove filter ``i``."""
        del self._filters[self._index(i)]

    def move(self, i: int, delta: int) -> int:
        """Move filter ``i`` by ``delta`` places, clamped to the list; returns its new index."""
        i = self._index(i)
        j = min(max(i + int(delta), 0), len(self._filters) - 1)
        self._filters.insert(j, self._filters.pop(i))
        return j

    def set_weight(self, i: int, weight: float) -> None:
        """Set the weight of filter ``i``."""
        i = self._index(i)
        old = self._filters[i]
        self._filters[i] = Filter(old.name, old.kernel, float(weight))

    def _index(self, i: int) -> int:
        if not 0 <= i < len(self._filters):
            raise IndexError(f"no filter {i}: there are {len(self._filters)}")
        return i


def bank_maps(image: np.ndarray, kernel_list: Sequence[np.ndarray], geometry: dict[str, Any],
              mode: str, weights: Sequence[float]) -> tuple[list[ShownMap], ShownMap | str]:
    """Every feature map (``convolve2d`` of ``image``, or of its luma when it is (H, W, C),
    with each kernel and ``geometry``) and their merge in ``mode`` (``weights`` are used by
    the weighted sum only), ready to draw; the merge is the message saying why the maps cannot
    be merged when they cannot (maps of different shapes)."""
    channels = "luma" if image.ndim == 3 else "per-channel"
    maps = [convolve2d(image, k, channels=channels, **geometry) for k in kernel_list]
    try:
        merged: ShownMap | str = prepare_map(
            merge(maps, mode, list(weights) if mode == "weighted" else None))
    except ValueError as exc:
        merged = str(exc)
    return [prepare_map(m) for m in maps], merged


def maps_header(count: int, image_shape: tuple[int, ...] | None,
                map_shape: tuple[int, ...] | None = None) -> str:
    """The rich-text header above ``count`` feature maps of an image of ``image_shape`` (None:
    no image yet), with the maps' shape once they are computed."""
    if not count:
        return "<b>Feature maps</b> — no filters: add one on the left"
    plural = "s" if count != 1 else ""
    filters, maps = f"{count} filter{plural}", f"{count} map{plural}"
    if image_shape is None:
        return (f"<b>Feature maps</b> — {filters}: open an image to see "
                f"{'its map' if count == 1 else 'their maps'}")
    source = "luma of the image" if len(image_shape) == 3 else "image"
    return (f"<b>Feature maps</b> — {filters} on the {source} → {maps}"
            + (f" of {shape_text(map_shape)}" if map_shape else ""))
