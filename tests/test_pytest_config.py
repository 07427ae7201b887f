"""The suite's own configuration: a warning fails the test that raised it (pyproject's
``filterwarnings``, as scikit-image does), and every exception to that says why."""

import re
import subprocess
import sys
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"

TESTS_THAT_WARN = '''
import warnings

import numpy as np


def test_quiet():
    assert np.add(1.0, 2.0) == 3.0


def test_user_warning():
    warnings.warn("a library spoke up", UserWarning)


def test_deprecation_warning():
    warnings.warn("old spelling", DeprecationWarning)


def test_numpy_overflow():
    np.multiply(np.float32(3e38), np.float32(10.0))
'''


def filterwarnings() -> list[str]:
    with PYPROJECT.open("rb") as fh:
        return tomllib.load(fh)["tool"]["pytest"]["ini_options"]["filterwarnings"]


def test_warnings_are_errors_first_and_each_exception_is_explained():
    """"error" comes first (a later entry narrows it, an earlier one would be overridden), and
    every exception has a comment of its own on the line(s) above it."""
    entries = filterwarnings()
    assert entries[0] == "error"
    text = PYPROJECT.read_text(encoding="utf-8")
    block = re.search(r"^filterwarnings = \[\n(.*?)^\]", text, re.S | re.M)
    assert block, "filterwarnings is written one entry per line"
    lines = block.group(1).splitlines()
    for entry in entries[1:]:
        (index,) = [i for i, line in enumerate(lines) if line.strip().startswith(f'"{entry}"')]
        assert index > 0 and lines[index - 1].strip().startswith("#"), entry
        # narrow: a message to match and a category (and the module that warns, where it can
        # be named)
        action, message, category = (entry.split(":") + ["", ""])[:3]
        assert action == "ignore" and message and category, entry


def test_a_test_that_warns_fails_under_the_project_configuration(tmp_path):
    """pytest with the project's configuration on a file of its own: the tests that warn fail
    (a library's warning, a deprecation, NumPy's overflow), the quiet one passes."""
    (tmp_path / "test_warns.py").write_text(TESTS_THAT_WARN, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(PYPROJECT), "--rootdir", str(tmp_path),
         "-p", "no:cacheprovider", "-q", "-rA", "test_warns.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    outcomes = {name: outcome for outcome, name in
                re.findall(r"^(PASSED|FAILED) test_warns\.py::(\w+)", run.stdout, re.M)}
    assert outcomes == {
        "test_quiet": "PASSED", "test_user_warning": "FAILED",
        "test_deprecation_warning": "FAILED", "test_numpy_overflow": "FAILED",
    }, run.stdout + run.stderr
    assert "UserWarning: a library spoke up" in run.stdout
    assert "RuntimeWarning: overflow encountered in multiply" in run.stdout
