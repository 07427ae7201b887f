"""Run any computation off the GUI thread and keep only the newest answer.

The playground has its own band-wise :class:`~convgui.ui.worker.ConvolutionWorker`; the
classroom panels (filter bank, channels, pooling, matrix mode) hand whole small jobs to a
:class:`LatestTask` instead: a job that arrives while another waits replaces it, and a result
that is not the newest is never emitted.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal

from convgui.shapes import ShapeError

_RUNNING: set[QThread] = set()


@atexit.register
def _stop_running_threads() -> None:
    """At interpreter exit, end every guarded thread still running (an idle worker waits for
    work forever) before Python tears the objects down."""
    for thread in list(_RUNNING):
        if shiboken6.isValid(thread):  # its owner may have deleted it after stopping it
            thread.stop()
    _RUNNING.clear()


class GuardedThread(QThread):
    """A QThread that Python's garbage collector cannot delete while its thread runs.

    Qt aborts the whole process when a running QThread is destroyed. A thread object whose
    owner dropped it (a closed panel, a test) could otherwise be collected mid-run; here a
    module-level reference is held from :meth:`start` until the thread has finished and been
    joined on the GUI thread.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.finished.connect(self._release)

    def start(self, *args: Any) -> None:
        _RUNNING.add(self)
        super().start(*args)

    def _release(self) -> None:
        self.wait()
        _RUNNING.discard(self)

    def stop(self, timeout_ms: int = 2000) -> bool:  # pragma: no cover - overridden
        """End the thread; subclasses wake their loop first."""
        self.quit()
        return self.wait(timeout_ms)


class LatestTask(GuardedThread):
    """A thread that runs ``submit``-ted callables, newest first.

    ``finishedOk(seq, result)`` for the newest job's result; ``failed(seq, message,
    is_shape_error)`` when it raised (ValueError/TypeError messages are shown as they are).
    Call :meth:`stop` before the owner is destroyed (widgets do it in ``closeEvent`` or via
    ``destroyed``); :meth:`start` happens on the first ``submit``.
    """

    finishedOk = Signal(int, object)
    failed = Signal(int, str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._job: tuple[int, Callable[[], Any]] | None = None
        self._seq = 0
        self._stopping = False

    @property
    def latest_seq(self) -> int:
        """The number of the newest job."""
        return self._seq

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
        """Queue ``fn(*args, **kwargs)``, replacing any waiting job; returns its number."""
        with self._cond:
            self._seq += 1
            self._job = (self._seq, lambda: fn(*args, **kwargs))
            self._cond.notify()
            seq = self._seq
        if not self.isRunning() and not self._stopping:
            self.start()
        return seq

    def stop(self, timeout_ms: int = 2000) -> bool:
        """End the thread after the running job; True when it has ended."""
        with self._cond:
            self._stopping = True
            self._job = None
            self._cond.notify()
        return self.wait(timeout_ms) if self.isRunning() else True

    def run(self) -> None:  # the worker thread
        while True:
            with self._cond:
                while self._job is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                (seq, job), self._job = self._job, None
            self._run_job(seq, job)
            del job  # an idle thread keeps neither the job nor its inputs (an old image)

    def _run_job(self, seq: int, job: Callable[[], Any]) -> None:
        """Run one job and emit its outcome; its result is not kept once this returns."""
        try:
            result = job()
        except ShapeError as exc:
            self._emit_failure(seq, str(exc), True)
        except (ValueError, TypeError) as exc:
            self._emit_failure(seq, str(exc), False)
        except MemoryError:
            self._emit_failure(seq, "not enough memory for this computation", False)
        except Exception as exc:  # noqa: BLE001 - the window must keep working
            self._emit_failure(seq, f"unexpected error: {type(exc).__name__}: {exc}", False)
        else:
            if seq == self._seq and not self._stopping:
                self.finishedOk.emit(seq, result)

    def _emit_failure(self, seq: int, message: str, is_shape_error: bool) -> None:
        if seq == self._seq and not self._stopping:
            self.failed.emit(seq, message, is_shape_error)


def stop_task(task: LatestTask) -> None:
    """``task.stop()``, unless Qt has already deleted it (an owner's ``destroyed`` can come
    after the task's own deletion at interpreter shutdown)."""
    if shiboken6.isValid(task):
        task.stop()
