"""Qt tests collect garbage the way the application does: on the GUI thread only."""

import gc

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from convgui.ui.app import collect_garbage_on_gui_thread


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_garbage_collection(qapp):
    """Without this, a collection triggered inside a worker thread can destroy leftover widgets
    of earlier tests there, which deadlocks PySide (seen in test_worker)."""
    collect_garbage_on_gui_thread()


@pytest.fixture(autouse=True)
def _collect_garbage_after_each_test():
    """The application collects cyclic garbage on the GUI thread every 0.5 s; most tests never
    run the event loop that long, so hundreds of windows' garbage piled up and one giant
    collection of it (test_tasks' explicit gc.collect, late in the run) crashed PySide twice.
    Collecting after each test keeps the suite as close to the application as it can be."""
    yield
    gc.collect()


@pytest.fixture
def app_look(qapp):
    """The application's font and palette before the test (yielded), put back after it
    whatever happened: presentation mode changes both, and a failed test must not enlarge
    every later test's text.

    The test's windows are closed and only scheduled for deletion by then: they are deleted
    first, or a window half torn down gets the font change (a kernel-grid editor already
    gone: a crash in QAbstractItemView::updateEditorGeometries, about every other run of
    test_keyboard)."""
    font, palette = QFont(qapp.font()), QPalette(qapp.palette())
    yield font, palette
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.setFont(font)
    qapp.setPalette(palette)
