"""The thread that runs the engine, so the GUI thread never computes a convolution.

Each request gets a sequence number. Only the newest request matters: a request that arrives
while another is waiting replaces it, and one that arrives while another runs stops that run at
its next band. A result whose number is not the newest is never emitted as current; the window
also drops any that arrive late.

Every request that is neither replaced nor stopped by :meth:`ConvolutionWorker.stop` ends with
exactly one of ``resultReady``, ``failed`` or ``cancelled``. Progress is reported only for
computations that take a while (after :data:`PROGRESS_START_S`, at most every
:data:`PROGRESS_INTERVAL_S`), so a quick one costs the GUI thread nothing but its result.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal

from convgui import engine
from convgui.render import render_counted, resolve_display_mode
from convgui.settings import Settings
from convgui.shapes import Geometry, ShapeError
from convgui.ui.tasks import GuardedThread

#: No progress signal before a computation has run this long (a quick one sends none).
PROGRESS_START_S = 0.1
#: At most one progress signal per this interval.
PROGRESS_INTERVAL_S = 0.05


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


class _Aborted(Exception):
    pass


class ConvolutionWorker(GuardedThread):
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
        self._running_seq = 0  # the request being computed, 0 when idle

    @property
    def latest_seq(self) -> int:
        """The number of the newest request."""
        return self._seq

    @property
    def busy(self) -> bool:
        """Whether a computation is running or waiting to run."""
        return self._running_seq != 0 or self._pending is not None

    def submit(self, image: np.ndarray, value_range: tuple[float, float],
               settings: Settings) -> int:
        """Queue a computation, replacing any waiting one; returns its sequence number."""
        with self._cond:
            self._seq += 1
            self._pending = Request(self._seq, image, value_range, settings)
            self._cond.notify()
            return self._seq

    def cancel(self) -> None:
        """Stop the current computation at its next band and drop any waiting one.

        The running computation reports ``cancelled`` when it stops; a waiting one that is
        dropped reports it at once (so the newest request always gets an answer).
        """
        with self._cond:
            self._cancel_seq = self._seq
            dropped, self._pending = self._pending, None
        if dropped is not None:
            self.cancelled.emit(dropped.seq)

    def stop(self, timeout_ms: int | None = None) -> bool:
        """Finish the thread: the running computation stops at its next band and nothing more
        is emitted as current. Waits ``timeout_ms`` (default: until it has ended); True when
        the thread has ended."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        return self.wait() if timeout_ms is None else self.wait(timeout_ms)

    def run(self) -> None:  # runs in the worker thread
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                request, self._pending = self._pending, None
                self._running_seq = request.seq
            try:
                self._compute(request)
            finally:
                self._running_seq = 0

    def _should_abort(self, seq: int) -> bool:
        return self._stopping or self._pending is not None or self._cancel_seq >= seq

    def _compute(self, request: Request) -> None:
        # Overflow to inf/NaN is counted and reported in the result, not warned about on stderr
        # (np.errstate is per thread: this covers the engine's work in this thread only).
        with np.errstate(all="ignore"):
            self._compute_quietly(request)

    def _compute_quietly(self, request: Request) -> None:
        seq, settings = request.seq, request.settings
        steps = None
        try:
            start = time.perf_counter()
            conv = engine.prepare(request.image, settings.kernel_array(),
                                  **settings.engine_kwargs())
            steps = conv.bands()
            next_report = start + PROGRESS_START_S
            while True:
                try:
                    fraction = next(steps)
                except StopIteration as done:
                    output = done.value
                    break
                if self._should_abort(seq):
                    raise _Aborted
                now = time.perf_counter()
                if now >= next_report:
                    next_report = now + PROGRESS_INTERVAL_S
                    self.progress.emit(seq, fraction)
            seconds = time.perf_counter() - start
            if self._should_abort(seq):
                raise _Aborted
            mode = resolve_display_mode(settings)
            image, levels, nonfinite = render_counted(output, mode, request.value_range)
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
        finally:
            if steps is not None:
                steps.close()  # an abandoned run drops the bands it has not started
