"""The worker threads that keep only the newest request: the loop they share, what a failure
tells the user, and what keeps a running thread from being destroyed.

:class:`NewestFirstThread` is the loop. The playground's band-wise
:class:`~convgui.ui.worker.ConvolutionWorker` is one; the classroom panels, the quiz and the
input view hand whole small jobs to a :class:`LatestTask` instead: a job that arrives while
another waits replaces it, and a result that is not the newest is never emitted.

Qt aborts the whole process when a running QThread is destroyed. Every thread here is a
:class:`GuardedThread` (referenced from :meth:`~GuardedThread.start` until it has ended, waited
for at interpreter exit), and :func:`stop_task` detaches a task whose job outlives its owner.
"""

from __future__ import annotations

import atexit
import functools
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from convgui.shapes import ShapeError

_RUNNING: set[QThread] = set()


@atexit.register
def _stop_running_threads() -> None:
    """At interpreter exit, end every guarded thread still running (an idle worker waits for
    work forever) before Python tears the objects down; a job that cannot be interrupted is
    waited for, however long it takes."""
    for thread in list(_RUNNING):
        if shiboken6.isValid(thread):  # its owner may have deleted it after stopping it
            thread.stop()
            thread.wait()
    _RUNNING.clear()


def describe_failure(exc: Exception) -> tuple[str, bool]:
    """The message a failed computation shows, and whether ``exc`` is a :class:`ShapeError`
    (the settings leave no output for this image). ValueError/TypeError messages are shown as
    they are; anything else is named as unexpected."""
    if isinstance(exc, ShapeError):
        return str(exc), True
    if isinstance(exc, (ValueError, TypeError)):
        return str(exc), False
    if isinstance(exc, MemoryError):
        return "not enough memory for this computation", False
    return f"unexpected error: {type(exc).__name__}: {exc}", False


class GuardedThread(QThread):
    """A QThread that Python's garbage collector cannot delete while its thread runs.

    A thread object whose owner dropped it (a closed panel, a test) could otherwise be
    collected mid-run; here a module-level reference is held from :meth:`start` until the
    thread has finished and been joined on the GUI thread.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.finished.connect(self._release)

    def start(self, *args: Any) -> None:
        # An owner that deletes a finished thread before its queued _release ran leaves a
        # wrapper of nothing behind: let go of those here.
        _RUNNING.difference_update([t for t in _RUNNING if not shiboken6.isValid(t)])
        _RUNNING.add(self)
        super().start(*args)

    @Slot()  # declared: PySide would keep an undeclared slot's meta-object in the object it frees
    def _release(self) -> None:
        self.wait()
        _RUNNING.discard(self)

    def stop(self, timeout_ms: int = 2000) -> bool:  # pragma: no cover - overridden
        """End the thread; subclasses wake their loop first."""
        self.quit()
        return self.wait(timeout_ms)


class NewestFirstThread(GuardedThread):
    """The loop of every worker thread: items queued with :meth:`_put` are handled one at a
    time by :meth:`_handle`, in the thread; an item queued while another waits replaces it,
    so after a burst only the running item and the newest one are handled.

    Each item gets a sequence number (:attr:`latest_seq` is the newest one's). Once an item
    has been handled the thread keeps no reference to it (a job holds its whole input image).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: tuple[int, Any] | None = None
        self._seq = 0
        self._running_seq = 0  # the item being handled, 0 when idle
        self._stopping = False

    @property
    def latest_seq(self) -> int:
        """The number of the newest item."""
        return self._seq

    @property
    def busy(self) -> bool:
        """Whether an item is being handled or waiting to be."""
        return self._running_seq != 0 or self._pending is not None

    def _put(self, item: Any) -> int:
        """Queue ``item``, replacing any waiting one; returns its sequence number."""
        with self._cond:
            self._seq += 1
            self._pending = (self._seq, item)
            self._cond.notify()
            return self._seq

    def stop(self, timeout_ms: int | None = None) -> bool:
        """Drop any waiting item and end the thread once the running one is handled; waits
        ``timeout_ms`` (None: until it has ended). True when the thread has ended."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        return self.wait() if timeout_ms is None else self.wait(timeout_ms)

    def run(self) -> None:  # the worker thread
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                (seq, item), self._pending = self._pending, None
                self._running_seq = seq
            try:
                self._handle(seq, item)
            finally:
                self._running_seq = 0
            del item  # an idle thread keeps neither the job nor its inputs (an old image)

    def _handle(self, seq: int, item: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class LatestTask(NewestFirstThread):
    """A thread that runs ``submit``-ted callables, newest first.

    ``finishedOk(seq, result)`` for the newest job's result; ``failed(seq, message,
    is_shape_error)`` when it raised (see :func:`describe_failure`); nothing for a job that is
    no longer the newest or finished after :meth:`stop`. Call :meth:`stop` (or
    :func:`stop_task`) before the owner is destroyed (widgets do it in ``closeEvent`` or via
    ``destroyed``); :meth:`start` happens on the first ``submit``.
    """

    finishedOk = Signal(int, object)
    failed = Signal(int, str, bool)

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
        """Queue ``fn(*args, **kwargs)``, replacing any waiting job; returns its number."""
        seq = self._put(functools.partial(fn, *args, **kwargs))
        if not self.isRunning() and not self._stopping:
            self.start()
        return seq

    def stop(self, timeout_ms: int | None = 2000) -> bool:
        """End the thread after the running job (which cannot be interrupted), waiting
        ``timeout_ms``; True when it has ended."""
        return super().stop(timeout_ms)

    def _handle(self, seq: int, job: Callable[[], Any]) -> None:
        """Run one job and emit its outcome; its result is not kept once this returns."""
        try:
            result = job()
        except Exception as exc:  # reported: the window must keep working
            if self._is_newest(seq):
                self.failed.emit(seq, *describe_failure(exc))
        else:
            if self._is_newest(seq):
                self.finishedOk.emit(seq, result)

    def _is_newest(self, seq: int) -> bool:
        return seq == self._seq and not self._stopping


def stop_task(task: LatestTask, timeout_ms: int = 2000) -> None:
    """Stop ``task`` for an owner that is closing or gone: nothing more is emitted, and a job
    still running after ``timeout_ms`` finishes on its own (:class:`GuardedThread` keeps the
    task until then). Does nothing when Qt has already deleted ``task`` (an owner's
    ``destroyed`` can come after the task's own deletion at interpreter shutdown).

    Owners create tasks without a parent and call this on ``destroyed``. A parent's deletion
    would destroy the running thread, so a task with one is detached here; but one detached
    while its parent is being deleted is never freed (PySide keeps a reference to it)."""
    if shiboken6.isValid(task) and not task.stop(timeout_ms):
        task.setParent(None)


def orphan_count() -> int:
    """Tasks stopped while their job was still running whose thread has not ended yet."""
    return sum(1 for thread in _RUNNING
               if isinstance(thread, LatestTask) and shiboken6.isValid(thread)
               and thread._stopping and thread.isRunning())
