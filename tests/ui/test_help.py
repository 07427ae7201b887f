"""The Help menu: the guide at the current tab (F1), shortcuts, What's This, About."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from convgui.ui.help import about_text, guide_text
from convgui.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]


def conventions_table(markdown: str) -> str:
    start = markdown.index("| Concept | What ConvGUI does |")
    return markdown[start:markdown.index("\n\n", start)]


def test_the_guide_s_conventions_are_the_readme_s():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert conventions_table(guide_text()) == conventions_table(readme)


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore=False, save_session=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_guide_has_a_section_for_every_tab(window):
    headings = re.findall(r"^## (.+)$", guide_text(), flags=re.MULTILINE)
    assert set(window.tabs.titles()) <= set(headings)


@pytest.mark.parametrize("tab", ["Playground", "Filter bank", "Transposed"])
def test_f1_opens_the_guide_at_the_current_tab(window, qtbot, tab):
    window.show_tab(tab)
    window.help.guide_action.trigger()
    guide = window.help.guide
    qtbot.waitExposed(guide)
    assert guide.isVisible() and guide.section_at_top() == tab
    assert window.help.guide_action.shortcut().toString() == "F1"


def test_help_menu_lists_shortcuts_what_s_this_and_about(window, qtbot):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-1] == "&Help"
    lines = window.help.shortcut_lines()
    assert any(line.startswith("Ctrl+O") and "Open image" in line for line in lines)
    assert any("F1" in line and "guide" in line for line in lines)
    assert window.help.whats_this_action.shortcut().toString() == "Shift+F1"
    window.help.about_action.trigger()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "ConvGUI 0." in boxes[-1].text() and "Licence: MIT" in boxes[-1].text()
    for box in boxes:
        box.close()


def test_about_names_the_engine_and_the_library_versions():
    import numpy
    import scipy

    text = about_text()
    assert f"NumPy {numpy.__version__}" in text and f"SciPy {scipy.__version__}" in text
    assert "Engine in use: opencv" in text or "Engine in use: scipy" in text
