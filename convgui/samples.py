"""Sample images: four photographs shipped as PNG files plus generated "teaching" images.

The teaching images are small synthetic pictures that make a kernel's behaviour obvious (an
impulse shows the kernel itself, a step edge shows edge detectors, a zone plate shows aliasing
and frequency response...). They are generated here with NumPy (the text image with Pillow's
built-in font) and also committed as PNG files in ``resources/images`` so that every sample can
be listed and opened the same way. Regenerate the files with ``python -m convgui.samples``.

No Qt here.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = [
    "PHOTOS",
    "SAMPLES",
    "TEACHING",
    "checkerboard",
    "generate",
    "images_dir",
    "impulse",
    "list_samples",
    "load_sample",
    "sample_path",
    "step_edge",
    "text",
    "write_teaching_images",
    "zone_plate",
]


def impulse(size: int = 64) -> np.ndarray:
    """(size, size) zeros with a single 255 at the centre pixel (size // 2, size // 2).

    Convolving it reproduces the (flipped) kernel: the impulse response."""
    img = np.zeros((size, size), dtype=np.uint8)
    img[size // 2, size // 2] = 255
    return img


def step_edge(size: int = 128) -> np.ndarray:
    """(size, size) vertical step: columns < size // 2 are 32 (dark), the rest 224 (bright)."""
    img = np.full((size, size), 224, dtype=np.uint8)
    img[:, : size // 2] = 32
    return img


def checkerboard(size: int = 128, square: int = 16) -> np.ndarray:
    """(size, size) checkerboard of ``square``-pixel squares, 0 and 255; the top-left is 255."""
    if square < 1:
        raise ValueError("square must be at least 1 pixel")
    idx = np.arange(size) // square
    return np.where((idx[:, None] + idx[None, :]) % 2 == 0, 255, 0).astype(np.uint8)


def zone_plate(size: int = 256) -> np.ndarray:
    """(size, size) circular zone plate 127.5 * (1 + cos(k r²)), rounded half up.

    r is the distance from pixel (size // 2, size // 2) (value 255 there) and k = π / size, so
    the local frequency k r / π cycles per pixel reaches the Nyquist limit (0.5) at the middle of
    each edge; the corners are beyond it and alias.
    """
    c = size // 2
    coords = np.arange(size, dtype=np.float64) - c
    r2 = coords[:, None] ** 2 + coords[None, :] ** 2
    values = 127.5 * (1.0 + np.cos((np.pi / size) * r2))
    return np.clip(np.floor(values + 0.5), 0, 255).astype(np.uint8)


def text(size: tuple[int, int] = (128, 256), word: str = "ConvGUI") -> np.ndarray:
    """(height, width) image of ``word`` in white (anti-aliased) on black, centred.

    Uses Pillow's built-in font (``ImageFont.load_default(size=...)``, a scalable font when
    Pillow has FreeType), at the largest size that fits in 90 % of the width and 60 % of the
    height. Exact pixels depend slightly on the Pillow/FreeType version.
    """
    from PIL import Image, ImageDraw, ImageFont

    height, width = int(size[0]), int(size[1])
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    font = None
    for font_size in range(max(4, height), 3, -1):
        candidate = ImageFont.load_default(size=font_size)
        left, top, right, bottom = draw.textbbox((0, 0), word, font=candidate)
        font = candidate
        if not isinstance(candidate, ImageFont.FreeTypeFont):
            break  # bitmap fallback font: fixed size
        if right - left <= 0.9 * width and bottom - top <= 0.6 * height:
            break
    left, top, right, bottom = draw.textbbox((0, 0), word, font=font)
    x = (width - (right - left)) // 2 - left
    y = (height - (bottom - top)) // 2 - top
    draw.text((x, y), word, fill=255, font=font)
    return np.asarray(image, dtype=np.uint8).copy()


#: Photographs shipped in resources/images (see resources/images/LICENSES.md).
PHOTOS: dict[str, str] = {
    "astronaut": "Astronaut Eileen Collins (colour photo, NASA, public domain)",
    "camera": "Cameraman (greyscale photo, CC0)",
    "coffee": "Coffee cup (colour photo, CC0)",
    "brick": "Brick wall texture (greyscale, CC0)",
}

#: Generated teaching images: name -> (description, generator with default arguments).
TEACHING: dict[str, tuple[str, Callable[[], np.ndarray]]] = {
    "impulse": ("Impulse: one bright pixel - shows the kernel itself", impulse),
    "step_edge": ("Step edge: dark left half, bright right half", step_edge),
    "checkerboard": ("Checkerboard of 16-pixel squares", checkerboard),
    "zone_plate": ("Zone plate: rings of rising frequency (aliasing, frequency response)",
                   zone_plate),
    "text": ("The word \"ConvGUI\", white on black", text),
}  # fmt: skip

#: Every sample: name -> description (photos first, then teaching images).
SAMPLES: dict[str, str] = {**PHOTOS, **{name: desc for name, (desc, _) in TEACHING.items()}}


def resource_folder(name: str) -> Path:
    """The shipped folder ``resources/<name>`` (``images``, ``presets``, ``icons``).

    ``convgui.resources`` (the top-level ``resources/`` folder, mapped by pyproject.toml) when
    the package is installed; in a plain source checkout, where that subpackage does not exist,
    ``<checkout>/resources/<name>``.
    """
    try:
        base = importlib.resources.files("convgui.resources")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "resources" / name
    return Path(str(base / name))


def images_dir() -> Path:
    """The folder holding the sample PNGs."""
    return resource_folder("images")


def sample_path(name: str) -> Path:
    """Path of ``resources/images/<name>.png``; ``ValueError`` for an unknown name."""
    if name not in SAMPLES:
        raise ValueError(f"unknown sample {name!r}; expected one of {', '.join(SAMPLES)}")
    return images_dir() / f"{name}.png"


def generate(name: str) -> np.ndarray:
    """The teaching image ``name`` freshly generated (uint8); ``ValueError`` if not generated."""
    if name not in TEACHING:
        choices = ", ".join(TEACHING)
        raise ValueError(f"{name!r} is not a generated sample; expected one of {choices}")
    return TEACHING[name][1]()


def list_samples() -> list[tuple[str, str]]:
    """(name, description) of every available sample, photos first.

    Teaching images are always available (they can be generated); a photo is listed only if
    its file exists.
    """
    return [
        (name, desc)
        for name, desc in SAMPLES.items()
        if name in TEACHING or sample_path(name).is_file()
    ]


def load_sample(name: str):  # -> convgui.imageio.LoadedImage
    """Load a sample as a :class:`convgui.imageio.LoadedImage`.

    Photos are read from their file; teaching images are read from their file when present and
    generated otherwise. Raises ``ValueError`` (``ImageLoadError`` for file problems).
    """
    from convgui.imageio import image_from_array, load_image

    path = sample_path(name)
    if name in TEACHING and not path.is_file():
        return image_from_array(generate(name), path=None)
    return load_image(path)


def write_teaching_images(folder: str | Path | None = None) -> list[Path]:
    """Write every teaching image as ``<folder>/<name>.png`` (default :func:`images_dir`)."""
    from convgui.imageio import save_png

    target = Path(folder) if folder is not None else images_dir()
    written = []
    for name in TEACHING:
        path = target / f"{name}.png"
        save_png(path, generate(name))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for written_path in write_teaching_images():
        print(written_path)
