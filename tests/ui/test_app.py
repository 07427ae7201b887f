"""Application start-up settings that the window's responsiveness depends on."""

import sys

from convgui.ui.app import GIL_SWITCH_INTERVAL_S, ensure_app


def test_gui_thread_waits_at_most_half_a_millisecond_for_the_gil(qapp):
    """The engine's BLAS multiply-adds hold the GIL for each call; with Python's default
    5 ms switch interval every call the GUI thread makes into Qt could wait that long."""
    sys.setswitchinterval(0.005)
    ensure_app()
    assert sys.getswitchinterval() <= GIL_SWITCH_INTERVAL_S <= 0.001
