"""The engine benchmark still runs: ``benchmarks/bench_engine.py --quick`` on tiny images.

Only checks that the script works and that its JSON holds what the issue asks for; the
timings of a quick run mean nothing and no goal is asserted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_quick_run_writes_table_and_json(bench, tmp_path, capsys):
    import gc

    before = {k: os.environ.get(k) for k in ("CONVGUI_ENGINE", "CONVGUI_WISDOM", "CONVGUI_HOME")}
    gc_before = gc.isenabled()
    out = tmp_path / "sub" / "engine.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    # restored after switching engines and measuring: run in the test process, a leaked
    # CONVGUI_WISDOM=on made later tests' large calls stop to measure (their Cancel failed),
    # and a re-enabled gc collected in worker threads
    assert {k: os.environ.get(k) for k in before} == before
    assert gc.isenabled() == gc_before

    printed = capsys.readouterr().out
    assert "convgui" in printed and "cg-scipy" in printed and "ndimage" in printed
    assert "PASS" in printed or "FAIL" in printed

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["quick"] is True and data["repeats"] == 1
    for key in ("platform", "cpu_count", "numpy", "scipy", "cv2"):
        assert key in data["machine"]
    rows = data["rows"]
    assert {r["image"] for r in rows} == set(data["images"]) and len(data["images"]) == 2
    assert {r["kind"] for r in rows} == {"random", "gauss"}
    assert {r["stride"] for r in rows} >= {1, 2, 4} and {r["dilation"] for r in rows} >= {1, 2, 4}
    assert {r["boundary"] for r in rows} == {"constant", "reflect"}
    for r in rows:
        assert r["convgui_ok"], (r["id"], r["rel_errors"])
        assert r["method"] and r["method_scipy"]
        for column in ("convgui", "cg-scipy", "ndimage", "oaconv", "floor"):
            assert r["times_ms"][column] > 0, (r["id"], column)
        assert all(r["agree"].values()), (r["id"], r["rel_errors"])  # the peers line up too
        assert set(r["ratios"]) == set(r["times_ms"]) - {"convgui"}
        if bench.cv2 is not None:
            assert "filter2D" in r["times_ms"]
            assert ("sepF2D" in r["times_ms"]) == (r["kind"] == "gauss")
    assert data["memory"] and all(m["tracemalloc_scipy_bytes"] > 0 for m in data["memory"])
    keys = {g["key"] for g in data["goals"]}
    assert keys >= {"accel-fastest", "accel-vs-filter2D", "accel-3x3-floor", "scipy-fastest",
                    "scipy-vs-ndimage", "scipy-stride", "scipy-dilation", "memory-tracemalloc"}
    assert all(g["status"] in ("PASS", "FAIL", "SKIP") for g in data["goals"])
    checked = {g["key"]: g["rows_checked"] for g in data["goals"]}
    assert checked["scipy-stride"] > 0 and checked["scipy-dilation"] > 0


def test_rows_filter_and_wrong_result_guard(bench, tmp_path, monkeypatch, capsys):
    assert bench.main(["--quick", "--rows", "*/gauss/3x3/s2/*", "--list"]) == 0
    listed = capsys.readouterr().out.split()
    assert listed and all("/gauss/3x3/s2/" in rid for rid in listed)

    real = bench.convolve2d

    def off_by_one(*args, **kwargs):
        return real(*args, **kwargs) + np.float32(1.0)

    monkeypatch.setattr(bench, "convolve2d", off_by_one)
    out = tmp_path / "wrong.json"
    rc = bench.main(["--quick", "--rows", "grey256/random/3x3/s1/d1/constant",
                     "--no-memory", "--json", str(out)])
    assert rc == 1  # a fast wrong answer must not count
    row = json.loads(out.read_text(encoding="utf-8"))["rows"][0]
    assert not row["convgui_ok"] and not row["agree"]["convgui"]
    assert "WRONG" in capsys.readouterr().out


def test_columns_are_timed_in_passes_of_changing_order(bench, monkeypatch):
    """Every column gets ``repeats`` timed calls spread over the passes, each pass starts with
    a warm-up call, the order changes from pass to pass, and a failing column is recorded
    without stopping the others."""
    calls = []

    def column(name):
        def run():
            calls.append(name)
            return name
        return run

    def broken():
        raise RuntimeError("no such peer")

    monkeypatch.delenv("CONVGUI_ENGINE", raising=False)
    # each collection is recorded, not run: late in the suite the heap is large (~0.1 s each)
    collected = []
    monkeypatch.setattr(bench.gc, "collect", lambda *args: collected.append(len(calls)))
    columns = [("a", column("a"), None), ("b", column("b"), "scipy"), ("x", broken, None),
               ("c", column("c"), None)]
    times, results, failures = bench.measure_columns(columns, repeats=7, settle=0.0,
                                                     warm_up=0.0)
    assert set(times) == {"a", "b", "c"} and all(len(t) == 7 for t in times.values())
    assert results == {"a": "a", "b": "b", "c": "c"}
    assert failures == {"x": "RuntimeError: no such peer"}
    # 3 passes (3 + 2 + 2 timed calls), each with a warm-up: 10 calls of each column
    assert calls.count("a") == calls.count("b") == calls.count("c") == 7 + bench.PASSES
    blocks = [name for i, name in enumerate(calls) if i == 0 or calls[i - 1] != name]
    # forward; reversed (its first block joins the last one before); forward starting one
    # column later ("x" failed in the first pass)
    assert blocks == ["a", "b", "c", "b", "a", "b", "c", "a"]
    # the garbage collector runs before every column of every pass ("x" once: it failed)
    starts = [i for i, name in enumerate(calls) if i == 0 or calls[i - 1] != name]
    assert len(collected) == 10 and set(starts) <= set(collected)
    assert "CONVGUI_ENGINE" not in os.environ  # each column's engine setting is undone


def test_a_column_warms_up_for_the_warm_up_time_after_its_first_call(bench, monkeypatch):
    """After its first call (which may measure convgui's routes) a column is called, untimed,
    until ``warm_up`` seconds have passed: on a clock where each call takes 0.1 s, a warm-up
    of 0.25 s is 3 more calls, so a pass with 2 timed calls makes 1 + 3 + 2 calls."""
    clock = [0.0]
    calls = []

    def run():
        calls.append(clock[0])
        clock[0] += 0.1
        return len(calls)

    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock[0])
    times, _, _ = bench.measure_columns([("a", run, None)], repeats=2, settle=0.0,
                                        warm_up=0.25)
    assert len(calls) == 2 * (1 + 3 + 1)  # 2 passes of one timed call each
    assert times["a"] == pytest.approx([0.1, 0.1])
