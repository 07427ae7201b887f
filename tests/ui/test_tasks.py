"""LatestTask: runs jobs off the GUI thread and only reports the newest; the failure messages
it shares with the convolution worker; a task outliving its owner."""

import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QObject

from convgui import engine
from convgui.settings import Settings
from convgui.shapes import ShapeError
from convgui.ui.tasks import LatestTask, describe_failure, orphan_count, stop_task
from convgui.ui.worker import ConvolutionWorker

#: What the user is told when a computation raises each kind of exception:
#: (exception type, its text, (message shown, is_shape_error)).
FAILURES = [
    (ShapeError, "kernel spans 5 but the padded input is 4",
     ("kernel spans 5 but the padded input is 4", True)),
    (ValueError, "stride must be at least 1", ("stride must be at least 1", False)),
    (TypeError, "kernel entries must be numbers", ("kernel entries must be numbers", False)),
    (MemoryError, "", ("not enough memory for this computation", False)),
    (RuntimeError, "the engine broke", ("unexpected error: RuntimeError: the engine broke", False)),
    (KeyError, "k", ("unexpected error: KeyError: 'k'", False)),
]


def test_runs_off_the_gui_thread_and_reports_the_result(qtbot):
    task = LatestTask()
    gui = threading.get_ident()
    with qtbot.waitSignal(task.finishedOk, timeout=5000) as blocker:
        task.submit(lambda: threading.get_ident())
    seq, worker_thread = blocker.args
    assert seq == task.latest_seq
    assert worker_thread != gui
    assert task.stop()


def test_only_the_newest_of_many_jobs_is_reported(qtbot):
    task = LatestTask()
    seen = []
    task.finishedOk.connect(lambda seq, value: seen.append((seq, value)))
    task.submit(time.sleep, 0.2)  # keeps the thread busy while the others queue up
    for n in range(50):
        task.submit(lambda n=n: n)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == 49, timeout=5000)
    assert [value for _, value in seen] == [49]
    assert task.stop()


def test_errors_are_reported_and_the_next_job_runs(qtbot):
    task = LatestTask()

    def shape_problem():
        raise ShapeError("kernel spans 5 but the padded input is 4")

    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.submit(shape_problem)
    assert blocker.args[1:] == ["kernel spans 5 but the padded input is 4", True]
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.submit(lambda: 1 / 0)
    assert blocker.args[1].startswith("unexpected error: ZeroDivisionError")
    assert blocker.args[2] is False
    with qtbot.waitSignal(task.finishedOk, timeout=5000) as blocker:
        task.submit(lambda: "fine")
    assert blocker.args[1] == "fine"
    assert task.stop()
    assert not task.isRunning()


def test_a_dropped_running_thread_is_not_collected(qtbot):
    """Dropping the last reference to a running task must not let the GC destroy the
    QThread (Qt would abort the process); it is released once it has finished."""
    import gc

    from convgui.ui import tasks

    release = threading.Event()
    task = LatestTask()
    task.submit(release.wait)
    qtbot.waitUntil(task.isRunning, timeout=5000)
    assert task in tasks._RUNNING
    ident = id(task)
    del task
    gc.collect()  # would abort here without the guard
    (kept,) = [t for t in tasks._RUNNING if id(t) == ident]
    release.set()
    assert kept.stop()
    qtbot.waitUntil(lambda: kept not in tasks._RUNNING, timeout=5000)


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """Cyclic garbage (such as a dropped widget in a reference cycle) is freed by a timer on
    the GUI thread, never by a collection that happens to start in a worker thread."""
    import gc

    from convgui.ui.app import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()
    assert not gc.isenabled()
    freed_on = []

    class Marker:
        def __del__(self):
            freed_on.append(threading.get_ident())

    def make_cycles():
        for _ in range(2000):  # far past gen-0's threshold
            a, b = Marker(), Marker()
            a.other, b.other = b, a

    worker = threading.Thread(target=make_cycles)
    worker.start()
    worker.join()
    assert freed_on == []  # nothing collected in the worker thread
    qtbot.waitUntil(lambda: len(freed_on) >= 4000, timeout=5000)
    assert set(freed_on) == {threading.get_ident()}


# ------------------------------------------------------------------ one failure mapping

