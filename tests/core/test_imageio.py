"""Tests for convgui.imageio, convgui.atomic and convgui.samples (all fixtures made in tmp_path)."""

from __future__ import annotations

import errno
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, features

from convgui import atomic, imageio, samples
from convgui.atomic import AtomicWriteError, atomic_write
from convgui.imageio import (
    ImageLoadError,
    ImageSaveError,
    LoadedImage,
    image_from_array,
    load_image,
    save_npy,
    save_output,
    save_png,
    save_tiff_float32,
)

RNG = np.random.default_rng(1234)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _rand(shape, hi=256, dtype=np.uint8):
    return RNG.integers(0, hi, size=shape, dtype=dtype)


def _save(im: Image.Image, path: Path, **kwargs) -> Path:
    im.save(path, **kwargs)
    return path


def _load_error(path) -> str:
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "\n" not in message
    assert message.startswith("cannot read '")
    return message


def _only_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------------------------
# Loading: formats and modes
# --------------------------------------------------------------------------------------------


def test_grey_8bit_png(tmp_path):
    arr = _rand((7, 5))
    img = load_image(_save(Image.fromarray(arr), tmp_path / "g.png"))
    assert isinstance(img, LoadedImage)
    assert img.data.dtype == np.float32 and img.data.shape == (7, 5)
    np.testing.assert_array_equal(img.data, arr)
    assert img.alpha is None
    assert img.value_range == (0.0, 255.0)
    assert img.bit_depth == 8 and img.mode == "L"
    assert img.path == str(tmp_path / "g.png")
    assert (img.height, img.width, img.channels) == (7, 5, 1)
    assert not img.data.flags.writeable


def test_rgb_png(tmp_path):
    arr = _rand((6, 9, 3))
    img = load_image(_save(Image.fromarray(arr), tmp_path / "c.png"))
    np.testing.assert_array_equal(img.data, arr)
    assert img.mode == "RGB" and img.alpha is None and img.channels == 3


def test_rgba_png_alpha_set_aside(tmp_path):
    arr = _rand((4, 3, 4))
    img = load_image(_save(Image.fromarray(arr), tmp_path / "a.png"))
    assert img.data.shape == (4, 3, 3) and img.mode == "RGBA"
    np.testing.assert_array_equal(img.data, arr[..., :3])
    np.testing.assert_array_equal(img.alpha, arr[..., 3])
    assert img.alpha.dtype == np.float32


def test_la_png(tmp_path):
    arr = _rand((5, 4, 2))
    img = load_image(_save(Image.fromarray(arr), tmp_path / "la.png"))
    assert img.mode == "LA" and img.data.shape == (5, 4)
    np.testing.assert_array_equal(img.data, arr[..., 0])
    np.testing.assert_array_equal(img.alpha, arr[..., 1])


def test_palette_with_transparency_becomes_rgba(tmp_path):
    p = Image.new("P", (3, 1))
    p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255])
    for x in range(3):
        p.putpixel((x, 0), x)
    p.info["transparency"] = 1
    img = load_image(_save(p, tmp_path / "p.png"))
    assert img.mode == "P" and img.bit_depth == 8
    np.testing.assert_array_equal(img.data[0], [[255, 0, 0], [0, 255, 0], [0, 0, 255]])
    np.testing.assert_array_equal(img.alpha, [[255, 0, 255]])


def test_palette_without_transparency_becomes_rgb(tmp_path):
    p = Image.new("P", (2, 1))
    p.putpalette([10, 20, 30, 40, 50, 60])
    p.putpixel((1, 0), 1)
    img = load_image(_save(p, tmp_path / "p.gif"))
    assert img.alpha is None
    np.testing.assert_array_equal(img.data[0], [[10, 20, 30], [40, 50, 60]])


def test_bilevel_png(tmp_path):
    im = Image.new("1", (3, 2), 0)
    im.putpixel((1, 1), 1)
    img = load_image(_save(im, tmp_path / "b.png"))
    assert img.mode == "1" and img.bit_depth == 1 and img.value_range == (0.0, 255.0)
    np.testing.assert_array_equal(img.data, [[0, 0, 0], [0, 255, 0]])


