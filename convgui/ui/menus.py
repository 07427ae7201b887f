"""The window's commands and its File, Edit and View menus, declared as data.

A menu is a title and its entries in order: a :class:`Command` (its text with the mnemonic,
the method it calls, shortcut, tip), :data:`SEPARATOR`, or a :class:`Part` that another piece
of the window supplies (the sample images, the recent files, the lesson exports, undo and
redo, patch mode, the kernel tools, the docks, presentation, panel focus).
:func:`command_action` is the one place a command becomes a ``QAction``; :class:`WindowMenus`
builds the menus from :data:`MENUS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from convgui import samples
from convgui.ui.lesson_exports import LessonExports

if TYPE_CHECKING:
    from convgui.ui.main_window import MainWindow

StandardKey = QKeySequence.StandardKey


@dataclass(frozen=True)
class Command:
    """A command: ``text`` (``&`` marks its mnemonic), ``slot`` the attribute path, from the
    object that owns the command, of the method it calls (``"files.open_dialog"``; None for
    an option that is only read), its ``shortcut``, its ``tip`` (tooltip and status bar),
    whether it is ``checkable`` and whether it starts ``checked``."""

    text: str
    slot: str | None
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""
    checkable: bool = False
    checked: bool = False


class Part(Enum):
    """Menu entries that another piece of the window makes."""

    SAMPLES = "the bundled sample images"
    RECENT = "the recent files"
    LESSON_EXPORTS = "figure and animation export"
    UNDO_REDO = "the settings' undo and redo"
    PATCH_MODE = "kernel from image region"
    KERNEL_TOOLS = "the kernel tools"
    DOCKS = "a show/hide toggle per dock"
    PRESENTATION = "text size, presentation mode, full screen"
    PANEL_FOCUS = "next and previous panel"


#: A line between groups of entries.
SEPARATOR = None

Entry = Command | Part | None

FILE_MENU: tuple[Entry, ...] = (
    Command("&Open image…", "files.open_dialog", StandardKey.Open,
            "Open a PNG, JPEG, TIFF or BMP image"),
    Part.SAMPLES,
    Part.RECENT,
    Command("&Paste image", "files.paste_image", "Ctrl+Shift+V",
            "Use the image on the clipboard as the input"),
    SEPARATOR,
    Command("&Save output…", "files.save_dialog", StandardKey.Save,
            "Save the output as PNG (as shown), .npy or 32-bit TIFF (raw)"),
    Command("Copy output &image", "files.copy_output_image", "Ctrl+Shift+C",
            "Copy the output, as shown, to the clipboard"),
    Command("Copy as P&ython", "files.copy_python", "Ctrl+Alt+C",
            "Copy a Python snippet that reproduces this result"),
    SEPARATOR,
    Part.LESSON_EXPORTS,
    SEPARATOR,
    Command("&Quit", "close", StandardKey.Quit),
)
EDIT_MENU: tuple[Entry, ...] = (
    Part.UNDO_REDO,
    SEPARATOR,
    Part.PATCH_MODE,
    SEPARATOR,
    Part.KERNEL_TOOLS,
)
VIEW_MENU: tuple[Entry, ...] = (
    Part.DOCKS,
    Command("Reset layout", "reset_layout"),
    SEPARATOR,
    Part.PRESENTATION,
    SEPARATOR,
    Part.PANEL_FOCUS,
)
#: (title, entries) of the menus before Help (:class:`~convgui.ui.help.HelpMenu` adds that).
MENUS: tuple[tuple[str, tuple[Entry, ...]], ...] = (
    ("&File", FILE_MENU),
    ("&Edit", EDIT_MENU),
    ("&View", VIEW_MENU),
)
#: Commands of the window that no menu lists.
WINDOW_COMMANDS: tuple[Command, ...] = (
    Command("Cancel", "escape", "Esc", "Stop the running computation, or leave patch mode"),
)
#: Patch mode's commands (slots of :class:`~convgui.ui.patch_mode.PatchMode`).
PATCH_COMMANDS: tuple[Command, ...] = (
    Command("&Kernel from image region", "set_on", "Ctrl+K",
            "Drag a rectangle on the input: that patch becomes the kernel (template matching); "
            "move or resize it to try another, Ctrl+K or Esc to finish", checkable=True),
    Command("Zero-mean patch kernels", None,
            tip="Subtract the patch's mean so flat regions give 0 and the match stands out",
            checkable=True, checked=True),
)


def command_action(command: Command, owner: object, parent: QObject) -> QAction:
    """A ``QAction`` (a child of ``parent``) for ``command``, calling ``command.slot`` looked up
    on ``owner``."""
    action = QAction(command.text, parent)
    if command.shortcut is not None:
        action.setShortcut(QKeySequence(command.shortcut))
    action.setStatusTip(command.tip)
    action.setToolTip(command.tip or command.text)
    action.setCheckable(command.checkable)
    action.setChecked(command.checked)
    if command.slot is not None:
        action.triggered.connect(functools.reduce(getattr, command.slot.split("."), owner))
    return action


class WindowMenus(QObject):
    """Adds :data:`MENUS` to ``window``'s menu bar and :data:`WINDOW_COMMANDS` to the window;
    keeps *Open recent* up to date. ``lesson_exports`` makes the File menu's export entries.

    The window must have made what the parts come from: ``files``, ``tabs``, ``classroom``,
    ``frequency``, ``kernel_editor``, ``patch``, ``keyboard``, ``dock_layout`` and
    ``presentation``.
    """

    lesson_exports: LessonExports  # made with the File menu
    _recent_menu: QMenu

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        parts: dict[Part, Callable[[QMenu], object]] = {
            Part.SAMPLES: self._add_samples,
            Part.RECENT: self._add_recent,
            Part.LESSON_EXPORTS: self._add_lesson_exports,
            Part.UNDO_REDO: lambda menu: menu.addActions(
                [window.kernel_editor.undo_action, window.kernel_editor.redo_action]),
            Part.PATCH_MODE: lambda menu: menu.addActions(window.patch.actions()),
            Part.KERNEL_TOOLS: lambda menu: menu.addMenu(window.keyboard.kernel_menu(menu)),
            Part.DOCKS: lambda menu: menu.addActions(
                [dock.toggleViewAction() for dock in window.dock_layout.docks.values()]),
            Part.PRESENTATION: lambda menu: menu.addActions(window.presentation.actions()),
            Part.PANEL_FOCUS: lambda menu: menu.addActions(window.keyboard.view_actions()),
        }
        for title, entries in MENUS:
            menu = window.menuBar().addMenu(title)
            for entry in entries:
                if entry is SEPARATOR:
                    menu.addSeparator()
                elif isinstance(entry, Command):
                    menu.addAction(command_action(entry, window, window))
                else:
                    parts[entry](menu)
        for command in WINDOW_COMMANDS:
            window.addAction(command_action(command, window, window))
        window.files.recentChanged.connect(self.refresh_recent)

    def _add_samples(self, menu: QMenu) -> None:
        samples_menu = menu.addMenu("Open sa&mple")
        for name, description in samples.list_samples():
            action = command_action(Command(name.replace("_", " "), None, tip=description),
                                    self._window, self._window)
            action.triggered.connect(lambda _=False, n=name: self._window.files.open_sample(n))
            samples_menu.addAction(action)

    def _add_recent(self, menu: QMenu) -> None:
        self._recent_menu = menu.addMenu("Open &recent")
        self.refresh_recent()

    def refresh_recent(self) -> None:
        """List the session's recent files in *Open recent* (disabled when there are none)."""
        for action in self._recent_menu.actions():
            action.deleteLater()  # not at once: this can run inside one of them, triggered
        self._recent_menu.clear()
        recent = self._window.session.recent()
        for path in recent:
            action = command_action(Command(path, None), self._window, self)
            action.triggered.connect(lambda _=False, p=path: self._window.files.open_image(p))
            self._recent_menu.addAction(action)
        self._recent_menu.setEnabled(bool(recent))

    def _add_lesson_exports(self, menu: QMenu) -> None:
        window = self._window
        self.lesson_exports = LessonExports(window.tabs, window.classroom.panels(), menu, window)
        self.lesson_exports.install_context_menu(window.frequency, "Frequency response")