@pytest.mark.parametrize(("kind", "text", "told"), FAILURES)
def test_describe_failure(kind, text, told):
    assert describe_failure(kind(text)) == told


@pytest.mark.parametrize(("kind", "text", "told"), FAILURES)
def test_a_failed_job_is_reported_as_described(qtbot, kind, text, told):
    task = LatestTask()

    def job():
        raise kind(text)

    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        seq = task.submit(job)
    assert blocker.args == [seq, *told]
    assert task.stop()


@pytest.mark.parametrize(("kind", "text", "told"), FAILURES)
def test_a_failed_convolution_is_reported_as_described(qtbot, monkeypatch, kind, text, told):
    def prepare(*_args, **_kwargs):
        raise kind(text)

    monkeypatch.setattr(engine, "prepare", prepare)
    worker = ConvolutionWorker()
    worker.start()
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        seq = worker.submit(np.zeros((4, 4), np.float32), (0.0, 255.0),
                            Settings(kernel=[[1]]))
    assert blocker.args == [seq, *told]
    assert worker.stop(5000)


# ----------------------------------------------------------- outliving the task's owner

def _long_job(started: threading.Event, release: threading.Event):
    def job():
        started.set()
        assert release.wait(10), "the test never released the job"
        return "too late"
    return job


def test_a_job_outliving_its_owner_ends_quietly_and_the_task_is_freed(qtbot, qtlog):
    """An owner deleted while its task's long job runs (a panel closed mid-job), the way the
    owners do it: the running thread is not destroyed, nothing is emitted, and once the job
    ends the task is freed."""
    owner = QObject()
    task = LatestTask()
    owner.destroyed.connect(lambda *_, task=task: stop_task(task, 50))
    emitted, freed, started, release = [], [], threading.Event(), threading.Event()
    task.finishedOk.connect(lambda *args: emitted.append(args))
    task.failed.connect(lambda *args: emitted.append(args))
    task.destroyed.connect(lambda *_: freed.append(True))
    task.submit(_long_job(started, release))
    assert started.wait(5)
    shiboken6.delete(owner)  # stop_task waits 50 ms, then leaves the job to finish
    assert shiboken6.isValid(task) and task.isRunning()
    assert orphan_count() == 1
    del task  # only the running-thread guard holds it now
    release.set()
    qtbot.waitUntil(lambda: freed == [True], timeout=5000)
    assert orphan_count() == 0 and emitted == []
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_a_parent_deleted_mid_job_does_not_destroy_the_running_thread(qtbot, qtlog):
    """A task given a parent is detached by stop_task when its job outlives the wait, so the
    parent's deletion does not destroy the running QThread (Qt would abort the process)."""
    parent = QObject()
    task = LatestTask(parent)
    parent.destroyed.connect(lambda *_, task=task: stop_task(task, 50))
    emitted, started, release = [], threading.Event(), threading.Event()
    task.finishedOk.connect(lambda *args: emitted.append(args))
    task.submit(_long_job(started, release))
    assert started.wait(5)
    shiboken6.delete(parent)
    assert shiboken6.isValid(task) and task.isRunning() and task.parent() is None
    release.set()
    qtbot.waitUntil(lambda: orphan_count() == 0, timeout=5000)
    assert task.wait(5000) and emitted == []
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_stop_task_on_a_deleted_task_does_nothing(qtbot):
    owner = QObject()
    task = LatestTask(owner)
    task.submit(lambda: None)
    assert task.stop()
    shiboken6.delete(owner)  # deletes the task with it
    assert not shiboken6.isValid(task)
    stop_task(task)  # an owner's destroyed coming after the task's own deletion


def test_a_job_still_running_at_exit_is_waited_for(tmp_path):
    """At interpreter exit a task whose job is still running (longer than stop's 2 s wait) is
    waited for: the job completes and Qt does not abort for a running QThread destroyed."""
    script = tmp_path / "exit_mid_job.py"
    script.write_text(textwrap.dedent("""
        import time
        from PySide6.QtCore import QCoreApplication
        from convgui.ui.tasks import LatestTask

        app = QCoreApplication([])

        def long_job():
            time.sleep(2.3)
            print("job done", flush=True)

        task = LatestTask()
        task.submit(long_job)
        time.sleep(0.1)
        print("exiting", flush=True)
    """))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["exiting", "job done"]
    assert "QThread" not in proc.stderr