def test_16bit_png_keeps_all_bits(tmp_path):
    arr = np.array([[0, 1, 255, 256], [300, 4097, 65534, 65535]], dtype=np.uint16)
    img = load_image(_save(Image.fromarray(arr), tmp_path / "16.png"))
    assert img.mode.startswith("I;16") and img.bit_depth == 16
    assert img.value_range == (0.0, 65535.0)
    np.testing.assert_array_equal(img.data, arr.astype(np.float32))


@pytest.mark.parametrize("mode", ["I;16", "I;16B"])
def test_16bit_tiff(tmp_path, mode):
    arr = np.array([[0, 1000], [40000, 65535]], dtype=np.uint16)
    im = Image.new(mode, (2, 2))
    for (y, x), v in np.ndenumerate(arr):
        im.putpixel((x, y), int(v))
    img = load_image(_save(im, tmp_path / "16.tif"))
    assert img.mode == mode and img.bit_depth == 16 and img.value_range == (0.0, 65535.0)
    np.testing.assert_array_equal(img.data, arr)


def test_float_tiff(tmp_path):
    arr = np.array([[-2.5, 0.0], [1.25, 300.75]], dtype=np.float32)
    img = load_image(_save(Image.fromarray(arr), tmp_path / "f.tif"))
    assert img.mode == "F" and img.bit_depth == 32
    assert img.value_range == (-2.5, 300.75)
    np.testing.assert_array_equal(img.data, arr)


def test_float_tiff_constant_range_is_widened(tmp_path):
    img = load_image(_save(Image.fromarray(np.full((2, 2), 5.0, np.float32)), tmp_path / "k.tif"))
    assert img.value_range == (0.0, 5.0)
    img = load_image(_save(Image.fromarray(np.zeros((2, 2), np.float32)), tmp_path / "z.tif"))
    assert img.value_range == (0.0, 1.0)


def test_int32_tiff_outside_16bit(tmp_path):
    arr = np.array([[-5, 0], [70000, 10]], dtype=np.int32)
    img = load_image(_save(Image.fromarray(arr), tmp_path / "i.tif"))
    assert img.mode == "I" and img.bit_depth == 32 and img.value_range == (-5.0, 70000.0)
    np.testing.assert_array_equal(img.data, arr)


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    im = Image.new("CMYK", (16, 16), (255, 0, 0, 0))  # pure cyan
    img = load_image(_save(im, tmp_path / "cmyk.jpg", quality=95))
    assert img.mode == "CMYK" and img.data.shape == (16, 16, 3) and img.alpha is None
    np.testing.assert_allclose(img.data.mean(axis=(0, 1)), [0, 255, 255], atol=6)


def test_bmp(tmp_path):
    arr = _rand((3, 5, 3))
    img = load_image(_save(Image.fromarray(arr), tmp_path / "x.bmp"))
    np.testing.assert_array_equal(img.data, arr)


@pytest.mark.parametrize("orientation, k", [(6, -1), (8, 1), (3, 2)])
def test_exif_orientation_applied(tmp_path, orientation, k):
    # An upright 16x32 picture (bright block top-left, mid block bottom-right) is stored
    # rotated, with the EXIF tag that tells viewers how to rotate it back.
    upright = np.zeros((16, 32), np.uint8)
    upright[:8, :8] = 255
    upright[8:, 24:] = 128
    stored = np.rot90(upright, k=-k)  # the inverse of the correction the tag asks for
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = _save(Image.fromarray(np.ascontiguousarray(stored)), tmp_path / "e.jpg",
                 exif=exif.tobytes(), quality=95)  # fmt: skip
    img = load_image(path)
    assert img.data.shape == upright.shape
    assert np.abs(img.data - upright).max() < 40  # JPEG ringing only


def test_exif_orientation_matches_rotated_source(tmp_path):
    src = np.zeros((8, 16, 3), np.uint8)
    src[:4, :4] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    img = load_image(_save(Image.fromarray(src), tmp_path / "r.jpg", exif=exif.tobytes(),
                           quality=95))  # fmt: skip
    expected = np.rot90(src, k=-1)  # clockwise
    assert img.data.shape == (16, 8, 3)
    assert np.abs(img.data - expected).mean() < 6


@pytest.mark.parametrize("shape", [(1, 1), (1, 5000), (5000, 1)])
def test_extreme_shapes(tmp_path, shape):
    arr = _rand(shape)
    img = load_image(_save(Image.fromarray(arr), tmp_path / "s.png"))
    np.testing.assert_array_equal(img.data, arr)


