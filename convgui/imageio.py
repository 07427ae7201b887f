"""Loading input images and saving results (Pillow + NumPy only; no Qt).

Loading
    :func:`load_image` reads PNG, JPEG, TIFF, BMP (and GIF, WebP, PNM) with Pillow and returns a
    :class:`LoadedImage`: float32 pixel data in the file's *native* value range (0..255 for 8-bit,
    0..65535 for 16-bit, the data's own min..max for floating-point TIFFs), with any alpha channel
    split off (alpha is kept for reference but never convolved). EXIF orientation is applied.
    Every failure -- missing file, permission, empty/truncated/corrupt file, something that is not
    an image, an image over Pillow's pixel limit (decompression bomb) -- raises
    :class:`ImageLoadError` whose message is a single line for the user, e.g.
    ``cannot read 'x.png': image is truncated``. No raw Pillow/OS exception escapes.

Saving
    :func:`save_png` (display-mapped uint8), :func:`save_npy` (raw array) and
    :func:`save_tiff_float32` (raw values, one channel, 32-bit float) all write atomically through
    :func:`convgui.atomic.atomic_write`; failures raise :class:`ImageSaveError` (one line).
    :func:`save_output` picks one of them from the file extension.

Known limitation: Pillow has no 16-bit-per-channel colour mode, so 16-bit RGB(A) and 16-bit
grey+alpha files are delivered by Pillow already reduced to 8 bits; they load as 8-bit images
(``value_range == (0, 255)``, ``bit_depth == 8``). 16-bit *greyscale* keeps all 16 bits.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from convgui.atomic import AtomicWriteError, atomic_write, describe_os_error, quote_path

__all__ = [
    "READ_EXTENSIONS",
    "SAVE_EXTENSIONS",
    "ImageLoadError",
    "ImageSaveError",
    "LoadedImage",
    "image_from_array",
    "load_image",
    "pixel_limit",
    "save_npy",
    "save_output",
    "save_png",
    "save_tiff_float32",
]

#: Pillow format names :func:`load_image` accepts (others, e.g. EPS via Ghostscript, are refused).
READ_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP", "PPM")
#: File extensions for an "Open image" dialog filter.
READ_EXTENSIONS: tuple[str, ...] = (
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm",
)  # fmt: skip
#: File extensions :func:`save_output` understands.
SAVE_EXTENSIONS: tuple[str, ...] = (".png", ".npy", ".tif", ".tiff")

_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")
# Modes converted to something with 1 or 3 colour channels (+ optional alpha) before reading.
_TO_RGB = ("RGBX", "CMYK", "YCbCr", "HSV", "LAB")
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")


class ImageLoadError(ValueError):
    """An image could not be loaded; ``str(error)`` is a one-line message for the user."""


class ImageSaveError(ValueError):
    """A result could not be saved; ``str(error)`` is a one-line message for the user."""


@dataclass(frozen=True)
class LoadedImage:
    """An input image ready for convolution.

    ``data``        (H, W) or (H, W, 3) float32, values in the file's native range (read-only).
    ``alpha``       (H, W) float32 in the same range, or ``None``; set aside, not convolved.
    ``value_range`` (0, 255) for 8-bit (and 1-bit) files, (0, 65535) for 16-bit; for
                    floating-point or 32-bit integer data outside 0..65535, the finite (min, max)
                    of the data (widened to include 0 if the image is constant). Always lo < hi.
    ``bit_depth``   bits per channel of ``data`` as decoded: 1, 8, 16 or 32.
    ``mode``        Pillow's mode of the file before any conversion ("P", "CMYK", "I;16", ...);
                    for :func:`image_from_array` a Pillow-style name describing the array.
    ``path``        the file it came from, or ``None``.
    ``downscale``   ``data`` is the file's image shrunk by :func:`block_mean` with this factor
                    (1: as read).
    """

    data: np.ndarray
    alpha: np.ndarray | None
    value_range: tuple[float, float]
    bit_depth: int
    mode: str
    path: str | None = None
    downscale: int = 1

    @property
    def height(self) -> int:
        return int(self.data.shape[0])

    @property
    def width(self) -> int:
        return int(self.data.shape[1])

    @property
    def channels(self) -> int:
        """1 for greyscale, 3 for colour (alpha not counted)."""
        return 1 if self.data.ndim == 2 else int(self.data.shape[2])


class _Reason(Exception):
    """Internal: a failure reason to be prefixed with "cannot read '<path>': "."""


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def pixel_limit() -> int | None:
    """The largest accepted image (width × height), i.e. Pillow's ``Image.MAX_IMAGE_PIXELS``.

    Read on every call so it can be changed at run time. Anything above it is refused outright
    (where Pillow itself would only warn up to twice the limit). ``None`` means no limit.
    """
    limit = Image.MAX_IMAGE_PIXELS
    return None if limit is None else int(limit)


def _too_large(pixels: int | None, limit: int | None, size: tuple[int, int] | None = None) -> str:
    if pixels is None:
        return "image is too large (possible decompression bomb)"
    shown = f"{size[0]}×{size[1]} = {pixels:,} pixels" if size else f"{pixels:,} pixels"
    tail = f"; the limit is {limit:,} pixels" if limit is not None else ""
    return f"image is too large ({shown}){tail}"


def _check_pixels(width: int, height: int) -> None:
    limit = pixel_limit()
    pixels = int(width) * int(height)
    if limit is not None and pixels > limit:
        raise _Reason(_too_large(pixels, limit, (int(width), int(height))))


def _bomb_reason(exc: BaseException) -> str:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    pixels = int(match.group(1)) if match else None
    return _too_large(pixels, pixel_limit())


def _float_range(data: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, widened so that lo < hi always holds."""
    mask = np.isfinite(data)
    finite = data if mask.all() else data[mask]
    if finite.size == 0:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        if lo == hi:
            hi = 1.0
    return (lo, hi)


