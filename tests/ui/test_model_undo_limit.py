"""The settings model's undo history is bounded: a long session does not grow without end."""

from convgui.settings import Settings
from convgui.ui.model import UNDO_LIMIT, SettingsModel


def test_the_undo_history_keeps_the_newest_steps_only(qapp):
    model = SettingsModel(Settings())
    for i in range(UNDO_LIMIT + 50):
        model.edit(f"bias {i}", bias=float(i + 1))
    stack = model.undo_stack
    assert stack.count() == UNDO_LIMIT
    while stack.canUndo():
        stack.undo()
    assert model.settings.bias == 50.0  # the oldest 50 steps were dropped, not the newest