def test_first_frame_of_multiframe_gif(tmp_path):
    frames = [Image.new("L", (4, 4), v) for v in (10, 200)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    img = load_image(tmp_path / "anim.gif")
    assert img.data.shape[:2] == (4, 4)
    assert float(img.data.mean()) == pytest.approx(10, abs=1)


def test_path_like_and_str_paths(tmp_path):
    path = _save(Image.new("L", (2, 2), 7), tmp_path / "p.png")
    assert load_image(str(path)).path == str(path)
    assert load_image(path).path == str(path)


# --------------------------------------------------------------------------------------------
# Loading: failures
# --------------------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    (tmp_path / "x.png").write_bytes(b"")
    assert _load_error(tmp_path / "x.png").endswith(": file is empty")


def test_truncated_png(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(_rand((64, 64, 3))).save(buf, "PNG")  # noise: incompressible
    data = buf.getvalue()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    assert _load_error(tmp_path / "t.png").endswith(": image is truncated")
    (tmp_path / "h.png").write_bytes(data[:20])  # cut inside the header
    assert "truncated" in _load_error(tmp_path / "h.png")


def test_truncated_jpeg(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(_rand((64, 64, 3))).save(buf, "JPEG")
    data = buf.getvalue()
    (tmp_path / "t.jpg").write_bytes(data[: len(data) // 2])
    assert _load_error(tmp_path / "t.jpg").endswith(": image is truncated")


def test_corrupt_png(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(_rand((32, 32, 3))).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[200] ^= 0xFF
    (tmp_path / "c.png").write_bytes(bytes(data))
    _load_error(tmp_path / "c.png")


def test_text_file_named_png(tmp_path):
    (tmp_path / "notes.png").write_text("hello, I am not a picture\n")
    assert _load_error(tmp_path / "notes.png").endswith(": not an image (or an unsupported format)")


def test_unsupported_format_refused(tmp_path):
    # ICO is a Pillow format, but not one load_image accepts
    Image.new("RGB", (16, 16)).save(tmp_path / "x.ico")
    assert "unsupported format" in _load_error(tmp_path / "x.ico")


def test_nonexistent_path(tmp_path):
    message = _load_error(tmp_path / "missing.png")
    assert message == f"cannot read '{tmp_path / 'missing.png'}': no such file"


def test_folder_instead_of_file(tmp_path):
    assert _load_error(tmp_path).endswith(": it is a folder")


@pytest.mark.parametrize("side", [12, 20])  # 144 px: Pillow warns; 400 px: Pillow errors
def test_decompression_bomb(tmp_path, monkeypatch, side):
    path = _save(Image.new("L", (side, side)), tmp_path / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    message = _load_error(path)
    assert "image is too large" in message and "the limit is 100 pixels" in message
    assert f"{side * side:,} pixels" in message
    assert imageio.pixel_limit() == 100


def test_no_pixel_limit(tmp_path, monkeypatch):
    path = _save(Image.new("L", (20, 20)), tmp_path / "ok.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert load_image(path).data.shape == (20, 20)


def test_permission_denied_simulated(tmp_path, monkeypatch):
    path = _save(Image.new("L", (2, 2)), tmp_path / "secret.png")

    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(imageio, "open", deny, raising=False)
    assert _load_error(path).endswith(": permission denied")


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root can read anything")
def test_permission_denied_real(tmp_path):
    path = _save(Image.new("L", (2, 2)), tmp_path / "secret.png")
    path.chmod(0)
    try:
        assert _load_error(path).endswith(": permission denied")
    finally:
        path.chmod(0o600)


def test_pillow_surprise_exception_is_wrapped(tmp_path, monkeypatch):
    path = _save(Image.new("L", (2, 2)), tmp_path / "ok.png")

    def explode(*args, **kwargs):
        raise RuntimeError("something odd\nover two lines")

    monkeypatch.setattr(imageio, "_decode", explode)
    message = _load_error(path)
    assert "something odd over two lines" in message


def test_broken_exif_is_ignored(tmp_path, monkeypatch):
    path = _save(Image.new("L", (3, 2), 9), tmp_path / "ok.png")

    def broken(im):
        raise ValueError("bad EXIF")

    monkeypatch.setattr(imageio.ImageOps, "exif_transpose", broken)
    assert load_image(path).data.shape == (2, 3)


# --------------------------------------------------------------------------------------------
# image_from_array
# --------------------------------------------------------------------------------------------


def test_image_from_array_dtypes():
    img = image_from_array(np.array([[0, 255]], np.uint8))
    assert (img.value_range, img.bit_depth, img.mode, img.path) == ((0, 255), 8, "L", None)
    img = image_from_array(np.array([[0, 7]], np.uint16))
    assert (img.value_range, img.bit_depth) == ((0, 65535), 16)
    img = image_from_array(np.array([[0, 300]], np.int64))
    assert (img.value_range, img.bit_depth) == ((0, 65535), 16)
    img = image_from_array(np.array([[0, 200]], np.int64))
    assert (img.value_range, img.bit_depth) == ((0, 255), 8)
    img = image_from_array(np.array([[-3, 100000]], np.int64))
    assert img.value_range == (-3.0, 100000.0)
    img = image_from_array(np.array([[0.25, 0.75]], np.float64))
    assert (img.value_range, img.mode, img.data.dtype) == ((0.25, 0.75), "F", np.float32)
    img = image_from_array(np.array([[True, False]]))
    np.testing.assert_array_equal(img.data, [[255, 0]])


def test_image_from_array_channels_and_copy():
    rgba = _rand((3, 4, 4))
    img = image_from_array(rgba)
    np.testing.assert_array_equal(img.data, rgba[..., :3])
    np.testing.assert_array_equal(img.alpha, rgba[..., 3])
    assert img.mode == "RGBA"
    la = _rand((3, 4, 2))
    img = image_from_array(la)
    assert img.data.shape == (3, 4) and img.mode == "LA"
    img = image_from_array(rgba[..., :1])
    assert img.data.shape == (3, 4)
    src = np.zeros((2, 2), np.float32)
    img = image_from_array(src)
    src[0, 0] = 9
    assert img.data[0, 0] == 0 and not img.data.flags.writeable


@pytest.mark.parametrize(
    "bad",
    [np.zeros((2, 2), complex), np.zeros(5), np.zeros((2, 2, 5)), np.zeros((0, 3)),
     np.array([["a"]])],
)  # fmt: skip
def test_image_from_array_rejects(bad):
    with pytest.raises(ImageLoadError, match="^cannot use array: "):
        image_from_array(bad)


def test_image_from_array_pixel_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    with pytest.raises(ImageLoadError, match="too large"):
        image_from_array(np.zeros((4, 4), np.uint8))


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 3), (5, 7, 4), (5, 7, 2)])
def test_save_png_round_trip(tmp_path, shape):
    arr = _rand(shape)
    save_png(tmp_path / "o.png", arr)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "o.png")), arr)
    assert _only_files(tmp_path) == ["o.png"]


def test_save_png_rejects_floats(tmp_path):
    with pytest.raises(ImageSaveError, match="needs uint8"):
        save_png(tmp_path / "o.png", np.zeros((2, 2)))
    with pytest.raises(ImageSaveError, match="shape"):
        save_png(tmp_path / "o.png", np.zeros((2, 2, 5), np.uint8))
    assert _only_files(tmp_path) == []


def test_save_npy_round_trip(tmp_path):
    arr = RNG.normal(size=(4, 5, 3))
    save_npy(tmp_path / "r.npy", arr)
    back = np.load(tmp_path / "r.npy")
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back, arr)


def test_save_tiff_float32_round_trip(tmp_path):
    arr = np.array([[-1.5, 0.0, 1e6], [np.pi, -np.inf, 42.0]])
    save_tiff_float32(tmp_path / "r.tif", arr)
    img = load_image(tmp_path / "r.tif")
    assert img.mode == "F"
    np.testing.assert_array_equal(img.data, arr.astype(np.float32))
    assert img.value_range == (-1.5, 1e6)


def test_save_tiff_float32_colour_refused(tmp_path):
    with pytest.raises(ImageSaveError) as info:
        save_tiff_float32(tmp_path / "c.tif", np.zeros((2, 2, 3)))
    assert str(info.value) == (
        f"cannot write '{tmp_path / 'c.tif'}': 32-bit TIFF holds one channel; "
        "use .npy for colour results"
    )
    save_tiff_float32(tmp_path / "one.tif", np.ones((2, 2, 1)))  # one channel is fine
    assert _only_files(tmp_path) == ["one.tif"]


def test_save_output_dispatch(tmp_path):
    result = np.array([[-1.0, 2.5]])
    shown = np.array([[0, 255]], np.uint8)
    save_output(tmp_path / "a.PNG", result, shown)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "a.PNG")), shown)
    save_output(tmp_path / "a.npy", result, shown)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), result)
    for ext in (".tif", ".TIFF"):
        save_output(tmp_path / f"a{ext}", result, shown)
        np.testing.assert_array_equal(load_image(tmp_path / f"a{ext}").data, result)
    with pytest.raises(ImageSaveError, match=r"unsupported file type '\.jpg'"):
        save_output(tmp_path / "a.jpg", result, shown)
    with pytest.raises(ImageSaveError, match="unsupported file type none"):
        save_output(tmp_path / "noext", result, shown)


