"""What a result or a map looks like on screen, as NumPy arrays: the same pixels in the window,
in the command line's PNG and in exported figures. No Qt here.

:func:`render` maps a result to 8 bits for the chosen display mode (the diverging mode as
indexes into :data:`DIVERGING_LUT`), :func:`shown_image` gives the pixels as shown (colours for
diverging), :func:`prepare_map` colours the classroom's small maps.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from convgui import display
from convgui.display import to_uint8
from convgui.settings import Settings

#: Blue (−) – white (0) – red (+), 256 RGB entries: colorcet's CET-D1, the colour map pyqtgraph
#: ships under that name (tests/core/test_render.py checks the two agree).
DIVERGING_LUT = np.frombuffer(bytes.fromhex(
    "2151db2552db2a53db2e54dc3155dc3556dc3857dc3b58dc3e5add415bdd435cdd465ddd485ede4b5fde4d60de5061de"
    "5262de5464df5665df5866df5a67df5c68df5e6ae0606be0626ce0646de0666ee0686fe16970e16b72e16d73e16f74e1"
    "7075e27276e27478e27579e2777ae2797be37a7ce37c7de37d7fe37f80e38181e38282e48484e48585e48786e48887e4"
    "8a88e58b8ae58d8be58e8ce5908ee6918fe69290e69491e69592e69794e69895e79a96e79b97e79c98e79e9ae79f9be7"
    "a09ce8a29ee8a39fe8a4a0e8a6a1e8a7a3e8a8a4e9aaa5e9aba7e9aca8e9aea9e9afaae9b0aceab2adeab3aeeab4afea"
    "b6b1eab7b2eab8b3ebb9b5ebbbb6ebbcb7ebbdb8ebbebaebc0bbebc1bcecc2bdecc3bfecc5c0ecc6c2ecc7c3ecc8c4ec"
    "cac5edcbc7edccc8edcdc9edcfcbedd0ccedd1cdedd2cfeed3d0eed5d1eed6d3eed7d4eed8d5eedad6eedbd8eedcd9ee"
    "dddbefdedcefe0ddefe1deefe2dfefe3e1efe4e2efe5e3efe6e4eee8e5eee9e6eeeae6edeae7edebe7ecece7ebede7ea"
    "eee7e9eee7e8efe7e7efe6e6f0e5e4f0e4e2f1e3e1f1e2dff1e1def1e0dcf1dedaf1ddd8f2dcd6f2dad4f2d8d2f2d7d0"
    "f2d5cff2d4cdf2d2caf2d1c9f2cfc7f1cec5f1ccc3f1cac1f1c9bff1c7bdf1c6bbf1c4b9f1c3b7f1c1b6f1c0b4f0beb2"
    "f0bdb0f0bbaef0b9acf0b8aaf0b6a8efb5a7efb3a4efb2a3efb0a1eeaf9feead9deeac9beeaa99eda897eda796eda594"
    "eda492eca290eca18eec9f8deb9e8beb9c89eb9a87ea9985ea9783ea9682e99480e9937ee9917ce88f7ae88e79e78c77"
    "e78b75e78973e68771e68670e5846ee5836ce4816ae48069e37e67e37c65e27b63e27962e17860e1765ee0745ce0735b"
    "df7159df6f57de6e55de6c54dd6b52dd6950dc674fdb654ddb644bda6249da6048d95f46d85d44d85b43d75a41d7583f"
    "d6563dd5543cd5523ad45139d34f37d34d35d24b34d14932d14730d0452ecf442dcf422bce3f29cd3d28cd3b26cc3924"
    "cb3722ca3521ca321fc9301dc82e1cc82b1ac72918c62616c52314c52012c41c10c3180ec2140cc2100ac10908c00206"
), dtype=np.uint8).reshape(256, 3)
GREY_LUT = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)

#: Longest side of the RGB image a map is drawn from; larger maps are subsampled (nearest).
MAX_DISPLAY_SIDE = 1024
_SCALE_SAMPLES = 1 << 20  # values a map's colour scale is estimated from


def resolve_display_mode(settings: Settings) -> str:
    """The display mode to use: the user's choice, or for ``auto`` the kernel's natural one
    (diverging for zero-sum kernels such as Sobel or Laplacian, else clip)."""
    if settings.display != "auto":
        return settings.display
    return display.suggest_mode(settings.kernel_array())


def render(output: np.ndarray, mode: str,
           value_range: tuple[float, float]) -> tuple[np.ndarray, tuple[float, float]]:
    """8-bit display image and the levels its 0 and 255 stand for."""
    image, levels, _ = render_counted(output, mode, value_range)
    return image, levels


#: Outputs with at least this many values are mapped to 8 bits in row blocks on several threads.
PARALLEL_RENDER_VALUES = 1 << 19
_RENDER_THREADS = max(1, min(os.cpu_count() or 1, 4))


def render_counted(output: np.ndarray, mode: str, value_range: tuple[float, float],
                   ) -> tuple[np.ndarray, tuple[float, float], int]:
    """:func:`render` plus the number of NaN/inf values in ``output``.

    Equal to :func:`convgui.display.to_uint8`, value for value; the modes that map each value
    on its own (clip, abs, offset, and diverging once its scale is known) are done in row
    blocks on up to four threads (NumPy releases the GIL), which matters for large images.
    """
    if mode == "diverging":  # offset with (−m, m) from symmetric_levels: the same mapping
        levels = display.symmetric_levels(output)
        image, nonfinite = _map_rows(output, "offset", levels)
        return image, levels, nonfinite
    if mode == "normalize":
        image = display.to_uint8(output, mode, value_range)
        finite = output[np.isfinite(output)]
        nonfinite = int(output.size - finite.size)
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        return image, (lo, hi if hi > lo else lo + 1.0), nonfinite
    image, nonfinite = _map_rows(output, mode, value_range)
    if mode == "offset":
        m = max(abs(value_range[0]), abs(value_range[1]))
        return image, (-m, m), nonfinite
    return image, (float(value_range[0]), float(value_range[1])), nonfinite


def _map_rows(output: np.ndarray, mode: str,
              value_range: tuple[float, float]) -> tuple[np.ndarray, int]:
    """``display.to_uint8(output, mode, value_range)`` and the NaN/inf count, for a mode that
    maps every value on its own, computed in row blocks in parallel when ``output`` is big."""
    parts = min(_RENDER_THREADS, output.shape[0], output.size // PARALLEL_RENDER_VALUES + 1)
    if parts <= 1:
        image = display.to_uint8(output, mode, value_range)
        return image, int(output.size - np.count_nonzero(np.isfinite(output)))
    image = np.empty(output.shape, dtype=np.uint8)
    counts = [0] * parts
    errors: list[BaseException] = []
    bounds = np.linspace(0, output.shape[0], parts + 1).astype(int)

    def block(i: int) -> None:
        try:
            with np.errstate(all="ignore"):
                rows = output[bounds[i]:bounds[i + 1]]
                image[bounds[i]:bounds[i + 1]] = display.to_uint8(rows, mode, value_range)
                counts[i] = int(rows.size - np.count_nonzero(np.isfinite(rows)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            errors.append(exc)

    helpers = [threading.Thread(target=block, args=(i,), name="convgui-render", daemon=True)
               for i in range(1, parts)]
    for t in helpers:
        t.start()
    block(0)
    for t in helpers:
        t.join()
    if errors:
        raise errors[0]
    return image, sum(counts)


def shown_image(image: np.ndarray, mode: str) -> np.ndarray:
    """The 8-bit pixels shown for ``image`` (from :func:`render`) in display ``mode``: the
    image itself, or for a one-channel diverging image its colours (H, W, 3)."""
    image = np.asarray(image)
    if mode != "diverging" or image.ndim != 2:
        return image
    return DIVERGING_LUT[image]


def drawable(image: np.ndarray) -> np.ndarray:
    """The part of ``image`` an image view draws: (H, W) grey and (H, W, 3) RGB as they are;
    of any other channel count (one channel, or several filters) the first channel, (H, W)."""
    if image.ndim == 3 and image.shape[2] != 3:
        return image[:, :, 0]
    return image


def display_scale(data: np.ndarray) -> float:
    """The colour scale of a map: the 99.5th percentile of |x| over the finite values (so a few
    extreme pixels do not wash out the rest; estimated from an even subsample of at most
    ~10⁶ values), or the largest |x| when that is 0; 1 for an all-zero map."""
    arr = np.asarray(data)
    step = max(1, int(np.ceil(np.sqrt(arr.size / _SCALE_SAMPLES))))
    sample = np.abs(arr[::step, ::step].astype(np.float64))
    finite = sample[np.isfinite(sample)]
    if not finite.size:
        return 1.0
    m = float(np.percentile(finite, 99.5))
    if m <= 0.0:
        whole = np.abs(arr.astype(np.float64))
        m = float(whole[np.isfinite(whole)].max())
    return m if m > 0.0 else 1.0


@dataclass(frozen=True)
class ShownMap:
    """A 2-D map ready to draw: made by :func:`prepare_map` (in a worker thread), drawn by
    :meth:`MapTile.set_map` on the GUI thread."""

    data: np.ndarray  # the map itself (full size)
    rgb: np.ndarray  # (h, w, 3) uint8, subsampled to ≤ MAX_DISPLAY_SIDE
    signed: bool  # drawn with the diverging colours
    scale: float  # |value| drawn with the end colour (or the top of the value range)
    low: float  # finite min (NaN when none)
    high: float  # finite max
    grey_range: bool  # drawn with a given value range (an input plane)


def prepare_map(
    data: np.ndarray, value_range: tuple[float, float] | None = None,
) -> ShownMap:
    """Colour a 2-D map for display (see :func:`colorize`), with its finite min and max."""
    arr = np.asarray(data)
    step = max(1, int(np.ceil(max(arr.shape[:2]) / MAX_DISPLAY_SIDE)))
    shown = arr[::step, ::step]
    finite_min, finite_max = _finite_min_max(arr)
    if value_range is not None:
        rgb = GREY_LUT[to_uint8(shown, "clip", value_range)]
        return ShownMap(arr, rgb, False, float(value_range[1]), float(finite_min),
                        float(finite_max), True)
    m = display_scale(arr)
    signed = bool(finite_min < 0)
    if signed:
        rgb = DIVERGING_LUT[to_uint8(shown, "offset", (-m, m))]
    else:
        rgb = GREY_LUT[to_uint8(shown, "clip", (0.0, m))]
    return ShownMap(arr, rgb, signed, m, float(finite_min), float(finite_max), False)


def _finite_min_max(arr: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, (NaN, NaN) when there are none."""
    finite_mask = np.isfinite(arr)
    if finite_mask.all() and arr.size:
        return float(arr.min()), float(arr.max())
    values = arr[finite_mask]
    if not values.size:
        return float("nan"), float("nan")
    return float(values.min()), float(values.max())
