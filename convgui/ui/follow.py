"""Widgets that follow the settings model, hearing only the fields they depend on.

A panel declares :attr:`FollowsSettings.depends_on` (names from :data:`convgui.settings.FIELDS`)
and implements :meth:`FollowsSettings.settings_changed`; an edit to any other field never
reaches it. A panel that should not work while hidden (a classroom tab in the background) sets
:attr:`FollowsSettings.follow_when_hidden` to False: it collects the fields that changed and
catches up once, when it is shown again. This is the one place that catch-up logic lives.
"""

from __future__ import annotations

from typing import Any, ClassVar

from convgui.settings import FIELDS, Settings
from convgui.ui.model import SettingsModel

#: Every field of :class:`~convgui.settings.Settings`.
ALL_FIELDS: frozenset[str] = frozenset(FIELDS)
#: The fields that decide the geometry of a result (its size and which inputs each output
#: reads), but not the kernel's weights, the bias, channel handling or how it is displayed.
GEOMETRY_FIELDS: frozenset[str] = frozenset(
    {"padding", "stride", "dilation", "boundary", "cval", "flip"})
#: The fields that make the effective kernel (``kernel / divisor``).
KERNEL_FIELDS: frozenset[str] = frozenset({"kernel", "divisor"})
#: The fields that decide a result's shape (the kernel's values and the boundary fill do not).
SHAPE_FIELDS: frozenset[str] = frozenset(
    {"kernel", "padding", "stride", "dilation", "channels", "flip"})


class FollowsSettings:
    """Mixin (before the Qt widget class in the bases) for a widget that follows a
    :class:`SettingsModel`.

    Call :meth:`follow` once the widget is built. :meth:`settings_changed` is then called with
    the new settings and the changed fields it depends on, at once when the widget is visible
    or :attr:`follow_when_hidden` is True, else once when it is next shown (with every relevant
    field that changed meanwhile).
    """

    #: The settings fields this widget shows or computes from; edits to others are ignored.
    depends_on: ClassVar[frozenset[str]] = ALL_FIELDS
    #: False: while hidden, only note what changed and catch up when shown.
    follow_when_hidden: bool = True

    _behind_fields: frozenset[str] = frozenset()

    def follow(self, model: SettingsModel) -> None:
        """Start following ``model`` (the widget must already show its current settings)."""
        self._followed = model
        model.fieldsChanged.connect(self._fields_changed)

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """Show or recompute for ``settings``; ``fields`` ⊆ :attr:`depends_on` changed."""
        raise NotImplementedError

    def _fields_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        relevant = fields & self.depends_on
        if not relevant:
            return
        if not self.follows_now():
            self._behind_fields = self._behind_fields | relevant
            return
        self.settings_changed(settings, relevant)

    def follows_now(self) -> bool:
        """Whether a change is followed at once: :attr:`follow_when_hidden`, or on screen."""
        return self.follow_when_hidden or self.is_on_screen()

    def is_on_screen(self) -> bool:
        """Whether the widget can be seen; ``isVisible()`` unless a subclass knows better
        (a dock's page behind another tab stays "visible", moved off screen)."""
        return self.isVisible()  # type: ignore[attr-defined]

    def catch_up(self) -> None:
        """Follow the changes made while hidden (done when shown; readers of state that
        follows the settings call it first)."""
        fields = self._behind_fields
        if fields:
            self._behind_fields = frozenset()
            self.settings_changed(self._followed.settings, fields)

    def is_behind(self) -> bool:
        """True while hidden with settings changes still to catch up on."""
        return bool(self._behind_fields)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self.follows_now():
            self.catch_up()