def _freeze(arr: np.ndarray | None) -> np.ndarray | None:
    if arr is not None:
        arr.flags.writeable = False
    return arr


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; a damaged EXIF block is ignored rather than fatal."""
    try:
        rotated = ImageOps.exif_transpose(im)
    except Exception:  # a broken EXIF block must not prevent loading
        return im
    return im if rotated is None else rotated


def _decode(im: Image.Image) -> tuple[np.ndarray, np.ndarray | None, tuple[float, float], int]:
    """Pillow image (already loaded, upright) -> (data, alpha, value_range, bit_depth)."""
    mode = im.mode
    if mode in _SIXTEEN_BIT_MODES:
        return np.asarray(im).astype(np.float32), None, (0.0, 65535.0), 16
    if mode == "I":
        raw = np.asarray(im)
        data = raw.astype(np.float32)
        if raw.size and raw.min() >= 0 and raw.max() <= 65535:
            return data, None, (0.0, 65535.0), 16
        return data, None, _float_range(data), 32
    if mode == "F":
        data = np.array(im, dtype=np.float32)
        return data, None, _float_range(data), 32

    bit_depth = 8
    if mode == "1":
        im, bit_depth = im.convert("L"), 1
    elif mode == "La":
        im = im.convert("LA")
    elif mode in ("RGBa", "PA"):
        im = im.convert("RGBA")
    elif mode in ("P", "L", "RGB"):
        if im.has_transparency_data:  # palette alpha / tRNS colour key
            im = im.convert("LA" if mode == "L" else "RGBA")
        elif mode == "P":
            im = im.convert("RGB")
    elif mode in _TO_RGB:
        try:
            im = im.convert("RGB")
        except (ValueError, OSError) as exc:
            raise _Reason(f"colour mode {mode!r} is not supported") from exc
    if im.mode not in ("L", "LA", "RGB", "RGBA"):
        raise _Reason(f"colour mode {mode!r} is not supported")

    arr = np.asarray(im)
    alpha = None
    if im.mode in ("LA", "RGBA"):
        alpha = arr[..., -1].astype(np.float32)
        arr = arr[..., 0] if im.mode == "LA" else arr[..., :3]
    return arr.astype(np.float32), alpha, (0.0, 255.0), bit_depth


def _looks_like_image(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return any(head.startswith(sig) for sig in _SIGNATURES)


def _decode_reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, EOFError) or "truncated" in text.lower():
        return "image is truncated"
    if isinstance(exc, MemoryError):
        return "not enough memory to decode the image"
    detail = f" ({text[:120]})" if text else ""
    return f"image data is corrupt{detail}"


def load_image(path: str | os.PathLike[str]) -> LoadedImage:
    """Read an image file; see the module docstring. Raises :class:`ImageLoadError` only."""
    shown = quote_path(path)

    def fail(reason: str) -> ImageLoadError:
        return ImageLoadError(f"cannot read {shown}: {reason}")

    try:
        info = os.stat(path)
    except OSError as exc:
        raise fail(describe_os_error(exc, reading=True)) from exc
    except (TypeError, ValueError) as exc:  # e.g. an embedded NUL character
        raise fail("invalid file name") from exc
    if stat.S_ISDIR(info.st_mode):
        raise fail("it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise fail("not a regular file")
    if info.st_size == 0:
        raise fail("file is empty")

    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise fail(describe_os_error(exc, reading=True)) from exc

    with fh:
        try:
            with warnings.catch_warnings():
                # Pillow only *warns* between 1x and 2x MAX_IMAGE_PIXELS: treat that as an error.
                # (catch_warnings is not thread-safe; the explicit _check_pixels covers that.)
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(fh, formats=list(READ_FORMATS)) as im:
                    original_mode = im.mode
                    _check_pixels(*im.size)
                    im.load()
                    upright = _upright(im)
                    data, alpha, value_range, bit_depth = _decode(upright)
        except _Reason as exc:
            raise fail(str(exc)) from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise fail(_bomb_reason(exc)) from exc
        except UnidentifiedImageError as exc:
            if _looks_like_image(path):
                raise fail("image is truncated or corrupt") from exc
            raise fail("not an image (or an unsupported format)") from exc
        except MemoryError as exc:
            raise fail("not enough memory to decode the image") from exc
        except Exception as exc:  # Pillow raises many types on bad data
            if isinstance(exc, OSError) and exc.errno is not None:
                raise fail(describe_os_error(exc, reading=True)) from exc
            raise fail(_decode_reason(exc)) from exc

    if data.size == 0:
        raise fail("image has no pixels")
    return LoadedImage(
        data=_freeze(np.ascontiguousarray(data)),
        alpha=_freeze(None if alpha is None else np.ascontiguousarray(alpha)),
        value_range=value_range,
        bit_depth=bit_depth,
        mode=original_mode,
        path=os.fspath(path),
    )


def block_mean(data: np.ndarray, factor: int) -> np.ndarray:
    """``data`` (H, W) or (H, W, C) shrunk ``factor`` times: each output pixel the mean of a
    ``factor`` × ``factor`` block, the last partial rows and columns dropped; float32.

    >>> block_mean(np.arange(16.0).reshape(4, 4), 2).tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    if factor < 1:
        raise ValueError(f"downscale factor must be ≥ 1, got {factor}")
    h, w = (data.shape[0] // factor) * factor, (data.shape[1] // factor) * factor
    shape = (h // factor, factor, w // factor, factor, *data.shape[2:])
    return data[:h, :w].reshape(shape).mean(axis=(1, 3)).astype(np.float32)


def image_from_array(arr: np.ndarray, *, path: str | None = None) -> LoadedImage:
    """Wrap an array (clipboard, NumPy file, generated sample) as a :class:`LoadedImage`.

    Accepted shapes: (H, W), (H, W, 1), (H, W, 2) grey+alpha, (H, W, 3), (H, W, 4) RGBA.
    Value range by dtype: bool -> 0/255 (8-bit); uint8 -> (0, 255); uint16 -> (0, 65535);
    other integers -> (0, 255) if all values fit, else (0, 65535) if they fit, else (min, max);
    floats -> finite (min, max) as for float TIFFs. The data is copied.
    Raises :class:`ImageLoadError` for anything else (wrong shape, complex, empty, too large).
    """
    shown = "array" if path is None else quote_path(path)

    def fail(reason: str) -> ImageLoadError:
        return ImageLoadError(f"cannot use {shown}: {reason}")

    a = np.asarray(arr)
    if a.dtype.kind not in "biuf":
        raise fail(f"unsupported data type {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (2, 3, 4)):
        raise fail(f"unsupported array shape {a.shape}; expected (H, W) or (H, W, 1-4)")
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise fail(f"image has no pixels (shape {a.shape})")
    try:
        _check_pixels(a.shape[1], a.shape[0])
    except _Reason as exc:
        raise fail(str(exc)) from exc

    alpha = None
    channels = 1 if a.ndim == 2 else a.shape[2]
    if channels in (2, 4):
        alpha, a = a[..., -1], (a[..., 0] if channels == 2 else a[..., :3])
    base = "L" if a.ndim == 2 else "RGB"
    alpha_suffix = "A" if alpha is not None else ""

    kind = a.dtype.kind
    if kind == "b":
        data = a.astype(np.float32) * 255.0
        alpha = None if alpha is None else alpha.astype(np.float32) * 255.0
        value_range, bit_depth, mode = (0.0, 255.0), 1, "1" if base == "L" else base
    elif kind == "f":
        data = a.astype(np.float32)
        value_range, bit_depth, mode = _float_range(data), 32, "F" if base == "L" else base
    else:
        lo, hi = int(a.min()), int(a.max())
        if a.dtype == np.uint8 or (a.dtype != np.uint16 and lo >= 0 and hi <= 255):
            value_range, bit_depth, mode = (0.0, 255.0), 8, base + alpha_suffix
        elif a.dtype == np.uint16 or (lo >= 0 and hi <= 65535):
            value_range, bit_depth, mode = (0.0, 65535.0), 16, "I;16" if base == "L" else base
        else:
            value_range, bit_depth, mode = None, 32, "I" if base == "L" else base
        data = a.astype(np.float32)
        if value_range is None:
            value_range = _float_range(data)
    if alpha is not None and mode in ("F", "I", "I;16", "1"):
        mode = "LA"  # Pillow has no high-bit-depth grey+alpha mode; describes the layout only
    alpha32 = None if alpha is None else np.array(alpha, dtype=np.float32)
    return LoadedImage(
        data=_freeze(np.array(data, dtype=np.float32, order="C")),
        alpha=_freeze(alpha32),
        value_range=value_range,
        bit_depth=bit_depth,
        mode=mode,
        path=path,
    )


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def _save(path: str | os.PathLike[str], writer: Callable[[BinaryIO], None]) -> None:
    shown = quote_path(path)
    try:
        atomic_write(path, writer)
    except ImageSaveError:
        raise
    except AtomicWriteError as exc:
        raise ImageSaveError(str(exc)) from exc
    except MemoryError as exc:
        raise ImageSaveError(f"cannot write {shown}: not enough memory") from exc
    except Exception as exc:  # encoder errors from Pillow/NumPy
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise ImageSaveError(f"cannot write {shown}: {text[:160]}") from exc


def save_png(path: str | os.PathLike[str], display_uint8: np.ndarray) -> None:
    """Save an 8-bit display image as PNG: (H, W) grey, (H, W, 2) grey+alpha, (H, W, 3) RGB or
    (H, W, 4) RGBA, dtype uint8 (map floats with :func:`convgui.display.to_uint8` first)."""
    shown = quote_path(path)
    arr = np.asarray(display_uint8)
    if arr.dtype != np.uint8:
        raise ImageSaveError(f"cannot write {shown}: PNG export needs uint8 data, got {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (2, 3, 4)):
        raise ImageSaveError(f"cannot write {shown}: unsupported image shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ImageSaveError(f"cannot write {shown}: the image has no pixels")
    image = Image.fromarray(np.ascontiguousarray(arr))

    def writer(fh: BinaryIO) -> None:
        image.save(fh, format="PNG")

    _save(path, writer)


def save_npy(path: str | os.PathLike[str], arr: np.ndarray) -> None:
    """Save the raw array (dtype and shape unchanged) in NumPy ``.npy`` format, no pickles."""
    shown = quote_path(path)
    a = np.asarray(arr)
    if a.dtype.hasobject:
        raise ImageSaveError(f"cannot write {shown}: cannot save an object array")

    def writer(fh: BinaryIO) -> None:
        np.save(fh, a, allow_pickle=False)

    _save(path, writer)


def save_tiff_float32(path: str | os.PathLike[str], arr: np.ndarray) -> None:
    """Save a single-channel (H, W) result as a 32-bit floating-point TIFF (raw values).

    Colour (H, W, 3) results raise :class:`ImageSaveError`: a Pillow float TIFF holds one channel.
    """
    shown = quote_path(path)
    a = np.asarray(arr)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 3:
        raise ImageSaveError(
            f"cannot write {shown}: 32-bit TIFF holds one channel; use .npy for colour results"
        )
    if a.ndim != 2:
        raise ImageSaveError(f"cannot write {shown}: unsupported array shape {a.shape}")
    if a.dtype.kind not in "biuf":
        raise ImageSaveError(f"cannot write {shown}: unsupported data type {a.dtype}")
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ImageSaveError(f"cannot write {shown}: the image has no pixels")
    with np.errstate(over="ignore", invalid="ignore"):
        a32 = np.ascontiguousarray(a, dtype=np.float32)
    image = Image.fromarray(a32)

    def writer(fh: BinaryIO) -> None:
        image.save(fh, format="TIFF")

    _save(path, writer)


def save_output(
    path: str | os.PathLike[str], result_float: np.ndarray, display_uint8: np.ndarray | None
) -> None:
    """Save a convolution result, choosing the format from the extension (case-insensitive):

    ``.png``            the display-mapped ``display_uint8`` image (what is on screen);
    ``.npy``            the raw float result, unchanged;
    ``.tif``/``.tiff``  the raw result as 32-bit float (single channel only).

    Any other extension raises :class:`ImageSaveError`.
    """
    ext = Path(os.fspath(path)).suffix.lower()
    if ext == ".png":
        if display_uint8 is None:
            raise ImageSaveError(f"cannot write {quote_path(path)}: no display image to save")
        save_png(path, display_uint8)
    elif ext == ".npy":
        save_npy(path, result_float)
    elif ext in (".tif", ".tiff"):
        save_tiff_float32(path, result_float)
    else:
        shown_ext = f"'{ext}'" if ext else "none"
        raise ImageSaveError(
            f"cannot write {quote_path(path)}: unsupported file type {shown_ext} "
            "(use .png, .npy or .tif)"
        )
