"""Writing an animation: GIF, APNG (``.png``), a folder of numbered PNG frames, numbered SVG
frames and a multi-page PDF, each file written atomically (:func:`convgui.atomic.atomic_write`):
a failure or a cancel never leaves a half-written file.

GIF and APNG are streamed frame by frame, so memory does not grow with the frame count: the
first frame is stored whole, every later one only as the rectangle that changed, its unchanged
pixels set to a transparent palette entry (they compress to almost nothing).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree as ET

import numpy as np
from PIL import GifImagePlugin, Image

from convgui.animation.draw import Figure, RasterRenderer, pdf_document, svg_frame
from convgui.atomic import AtomicWriteError, atomic_write, describe_os_error, quote_path

__all__ = [
    "FORMATS", "MAX_FPS", "WriteCancelled", "frame_paths", "output_kind", "write_animation",
]

#: ``-o`` forms: a file extension, or a folder (no extension) of numbered PNG frames.
FORMATS = {".gif": "GIF", ".png": "APNG", ".svg": "numbered SVG frames",
           ".pdf": "PDF, one page per frame", "": "a folder of numbered PNG frames"}
MAX_FPS = 50.0  # GIF delays are whole hundredths of a second; browsers slow below 2

Progress = Callable[[int, int], object]


class WriteCancelled(Exception):
    """``progress`` returned ``False``: writing stopped, nothing was left behind."""


def output_kind(path: str | os.PathLike[str]) -> str:
    """``".gif"``, ``".png"``, ``".svg"``, ``".pdf"`` or ``""`` (a folder of PNG frames: a
    path without extension, ending in a separator, or an existing folder); ValueError for any
    other extension."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        return ""
    ext = Path(text).suffix.lower()
    if ext not in FORMATS:
        supported = ", ".join(e for e in FORMATS if e)
        raise ValueError(f"cannot write {quote_path(text)}: unsupported file type '{ext}'; use "
                         f"{supported}, or a folder name for numbered PNG frames")
    return ext


def frame_paths(path: str | os.PathLike[str], count: int) -> list[Path]:
    """Where the numbered frames of ``path`` go: ``NAME-001.svg`` … beside ``NAME.svg``, or
    ``frame-001.png`` … inside a folder (at least three digits)."""
    digits = max(3, len(str(count)))
    if output_kind(path) == ".svg":
        target = Path(path)
        return [target.with_name(f"{target.stem}-{n:0{digits}d}.svg")
                for n in range(1, count + 1)]
    return [Path(path) / f"frame-{n:0{digits}d}.png" for n in range(1, count + 1)]


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise WriteCancelled("cancelled")


