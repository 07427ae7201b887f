"""How fast the window follows an edit, and whether the GUI stays responsive while it computes.

Plain script, not a test::

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--edits 60] [--json out.json]

Measures, through the real :class:`~convgui.ui.main_window.MainWindow`:

1. **edit → display**: a 1024×1024 RGB image and a 5×5 kernel; each of ``--edits`` kernel
   edits (``window.model.edit``) is timed until the after view has *painted* the new result
   (``resultShown`` plus a synchronous repaint of the after view), the next edit only after
   that. Median and p95.
2. **engine**: :func:`convgui.engine.convolve2d` on the same image and kernels, timed in the
   same process (median), the time the edit→display figure is judged against.
3. **event-loop gaps**: a 10 ms ``QTimer`` heartbeat runs while a 4096×4096 image is filtered
   with a 15×15 kernel; the longest interval between beats while the worker computes, and the
   longest including the drawing of the result.

Goals: edit → display ≤ 1.3 × engine + 15 ms; no event-loop gap over 50 ms while computing.
Prints a table and writes JSON (default: ``bench_gui.json`` next to this script).
Uses a temporary CONVGUI_HOME unless one is set, so the user's settings are never touched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_FACTOR = 1.3
GOAL_SLACK_MS = 15.0
GOAL_GAP_MS = 50.0
HEARTBEAT_MS = 10


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _wait(app, predicate, timeout_s: float, poll_ms: int = 2) -> bool:
    """Run the event loop until ``predicate()`` is true (False on timeout).

    A real ``QEventLoop`` sleeps between events (``processEvents(flags, maxtime)`` would spin,
    taking a CPU and the GIL from the worker); a ``poll_ms`` timer wakes it to check.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if predicate() or time.perf_counter() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(poll_ms)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return bool(predicate())


def _kernels(count: int, rng) -> list:
    """Distinct 5×5 integer kernels with a positive sum (so 'auto' display stays 'clip')."""
    import numpy as np

    out = []
    for _ in range(count):
        k = rng.integers(-3, 6, size=(5, 5))
        k[2, 2] = int(np.abs(k).sum()) + 1
        out.append(k)
    return out


def bench_edits(app, window, edits: int, rng) -> dict:
    import numpy as np

    from convgui import engine
    from convgui.imageio import image_from_array

    image = image_from_array(rng.integers(0, 256, size=(1024, 1024, 3), dtype=np.uint8))
    _show_image(app, window, image)
    kernels = _kernels(edits + 5, rng)
    shown: list = []
    window.resultShown.connect(shown.append)

    def edit_and_wait(k) -> tuple[float, float, object]:
        shown.clear()
        t0 = time.perf_counter()
        window.model.edit("bench edit", kernel=k.tolist(), divisor=int(k.sum()))
        seq = window.worker.latest_seq
        if not _wait(app, lambda: any(r.seq == seq for r in shown), 30):
            raise RuntimeError("no result within 30 s")
        t_signal = time.perf_counter()
        window.views.after.viewport().repaint()  # draw it now, as the next paint would
        t_painted = time.perf_counter()
        return (t_signal - t0) * 1000, (t_painted - t0) * 1000, shown[-1]

    for k in kernels[:5]:  # warm-up: caches, first paint, lazy imports
        edit_and_wait(k)
    signal_ms, painted_ms, worker_engine_ms = [], [], []
    for k in kernels[5:]:
        a, b, result = edit_and_wait(k)
        signal_ms.append(a)
        painted_ms.append(b)
        worker_engine_ms.append(result.seconds * 1000)
    window.resultShown.disconnect(shown.append)

    settings = window.model.settings
    engine_ms = []
    for k in kernels[5:]:
        t0 = time.perf_counter()
        engine.convolve2d(image.data, k / int(k.sum()), **settings.engine_kwargs())
        engine_ms.append((time.perf_counter() - t0) * 1000)
    engine_median = statistics.median(engine_ms)
    goal = GOAL_FACTOR * engine_median + GOAL_SLACK_MS
    p50 = statistics.median(painted_ms)
    return {
        "image": "1024x1024x3 uint8",
        "kernel": "5x5",
        "edits": len(painted_ms),
        "edit_to_signal_ms_median": statistics.median(signal_ms),
        "edit_to_display_ms_median": p50,
        "edit_to_display_ms_p95": _percentile(painted_ms, 0.95),
        "worker_engine_ms_median": statistics.median(worker_engine_ms),
        "engine_ms_median": engine_median,
        "goal_ms": goal,
        "goal_met": p50 <= goal,
    }


def _show_image(app, window, image) -> None:
    shown: list = []
    window.resultShown.connect(shown.append)
    setter = getattr(window, "set_image", None) or window._set_image
    setter(image)
    seq = window.worker.latest_seq
    if not _wait(app, lambda: any(r.seq == seq for r in shown), 120):
        raise RuntimeError("no result for the new image within 120 s")
    window.resultShown.disconnect(shown.append)
    window.views.after.viewport().repaint()


