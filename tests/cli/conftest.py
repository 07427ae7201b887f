"""The command runs in subprocesses here, which pytest's ``filterwarnings`` does not reach."""

import pytest


@pytest.fixture(autouse=True)
def _warnings_are_errors_in_subprocesses(monkeypatch):
    """Every ``python -m convgui`` a test starts turns warnings into errors as the suite does
    (pyproject's ``filterwarnings``): a warning the user would see in the terminal fails the
    test instead of scrolling past in its captured stderr."""
    monkeypatch.setenv("PYTHONWARNINGS", "error")
