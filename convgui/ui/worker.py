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

import time
import weakref
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal

from convgui import engine
from convgui.render import render_counted, resolve_display_mode
from convgui.settings import Settings
from convgui.shapes import Geometry
from convgui.ui.tasks import NewestFirstThread, describe_failure

#: No progress signal before a computation has run this long (a quick one sends none).
PROGRESS_START_S = 0.1
#: At most one progress signal per this interval.
PROGRESS_INTERVAL_S = 0.05


@dataclass(frozen=True)
class Request:
    """One computation: the input image, its value range and the settings."""

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


@dataclass(frozen=True)
class _Computed:
    """The engine's answer to the last request computed, kept for one that changes only the
    display: the same image object (held weakly: an idle worker keeps no input alive) and
    settings that differ in ``display`` alone."""

    image: weakref.ref[np.ndarray]
    settings: Settings
    output: np.ndarray
    geometry: Geometry
    method: str
    seconds: float

    def serves(self, request: Request) -> bool:
        return (self.image() is request.image
                and self.settings.changed_fields(request.settings) <= {"display"})


class _Aborted(Exception):
    pass


class ConvolutionWorker(NewestFirstThread):
    """Runs :mod:`convgui.engine` on requests from :meth:`submit`, newest first.

    Signals carry the request's sequence number: ``progress(seq, fraction)``,
    ``resultReady(Result)``, ``failed(seq, message, is_shape_error)`` (see
    :func:`~convgui.ui.tasks.describe_failure`) and ``cancelled(seq)``. :meth:`start` it
    before the first request; :meth:`stop` ends a running computation at its next band and by
    default waits until the thread has ended.
    """

    progress = Signal(int, float)
    resultReady = Signal(object)  # noqa: N815 - Qt naming
    failed = Signal(int, str, bool)
    cancelled = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cancel_seq = -1
        self._computed: _Computed | None = None  # (used and replaced in the worker thread only)

    def submit(self, image: np.ndarray, value_range: tuple[float, float],
               settings: Settings) -> int:
        """Queue a computation, replacing any waiting one; returns its sequence number."""
        return self._put(Request(image, value_range, settings))

    def cancel(self) -> None:
        """Stop the current computation at its next band and drop any waiting one.

        The running computation reports ``cancelled`` when it stops; a waiting one that is
        dropped reports it at once (so the newest request always gets an answer).
        """
        with self._cond:
            self._cancel_seq = self._seq
            dropped, self._pending = self._pending, None
        if dropped is not None:
            self.cancelled.emit(dropped[0])

    def _should_abort(self, seq: int) -> bool:
        return self._stopping or self._pending is not None or self._cancel_seq >= seq

    def _handle(self, seq: int, request: Request) -> None:
        # Overflow to inf/NaN is counted and reported in the result, not warned about on stderr
        # (np.errstate is per thread: this covers the engine's work in this thread only).
        with np.errstate(all="ignore"):
            self._compute_quietly(seq, request)

    def _compute_quietly(self, seq: int, request: Request) -> None:
        settings = request.settings
        try:
            computed = self._computed
            if computed is None or not computed.serves(request):  # (a new display: drawn only)
                self._computed = None
                computed = self._computed = self._compute(seq, request)
            if self._should_abort(seq):
                raise _Aborted
            mode = resolve_display_mode(settings)
            image, levels, nonfinite = render_counted(computed.output, mode,
                                                      request.value_range)
            if self._should_abort(seq):
                raise _Aborted
            self.resultReady.emit(Result(seq, settings, computed.output, image, mode, levels,
                                         computed.geometry, computed.method, computed.seconds,
                                         nonfinite))
        except _Aborted:
            self.cancelled.emit(seq)
        except Exception as exc:  # reported: the window must keep working
            self.failed.emit(seq, *describe_failure(exc))

    def _compute(self, seq: int, request: Request) -> _Computed:
        """Run the engine on ``request`` band by band, reporting progress; raises _Aborted
        when a newer request or a cancel arrives."""
        settings = request.settings
        start = time.perf_counter()
        conv = engine.prepare(request.image, settings.kernel_array(), **settings.engine_kwargs())
        steps = conv.bands()
        next_report = start + PROGRESS_START_S
        try:
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
        finally:
            steps.close()  # an abandoned run drops the bands it has not started
        return _Computed(weakref.ref(request.image), settings, output, conv.geometry,
                         conv.method, time.perf_counter() - start)