def write_animation(
    path: str | os.PathLike[str], figure: Figure, *, fps: float = 2.0,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every frame of ``figure`` to ``path`` in the format its extension names (see
    :data:`FORMATS`); returns the files written.

    ``progress(done, total)`` is called after each frame; returning ``False`` cancels
    (:class:`WriteCancelled`, and nothing is left behind). Errors writing a file raise
    :class:`convgui.atomic.AtomicWriteError` (a ValueError) with a one-line message.
    """
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"the frame rate must be above 0 and at most {MAX_FPS:g}, got {fps:g}")
    kind = output_kind(path)
    target = Path(path)
    folder = target if kind == "" else target.parent
    check = folder.parent if kind == "" else folder
    if not (check if str(check) else Path(".")).is_dir():
        raise AtomicWriteError(f"cannot write {quote_path(path)}: the folder does not exist")
    if kind == ".gif":
        atomic_write(target, lambda fh: _write_gif(fh, figure, fps, progress))
        return [target]
    if kind == ".png":
        atomic_write(target, lambda fh: _write_apng(fh, figure, fps, progress))
        return [target]
    if kind == ".pdf":
        document = pdf_document(figure, progress=lambda d, t: _tick(progress, d, t))
        data = bytes(document.output())
        atomic_write(target, lambda fh: fh.write(data))
        return [target]
    if kind == ".svg":
        return _write_svgs(target, figure, progress)
    return _write_png_folder(target, figure, progress)


# ----------------------------------------------------------------------------------------------
# Changed rectangles


def _changes(renderer: RasterRenderer) -> Iterator[tuple[np.ndarray, tuple[int, int] | None]]:
    """Each frame as what to store: the whole first frame with offset ``None``, then for every
    later frame the rectangle that changed, unchanged pixels set to the transparent entry,
    with its top-left ``(x, y)`` (a 1×1 transparent patch when nothing changed)."""
    previous: np.ndarray | None = None
    for pixels in renderer.frames():
        if previous is None:
            yield pixels, None
        else:
            changed = pixels != previous
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if rows.size == 0:
                yield np.full((1, 1), renderer.transparent, dtype=np.uint8), (0, 0)
            else:
                r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                patch = np.where(changed[r0:r1, c0:c1], pixels[r0:r1, c0:c1],
                                 renderer.transparent).astype(np.uint8)
                yield patch, (int(c0), int(r0))
        previous = pixels


# ----------------------------------------------------------------------------------------------
# GIF


def _write_gif(fh: BinaryIO, figure: Figure, fps: float, progress: Progress | None) -> None:
    renderer = RasterRenderer(figure)
    total = len(figure)
    delay_ms = int(round(100 / fps)) * 10  # GIF delays are hundredths of a second
    palette = bytes(renderer.palette) + bytes(768 - len(renderer.palette))
    fh.write(b"GIF89a" + struct.pack("<HH", figure.width, figure.height))
    fh.write(bytes([0xF7, 0, 0]) + palette)  # global colour table of 256 entries
    fh.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00")  # loop forever
    for done, (pixels, offset) in enumerate(_changes(renderer), start=1):
        image = renderer.new_image(pixels)
        params = {"duration": delay_ms, "disposal": 1}
        if offset is not None:
            params["transparency"] = renderer.transparent
        for chunk in GifImagePlugin.getdata(image, offset=offset or (0, 0), **params):
            fh.write(chunk)
        _tick(progress, done, total)
    fh.write(b";")


# ----------------------------------------------------------------------------------------------
# APNG


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_chunks(image: Image.Image) -> list[tuple[bytes, bytes]]:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    data, chunks, at = buffer.getvalue(), [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((data[at + 4:at + 8], data[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def _write_apng(fh: BinaryIO, figure: Figure, fps: float, progress: Progress | None) -> None:
    renderer = RasterRenderer(figure)
    total = len(figure)
    alpha = bytes([255] * renderer.transparent + [0])
    delay = (int(round(1000 / fps)), 1000)
    sequence = 0
    for done, (pixels, offset) in enumerate(_changes(renderer), start=1):
        chunks = _png_chunks(renderer.new_image(pixels))
        idat = [data for kind, data in chunks if kind == b"IDAT"]
        if offset is None:
            ihdr = next(data for kind, data in chunks if kind == b"IHDR")
            fh.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr))
            fh.write(_chunk(b"PLTE", bytes(renderer.palette)) + _chunk(b"tRNS", alpha))
            fh.write(_chunk(b"acTL", struct.pack(">II", total, 0)))  # 0: loop forever
        x, y = offset or (0, 0)
        blend = 0 if offset is None else 1  # the first frame: source; the others: over
        fh.write(_chunk(b"fcTL", struct.pack(
            ">IIIIIHHBB", sequence, pixels.shape[1], pixels.shape[0], x, y, *delay, 0, blend)))
        sequence += 1
        for data in idat:
            if offset is None:
                fh.write(_chunk(b"IDAT", data))
            else:
                fh.write(_chunk(b"fdAT", struct.pack(">I", sequence) + data))
                sequence += 1
        _tick(progress, done, total)
    fh.write(_chunk(b"IEND", b""))


# ----------------------------------------------------------------------------------------------
# Numbered frames


def _write_svgs(target: Path, figure: Figure, progress: Progress | None) -> list[Path]:
    paths = frame_paths(target, len(figure))
    for n, path in enumerate(paths):
        tree = ET.ElementTree(svg_frame(figure, n))
        atomic_write(path, lambda fh, tree=tree: tree.write(fh, encoding="utf-8",
                                                            xml_declaration=True))
        _tick(progress, n + 1, len(paths))
    _remove_stale(target.parent, re.escape(target.stem) + r"-\d{3,}\.svg", paths)
    return paths


def _write_png_folder(folder: Path, figure: Figure, progress: Progress | None) -> list[Path]:
    """Frames into a new hidden folder beside ``folder``, then moved in: a new folder appears
    complete or not at all; into an existing one each file is replaced atomically and the
    numbered frames of an earlier, longer animation are removed."""
    renderer = RasterRenderer(figure)
    paths = frame_paths(folder, len(figure))
    parent = folder.parent if str(folder.parent) else Path(".")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise AtomicWriteError(
            f"cannot write {quote_path(folder)}: {describe_os_error(exc)}") from exc
    try:
        for n, pixels in enumerate(renderer.frames()):
            image = renderer.new_image(pixels)
            image.save(staging / paths[n].name, format="PNG")
            _tick(progress, n + 1, len(paths))
        if not folder.exists():
            os.replace(staging, folder)
        else:
            for path in paths:
                os.replace(staging / path.name, path)
            _remove_stale(folder, r"frame-\d{3,}\.png", paths)
    except OSError as exc:
        raise AtomicWriteError(
            f"cannot write {quote_path(folder)}: {describe_os_error(exc)}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return paths


def _remove_stale(folder: Path, pattern: str, keep: list[Path]) -> None:
    """Delete files in ``folder`` named like this command's numbered frames but not in
    ``keep`` (left from an earlier animation with more frames)."""
    names = {p.name for p in keep}
    for entry in folder.iterdir():
        if re.fullmatch(pattern, entry.name) and entry.name not in names and entry.is_file():
            entry.unlink()
