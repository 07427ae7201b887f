"""The wheel carries everything: built from a clean copy of the sources, installed on its
own, it finds its bundled images and presets from any working directory."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def _tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout to know which files are the sources")
    return [line for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from a copy of the tracked files, and what the build printed."""
    pytest.importorskip("build")
    src = tmp_path_factory.mktemp("src")
    for name in _tracked_files():
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_file():
            target.write_bytes((REPO / name).read_bytes())
    dist = tmp_path_factory.mktemp("dist")
    # PYTHONDONTWRITEBYTECODE makes distutils say it skips byte-compiling: not ours to report
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    build = subprocess.run([sys.executable, "-W", "default", "-m", "build", "--wheel",
                            "--no-isolation", "-o", str(dist), str(src)],
                           capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("convgui-*.whl")
    return wheel, build.stdout + build.stderr


@pytest.fixture(scope="module")
def installed_wheel(built_wheel, tmp_path_factory) -> Path:
    """The wheel unpacked into its own folder."""
    wheel, _output = built_wheel
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Python on the installed wheel, warnings as errors (as the suite's own filterwarnings)."""
    env = {"PYTHONPATH": str(site), "CONVGUI_HOME": str(cwd / "home"), "PATH": "/usr/bin:/bin",
           "PYTHONWARNINGS": "error"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_build_prints_no_warning(built_wheel):
    """setuptools' deprecations (a licence table) and "Package would be ignored" notices for
    data folders were ~100 lines on every install."""
    _wheel, output = built_wheel
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert warnings == []


def test_wheel_holds_resources_and_every_package(installed_wheel):
    site = installed_wheel
    for init in (REPO / "convgui").rglob("__init__.py"):  # a new package cannot be forgotten
        assert (site / init.relative_to(REPO)).is_file(), init
    for folder in ("images", "presets", "icons"):
        assert (site / "convgui/resources" / folder).is_dir(), folder
    assert (site / "convgui/resources/icons/convgui.svg").is_file()
    assert list(site.glob("convgui-*.dist-info/licenses/LICENSE"))
    assert (site / "convgui/resources/images/LICENSES.md").is_file()
    assert len(list((site / "convgui/resources/presets").glob("*.json"))) >= 16


def test_installed_wheel_runs_kernels_and_apply_from_anywhere(installed_wheel, tmp_path):
    site = installed_wheel
    where = _run(site, tmp_path, "-c",
                 "import convgui, convgui.samples as s; print(convgui.__file__); "
                 "print(s.sample_path('camera'))")
    assert where.returncode == 0, where.stderr
    module_file, camera = where.stdout.split()
    assert module_file.startswith(str(site)) and camera.startswith(str(site))
    listing = _run(site, tmp_path, "-m", "convgui", "kernels")
    assert listing.returncode == 0, listing.stderr
    assert "sobel-x" in listing.stdout
    out = tmp_path / "edges.npy"
    applied = _run(site, tmp_path, "-m", "convgui", "apply", camera, "-o", str(out),
                   "--kernel", "box-3")
    assert applied.returncode == 0, applied.stderr
    result = np.load(out)
    assert result.shape == (510, 510)
    presets = _run(site, tmp_path, "-m", "convgui", "presets", "list")
    assert presets.returncode == 0, presets.stderr
    assert "Sobel" in presets.stdout
