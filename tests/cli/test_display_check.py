"""A window is only tried where a display server answers; otherwise one line, exit 1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from convgui.cli.display_check import display_problem, x_display_reachable

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="X11/Wayland checks are for Linux")


def free_display_number() -> int:
    number = 4242
    while os.path.exists(f"/tmp/.X11-unix/X{number}"):
        number += 1
    return number


def run_window(env_changes: dict[str, str | None], tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                            "WAYLAND_DISPLAY")}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    env["CONVGUI_HOME"] = str(tmp_path / "home")
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "convgui"], env=env, capture_output=True,
                          text=True, timeout=60)


def test_a_display_with_no_server_is_one_line_exit_1_not_an_abort(tmp_path):
    number = free_display_number()
    proc = run_window({"DISPLAY": f":{number}"}, tmp_path)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)  # never 134 (SIGABRT)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convgui: error: cannot start the window")
    assert f"DISPLAY=':{number}'" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0]


def test_a_wayland_socket_that_does_not_exist_is_refused_too(tmp_path):
    proc = run_window({"WAYLAND_DISPLAY": "wayland-77", "XDG_RUNTIME_DIR": str(tmp_path)},
                      tmp_path)
    assert proc.returncode == 1 and "WAYLAND_DISPLAY='wayland-77'" in proc.stderr


def test_an_existing_wayland_socket_or_x_socket_counts_as_a_display(tmp_path):
    (tmp_path / "wayland-1").touch()
    assert display_problem({"WAYLAND_DISPLAY": "wayland-1",
                            "XDG_RUNTIME_DIR": str(tmp_path)}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":4242"}) is None
    assert "unset" in display_problem({})


def test_a_remote_display_is_reachable_only_if_its_port_answers():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        if port < 6000:
            pytest.skip("the free port is below the X range")
        assert x_display_reachable(f"127.0.0.1:{port - 6000}")
    assert not x_display_reachable("127.0.0.1:4242")  # nothing listens on 10242
    assert not x_display_reachable("not a display")


def test_a_screenshot_with_a_dead_display_is_drawn_off_screen(tmp_path):
    number = free_display_number()
    env = {"DISPLAY": f":{number}"}
    shot = tmp_path / "shot.png"
    proc = run_window(env, tmp_path)  # the window itself is refused ...
    assert proc.returncode == 1
    env_all = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",)}
    env_all.update(env, CONVGUI_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "convgui", "--screenshot", str(shot)],
                          env=env_all, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr  # ... a screenshot needs no screen
    assert shot.stat().st_size > 0
