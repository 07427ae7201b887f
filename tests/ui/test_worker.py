"""The convolution worker thread: sequence numbers, coalescing, cancelling, errors, progress."""

from __future__ import annotations

import threading
import time
import weakref

import numpy as np
import pytest

from convgui import display, engine
from convgui.render import render, render_counted, resolve_display_mode
from convgui.settings import Settings
from convgui.ui import worker as worker_module
from convgui.ui.worker import ConvolutionWorker

RNG = np.random.default_rng(7)
IMAGE = RNG.integers(0, 256, size=(40, 50, 3)).astype(np.float32)
RANGE = (0.0, 255.0)
BOX = Settings(kernel=[[1, 1, 1], [1, 1, 1], [1, 1, 1]], divisor=9)


class Recorder:
    """Everything a worker emits, in order (list appends are atomic, so any thread may call)."""

    def __init__(self, worker: ConvolutionWorker) -> None:
        self.results: list = []
        self.failures: list[tuple[int, str, bool]] = []
        self.cancelled: list[int] = []
        self.progress: list[tuple[int, float, float]] = []
        worker.resultReady.connect(self.results.append)
        worker.failed.connect(lambda *args: self.failures.append(args))
        worker.cancelled.connect(self.cancelled.append)
        worker.progress.connect(lambda s, f: self.progress.append((s, f, time.perf_counter())))

    def answered(self, seq: int) -> bool:
        return (any(r.seq == seq for r in self.results)
                or any(f[0] == seq for f in self.failures) or seq in self.cancelled)


@pytest.fixture
def worker(qtbot):
    w = ConvolutionWorker()
    w.start()
    yield w
    assert w.stop(5000)
    assert not w.isRunning()


@pytest.fixture
def rec(worker):
    return Recorder(worker)


class _Gate:
    """Wraps ``engine.prepare``: records each call's bias and, while closed, holds the first
    call until the test opens it (so later requests pile up behind a running one)."""

    def __init__(self, monkeypatch) -> None:
        self.biases: list[float] = []
        self.entered = threading.Event()
        self.open = threading.Event()
        self._real = engine.prepare
        monkeypatch.setattr(engine, "prepare", self)

    def __call__(self, *args, **kwargs):
        self.biases.append(kwargs.get("bias"))
        if len(self.biases) == 1:
            self.entered.set()
            assert self.open.wait(10), "the test never opened the gate"
        return self._real(*args, **kwargs)


class _SlowConvolution:
    """A stand-in for :class:`engine.Convolution` whose bands take ``band_s`` each."""

    def __init__(self, real: engine.Convolution, bands: int, band_s: float) -> None:
        self._real, self._bands, self._band_s = real, bands, band_s
        self.geometry, self.method = real.geometry, "slow test engine"

    def bands(self):
        for i in range(self._bands):
            time.sleep(self._band_s)
            yield (i + 1) / self._bands
        return self._real.run()


def _slow_engine(monkeypatch, bands: int, band_s: float) -> None:
    real = engine.prepare
    monkeypatch.setattr(engine, "prepare",
                        lambda *a, **k: _SlowConvolution(real(*a, **k), bands, band_s))


def test_sequence_numbers_and_exact_result(worker, rec, qtbot):
    first = worker.submit(IMAGE, RANGE, BOX)
    second = worker.submit(IMAGE, RANGE, BOX.replace(bias=3))
    assert (first, second) == (1, 2) and worker.latest_seq == 2
    qtbot.waitUntil(lambda: rec.answered(second), timeout=10_000)
    result = rec.results[-1]
    assert result.seq == second and result.settings == BOX.replace(bias=3)
    expected = engine.convolve2d(IMAGE, BOX.kernel_array(), **result.settings.engine_kwargs())
    np.testing.assert_array_equal(result.output, expected)
    assert result.display_mode == resolve_display_mode(result.settings) == "clip"
    np.testing.assert_array_equal(result.display, display.to_uint8(expected, "clip", RANGE))
    assert result.levels == RANGE and result.nonfinite == 0
    assert result.geometry.out_hw == expected.shape[:2] and result.method
    assert worker.submit(IMAGE, RANGE, BOX) == 3


