"""The presets panel: find, apply and manage named kernels (:mod:`convgui.presets`).

A search field over a list in three sections: *Your presets*, *Built-in* (read-only) and
*Broken files* (files that could not be read, shown greyed with the reason and never touched).
Each preset row has a heat-map thumbnail of its kernel painted with the kernel editor's
diverging colours (:func:`convgui.ui.kernel_table.heat_color`), the name and tags, and the
description on a second line.

A single click selects a preset and shows its details; a double click, Enter or *Apply*
applies it to the :class:`SettingsModel` as one undoable step (a kernel-only preset changes
kernel, divisor and bias and nothing else). Every store error is shown in the panel and
emitted as ``message(str)``, never raised.

Each dialog is opened by one method (:meth:`PresetPanel.ask_save_details`,
:meth:`~PresetPanel.ask_rename`, :meth:`~PresetPanel.confirm`,
:meth:`~PresetPanel.ask_conflict_policy`, :meth:`~PresetPanel.ask_open_path`,
:meth:`~PresetPanel.ask_save_path`) so tests can replace it.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from convgui.atomic import quote_path
from convgui.presets import (
    BrokenPreset,
    Preset,
    PresetError,
    PresetExists,
    PresetStore,
    preset_filename,
    read_preset_file,
)
from convgui.ui import preset_dialogs
from convgui.ui.kernel_table import display_number, heat_color
from convgui.ui.model import SettingsModel
from convgui.ui.session import app_settings

__all__ = ["LAST_DIR_KEY", "THUMBNAIL_SIZE", "PresetList", "PresetPanel", "kernel_thumbnail"]

THUMBNAIL_SIZE = 32
KIND_ROLE = Qt.ItemDataRole.UserRole  # "header", "preset", "broken" or "placeholder"
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1  # the Preset / BrokenPreset / section key
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # case-folded text the search field matches
SECTIONS = (("user", "Your presets"), ("builtin", "Built-in (read-only)"),
            ("broken", "Broken files"))
ERROR_STYLE = "color: #b2182b;"
_FILE_FILTER = "ConvGUI presets (*.json);;All files (*)"
LAST_DIR_KEY = "presets/last_dir"  # the folder the Import/Export dialogs last used


def kernel_thumbnail(grid: Sequence[Sequence[float]], size: int = THUMBNAIL_SIZE,
                     ratio: float = 1.0) -> QPixmap:
    """A ``size``×``size`` picture of ``grid``: one square per tap in the kernel editor's
    diverging colours (blue negative, near-white 0, red positive, scaled to the largest |v|),
    centred, with a thin frame. ``ratio`` is the device pixel ratio (sharp on HiDPI)."""
    rows, cols = len(grid), len(grid[0])
    side = max(1, round(size * ratio))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    peak = max(abs(v) for row in grid for v in row)
    cell = side / max(rows, cols)
    x0, y0 = (side - cell * cols) / 2, (side - cell * rows) / 2
    xs = [round(x0 + c * cell) for c in range(cols + 1)]
    ys = [round(y0 + r * cell) for r in range(rows + 1)]
    painter = QPainter(pixmap)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            painter.fillRect(QRect(xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r]),
                             heat_color(value, peak))
    painter.setPen(QColor(110, 110, 110))
    painter.drawRect(QRect(xs[0], ys[0], xs[-1] - xs[0] - 1, ys[-1] - ys[0] - 1))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _size(preset: Preset) -> str:
    return f"{len(preset.kernel)}×{len(preset.kernel[0])}"


def _settings_summary(preset: Preset) -> str:
    if preset.settings is None:
        return "kernel only: applying it keeps your other settings"
    s = preset.settings
    padding = s["padding"] if isinstance(s["padding"], str) else \
        ", ".join(str(v) for pair in s["padding"] for v in pair)
    boundary = s["boundary"] + (f" {display_number(s['cval'])}"
                                if s["boundary"] == "constant" else "")
    return (f"with all settings: padding {padding}, stride {'×'.join(map(str, s['stride']))}, "
            f"dilation {'×'.join(map(str, s['dilation']))}, boundary {boundary}, "
            f"{'convolution (flipped)' if s['flip'] else 'correlation'}, "
            f"channels {s['channels']}, display {s['display']}")


class _RowDelegate(QStyledItemDelegate):
    """Rows no wider than the list, so long names and descriptions end in "…" (the tooltip
    has them in full) instead of needing a horizontal scroll bar."""

    def sizeHint(self, option: Any, index: Any) -> QSize:  # noqa: N802 - Qt API
        size = super().sizeHint(option, index)
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListWidget) else size.width()
        return QSize(max(1, min(size.width(), width)), size.height())


class PresetList(QListWidget):
    """The list of presets; Enter/Return asks for the current preset to be applied."""

    applyRequested = Signal()  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_RowDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.applyRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PresetPanel(QWidget):
    """Search, apply, save, rename, duplicate, delete (with undo), import and export presets.

    Signals: ``message(str)`` for every outcome and error (for the status bar),
    ``applied(str)`` with the name of a preset just applied.
    """

    message = Signal(str)
    applied = Signal(str)

    def __init__(self, model: SettingsModel, store: PresetStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.store = store if store is not None else PresetStore()
        self._icons: dict[Any, QIcon] = {}
        self._deleted: list[list[Preset]] = []  # batches of deleted presets, newest last

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search presets: name, tag or description")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Type words to show only the presets whose name, tags or "
                               "description contain them all (case does not matter). "
                               "Down or Enter moves to the list.")
        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)

        self.list = PresetList()
        self.list.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setToolTip("")
        self.list.setAccessibleName("Presets")
        self.list.itemDoubleClicked.connect(self._on_double_click)
        self.list.applyRequested.connect(self.apply_selected)
        self.list.currentItemChanged.connect(self._show_details)
        self.list.itemSelectionChanged.connect(self._update_actions)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.tools = QWidget()
        self._tools_layout = QFlowLayout(self.tools)
        self._tools_layout.setContentsMargins(0, 0, 0, 0)
        add = self._add_action
        self.apply_action = add(
            "Apply", self.apply_selected, None,
            "Apply the selected preset to the kernel (Enter or double-click in the list); "
            "Undo takes it back. A kernel-only preset keeps your other settings.")
        self.save_action = add(
            "Save current…", self.save_current, "Ctrl+Shift+S",
            "Save the current kernel (and, if you like, all other settings) as a preset of "
            "your own.")
        self.rename_action = add("Rename…", self.rename_selected, "F2",
                                 "Rename the selected preset (your own presets only).")
        self.duplicate_action = add(
            "Duplicate", self.duplicate_selected, "Ctrl+D",
            "Make an editable copy of the selected preset, built-in or yours, named "
            "“… (copy)”.")
        self.delete_action = add(
            "Delete", self.delete_selected, QKeySequence.StandardKey.Delete,
            "Delete the selected presets of your own (asks first; Undo delete brings them "
            "back). Built-in presets cannot be deleted.")
        self.undo_delete_action = add(
            "Undo delete", self.undo_delete, None,
            "Bring back the presets you deleted last.")
        self.export_action = add(
            "Export…", self.export_selected, None,
            "Write the selected presets (Ctrl+click or Shift+click to select several) to one "
            "collection file to share.")
        self.import_action = add(
            "Import…", self.import_presets, None,
            "Add the presets of a preset or collection file to your presets.")
        self.refresh_action = add(
            "Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
            "Read the preset folders again to see files added by another window or by hand "
            "(also done whenever you come back to this window).")
        focus_search = QAction("Search presets", self)
        focus_search.setShortcut(QKeySequence.StandardKey.Find)
        focus_search.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_search.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus_search)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.details)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tools)
        self.setFocusProxy(self.list)
        self.refresh()

    # -- plumbing -----------------------------------------------------------------------------

    def _add_action(self, text: str, slot: Callable[[], Any], shortcut: Any, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # the shortcut works while the focus is anywhere in the panel
        button = QToolButton()
        button.setDefaultAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._tools_layout.addWidget(button)
        return action

    def _report(self, text: str, error: bool = False) -> None:
        """Show ``text`` under the list (errors in red) and emit it as ``message``."""
        self.message_label.setStyleSheet(ERROR_STYLE if error else "")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self.message_label.setVisible(bool(text))
        self.message.emit(text)

    def _error(self, text: str) -> None:
        self._report(text, error=True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        # Coming back to the window shows what other windows, processes or editors changed.
        if event.type() == QEvent.Type.ActivationChange and self.isVisible() \
                and self.isActiveWindow():
            self.refresh()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._focus_list()
            return True
        return super().eventFilter(watched, event)

    def _focus_list(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden() or item.data(KIND_ROLE) not in ("preset", "broken"):
            item = next((it for it in self._items() if not it.isHidden()
                         and it.data(KIND_ROLE) in ("preset", "broken")), None)
            if item is not None:
                self.list.setCurrentItem(item)
        self.list.setFocus()

    # -- building the list --------------------------------------------------------------------

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _icon(self, preset: Preset) -> QIcon:
        ratio = self.devicePixelRatioF()
        key = (preset.kernel, ratio)
        icon = self._icons.get(key)
        if icon is None:
            pixmap = kernel_thumbnail(preset.kernel, THUMBNAIL_SIZE, ratio)
            icon = QIcon()
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
                icon.addPixmap(pixmap, mode)
            self._icons[key] = icon
        return icon

    def refresh(self) -> None:
        """Read the store again and rebuild the list, keeping the selection and the filter."""
        keep = {self._key(it) for it in self.list.selectedItems()}
        current = self._key(self.list.currentItem())
        scrolled = self.list.verticalScrollBar().value()
        try:
            presets, broken = self.store.list()
        except (PresetError, OSError) as exc:  # the store promises not to, but never crash
            presets, broken = [], []
            self._error(f"cannot list presets: {exc}")
        user = [p for p in presets if not p.builtin]
        builtin = [p for p in presets if p.builtin]
        self.list.blockSignals(True)
        self.list.clear()
        for key, title in SECTIONS:
            entries: Sequence[Preset | BrokenPreset] = {
                "user": user, "builtin": builtin, "broken": broken}[key]
            if key == "broken" and not entries:
                continue
            self._add_header(key, title, len(entries))
            if key == "user" and not entries:
                self._add_placeholder(
                    "None yet: “Save current…” keeps the kernel you have now; “Duplicate” "
                    "makes an editable copy of a built-in.")
            for entry in entries:
                if isinstance(entry, Preset):
                    self._add_preset(entry)
                else:
                    self._add_broken(entry)
        restored = None
        for item in self._items():
            key = self._key(item)
            if key is not None and key in keep:
                item.setSelected(True)
            if key is not None and key == current:
                restored = item
        if restored is not None:
            self.list.setCurrentItem(restored, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.list.blockSignals(False)
        self._apply_filter()
        self.list.verticalScrollBar().setValue(scrolled)
        self._show_details(self.list.currentItem())

    @staticmethod
    def _key(item: QListWidgetItem | None) -> tuple[str, str] | None:
        if item is None:
            return None
        kind, obj = item.data(KIND_ROLE), item.data(OBJECT_ROLE)
        if kind == "preset":
            return ("preset", obj.name)
        if kind == "broken":
            return ("broken", str(obj.path))
        return None

    def _add_header(self, key: str, title: str, count: int) -> None:
        item = QListWidgetItem(f"{title} ({count})")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setForeground(self.palette().color(QPalette.ColorRole.WindowText))
        item.setData(KIND_ROLE, "header")
        item.setData(OBJECT_ROLE, key)
        tips = {
            "user": f"Your presets: one JSON file each in {self.store.user_dir}",
            "builtin": "Built-in presets come with ConvGUI and cannot be changed: "
                       "“Duplicate” makes a copy you can rename, replace or delete.",
            "broken": "Files in a presets folder that could not be read. They are left "
                      "exactly as they are: fix or remove them yourself.",
        }
        item.setToolTip(tips[key])
        self.list.addItem(item)

    def _add_placeholder(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setData(KIND_ROLE, "placeholder")
        self.list.addItem(item)

    def _add_preset(self, preset: Preset) -> None:
        first = preset.name
        if preset.settings is not None:
            first += "  ·  with settings"
        if preset.tags:
            first += "  ·  " + " ".join(f"#{t}" for t in preset.tags)
        text = first + (f"\n{preset.description}" if preset.description else "")
        item = QListWidgetItem(self._icon(preset), text)
        item.setData(KIND_ROLE, "preset")
        item.setData(OBJECT_ROLE, preset)
        item.setData(SEARCH_ROLE, " ".join(
            [preset.name, *preset.tags, preset.description]).casefold())
        origin = "Built-in (read-only)" if preset.builtin else "Your preset"
        lines = [preset.name]
        if preset.description:
            lines.append(preset.description)
        lines.append(f"{origin}; {_size(preset)} kernel, {_settings_summary(preset)}.")
        if preset.tags:
            lines.append("Tags: " + ", ".join(preset.tags))
        lines.append("Double-click or Enter applies it.")
        item.setToolTip("\n".join(lines))
        self.list.addItem(item)

    def _add_broken(self, broken: BrokenPreset) -> None:
        item = QListWidgetItem(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            f"{broken.path.name}\nbroken: {broken.reason}")
        item.setData(KIND_ROLE, "broken")
        item.setData(OBJECT_ROLE, broken)
        item.setData(SEARCH_ROLE, f"{broken.path.name} {broken.reason}".casefold())
        item.setForeground(self.palette().color(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.Text))
        item.setToolTip(f"{broken.path}\nbroken: {broken.reason}\n"
                        "ConvGUI leaves this file untouched: fix or remove it yourself.")
        self.list.addItem(item)

    def _apply_filter(self) -> None:
        words = self.search.text().casefold().split()
        header: QListWidgetItem | None = None
        shown_in_section = 0
        total_shown = 0

        def close_section() -> None:
            if header is not None:
                header.setHidden(bool(words) and shown_in_section == 0)

        for item in self._items():
            kind = item.data(KIND_ROLE)
            if kind == "header":
                close_section()
                header, shown_in_section = item, 0
                continue
            if kind == "placeholder":
                item.setHidden(bool(words))
                continue
            haystack = item.data(SEARCH_ROLE) or ""
            visible = all(w in haystack for w in words)
            item.setHidden(not visible)
            if visible:
                shown_in_section += 1
                total_shown += kind == "preset"
        close_section()
        if words and not any(not it.isHidden() for it in self._items()):
            self.empty_label.setText(f"No preset matches “{self.search.text().strip()}”.")
            self.empty_label.show()
        else:
            self.empty_label.hide()
        current = self.list.currentItem()
        if current is not None and current.isHidden():
            self.list.setCurrentItem(None)
            self.list.clearSelection()
        self._update_actions()

    # -- what is selected ---------------------------------------------------------------------

    def presets_shown(self) -> list[str]:
        """The names of the presets visible in the list (after the search), in list order."""
        return [it.data(OBJECT_ROLE).name for it in self._items()
                if it.data(KIND_ROLE) == "preset" and not it.isHidden()]

    def broken_shown(self) -> list[BrokenPreset]:
        """The broken files visible in the list."""
        return [it.data(OBJECT_ROLE) for it in self._items()
                if it.data(KIND_ROLE) == "broken" and not it.isHidden()]

    def current_preset(self) -> Preset | None:
        """The preset of the current row (the one *Apply* uses), or ``None``."""
        item = self.list.currentItem()
        if item is None or item.isHidden() or item.data(KIND_ROLE) != "preset":
            return None
        return item.data(OBJECT_ROLE)

    def selected_presets(self) -> list[Preset]:
        """The selected (visible) presets in list order; the current one if none is selected."""
        chosen = [it.data(OBJECT_ROLE) for it in self._items()
                  if it.isSelected() and not it.isHidden() and it.data(KIND_ROLE) == "preset"]
        if not chosen and self.current_preset() is not None:
            chosen = [self.current_preset()]
        return chosen

    def select(self, name: str) -> bool:
        """Make the preset ``name`` the current and only selected row (clearing the search if
        it hides it); False if there is no such preset."""
        item = self._item_for(name)
        if item is None:
            return False
        if item.isHidden():
            self.search.clear()
        self.list.setCurrentItem(item)
        self.list.clearSelection()
        item.setSelected(True)
        self.list.scrollToItem(item)
        return True

    def _item_for(self, name: str) -> QListWidgetItem | None:
        return next((it for it in self._items() if it.data(KIND_ROLE) == "preset"
                     and it.data(OBJECT_ROLE).name == name), None)

    def _update_actions(self) -> None:
        current = self.current_preset()
        selected = self.selected_presets()
        self.apply_action.setEnabled(current is not None)
        self.duplicate_action.setEnabled(current is not None)
        self.rename_action.setEnabled(current is not None and not current.builtin)
        self.delete_action.setEnabled(any(not p.builtin for p in selected))
        self.export_action.setEnabled(bool(selected))
        self.undo_delete_action.setEnabled(bool(self._deleted))

    def _show_details(self, item: QListWidgetItem | None, *_: Any) -> None:
        self._update_actions()
        if item is None or item.isHidden() or item.data(KIND_ROLE) not in ("preset", "broken"):
            self.details.setText("Click a preset to see it; double-click or Enter applies it.")
            return
        obj = item.data(OBJECT_ROLE)
        if isinstance(obj, BrokenPreset):
            self.details.setText(
                f"<b>{html.escape(obj.path.name)}</b> cannot be used: "
                f"{html.escape(obj.reason)}<br><small>{html.escape(str(obj.path))} — left "
                "untouched: fix or remove it yourself.</small>")
            return
        origin = "built-in" if obj.builtin else "your preset"
        parts = [f"<b>{html.escape(obj.name)}</b> — {origin}, {_size(obj)}, divisor "
                 f"{display_number(obj.divisor)}, bias {display_number(obj.bias)}; "
                 f"{html.escape(_settings_summary(obj))}."]
        if obj.description:
            parts.append(html.escape(obj.description))
        if obj.tags:
            parts.append("Tags: " + html.escape(", ".join(obj.tags)))
        self.details.setText("<br>".join(parts))

    # -- dialogs (replace these in tests) ---------------------------------------------------

    def ask_save_details(self, name: str = "", description: str = "",
                         tags: Sequence[str] = (), include: bool = False
                         ) -> preset_dialogs.SaveDetails | None:
        """(name, description, tags, include settings) for *Save current…*, or ``None``."""
        try:
            existing = {p.name: p.builtin for p in self.store.list()[0]}
        except (PresetError, OSError):
            existing = {}
        dialog = preset_dialogs.SaveDetailsDialog(
            self, name=name, description=description, tags=tags, include=include,
            existing=existing)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def ask_rename(self, old: str) -> str | None:
        """The new name for the preset ``old``, or ``None``."""
        text, ok = QInputDialog.getText(self, "Rename preset", f"New name for “{old}”:",
                                        QLineEdit.EchoMode.Normal, old)
        return text if ok else None

    def confirm(self, text: str, title: str = "Presets") -> bool:
        """Ask a yes/no question; True for yes."""
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_conflict_policy(self, names: Sequence[str]) -> str | None:
        """``"keep-both"``, ``"replace"`` or ``"skip"`` for imported presets whose ``names``
        are taken, or ``None`` to cancel the import."""
        return preset_dialogs.ask_conflict_policy(self, names)

    @staticmethod
    def last_dir() -> str:
        """The folder Import and Export open in: the one last used (remembered across runs
        in :func:`~convgui.ui.session.app_settings`), else the home folder."""
        value = app_settings().value(LAST_DIR_KEY, "")
        return value if isinstance(value, str) and value and Path(value).is_dir() else str(
            Path.home())

    @staticmethod
    def _remember_dir(path: str) -> None:
        app_settings().setValue(LAST_DIR_KEY, str(Path(path).resolve().parent))

    def ask_open_path(self) -> str | None:
        """A preset or collection file to import, or ``None``."""
        path, _ = QFileDialog.getOpenFileName(self, "Import presets", self.last_dir(),
                                              _FILE_FILTER)
        return path or None

    def ask_save_path(self, suggested: str) -> str | None:
        """Where to export (the dialog asks before replacing a file), or ``None``."""
        path, _ = QFileDialog.getSaveFileName(self, "Export presets",
                                              os.path.join(self.last_dir(), suggested),
                                              _FILE_FILTER)
        return path or None

    # -- actions ------------------------------------------------------------------------------

    def _on_double_click(self, item: QListWidgetItem) -> None:
        if item.data(KIND_ROLE) == "preset":
            self.list.setCurrentItem(item)
            self.apply_selected()

    def apply_selected(self) -> bool:
        """Apply the current preset to the settings model as one undoable step."""
        item = self.list.currentItem()
        if item is not None and not item.isHidden() and item.data(KIND_ROLE) == "broken":
            self._error(f"{item.data(OBJECT_ROLE).path.name} is broken: "
                        f"{item.data(OBJECT_ROLE).reason}")
            return False
        preset = self.current_preset()
        if preset is None:
            self._error("Select a preset to apply.")
            return False
        try:
            settings = preset.apply_to(self._model.settings)
            self._model.set(settings, f"Apply preset {preset.name}")
        except (PresetError, ValueError) as exc:
            self._error(f"cannot apply preset “{preset.name}”: {exc}")
            return False
        what = "kernel and all settings" if preset.settings is not None else "kernel"
        self._report(f"Applied preset “{preset.name}” ({what}); Undo takes it back.")
        self.applied.emit(preset.name)
        return True

    def save_current(self) -> bool:
        """Save the current settings as a user preset (asks for name, description, tags and
        whether to include all settings; asks before replacing one of yours)."""
        start = self.current_preset()
        mine = start if start is not None and not start.builtin else None
        details = self.ask_save_details(
            name=mine.name if mine else "", description=mine.description if mine else "",
            tags=mine.tags if mine else (),
            include=start is not None and start.settings is not None)
        if details is None:
            return False
        name, description, tags, include = details
        try:
            preset = Preset.from_settings(name.strip(), self._model.settings, description,
                                          tags, include)
        except PresetError as exc:
            self._error(f"cannot save preset: {exc}")
            return False
        try:
            self.store.save(preset)
        except PresetExists as exc:
            if self._is_builtin(preset.name):
                self._error(str(exc))
                return False
            if not self.confirm(f"You already have a preset “{preset.name}”. Replace it?",
                                "Replace preset"):
                self._report(f"Not saved: “{preset.name}” kept as it was.")
                return False
            try:
                self.store.save(preset, overwrite=True)
            except PresetError as exc2:
                self._error(str(exc2))
                return False
        except PresetError as exc:
            self._error(str(exc))
            return False
        self.refresh()
        self.select(preset.name)
        self._report(f"Saved preset “{preset.name}”.")
        return True

    def _is_builtin(self, name: str) -> bool:
        try:
            return self.store.get(name).builtin
        except PresetError:
            return False

    def rename_selected(self) -> bool:
        """Rename the current user preset."""
        preset = self.current_preset()
        if preset is None:
            self._error("Select one of your presets to rename.")
            return False
        if preset.builtin:
            self._error(f"“{preset.name}” is built-in and cannot be renamed: duplicate it "
                        "and rename the copy.")
            return False
        new = self.ask_rename(preset.name)
        if new is None or new.strip() == preset.name:
            return False
        try:
            renamed = self.store.rename(preset.name, new.strip())
        except PresetError as exc:
            self._error(str(exc))
            return False
        self.refresh()
        self.select(renamed.name)
        self._report(f"Renamed “{preset.name}” to “{renamed.name}”.")
        return True

    def duplicate_selected(self) -> bool:
        """Save an editable copy of the current preset (built-in or user)."""
        preset = self.current_preset()
        if preset is None:
            self._error("Select a preset to duplicate.")
            return False
        try:
            copy = self.store.duplicate(preset.name)
        except PresetError as exc:
            self._error(str(exc))
            return False
        self.refresh()
        self.select(copy.name)
        self._report(f"Saved a copy of “{preset.name}” as “{copy.name}”.")
        return True

    def delete_selected(self) -> bool:
        """Delete the selected user presets after asking; *Undo delete* brings them back."""
        selected = self.selected_presets()
        mine = [p for p in selected if not p.builtin]
        if not mine:
            self._error("Built-in presets cannot be deleted; select presets of your own."
                        if selected else "Select presets of your own to delete.")
            return False
        names = ", ".join(f"“{p.name}”" for p in mine[:5]) + (" …" if len(mine) > 5 else "")
        noun = "preset" if len(mine) == 1 else f"{len(mine)} presets"
        skipped = " (built-in presets in the selection are kept)" if len(mine) < len(
            selected) else ""
        if not self.confirm(f"Delete {noun} {names}{skipped}?\n\n“Undo delete” brings "
                            f"{'it' if len(mine) == 1 else 'them'} back.", "Delete presets"):
            return False
        deleted: list[Preset] = []
        error = None
        for preset in mine:
            try:
                deleted.append(self.store.delete(preset.name))
            except PresetError as exc:
                error = str(exc)
                break
        if deleted:
            self._deleted.append(deleted)
            shown = deleted[0].name if len(deleted) == 1 else f"{len(deleted)} presets"
            self.undo_delete_action.setText(
                f"Undo delete “{shown}”" if len(deleted) == 1 else f"Undo delete ({shown})")
        self.refresh()
        if error is not None:
            self._error(error)
            return False
        self._report(f"Deleted {noun} {names}; “Undo delete” brings "
                     f"{'it' if len(mine) == 1 else 'them'} back.")
        return True

    def undo_delete(self) -> bool:
        """Save the presets deleted last again (under a new name if the old one was taken
        meanwhile)."""
        if not self._deleted:
            self._error("Nothing to undo: no preset was deleted.")
            return False
        batch = self._deleted.pop()
        restored: list[str] = []
        for i, preset in enumerate(batch):
            try:
                try:
                    self.store.save(preset)
                    restored.append(preset.name)
                except PresetExists:
                    other = preset.with_name(self.store.unique_name(preset.name))
                    self.store.save(other)
                    restored.append(other.name)
            except PresetError as exc:
                self._deleted.append(batch[i:])  # keep the rest for another try
                self.refresh()
                self._error(str(exc))
                return False
        if self._deleted:
            last = self._deleted[-1]
            self.undo_delete_action.setText(
                f"Undo delete “{last[0].name}”" if len(last) == 1
                else f"Undo delete ({len(last)} presets)")
        self.refresh()
        self.select(restored[0])
        for name in restored[1:]:
            self._set_selected(name)
        self._report("Restored " + ", ".join(f"“{n}”" for n in restored) + ".")
        return True

    def _set_selected(self, name: str) -> None:
        item = self._item_for(name)
        if item is not None:
            item.setSelected(True)

    def export_selected(self) -> bool:
        """Write the selected presets to a collection file."""
        presets = self.selected_presets()
        if not presets:
            self._error("Select the presets to export (Ctrl+click or Shift+click for several).")
            return False
        suggested = (preset_filename(presets[0].name).rsplit("-", 1)[0] + ".json"
                     if len(presets) == 1 else "presets.json")
        path = self.ask_save_path(suggested)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        try:
            self.store.export([p.name for p in presets], path)
        except PresetError as exc:
            self._error(str(exc))
            return False
        self._remember_dir(path)
        noun = "1 preset" if len(presets) == 1 else f"{len(presets)} presets"
        self._report(f"Exported {noun} to {quote_path(path)}.")
        return True

    def import_presets(self) -> bool:
        """Import a preset or collection file (asks once what to do with taken names)."""
        path = self.ask_open_path()
        if not path:
            return False
        self._remember_dir(path)
        try:
            incoming = read_preset_file(path)
        except PresetError as exc:
            self._error(f"cannot import {quote_path(path)}: {exc}")
            return False
        try:
            taken = set(self.store.names())
        except (PresetError, OSError):
            taken = set()
        conflicts = list(dict.fromkeys(p.name for p in incoming if p.name in taken))
        policy = "keep-both"
        if conflicts:
            answer = self.ask_conflict_policy(conflicts)
            if answer is None:
                self._report("Import cancelled: nothing was added.")
                return False
            policy = answer
        try:
            written = self.store.import_file(path, on_conflict=policy)
        except PresetError as exc:
            self.refresh()
            self._error(str(exc))
            return False
        self.refresh()
        if written:
            self.select(written[0].name)
            for preset in written[1:]:
                self._set_selected(preset.name)
        skipped = len(incoming) - len(written)
        text = f"Imported {len(written)} of {len(incoming)} presets from {quote_path(path)}"
        if skipped:
            text += f" ({skipped} skipped: the name was taken)"
        self._report(text + ".")
        return True
