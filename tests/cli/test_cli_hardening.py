"""Hardening, on the command line: the awkward and broken files of ``tests/fault_files.py``
(the window gets the same ones in ``tests/ui/test_hardening_gui.py``), and the alpha channel
of ``convgui apply``'s PNG output.

In-process (``convgui.cli.main``) so that a fault can be simulated with ``monkeypatch``; the
subprocess tests in ``test_cli.py`` cover the command as a user runs it. Every refusal is exit
status 2 and one line on stderr, and leaves no output file.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from fault_files import (
    BAD_FILES,
    LA,
    ODD_FILES,
    RGBA,
    ids,
    make_1x1_png,
    make_grey_alpha_png,
    make_rgba_png,
)
from PIL import Image

from convgui import cli, display, engine
from convgui.imageio import load_image

BOX_3 = np.ones((3, 3)) / 9


@pytest.fixture
def work(tmp_path, monkeypatch):
    """``tmp_path`` as the working folder, with an empty ``out`` folder; the window can never
    open (``run_gui`` is replaced by a stand-in that fails the test)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()

    def no_window(*args):
        raise AssertionError(f"the window was started with {args}")

    monkeypatch.setattr("convgui.ui.app.run_gui", no_window)
    return tmp_path


def one_line_error(capsys, *fragments: str) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convgui: error: "), captured.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.mark.parametrize("case", BAD_FILES, ids=ids(BAD_FILES))
def test_a_bad_file_is_one_line_exit_2_and_no_output(work, monkeypatch, capsys, case):
    path = case.make(work, monkeypatch)
    code = cli.main(["apply", str(path), "-o", "out/x.png", "--kernel", "box-3"])
    assert code == 2
    one_line_error(capsys, f"cannot read '{path}'", case.reason)
    assert list((work / "out").iterdir()) == []
    # the window's --image is checked the same way, before any window opens
    assert cli.main(["--image", str(path)]) == 2
    one_line_error(capsys, case.reason)


@pytest.mark.parametrize("case", ODD_FILES, ids=ids(ODD_FILES))
def test_an_awkward_file_is_read_correctly(work, capsys, case):
    path = case.make(work)
    case.check(load_image(path))  # what a correct read gives (values, alpha, upright, ...)
    # the 1×1 identity kernel: the raw output is exactly what was read
    assert cli.main(["apply", str(path), "-o", "out/same.npy", "--kernel", "1"]) == 0
    assert capsys.readouterr().err == ""
    np.testing.assert_array_equal(np.load(work / "out" / "same.npy"), load_image(path).data)
    assert cli.main(["apply", str(path), "-o", "out/box.png", "--kernel", "box-3",
                     "--padding", "same"]) == 0
    with Image.open(work / "out" / "box.png") as saved:
        assert saved.size == (load_image(path).width, load_image(path).height)


def test_a_1x1_image_with_a_3x3_kernel_and_no_padding_is_explained(work, capsys):
    path = make_1x1_png(work)
    assert cli.main(["apply", str(path), "-o", "out/x.npy", "--kernel", "box-3"]) == 2
    one_line_error(capsys, "kernel spans 3×3 but the padded input is 1×1", "padding")
    assert list((work / "out").iterdir()) == []


def test_rgba_alpha_is_kept_in_a_png_of_the_same_size_and_dropped_otherwise(work, capsys):
    path = make_rgba_png(work)
    assert cli.main(["apply", str(path), "-o", "out/same.png", "--kernel", "box-3",
                     "--padding", "same", "--display", "clip"]) == 0
    colour = engine.convolve2d(RGBA[..., :3].astype(np.float32), BOX_3, padding="same",
                               boundary="constant")  # alpha is not convolved into colour
    with Image.open(work / "out" / "same.png") as saved:
        assert saved.mode == "RGBA"
        pixels = np.asarray(saved)
    np.testing.assert_array_equal(pixels[..., :3], display.to_uint8(colour, "clip", (0, 255)))
    np.testing.assert_array_equal(pixels[..., 3], RGBA[..., 3])  # passed through unchanged

    # 'valid' makes the output smaller than the alpha: it is dropped, without an error
    assert cli.main(["apply", str(path), "-o", "out/valid.png", "--kernel", "box-3"]) == 0
    with Image.open(work / "out" / "valid.png") as saved:
        assert saved.mode == "RGB" and saved.size == (5, 4)
    # raw outputs hold the result only
    assert cli.main(["apply", str(path), "-o", "out/raw.npy", "--kernel", "box-3",
                     "--padding", "same"]) == 0
    np.testing.assert_array_equal(np.load(work / "out" / "raw.npy"), colour)
    assert capsys.readouterr().err == ""


