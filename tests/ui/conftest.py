"""Qt tests collect garbage the way the application does: on the GUI thread only."""

import pytest

from convgui.ui.app import collect_garbage_on_gui_thread


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_garbage_collection(qapp):
    """Without this, a collection triggered inside a worker thread can destroy leftover widgets
    of earlier tests there, which deadlocks PySide (seen in test_worker)."""
    collect_garbage_on_gui_thread()
