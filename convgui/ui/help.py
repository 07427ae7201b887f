"""The Help menu: the built-in guide (F1, at the current tab), the keyboard shortcuts,
What's This (Shift+F1) and About.

The guide is ``resources/guide.md``, shipped with the package and read offline; its
conventions table is the README's (a test keeps the two the same).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable

import numpy as np
import PySide6
import scipy
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
)

from convgui import __version__, planner
from convgui.samples import resource_folder


def guide_text() -> str:
    """The guide, as Markdown."""
    return (resource_folder(".") / "guide.md").read_text(encoding="utf-8")


def about_text() -> str:
    """Version, licence and the libraries (with their versions) ConvGUI runs on here."""
    try:
        engine = planner.backend()
    except ValueError as exc:  # a bad CONVGUI_ENGINE: say so rather than fail
        engine = str(exc)
    opencv = getattr(planner.cv2, "__version__", None)
    lines = [
        f"ConvGUI {__version__}: a convolution playground",
        "Licence: MIT (see LICENSE)",
        "",
        f"Engine in use: {engine}",
        f"Python {platform.python_version()} on {sys.platform}",
        f"Qt {qVersion()} (PySide6 {PySide6.__version__})",
        f"NumPy {np.__version__}, SciPy {scipy.__version__}",
        f"OpenCV {opencv}" if opencv else "OpenCV not installed (pip install 'convgui[fast]')",
    ]
    return "\n".join(lines)


class GuideDialog(QDialog):
    """The guide in a browser that can show any of its sections."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ConvGUI guide")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def show_section(self, title: str) -> bool:
        """Scroll so the heading ``title`` is at the top; False if there is no such section."""
        document = self.browser.document()
        cursor = document.find(title, 0, QTextDocument.FindFlag.FindCaseSensitively)
        while not cursor.isNull() and cursor.block().blockFormat().headingLevel() == 0:
            cursor = document.find(title, cursor, QTextDocument.FindFlag.FindCaseSensitively)
        if cursor.isNull():
            return False
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        self.browser.setTextCursor(cursor)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + self.browser.cursorRect(cursor).top())
        return True

    def section_at_top(self) -> str:
        """The text of the heading nearest above the top of the view (for tests and F1)."""
        cursor = self.browser.cursorForPosition(self.browser.viewport().rect().topLeft())
        block = cursor.block()
        while block.isValid() and block.blockFormat().headingLevel() == 0:
            block = block.previous()
        return block.text() if block.isValid() else ""


class HelpMenu(QObject):
    """Adds the Help menu to ``window``; ``current_section`` names the guide's section for
    what the window shows (its current tab's title)."""

    def __init__(self, window: QMainWindow, current_section: Callable[[], str]) -> None:
        super().__init__(window)
        self._window, self._current_section = window, current_section
        self.guide: GuideDialog | None = None
        menu = window.menuBar().addMenu("&Help")
        self.guide_action = self._add(menu, "ConvGUI &guide", self.show_guide,
                                      QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action = self._add(menu, "&Keyboard shortcuts", self.show_shortcuts)
        whats_this = QWhatsThis.createAction(window)
        whats_this.setShortcut(QKeySequence("Shift+F1"))
        menu.addAction(whats_this)
        window.addAction(whats_this)
        self.whats_this_action = whats_this
        menu.addSeparator()
        self.about_action = self._add(menu, "&About ConvGUI", self.show_about)

    def _add(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self._window.addAction(action)
        return action

    def show_guide(self) -> GuideDialog:
        """Open the guide at the section of the current tab."""
        if self.guide is None:
            self.guide = GuideDialog(self._window)
        self.guide.show()
        self.guide.raise_()
        self.guide.show_section(self._current_section())
        return self.guide

    def shortcut_lines(self) -> list[str]:
        """``"Ctrl+O  Open image…"`` for every action of the window that has a shortcut."""
        seen: dict[str, str] = {}
        for action in self._window.findChildren(QAction):
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            name = action.text().replace("&", "")
            if keys and name:
                seen.setdefault(name, keys)
        return [f"{keys:<22} {name}" for name, keys in sorted(seen.items(), key=lambda i: i[1])]

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts",
                          "\n".join(self.shortcut_lines()), QMessageBox.StandardButton.Close,
                          self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About ConvGUI", about_text(),
                          QMessageBox.StandardButton.Close, self._window)
        box.setIconPixmap(self._window.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
