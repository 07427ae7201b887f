"""The window's single settings model: every panel edits it, every view follows it.

Edits go through a ``QUndoStack`` so each one can be undone; ``changed`` is emitted only when the
value really changes, so a view that refreshes itself from the model cannot start a loop.
``fieldsChanged`` says which fields changed, so a panel hears only what it depends on (see
:mod:`convgui.ui.follow`).
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from shiboken6 import isValid

from convgui.settings import Settings

#: Undo steps kept: a long session's history stays a few megabytes at most.
UNDO_LIMIT = 2000


class _SetSettings(QUndoCommand):
    """One undoable change from ``old`` to ``new``; consecutive edits with one merge key merge
    until the step is closed.

    A merged step goes from the first edit's ``old`` to the last edit's ``new`` and is named
    by the last edit (whose text describes the result).
    """

    def __init__(self, model: SettingsModel, old: Settings, new: Settings, text: str,
                 merge_key: str | None) -> None:
        super().__init__(text)
        # Weakly: a command lives in the model's own stack, and a strong reference back made a
        # cycle that only the garbage collector could free, destroying the stack (and deleting
        # its commands' wrappers) in the middle of a collection, which crashed PySide.
        self._model = weakref.ref(model)
        self._old, self._new, self._merge_key = old, new, merge_key
        self.closed = False

    @property
    def old(self) -> Settings:
        """The settings before this step."""
        return self._old

    @property
    def merge_key(self) -> str | None:
        """The key edits merge by, or ``None`` (never merges)."""
        return self._merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return 1 if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (self.closed or not isinstance(other, _SetSettings)
                or other._merge_key != self._merge_key):
            return False
        self._new = other._new
        self.setText(other.text())
        return True

    def redo(self) -> None:
        model = self._model()
        if model is not None:
            model._apply(self._new)

    def undo(self) -> None:
        model = self._model()
        if model is not None:
            model._apply(self._old)


class SettingsModel(QObject):
    """Holds the current :class:`Settings`; ``changed(Settings)`` fires on every real change,
    then ``fieldsChanged(Settings, frozenset[str])`` with the names of the fields that
    changed (never empty)."""

    changed = Signal(object)
    fieldsChanged = Signal(object, object)

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings or Settings()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)  # each step holds two settings (~1 KB)

    def __del__(self) -> None:
        """Empty the undo stack while its commands' Python side is whole. A model that goes
        with the garbage collector (the last reference to it in a reference cycle, as a panel
        and its model are) would otherwise delete its commands in the middle of the
        collection, after some of their wrappers were cleared: PySide crashed there
        (QUndoStack::clear, seen in core dumps). Finalizers run before anything is cleared."""
        stack = self.__dict__.get("undo_stack")
        if stack is not None and isValid(self) and isValid(stack):
            with QSignalBlocker(stack):
                stack.clear()

    @property
    def settings(self) -> Settings:
        """The current settings (immutable)."""
        return self._settings

    def edit(self, text: str, merge_key: str | None = None, **changes: Any) -> None:
        """Apply ``changes`` as one undoable step named ``text``.

        Invalid values raise ``ValueError`` and change nothing. Successive edits with the same
        ``merge_key`` (e.g. dragging a spin box) merge into one undo step, named by the last
        edit's ``text``, until :meth:`close_step`.
        """
        self.set(self._settings.replace(**changes), text, merge_key)

    def set(self, settings: Settings, text: str = "Change settings",
            merge_key: str | None = None) -> None:
        """Replace the whole settings (e.g. applying a preset) as one undoable step."""
        if settings == self._settings:
            return
        self.undo_stack.push(_SetSettings(self, self._settings, settings, text, merge_key))

    def open_step(self, merge_key: str) -> Settings | None:
        """The settings before the undo step that an edit with ``merge_key`` would merge into
        now, or ``None`` when such an edit would start a new step."""
        top = self._top_step()
        if top is None or top.closed or top.merge_key != merge_key:
            return None
        return top.old

    def close_step(self) -> None:
        """End merging: the next edit starts a new undo step even with the same merge key."""
        top = self._top_step()
        if top is not None:
            top.closed = True

    def _top_step(self) -> _SetSettings | None:
        """The step the next edit would merge into (QUndoStack merges only into the step
        just below the index, and never into the clean state)."""
        stack = self.undo_stack
        if stack.index() == 0 or stack.index() == stack.cleanIndex():
            return None
        top = stack.command(stack.index() - 1)
        return top if isinstance(top, _SetSettings) else None

    def reset(self, settings: Settings) -> None:
        """Replace the settings without an undo step (start-up, restoring a session)."""
        self.undo_stack.clear()
        self._apply(settings)

    def _apply(self, settings: Settings) -> None:
        fields = self._settings.changed_fields(settings)
        if fields:
            self._settings = settings
            self.changed.emit(settings)
            self.fieldsChanged.emit(settings, fields)
