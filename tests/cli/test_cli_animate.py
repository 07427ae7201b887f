"""``convgui animate``: frame counts, values, formats, refusals (one-line errors, exit 2,
nothing written). Expected values are brute-force sums written here; sizes from the size
formulas. Runs in-process (``convgui.cli.main``) except one subprocess run of the real command.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from convgui import cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))


def animate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["animate", *args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def n_frames(path: Path) -> int:
    with Image.open(path) as image:
        return image.n_frames


@pytest.mark.parametrize(("args", "frames"), [
    # conv: ⌊(n + p₁ + p₂ − d·(k − 1) − 1)/s⌋ + 1 per axis
    (["--input", "5x5"], 3 * 3),
    (["--input", "5x7", "--padding", "1", "--stride", "2"], 3 * 4),
    (["--input", "7x7", "--dilation", "2", "--stride", "2", "--padding", "1"], 3 * 3),
    (["--input", "4x4", "--padding", "same", "--stride", "2"], 2 * 2),
    (["--input", "3x3", "--padding", "full"], 5 * 5),
    (["--input", "6x5", "--kernel", "2x3", "--padding", "0,1,2,0", "--flip"], 6 * 5),
    # pooling: ⌊(n + 2p − size)/s⌋ + 1, stride defaulting to the window size
    (["--op", "max", "--input", "6x6"], 3 * 3),
    (["--op", "avg", "--input", "5x5", "--kernel", "3x3", "--stride", "1", "--padding", "1"],
     5 * 5),
    # transposed: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1
    (["--op", "transposed", "--input", "2x2"], 4 * 4),
    (["--op", "transposed", "--input", "3x2", "--stride", "2", "--padding", "1",
      "--output-padding", "1"], 6 * 4),
    (["--op", "transposed", "--input", "2x2", "--dilation", "2", "--stride", "3"], 8 * 8),
])
def test_frame_count_is_out_h_times_out_w(tmp_path, capsys, args, frames):
    out = tmp_path / "a.gif"
    code, stdout, err = animate(capsys, "-o", str(out), *args)
    assert (code, err) == (0, "")
    assert n_frames(out) == frames
    assert f"{frames} frames" in stdout


def test_numbers_match_a_brute_force_convolution(tmp_path, capsys):
    image = np.array([[1, 2, 0, 3], [4, -1, 2, 1], [0, 3, 1, 2], [2, 2, 0, -2]], float)
    kernel = np.array([[1, 0], [-1, 2]], float)
    out = tmp_path / "svg" / "f.svg"
    out.parent.mkdir()
    code, _, err = animate(capsys, "-o", str(out), "--input-values",
                           "; ".join(" ".join(str(int(v)) for v in row) for row in image),
                           "--kernel", "1 0; -1 2", "--flip", "--padding", "1",
                           "--stride", "2", "--numbers")
    assert (code, err) == (0, "")
    padded, k = np.pad(image, 1), kernel[::-1, ::-1]
    expected = [[sum(padded[2 * i + a, 2 * j + b] * k[a, b] for a in range(2) for b in range(2))
                 for j in range(3)] for i in range(3)]
    files = sorted(os.listdir(out.parent))
    assert files == [f"f-{n:03d}.svg" for n in range(1, 10)]
    last = ET.parse(out.parent / files[-1]).getroot()
    shown = [t.text for t in last.iter("{http://www.w3.org/2000/svg}text")]
    for row in expected:
        for value in row:
            assert str(int(value)) in shown  # whole numbers, ASCII minus


def test_same_seed_gives_the_same_file(tmp_path, capsys):
    for name in ("a.gif", "b.gif", "c.gif"):
        seed = "4" if name != "c.gif" else "5"
        assert animate(capsys, "-o", str(tmp_path / name), "--numbers", "--seed", seed)[0] == 0
    a, b, c = ((tmp_path / n).read_bytes() for n in ("a.gif", "b.gif", "c.gif"))
    assert a == b and a != c


@pytest.mark.parametrize(("name", "check"), [
    ("a.png", lambda p: n_frames(p) == 9),
    ("a.pdf", lambda p: len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", p.read_bytes())) == 9),
    ("frames", lambda p: sorted(os.listdir(p)) == [f"frame-{n:03d}.png" for n in range(1, 10)]),
])
def test_every_format(tmp_path, capsys, name, check):
    out = tmp_path / name
    code, _, err = animate(capsys, "-o", str(out), "--theme", "dark", "--numbers", "--cell", "20")
    assert (code, err) == (0, "")
    assert check(out)


@pytest.mark.parametrize(("args", "message"), [
    (["--input", "2x2"], "kernel spans 3×3 but the padded input is 2×2: add padding ≥ 1 per "
                         "side or use a smaller kernel"),
    (["--input", "4x4", "--dilation", "2"], "dilated kernel spans 5×5 but the padded input is "
                                            "4×4: add padding ≥ 1 per side or lower the dilation"),
    (["--op", "max", "--input", "3x3", "--kernel", "4x4"],
     "pooling window 4 is larger than the padded input 3: use a smaller window or more padding"),
    (["--op", "transposed", "--input", "2x2", "--kernel", "2x2", "--padding", "2"],
     "padding 2 removes the whole output (-1 < 1): lower the padding"),
])
def test_no_output_is_refused_and_nothing_is_written(tmp_path, capsys, args, message):
    code, stdout, err = animate(capsys, "-o", str(tmp_path / "a.gif"), *args)
    assert code == 2 and stdout == ""
    assert err == f"convgui: error: {message}\n"
    assert os.listdir(tmp_path) == ["home"] or os.listdir(tmp_path) == []


@pytest.mark.parametrize(("args", "fragment"), [
    (["--fps", "0"], "--fps must be above 0"),
    (["--cell", "5"], "--cell must be 12 to 160"),
    (["--op", "max", "--flip"], "--flip does not apply to --op max"),
    (["--op", "conv", "--output-padding", "1"], "--output-padding does not apply to --op conv"),
    (["--op", "transposed", "--padding", "same"], "needs --padding P or PH,PW"),
    (["--input-values", "1 2; 3"], "row 2 has 1 values, expected 2"),
    (["--input", "3x3", "--input-values", "1 2; 3 4"], "does not match --input-values"),
    (["--kernel", "no-such-kernel"], "unknown kernel"),
    (["--padding", "-1"], "bad padding"),
    (["--stride", "0"], "stride must be ≥ 1"),
    (["--op", "transposed", "--stride", "2", "--output-padding", "2"],
     "output_padding 2 must be smaller than the stride or the dilation"),
    (["--input", "500x500"], "larger than the 64x64"),
    (["--theme", "pink"], "invalid choice"),
])
def test_bad_options_give_one_line_errors(tmp_path, capsys, args, fragment):
    code, stdout, err = animate(capsys, "-o", str(tmp_path / "a.gif"), *args)
    assert code == 2 and stdout == ""
    assert err.startswith("convgui: error: ") and err.count("\n") == 1
    assert fragment in err
    assert not (tmp_path / "a.gif").exists()


@pytest.mark.parametrize(("output", "fragment"), [
    ("a.bmp", "unsupported file type '.bmp'"), ("missing/a.gif", "the folder does not exist"),
])
def test_bad_output_paths(tmp_path, capsys, output, fragment):
    code, _, err = animate(capsys, "-o", str(tmp_path / output))
    assert code == 2 and fragment in err and err.count("\n") == 1
    assert os.listdir(tmp_path) in ([], ["home"])


def test_the_installed_command_runs(tmp_path):
    env = dict(os.environ, CONVGUI_HOME=str(tmp_path / "home"), PYTHONIOENCODING="utf-8",
               PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "convgui", "animate", "-o", "up.gif", "--op", "transposed",
         "--input", "2x2", "--stride", "2", "--numbers"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert n_frames(tmp_path / "up.gif") == 5 * 5  # (2 − 1)·2 + 3 − 1 + 1
    help_text = subprocess.run([sys.executable, "-m", "convgui", "--help"], cwd=tmp_path,
                               env=env, capture_output=True, text=True, timeout=120).stdout
    assert "animate" in help_text