def test_requests_coalesce_and_only_the_newest_is_computed(worker, rec, qtbot, monkeypatch):
    gate = _Gate(monkeypatch)
    worker.submit(IMAGE, RANGE, BOX.replace(bias=0))
    assert gate.entered.wait(5)  # request 1 is running (held in prepare)
    seqs = [worker.submit(IMAGE, RANGE, BOX.replace(bias=i)) for i in range(1, 50)]
    assert seqs == list(range(2, 51))
    assert worker.busy
    gate.open.set()
    qtbot.waitUntil(lambda: rec.answered(50), timeout=10_000)
    qtbot.wait(50)  # nothing else is on its way
    # 50 requests, 2 computations: the running one (stopped at its first band) and the newest
    assert gate.biases == [0, 49]
    assert [r.seq for r in rec.results] == [50]
    assert rec.cancelled == [1]
    assert rec.results[0].settings.bias == 49
    qtbot.waitUntil(lambda: not worker.busy, timeout=2000)


def test_an_idle_worker_keeps_no_reference_to_its_last_request(worker, rec, qtbot):
    """Once a request is answered, the worker thread lets go of it (it holds the whole input
    image) instead of keeping it until the next request."""
    image = IMAGE.copy()
    kept = weakref.ref(image)
    seq = worker.submit(image, RANGE, BOX)
    del image
    qtbot.waitUntil(lambda: rec.answered(seq), timeout=5000)
    assert rec.results[-1].seq == seq
    qtbot.waitUntil(lambda: kept() is None and not worker.busy, timeout=2000)


def test_cancel_stops_a_big_computation_quickly(worker, rec, qtbot, monkeypatch):
    # The engine stops only between bands: the SciPy path with small bands (OpenCV may filter
    # a whole image in one call), 3000² with a 31×31 kernel takes over a second.
    monkeypatch.setenv("CONVGUI_ENGINE", "scipy")
    monkeypatch.setattr(engine, "BAND_PIXELS", 1 << 14)
    image = RNG.integers(0, 256, size=(3000, 3000)).astype(np.float32)
    kernel = RNG.normal(size=(31, 31)).round(3).tolist()
    seq = worker.submit(image, RANGE, Settings(kernel=kernel, padding="same"))
    qtbot.waitUntil(lambda: bool(rec.progress), timeout=10_000)  # it is well under way
    assert worker.busy and not rec.answered(seq)
    start = time.perf_counter()
    worker.cancel()
    qtbot.waitUntil(lambda: seq in rec.cancelled, timeout=2000)
    assert time.perf_counter() - start < 0.5
    assert not rec.results and not rec.failures
    qtbot.waitUntil(lambda: not worker.busy, timeout=1000)
    # the worker goes on with the next request
    nxt = worker.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: rec.answered(nxt), timeout=10_000)
    assert rec.results[-1].seq == nxt


def test_cancelling_a_waiting_request_answers_it(worker, rec, qtbot, monkeypatch):
    gate = _Gate(monkeypatch)
    worker.submit(IMAGE, RANGE, BOX)
    assert gate.entered.wait(5)
    waiting = worker.submit(IMAGE, RANGE, BOX.replace(bias=1))
    worker.cancel()
    assert rec.cancelled == [waiting]  # at once, not only when the running one stops
    gate.open.set()
    qtbot.waitUntil(lambda: 1 in rec.cancelled, timeout=5000)
    assert not rec.results and gate.biases == [0]


def test_engine_exception_is_reported_and_the_worker_goes_on(worker, rec, qtbot, monkeypatch):
    real = engine.prepare
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the engine broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "prepare", flaky)
    bad = worker.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: rec.answered(bad), timeout=5000)
    assert rec.failures == [(bad, "unexpected error: RuntimeError: the engine broke", False)]
    good = worker.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: rec.answered(good), timeout=5000)
    assert rec.results[-1].seq == good and worker.isRunning()


def test_shape_error_is_flagged(worker, rec, qtbot):
    tiny = np.zeros((3, 3), dtype=np.float32)
    seq = worker.submit(tiny, RANGE, Settings(kernel=[[1] * 5] * 5, padding="valid"))
    qtbot.waitUntil(lambda: rec.answered(seq), timeout=5000)
    [(got_seq, message, is_shape_error)] = rec.failures
    assert got_seq == seq and is_shape_error is True
    assert "5" in message and message  # says what does not fit
    bad = worker.submit(IMAGE, RANGE, BOX.replace(boundary="constant", cval=0))
    qtbot.waitUntil(lambda: rec.answered(bad), timeout=5000)  # still working


def test_huge_kernel_values_count_nonfinite_outputs(worker, rec, qtbot):
    huge = Settings(kernel=[[1e30] * 3] * 3, divisor=1e-9, padding="same")  # 1e39 per tap
    seq = worker.submit(IMAGE, RANGE, huge)
    qtbot.waitUntil(lambda: rec.answered(seq), timeout=5000)
    result = rec.results[-1]
    assert result.nonfinite == int(np.count_nonzero(~np.isfinite(result.output))) > 0
    assert result.display.dtype == np.uint8 and result.display.shape == IMAGE.shape


