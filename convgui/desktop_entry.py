"""ConvGUI in the desktop's application menu (freedesktop.org systems such as Linux): a
``.desktop`` entry and the icon in the user's data folders, written and removed idempotently.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from convgui.atomic import atomic_write
from convgui.samples import resource_folder

APP_ID = "convgui"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share``."""
    home = os.environ.get("XDG_DATA_HOME")
    return Path(home) if home and os.path.isabs(home) else Path.home() / ".local" / "share"


def entry_text(command: list[str]) -> str:
    """The ``.desktop`` file starting ``command``."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=ConvGUI",
        "GenericName=Convolution playground",
        "Comment=Edit a convolution kernel and see exactly what it does to an image",
        f"Exec={shlex.join(command)} %f",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;Science;Graphics;",
        "MimeType=image/png;image/jpeg;image/tiff;image/bmp;",
        "Keywords=convolution;kernel;filter;CNN;image;",
        "",
    ])


def installed_files(base: Path | None = None) -> list[Path]:
    """Every file :func:`install` writes, under ``base`` (default :func:`data_home`)."""
    base = base or data_home()
    icons = base / "icons" / "hicolor"
    return [base / "applications" / f"{APP_ID}.desktop",
            icons / "scalable" / "apps" / f"{APP_ID}.svg",
            *(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES)]


def install(base: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry and the icons (again, if there); the files written. ``command``
    defaults to this Python running ``-m convgui``, so it works from a virtual environment."""
    files = installed_files(base)
    command = command or [sys.executable, "-m", "convgui"]
    sources = [resource_folder("icons") / "convgui.svg",
               *(resource_folder("icons") / f"convgui-{n}.png" for n in ICON_SIZES)]
    contents = [entry_text(command).encode(), *(src.read_bytes() for src in sources)]
    for path, data in zip(files, contents, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda out, data=data: out.write(data))
    return files


def uninstall(base: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote (what is not there is skipped); the files removed."""
    removed = []
    for path in installed_files(base):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
