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


@pytest.fixture(autouse=True)
def _warnings_are_errors_in_cli_subprocesses(request, monkeypatch):
    """Every ``python -m convgui`` a command-line test starts turns warnings into errors as the
    suite does (pyproject's ``filterwarnings``, which does not reach subprocesses): a warning
    the user would see in the terminal fails the test instead of scrolling past in its
    captured stderr. (Here, not in tests/cli/conftest.py: with --doctest-modules two files
    named conftest.py in folders without __init__.py clash on import.)"""
    if request.path.parent.name == "cli":
        monkeypatch.setenv("PYTHONWARNINGS", "error")
