"""The stride goal lines of ``benchmarks/bench_engine.py`` (issue 15, item 6): on each engine a
strided row passes when it takes at most 1.1× the same kernel's stride-1 row and at most 1.1×
the peer's full call followed by slicing. Checked on hand-made rows, not on timings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_engine.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engine_stride", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def row(bench, stride: int, convgui: float, scipy: float, filter2d: float, ndimage: float):
    spec = bench.RowSpec("grey2048", "random", 7, stride=stride)
    r = bench.RowResult(spec, (2048, 2048), (2048 // stride,) * 2, "m", "opencv", "direct",
                        "m", "taps")
    r.times_ms = {"convgui": convgui, "cg-scipy": scipy, "filter2D": filter2d,
                  "ndimage": ndimage}
    r.errors = {name: 0.0 for name in r.times_ms}
    return r


def test_stride_goal_lines(bench):
    rows = [row(bench, 1, 10.0, 20.0, 10.0, 100.0),
            row(bench, 2, 11.0, 21.0, 10.0, 100.0),  # 1.1× both: passes (the bound is ≤)
            row(bench, 4, 11.5, 10.0, 10.0, 9.0)]  # OpenCV 1.15× both; SciPy 1.11× ndimage
    goals = {g.key: g for g in bench.stride_goals(rows, accelerated=True)}
    assert goals["stride-vs-stride1-opencv"].status == "FAIL"
    assert goals["stride-vs-stride1-opencv"].checked == 2
    assert [f.split(":")[0] for f in goals["stride-vs-stride1-opencv"].failures] == [
        "grey2048/random/7x7/s4/d1/constant"]
    assert goals["stride-vs-peer-opencv"].status == "FAIL"
    assert goals["stride-vs-stride1-scipy"].status == "PASS"
    assert goals["stride-vs-peer-scipy"].status == "FAIL"
    assert "1.11×" in goals["stride-vs-peer-scipy"].failures[0]


def test_a_wrong_result_fails_the_line(bench):
    rows = [row(bench, 1, 10.0, 20.0, 10.0, 100.0), row(bench, 2, 1.0, 1.0, 10.0, 100.0)]
    rows[1].errors["convgui"] = 1.0  # far beyond the benchmark's 1e-4
    goals = {g.key: g for g in bench.stride_goals(rows, accelerated=True)}
    assert goals["stride-vs-stride1-opencv"].status == "FAIL"
    assert "disagrees" in goals["stride-vs-stride1-opencv"].failures[0]


def test_stride_goal_rows_cover_sizes_3_to_31_and_strides_1_to_4(bench):
    rows = bench.make_rows(bench.make_images(quick=True), quick=False, stride_goal=True)
    assert {r.size for r in rows} == {3, 5, 7, 15, 31}
    assert {r.stride for r in rows} == {1, 2, 3, 4}
    assert {r.kind for r in rows} == {"random", "gauss"}


def test_a_stride_one_call_timed_in_the_same_row_is_the_one_compared(bench):
    """A strided row that also timed the stride-1 call (side by side, the same passes) is
    compared with that time, not with the stride-1 row's, timed at another moment."""
    rows = [row(bench, 1, 10.0, 20.0, 10.0, 100.0), row(bench, 2, 11.5, 21.0, 10.0, 100.0)]
    rows[1].times_ms.update({"convgui@s1": 11.0, "cg-scipy@s1": 25.0})
    goals = {g.key: g for g in bench.stride_goals(rows, accelerated=True)}
    assert goals["stride-vs-stride1-opencv"].status == "PASS"  # 11.5 / 11.0, not 11.5 / 10.0
    assert goals["stride-vs-stride1-scipy"].status == "PASS"  # 21 / 25
    rows[1].times_ms["convgui@s1"] = 10.0
    goals = {g.key: g for g in bench.stride_goals(rows, accelerated=True)}
    assert goals["stride-vs-stride1-opencv"].status == "FAIL"
    assert "1.15×" in goals["stride-vs-stride1-opencv"].failures[0]


def test_a_strided_row_times_its_comparisons_side_by_side(bench, monkeypatch, tmp_path):
    """On tiny images: a strided row of ``--stride-goal`` holds the stride-1 calls and
    filter2D + slice timed in its own passes, agreeing with the reference."""
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path))
    image = bench.make_images(quick=True)["grey256"]
    one = bench.run_row(bench.RowSpec("grey256", "random", 3), image, 3, settle=0.0,
                        stride_goal=True)
    strided = bench.run_row(bench.RowSpec("grey256", "random", 3, stride=2), image, 3,
                            settle=0.0, stride_one=one, stride_goal=True)
    expected = {"convgui", "cg-scipy", "convgui@s1", "cg-scipy@s1", "ndimage"}
    if bench.cv2 is not None:
        expected.add("filter2D")
    assert set(strided.times_ms) == expected
    assert strided.times_ms["ndimage"] == one.times_ms["ndimage"]  # (its slice is free)
    assert strided.convgui_ok and all(strided.ok(n) for n in strided.errors)
    assert "convgui@s1" not in strided.errors  # (checked in the stride-1 row)


def test_a_convgui_column_whose_first_call_measures_keeps_all_its_timed_calls(
        bench, monkeypatch, tmp_path):
    """The first call of a convgui column measures its routes (fresh wisdom, ~1 s): made
    before the passes, it no longer costs the column a timed call (4 samples of 5 before)."""
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path))
    monkeypatch.setattr(bench, "SLOW_CALL_S", 0.05)
    real = bench.convgui_fn
    first_calls = []

    def slow_first(case):
        call = real(case)

        def timed():
            if not first_calls:
                first_calls.append(1)
                bench.time.sleep(0.1)  # over SLOW_CALL_S, as a call that measures
            return call()
        return timed

    monkeypatch.setattr(bench, "convgui_fn", slow_first)
    image = bench.make_images(quick=True)["grey256"]
    row = bench.run_row(bench.RowSpec("grey256", "random", 3), image, 4, settle=0.0)
    assert first_calls == [1]
    assert len(row.samples_ms["convgui"]) == 4
