"""``convgui --install-desktop``: the menu entry and icons, idempotent, and removable."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from convgui import desktop_entry

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "convgui", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_install_writes_a_valid_entry_and_every_icon_and_is_idempotent(tmp_path):
    first = run("--install-desktop", data_home=tmp_path)
    assert first.returncode == 0, first.stderr
    files = desktop_entry.installed_files(tmp_path)
    snapshot = {f: f.read_bytes() for f in files}
    assert run("--install-desktop", data_home=tmp_path).returncode == 0
    assert {f: f.read_bytes() for f in files} == snapshot  # the same files, nothing more
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(files)

    entry = configparser.ConfigParser(interpolation=None)
    entry.read(tmp_path / "applications" / "convgui.desktop")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Icon"] == "convgui"
    assert section["Exec"].startswith(sys.executable) and "-m convgui" in section["Exec"]
    for size in desktop_entry.ICON_SIZES:
        with Image.open(tmp_path / "icons/hicolor" / f"{size}x{size}" / "apps/convgui.png") as im:
            assert im.size == (size, size)
    assert b"<svg" in (tmp_path / "icons/hicolor/scalable/apps/convgui.svg").read_bytes()


def test_uninstall_removes_only_what_install_wrote(tmp_path):
    mine = tmp_path / "applications" / "other.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\n")
    assert run("--install-desktop", data_home=tmp_path).returncode == 0
    removed = run("--uninstall-desktop", data_home=tmp_path)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert not any(f.exists() for f in desktop_entry.installed_files(tmp_path))
    assert mine.exists()
    again = run("--uninstall-desktop", data_home=tmp_path)
    assert again.returncode == 0 and "nothing to remove" in again.stdout


def test_the_window_and_the_application_have_convgui_s_icon(qapp):
    from convgui.ui.app import application_icon, ensure_app

    app = ensure_app()
    sizes = {(s.width(), s.height()) for s in application_icon().availableSizes()}
    assert {(n, n) for n in desktop_entry.ICON_SIZES} <= sizes
    assert not app.windowIcon().isNull()
    image = app.windowIcon().pixmap(64, 64).toImage()
    corner, cell = image.pixelColor(32, 3), image.pixelColor(50, 50)
    assert corner.name() == "#1d3557" and cell.name() == "#e63946"  # drawn from our SVG
