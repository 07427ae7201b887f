"""Fuzzing the command line's argument parsing (Hypothesis, in-process).

``convgui.cli.main(argv)`` gets random argument lists built from plausible tokens (commands,
option names, file names, kernel specs, numbers, odd numbers such as ``1/0`` and ``1e999``)
and random text. Whatever the list, the outcome is exit status 0 or 2 (argparse's
``SystemExit(2)`` counts), never another exception and never a traceback; a failure is one
line on stderr, ``convgui: error: ...``.

The window is never opened: ``convgui.ui.app.run_gui`` is replaced, so a list without a
command only has its window options checked (image, kernel name, screenshot path). Everything
runs in ``tmp_path`` (the working folder) with a private ``CONVGUI_HOME``; random text never
holds a path separator, so nothing is written elsewhere. Numbers are small, or so huge that no
array of that size can exist, so no call computes for long.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from convgui import cli

COMMANDS = ["apply", "shape", "kernels", "presets", "list", "show", "export", "import",
            "delete"]
OPTIONS = [
    "-o", "--output", "-k", "--kernel", "--divisor", "--bias", "--padding", "--stride",
    "--dilation", "--boundary", "--cval", "--flip", "--no-flip", "--channels", "--display",
    "--filters", "--transposed", "--output-padding", "--pool", "--pool-stride",
    "--on-conflict", "--image", "--screenshot", "--help", "-h", "--version", "--", "-",
    "--nonsense",
]
KERNELS = ["sobel-x", "box-3", "sharpen", "gaussian:3,1", "gaussian:99", "box:0", "nope:1",
           "1 2 1; 2 4 2; 1 2 1", "1 2; 3", "Sobel x", "My blur", "preset.json", "bad.json"]
VALUES = [
    "in.png", "rgba.png", "grey16.png", "missing.png", "notes.png", "empty.png", "out.png",
    "out.npy", "out.tif", "out.jpg", "no/such/out.png", "shot.png", *KERNELS,
    "same", "valid", "full", "1,2", "1,2,3,4", "8x8x3", "4x4", "0x4",
    "0", "1", "2", "3", "-1", "1/0", "1/16", "nan", "inf", "-inf", "1e999",
    "99999999999999999999", "-99999999999999999999",
    "constant", "reflect", "wrap", "per-channel", "sum", "luma", "clip", "diverging", "auto",
    "keep-both", "replace", "skip", "",
]
SAFE_TEXT = st.text(st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",)),
                    max_size=6)
TOKEN = st.one_of(
    st.sampled_from(COMMANDS), st.sampled_from(OPTIONS), st.sampled_from(VALUES),
    st.integers(-5, 40).map(str), SAFE_TEXT,
)


@st.composite
def argv_lists(draw):
    """Anything at all; a command and anything; or a well-formed ``apply``/``shape`` line with
    random option pairs (so that many examples get past the parser and really run)."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.lists(TOKEN, max_size=10))
    if kind == 1:
        command = draw(st.sampled_from(["apply", "shape", "kernels", "presets"]))
        return [command, *draw(st.lists(TOKEN, max_size=10))]
    good = st.sampled_from(["1", "2", "same", "valid", "full", "1,2", "reflect", "sum", "luma",
                            "clip", "2/3"])
    pairs = draw(st.lists(st.tuples(st.sampled_from(OPTIONS), good | TOKEN), max_size=3))
    extra = [token for pair in pairs for token in pair]
    if kind == 2:
        head = ["apply", draw(st.sampled_from(["in.png", "rgba.png", "grey16.png"])), "-o",
                draw(st.sampled_from(["out.png", "out.npy", "out.tif"])), "-k",
                draw(st.sampled_from(KERNELS))]
    else:
        head = ["shape", draw(st.sampled_from(["8x8x3", "4x4", "0x4", "1x1"])), "--kernel",
                draw(st.sampled_from(["1", "3", "3x5", "0", "9"]))]
    return head + extra


def _fixtures(folder) -> None:
    """Tiny input files, written again before every example (an example may overwrite one)."""
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(folder / "in.png")
    Image.fromarray(rng.integers(0, 256, (8, 8, 4), dtype=np.uint8)).save(folder / "rgba.png")
    Image.fromarray(rng.integers(0, 65536, (8, 8), dtype=np.uint16)).save(folder / "grey16.png")
    (folder / "notes.png").write_text("not an image\n")
    (folder / "empty.png").write_bytes(b"")
    (folder / "preset.json").write_text(json.dumps(
        {"format": "convgui-preset", "version": 1, "name": "My blur",
         "kernel": [[1, 2, 1], [2, 4, 2], [1, 2, 1]], "divisor": 16}))
    (folder / "bad.json").write_text("[[1, 2]")


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    opened: list[tuple] = []

    def fake_run_gui(*args, **kwargs):
        opened.append(args)
        return 0

    monkeypatch.setattr("convgui.ui.app.run_gui", fake_run_gui)
    return tmp_path, opened


def run_main(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return 0 if exc.code is None else exc.code


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=argv_lists())
def test_fuzz_cli_arguments(sandbox, capsys, argv):
    folder, opened = sandbox
    _fixtures(folder)
    before = len(opened)
    code = run_main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("convgui: error: "), (argv, err)
    if len(opened) > before:  # the window would have opened: only without a command
        assert not any(c in argv for c in ("apply", "shape", "kernels", "presets")) or \
            "--" in argv, argv


def test_window_options_are_checked_but_the_window_is_not_opened(sandbox, capsys):
    folder, opened = sandbox
    _fixtures(folder)
    assert run_main(["--kernel", "sobel-z"]) == 2
    assert "did you mean" in capsys.readouterr().err
    assert run_main(["--image", "notes.png"]) == 2
    assert "not an image" in capsys.readouterr().err
    assert opened == []
    assert run_main(["--image", "in.png", "--kernel", "sobel-x"]) == 0
    assert opened == [("in.png", "sobel-x", None)]


# ------------------------------------------------------------------- kernel files (--kernel)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from([10**400, -(10**30)])
    | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)
KERNEL_FILE_KEYS = ["kernel", "divisor", "bias", "padding", "stride", "dilation", "boundary",
                    "cval", "flip", "channels", "display", "settings", "name", "format"]


@st.composite
def kernel_documents(draw):
    """What ``--kernel FILE.json`` may hold: rows, an object with the known keys (values
    valid or random), or any JSON at all."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.lists(st.lists(JSON_VALUES | st.integers(-3, 3), max_size=4),
                             max_size=4))
    if kind == 1:
        keys = draw(st.lists(st.sampled_from(KERNEL_FILE_KEYS), unique=True, max_size=6))
        document = {key: draw(JSON_VALUES) for key in keys}
        if draw(st.booleans()):
            document["kernel"] = [[1, 2], [3, 4]]
        if draw(st.booleans()) and isinstance(document.get("settings"), dict):
            document["settings"]["kernel"] = [[1]]
        return document
    return draw(JSON_VALUES)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=kernel_documents())
def test_fuzz_kernel_json_files(sandbox, document):
    folder, _ = sandbox
    (folder / "k.json").write_text(json.dumps(document), encoding="utf-8")
    try:
        choice = cli.resolve_kernel_choice("k.json")
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        assert message.startswith("cannot use kernel file 'k.json'"), message
        return
    assert choice.grid.ndim == 2 and np.isfinite(choice.grid).all()
    assert choice.divisor != 0 and np.isfinite(choice.divisor)