def test_infinity_and_overflow_give_inf_and_nan_without_a_word_on_stderr(work, capsys):
    """A float TIFF holding ±inf and a value that overflows float32 with the bias: the result
    has inf and NaN where the arithmetic puts them, the PNG shows them, and the terminal shows
    nothing but the summary line (NumPy's "overflow encountered in add" once appeared)."""
    row = np.array([[0.0, 1.0, 3e38, 1.0, np.inf, -np.inf]], dtype=np.float32)
    Image.fromarray(row).save(work / "row.tif")
    options = ["--kernel", "1 1", "--bias", "1e38"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cli.main(["apply", "row.tif", "-o", "out/raw.npy", *options]) == 0
        assert cli.main(["apply", "row.tif", "-o", "out/shown.png", *options,
                         "--display", "clip"]) == 0
    # 0+1+1e38, 1+3e38+1e38 (the bias overflows), 3e38+1+1e38, 1+inf, inf−inf
    np.testing.assert_array_equal(np.load(work / "out" / "raw.npy"),
                                  [[np.float32(1e38), np.inf, np.inf, np.inf, np.nan]])
    with Image.open(work / "out" / "shown.png") as saved:
        # clipped to the input's finite range 0..3e38: 1e38 is 85 of 255, inf white, NaN black
        np.testing.assert_array_equal(np.asarray(saved), [[85, 255, 255, 255, 0]])
    captured = capsys.readouterr()
    assert captured.err == "" and len(captured.out.splitlines()) == 2


def test_grey_alpha_becomes_a_grey_alpha_png(work):
    path = make_grey_alpha_png(work)
    assert cli.main(["apply", str(path), "-o", "out/la.png", "--kernel", "sobel-x",
                     "--padding", "same"]) == 0
    with Image.open(work / "out" / "la.png") as saved:
        # sobel-x shows diverging: in colour, as the window shows it, the alpha kept
        assert saved.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(saved)[..., 3], LA[..., 1])


@pytest.mark.parametrize("document, fragment", [
    ({"kernel": [[1]], "bias": 10**400}, "bias must be finite"),
    ({"kernel": [[1]], "divisor": 10**400}, "the divisor must be a finite number other than 0"),
    ({"kernel": [[1]], "settings": {"cval": -(10**400)}}, "cval must be finite"),
    ({"kernel": [[10**400, 1]]}, "row 1, column 1: NaN/inf not allowed"),
    ([[1, -(10**400)]], "row 1, column 2: NaN/inf not allowed"),
], ids=["bias", "divisor", "cval", "cell", "rows-only"])
def test_a_kernel_file_with_a_number_too_large_for_a_float_is_one_line_exit_2(
        work, capsys, document, fragment):
    """Integers beyond any float once ended in an OverflowError traceback."""
    (work / "huge.json").write_text(json.dumps(document))
    assert cli.main(["apply", str(make_1x1_png(work)), "-o", "out/x.npy", "-k", "huge.json"]) == 2
    one_line_error(capsys, "cannot use kernel file 'huge.json'", fragment)
    assert list((work / "out").iterdir()) == []


def test_a_kernel_file_with_integers_beyond_int64_but_within_float_is_used(work, capsys):
    """2**64 is a fine float: it once gave NumPy's "ufunc 'isfinite' not supported" error."""
    (work / "big.json").write_text(json.dumps([[2**64]]))
    assert cli.main(["apply", str(make_1x1_png(work)), "-o", "out/x.npy", "-k", "big.json"]) == 0
    np.testing.assert_array_equal(np.load(work / "out" / "x.npy"), [[np.float32(77 * 2.0**64)]])
