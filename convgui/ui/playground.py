"""The playground's computation: every settings change and every new input goes to the worker
thread, and the newest answer to the after view and the status bar.

:class:`PlaygroundCompute` owns the :class:`~convgui.ui.worker.ConvolutionWorker` and the
status bar's read-outs: the pixel under the mouse, input → output shape, method and time, and
the progress bar with its Cancel button, shown only for a computation that takes longer than
:data:`PROGRESS_DELAY_S`. Only the newest request's answer is shown: a result, failure or
cancellation of an older request is dropped.

A change of the display mode alone goes to the worker too: the mapping to 8 bits runs in the
worker thread (up to a second for a 16-megapixel output, which would freeze the window on the
GUI thread), and the views draw only a :class:`~convgui.ui.worker.Result` rendered there. The
worker maps its last output again without convolving (same image, settings that differ only
in the display).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QStatusBar

from convgui.imageio import LoadedImage
from convgui.shapes import shape_text
from convgui.ui.model import SettingsModel
from convgui.ui.views import ImageViews
from convgui.ui.worker import ConvolutionWorker, Result

#: A computation shows its progress bar and Cancel button once it has run this long (s).
PROGRESS_DELAY_S = 0.3


class PlaygroundCompute(QObject):
    """Computes ``model``'s settings on ``input_of()`` (the window's input image) and shows the
    result in ``views``; made before the panels, so a change starts the computation before
    they redraw themselves.

    The read-outs are made here and placed by :meth:`install_read_outs`. Signals:
    ``resultShown(Result)`` each time a result is drawn, always newer than the one before;
    ``firstResultShown()`` once, for the first; ``message(str)`` what happened (a failure,
    a cancellation, NaN/inf in the output).
    """

    resultShown = Signal(object)  # noqa: N815 - Qt naming
    firstResultShown = Signal()  # noqa: N815
    message = Signal(str)

    def __init__(self, window: QMainWindow, model: SettingsModel, views: ImageViews,
                 input_of: Callable[[], LoadedImage | None]) -> None:
        super().__init__(window)
        self._window, self._model, self._views = window, model, views
        self._input_of = input_of
        self.worker = ConvolutionWorker(window)
        self.result: Result | None = None
        self._first_shown = False
        self._started_at = 0.0
        self.hover_label = QLabel()
        self.hover_label.setObjectName("hover")
        self.shape_label = QLabel()
        self.method_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running computation (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self._hide_progress()
        model.changed.connect(self.recompute)
        views.hoverText.connect(self._on_hover_text)
        self.worker.resultReady.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.progress.connect(self._on_progress)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.start()
        app = QCoreApplication.instance()
        if app is not None:  # never leave the thread running when the application ends
            app.aboutToQuit.connect(self.worker.stop)

    def install_read_outs(self, bar: QStatusBar) -> None:
        """Put the read-outs in ``bar``: the hover read-out on the left, the rest on the
        right. Called where the window lays out its status bar, so its Cancel button comes
        after the panels in the focus chain."""
        bar.addWidget(self.hover_label, 1)
        for widget in (self.progress_bar, self.cancel_button, self.shape_label,
                       self.method_label):
            bar.addPermanentWidget(widget)

    # ----------------------------------------------------------------------------- requests

    def recompute(self, *_args: object) -> None:
        """Compute the current settings on the input (no input yet: nothing)."""
        image = self._input_of()
        if image is None:
            return
        self._started_at = time.perf_counter()
        self.worker.submit(image.data, image.value_range, self._model.settings)

    def cancel(self) -> None:
        """Stop the running computation (the last result stays on screen)."""
        self.worker.cancel()

    def stop(self) -> None:
        """End the worker thread: the running band finishes, then the thread ends, so no
        result arrives after this and the thread is never destroyed while it runs."""
        self.worker.stop()

    def hover_text(self) -> str:
        """The read-out of the pixel under the mouse shown in the status bar ("" if none)."""
        return self.hover_label.text()

    # ------------------------------------------------------------------------------ answers

    def _is_current(self, seq: int) -> bool:
        return seq == self.worker.latest_seq

    def _on_result(self, result: Result) -> None:
        if not self._is_current(result.seq):
            return
        self.result = result
        self._hide_progress()
        self._views.set_result(result)  # also drops the hover outline of the old result
        self.hover_label.clear()
        self.shape_label.setText(f"{self._input_shape()} → {shape_text(result.output.shape)}")
        self.method_label.setText(f"{result.method} · {result.seconds * 1000:.0f} ms")
        if result.nonfinite:
            self.message.emit(
                f"{result.nonfinite} output values are NaN/inf (too large to represent): use "
                "smaller kernel values or a larger divisor"
            )
        self.resultShown.emit(result)
        if not self._first_shown:
            self._first_shown = True
            self.firstResultShown.emit()

    def _on_failed(self, seq: int, message: str, is_shape_error: bool) -> None:
        if not self._is_current(seq):
            return
        self._hide_progress()
        self.result = None
        self.hover_label.clear()
        self._views.show_message(message)
        self.shape_label.setText(f"{self._input_shape()} → no output" if is_shape_error else "")
        self.method_label.setText("" if is_shape_error else "error")
        self.message.emit(("no output: " if is_shape_error else "error: ") + message)

    def _on_progress(self, seq: int, fraction: float) -> None:
        if not self._is_current(seq) or fraction >= 1.0:
            return
        if time.perf_counter() - self._started_at > PROGRESS_DELAY_S:
            self.progress_bar.setValue(int(fraction * 100))
            self.progress_bar.show()
            self.cancel_button.show()

    def _on_cancelled(self, seq: int) -> None:
        if not self._is_current(seq):
            return
        self._hide_progress()
        if self.result is not None and self.result.settings != self._model.settings:
            self.message.emit("computation cancelled; the output shown is from before the "
                              "last change")
        else:
            self.message.emit("computation cancelled")

    def _hide_progress(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _input_shape(self) -> str:
        image = self._input_of()
        return shape_text(image.data.shape) if image is not None else "?"

    def _on_hover_text(self, text: str) -> None:
        self.hover_label.setText(text)
        if text:  # pointing at a pixel: its value matters more than an old message
            self._window.statusBar().clearMessage()

