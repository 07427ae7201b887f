"""The thread that runs the engine, so the GUI thread never computes a convolution.

Each request gets a sequence number. Only the newest request matters: a request that arrives
while another is waiting replaces it, and one that arrives while another runs stops that run at
its next band. A result whose number is not the newest is never emitted as current; the window
also drops any that arrive late.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QThread, Signal

from convgui import display, engine
from convgui.settings import Settings
from convgui.shapes import Geometry, ShapeError


@dataclass(frozen=True)
class Request:
    """One computation: the input image, its value range and the settings."""

    seq: int
    image: np.ndarray
    value_range: tuple[float, float]
    settings: Settings


@dataclass(frozen=True)
class Result:
    """A finished computation, with everything a view needs to draw and explain it.

    ``output`` is the engine's float result; ``display`` the 8-bit image to draw (for the
    ``diverging`` mode, indexes into a diverging colour map with 128 at zero); ``levels`` the
    values that ``display`` 0 and 255 stand for.
    """

    seq: int
    settings: Settings
    output: np.ndarray
    display: np.ndarray
    display_mode: str
    levels: tuple[float, float]
    geometry: Geometry
    method: str
    seconds: float
    nonfinite: int


def resolve_display_mode(settings: Settings) -> str:
    """The display mode to use: the user's choice, or for ``auto`` the kernel's natural one
    (diverging for zero-sum kernels such as Sobel or Laplacian, else clip)."""
    if settings.display != "auto":
        return settings.display
    return display.suggest_mode(settings.kernel_array())


def render(output: np.ndarray, mode: str,
           value_range: tuple[float, float]) -> tuple[np.ndarray, tuple[float, float]]:
    """8-bit display image and the levels its 0 and 255 stand for."""
    image = display.to_uint8(output, mode, value_range)
    if mode == "diverging":
        return image, display.symmetric_levels(output)
    if mode == "offset":
        m = max(abs(value_range[0]), abs(value_range[1]))
        return image, (-m, m)
    if mode == "normalize":
        finite = output[np.isfinite(output)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        return image, (lo, hi if hi > lo else lo + 1.0)
    return image, (float(value_range[0]), float(value_range[1]))


class _Aborted(Exception):
    pass


class ConvolutionWorker(QThread):
    """Runs :mod:`convgui.engine` on requests from :meth:`submit`, newest first.

    Signals carry the request's sequence number: ``progress(seq, fraction)``,
    ``resultReady(Result)``, ``failed(seq, message, is_shape_error)`` and ``cancelled(seq)``.
    """

    progress = Signal(int, float)
    resultReady = Signal(object)  # noqa: N815 - Qt naming
    failed = Signal(int, str, bool)
    cancelled = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: Request | None = None
        self._seq = 0
        self._cancel_seq = -1
        self._stopping = False

    @property
    def latest_seq(self) -> int:
        """The number of the newest request."""
        return self._seq

    def submit(self, image: np.ndarray, value_range: tuple[float, float],
               settings: Settings) -> int:
        """Queue a computation, replacing any waiting one; returns its sequence number."""
        with self._cond:
            self._seq += 1
            self._pending = Request(self._seq, image, value_range, settings)
            self._cond.notify()
            return self._seq

    def cancel(self) -> None:
        """Stop the current computation at its next band and drop any waiting one."""
        with self._cond:
            self._cancel_seq = self._seq
            self._pending = None

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Finish the thread (the current band completes); True when it has ended."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        return self.wait(timeout_ms)

    def run(self) -> None:  # runs in the worker thread
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                request, self._pending = self._pending, None
            self._compute(request)

    def _should_abort(self, seq: int) -> bool:
        return self._stopping or self._pending is not None or self._cancel_seq >= seq

    def _compute(self, request: Request) -> None:
        seq, settings = request.seq, request.settings
        try:
            start = time.perf_counter()
            conv = engine.prepare(request.image, settings.kernel_array(),
                                  **settings.engine_kwargs())
            steps = conv.bands()
            while True:
                try:
                    fraction = next(steps)
                except StopIteration as done:
                    output = done.value
                    break
                if self._should_abort(seq):
                    raise _Aborted
                self.progress.emit(seq, fraction)
            seconds = time.perf_counter() - start
            mode = resolve_display_mode(settings)
            with np.errstate(all="ignore"):
                image, levels = render(output, mode, request.value_range)
            nonfinite = int(output.size - np.count_nonzero(np.isfinite(output)))
            if self._should_abort(seq):
                raise _Aborted
            self.resultReady.emit(Result(seq, settings, output, image, mode, levels,
                                         conv.geometry, conv.method, seconds, nonfinite))
        except _Aborted:
            self.cancelled.emit(seq)
        except ShapeError as exc:
            self.failed.emit(seq, str(exc), True)
        except (ValueError, TypeError) as exc:
            self.failed.emit(seq, str(exc), False)
        except MemoryError:
            self.failed.emit(seq, "not enough memory for this computation", False)
        except Exception as exc:  # noqa: BLE001 - the window must keep working
            self.failed.emit(seq, f"unexpected error: {type(exc).__name__}: {exc}", False)
