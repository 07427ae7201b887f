"""The presets panel: find, apply and manage named kernels (:mod:`convgui.presets`).

A search field over a list in three sections: *Your presets*, *Built-in* (read-only) and
*Broken files* (files that could not be read, shown greyed with the reason and never touched).
Each preset row has a heat-map thumbnail of its kernel painted with the kernel editor's
diverging colours (:func:`convgui.ui.kernel_table.heat_color`), the name and tags, and the
description on a second line. Below the list, in a scroll area the list can never be squeezed
by, the details of the current row.

A single click selects a preset and shows its details; a double click, Enter or *Apply*
applies it to the :class:`SettingsModel` as one undoable step (a kernel-only preset changes
kernel, divisor and bias and nothing else). Every store error is shown in the panel and
emitted as ``message(str)``, never raised.

The panel is wiring: :class:`~convgui.presets.library.PresetLibrary` does the store
operations and words their messages (and owns the undo of deletes),
:mod:`convgui.ui.preset_model` shows and filters its rows. Each dialog is opened by one method
(:meth:`PresetPanel.ask_save_details`, :meth:`~PresetPanel.ask_rename`,
:meth:`~PresetPanel.confirm`, :meth:`~PresetPanel.ask_conflict_policy`,
:meth:`~PresetPanel.ask_open_path`, :meth:`~PresetPanel.ask_save_path`) so tests can replace it.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from convgui.presets import BrokenPreset, Preset, PresetStore
from convgui.presets.library import (
    BROKEN,
    PRESET,
    Outcome,
    PresetLibrary,
    Row,
    kernel_size,
    number_text,
    settings_summary,
)
from convgui.ui import preset_dialogs
from convgui.ui.model import SettingsModel
from convgui.ui.preset_dialogs import LAST_DIR_KEY
from convgui.ui.preset_model import (
    KIND_ROLE,
    OBJECT_ROLE,
    THUMBNAIL_SIZE,
    PresetFilterModel,
    PresetListModel,
    kernel_thumbnail,
)

__all__ = ["KIND_ROLE", "LAST_DIR_KEY", "OBJECT_ROLE", "THUMBNAIL_SIZE", "PresetList",
           "PresetPanel", "kernel_thumbnail"]

ERROR_STYLE = "color: #b2182b;"
_FILE_FILTER = "ConvGUI presets (*.json);;All files (*)"
LIST_MIN_ROWS = 5  # preset rows the list always keeps, however long the details get
_NO_DETAILS = "Click a preset to see it; double-click or Enter applies it."

# The panel's tool buttons: attribute, text, method, shortcut, tooltip.
_ACTIONS = (
    ("apply_action", "Apply", "apply_selected", None,
     "Apply the selected preset to the kernel (Enter or double-click in the list); "
     "Undo takes it back. A kernel-only preset keeps your other settings."),
    ("save_action", "Save current…", "save_current", "Ctrl+Shift+S",
     "Save the current kernel (and, if you like, all other settings) as a preset of "
     "your own."),
    ("rename_action", "Rename…", "rename_selected", "F2",
     "Rename the selected preset (your own presets only)."),
    ("duplicate_action", "Duplicate", "duplicate_selected", "Ctrl+D",
     "Make an editable copy of the selected preset, built-in or yours, named “… (copy)”."),
    ("delete_action", "Delete", "delete_selected", QKeySequence.StandardKey.Delete,
     "Delete the selected presets of your own (asks first; Undo delete brings them "
     "back). Built-in presets cannot be deleted."),
    ("undo_delete_action", "Undo delete", "undo_delete", None,
     "Bring back the presets you deleted last."),
    ("export_action", "Export…", "export_selected", None,
     "Write the selected presets (Ctrl+click or Shift+click to select several) to one "
     "collection file to share."),
    ("import_action", "Import…", "import_presets", None,
     "Add the presets of a preset or collection file to your presets."),
    ("refresh_action", "Refresh", "refresh", QKeySequence.StandardKey.Refresh,
     "Read the preset folders again to see files added by another window or by hand "
     "(also done whenever you come back to this window)."),
)


def _details_html(row: Row | None) -> str:
    """What the details area says about ``row`` (rich text)."""
    entry = row.entry if row is not None else None
    if isinstance(entry, BrokenPreset):
        return (f"<b>{html.escape(entry.path.name)}</b> cannot be used: "
                f"{html.escape(entry.reason)}<br><small>{html.escape(str(entry.path))} — left "
                "untouched: fix or remove it yourself.</small>")
    if not isinstance(entry, Preset):
        return _NO_DETAILS
    origin = "built-in" if entry.builtin else "your preset"
    parts = [f"<b>{html.escape(entry.name)}</b> — {origin}, {kernel_size(entry)}, divisor "
             f"{number_text(entry.divisor)}, bias {number_text(entry.bias)}; "
             f"{html.escape(settings_summary(entry))}."]
    if entry.description:
        parts.append(html.escape(entry.description))
    if entry.tags:
        parts.append("Tags: " + html.escape(", ".join(entry.tags)))
    return "<br>".join(parts)


class _RowDelegate(QStyledItemDelegate):
    """Rows no wider than the list, so long names and descriptions end in "…" (the tooltip
    has them in full) instead of needing a horizontal scroll bar."""

    def sizeHint(self, option: Any, index: Any) -> QSize:  # noqa: N802 - Qt API
        size = super().sizeHint(option, index)
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else size.width()
        return QSize(max(1, min(size.width(), width)), size.height())


class PresetList(QListView):
    """The list of presets over a :class:`PresetFilterModel`: which rows are shown, current
    and selected. Enter/Return asks for the current preset to be applied. It is never made
    shorter than :data:`LIST_MIN_ROWS` two-line rows of its font."""

    applyRequested = Signal()  # noqa: N815 - Qt naming

    def __init__(self, rows: PresetFilterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.setModel(rows)
        self.setItemDelegate(_RowDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        metrics = self.fontMetrics()
        row = max(self.iconSize().height(), 2 * metrics.lineSpacing()) + metrics.descent()
        return QSize(super().minimumSizeHint().width(),
                     LIST_MIN_ROWS * row + 2 * self.frameWidth())

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.applyRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- what is shown, current and selected ----------------------------------------------------

    def current_row(self) -> Row | None:
        """The row of the current index, or ``None``."""
        return self.rows.row_at(self.currentIndex())

    def shown_rows(self, *kinds: str) -> list[tuple[QModelIndex, Row]]:
        """(index, row) of the rows the search keeps, of the given kinds, in list order."""
        found = ((self.rows.index(i, 0), self.rows.row_at(self.rows.index(i, 0)))
                 for i in range(self.rows.rowCount()))
        return [(index, row) for index, row in found if row is not None and row.kind in kinds]

    def selected_presets(self) -> list[Preset]:
        """The selected presets in list order."""
        indexes = sorted(self.selectionModel().selectedIndexes(), key=lambda i: i.row())
        rows = [self.rows.row_at(index) for index in indexes]
        return [row.entry for row in rows if row is not None and isinstance(row.entry, Preset)]

    def index_of(self, name: str) -> QModelIndex | None:
        """The preset ``name``'s index (invalid while the search hides it), or ``None`` if
        there is no such preset."""
        return self.rows.index_of((PRESET, name))

    def select_indexes(self, indexes: Sequence[QModelIndex]) -> None:
        """Select exactly ``indexes``, the first one current and scrolled to."""
        selection = self.selectionModel()
        selection.setCurrentIndex(indexes[0], QItemSelectionModel.SelectionFlag.ClearAndSelect)
        for index in indexes[1:]:
            selection.select(index, QItemSelectionModel.SelectionFlag.Select)
        self.scrollTo(indexes[0])

    @contextmanager
    def current_kept(self, clear_selection: bool) -> Iterator[None]:
        """Change the rows; if the current row went (deleted or filtered out) no row is
        current afterwards (and with ``clear_selection`` none selected), rather than the
        neighbour Qt would pick."""
        before = self.current_row()
        yield
        after = self.current_row()
        if before is not None and (after is None or after.key != before.key):
            self.selectionModel().setCurrentIndex(
                QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
            if clear_selection:
                self.clearSelection()


class _DetailsArea(QScrollArea):
    """The details label in a scroll area a few lines high: long details scroll instead of
    taking the list's room."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _lines(self, count: int) -> int:
        return count * self.fontMetrics().lineSpacing() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), self._lines(5))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().minimumSizeHint().width(), self._lines(2))


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
        self.library = PresetLibrary(store)
        self.presets_model = PresetListModel(self.library, self.devicePixelRatioF, self)
        self.filter_model = PresetFilterModel(self)
        self.filter_model.setSourceModel(self.presets_model)
        self.library.add_listener(self._follow_library)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search presets: name, tag or description")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search presets")
        self.search.setToolTip("Type words to show only the presets whose name, tags or "
                               "description contain them all (case does not matter). "
                               "Down or Enter moves to the list.")
        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)

        self.list = PresetList(self.filter_model)
        self.list.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.list.setToolTip("")
        self.list.setAccessibleName("Presets")
        self.list.doubleClicked.connect(self._on_double_click)
        self.list.applyRequested.connect(self.apply_selected)
        self.list.selectionModel().currentChanged.connect(self._show_details)
        self.list.selectionModel().selectionChanged.connect(self._update_actions)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_area = _DetailsArea(self.details)
        self.details_area.setAccessibleName("Preset details")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        self.tools = QWidget()
        self.tools.installEventFilter(self)
        self._build_actions()
        self._build_layout()
        self.setFocusProxy(self.list)
        self.refresh()

    # -- building -----------------------------------------------------------------------------

    def _build_actions(self) -> None:
        tools_layout = QFlowLayout(self.tools)
        tools_layout.setContentsMargins(0, 0, 0, 0)
        for attribute, text, method, shortcut, tip in _ACTIONS:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
            action.triggered.connect(lambda _checked=False, name=method: getattr(self, name)())
            self.addAction(action)  # the shortcut works while the focus is anywhere in the panel
            button = QToolButton()
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            tools_layout.addWidget(button)
            setattr(self, attribute, action)
        focus_search = QAction("Search presets", self)
        focus_search.setShortcut(QKeySequence.StandardKey.Find)
        focus_search.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_search.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus_search)

    def _build_layout(self) -> None:
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.list, 1)
        top_layout.addWidget(self.empty_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.details_area)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tools)

    # -- plumbing -----------------------------------------------------------------------------

    @property
    def store(self) -> PresetStore:
        """The store the presets are read from and written to."""
        return self.library.store

    def _report(self, text: str, error: bool = False) -> None:
        """Show ``text`` under the list (errors in red) and emit it as ``message``."""
        self.message_label.setStyleSheet(ERROR_STYLE if error else "")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self.message_label.setVisible(bool(text))
        self.message.emit(text)

    def _error(self, text: str) -> None:
        self._report(text, error=True)

    def _finish(self, outcome: Outcome) -> bool:
        """Remember the folder of the file used, select the presets written and report."""
        if outcome.path:
            preset_dialogs.remember_dir(outcome.path)
        if outcome.names:
            self._select(outcome.names)
        if outcome.message:
            self._report(outcome.message, outcome.error)
        self._update_actions()
        return outcome.ok

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        # Coming back to the window shows what other windows, processes or editors changed.
        if event.type() == QEvent.Type.ActivationChange and self.isVisible() \
                and self.isActiveWindow():
            self.refresh()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.tools and event.type() in (QEvent.Type.Resize,
                                                       QEvent.Type.LayoutRequest):
            # The buttons wrap into rows: count them in the panel's minimum height, so that a
            # dock makes room for them instead of taking it from the list.
            self.tools.setMinimumHeight(self.tools.layout().heightForWidth(self.tools.width()))
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._focus_list()
            return True
        return super().eventFilter(watched, event)

    def _focus_list(self) -> None:
        row = self.list.current_row()
        entries = self.list.shown_rows(PRESET, BROKEN)
        if (row is None or row.kind not in (PRESET, BROKEN)) and entries:
            self.list.setCurrentIndex(entries[0][0])
        self.list.setFocus()

    # -- following the library and the search ---------------------------------------------------

    def refresh(self) -> None:
        """Read the store again; the list keeps its selection, scroll position and search."""
        error = self.library.reload()
        if error is not None:
            self._error(error)

    def _follow_library(self) -> None:
        with self.list.current_kept(clear_selection=False):
            self.presets_model.sync()
            if self.filter_model.words:
                self.filter_model.refilter()
        self._show_state()

    def _apply_filter(self, text: str) -> None:
        with self.list.current_kept(clear_selection=True):
            self.filter_model.set_search_text(text)
        self._show_state()

    def _show_state(self) -> None:
        nothing = bool(self.filter_model.words) and self.filter_model.rowCount() == 0
        self.empty_label.setText(
            f"No preset matches “{self.search.text().strip()}”." if nothing else "")
        self.empty_label.setVisible(nothing)
        self._show_details()

    # -- what is shown and selected -----------------------------------------------------------

    def presets_shown(self) -> list[str]:
        """The names of the presets visible in the list (after the search), in list order."""
        return [row.entry.name for _, row in self.list.shown_rows(PRESET)]

    def broken_shown(self) -> list[BrokenPreset]:
        """The broken files visible in the list."""
        return [row.entry for _, row in self.list.shown_rows(BROKEN)]

    def current_preset(self) -> Preset | None:
        """The preset of the current row (the one *Apply* uses), or ``None``."""
        row = self.list.current_row()
        return row.entry if row is not None and isinstance(row.entry, Preset) else None

    def selected_presets(self) -> list[Preset]:
        """The selected (visible) presets in list order; the current one if none is selected."""
        current = self.current_preset()
        return self.list.selected_presets() or ([current] if current is not None else [])

    def select(self, name: str) -> bool:
        """Make the preset ``name`` the current and only selected row (clearing the search if
        it hides it); False if there is no such preset."""
        return self._select([name])

    def _select(self, names: Sequence[str]) -> bool:
        """Select the presets ``names`` (the first one current), clearing the search if it
        hides one; False if none of them is in the list."""
        found = [index for index in map(self.list.index_of, names) if index is not None]
        if found and not all(index.isValid() for index in found):
            self.search.clear()
            found = [index for index in map(self.list.index_of, names) if index is not None]
        if found:
            self.list.select_indexes(found)
        return bool(found)

    def _update_actions(self, *_: Any) -> None:
        current = self.current_preset()
        selected = self.selected_presets()
        self.apply_action.setEnabled(current is not None)
        self.duplicate_action.setEnabled(current is not None)
        self.rename_action.setEnabled(current is not None and not current.builtin)
        self.delete_action.setEnabled(any(not p.builtin for p in selected))
        self.export_action.setEnabled(bool(selected))
        undo_text = self.library.undo_delete_text
        self.undo_delete_action.setText(undo_text or "Undo delete")
        self.undo_delete_action.setEnabled(undo_text is not None)

    def _show_details(self, *_: Any) -> None:
        self._update_actions()
        self.details.setText(_details_html(self.list.current_row()))

    # -- dialogs (replace these in tests) ---------------------------------------------------

    def ask_save_details(self, name: str = "", description: str = "",
                         tags: Sequence[str] = (), include: bool = False
                         ) -> preset_dialogs.SaveDetails | None:
        """(name, description, tags, include settings) for *Save current…*, or ``None``."""
        return preset_dialogs.ask_save_details(
            self, name=name, description=description, tags=tags, include=include,
            existing=self.library.taken_names())

    def ask_rename(self, old: str) -> str | None:
        """The new name for the preset ``old``, or ``None``."""
        return preset_dialogs.ask_rename(self, old)

    def confirm(self, text: str, title: str = "Presets") -> bool:
        """Ask a yes/no question; True for yes."""
        return preset_dialogs.confirm(self, text, title)

    def ask_conflict_policy(self, names: Sequence[str]) -> str | None:
        """``"keep-both"``, ``"replace"`` or ``"skip"`` for imported presets whose ``names``
        are taken, or ``None`` to cancel the import."""
        return preset_dialogs.ask_conflict_policy(self, names)

    #: The folder Import and Export open in (:func:`preset_dialogs.last_dir`).
    last_dir = staticmethod(preset_dialogs.last_dir)

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

    def _on_double_click(self, index: QModelIndex) -> None:
        row = self.list.rows.row_at(index)
        if row is not None and row.kind == PRESET:
            self.list.setCurrentIndex(index)
            self.apply_selected()

    def apply_selected(self) -> bool:
        """Apply the current preset to the settings model as one undoable step."""
        row = self.list.current_row()
        settings, outcome = self.library.apply(row.entry if row is not None else None,
                                               self._model.settings)
        if settings is not None:
            self._model.set(settings, f"Apply preset {outcome.names[0]}")
        self._report(outcome.message, outcome.error)
        if settings is not None:
            self.applied.emit(outcome.names[0])
        return outcome.ok

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
        return self._finish(self.library.save(name, self._model.settings, description, tags,
                                              include, self.confirm))

    def rename_selected(self) -> bool:
        """Rename the current user preset."""
        return self._finish(self.library.rename(self.current_preset(), self.ask_rename))

    def duplicate_selected(self) -> bool:
        """Save an editable copy of the current preset (built-in or user)."""
        return self._finish(self.library.duplicate(self.current_preset()))

    def delete_selected(self) -> bool:
        """Delete the selected user presets after asking; *Undo delete* brings them back."""
        return self._finish(self.library.delete(self.selected_presets(), self.confirm))

    def undo_delete(self) -> bool:
        """Save the presets deleted last again (under a new name if the old one was taken
        meanwhile)."""
        return self._finish(self.library.undo_delete())

    def export_selected(self) -> bool:
        """Write the selected presets to a collection file."""
        return self._finish(self.library.export(self.selected_presets(), self.ask_save_path))

    def import_presets(self) -> bool:
        """Import a preset or collection file (asks once what to do with taken names)."""
        return self._finish(self.library.import_file(self.ask_open_path,
                                                     self.ask_conflict_policy))
