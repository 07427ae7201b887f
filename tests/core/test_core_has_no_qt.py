"""The core modules must import without pulling in Qt (they run headless, in the CLI and in
worker processes). Each is imported in a fresh interpreter so nothing else has loaded Qt first.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

def _core_modules() -> list[str]:
    """Every module of ``convgui`` outside the Qt layer ``convgui.ui`` (and ``__main__``,
    which runs the program), found on disk so a new module is covered without a list."""
    import convgui

    found = []
    for info in pkgutil.walk_packages(convgui.__path__, "convgui."):
        if info.name.startswith("convgui.ui") or info.name.endswith("__main__"):
            continue
        found.append(info.name)
    return ["convgui", *sorted(found)]


CORE_MODULES = _core_modules()

QT_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt")

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(*names: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *names], cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def qt_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0].startswith(QT_PREFIXES)]


@pytest.mark.parametrize("name", CORE_MODULES)
def test_core_module_imports_no_qt(name):
    modules = loaded_modules(name)
    assert name in modules
    assert qt_modules(modules) == [], f"{name} imports Qt"


def test_all_core_modules_together_import_no_qt():
    modules = loaded_modules(*CORE_MODULES)
    assert set(CORE_MODULES) <= set(modules)
    assert qt_modules(modules) == []


def test_probe_detects_qt():
    """The check can fail: importing a Qt binding directly is noticed."""
    assert qt_modules(loaded_modules("PySide6.QtCore"))