def test_atomic_replace_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.png"
    target.write_bytes(b"precious old contents")

    def fail_replace(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(atomic.os, "replace", fail_replace)
    with pytest.raises(ImageSaveError, match="^cannot write '.*out.png': "):
        save_png(target, np.zeros((3, 3), np.uint8))
    monkeypatch.undo()
    assert target.read_bytes() == b"precious old contents"
    assert _only_files(tmp_path) == ["out.png"]


def test_atomic_disk_full_mid_write(tmp_path, monkeypatch):
    target = tmp_path / "out.tif"
    target.write_bytes(b"old")

    def half_then_full(self, fp, *args, **kwargs):
        fp.write(b"partial data")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", half_then_full)
    with pytest.raises(ImageSaveError) as info:
        save_tiff_float32(target, np.zeros((3, 3)))
    assert str(info.value) == f"cannot write '{target}': no space left on device"
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert _only_files(tmp_path) == ["out.tif"]


def test_atomic_writer_exception_propagates_and_cleans_up(tmp_path):
    target = tmp_path / "p.json"
    target.write_text("{}")

    def writer(fh):
        fh.write(b"{half")
        raise KeyError("bug in writer")

    with pytest.raises(KeyError):
        atomic_write(target, writer)
    assert target.read_text() == "{}"
    assert _only_files(tmp_path) == ["p.json"]


def test_atomic_read_only_folder_simulated(tmp_path, monkeypatch):
    def deny(folder, name):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(atomic, "_create_temp", deny)
    with pytest.raises(ImageSaveError) as info:
        save_npy(tmp_path / "r.npy", np.zeros(3))
    assert str(info.value) == f"cannot write '{tmp_path / 'r.npy'}': permission denied"
    assert _only_files(tmp_path) == []


def test_atomic_read_only_file_system_simulated(tmp_path, monkeypatch):
    def erofs(folder, name):
        raise OSError(errno.EROFS, "Read-only file system", str(folder))

    monkeypatch.setattr(atomic, "_create_temp", erofs)
    with pytest.raises(AtomicWriteError, match="read-only"):
        atomic_write(tmp_path / "x", lambda fh: None)


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root ignores folder permissions")
def test_atomic_read_only_folder_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ImageSaveError, match="permission denied"):
            save_png(folder / "x.png", np.zeros((2, 2), np.uint8))
    finally:
        folder.chmod(0o700)


