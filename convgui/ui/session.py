"""What the window remembers between runs: where, under which keys, and the recent files.

:func:`app_settings` is the one place that decides where settings live; :class:`Session` reads
and writes the window's keys (settings, image, layout, current tab, recent files, last folders)
so the window itself never spells a key.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

from convgui.settings import Settings

ORGANIZATION = "ConvGUI"
APPLICATION = "ConvGUI"
MAX_RECENT = 8
#: What the session remembers as the image when the input is a bundled sample.
SAMPLE_PREFIX = "sample:"


def app_settings() -> QSettings:
    """Where the window remembers things: ``$CONVGUI_HOME/convgui.ini`` when that variable is
    set (tests, portable use), else the platform's usual place."""
    home = os.environ.get("CONVGUI_HOME")
    if home:
        return QSettings(os.path.join(home, "convgui.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


class Session:
    """The window's remembered state, read and written through one :class:`QSettings`."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else app_settings()

    # ----------------------------------------------------------------------- settings, image
    def settings(self) -> Settings | None:
        """The settings saved by the last window, or None (none saved, or unreadable)."""
        try:
            return Settings.from_dict(json.loads(str(self.qsettings.value("settings", ""))))
        except (ValueError, TypeError):
            return None

    def image_source(self) -> tuple[str, str]:
        """``("sample", name)``, ``("file", path)`` or ``("", "")`` for the last input."""
        source = str(self.qsettings.value("image", ""))
        if source.startswith(SAMPLE_PREFIX):
            return "sample", source[len(SAMPLE_PREFIX):]
        return ("file", source) if source else ("", "")

    def save(self, settings: Settings, sample: str | None, path: str | None) -> None:
        """Remember ``settings`` and the input: a bundled ``sample`` by name, else the file at
        ``path`` (a pasted image, with neither, is not remembered)."""
        self.qsettings.setValue("settings", json.dumps(settings.to_dict()))
        if sample is not None:
            source = SAMPLE_PREFIX + sample
        else:
            source = os.path.abspath(path) if path else ""
        self.qsettings.setValue("image", source)

    # ------------------------------------------------------------------------------ layout
    def window_geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self, arrangement: str) -> QByteArray | None:
        """The dock layout saved for ``arrangement`` (see :mod:`convgui.ui.dock_layout`)."""
        if str(self.qsettings.value("window/arrangement", "")) != arrangement:
            return None
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray, arrangement: str) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)
        self.qsettings.setValue("window/arrangement", arrangement)

    def tab(self) -> str:
        """The title of the central tab shown when the last window closed ("" if none)."""
        return str(self.qsettings.value("window/tab", ""))

    def set_tab(self, title: str) -> None:
        self.qsettings.setValue("window/tab", title)

    # ------------------------------------------------------------------ folders, recent files
    def last_dir(self, key: str) -> str:
        """The folder a file dialog of kind ``key`` last used ("" if none)."""
        return str(self.qsettings.value(key, ""))

    def set_last_dir(self, key: str, path: str) -> None:
        """Remember the folder of ``path`` for the file dialogs of kind ``key``."""
        self.qsettings.setValue(key, os.path.dirname(path))

    def recent(self) -> list[str]:
        """Recently opened image files, newest first."""
        try:
            value = json.loads(str(self.qsettings.value("recent", "[]")))
        except ValueError:
            return []
        return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []

    def add_recent(self, path: str) -> None:
        """Put ``path`` first in the recent files (once), keeping at most :data:`MAX_RECENT`."""
        path = os.path.abspath(path)
        recent = [p for p in self.recent() if p != path]
        self.qsettings.setValue("recent", json.dumps([path, *recent][:MAX_RECENT]))

    def sync(self) -> None:
        self.qsettings.sync()
