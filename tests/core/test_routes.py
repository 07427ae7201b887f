"""The engine's routes (OpenCV with its own border, padded row bands) and the padded-band
builder, each checked against the brute-force reference or numpy.pad, never against convgui."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reference import reference_convolve2d

from convgui import engine, planner, taps
from convgui.engine import prepare
from convgui.padding import pad_index, padded_phases

BOUNDARIES = ["constant", "reflect", "symmetric", "edge", "wrap"]
needs_opencv = pytest.mark.skipif(planner.cv2 is None, reason="OpenCV routes need OpenCV")


@settings(max_examples=400, deadline=None)
@given(n=st.integers(1, 6), before=st.integers(0, 15), after=st.integers(0, 15),
       boundary=st.sampled_from(BOUNDARIES))
def test_pad_index_is_numpy_pad(n, before, after, boundary):
    """Every padded position maps to the cell numpy.pad copies, for pads of any length."""
    expected = np.pad(np.arange(n), (before, after), mode=boundary,
                      **({"constant_values": -1} if boundary == "constant" else {}))
    assert pad_index(np.arange(-before, n + after), n, boundary).tolist() == expected.tolist()


@settings(max_examples=400, deadline=None)
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 6)), depth=st.integers(0, 3),
       pads=st.tuples(st.tuples(st.integers(0, 9), st.integers(0, 9)),
                      st.tuples(st.integers(0, 9), st.integers(0, 9))),
       boundary=st.sampled_from(BOUNDARIES), step=st.integers(1, 4), data=st.data())
def test_padded_phases_are_numpy_pad_split_by_column(shape, depth, pads, boundary, step, data):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape + ((depth,) if depth else ()))
    mode = {"mode": boundary} | ({"constant_values": 2.5} if boundary == "constant" else {})
    full = np.pad(x, list(pads) + ([(0, 0)] if depth else []), **mode)
    y0 = data.draw(st.integers(0, full.shape[0] - 1))
    y1 = data.draw(st.integers(y0 + 1, full.shape[0]))
    got = padded_phases(x, (y0, y1), pads, boundary, 2.5, np.float64, step)
    assert got.flags.c_contiguous
    assert got.shape[:3] == (step, y1 - y0, -(-full.shape[1] // step))
    for q in range(step):
        expected = full[y0:y1, q::step]
        np.testing.assert_array_equal(got[q][:, :expected.shape[1]], expected)


# (route, image shape, kernel shape, kwargs): a case where the OpenCV cost model picks each
# route (or, with "force", a route that is only ever measured, run anyway)
ROUTE_CASES = [
    ("same", (64, 60), (3, 3), {"padding": "same"}),
    ("same", (64, 60, 3), (5, 5), {"padding": "same", "boundary": "reflect"}),
    ("same", (64, 60), (4, 3), {"padding": "same", "boundary": "symmetric", "flip": True}),
    ("same", (64, 60, 3), (3, 3), {"padding": "same", "channels": "sum", "boundary": "edge"}),
    ("dilated", (64, 60), (7, 7), {"padding": "same", "dilation": 2}),
    ("dilated", (65, 60, 3), (7, 7), {"padding": "same", "dilation": (3, 2)}),
    ("dilated", (64, 60), (9, 9), {"padding": "same", "dilation": 4}),
    ("sliced", (64, 61), (3, 3), {"padding": "same", "stride": 2, "boundary": "reflect"}),
    ("sliced", (64, 60, 3), (3, 3), {"padding": "same", "stride": (2, 3)}),
    ("sliced", (63, 60), (2, 3), {"padding": "same", "stride": 2, "flip": True,
                                   "boundary": "edge"}),
    # never the cost model's pick (it prices "sliced", the same work, lower), only measured:
    ("subsampled", (64, 61), (3, 3), {"padding": "same", "stride": 2, "boundary": "reflect",
                                      "force": True}),
    ("subsampled", (64, 60, 3), (7, 7), {"padding": "same", "stride": (2, 3), "force": True}),
    ("subsampled", (63, 60), (2, 3), {"padding": "same", "stride": 2, "flip": True,
                                       "boundary": "edge", "force": True}),
    ("bands", (64, 60), (15, 15), {"padding": "same", "stride": 4}),
    ("bands", (64, 60), (3, 3), {"padding": "same", "boundary": "wrap"}),
    ("bands", (64, 60), (3, 3), {"padding": "same", "cval": 1.5}),
    ("sliced", (64, 60, 3), (7, 7), {"padding": "valid", "stride": 3, "dilation": 2}),
    ("bands", (64, 60, 3), (7, 7), {"padding": "valid", "stride": 3, "dilation": 2,
                                    "force": True}),
]


# the same with SciPy: "taps" (one BLAS multiply-add per tap on padded bands, any stride,
# dilation, boundary, channel mode) and "bands" (polyphase pieces by FFT or 1-D passes)
SCIPY_ROUTE_CASES = [
    ("taps", (64, 60), (3, 3), {"padding": "same", "boundary": "reflect"}),
    ("taps", (64, 60, 3), (4, 5), {"padding": "same", "boundary": "symmetric", "flip": True}),
    ("taps", (64, 60), (5, 5), {"padding": "same", "boundary": "edge", "dilation": 2}),
    ("taps", (64, 60), (5, 5), {"padding": "same", "boundary": "wrap", "dilation": 2}),
    ("taps", (64, 60), (3, 3), {"padding": "same", "cval": 1.5}),
    ("taps", (64, 60, 3), (3, 3), {"padding": "same", "channels": "sum"}),
    ("taps", (64, 60), (3, 3), {"padding": "valid", "stride": 2}),
    ("taps", (65, 61, 3), (7, 7), {"padding": "same", "stride": (3, 2), "dilation": (1, 2),
                                   "boundary": "reflect"}),
    ("taps", (64, 60), (4, 4), {"padding": "full", "stride": 2, "dilation": 2, "cval": -2.0}),
    ("taps", (64, 60, 2), (2, 3), {"padding": 3, "stride": (1, 4), "boundary": "wrap",
                                   "channels": "sum"}),
    ("separable taps", (64, 60), (9, 9), {"padding": "same", "kind": "rank1"}),
    ("separable taps", (64, 60), (15, 15), {"padding": "same", "kind": "rank1", "cval": 1.5}),
    ("separable taps", (64, 60, 3), (15, 15), {"padding": "same", "dilation": 3,
                                               "kind": "rank1", "boundary": "edge"}),
    ("separable taps", (65, 61, 2), (6, 5), {"padding": "full", "stride": (3, 2),
                                              "kind": "rank1", "channels": "sum"}),
    ("bands", (64, 60), (21, 21), {"padding": "same", "boundary": "reflect"}),
    ("bands", (64, 60, 3), (25, 25), {"padding": "same", "boundary": "wrap"}),
]


@pytest.mark.parametrize("band_pixels", [engine.BAND_PIXELS, 640, 64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("engine_name", "route", "shape", "kshape", "kwargs"), [
    pytest.param("opencv", *case, marks=needs_opencv) for case in ROUTE_CASES] + [
    ("scipy", *case) for case in SCIPY_ROUTE_CASES])
def test_each_route_matches_reference(monkeypatch, band_pixels, dtype, engine_name, route,
                                      shape, kshape, kwargs):
    monkeypatch.setenv("CONVGUI_ENGINE", engine_name)
    monkeypatch.setattr(engine, "BAND_PIXELS", band_pixels)
    rng = np.random.default_rng(sum(shape) + sum(kshape))
    x = rng.standard_normal(shape).astype(dtype)
    kwargs = dict(kwargs)
    force = kwargs.pop("force", False)
    if kwargs.pop("kind", "random") == "rank1":
        k = np.outer(rng.standard_normal(kshape[0]), rng.standard_normal(kshape[1]))
    else:
        k = rng.standard_normal(kshape)
    conv = prepare(x, k, bias=0.5, **kwargs)
    if force:
        conv.forced_route = route
    elif dtype == np.float32:  # float64 may take another route (OpenCV's DFT threshold is lower)
        assert conv.route == route
    got = conv.run()
    expected = reference_convolve2d(x.astype(np.float64), k, bias=0.5, **kwargs)
    assert got.shape == expected.shape and got.dtype == dtype
    scale = float(np.abs(k).sum() * np.abs(x).max())
    tol = 1e-5 if dtype == np.float32 else 1e-9
    assert float(np.max(np.abs(got - expected))) <= tol * scale


@needs_opencv
@pytest.mark.parametrize(("route", "shape", "kshape", "kwargs"),
                         [c for c in ROUTE_CASES if c[0] != "bands"])
def test_nan_reaches_exactly_the_outputs_that_weigh_it(monkeypatch, route, shape, kshape,
                                                       kwargs):
    """On every OpenCV route (whether or not its method skips zero taps) a NaN pixel makes
    NaN exactly the outputs that read it with a non-zero weight."""
    monkeypatch.setenv("CONVGUI_ENGINE", "opencv")
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape).astype(np.float32)
    x[shape[0] // 2, shape[1] // 2] = np.nan
    k = np.outer(rng.standard_normal(kshape[0]), rng.standard_normal(kshape[1]))
    k[0, :] = 0.0  # separable with a zero row: a 1-D pass would spread the NaN through it
    kwargs = dict(kwargs)
    conv = prepare(x, k, **{key: value for key, value in kwargs.items() if key != "force"})
    if kwargs.pop("force", False):
        conv.forced_route = route
    assert conv.route == route
    got = conv.run()
    clean = np.where(np.isnan(x), 0.0, x).astype(np.float64)
    reach = reference_convolve2d(np.isnan(x).astype(np.float64), np.abs(k) > 0, **{
        key: value for key, value in kwargs.items() if key != "cval"}) != 0
    assert np.array_equal(np.isnan(got), reach)
    expected = reference_convolve2d(clean, k, **kwargs)
    np.testing.assert_allclose(got[~reach], expected[~reach], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("module", "kernel", "route"), [
    (engine, np.random.default_rng(1).standard_normal((41, 41)), "bands"),
    (taps, np.random.default_rng(2).standard_normal((5, 5)), "taps")])
def test_bands_never_pad_the_whole_image(monkeypatch, module, kernel, route):
    """Each band pads only its own rows, so a call never holds a padded copy of the whole
    image, and strided bands are sized by what they read."""
    sizes = []
    real = module.padded_phases

    def spy(plane, rows, *args, **kwargs):
        out = real(plane, rows, *args, **kwargs)
        sizes.append(out.shape[1])
        return out

    monkeypatch.setenv("CONVGUI_ENGINE", "scipy")
    monkeypatch.setattr(module, "padded_phases", spy)
    monkeypatch.setattr(engine, "BAND_PIXELS", 4096)
    x = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    conv = prepare(x, kernel, padding="same", stride=2)
    assert route in conv.candidate_routes
    conv.forced_route = route
    conv.run()
    # a band reads sh·sw = 4 input pixels per output: the bands route keeps 4096 / 4 / 128 =
    # 8 output rows a band; the taps route 2.5× the output / 4 = 80 rows capped at 4096 / 128
    # = 32 (4 bands); each band pads its rows plus the kernel's reach below
    rows = 8 if route == "bands" else 32
    assert len(sizes) == 128 // rows and max(sizes) == 2 * rows + kernel.shape[0] - 2


@needs_opencv
@pytest.mark.parametrize("channels", [0, 1, 3, 5])
@pytest.mark.parametrize("stride", [(2, 2), (1, 3), (3, 1), (5, 7), (8, 8)])
def test_subsampled_route_picks_every_strided_output(monkeypatch, channels, stride):
    """OpenCV's subsampled route (stride-1 rows, then cv2.resize INTER_NEAREST picking every
    sh-th row and sw-th column) equals the reference for widths the stride does not divide,
    any channel count, many bands and one."""
    monkeypatch.setenv("CONVGUI_ENGINE", "opencv")
    rng = np.random.default_rng(sum(stride) + channels)
    shape = (47, 61, channels) if channels else (47, 61)
    x = rng.standard_normal(shape).astype(np.float32)
    k = rng.standard_normal((3, 3))
    for band_pixels in (engine.BAND_PIXELS, 50):
        monkeypatch.setattr(engine, "BAND_PIXELS", band_pixels)
        conv = prepare(x, k, padding="same", stride=stride, boundary="reflect")
        assert "subsampled" in conv.candidate_routes
        conv.forced_route = "subsampled"
        expected = reference_convolve2d(x.astype(np.float64), k, padding="same", stride=stride,
                                        boundary="reflect")
        np.testing.assert_allclose(conv.run(), expected, atol=1e-4)


@needs_opencv
@settings(max_examples=150, deadline=None)
@given(shape=st.tuples(st.integers(9, 40), st.integers(9, 40), st.sampled_from([0, 1, 3])),
       kshape=st.tuples(st.integers(1, 8), st.integers(1, 8)),
       stride=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       pads=st.one_of(st.sampled_from(["same", "valid", "full"]),
                      st.tuples(st.tuples(st.integers(0, 4), st.integers(0, 4)),
                                st.tuples(st.integers(0, 4), st.integers(0, 4)))),
       boundary=st.sampled_from(["constant", "reflect", "symmetric", "edge"]),
       route=st.sampled_from(["sliced", "subsampled"]))
@example(shape=(40, 38, 0), kshape=(7, 5), stride=(2, 2), dilation=(1, 1), pads="same",
         boundary="constant", route="subsampled")  # anchor one past the top pad: origin 1
@example(shape=(40, 38, 0), kshape=(7, 5), stride=(2, 2), dilation=(1, 1), pads="same",
         boundary="constant", route="sliced")
@example(shape=(21, 30, 3), kshape=(4, 6), stride=(3, 2), dilation=(2, 1), pads="same",
         boundary="reflect", route="subsampled")
def test_strided_routes_through_a_centred_stride_one_call(shape, kshape, stride, dilation,
                                                         pads, boundary, route):
    """The routes that compute a stride-1 correlation and keep every s-th output (anchored at
    the kernel's centre where that fits, then read from an origin) equal the reference for
    any padding, stride, dilation, boundary and channel count."""
    h, w, depth = shape
    rng = np.random.default_rng(h * 41 + w)
    x = rng.standard_normal((h, w, depth) if depth else (h, w)).astype(np.float32)
    k = rng.standard_normal(kshape)
    kwargs = {"padding": pads, "stride": stride, "dilation": dilation, "boundary": boundary}
    try:
        conv = dataclasses.replace(prepare(x, k, **kwargs), forced_engine="opencv")
    except ValueError:  # no output for this geometry
        return
    if route == "subsampled" and "subsampled" not in conv._route_costs:
        return  # OpenCV cannot fill this border itself
    if route == "sliced" and conv.geometry.stride == (1, 1):
        return
    conv.forced_route = route
    expected = reference_convolve2d(x.astype(np.float64), k, **kwargs)
    np.testing.assert_allclose(conv.run(), expected, rtol=1e-4, atol=1e-4)


@needs_opencv
def test_a_same_call_at_stride_two_filters_anchored_at_the_kernel_centre(monkeypatch):
    """'same' at stride 2 on 40 rows with a 7×7 kernel pads 2 above (19·2 + 7 − 40 = 5 in
    all): the stride-1 call is anchored at the centre (3, 3) and the outputs are its every
    second from (1, 1), so OpenCV's symmetric-kernel path applies (a Gaussian's rows run up
    to 1.8× faster, docs/performance.md)."""
    monkeypatch.setenv("CONVGUI_ENGINE", "opencv")
    x = np.random.default_rng(3).random((40, 40), dtype=np.float32)
    g = np.exp(-np.linspace(-1.5, 1.5, 7) ** 2)
    conv = prepare(x, np.outer(g, g), padding="same", stride=2)
    assert conv.geometry.pads == ((2, 3), (2, 3))
    one = conv._stride_one_plan
    assert (one.anchor, one.origin) == ((3, 3), (1, 1))
    assert conv._stride_one.geometry.pads == ((3, 3), (3, 3))
    assert conv._stride_one.route == "same"
    seen = []
    real = planner.cv2.sepFilter2D
    monkeypatch.setattr(planner.cv2, "sepFilter2D",
                        lambda *a, **kw: seen.append(kw["anchor"]) or real(*a, **kw))
    for route in ("sliced", "subsampled"):
        conv = prepare(x, np.outer(g, g), padding="same", stride=2)
        conv.forced_route = route
        expected = reference_convolve2d(x.astype(np.float64), np.outer(g, g), padding="same",
                                        stride=2)
        np.testing.assert_allclose(conv.run(), expected, rtol=1e-5, atol=1e-5)
    assert seen and set(seen) == {(3, 3)}