def bench_gaps(app, window, size: int, channels: int, rng) -> dict:
    """Heartbeat gaps: (a) while the worker computes a ``size``² image with a 15×15 kernel
    (started by a kernel edit, the image already on screen), (b) while the GUI thread draws
    that result, (c) while a new ``size``² input is drawn (loading it, once)."""
    import numpy as np
    from PySide6.QtCore import Qt, QTimer

    from convgui.imageio import image_from_array

    shape = (size, size) if channels == 1 else (size, size, channels)
    beats: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    marks: dict[str, float] = {}
    window.resultShown.connect(lambda _r: marks.setdefault("shown", time.perf_counter()))
    window.worker.resultReady.connect(  # runs in the worker thread, as it emits
        lambda _r: marks.setdefault("ready", time.perf_counter()),
        Qt.ConnectionType.DirectConnection)

    def worst(t0: float, t1: float) -> float:
        """The longest time without a heartbeat within [t0, t1], in ms (an interval that
        straddles t0 or t1 counts only its part inside)."""
        spans = [min(b, t1) - max(a, t0) for a, b in zip(beats, beats[1:], strict=False)
                 if b > t0 and a < t1]
        return max(spans) * 1000 if spans else float("nan")

    k = rng.integers(1, 9, size=(15, 15))
    window.model.edit("bench kernel", kernel=k.tolist(), divisor=int(k.sum()), display="clip")
    big = image_from_array(rng.integers(0, 256, size=shape, dtype=np.uint8))
    timer.start()
    _wait(app, lambda: len(beats) >= 5, 5)

    # (c) a new big input: set_input on the GUI thread, its first paint, its first result
    marks.clear()
    loaded_at = time.perf_counter()
    _show_image(app, window, big)
    load_done = time.perf_counter()

    # (a) + (b) a kernel edit on the big image
    _wait(app, lambda: False, 0.1)
    marks.clear()
    k = rng.integers(1, 9, size=(15, 15))
    edited = time.perf_counter()
    window.model.edit("bench kernel", kernel=k.tolist(), divisor=int(k.sum()))
    if not _wait(app, lambda: "shown" in marks, 600):
        raise RuntimeError("no result for the big image")
    window.views.after.viewport().repaint()
    painted = time.perf_counter()
    _wait(app, lambda: beats[-1] > painted + 0.02, 5)
    timer.stop()
    ready = marks["ready"]
    during = worst(edited, ready)
    return {
        "image": f"{size}x{size}" + ("" if channels == 1 else f"x{channels}") + " uint8",
        "kernel": "15x15",
        "method": window.result.method,
        "compute_s": ready - edited,
        "max_gap_while_computing_ms": during,
        "max_gap_drawing_result_ms": worst(ready, painted),
        "result_ready_to_painted_ms": (painted - ready) * 1000,
        "max_gap_loading_new_input_ms": worst(loaded_at, load_done),
        "goal_ms": GOAL_GAP_MS,
        "goal_met": during <= GOAL_GAP_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=60, help="timed edits (≥ 50 recommended)")
    parser.add_argument("--big", type=int, default=4096, help="side of the big image")
    parser.add_argument("--big-channels", type=int, default=3, choices=(1, 3))
    parser.add_argument("--json", type=Path, default=Path(__file__).with_suffix(".json"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = None
    if not os.environ.get("CONVGUI_HOME"):
        home = tempfile.TemporaryDirectory(prefix="convgui-bench-")
        os.environ["CONVGUI_HOME"] = home.name

    import numpy as np

    from convgui.ui.app import ensure_app
    from convgui.ui.main_window import MainWindow

    app = ensure_app()
    rng = np.random.default_rng(args.seed)
    window = MainWindow(restore=False)
    window.resize(1280, 800)
    window.show()
    _wait(app, lambda: window.result is not None, 30)

    edits = bench_edits(app, window, args.edits, rng)
    gaps = bench_gaps(app, window, args.big, args.big_channels, rng)
    window.close()
    app.processEvents()

    report = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "cpus": os.cpu_count(),
        "edit_to_display": edits,
        "event_loop": gaps,
    }
    e, g = edits, gaps
    rows = [
        ("edit → display, median", f"{e['edit_to_display_ms_median']:.1f} ms",
         f"≤ {e['goal_ms']:.1f} ms", e["goal_met"]),
        ("edit → display, p95", f"{e['edit_to_display_ms_p95']:.1f} ms", "", None),
        ("edit → resultShown, median", f"{e['edit_to_signal_ms_median']:.1f} ms", "", None),
        ("engine (convolve2d), median", f"{e['engine_ms_median']:.1f} ms", "", None),
        ("engine inside the worker, median", f"{e['worker_engine_ms_median']:.1f} ms", "", None),
        (f"{g['image']} {g['kernel']} ({g['method']}) compute", f"{g['compute_s']:.2f} s", "",
         None),
        ("max event-loop gap while computing", f"{g['max_gap_while_computing_ms']:.1f} ms",
         f"≤ {GOAL_GAP_MS:.0f} ms", g["goal_met"]),
        ("max gap while drawing that result", f"{g['max_gap_drawing_result_ms']:.1f} ms", "",
         None),
        ("max gap while loading a new input", f"{g['max_gap_loading_new_input_ms']:.1f} ms",
         "", None),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"ConvGUI GUI benchmark ({report['qt_platform'] or 'native'} Qt, "
          f"{report['cpus']} CPUs, Python {report['python']})")
    for name, value, goal, met in rows:
        flag = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"  {name:<{width}}  {value:>10}  {goal:<12}{flag}")
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    if home is not None:
        home.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
