"""Tests for ``convgui presets ...`` and ``convgui apply --kernel PRESET-NAME``.

Each test has its own ``CONVGUI_HOME``; the real user folder is never read or written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import signal

from convgui import cli
from convgui.presets import Preset, PresetStore, collection_to_json, read_preset_file
from convgui.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
MINE = Preset("Lesson blur ✓", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16,
              description="Soft blur for lesson three", tags=("teaching", "blur"))
STRIDED = Preset.from_settings(
    "Edges, stride 2", Settings(kernel=((0, 1), (2, 3)), divisor=4, bias=1, padding="same",
                                stride=(2, 2), boundary="reflect"),
    description="saved with its settings", include_settings=True)


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CONVGUI_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run(home: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m convgui ARGS`` with ``CONVGUI_HOME=home``."""
    return subprocess.run(
        [sys.executable, "-m", "convgui", *args], cwd=cwd, env=env_for(home),
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("convgui: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``CONVGUI_HOME`` for this test (in-process too), with two user presets."""
    home = tmp_path / "home"
    monkeypatch.setenv("CONVGUI_HOME", str(home))
    store = PresetStore()
    assert store.user_dir == home / "presets"
    store.save(MINE)
    store.save(STRIDED)
    return home


def test_list_show_export_import_delete_round_trip(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    corrupt = home / "presets" / "corrupt.json"
    corrupt.write_bytes(b'{"format": "convgui-preset", "version": 1, "name": "Hal')

    proc = run(home, "presets", "list", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = {cells[0]: cells[1:] for cells in
            (re.split(r"\s{2,}", line.strip()) for line in proc.stdout.splitlines())}
    assert rows["name"] == ["source", "size", "applies", "tags", "description"]
    assert rows[MINE.name] == ["user", "3×3", "kernel", "teaching, blur",
                               "Soft blur for lesson three"]
    assert rows[STRIDED.name] == ["user", "2×2", "all settings", "-",
                                  "saved with its settings"]
    assert rows["Sobel x"][:4] == ["built-in", "3×3", "kernel", "edge, gradient"]
    broken = [line for line in proc.stdout.splitlines() if "corrupt.json" in line]
    assert len(broken) == 1 and "broken: invalid JSON" in broken[0]
    assert f"Your presets folder: {home / 'presets'}" in proc.stdout
    listing = proc.stdout

    proc = run(home, "presets", "show", MINE.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert Preset.from_json(proc.stdout) == MINE
    assert json.loads(proc.stdout)["kernel"] == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]

    proc = run(home, "presets", "export", MINE.name, "Sobel x", STRIDED.name, "-o",
               "lesson.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "exported 3 presets to lesson.json" in proc.stdout
    assert [p.name for p in read_preset_file(tmp_path / "lesson.json")] == [
        MINE.name, "Sobel x", STRIDED.name]

    proc = run(home, "presets", "delete", MINE.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"deleted preset {MINE.name!r}" in proc.stdout
    store = PresetStore()
    assert MINE.name not in store.names()

    proc = run(home, "presets", "import", "lesson.json", cwd=tmp_path)  # keep-both by default
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "imported 3 of 3 presets from lesson.json", f"  {MINE.name}", "  Sobel x (2)",
        f"  {STRIDED.name} (2)"]
    assert store.get(MINE.name) == MINE and store.get(STRIDED.name + " (2)").settings

    assert_one_line_error(run(home, "presets", "delete", "Sobel x", cwd=tmp_path),
                          "'Sobel x' is a built-in preset and cannot be deleted")

    # The same commands in-process (quicker): no action lists, the other conflict policies.
    monkeypatch.chdir(tmp_path)
    store.delete("Sobel x (2)")
    store.delete(STRIDED.name + " (2)")
    assert cli.main(["presets"]) == 0
    assert capsys.readouterr().out == listing
    assert cli.main(["presets", "import", "lesson.json", "--on-conflict", "skip"]) == 0
    out = capsys.readouterr().out
    assert "imported 0 of 3 presets from lesson.json, 3 skipped (name taken)" in out
    store.save(Preset(MINE.name, [[9]]), overwrite=True)
    assert cli.main(["presets", "import", "lesson.json", "--on-conflict", "replace"]) == 0
    assert store.get(MINE.name) == MINE  # replaced; the built-in is kept, the copy numbered
    assert "Sobel x (2)" in store.names() and STRIDED.name + " (2)" not in store.names()
    assert corrupt.read_bytes() == b'{"format": "convgui-preset", "version": 1, "name": "Hal'


IMPORTER = (
    "import os, sys, time\n"
    "import convgui.presets\n"  # the slow imports first, so that both processes start together
    "from convgui.cli import main\n"
    "open(sys.argv[1], 'w').close()\n"
    "deadline = time.monotonic() + 30\n"
    "while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:\n"
    "    time.sleep(0.002)\n"
    "sys.exit(main(sys.argv[3:]))\n"
)


def test_two_concurrent_imports_into_one_home_keep_all_40(tmp_path: Path) -> None:
    home = tmp_path / "home"
    go = tmp_path / "go"
    procs = []
    for who in ("a", "b"):
        collection = [Preset(f"{who} preset {i}", [[i, -i], [1, 2]], description=who,
                             tags=(who,)) for i in range(20)]
        (tmp_path / f"{who}.json").write_text(collection_to_json(collection), encoding="utf-8")
        procs.append(subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(tmp_path / f"ready-{who}"), str(go),
             "presets", "import", str(tmp_path / f"{who}.json")],
            cwd=tmp_path, env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8"))
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"ready-{w}").exists() for w in "ab"):
        assert time.monotonic() < deadline, "the importers did not start"
        time.sleep(0.005)
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.startswith("imported 20 of 20 presets"), out
    store = PresetStore(user_dir=home / "presets")
    presets, broken = store.list()
    mine = {p.name: p for p in presets if not p.builtin}
    assert broken == []
    assert sorted(mine) == sorted(f"{w} preset {i}" for w in "ab" for i in range(20))
    assert all(p.kernel == ((i, -i), (1, 2)) for w in "ab" for i, p in
               enumerate(mine[f"{w} preset {i}"] for i in range(20)))
    assert len(list((home / "presets").iterdir())) == 40  # no temporary files left


def grey(path: Path) -> np.ndarray:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 256, (9, 11), dtype=np.uint8)
    Image.fromarray(data).save(path)
    return data.astype(np.float64)


def test_apply_with_a_user_preset_name(home: Path, tmp_path: Path) -> None:
    image = grey(tmp_path / "in.png")
    # A full preset: its stride, bias and padding apply; --padding on the command line wins.
    proc = run(home, "apply", "in.png", "-o", "full.npy", "--kernel", STRIDED.name,
               "--padding", "valid", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "9×11 → 4×5 (valid, stride 2)" in proc.stdout
    expected = signal.correlate2d(image, np.array([[0, 1], [2, 3]]) / 4,
                                  mode="valid")[::2, ::2] + 1
    np.testing.assert_allclose(np.load(tmp_path / "full.npy"), expected, atol=1e-9)
    # A kernel-only preset: the apply defaults (valid, stride 1).
    proc = run(home, "apply", "in.png", "-o", "mine.npy", "--kernel", MINE.name,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected = signal.correlate2d(image, np.array(MINE.kernel) / 16, mode="valid")
    np.testing.assert_allclose(np.load(tmp_path / "mine.npy"), expected, atol=1e-9)
    # Unknown: one line, exit 2, similar preset names suggested.
    assert_one_line_error(
        run(home, "apply", "in.png", "-o", "x.npy", "--kernel", "Edges, stride 3", cwd=tmp_path),
        "'Edges, stride 2'")
    assert not (tmp_path / "x.npy").exists()


def test_resolve_kernel_order_and_preset_names(home: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = PresetStore()
    store.save(Preset("sharpen", [[7]]))          # a library name: the library wins
    store.save(Preset("1 2; 3 4", [[5, 5]]))      # looks like numbers: the preset wins
    store.save(Preset("box:5", [[6]]))            # looks like a generator: the preset wins
    assert cli.resolve_kernel("sharpen")[0].tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert cli.resolve_kernel("1 2; 3 4")[0].tolist() == [[5, 5]]
    assert cli.resolve_kernel("box:5")[0].tolist() == [[6]]
    assert cli.resolve_kernel("box:4")[0].shape == (4, 4)  # other generators still work
    assert cli.resolve_kernel("1 2; 3 5")[0].tolist() == [[1, 2], [3, 5]]

    choice = cli.resolve_kernel_choice(STRIDED.name)
    assert (choice.grid.tolist(), choice.divisor) == ([[0, 1], [2, 3]], 4)
    assert choice.settings == {"bias": 1, "padding": "same", "stride": (2, 2),
                               "dilation": (1, 1), "boundary": "reflect", "cval": 0,
                               "flip": False, "channels": "per-channel", "display": "auto"}
    assert cli.resolve_kernel_choice("lesson BLUR ✓").divisor == 16  # case: one match only
    assert cli.resolve_kernel_choice("Sobel X").grid.tolist() == SOBEL_X  # the library
    assert cli.resolve_kernel_choice("Dilated Laplacian (d=2)").settings["dilation"] == (2, 2)
    store.save(Preset("Lesson Blur ✓", [[1]]))  # now two presets differ only in case
    with pytest.raises(ValueError, match="similar name"):
        cli.resolve_kernel_choice("lesson blur ✓")
    # A file still works, as a path.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.json").write_text(MINE.to_json(), encoding="utf-8")
    assert cli.resolve_kernel("k.json")[1] == 16


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["presets", "show", "nope"], ["no preset named 'nope'"]),
        (["presets", "delete", "Sobel x"], ["built-in", "cannot be deleted"]),
        (["presets", "delete", "nope"], ["no preset named 'nope'"]),
        (["presets", "export", "nope", "-o", "x.json"], ["cannot export", "'nope'"]),
        (["presets", "export", "Sobel x", "-o", "no/such/x.json"], ["cannot export"]),
        (["presets", "import", "missing.json"], ["cannot import", "no such file"]),
        (["presets", "import", "bad.json"], ["cannot import", "preset 2 of 2 ('Blur')",
                                             "row 2"]),
        (["presets", "import", "bad.json", "--on-conflict", "merge"], ["invalid choice"]),
        (["presets", "frobnicate"], ["invalid choice"]),
    ],
    ids=["show-unknown", "delete-builtin", "delete-unknown", "export-unknown",
         "export-no-folder", "import-missing", "import-invalid", "bad-policy", "bad-action"],
)
def test_preset_errors_are_one_line_exit_2(home: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           args: list[str], fragments: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps({
        "format": "convgui-preset-collection", "version": 1,
        "presets": [{"name": "fine", "kernel": [[1]]}, {"name": "Blur", "kernel": [[1], []]}],
    }))
    before = sorted(PresetStore().names())
    try:
        status = cli.main(args)
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convgui: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert sorted(PresetStore().names()) == before
    assert not (tmp_path / "x.json").exists()


def test_help_documents_presets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["apply", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "preset name" in text and "2. a preset name, yours or built-in" in text
    with pytest.raises(SystemExit):
        cli.main(["presets", "--help"])
    text = capsys.readouterr().out
    for word in ("list", "show", "export", "import", "delete", "CONVGUI_HOME"):
        assert word in text
