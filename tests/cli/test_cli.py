"""The ``convgui`` command as a user runs it: ``python -m convgui ...`` in a subprocess.

Expectations are computed here independently (``scipy.signal.correlate2d``, hand arithmetic),
never with ConvGUI's own engine. A few cheap checks of the argument helpers run in-process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import signal

from convgui import cli

REPO = Path(__file__).resolve().parents[2]
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
GAUSS_3 = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float64) / 16
H, W = 9, 11


# ------------------------------------------------------------------------------------ helpers


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m convgui ARGS`` (or ``python -c CODE ARGS``) with a private home, headless."""
    full_env = dict(os.environ) if env is None else env
    full_env["CONVGUI_HOME"] = str(cwd / "home")
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), full_env.get("PYTHONPATH", "")) if p
    )
    full_env["PYTHONIOENCODING"] = "utf-8"
    full_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    head = ["-c", code] if code else ["-m", "convgui"]
    return subprocess.run(
        [sys.executable, *head, *args], cwd=cwd, env=full_env, capture_output=True,
        text=True, encoding="utf-8", timeout=120,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str,
                          status: int = 2) -> str:
    assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("convgui: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with test images; results go to ``work/out`` (created empty)."""
    rng = np.random.default_rng(7)
    Image.fromarray(rng.integers(0, 256, (H, W), dtype=np.uint8)).save(tmp_path / "grey8.png")
    Image.fromarray(rng.integers(0, 65536, (H, W), dtype=np.uint16)).save(
        tmp_path / "grey16.png"
    )
    Image.fromarray(rng.integers(0, 256, (H, W, 3), dtype=np.uint8)).save(tmp_path / "rgb.png")
    Image.fromarray(np.array([[0, 10, 20], [30, 40, 50]], dtype=np.uint8)).save(
        tmp_path / "tiny.png"
    )
    (tmp_path / "notes.png").write_text("this is not an image\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "home").mkdir()
    return tmp_path


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im).astype(np.float64)


# ------------------------------------------------------------------------------ apply: results


def test_apply_grey8_library_kernel_to_npy_prints_shapes_and_time(work: Path) -> None:
    proc = run("apply", "grey8.png", "-o", "out/edges.npy", "--kernel", "sobel-x", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    line = proc.stdout.strip()
    assert re.fullmatch(
        r"grey8\.png 9×11 → 7×9 \(valid, stride 1\) in \d+(\.\d+)? (ms|s) → out/edges\.npy", line
    ), line
    result = np.load(work / "out" / "edges.npy")
    expected = signal.correlate2d(pixels(work / "grey8.png"), SOBEL_X, mode="valid")
    assert result.shape == (7, 9)
    np.testing.assert_allclose(result, expected, atol=1e-3)


def test_apply_grey16_to_png_is_8bit_mapped_from_16bit_range(work: Path) -> None:
    proc = run("apply", "grey16.png", "-o", "out/blur.png", "--kernel", "gaussian-3", cwd=work)
    assert proc.returncode == 0, proc.stderr
    with Image.open(work / "out" / "blur.png") as im:
        assert (im.mode, im.size) == ("L", (W - 2, H - 2))
        got = np.asarray(im).astype(np.float64)
    raw = pixels(work / "grey16.png")
    assert raw.max() > 255  # really 16-bit data
    corr = signal.correlate2d(raw, GAUSS_3, mode="valid")
    expected = np.floor(np.clip(corr, 0, 65535) * 255 / 65535 + 0.5)  # 'auto' = clip for a blur
    assert np.abs(got - expected).max() <= 1


def test_apply_rgb_per_channel_to_npy(work: Path) -> None:
    proc = run("apply", "rgb.png", "-o", "out/box.npy", "--kernel", "box-3", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "9×11×3 → 7×9×3" in proc.stdout
    result = np.load(work / "out" / "box.npy")
    rgb = pixels(work / "rgb.png")
    assert result.shape == (H - 2, W - 2, 3)
    for c in range(3):
        expected = signal.correlate2d(rgb[:, :, c], np.ones((3, 3)) / 9, mode="valid")
        np.testing.assert_allclose(result[:, :, c], expected, atol=1e-3)


def test_apply_rgb_same_padding_to_png(work: Path) -> None:
    proc = run("apply", "rgb.png", "-o", "out/sharp.png", "--kernel", "sharpen",
               "--padding", "same", "--boundary", "reflect", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "9×11×3 → 9×11×3 (same, stride 1)" in proc.stdout
    with Image.open(work / "out" / "sharp.png") as im:
        assert (im.mode, im.size) == ("RGB", (W, H))


def test_apply_kernel_text_divisor_and_stride_to_float_tiff(work: Path) -> None:
    proc = run("apply", "grey8.png", "-o", "out/g.tif", "--kernel", "1 2 1; 2 4 2; 1 2 1",
               "--divisor", "16", "--stride", "2", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "9×11 → 4×5 (valid, stride 2)" in proc.stdout
    with Image.open(work / "out" / "g.tif") as im:
        assert im.mode == "F"
        result = np.asarray(im)
    expected = signal.correlate2d(pixels(work / "grey8.png"), GAUSS_3, mode="valid")[::2, ::2]
    np.testing.assert_allclose(result, expected, atol=1e-3)


def test_apply_kernel_from_json_preset_with_saved_settings(work: Path) -> None:
    # A preset file as the GUI saves it: the saved bias and stride apply, the command line's
    # --padding wins over the saved one.
    preset = {
        "format": "convgui-preset", "version": 1, "name": "mine",
        "kernel": [[0, 1], [2, 3]], "divisor": 4, "bias": 1,
        "settings": {"padding": "same", "stride": [2, 2], "boundary": "reflect"},
    }
    (work / "k.json").write_text(json.dumps(preset))
    proc = run("apply", "grey8.png", "-o", "out/j.npy", "--kernel", "k.json", "--padding",
               "valid", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "9×11 → 4×5 (valid, stride 2)" in proc.stdout
    expected = signal.correlate2d(
        pixels(work / "grey8.png"), np.array([[0, 1], [2, 3]]) / 4, mode="valid"
    )[::2, ::2] + 1
    np.testing.assert_allclose(np.load(work / "out" / "j.npy"), expected, atol=1e-3)


def test_apply_hand_computed_flip_bias_padding_edge_without_qt(work: Path) -> None:
    # kernel [1, -1] flipped is [-1, 1]; rows padded by one 'edge' cell left and right:
    # [0 0 10 20 20] -> differences [0 10 10 0], plus the bias 0.5.
    code = (
        "import sys\n"
        "from convgui.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "qt = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')"
        " or m.startswith('convgui.ui')]\n"
        "assert not qt, qt\n"
        "sys.exit(rc)\n"
    )
    proc = run("apply", "tiny.png", "-o", "out/t.npy", "--kernel", "1 -1", "--flip",
               "--bias=1/2", "--padding", "0,1", "--boundary", "edge", cwd=work, code=code)
    assert proc.returncode == 0, proc.stderr
    assert "2×3 → 2×4 (padding 0,1, stride 1)" in proc.stdout
    expected = np.array([[0.5, 10.5, 10.5, 0.5], [0.5, 10.5, 10.5, 0.5]])
    np.testing.assert_allclose(np.load(work / "out" / "t.npy"), expected, atol=1e-6)


# ---------------------------------------------------------------------------- apply: failures

TEXT_FILE_RAGGED = "1 2 1; 2 4"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["missing.png", "-o", "out/x.png", "--kernel", "sobel-x"], ["missing.png", "no such"]),
        (["notes.png", "-o", "out/x.png", "--kernel", "sobel-x"], ["notes.png", "not an image"]),
        (["grey8.png", "-o", "out/x.png", "--kernel", "sobel-z"], ["did you mean", "sobel-x"]),
        (["grey8.png", "-o", "out/x.png", "--kernel", TEXT_FILE_RAGGED], ["row 2"]),
        (["grey8.png", "-o", "out/x.png", "--kernel", "sobel-x", "--stride", "0"], ["stride"]),
        (["grey8.png", "-o", "out/x.jpg", "--kernel", "sobel-x"], [".png", ".npy", ".tif"]),
        (["grey8.png", "-o", "out/no/such/x.png", "--kernel", "sobel-x"], ["does not exist"]),
        (["rgb.png", "-o", "out/x.tif", "--kernel", "sobel-x"], ["one channel", ".npy"]),
    ],
    ids=["missing-input", "text-as-png", "unknown-kernel", "ragged-kernel", "stride-0",
         "bad-extension", "missing-folder", "colour-tiff"],
)
def test_apply_errors_are_one_line_exit_2_and_leave_no_file(
    work: Path, args: list[str], fragments: list[str]
) -> None:
    proc = run("apply", *args, cwd=work)
    assert_one_line_error(proc, *fragments)
    assert proc.stdout == ""
    assert list((work / "out").iterdir()) == []


def test_apply_impossible_shape_names_the_span(work: Path) -> None:
    Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(work / "four.png")
    proc = run("apply", "four.png", "-o", "out/x.npy", "--kernel", "box-3", "--dilation", "2",
               cwd=work)
    assert_one_line_error(proc, "spans")
    assert list((work / "out").iterdir()) == []


def test_apply_failed_save_leaves_no_partial_file(work: Path) -> None:
    (work / "out" / "taken.png").mkdir()  # the output name is a folder: the save must fail
    proc = run("apply", "grey8.png", "-o", "out/taken.png", "--kernel", "sobel-x", cwd=work)
    assert_one_line_error(proc, "taken.png")
    assert [p.name for p in (work / "out").iterdir()] == ["taken.png"]
    assert list((work / "out" / "taken.png").iterdir()) == []


# ------------------------------------------------------------------------- shape, kernels, help


def test_shape_classic_layer(work: Path) -> None:
    proc = run("shape", "128x128x3", "--kernel", "3", "--stride", "2", "--padding", "0",
               "--filters", "16", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "128×128×3 → 63×63×16",
        "height: ⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63",
        "width:  ⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63",
        "parameters: 448 (16 filters × (3·3·3 weights + 1 bias))",
        "multiply-adds: 1,714,608",
        "receptive field: 3×3",
    ]


def test_shape_transposed_then_pool(work: Path) -> None:
    proc = run("shape", "16×16×64", "--kernel", "4", "--stride", "2", "--padding", "1",
               "--filters", "32", "--transposed", "--pool", "2", cwd=work)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "16×16×64 → 32×32×32 (transposed)"
    assert lines[1] == "height: (16 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1 = 32"
    assert "parameters: 32,800 (32 filters × (4·4·64 weights + 1 bias))" in lines
    assert "pool 2×2, stride 2: 32×32×32 → 16×16×32" in lines


def test_kernels_lists_library_and_generators(work: Path) -> None:
    proc = run("kernels", cwd=work)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.strip()}
    assert rows["sobel-x"][1:4] == ["3×3", "1", "yes"]
    assert rows["gaussian-3"][1:4] == ["3×3", "16", "yes"]
    assert rows["sharpen"][3] == "no"
    assert "gaussian:size,sigma" in rows


def test_help_lists_the_commands(work: Path) -> None:
    proc = run("--help", cwd=work)
    assert proc.returncode == 0, proc.stderr
    for word in ("apply", "shape", "kernels", "--screenshot", "--version"):
        assert word in proc.stdout


# ---------------------------------------------------------------------------------- the window


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland display check")
def test_window_without_display_is_one_line_exit_1(work: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["QT_QPA_PLATFORM"] = ""  # set but empty: counts as unset
    proc = run(cwd=work, env=env)
    assert_one_line_error(proc, "cannot start the window", "display", status=1)


def test_window_screenshot(work: Path) -> None:
    proc = run("--image", "grey8.png", "--kernel", "sharpen", "--screenshot", "out/win.png",
               cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "RuntimeError" not in proc.stderr, proc.stderr
    with Image.open(work / "out" / "win.png") as im:
        assert im.format == "PNG" and im.width >= 1000 and im.height >= 600
    assert list((work / "home").iterdir()) == []  # a screenshot leaves the user's session alone


def test_window_screenshot_at_a_size_in_presentation_mode_on_a_tab(work: Path) -> None:
    """One command reproduces a teacher's capture: its size, presentation mode, the tab."""
    proc = run("--screenshot", "out/pres.png", "--size", "1024x768", "--presentation",
               "--tab", "filter-bank", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "propagateSizeHints" not in proc.stderr
    with Image.open(work / "out" / "pres.png") as im:
        assert im.size == (1024, 768)
    ini = work / "home" / "convgui.ini"  # the user's own mode is not changed by a screenshot
    assert not ini.exists() or "presentation=true" not in ini.read_text()


@pytest.mark.parametrize(("args", "fragments"), [
    (("--size", "10x10"), ("bad size", "1024x768")),
    (("--size", "wide"), ("size",)),
    (("--tab", "nowhere"), ("no tab 'nowhere'", "Step through")),
])
def test_window_options_refuse_bad_values_in_one_line(work: Path, args, fragments) -> None:
    proc = run("--screenshot", "out/x.png", *args, cwd=work)
    assert_one_line_error(proc, *fragments)
    assert not (work / "out" / "x.png").exists()


#: Runs ``convgui ARGS`` and prints the Qt modules it imported before it exited.
QT_PROBE = """
import json, sys
from convgui.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
print(json.dumps(sorted(m for m in sys.modules
                        if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))))
sys.exit(status)
"""


def test_an_unknown_tab_is_refused_by_the_parser_before_qt_starts(work: Path) -> None:
    """``--tab nowhere`` is an argument error (exit 2, one line naming the tabs), found
    without importing Qt: no window is started to find out."""
    proc = run("--tab", "nowhere", cwd=work, code=QT_PROBE)
    line = assert_one_line_error(proc, "argument --tab: no tab 'nowhere'")
    assert line.endswith("the tabs are: Playground, Step through, Filter bank, Channels, Layer, "
                         "Transposed, Quiz (see 'convgui --help')")
    assert json.loads(proc.stdout) == []


def test_the_parser_imports_no_qt_and_names_the_tab_asked_for(work: Path) -> None:
    code = """
import json, sys
from convgui.cli.parser import build_parser
tabs = [build_parser().parse_args(["--tab", name]).gui_tab for name in sys.argv[1:]]
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
print(json.dumps([tabs, qt]))
"""
    proc = run("step-through", "FILTER_BANK", " quiz ", "Playground", cwd=work, code=code)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [["Step through", "Filter bank", "Quiz", "Playground"], []]


def test_help_names_every_tab(work: Path) -> None:
    proc = run("--help", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert ("show this tab: playground, step-through, filter-bank, channels, layer, "
            "transposed, quiz") in " ".join(proc.stdout.split())


# ------------------------------------------------------------------------------- in-process


def test_resolve_kernel_forms(tmp_path: Path) -> None:
    grid, divisor = cli.resolve_kernel("Gaussian_3")
    assert divisor == 16 and grid.tolist() == GAUSS_3.__mul__(16).tolist()

    grid, divisor = cli.resolve_kernel("1/2 1/2; -1 1")
    assert (grid.tolist(), divisor) == ([[0.5, 0.5], [-1, 1]], 1.0)

    grid, divisor = cli.resolve_kernel("gaussian:5,1.5")
    assert grid.shape == (5, 5) and divisor == 1.0 and abs(grid.sum() - 1) < 1e-12
    assert cli.resolve_kernel("box:4")[0].shape == (4, 4)
    assert cli.resolve_kernel("motion-blur:length=7,angle=90")[0].shape == (7, 7)

    forms = {
        "rows.json": [[1, 2], [3, 4]],
        "object.json": {"kernel": "1 2; 3 4", "divisor": "1/4"},
        "nested.json": {"name": "mine", "settings": {"kernel": [[1, 2], [3, 4]], "divisor": 0.25}},
    }
    for name, data in forms.items():
        (tmp_path / name).write_text(json.dumps(data))
        grid, _ = cli.resolve_kernel(str(tmp_path / name))
        assert grid.tolist() == [[1, 2], [3, 4]], name
    assert cli.resolve_kernel(str(tmp_path / "object.json"))[1] == 0.25
    assert cli.resolve_kernel_choice(str(tmp_path / "rows.json")).settings == {}
    (tmp_path / "full.json").write_text(json.dumps(
        {"kernel": [[1]], "bias": 2, "padding": [[1, 2], [3, 4]], "stride": [2, 1], "flip": True}
    ))
    assert cli.resolve_kernel_choice(str(tmp_path / "full.json")).settings == {
        "bias": 2, "padding": ((1, 2), (3, 4)), "stride": (2, 1), "flip": True,
    }
    (tmp_path / "k.txt").write_text("1\t2\n3\t4\n")
    assert cli.resolve_kernel(str(tmp_path / "k.txt"))[0].tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("", "empty"),
        ("sharpn", "did you mean 'sharpen'"),
        ("gausian:5", "did you mean 'gaussian'"),
        ("gaussian:5,1,2", "at most 2"),
        ("1 2; 3", "row 2"),
        ("1 x 2", "not a number"),
        ("missing.json", "no such file"),
        ("bad.json", "invalid JSON"),
        ("ragged.json", "row 2 has 1 values"),
        ("zero.json", "divisor"),
        ("badstride.json", "stride"),
    ],
)
def test_resolve_kernel_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               spec: str, fragment: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text("[[1, 2]")
    (tmp_path / "ragged.json").write_text("[[1, 2], [3]]")
    (tmp_path / "zero.json").write_text('{"kernel": [[1]], "divisor": 0}')
    (tmp_path / "badstride.json").write_text('{"kernel": [[1]], "settings": {"stride": 0}}')
    with pytest.raises(ValueError, match=re.escape(fragment)) as info:
        cli.resolve_kernel(spec)
    assert "\n" not in str(info.value)


def test_option_parsers_and_choices_match_the_core() -> None:
    code = "import sys, convgui.cli; print(any(m.startswith('scipy') for m in sys.modules))"
    quick = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert quick.stdout.strip() == "False"  # 'convgui shape' and '--help' start without SciPy
    assert cli.padding_arg("Same") == "same"
    assert cli.padding_arg("2") == 2
    assert cli.padding_arg("1,2") == (1, 2)
    assert cli.padding_arg("1,2,3,4") == ((1, 2), (3, 4))
    assert cli.shape_arg("128×128") == (128, 128, 1)
    assert cli.number_arg("1/16") == 0.0625
    for bad in ("-1", "1,2,3", "wide"):
        with pytest.raises(Exception, match="padding"):
            cli.padding_arg(bad)


def test_shape_variants_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["shape", "32x32", "--kernel", "3x5", "--padding", "same", "--dilation",
                     "2", "--channels", "per-channel", "--filters", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "32×32×1 → 32×32×1"
    assert out[-1] == "receptive field: 5×9"
    assert cli.main(["shape", "4x4", "--kernel", "3", "--dilation", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convgui: error: dilated kernel spans 5×5") and err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == "convgui 0.1.0"