def test_atomic_missing_folder_and_folder_target(tmp_path):
    with pytest.raises(ImageSaveError, match="the folder does not exist$"):
        save_png(tmp_path / "nope" / "x.png", np.zeros((2, 2), np.uint8))
    (tmp_path / "d.png").mkdir()
    with pytest.raises(ImageSaveError, match="it is a folder$"):
        save_png(tmp_path / "d.png", np.zeros((2, 2), np.uint8))
    assert _only_files(tmp_path) == ["d.png"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_atomic_permissions(tmp_path):
    old_umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new", lambda fh: fh.write(b"1"))
        assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o644
        existing = tmp_path / "existing"
        existing.write_bytes(b"0")
        existing.chmod(0o640)
        atomic_write(existing, lambda fh: fh.write(b"2"))
        assert stat.S_IMODE(existing.stat().st_mode) == 0o640
        assert existing.read_bytes() == b"2"
    finally:
        os.umask(old_umask)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_atomic_write_through_symlink(tmp_path):
    real = tmp_path / "real.bin"
    real.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    atomic_write(link, lambda fh: fh.write(b"new"))
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_quote_path_one_line():
    assert atomic.quote_path("a\nb.png") == "'a\\nb.png'"
    assert atomic.quote_path(Path("é.png")) == "'é.png'"


# --------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------


def test_generators():
    imp = samples.impulse()
    assert imp.shape == (64, 64) and imp.dtype == np.uint8
    assert imp[32, 32] == 255 and imp.sum() == 255
    step = samples.step_edge()
    assert step.shape == (128, 128)
    assert (step[:, :64] == 32).all() and (step[:, 64:] == 224).all()
    cb = samples.checkerboard(8, 2)
    assert cb[0, 0] == 255 and cb[0, 2] == 0 and cb[2, 0] == 0 and cb[2, 2] == 255
    assert cb[1, 1] == 255 and set(np.unique(cb)) == {0, 255}
    zp = samples.zone_plate(64)
    assert zp.shape == (64, 64) and zp[32, 32] == 255
    # cos(π r²/size) at r² = size: value 127.5 * (1 + cos π) = 0
    assert zp[32, 32 + 8] == 0  # r² = 64 = size
    txt = samples.text((40, 100))
    assert txt.shape == (40, 100) and txt.dtype == np.uint8
    assert txt.max() == 255 and txt[0, 0] == 0 and (txt > 128).mean() < 0.5


@pytest.mark.parametrize("name", ["impulse", "step_edge", "checkerboard", "zone_plate", "text"])
def test_committed_teaching_pngs_match_generator(name):
    committed = np.asarray(Image.open(samples.sample_path(name)))
    generated = samples.generate(name)
    assert committed.shape == generated.shape and committed.dtype == np.uint8
    diff = np.abs(committed.astype(int) - generated.astype(int))
    if name == "text":
        if not features.check("freetype2"):
            pytest.skip("text.png was rendered with FreeType")
        assert diff.mean() < 4  # glyph rasterising can differ slightly between FreeType builds
    elif name == "zone_plate":
        assert diff.max() <= 1  # libm cos() may differ in the last bit across platforms
    else:
        assert diff.max() == 0


def test_photos_present_and_loadable():
    expected = {
        "astronaut": ((512, 512, 3), "RGB"),
        "camera": ((512, 512), "L"),
        "coffee": ((400, 600, 3), "RGB"),
        "brick": ((512, 512), "L"),
    }
    for name, (shape, mode) in expected.items():
        path = samples.sample_path(name)
        assert path.is_file() and path.stat().st_size < 3_000_000
        img = load_image(path)
        assert img.data.shape == shape and img.mode == mode
    assert (samples.images_dir() / "LICENSES.md").is_file()


def test_list_samples_and_lookup():
    listed = samples.list_samples()
    names = [name for name, _ in listed]
    assert names == list(samples.SAMPLES)
    assert names[:4] == ["astronaut", "camera", "coffee", "brick"]
    assert all(desc for _, desc in listed)
    with pytest.raises(ValueError, match="unknown sample"):
        samples.sample_path("nope")
    with pytest.raises(ValueError):
        samples.generate("astronaut")
    img = samples.load_sample("impulse")
    assert img.data.shape == (64, 64) and img.data.max() == 255


def test_load_sample_generates_when_file_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(samples, "images_dir", lambda: tmp_path)
    img = samples.load_sample("step_edge")
    assert img.path is None and img.data.shape == (128, 128)
    assert [n for n, _ in samples.list_samples()] == list(samples.TEACHING)
    written = samples.write_teaching_images(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{n}.png" for n in samples.TEACHING)
    assert samples.load_sample("step_edge").path == str(tmp_path / "step_edge.png")


def test_core_modules_do_not_import_qt():
    code = (
        "import sys\n"
        "import convgui.atomic, convgui.display, convgui.imageio, convgui.samples\n"
        "convgui.samples.text((20, 60))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'PyQt5', 'PyQt6', 'PySide2', 'pyqtgraph', 'superqt', 'qtpy')]\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env=env, timeout=60)
