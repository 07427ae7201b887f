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


def test_a_comparison_timed_alternately_counts_by_its_paired_ratio(bench):
    """A strided row whose stride-1 call and filter2D + slice were timed alternately with it
    counts by the median ratio of adjacent calls: a slow spell halfway through (every call 2×)
    leaves it 1.1× (PASS), where the medians against the stride-1 row read 1.15×."""
    rows = [row(bench, 1, 10.0, 20.0, 10.0, 100.0), row(bench, 2, 11.5, 21.0, 10.0, 100.0)]
    steady = [10.0, 10.0, 20.0, 20.0, 20.0]
    rows[1].paired = {
        "convgui@s1": bench.Paired([11.0, 11.0, 22.0, 22.0, 22.0], steady),
        "cg-scipy@s1": bench.Paired([12.0, 12.0, 24.0, 24.0, 24.0], steady),
        "filter2D": bench.Paired([9.0, 9.0, 18.0, 18.0, 18.0], steady)}
    goals = {g.key: g for g in bench.stride_goals(rows, accelerated=True)}
    assert goals["stride-vs-stride1-opencv"].status == "PASS"  # 1.1 paired, not 11.5 / 10
    assert goals["stride-vs-peer-opencv"].status == "PASS"  # 0.9 paired, not 11.5 / 10
    scipy = goals["stride-vs-stride1-scipy"]
    assert scipy.status == "FAIL"  # 1.2 paired, though 21 / 20 by the columns
    assert scipy.failures == ["grey2048/random/7x7/s2/d1/constant: stride 2 24.00 ms / "
                              "stride 1 20.00 ms = 1.20× (median of 5 alternate calls' "
                              "ratios)"]
    assert goals["stride-vs-peer-scipy"].status == "PASS"  # no pair: 21 / 100 by the columns


def test_alternate_timing_cancels_a_slow_spell(bench, monkeypatch):
    """Calls of a (1.1 units) and b (1.0) on a clock that runs 3× slower for the second half
    of the calls: every paired ratio is 1.1, whatever order each pair ran in."""
    clock = {"now": 0.0, "calls": 0}

    def call(units):
        def run():
            clock["calls"] += 1
            clock["now"] += units * (3.0 if clock["calls"] > 12 else 1.0)
            return units
        return run

    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock["now"])
    paired = bench.time_alternating(call(1.1), call(1.0), 10, None, warm_up=0.0)
    assert len(paired.a_ms) == len(paired.b_ms) == 10
    assert paired.ratio == pytest.approx(1.1)
    assert sorted(set(round(t) for t in paired.b_ms)) == [1000, 3000]  # the spell was met


@pytest.mark.parametrize(("units", "seconds", "pairs"), [
    (0.001, 0.1, 48),  # 2.1 ms a pair: 48 pairs take 0.1008 s, 47 only 0.0987
    (0.001, 0.0, 10),  # no budget: the pairs asked for
    (0.1, 0.1, 10),  # slow calls: the pairs asked for, though they took longer
    (0.00001, 10.0, 400),  # cheap calls: no more than the most pairs
])
def test_a_pair_budget_adds_pairs_by_the_clock(bench, monkeypatch, units, seconds, pairs):
    clock = {"now": 0.0}

    def call(scale):
        def run():
            clock["now"] += units * scale
        return run

    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock["now"])
    paired = bench.time_alternating(call(1.1), call(1.0), 10, None, warm_up=0.0,
                                    seconds=seconds, most=400)
    assert len(paired.a_ms) == len(paired.b_ms) == pairs
    assert paired.ratio == pytest.approx(1.1)


def test_a_strided_row_times_its_comparisons_alternately(bench, monkeypatch, tmp_path):
    """On tiny images: a strided row of ``--stride-goal`` times filter2D + slice as a column
    and its three comparisons alternately with its own call, agreeing with the reference."""
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path))
    image = bench.make_images(quick=True)["grey256"]
    one = bench.run_row(bench.RowSpec("grey256", "random", 3), image, 3, settle=0.0,
                        stride_goal=True)
    strided = bench.run_row(bench.RowSpec("grey256", "random", 3, stride=2), image, 3,
                            settle=0.0, stride_one=one, stride_goal=True)
    expected = {"convgui", "cg-scipy", "ndimage"}
    pairs = {"convgui@s1", "cg-scipy@s1"}
    if bench.cv2 is not None:
        expected.add("filter2D")
        pairs.add("filter2D")
    assert set(strided.times_ms) == expected
    assert set(strided.paired) == pairs
    assert all(len(p.a_ms) == len(p.b_ms) == 3 and p.ratio > 0
               for p in strided.paired.values())
    assert strided.times_ms["ndimage"] == one.times_ms["ndimage"]  # (its slice is free)
    assert strided.convgui_ok and all(strided.ok(n) for n in strided.errors)
    assert set(strided.to_json()["paired"]) == pairs


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
