"""Awkward and broken image files for the hardening tests, all generated here (no binary
fixtures): the window (tests/ui/test_hardening_gui.py) and the command line
(tests/cli/test_cli_hardening.py) are given the same files.

``ODD_FILES``: files that must load, each with a check of what was loaded.
``BAD_FILES``: files that must be refused, each with the reason the one-line message gives.
Every maker takes the folder to write into and pytest's ``monkeypatch`` (the decompression bomb
lowers Pillow's pixel limit; the unreadable file makes opening it fail with "permission
denied", since the tests may run as root, who can read anything).
"""

from __future__ import annotations

import errno
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from convgui import imageio
from convgui.imageio import LoadedImage

RNG = np.random.default_rng(2024)

#: 16-bit values well above 255 (so that keeping only 8 bits would show).
GREY16 = np.array([[0, 1, 255, 256, 300], [4097, 20000, 40000, 65534, 65535],
                   [1000, 2000, 3000, 4000, 5000], [7, 70, 700, 7000, 60000]], dtype=np.uint16)
RGBA = RNG.integers(0, 256, (6, 7, 4), dtype=np.uint8)
LA = RNG.integers(0, 256, (5, 6, 2), dtype=np.uint8)
PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (250, 250, 0)]
PALETTE_INDEX = np.array([[0, 1, 2, 3], [3, 2, 1, 0], [1, 1, 2, 2]], dtype=np.uint8)
#: An upright picture (bright block top-left, mid block bottom-right), 16 rows × 32 columns.
UPRIGHT = np.zeros((16, 32), np.uint8)
UPRIGHT[:8, :8] = 255
UPRIGHT[8:, 24:] = 128
WIDE = RNG.integers(0, 256, (1, 5000), dtype=np.uint8)


def _png(folder: Path, name: str, array: np.ndarray) -> Path:
    path = folder / name
    Image.fromarray(array).save(path)
    return path


def make_grey16_png(folder: Path, monkeypatch=None) -> Path:
    return _png(folder, "grey16.png", GREY16)


def make_grey16_tiff(folder: Path, monkeypatch=None) -> Path:
    path = folder / "grey16.tif"
    Image.fromarray(GREY16).save(path)
    return path


def make_grey_alpha_png(folder: Path, monkeypatch=None) -> Path:
    return _png(folder, "grey_alpha.png", LA)


def make_rgba_png(folder: Path, monkeypatch=None) -> Path:
    return _png(folder, "rgba.png", RGBA)


def make_palette_png(folder: Path, monkeypatch=None) -> Path:
    height, width = PALETTE_INDEX.shape
    image = Image.frombytes("P", (width, height), PALETTE_INDEX.tobytes())
    image.putpalette([v for colour in PALETTE for v in colour])
    path = folder / "palette.png"
    image.save(path)
    return path


def make_cmyk_jpeg(folder: Path, monkeypatch=None) -> Path:
    path = folder / "cmyk.jpg"
    Image.new("CMYK", (16, 12), (255, 0, 0, 0)).save(path, quality=95)  # pure cyan
    return path


def make_exif_rotated_jpeg(folder: Path, monkeypatch=None) -> Path:
    """``UPRIGHT`` stored turned 90° anticlockwise with EXIF orientation 6 ("rotate 90°
    clockwise to view"), as a camera held sideways writes it."""
    stored = np.ascontiguousarray(np.rot90(UPRIGHT, k=1))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = folder / "exif_rotated.jpg"
    Image.fromarray(stored).save(path, exif=exif.tobytes(), quality=95)
    return path


def make_1x1_png(folder: Path, monkeypatch=None) -> Path:
    return _png(folder, "one.png", np.array([[77]], dtype=np.uint8))


def make_1x5000_png(folder: Path, monkeypatch=None) -> Path:
    return _png(folder, "wide.png", WIDE)


def check_grey16(image: LoadedImage) -> None:
    assert image.bit_depth == 16 and image.value_range == (0.0, 65535.0)
    np.testing.assert_array_equal(image.data, GREY16.astype(np.float32))  # not cut to 8 bits


def check_grey_alpha(image: LoadedImage) -> None:
    np.testing.assert_array_equal(image.data, LA[..., 0])
    np.testing.assert_array_equal(image.alpha, LA[..., 1])


