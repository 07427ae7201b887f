"""LatestTask: runs jobs off the GUI thread and only reports the newest."""

import threading
import time

from convgui.shapes import ShapeError
from convgui.ui.tasks import LatestTask


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
