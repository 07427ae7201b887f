"""Whether a window can open here: a display server that answers, checked before Qt starts
(Qt aborts the whole process with a misleading hint when ``DISPLAY`` names no X server)."""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Mapping

_X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(\.\d+)?$")
CONNECT_TIMEOUT_S = 0.5


def x_display_reachable(display: str) -> bool:
    """Whether the X server named by ``display`` (``:0``, ``unix:1``, ``localhost:10.0``,
    a launchd socket path) accepts a connection."""
    if display.startswith("/"):  # macOS XQuartz: a socket path, with ":0" appended
        return os.path.exists(display.rsplit(":", 1)[0])
    match = _X_DISPLAY.match(display)
    if match is None:
        return False
    host, number = match["host"], int(match["number"])
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        return os.path.exists(path) or _abstract_socket_answers(path)
    try:
        with socket.create_connection((host, 6000 + number), timeout=CONNECT_TIMEOUT_S):
            return True
    except OSError:
        return False


def _abstract_socket_answers(path: str) -> bool:
    """Linux X servers also listen on an abstract socket named like the file one."""
    if not sys.platform.startswith("linux"):
        return False
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(CONNECT_TIMEOUT_S)
    try:
        probe.connect("\0" + path)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def wayland_socket_exists(env: Mapping[str, str]) -> bool:
    """Whether ``WAYLAND_DISPLAY`` names a socket that exists (absolute, or in
    ``XDG_RUNTIME_DIR``)."""
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return False
    path = name if os.path.isabs(name) else os.path.join(env.get("XDG_RUNTIME_DIR", ""), name)
    return os.path.exists(path)


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why no window can open with these environment variables, or None when one can (or
    when Qt is told which platform to use, or on Windows and macOS, which always have one)."""
    env = os.environ if env is None else env
    if sys.platform in ("win32", "darwin") or env.get("QT_QPA_PLATFORM"):
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not display and not wayland:
        return ("no display (DISPLAY and WAYLAND_DISPLAY are unset); use 'convgui apply' for "
                "files, or set QT_QPA_PLATFORM=offscreen")
    if wayland and wayland_socket_exists(env):
        return None
    if display and x_display_reachable(display):
        return None
    named = " and ".join(
        f"{name}={value!r}" for name, value in (("DISPLAY", display), ("WAYLAND_DISPLAY", wayland))
        if value)
    return (f"no display server answers at {named} (an SSH session without -X, or a stale "
            "variable?); unset it, connect with 'ssh -X', or set QT_QPA_PLATFORM=offscreen")