def check_rgba(image: LoadedImage) -> None:
    np.testing.assert_array_equal(image.data, RGBA[..., :3])  # alpha is not a colour channel
    np.testing.assert_array_equal(image.alpha, RGBA[..., 3])


def check_palette(image: LoadedImage) -> None:
    np.testing.assert_array_equal(image.data, np.array(PALETTE)[PALETTE_INDEX])
    assert image.alpha is None


def check_cmyk(image: LoadedImage) -> None:
    assert image.mode == "CMYK" and image.data.shape == (12, 16, 3) and image.alpha is None
    np.testing.assert_allclose(image.data.mean(axis=(0, 1)), [0, 255, 255], atol=6)


def check_exif(image: LoadedImage) -> None:
    assert image.data.shape == UPRIGHT.shape  # shown upright: 16 rows × 32 columns
    assert np.abs(image.data - UPRIGHT).max() < 40  # JPEG ringing only


def check_1x1(image: LoadedImage) -> None:
    np.testing.assert_array_equal(image.data, [[77]])


def check_1x5000(image: LoadedImage) -> None:
    np.testing.assert_array_equal(image.data, WIDE)


@dataclass(frozen=True)
class OddFile:
    """A file that must load; ``check`` asserts what a correct load gives."""

    name: str
    make: Callable[..., Path]
    check: Callable[[LoadedImage], None]


ODD_FILES = [
    OddFile("16-bit PNG", make_grey16_png, check_grey16),
    OddFile("16-bit TIFF", make_grey16_tiff, check_grey16),
    OddFile("grey + alpha PNG", make_grey_alpha_png, check_grey_alpha),
    OddFile("RGBA PNG", make_rgba_png, check_rgba),
    OddFile("palette PNG", make_palette_png, check_palette),
    OddFile("CMYK JPEG", make_cmyk_jpeg, check_cmyk),
    OddFile("EXIF-rotated JPEG", make_exif_rotated_jpeg, check_exif),
    OddFile("1x1 PNG", make_1x1_png, check_1x1),
    OddFile("1x5000 PNG", make_1x5000_png, check_1x5000),
]


def make_empty(folder: Path, monkeypatch=None) -> Path:
    path = folder / "empty.png"
    path.write_bytes(b"")
    return path


def make_truncated_png(folder: Path, monkeypatch=None) -> Path:
    buffer = io.BytesIO()
    Image.fromarray(RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buffer, "PNG")
    data = buffer.getvalue()  # noise does not compress: the cut is inside the pixel data
    path = folder / "truncated.png"
    path.write_bytes(data[: len(data) // 2])
    return path


def make_text_as_png(folder: Path, monkeypatch=None) -> Path:
    path = folder / "notes.png"
    path.write_text("these are my notes, not a picture\n")
    return path


def make_bomb(folder: Path, monkeypatch) -> Path:
    """A 40×40 PNG with Pillow's pixel limit lowered to 100: to the loader it is a
    decompression bomb (the same path as a real one over the default 89 megapixels)."""
    path = _png(folder, "bomb.png", np.zeros((40, 40), np.uint8))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    return path


def make_missing(folder: Path, monkeypatch=None) -> Path:
    return folder / "missing.png"


def make_unreadable(folder: Path, monkeypatch) -> Path:
    """A real PNG that cannot be opened: reading it fails with EACCES (simulated, since
    root may read anything)."""
    path = _png(folder, "secret.png", np.zeros((4, 4), np.uint8))

    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(imageio, "open", deny, raising=False)
    return path


def make_folder(folder: Path, monkeypatch=None) -> Path:
    path = folder / "photos.png"
    path.mkdir()
    return path


@dataclass(frozen=True)
class BadFile:
    """A file that must be refused; ``reason`` is part of the one-line message."""

    name: str
    make: Callable[..., Path]
    reason: str


BAD_FILES = [
    BadFile("0-byte file", make_empty, "file is empty"),
    BadFile("truncated PNG", make_truncated_png, "image is truncated"),
    BadFile("text file named .png", make_text_as_png, "not an image (or an unsupported format)"),
    BadFile("decompression bomb", make_bomb, "image is too large"),
    BadFile("path that does not exist", make_missing, "no such file"),
    BadFile("file that cannot be read", make_unreadable, "permission denied"),
    BadFile("folder named .png", make_folder, "it is a folder"),
]


def ids(cases) -> list[str]:
    return [case.name.replace(" ", "-") for case in cases]