def test_progress_is_reported_only_for_slow_work_and_throttled(worker, rec, qtbot, monkeypatch):
    _slow_engine(monkeypatch, bands=40, band_s=0.01)  # about 0.4 s
    start = time.perf_counter()
    seq = worker.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: rec.answered(seq), timeout=5000)
    assert rec.results[-1].seq == seq
    times = [t - start for _, _, t in rec.progress]
    fractions = [f for _, f, _ in rec.progress]
    assert rec.progress and all(s == seq for s, _, _ in rec.progress)
    assert times[0] >= worker_module.PROGRESS_START_S * 0.9
    # Throttled: times are taken on arrival, where a busy GUI thread can bunch two signals,
    # so count them over the run instead of checking each gap.
    span = times[-1] - times[0]
    assert len(times) <= span / (worker_module.PROGRESS_INTERVAL_S * 0.9) + 2
    assert len(rec.progress) < 15 and fractions == sorted(fractions) and fractions[-1] <= 1


def test_quick_work_sends_no_progress(worker, rec, qtbot):
    seq = worker.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: rec.answered(seq), timeout=5000)
    assert rec.progress == []


def test_stop_ends_the_thread_mid_computation(qtbot, monkeypatch):
    _slow_engine(monkeypatch, bands=1000, band_s=0.01)  # 10 s if not stopped
    w = ConvolutionWorker()
    rec = Recorder(w)
    w.start()
    w.submit(IMAGE, RANGE, BOX)
    qtbot.waitUntil(lambda: w.busy and bool(rec.progress), timeout=5000)
    start = time.perf_counter()
    assert w.stop()
    assert time.perf_counter() - start < 0.5 and not w.isRunning()
    assert not rec.results


@pytest.mark.parametrize("shape", [(5, 7), (700, 900), (600, 800, 3)])
@pytest.mark.parametrize("mode", ["clip", "abs", "normalize", "offset", "diverging"])
def test_render_is_exactly_to_uint8(mode, shape):
    output = (RNG.normal(size=shape) * 300).astype(np.float32)
    output.flat[[3, 11, 17]] = [np.nan, np.inf, -np.inf]
    value_range = (0.0, 255.0)
    image, levels, nonfinite = render_counted(output, mode, value_range)
    np.testing.assert_array_equal(image, display.to_uint8(output, mode, value_range))
    assert nonfinite == 3 and image.dtype == np.uint8 and image.shape == shape
    np.testing.assert_array_equal(render(output, mode, value_range)[0], image)
    finite = output[np.isfinite(output)]
    expected_levels = {
        "clip": value_range, "abs": value_range, "offset": (-255.0, 255.0),
        "diverging": display.symmetric_levels(output),
        "normalize": (float(finite.min()), float(finite.max())),
    }[mode]
    assert levels == expected_levels


def test_a_change_of_display_alone_maps_the_last_output_again_without_convolving(
        worker, rec, qtbot, monkeypatch):
    sobel = Settings(kernel=[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    image = IMAGE.copy()
    expected = engine.convolve2d(image, sobel.kernel_array(), **sobel.engine_kwargs())
    calls = []  # (the worker thread's)
    real = engine.prepare
    monkeypatch.setattr(engine, "prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = worker.submit(image, RANGE, sobel)
    qtbot.waitUntil(lambda: rec.answered(first), timeout=5000)
    for mode in ("abs", "normalize", "diverging"):
        seq = worker.submit(image, RANGE, sobel.replace(display=mode))
        qtbot.waitUntil(lambda seq=seq: rec.answered(seq), timeout=5000)
        result = rec.results[-1]
        assert result.seq == seq and result.display_mode == mode
        np.testing.assert_array_equal(result.output, expected)
        np.testing.assert_array_equal(result.display, display.to_uint8(expected, mode, RANGE))
    assert len(calls) == 1  # one convolution for four results
    # anything else computes again: a setting, or another image (even with equal values)
    for image_, settings in ((image, sobel.replace(bias=1, display="abs")),
                             (image.copy(), sobel.replace(bias=1, display="normalize"))):
        seq = worker.submit(image_, RANGE, settings)
        qtbot.waitUntil(lambda seq=seq: rec.answered(seq), timeout=5000)
        np.testing.assert_array_equal(rec.results[-1].output, expected + 1)
    assert len(calls) == 3
