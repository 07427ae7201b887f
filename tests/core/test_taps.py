"""The taps method (one BLAS multiply-add per non-zero tap on padded phase planes), checked
against the brute-force reference and hand-computed groupings, never against convgui."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_convolve2d

from convgui import taps
from convgui.engine import prepare
from convgui.padding import Scratch

BOUNDARIES = ["constant", "reflect", "symmetric", "edge", "wrap"]


def test_tap_groups_split_a_strided_kernel_by_phase_plane():
    """3×3 at stride 2: tap (a, b) reads phase plane (a mod 2, b mod 2) at (a // 2, b // 2)."""
    k = np.arange(1.0, 10.0).reshape(3, 3)
    k[1, 2] = 0.0  # zero taps are left out
    groups = taps.tap_groups(k, (2, 2), (1, 1))
    assert groups == (
        taps.TapGroup(0, 0, ((0, 0, 1.0), (0, 1, 3.0), (1, 0, 7.0), (1, 1, 9.0))),
        taps.TapGroup(0, 1, ((0, 0, 2.0), (1, 0, 8.0))),
        taps.TapGroup(1, 0, ((0, 0, 4.0),)),
        taps.TapGroup(1, 1, ((0, 0, 5.0),)),
    )


def test_tap_groups_of_a_dilation_that_is_a_multiple_of_the_stride_read_one_plane():
    """Dilation 4 at stride 2: every tap offset a·4 is even, so only plane (0, 0) is read."""
    groups = taps.tap_groups(np.ones((2, 3)), (2, 2), (4, 4))
    assert groups == (taps.TapGroup(0, 0, ((0, 0, 1.0), (0, 2, 1.0), (0, 4, 1.0),
                                           (2, 0, 1.0), (2, 2, 1.0), (2, 4, 1.0))),)


def test_cost_grows_with_the_taps_and_the_planes_read():
    one = taps.tap_groups(np.ones((3, 3)), (1, 1), (1, 1))
    assert taps.cost(one, (1, 1)) == pytest.approx(taps.COST_PER_INPUT
                                                   + 9 * taps.COST_PER_TAP)
    strided = taps.tap_groups(np.ones((3, 3)), (2, 2), (1, 1))  # 2 row phases × 2 columns
    per_tap = taps.COST_PER_TAP + 3 * taps.COST_PER_TAP_PER_STRIDE
    assert taps.cost(strided, (2, 2)) == pytest.approx(4 * taps.COST_PER_INPUT + 9 * per_tap)


#: Image, stride, dilation, padding, boundary and channel handling drawn by both property tests.
CASES = {
    "h": st.integers(1, 14), "w": st.integers(1, 14), "depth": st.sampled_from([0, 1, 3]),
    "stride": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "dilation": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.sampled_from(["valid", "same", "full", 1, 2, ((0, 3), (2, 0))]),
    "boundary": st.sampled_from(BOUNDARIES), "sum_channels": st.booleans(),
    "dtype": st.sampled_from([np.float32, np.float64]), "data": st.data(),
}


@settings(max_examples=600, deadline=None)
@given(kh=st.integers(1, 5), kw=st.integers(1, 5), **CASES)
def test_any_band_of_rows_matches_reference(h, w, depth, kh, kw, stride, dilation, padding,
                                            boundary, sum_channels, dtype, data):
    """Any band (i0, i1) of output rows, every padding, boundary, stride and dilation, with
    channels kept or summed, equals those rows of the reference."""
    rng = np.random.default_rng(h * 131 + w * 17 + kh * 5 + kw)
    x = rng.standard_normal((h, w, depth) if depth else (h, w)).astype(dtype)
    k = rng.standard_normal((kh, kw))
    k[rng.random((kh, kw)) < 0.3] = 0.0
    if not k.any():
        k[0, 0] = 1.0
    groups = taps.tap_groups(k, stride, dilation)
    check_any_band(x, k, data, lambda rows, geometry: taps.correlate_rows(
        x, rows, geometry, groups, boundary, -1.5, dtype, sum_channels=sum_channels),
        padding=padding, stride=stride, dilation=dilation, boundary=boundary, cval=-1.5,
        channels="sum" if sum_channels else "per-channel")


def check_any_band(x, k, data, compute, **kwargs):
    """Draw a band of output rows (i0, i1): ``compute((i0, i1), geometry)`` gives the
    reference's rows for ``convolve2d(x, k, **kwargs)`` (nothing to check without output)."""
    try:
        geometry = prepare(x, k, **kwargs).geometry
    except ValueError:  # no output for these settings
        return
    expected = reference_convolve2d(x.astype(np.float64), k, **kwargs)
    i0 = data.draw(st.integers(0, geometry.out_hw[0] - 1))
    i1 = data.draw(st.integers(i0 + 1, geometry.out_hw[0]))
    got = compute((i0, i1), geometry)
    assert got.shape == expected[i0:i1].shape
    scale = float(np.abs(k).sum() * max(np.abs(x).max(), abs(kwargs["cval"])))
    tol = 1e-5 if x.dtype == np.float32 else 1e-12
    assert float(np.max(np.abs(got - expected[i0:i1]))) <= tol * scale


def test_scratch_buffers_are_reused_across_bands():
    """Bands of one call share the phase and grid buffers (no fresh memory per band)."""
    scratch = Scratch()
    x = np.random.default_rng(0).random((64, 50), dtype=np.float32)
    k = np.random.default_rng(1).standard_normal((3, 3))
    geometry = prepare(x, k, padding="same").geometry
    groups = taps.tap_groups(k, (1, 1), (1, 1))
    first = taps.correlate_rows(x, (0, 8), geometry, groups, "constant", 0.0, np.float32,
                                scratch=scratch).copy()
    second = taps.correlate_rows(x, (8, 16), geometry, groups, "constant", 0.0, np.float32,
                                 scratch=scratch)
    assert np.shares_memory(second, scratch.get("grid", (1,), np.float32))
    expected = reference_convolve2d(x.astype(np.float64), k, padding="same")
    np.testing.assert_allclose(first, expected[:8], atol=1e-5)
    np.testing.assert_allclose(second, expected[8:16], atol=1e-5)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_nan_reaches_exactly_the_outputs_that_weigh_it(stride):
    """Zero taps are skipped, so a NaN pixel is NaN in exactly the outputs that read it with
    a non-zero weight."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((23, 19)).astype(np.float32)
    x[11, 9] = np.nan
    x[3, 15] = np.inf
    k = rng.standard_normal((5, 5))
    k[0, :] = k[:, 2] = 0.0
    geometry = prepare(x, k, padding="same", stride=stride).geometry
    got = taps.correlate_rows(x, (0, geometry.out_hw[0]), geometry,
                              taps.tap_groups(k, geometry.stride, (1, 1)), "constant", 0.0,
                              np.float32)
    weighs = reference_convolve2d((~np.isfinite(x)).astype(np.float64), np.abs(k) > 0,
                                  padding="same", stride=stride) != 0
    assert np.array_equal(~np.isfinite(got), weighs)
    clean = np.where(np.isfinite(x), x, 0.0).astype(np.float64)
    expected = reference_convolve2d(clean, k, padding="same", stride=stride)
    np.testing.assert_allclose(got[~weighs], expected[~weighs], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("scale", [1e-42, 1e-36, 1e33, 2.0**120])
def test_float32_weights_beyond_its_range_are_scaled_exactly(scale):
    """Weights that float32 would flush to zero, or overflow, are scaled by a power of two
    for the multiply-adds and the result scaled back."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 11)).astype(np.float32)
    k = rng.standard_normal((3, 3)) * scale
    geometry = prepare(x, k, padding="same").geometry
    got = taps.correlate_rows(x, (0, 12), geometry, taps.tap_groups(k, (1, 1), (1, 1)),
                              "constant", 0.0, np.float32)
    expected = reference_convolve2d(x.astype(np.float64), k, padding="same")
    assert np.all(np.isfinite(got)) and np.any(got != 0.0)
    # float32 outputs that small are subnormal: 2⁻¹⁴⁹ absolute resolution
    tol = 1e-5 * float(np.abs(expected).max()) + 2.0**-149 * 20
    assert float(np.max(np.abs(got.astype(np.float64) - expected))) <= tol


@settings(max_examples=500, deadline=None)
@given(kh=st.integers(1, 6), kw=st.integers(1, 6), **CASES)
def test_separable_passes_match_reference(h, w, depth, kh, kw, stride, dilation, padding,
                                          boundary, sum_channels, dtype, data):
    """The vertical pass at the output rows and the horizontal pass at the output columns
    give, for any band of rows, the reference's rows for the kernel column ⊗ row."""
    rng = np.random.default_rng(h * 7 + w * 131 + kh * 11 + kw)
    x = rng.standard_normal((h, w, depth) if depth else (h, w)).astype(dtype)
    column, row = rng.standard_normal(kh), rng.standard_normal(kw)
    column[rng.random(kh) < 0.3] = 0.0
    row[rng.random(kw) < 0.3] = 0.0
    column[0] = row[-1] = 1.5  # a non-zero kernel
    sep = taps.separable(column, row, stride, dilation)
    check_any_band(x, np.outer(column, row), data, lambda rows, geometry:
                   taps.correlate_rows_separable(x, rows, geometry, sep, boundary, 0.75, dtype,
                                                 sum_channels=sum_channels),
                   padding=padding, stride=stride, dilation=dilation, boundary=boundary,
                   cval=0.75, channels="sum" if sum_channels else "per-channel")


def test_separable_taps_of_a_strided_dilated_kernel_by_hand():
    """Column (1, 0, 2) at stride 2, dilation 3: taps at rows 0 and 6 = 2·3 + 0, so both read
    row phase 0, at offsets 0 and 3; row (4, 5) at stride 1, dilation 2: columns 0 and 2."""
    sep = taps.separable(np.array([1.0, 0.0, 2.0]), np.array([4.0, 5.0]), (2, 1), (3, 2))
    assert sep.vertical == ((0, ((0, 1.0), (3, 2.0))),)
    assert sep.horizontal == ((0, ((0, 4.0), (2, 5.0))),)
    assert sep.tap_count == 4


def test_separable_route_keeps_nan_where_the_kernel_weighs_it(monkeypatch):
    """A Gaussian with a zero column: the engine's separable passes skip the zero weights, so
    a NaN reaches exactly the outputs whose window weighs it."""
    monkeypatch.setenv("CONVGUI_ENGINE", "scipy")
    g = np.array([1.0, 4.0, 6.0, 4.0, 1.0])
    row = g.copy()
    row[1] = 0.0
    k = np.outer(g, row)
    x = np.random.default_rng(5).random((40, 37)).astype(np.float32)
    x[20, 18] = np.nan
    conv = prepare(x, k, padding="same", dilation=2)
    assert conv.route == "separable taps"
    got = conv.run()
    weighs = reference_convolve2d(np.isnan(x).astype(np.float64), np.abs(k) > 0,
                                  padding="same", dilation=2) != 0
    assert np.array_equal(np.isnan(got), weighs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blas_axpy_adds_and_lets_other_threads_run_during_the_call(dtype):
    """y[:n] += a·x[:n], with the GIL released while BLAS works: with a 10 s switch interval
    a thread that held the GIL through its calls would finish them before the waiting main
    thread could run, so the main thread seeing them unfinished proves the release. (Twenty
    calls, ~0.1 s: the main thread must be scheduled while OpenBLAS's threads take the cores.)"""
    import sys
    import threading

    n = 1 << 23
    x = np.arange(n + 8, dtype=dtype) % 7
    y = np.full(n, 2.0, dtype=dtype)
    axpy = taps.blas_axpy(np.dtype(dtype))
    started, finished = threading.Event(), threading.Event()

    def call() -> None:
        started.set()
        for _ in range(20):
            axpy(n, 0.5, x.ctypes.data + 3 * x.itemsize, y.ctypes.data)
        finished.set()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    try:
        worker = threading.Thread(target=call)
        worker.start()
        started.wait()
        ran_during_call = not finished.is_set()
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert ran_during_call
    np.testing.assert_array_equal(y, 2.0 + 10.0 * x[3:n + 3])  # exact: x is 0..6


def test_accumulator_refuses_a_source_range_outside_the_array():
    grid = np.zeros(10, np.float32)
    acc = taps._Accumulator(grid, np.float32, 0)
    source = np.arange(12, dtype=np.float32)
    acc.add(source, 2, 1.0)
    acc.add(source, 2, 1.0)
    np.testing.assert_array_equal(grid, 2.0 * source[2:12])
    with pytest.raises(ValueError, match="outside"):
        acc.add(source, 3, 1.0)
    with pytest.raises(ValueError, match="contiguous"):
        acc.add(np.arange(24, dtype=np.float32)[::2], 0, 1.0)


def test_each_thread_keeps_one_scratch_from_call_to_call(monkeypatch):
    """Scratch.of_thread: the same buffers for a thread's next call, others for another
    thread, a fresh one once the kept one holds more than SCRATCH_KEPT_BYTES."""
    from convgui import padding

    first = Scratch.of_thread()
    assert Scratch.of_thread() is first
    others = []
    thread = threading.Thread(target=lambda: others.append(Scratch.of_thread()))
    thread.start()
    thread.join()
    assert others[0] is not first
    before = first.nbytes
    first.get("a buffer of this test", (1000,), np.float32)
    assert first.nbytes == before + 4000
    monkeypatch.setattr(padding, "SCRATCH_KEPT_BYTES", first.nbytes - 1)
    assert Scratch.of_thread() is not first


FAULTS_PER_CALL = """
import ctypes, resource, sys
import numpy as np
from convgui import engine
# glibc's mmap threshold fixed at 128 KiB, as before a process has freed a large block: every
# larger buffer allocated is fresh pages from the system
ctypes.CDLL("libc.so.6").mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
g = np.exp(-0.5 * (np.arange(-7, 8) / 3.0) ** 2)
image = np.random.default_rng(5).random((512, 512, 3), dtype=np.float32)
conv = engine.prepare(image, np.outer(g, g), padding="same", stride=3)
routed = engine.dataclasses.replace(conv, forced_route="separable taps")
routed.run()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    routed.run()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
"""


@pytest.mark.skipif(sys.platform != "linux" or "glibc" not in " ".join(platform.libc_ver()),
                    reason="minor page faults from getrusage, glibc's mallopt")
def test_a_repeated_taps_call_faults_in_no_fresh_pages():
    """The separable taps' band buffers (several MB for this call) are the thread's, kept from
    one call to the next: a repeated call writes to pages it has faulted in already. With
    fresh buffers each call it faulted in ~1600 pages per call here (and ~1900, 10.5 ms against
    6.5 ms, for 1024²×3, 31×31, stride 3 in the stride goal's benchmark)."""
    done = subprocess.run([sys.executable, "-c", FAULTS_PER_CALL], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "CONVGUI_WISDOM": "off"})
    assert done.returncode == 0, done.stderr
    faults = float(done.stdout)
    assert faults < 50, f"{faults:.0f} pages faulted in per call"
