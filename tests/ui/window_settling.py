"""Waiting for the real window to come to rest, on conditions rather than fixed sleeps.

A window is at rest when its dock arrangement has followed the last resize or font change,
the playground and every classroom panel have shown the answer to their newest request (a
result can change a label's text, and so the layout), and running the queued events (layout
requests, zero-delay timers) moves, resizes, shows or hides no widget any more. An audit of a
window at rest sees what a person would see once the window has caught up, however slow the
machine.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from convgui.ui.main_window import MainWindow

#: Rounds of queued events after which a layout that still moves counts as never settling.
MAX_ROUNDS = 100


def _geometry(window: QWidget) -> list[tuple[tuple[int, int, int, int], bool]]:
    """Every child widget's rectangle and visibility, in ``findChildren`` order (a widget
    made or deleted changes the list's length)."""
    return [(w.geometry().getRect(), w.isVisible()) for w in window.findChildren(QWidget)]


def run_pending_layouts(window: QWidget) -> None:
    """Run the queued events, deferred deletions included (a re-arrangement of the docks
    replaces their tab bars), until two rounds in a row change no widget's geometry or
    visibility (a layout request can queue another, e.g. a zero-delay timer that lays out
    folded lines); AssertionError if that never happens."""
    before, still = _geometry(window), 0
    for _ in range(MAX_ROUNDS):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        # called outside any event loop, processEvents leaves deleteLater's events queued
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        after = _geometry(window)
        still = still + 1 if after == before else 0
        if still == 2:
            return
        before = after
    raise AssertionError(f"the window's layout still moved after {MAX_ROUNDS} rounds of events")


def computations_done(window: MainWindow) -> bool:
    """No dock re-arrangement is pending, the playground's worker is idle (it sends its answer
    before it turns idle) and every classroom panel has shown the answer to its newest job."""
    return (not window.dock_layout._pending.isActive() and not window.worker.busy
            and all(panel.is_ready() for panel in window.classroom.panels()))


def settle_window(qtbot, window: MainWindow, timeout: int = 10_000) -> None:
    """Wait until ``window`` is at rest (see the module's docstring)."""
    for _ in range(MAX_ROUNDS):
        qtbot.waitUntil(lambda: computations_done(window), timeout=timeout)
        run_pending_layouts(window)  # delivers the answers; may start a re-arrangement
        if computations_done(window):
            return
    raise AssertionError(f"the window did not come to rest in {MAX_ROUNDS} rounds")
