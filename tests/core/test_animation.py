"""The animation core: frame model, drawing and writers (convgui.animation).

Expectations are computed here independently: output sizes from the size formulas written out,
values by brute-force sums over an np.pad-ed input (a scatter-add for the transposed
convolution), windows by explicit loops. Grids are small so the file runs fast.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from convgui.animation.draw import Figure, Label, RasterRenderer, theme_colours
from convgui.animation.frames import INPUT, INSERTED, PADDING, build_animation, cell_text
from convgui.animation.writers import WriteCancelled, frame_paths, write_animation
from convgui.shapes import ShapeError

RNG = np.random.default_rng(7)
IMAGE = RNG.integers(-3, 5, size=(5, 6)).astype(np.float64)
KERNEL = np.array([[1.0, 0.0, -2.0], [2.0, 1.0, 0.0]])  # 2×3, not symmetric


def size_formula(n: int, k: int, before: int, after: int, s: int, d: int) -> int:
    return (n + before + after - d * (k - 1) - 1) // s + 1


# (padding, the ((top, bottom), (left, right)) it means for KERNEL, stride, dilation, flip)
CONV_CASES = [
    ("valid", ((0, 0), (0, 0)), 1, 1, False),
    (1, ((1, 1), (1, 1)), 2, 1, False),
    (((2, 0), (1, 3)), ((2, 0), (1, 3)), (1, 2), (2, 1), True),
    ("full", ((1, 1), (2, 2)), 1, 1, False),
    ("same", ((0, 1), (1, 1)), 1, 1, False),  # odd extra row goes to the bottom
    ("same", ((1, 0), (1, 1)), 1, 1, True),  # ... and to the top with flip
    (2, ((2, 2), (2, 2)), 2, 2, False),
]


def brute_conv(image, kernel, pads, stride, dilation, flip, boundary="constant"):
    s, d = np.broadcast_to(stride, 2), np.broadcast_to(dilation, 2)
    padded = (np.pad(image, pads, mode="constant") if boundary == "constant"
              else np.pad(image, pads, mode=boundary))
    k = kernel[::-1, ::-1] if flip else kernel
    kh, kw = k.shape
    oh = size_formula(image.shape[0], kh, *pads[0], s[0], d[0])
    ow = size_formula(image.shape[1], kw, *pads[1], s[1], d[1])
    out = np.zeros((oh, ow))
    windows = {}
    for i in range(oh):
        for j in range(ow):
            cells = []
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s[0] + a * d[0], j * s[1] + b * d[1]
                    out[i, j] += padded[r, c] * k[a, b]
                    cells.append((r, c))
            windows[(i, j)] = cells
    return padded, out, windows


def brute_transposed(image, kernel, stride, padding, dilation, output_padding):
    (h, w), (kh, kw) = image.shape, kernel.shape
    s, p, d, op = stride, padding, dilation, output_padding
    full = np.zeros(((h - 1) * s + d * (kh - 1) + 1 + op, (w - 1) * s + d * (kw - 1) + 1 + op))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    full[i * s + a * d, j * s + b * d] += image[i, j] * kernel[a, b]
    out_h = (h - 1) * s - 2 * p + d * (kh - 1) + op + 1
    out_w = (w - 1) * s - 2 * p + d * (kw - 1) + op + 1
    return full[p:p + out_h, p:p + out_w]


@pytest.mark.parametrize(("padding", "pads", "stride", "dilation", "flip"), CONV_CASES)
def test_conv_frames_follow_a_brute_force_loop(padding, pads, stride, dilation, flip):
    anim = build_animation("conv", IMAGE, KERNEL, padding=padding, stride=stride,
                           dilation=dilation, flip=flip)
    padded, expected, windows = brute_conv(IMAGE, KERNEL, pads, stride, dilation, flip)
    assert len(anim) == expected.size == len(list(anim.frames()))
    assert anim.out_hw == expected.shape
    np.testing.assert_array_equal(anim.grid, padded)
    kinds = np.full(padded.shape, PADDING)
    kinds[pads[0][0]:pads[0][0] + IMAGE.shape[0], pads[1][0]:pads[1][0] + IMAGE.shape[1]] = INPUT
    np.testing.assert_array_equal(anim.kinds, kinds)
    for n, frame in enumerate(anim.frames()):
        assert frame.output_index == divmod(n, expected.shape[1])  # row-major
        assert list(frame.window) == windows[frame.output_index]
        assert frame.value == pytest.approx(expected[frame.output_index], abs=1e-9)
        taps = sum(anim.grid[r, c] * w
                   for (r, c), w in zip(frame.window, anim.window_kernel.ravel(), strict=True))
        assert taps == pytest.approx(frame.value, abs=1e-9)


@pytest.mark.parametrize("boundary", ["reflect", "symmetric", "edge", "wrap"])
def test_padding_holds_the_boundary_fill_values(boundary):
    anim = build_animation("conv", IMAGE, KERNEL, padding=2, boundary=boundary)
    padded, expected, _ = brute_conv(IMAGE, KERNEL, ((2, 2), (2, 2)), 1, 1, False, boundary)
    np.testing.assert_array_equal(anim.grid, padded)
    np.testing.assert_allclose(anim.output, expected, atol=1e-9)


@pytest.mark.parametrize(("op", "size", "stride", "padding"), [
    ("max", (2, 2), (2, 2), 0), ("avg", (2, 3), (1, 2), 1), ("max", (3, 3), (2, 2), 1),
])
def test_pooling_frames(op, size, stride, padding):
    anim = build_animation(op, IMAGE, None, kernel_hw=size, stride=stride, padding=padding)
    fill = -np.inf if op == "max" else 0.0
    padded = np.pad(IMAGE, padding, mode="constant", constant_values=fill)
    oh = (IMAGE.shape[0] + 2 * padding - size[0]) // stride[0] + 1
    ow = (IMAGE.shape[1] + 2 * padding - size[1]) // stride[1] + 1
    assert len(anim) == oh * ow and anim.out_hw == (oh, ow)
    np.testing.assert_array_equal(anim.grid, padded)
    for frame in anim.frames():
        i, j = frame.output_index
        block = padded[i * stride[0]:i * stride[0] + size[0], j * stride[1]:j * stride[1] + size[1]]
        expected = block.max() if op == "max" else block.sum() / block.size
        assert frame.value == pytest.approx(expected)
        assert sorted(frame.window) == sorted(
            (i * stride[0] + a, j * stride[1] + b) for a in range(size[0]) for b in range(size[1]))


@pytest.mark.parametrize(("stride", "padding", "dilation", "output_padding"), [
    (1, 0, 1, 0), (2, 0, 1, 0), (2, 1, 1, 1), (3, 2, 1, 2), (2, 1, 2, 1), (3, 0, 2, 0),
])
def test_transposed_frames_are_the_zero_inserted_direct_convolution(
        stride, padding, dilation, output_padding):
    image = RNG.integers(1, 5, size=(3, 4)).astype(np.float64)
    expected = brute_transposed(image, KERNEL, stride, padding, dilation, output_padding)
    anim = build_animation("transposed", image, KERNEL, stride=stride, padding=padding,
                           dilation=dilation, output_padding=output_padding)
    assert anim.out_hw == expected.shape and len(anim) == expected.size
    # Input cells sit every `stride` cells, zeros between them, zero padding outside.
    inputs = np.argwhere(anim.kinds == INPUT)
    assert len(inputs) <= image.size
    for r, c in inputs:
        assert anim.grid[r, c] == image[tuple(anim.input_cells[r, c])]
    assert np.all(anim.grid[anim.kinds != INPUT] == 0)
    if stride > 1:
        assert (anim.kinds == INSERTED).any()
    rotated = KERNEL[::-1, ::-1].ravel()
    for frame in anim.frames():
        assert frame.value == pytest.approx(expected[frame.output_index], abs=1e-9)
        total = sum(anim.grid[r, c] * w for (r, c), w in zip(frame.window, rotated, strict=True))
        assert total == pytest.approx(expected[frame.output_index], abs=1e-9)


def test_no_output_settings_raise_the_shape_explanation():
    with pytest.raises(ShapeError, match="kernel spans 5×5 but the padded input is 4×4"):
        build_animation("conv", np.ones((4, 4)), np.ones((3, 3)), dilation=2)
    with pytest.raises(ShapeError, match="pooling window 5 is larger"):
        build_animation("max", np.ones((4, 4)), None, kernel_hw=(5, 5))
    with pytest.raises(ShapeError, match="removes the whole output"):
        build_animation("transposed", np.ones((2, 2)), np.ones((2, 2)), padding=3)


# ----------------------------------------------------------------------------------- drawing


def rgb_frames(figure: Figure) -> list[np.ndarray]:
    renderer = RasterRenderer(figure)
    palette = np.array(renderer.palette, dtype=np.uint8).reshape(-1, 3)
    return [palette[p] for p in renderer.frames()]


def centre(figure: Figure, xy: tuple[int, int]) -> tuple[int, int]:
    return (xy[1] + figure.cell // 2, xy[0] + figure.cell // 2)  # (row, col) of a pixel


def test_last_frame_shows_the_engine_values_in_every_output_cell():
    anim = build_animation("conv", IMAGE, KERNEL / 4, padding=1, stride=2, numbers=True)
    _, expected, _ = brute_conv(IMAGE, KERNEL / 4, ((1, 1), (1, 1)), 2, 1, False)
    figure = Figure(anim, cell=24)
    last = len(anim) - 1
    shown = {}
    for item in figure.items(last):
        if isinstance(item, Label):
            for i in range(expected.shape[0]):
                for j in range(expected.shape[1]):
                    x, y = figure.output_cell(i, j)
                    if (item.x, item.y) == (x + 12, y + 12):
                        shown[(i, j)] = item.text
    assert shown == {(i, j): cell_text(expected[i, j])
                     for i in range(expected.shape[0]) for j in range(expected.shape[1])}
    assert cell_text(-1.5) == "-1.5" and cell_text(2.0) == "2" and cell_text(-np.inf) == "-inf"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pixels_show_padding_window_and_outputs_where_the_loops_say(theme):
    pads = ((1, 2), (2, 0))
    anim = build_animation("conv", IMAGE, KERNEL, padding=pads, stride=(2, 1), dilation=(1, 2))
    _, expected, windows = brute_conv(IMAGE, KERNEL, pads, (2, 1), (1, 2), False)
    figure = Figure(anim, cell=16, theme=theme)
    colours = {name: np.array(rgb) for name, rgb in theme_colours(theme).items()}
    frames = rgb_frames(figure)
    assert len(frames) == expected.size
    out_w = expected.shape[1]
    for n in (0, 3, len(frames) - 1):
        pixels, taps = frames[n], set(windows[divmod(n, out_w)])
        for r in range(anim.grid.shape[0]):
            for c in range(anim.grid.shape[1]):
                inside = (pads[0][0] <= r < pads[0][0] + IMAGE.shape[0]
                          and pads[1][0] <= c < pads[1][0] + IMAGE.shape[1])
                name = ("tap_" if (r, c) in taps else "") + ("input" if inside else "padding")
                got = pixels[centre(figure, figure.grid_cell(r, c))]
                assert np.array_equal(got, colours[name]), (n, r, c, name)
        for k in range(expected.size):
            name = ("output_done" if k < n else "output_current" if k == n
                    else "output_pending")
            got = pixels[centre(figure, figure.output_cell(*divmod(k, out_w)))]
            assert np.array_equal(got, colours[name]), (n, k, name)


def test_consecutive_frames_differ_only_around_the_window_and_the_output_cell():
    anim = build_animation("conv", np.zeros((6, 6)), np.ones((3, 3)), numbers=True)
    figure = Figure(anim, cell=16)
    frames = rgb_frames(figure)
    changed = np.argwhere((frames[1] != frames[0]).any(axis=2))
    x0 = figure.grid_cell(0, 0)[0]
    x_end = figure.output_cell(0, 3)[0] + figure.cell + 1
    y_end = figure.grid_cell(3, 0)[1] + 1
    assert changed[:, 1].min() >= x0 and changed[:, 1].max() <= x_end
    assert changed[:, 0].max() <= y_end  # the rows below the window and the title stay put


# ----------------------------------------------------------------------------------- writers


@pytest.fixture(scope="module")
def small_figure() -> Figure:
    anim = build_animation("transposed", np.array([[1.0, 2.0], [3.0, 4.0]]),
                           np.array([[1.0, -1.0], [2.0, 0.5]]), stride=2, numbers=True)
    return Figure(anim, cell=14)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("ext", [".gif", ".png"])
def test_gif_and_apng_hold_every_frame_exactly(tmp_path, small_figure, ext):
    path = tmp_path / f"anim{ext}"
    assert write_animation(path, small_figure, fps=4) == [path]
    expected = rgb_frames(small_figure)
    with Image.open(path) as image:
        assert image.n_frames == len(small_figure) == 16  # ((2 − 1)·2 + 1·(2 − 1) + 1)² outputs
        assert image.info.get("loop") == 0
        for n in range(image.n_frames):
            image.seek(n)
            assert image.info["duration"] == 250
            assert np.array_equal(np.asarray(image.convert("RGB")), expected[n]), n
    assert os.listdir(tmp_path) == [path.name]


def test_svg_frames_are_numbered_xml_files(tmp_path, small_figure):
    written = write_animation(tmp_path / "step.svg", small_figure)
    assert [p.name for p in written] == [f"step-{n:03d}.svg" for n in range(1, 17)]
    assert sorted(os.listdir(tmp_path)) == [p.name for p in written]
    root = ET.parse(written[-1]).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    anim = small_figure.animation
    for value in anim.output.ravel():
        assert cell_text(value) in texts


def test_pdf_has_one_page_per_frame(tmp_path, small_figure):
    path = tmp_path / "slides.pdf"
    write_animation(path, small_figure)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and page_count(data) == len(small_figure)


def test_png_folder_replaces_stale_frames(tmp_path, small_figure):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "frame-099.png").write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    written = write_animation(folder, small_figure)
    assert sorted(os.listdir(folder)) == sorted([p.name for p in written] + ["notes.txt"])
    with Image.open(written[0]) as first:
        assert first.size == (small_figure.width, small_figure.height)
    assert frame_paths(folder, 1000)[0].name == "frame-0001.png"
    assert sorted(os.listdir(tmp_path)) == ["frames"]


@pytest.mark.parametrize("name", ["a.gif", "a.png", "a.pdf", "frames"])
def test_cancelling_leaves_nothing_behind(tmp_path, small_figure, name):
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 3

    with pytest.raises(WriteCancelled):
        write_animation(tmp_path / name, small_figure, progress=progress)
    assert calls == [(1, 16), (2, 16), (3, 16)]
    assert os.listdir(tmp_path) == []


def test_unsupported_extension_and_missing_folder_are_refused(tmp_path, small_figure):
    with pytest.raises(ValueError, match="unsupported file type '.bmp'"):
        write_animation(tmp_path / "a.bmp", small_figure)
    with pytest.raises(ValueError, match="the folder does not exist"):
        write_animation(Path(tmp_path / "missing" / "a.gif"), small_figure)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("boundary", "caption"), [("constant", "padding (0)"),
                                                   ("reflect", "padding (reflect)"),
                                                   ("wrap", "padding (wrap)")])
def test_the_legend_names_what_the_padded_cells_hold(tmp_path, boundary, caption):
    """It said "padding (0)" whatever the boundary filled the padding with."""
    anim = build_animation("conv", np.arange(9.0).reshape(3, 3), np.ones((2, 2)),
                           padding=1, boundary=boundary, numbers=True)
    (first, *_rest) = write_animation(tmp_path / "f.svg", Figure(anim, cell=14))
    texts = [t.text for t in ET.parse(first).iter() if t.tag.endswith("text")]
    assert caption in texts
