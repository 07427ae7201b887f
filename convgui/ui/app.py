"""Starting the window: the QApplication, pyqtgraph's options, and the screenshot mode."""

from __future__ import annotations

import sys

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QSize, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from convgui.desktop_entry import ICON_SIZES
from convgui.samples import resource_folder
from convgui.ui.session import APPLICATION, ORGANIZATION

SCREENSHOT_TIMEOUT_MS = 60_000
#: The window's size for a screenshot unless one is asked for.
SCREENSHOT_SIZE = (1280, 800)


_GUI_THREAD_GC: GarbageCollector | None = None


def collect_garbage_on_gui_thread() -> None:
    """Run Python's cyclic garbage collector only on the GUI thread, on a timer.

    Left automatic, a collection can start in a worker thread (any allocation may trigger
    it) and destroy Qt widgets there: PySide then deadlocks or crashes. pyqtgraph's
    GarbageCollector disables automatic collection and collects from a QTimer instead.
    """
    global _GUI_THREAD_GC
    if _GUI_THREAD_GC is None:
        _GUI_THREAD_GC = GarbageCollector(interval=0.5)


#: How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).
#: The worker's Python code between its NumPy and BLAS calls holds it, and the GUI thread
#: takes it anew on every call into Qt: at 5 ms a wait each, a repaint could stall for 50-100
#: ms (measured with benchmarks/bench_gui.py and CONVGUI_ENGINE=scipy).
GIL_SWITCH_INTERVAL_S = 0.0005


def ensure_app() -> QApplication:
    """The running QApplication, created (with ConvGUI's names and pyqtgraph options) if needed;
    the GIL switch interval shortened for the GUI thread's sake."""
    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_INTERVAL_S))
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    collect_garbage_on_gui_thread()
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("ConvGUI")
    app.setDesktopFileName("convgui")  # matches the entry --install-desktop writes
    app.setWindowIcon(application_icon())
    return app  # type: ignore[return-value]


def application_icon() -> QIcon:
    """ConvGUI's icon, from its PNGs (every size the desktop may ask for)."""
    icon = QIcon()
    folder = resource_folder("icons")
    for size in ICON_SIZES:
        icon.addFile(str(folder / f"convgui-{size}.png"), QSize(size, size))
    return icon


def run_gui(image: str | None = None, kernel: str | None = None,
            screenshot: str | None = None, size: tuple[int, int] | None = None,
            presentation: bool | None = None, tab: str | None = None) -> int:
    """Open the window (optionally on ``image`` with ``kernel``, at ``size`` (width, height),
    in ``presentation`` mode or not, on the central ``tab`` named so); with ``screenshot``,
    wait for the first result (or the explanation of why there is none) and the input drawn in
    full, save a PNG of the window there and return 0 (1 on failure). A screenshot neither
    restores nor saves the user's session, so only its own options decide what it shows."""
    interactive = screenshot is None
    if not interactive:
        _quiet_offscreen_platform()
    app = ensure_app()
    from convgui.ui.main_window import MainWindow

    window = MainWindow(restore=interactive, save_session=interactive)
    if not interactive:  # the user's text scale and mode are not the screenshot's
        window.presentation.scale = 1.0
    if presentation is not None or not interactive:
        window.presentation.set_presentation(bool(presentation), remember=interactive)
    if image and not window.open_image(image, interactive=interactive):
        return _give_up(window)
    if kernel and not window.apply_kernel_name(kernel):
        return _give_up(window)
    if tab is not None and not window.show_tab(tab):
        return _give_up(window)
    if size is not None or not interactive:
        window.resize(*(size or SCREENSHOT_SIZE))
    window.show()
    if interactive:
        return app.exec()
    outcome: dict[str, int] = {}

    def capture() -> None:
        if "code" in outcome:
            return
        # a large input's preview still shown, or the classroom tab still computing
        if not (window.views.input_drawn() and window.lesson_ready()):
            QTimer.singleShot(50, capture)
            return
        app.processEvents()
        outcome["code"] = 0 if window.grab().save(screenshot) else 1
        if outcome["code"]:
            print(f"convgui: cannot write screenshot {screenshot!r}", file=sys.stderr)
        window.close()

    def settled(*_args) -> None:  # the first result, or the message that replaces it
        QTimer.singleShot(300, capture)

    window.firstResultShown.connect(settled)
    window.worker.failed.connect(settled)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, window.close)
    app.exec()
    if "code" not in outcome:
        print("convgui: no result within the time limit; no screenshot saved", file=sys.stderr)
    return outcome.get("code", 1)


#: What Qt's offscreen platform says on every window it shows; true and of no use to anyone.
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)


def _quiet_offscreen_platform() -> None:
    """Drop the offscreen platform's noise from Qt's messages; print the rest as Qt would."""
    def handler(_mode: QtMsgType, _context: object, message: str) -> None:
        if message not in OFFSCREEN_NOISE:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _give_up(window) -> int:
    """Say why the window cannot start as asked, close it (ending its worker thread), exit 2."""
    message = window.status_text() or "cannot start the window"
    print(f"convgui: error: {message}", file=sys.stderr)
    window.close()
    return 2
