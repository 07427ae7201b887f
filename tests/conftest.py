"""Test set-up shared by every test: headless Qt and a private user folder."""

import os

import pytest

# The suite draws off-screen whatever DISPLAY says (a stale DISPLAY would make Qt abort the
# run); CONVGUI_TEST_DISPLAY=1 runs it on the real display instead, to watch the windows.
if os.environ.get("CONVGUI_TEST_DISPLAY") != "1":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def private_convgui_home(tmp_path_factory, monkeypatch):
    """Every test gets its own empty CONVGUI_HOME (window settings, presets), so nothing is
    read from or written to the real home folder. It is a folder of its own, not the test's
    ``tmp_path``, so a test that lists its ``tmp_path`` finds only what it wrote; a test may
    still point CONVGUI_HOME elsewhere with its own ``monkeypatch.setenv``."""
    home = tmp_path_factory.mktemp("convgui-home")
    monkeypatch.setenv("CONVGUI_HOME", str(home))
    return home
