"""The built-in presets (``resources/presets``): their definitions, and
:func:`write_builtin_presets`, which regenerates the files (``python -m convgui.presets``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from convgui.atomic import atomic_write
from convgui.kernels import LIBRARY, dilate
from convgui.presets.format import Preset
from convgui.presets.store import builtin_presets_dir
from convgui.settings import Settings

# --------------------------------------------------------------------------------------------
# Built-in presets
# --------------------------------------------------------------------------------------------


def _int_grid(grid: Any) -> list[list[float]]:
    return [[int(v) if float(v).is_integer() else float(v) for v in row]
            for row in np.asarray(grid).tolist()]


def _full(**changes: Any) -> Settings:
    return Settings(**changes)


def _extras() -> list[tuple[str, Preset]]:
    """Classic teaching kernels beyond the library, some with full settings."""
    lap4 = LIBRARY["laplacian-4"].grid
    g5 = [1, 4, 6, 4, 1]
    unsharp = [[-a * b for b in g5] for a in g5]
    unsharp[2][2] = 476
    return [
        ("dilated-laplacian-d2", Preset(
            "Dilated Laplacian (d=2)", _int_grid(lap4),
            description="The 4-neighbour Laplacian with dilation 2: taps two pixels apart, "
                        "so it reacts to coarser detail at no extra cost.",
            tags=("edge", "dilation"), settings=_full(dilation=(2, 2)))),
        ("dilated-laplacian-5x5", Preset(
            "Dilated Laplacian as a 5×5 grid", _int_grid(dilate(lap4, 2)),
            description="The same taps spread out by hand (zeros between them): gives the "
                        "same result as 'Dilated Laplacian (d=2)' with dilation 1.",
            tags=("edge", "dilation"))),
        ("downsample-box-stride2", Preset(
            "Downsample ×2 (box, stride 2)", [[1, 1], [1, 1]], divisor=4,
            description="Average each 2×2 block and keep one value per block: half the width "
                        "and height (average pooling).",
            tags=("stride", "blur"), settings=_full(padding="valid", stride=(2, 2)))),
        ("gaussian-3-stride2", Preset(
            "Blur then downsample ×2 (Gaussian, stride 2)", [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
            divisor=16,
            description="Smooth before taking every second pixel, so fine patterns do not "
                        "alias (compare a zone plate with stride 2 and no blur).",
            tags=("stride", "blur"), settings=_full(stride=(2, 2)))),
        ("shift-right-correlation", Preset(
            "Shift right 1 px (correlation)", [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
            description="Cross-correlation reads the left neighbour, so the picture moves one "
                        "pixel to the right.",
            tags=("basic", "flip"), settings=_full(flip=False))),
        ("shift-left-convolution", Preset(
            "Same kernel flipped: shift left 1 px (true convolution)",
            [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
            description="True convolution rotates the kernel 180°, so the same grid now moves "
                        "the picture one pixel to the left.",
            tags=("basic", "flip"), settings=_full(flip=True))),
        ("emboss-grey", Preset(
            "Emboss on grey (bias 128)", _int_grid(LIBRARY["emboss"].grid), bias=128,
            description="Emboss with 128 added, so flat areas become mid-grey and edges light "
                        "or dark.",
            tags=("stylize", "bias"), settings=_full(display="clip"))),
        ("sobel-x-diverging", Preset(
            "Sobel x (signed colours)", _int_grid(LIBRARY["sobel-x"].grid),
            description="Horizontal gradient shown with a diverging colour map: positive and "
                        "negative edges in different colours.",
            tags=("edge", "gradient", "display"), settings=_full(display="diverging"))),
        ("laplacian-8-abs-luma", Preset(
            "Edge strength on brightness (Laplacian, |value|)",
            _int_grid(LIBRARY["laplacian-8"].grid),
            description="8-neighbour Laplacian on the luma channel, showing the magnitude: "
                        "one grey edge map for a colour photo.",
            tags=("edge", "channels", "display"),
            settings=_full(channels="luma", display="abs"))),
        ("box-9-wrap", Preset(
            "Box blur 9×9, wrap-around boundary", [[1] * 9 for _ in range(9)], divisor=81,
            description="Strong blur with the image treated as a tile: the left edge blends "
                        "with the right edge.",
            tags=("blur", "boundary"), settings=_full(boundary="wrap"))),
        ("box-9-zero", Preset(
            "Box blur 9×9, zero padding", [[1] * 9 for _ in range(9)], divisor=81,
            description="Strong blur padding with zeros (black): the border darkens, unlike "
                        "with reflect.",
            tags=("blur", "boundary"), settings=_full(boundary="constant", cval=0))),
        ("unsharp-mask-5", Preset(
            "Unsharp mask 5×5", unsharp, divisor=256,
            description="Sharpens gently: the image plus the difference between it and a "
                        "Gaussian blur (sums to 1).",
            tags=("sharpen",))),
        ("roberts-x", Preset(
            "Roberts cross (↘)", [[1, 0], [0, -1]],
            description="The smallest diagonal gradient: top-left minus bottom-right.",
            tags=("edge", "gradient"))),
        ("roberts-y", Preset(
            "Roberts cross (↙)", [[0, 1], [-1, 0]],
            description="The other diagonal gradient: top-right minus bottom-left.",
            tags=("edge", "gradient"))),
        ("line-horizontal", Preset(
            "Line detector, horizontal", [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]],
            description="Responds to thin horizontal lines one pixel wide.",
            tags=("edge", "lines"))),
        ("line-vertical", Preset(
            "Line detector, vertical", [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]],
            description="Responds to thin vertical lines one pixel wide.",
            tags=("edge", "lines"))),
        ("line-diagonal-45", Preset(
            "Line detector, +45°", [[-1, -1, 2], [-1, 2, -1], [2, -1, -1]],
            description="Responds to thin lines rising from bottom-left to top-right.",
            tags=("edge", "lines"))),
        ("kirsch-north", Preset(
            "Kirsch compass (north)", [[5, 5, 5], [-3, 0, -3], [-3, -3, -3]],
            description="Compass edge detector: bright above, dark below.",
            tags=("edge", "gradient"))),
        ("motion-blur-diagonal-5", Preset(
            "Motion blur, diagonal 5×5", [[1 if r == c else 0 for c in range(5)]
                                           for r in range(5)], divisor=5,
            description="Averages along a diagonal line, like a camera moving during the "
                        "exposure.",
            tags=("blur",))),
    ]


def builtin_presets() -> list[tuple[str, Preset]]:
    """``(file stem, preset)`` for every built-in: the kernel library (kernel-only, named by
    title) followed by the teaching extras."""
    result = [
        (key, Preset(k.title, _int_grid(k.grid), divisor=k.divisor,
                     description=k.description, tags=k.tags))
        for key, k in LIBRARY.items()
    ]
    result += _extras()
    return result


def write_builtin_presets(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write every built-in preset as ``<folder>/<stem>.json`` (default
    :func:`builtin_presets_dir`) and return the paths. Other files are left alone."""
    target = Path(folder) if folder is not None else builtin_presets_dir()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, preset in builtin_presets():
        path = target / f"{stem}.json"
        data = preset.to_json().encode("utf-8")
        atomic_write(path, lambda fh, data=data: fh.write(data))
        written.append(path)
    return written
