"""The core modules must import without pulling in Qt (they run headless, in the CLI and in
worker processes).

One fresh interpreter imports each module in turn, first of all of convgui's: before each
import every ``convgui`` module is dropped from ``sys.modules``, so the module and everything
of convgui's it needs run again in the order its own import asks for (a circular import shows
as it would in a fresh interpreter), and the modules the import adds are its own doing (an
interpreter per module, loading NumPy and SciPy again each time, took ~35 s; this takes ~5).
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

#: For each name: drop convgui's modules, import the name, report the modules it added (or the
#: error). Warnings are errors, as in the suite.
PROBE = """
import importlib, json, sys
report = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "convgui"]:
        del sys.modules[loaded]
    before = set(sys.modules)
    try:
        importlib.import_module(name)
    except Exception as exc:
        report[name] = f"{type(exc).__name__}: {exc}"
    else:
        report[name] = sorted(set(sys.modules) - before)
print(json.dumps(report))
"""


def added_modules(*names: str) -> dict[str, list[str] | str]:
    """name → the modules its import added, each imported first of convgui's in one fresh
    interpreter (a string: the error the import raised)."""
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", PROBE, *names], cwd=REPO, capture_output=True,
        text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def qt_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0].startswith(QT_PREFIXES)]


@pytest.fixture(scope="module")
def imports() -> dict[str, list[str] | str]:
    return added_modules(*CORE_MODULES)


@pytest.mark.parametrize("name", CORE_MODULES)
def test_core_module_imports_no_qt(imports, name):
    added = imports[name]
    assert isinstance(added, list), f"importing {name} first failed: {added}"
    assert name in added
    assert qt_modules(added) == [], f"{name} imports Qt"


def test_all_core_modules_together_import_no_qt(imports):
    loaded = {m for added in imports.values() if isinstance(added, list) for m in added}
    assert set(CORE_MODULES) <= loaded
    assert qt_modules(sorted(loaded)) == []


def test_probe_detects_qt():
    """The check can fail: a Qt binding imported after a core module is noticed, and so is a
    module that cannot be imported."""
    report = added_modules("convgui.shapes", "PySide6.QtCore", "convgui.no_such_module")
    assert qt_modules(report["convgui.shapes"]) == []
    assert qt_modules(report["PySide6.QtCore"])
    assert report["convgui.no_such_module"].startswith("ModuleNotFoundError")
