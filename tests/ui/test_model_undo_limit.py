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


def test_a_model_with_history_is_freed_at_once_not_by_the_garbage_collector(qapp):
    """Commands referred back to their model strongly: model → its stack → command → model
    was a cycle only the garbage collector could free, and freeing it there deleted the
    stack's commands mid-collection, which crashed PySide (QUndoStack::clear, seen in CI)."""
    import gc
    import weakref

    import numpy as np

    from convgui.ui.classroom.step_input import StepInput

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = SettingsModel(Settings())
        model.edit("bias", bias=2.0)
        model.undo_stack.beginMacro("a macro")
        model.edit("stride", stride=(2, 2))
        model.undo_stack.endMacro()
        steps = StepInput(model, np.zeros((3, 3)), lambda: None)
        steps.replace_image(np.ones((3, 3)), "ones")
        model.undo_stack.undo()
        model.undo_stack.redo()
        assert steps.image[0, 0] == 1.0
        gone = weakref.ref(model), weakref.ref(steps)
        del model, steps
        assert [r() for r in gone] == [None, None]
    finally:
        if was_enabled:
            gc.enable()
