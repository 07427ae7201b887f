"""Tests for convgui.engine against the contract.

Expected values come from the brute-force reference in ``reference.py`` (which imports nothing
from convgui), from matrices worked out by hand, from SciPy for the documented equivalences, and
from NumPy expressions written here — never from convgui itself.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.signal
from engines import ENGINES, selected_engine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reference import (
    NoOutput,
    _source_index,
    reference_convolve2d,
    reference_correlate,
    reference_correlate_loops,
    reference_pads,
    reference_scale,
)

import convgui
from convgui import engine, planner
from convgui.engine import convolve2d, global_pool, merge, pool2d, prepare
from convgui.shapes import ShapeError

CONVGUI_DIR = Path(convgui.__file__).resolve().parent


engine_name = pytest.fixture(autouse=True, scope="module", params=ENGINES)(selected_engine)
BOUNDARIES = ["constant", "reflect", "symmetric", "edge", "wrap"]
CHANNEL_MODES = ["per-channel", "sum", "luma"]
TOL = {np.float64: 1e-9, np.float32: 1e-5, np.uint8: 1e-5}


def assert_matches_reference(got, image, kernel, expected=None, **kwargs):
    """convolve2d's result ``got`` equals the reference (``expected``, computed here when not
    given) within the contract's tolerance."""
    if expected is None:
        expected = reference_convolve2d(image, kernel, **kwargs)
    assert got.shape == expected.shape
    want_dtype = np.float64 if np.asarray(image).dtype == np.float64 else np.float32
    assert got.dtype == want_dtype
    tol = TOL[np.asarray(image).dtype.type] * reference_scale(image, kernel, **kwargs)
    err = float(np.max(np.abs(got.astype(np.float64) - expected)))
    assert err <= tol, f"max error {err} > {tol}"


def random_image(rng, shape, dtype):
    if dtype == np.uint8:
        return rng.integers(0, 256, size=shape).astype(np.uint8)
    scale = rng.choice([1.0, 100.0])
    return (rng.standard_normal(shape) * scale).astype(dtype)


def random_kernel(rng, shape, zero_fraction=0.3, scale=1.0):
    k = rng.standard_normal(shape) * scale
    k[rng.random(shape) < zero_fraction] = 0.0
    return k


def assert_clean_error(excinfo, *words):
    """A one-line message mentioning ``words``, raised from convgui's code (not SciPy's)."""
    message = str(excinfo.value)
    assert message and "\n" not in message, repr(message)
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    raiser = Path(str(excinfo.traceback[-1].path)).resolve()
    assert CONVGUI_DIR in raiser.parents, f"raised from {raiser}"


# ----------------------------------------------------------------------------------------------
# The reference itself


def test_reference_loops_hand_example():
    x = np.arange(9.0).reshape(3, 3)
    got = reference_correlate_loops(x, np.ones((2, 2)), ((0, 0), (0, 0)), (1, 1), (1, 1),
                                    "constant", 0.0)
    np.testing.assert_array_equal(got, [[8.0, 12.0], [20.0, 24.0]])
    # a delta kernel at (1, 2) picks Xp[i + 1, j + 2]
    k = np.zeros((2, 3))
    k[1, 2] = 1.0
    got = reference_correlate_loops(x, k, ((0, 0), (0, 0)), (1, 1), (1, 1), "constant", 0.0)
    np.testing.assert_array_equal(got, [[5.0], [8.0]])


@pytest.mark.parametrize(
    ("boundary", "expected"),
    [
        # a b c d with 3 cells each side, from the textbook pictures
        ("reflect", "dcb abcd cba"),
        ("symmetric", "cba abcd dcb"),
        ("edge", "aaa abcd ddd"),
        ("wrap", "bcd abcd abc"),
    ],
)
def test_reference_fill_definitions(boundary, expected):
    letters = "abcd"
    got = "".join(letters[_source_index(i, 4, boundary)] for i in range(-3, 7))
    assert got == expected.replace(" ", "")


def test_reference_pads_hand_values():
    assert reference_pads(4, 2, "same", 1, 1, False) == (0, 1)
    assert reference_pads(4, 2, "same", 1, 1, True) == (1, 0)
    assert reference_pads(5, 4, "same", 2, 1, False) == (1, 2)
    assert reference_pads(5, 4, "same", 2, 1, True) == (2, 1)
    assert reference_pads(5, 3, "same", 1, 1, False) == (1, 1)
    assert reference_pads(5, 3, "same", 1, 2, False) == (2, 2)
    assert reference_pads(5, 3, "full", 1, 2, False) == (4, 4)
    assert reference_pads(10, 1, "same", 3, 1, False) == (0, 0)  # total max(…, 0)
    assert reference_pads(5, 3, (1, 2), 1, 1, True) == (1, 2)


@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 5), w=st.integers(1, 5), kh=st.integers(1, 3), kw=st.integers(1, 3),
    pads=st.tuples(*[st.integers(0, 7)] * 4), s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    d=st.tuples(st.integers(1, 3), st.integers(1, 3)), boundary=st.sampled_from(BOUNDARIES),
    seed=st.integers(0, 2**32 - 1),
)
def test_reference_tap_loop_matches_four_loops(h, w, kh, kw, pads, s, d, boundary, seed):
    """Validates the fast reference (numpy.pad + tap loop) against the literal formula."""
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    p = ((pads[0], pads[1]), (pads[2], pads[3]))
    try:
        slow = reference_correlate_loops(x, k, p, s, d, boundary, 1.5)
    except NoOutput:
        with pytest.raises(NoOutput):
            reference_correlate(x, k, p, s, d, boundary, 1.5)
        return
    np.testing.assert_allclose(reference_correlate(x, k, p, s, d, boundary, 1.5), slow,
                               rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------------------------
# Property tests against the reference

paddings = st.one_of(
    st.sampled_from(["valid", "same", "full"]),
    st.integers(0, 4),
    st.tuples(st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.tuples(st.integers(0, 4), st.integers(0, 4)),
              st.tuples(st.integers(0, 4), st.integers(0, 4))),
)
steps = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


# The strategies conv_cases draws from, built once: a strategy made inside the composite (from
# a list, which Hypothesis cannot cache) was built and validated again for every example.
NDIMS = st.sampled_from([2, 3])
CHANNEL_MODE_ARG = st.sampled_from(CHANNEL_MODES)
DTYPES = st.sampled_from([np.float64, np.float32, np.uint8])
KERNEL_SCALES = st.sampled_from([1.0, 1.0, 1e-20, 3e5])
KERNEL_KINDS = st.sampled_from(["random", "random", "rank1", "rank2"])
BOUNDARY_ARG = st.sampled_from(BOUNDARIES)
CVALS = st.sampled_from([0.0, 0.0, 1.0, -7.25, 300.0])
BIASES = st.sampled_from([0.0, 0.0, 0.5, -12.0])


@st.composite
def conv_cases(draw, image_sizes=(1, 12), kernel_sizes=(1, 6), zero_fraction=0.3,
               strides=steps, dilations=steps):
    ndim = draw(NDIMS)
    channels = draw(CHANNEL_MODE_ARG)
    h, w = draw(st.integers(*image_sizes)), draw(st.integers(*image_sizes))
    if ndim == 3:
        c = 3 if channels == "luma" else draw(st.integers(1, 4))
        shape = (h, w, c)
    else:
        shape = (h, w)
    kshape = (draw(st.integers(*kernel_sizes)), draw(st.integers(*kernel_sizes)))
    dtype = draw(DTYPES)
    kernel_scale = draw(KERNEL_SCALES)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    image = random_image(rng, shape, dtype)
    kind = draw(KERNEL_KINDS)
    if kind == "random":
        kernel = random_kernel(rng, kshape, zero_fraction, kernel_scale)
    else:
        kernel = case_kernel(kind, kshape, rng, kernel_scale)
    kwargs = {
        "padding": draw(paddings),
        "stride": draw(strides),
        "dilation": draw(dilations),
        "boundary": draw(BOUNDARY_ARG),
        "flip": draw(st.booleans()),
        "channels": channels,
        "cval": draw(CVALS),
        "bias": draw(BIASES),
    }
    return image, kernel, kwargs


def check_case(image, kernel, kwargs):
    image_before, kernel_before = image.copy(), kernel.copy()
    try:
        expected = reference_convolve2d(image, kernel, **kwargs)
    except NoOutput:
        event("no output")
        with pytest.raises(ShapeError):
            convolve2d(image, kernel, **kwargs)
    else:
        conv = prepare(image, kernel, **kwargs)  # (convolve2d is prepare(...).run())
        event(f"method {conv.method}")
        assert_matches_reference(conv.run(), image, kernel, expected, **kwargs)
    np.testing.assert_array_equal(image, image_before)
    np.testing.assert_array_equal(kernel, kernel_before)
    assert image.dtype == image_before.dtype


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_cases())
def test_convolve2d_matches_reference(case):
    check_case(*case)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_cases(image_sizes=(6, 40), kernel_sizes=(11, 14), zero_fraction=0.0,
                  strides=st.sampled_from([1, 1, 1, (1, 1), 2, (1, 2)]),
                  dilations=st.sampled_from([1, 1, (1, 2), 2])))
def test_convolve2d_large_kernels_match_reference(case):
    """Kernels of ≥ 121 taps: the FFT path at stride 1, the strided one otherwise."""
    check_case(*case)


@settings(max_examples=100, deadline=None)
@given(
    h=st.integers(1, 12), w=st.integers(1, 12), kh=st.integers(1, 6), kw=st.integers(1, 6),
    s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    d=st.tuples(st.integers(1, 3), st.integers(1, 3)), flip=st.booleans(),
)
def test_same_gives_ceil_n_over_s(h, w, kh, kw, s, d, flip):
    out = convolve2d(np.ones((h, w)), np.ones((kh, kw)), padding="same", stride=s, dilation=d,
                     flip=flip)
    assert out.shape == (math.ceil(h / s[0]), math.ceil(w / s[1]))


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 4), w=st.integers(1, 4), kh=st.integers(1, 3), kw=st.integers(1, 3),
       padding=paddings, s=steps, d=steps, boundary=st.sampled_from(BOUNDARIES),
       flip=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_tiny_cases_match_four_loop_reference(h, w, kh, kw, padding, s, d, boundary, flip,
                                               seed):
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    kwargs = {"padding": padding, "stride": s, "dilation": d, "boundary": boundary,
              "flip": flip, "cval": 2.0, "bias": 0.25}
    try:
        expected = reference_convolve2d(x, k, loops=True, **kwargs)
    except NoOutput:
        with pytest.raises(ShapeError):
            convolve2d(x, k, **kwargs)
        return
    np.testing.assert_allclose(convolve2d(x, k, **kwargs), expected, rtol=1e-10, atol=1e-10)


# ----------------------------------------------------------------------------------------------
# Hand-computed cases

X4 = np.arange(1.0, 17.0).reshape(4, 4)
X5 = np.arange(1.0, 26.0).reshape(5, 5)


def test_docstring_example():
    out = convolve2d(np.arange(9.0).reshape(3, 3), np.ones((2, 2)))
    np.testing.assert_array_equal(out, [[8.0, 12.0], [20.0, 24.0]])


def test_correlation_is_default_and_flip_rotates_kernel():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    k = np.array([[1.0, 0.0], [0.0, 0.0]])  # top-left tap
    # correlation: Y[i, j] = X[i, j]
    np.testing.assert_array_equal(convolve2d(x, k), [[1.0, 2.0], [4.0, 5.0]])
    # convolution: the kernel is rotated, so the tap sits bottom-right: Y[i, j] = X[i+1, j+1]
    np.testing.assert_array_equal(convolve2d(x, k, flip=True), [[5.0, 6.0], [8.0, 9.0]])


def test_same_even_kernel_pads_bottom_right_like_pytorch():
    """4×4 input, 2×2 kernel, stride 1: total padding 1, all of it bottom/right."""
    ones = convolve2d(X4, np.ones((2, 2)), padding="same")
    np.testing.assert_array_equal(ones, [
        [14, 18, 22, 12],
        [30, 34, 38, 20],
        [46, 50, 54, 28],
        [27, 29, 31, 16],
    ])
    delta = convolve2d(X4, np.array([[0.0, 0.0], [0.0, 1.0]]), padding="same")
    np.testing.assert_array_equal(delta, [
        [6, 7, 8, 0],
        [10, 11, 12, 0],
        [14, 15, 16, 0],
        [0, 0, 0, 0],
    ])


def test_same_even_kernel_with_flip_pads_top_left():
    ones = convolve2d(X4, np.ones((2, 2)), padding="same", flip=True)
    np.testing.assert_array_equal(ones, [
        [1, 3, 5, 7],
        [6, 14, 18, 22],
        [14, 30, 34, 38],
        [22, 46, 50, 54],
    ])


def test_same_stride2_even_kernel():
    """5×5 input, 4×4 kernel, stride 2: out 3×3, total pad (3−1)·2 + 4 − 5 = 3 → 1 | 2."""
    k = np.zeros((4, 4))
    k[0, 0] = 1.0  # picks Xp[2i, 2j] = X[2i − 1, 2j − 1]
    np.testing.assert_array_equal(
        convolve2d(X5, k, padding="same", stride=2), [[0, 0, 0], [0, 7, 9], [0, 17, 19]]
    )
    k = np.zeros((4, 4))
    k[3, 3] = 1.0  # picks Xp[2i + 3, 2j + 3] = X[2i + 2, 2j + 2]
    np.testing.assert_array_equal(
        convolve2d(X5, k, padding="same", stride=2), [[13, 15, 0], [23, 25, 0], [0, 0, 0]]
    )
    np.testing.assert_array_equal(
        convolve2d(X5, np.ones((4, 4)), padding="same", stride=2),
        [[63, 102, 57], [174, 256, 136], [117, 168, 88]],
    )
    # flip: 2 top/left, 1 bottom/right; the rotated delta picks Xp[2i, 2j] = X[2i − 2, 2j − 2]
    np.testing.assert_array_equal(
        convolve2d(X5, k, padding="same", stride=2, flip=True),
        [[0, 0, 0], [0, 1, 3], [0, 11, 13]],
    )


def test_padding_forms_and_boundaries_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    delta = np.array([[1.0]])
    # ((top, bottom), (left, right)) with a 1×1 identity kernel shows the padded image itself
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=((0, 0), (2, 1)), boundary="reflect"), [[3, 2, 1, 2, 3, 2]]
    )
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=((0, 0), (2, 1)), boundary="symmetric"),
        [[2, 1, 1, 2, 3, 3]],
    )
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=((0, 0), (2, 1)), boundary="edge"), [[1, 1, 1, 2, 3, 3]]
    )
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=((0, 0), (2, 1)), boundary="wrap"), [[2, 3, 1, 2, 3, 1]]
    )
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=(1, 0), cval=9), [[9, 9, 9], [1, 2, 3], [9, 9, 9]]
    )
    np.testing.assert_array_equal(
        convolve2d(x, delta, padding=1, cval=-1),
        [[-1, -1, -1, -1, -1], [-1, 1, 2, 3, -1], [-1, -1, -1, -1, -1]],
    )


def test_stride_and_dilation_by_hand():
    x = np.arange(36.0).reshape(6, 6)
    k = np.array([[1.0, 10.0]])
    # dilation (1, 2): Y[i, j] = X[i, j] + 10·X[i, j + 2]; stride (2, 3)
    got = convolve2d(x, k, stride=(2, 3), dilation=(1, 2))
    expected = [[x[i, j] + 10 * x[i, j + 2] for j in (0, 3)] for i in (0, 2, 4)]
    np.testing.assert_array_equal(got, expected)


def test_channel_modes_by_hand():
    img = np.array([[[1.0, 2.0, 3.0]]])  # 1×1 RGB
    k = np.ones((3, 3))
    kw = {"padding": "same", "cval": 10.0}
    np.testing.assert_allclose(
        convolve2d(img, k, channels="per-channel", **kw), [[[81.0, 82.0, 83.0]]]
    )
    # every channel's result (each padded with cval) summed, bias added once
    np.testing.assert_allclose(convolve2d(img, k, channels="sum", bias=1.0, **kw), [[247.0]])
    luma = 0.299 * 1 + 0.587 * 2 + 0.114 * 3
    np.testing.assert_allclose(
        convolve2d(img, k, channels="luma", bias=-1.0, **kw), [[luma + 80.0 - 1.0]], rtol=1e-6
    )
    np.testing.assert_allclose(
        convolve2d(img, k, channels="per-channel", bias=0.5, **kw), [[[81.5, 82.5, 83.5]]]
    )


# ----------------------------------------------------------------------------------------------
# SciPy equivalences

KSIZES = [(kh, kw) for kh in range(1, 6) for kw in range(1, 6)]


@pytest.fixture(scope="module")
def scipy_image():
    return np.random.default_rng(7).standard_normal((7, 8))


@pytest.mark.parametrize(("kh", "kw"), KSIZES)
@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_flip_equals_scipy_convolve2d(scipy_image, kh, kw, mode):
    k = np.random.default_rng(kh * 10 + kw).standard_normal((kh, kw))
    expected = scipy.signal.convolve2d(scipy_image, k, mode=mode)
    got = convolve2d(scipy_image, k, padding=mode, flip=True)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    expected = scipy.signal.convolve2d(scipy_image, k, mode=mode, fillvalue=2.5)
    got = convolve2d(scipy_image, k, padding=mode, flip=True, cval=2.5)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# scipy's 'same' anchors even kernels top/left for correlate2d; ours follow PyTorch/TF
CORRELATE_CASES = [
    (kh, kw, mode) for kh, kw in KSIZES for mode in ("valid", "same", "full")
    if mode != "same" or (kh % 2 and kw % 2)
]


@pytest.mark.parametrize(("kh", "kw", "mode"), CORRELATE_CASES)
def test_default_equals_scipy_correlate2d(scipy_image, kh, kw, mode):
    k = np.random.default_rng(kh * 10 + kw).standard_normal((kh, kw))
    expected = scipy.signal.correlate2d(scipy_image, k, mode=mode, fillvalue=-1.0)
    got = convolve2d(scipy_image, k, padding=mode, cval=-1.0)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("kh", "kw"), KSIZES)
@pytest.mark.parametrize(("ours", "theirs"), [("symmetric", "symm"), ("wrap", "wrap")])
def test_same_boundaries_equal_scipy(scipy_image, kh, kw, ours, theirs):
    k = np.random.default_rng(kh * 10 + kw).standard_normal((kh, kw))
    expected = scipy.signal.convolve2d(scipy_image, k, mode="same", boundary=theirs)
    got = convolve2d(scipy_image, k, padding="same", flip=True, boundary=ours)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    if kh % 2 and kw % 2:
        expected = scipy.signal.correlate2d(scipy_image, k, mode="same", boundary=theirs)
        got = convolve2d(scipy_image, k, padding="same", boundary=ours)
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("kh", "kw"), [(2, 2), (3, 2), (2, 3), (3, 3)])
@pytest.mark.parametrize("dilation", [(2, 2), (1, 3), (3, 2)])
@pytest.mark.parametrize("mode", ["valid", "full"])
def test_dilation_equals_scipy_with_holes(kh, kw, dilation, mode):
    x = np.random.default_rng(3).standard_normal((11, 12))
    k = np.random.default_rng(4).standard_normal((kh, kw))
    holes = np.zeros(((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1))
    holes[:: dilation[0], :: dilation[1]] = k
    expected = scipy.signal.convolve2d(x, holes, mode=mode)
    got = convolve2d(x, k, padding=mode, dilation=dilation, flip=True)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------------------------
# prepare(), methods and bands


def run_bands(conv):
    gen = conv.bands()
    fractions = []
    while True:
        try:
            fractions.append(next(gen))
        except StopIteration as done:
            return fractions, done.value


def check_bands(conv):
    fractions, result = run_bands(conv)
    assert fractions, "bands() yielded nothing"
    assert all(0.0 < f <= 1.0 for f in fractions)
    assert all(b > a for a, b in zip(fractions, fractions[1:], strict=False))
    assert fractions[-1] == 1.0
    np.testing.assert_array_equal(result, conv.run())
    assert result.shape == conv.out_shape
    return fractions, result


def case_kernel(kind, kshape, rng, scale=1.0):
    """A kernel of the given kind: random (full rank), rank 1, rank 2 or all zero."""
    kh, kw = kshape
    if kind == "rank1":
        k = np.outer(rng.standard_normal(kh), rng.standard_normal(kw))
    elif kind == "rank2":
        k = sum(np.outer(rng.standard_normal(kh), rng.standard_normal(kw)) for _ in range(2))
    elif kind == "zero":
        k = np.zeros(kshape)
    else:
        k = rng.standard_normal(kshape)
    return k * scale


# (kernel kind, {engine: method of the largest piece}, image, kernel, kwargs)
METHOD_CASES = [
    ("random", {"scipy": "taps", "opencv": "direct"}, (20, 17), (3, 3), {}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (20, 17, 3), (2, 5),
     {"padding": "same", "boundary": "reflect"}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (20, 17), (4, 3),
     {"dilation": (2, 3), "padding": "full", "boundary": "wrap"}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (40, 37), (11, 11), {"padding": "same"}),
    ("random", {"scipy": "taps", "opencv": "fft"}, (40, 37, 2), (12, 11),
     {"padding": "same", "boundary": "symmetric", "flip": True}),
    ("random", {"scipy": "taps", "opencv": "taps"}, (40, 37), (11, 13),
     {"dilation": 2, "padding": "full", "cval": 3.0}),
    ("random", {"scipy": "fft", "opencv": "fft"}, (40, 37), (21, 21), {"padding": "same"}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (20, 17), (3, 3), {"stride": 2}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (20, 17, 4), (4, 2),
     {"stride": (1, 3), "padding": "same", "channels": "sum"}),
    ("random", {"scipy": "taps", "opencv": "direct"}, (40, 37), (7, 7),
     {"stride": (3, 1), "dilation": 2, "boundary": "edge"}),
    ("rank1", {"scipy": "separable", "opencv": "separable"}, (40, 37), (7, 7),
     {"padding": "same"}),
    ("rank1", {"scipy": "separable", "opencv": "separable"}, (40, 37), (15, 15),
     {"padding": "same", "boundary": "reflect"}),
    ("rank1", {"scipy": "separable", "opencv": "separable"}, (40, 37), (13, 13),
     {"stride": 2, "boundary": "reflect"}),
    ("rank2", {"scipy": "low-rank", "opencv": "low-rank"}, (40, 37), (21, 21),
     {"padding": "full"}),
    ("random", {"scipy": "taps", "opencv": "scale"}, (20, 17), (1, 1),
     {"padding": 2, "boundary": "symmetric"}),
    ("zero", {"scipy": "zero", "opencv": "zero"}, (20, 17), (3, 3), {"padding": "same"}),
]
CASE_PARAMS = ("kind", "methods", "shape", "kshape", "kwargs")


def check_plan(conv, methods):
    expected = methods[conv.engine]
    if conv.engine == "opencv" and conv.dtype == np.float64 and expected == "direct" and (
            conv.kernel.size >= 50):  # OpenCV's filter2D uses its DFT from 50 cells in float64
        expected = "fft"
    assert conv.kernel_method == expected
    # the method names OpenCV when OpenCV computes it (the taps are NumPy/BLAS on either)
    assert (conv.engine in conv.method) == (conv.engine == "opencv" and "taps" not in conv.route)


@pytest.mark.parametrize("kind", ["random", "rank1", "rank2"])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 1), (2, 3)])
@pytest.mark.parametrize("dilation", [(1, 1), (2, 2), (1, 3), (3, 2)])
@pytest.mark.parametrize("kshape", [(3, 3), (2, 5), (7, 7), (12, 11)])
def test_every_candidate_plan_matches_reference(engine_name, kind, stride, dilation, kshape):
    """Each way the planner could compute a case is exact, whichever it picks today."""
    rng = np.random.default_rng(sum(stride) * 31 + sum(dilation) * 7 + sum(kshape))
    x = rng.standard_normal((41, 38)).astype(np.float32)
    k = case_kernel(kind, kshape, rng)
    out_hw = tuple(
        (x.shape[i] - dilation[i] * (kshape[i] - 1) - 1) // stride[i] + 1 for i in range(2)
    )
    expected = reference_correlate(x.astype(np.float64), k, ((0, 0), (0, 0)), stride, dilation,
                                   "constant", 0.0)
    scale = float(np.abs(k).sum() * np.abs(x).max())
    plans = planner.candidate_plans(k, stride, dilation, engine_name)
    full = planner.factorize(planner.inflate(k, dilation), engine_name)
    subsampled = stride != (1, 1) and full.method != "fft"
    assert len(plans) == 1 + (dilation != (1, 1)) + subsampled
    for plan in plans:
        got = planner.correlate_strided(x, plan, out_hw, engine_name)
        assert got.shape == expected.shape
        assert float(np.max(np.abs(got - expected))) <= 1e-5 * scale


@pytest.mark.parametrize(CASE_PARAMS, METHOD_CASES)
def test_each_method_matches_reference(kind, methods, shape, kshape, kwargs):
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape)
    k = case_kernel(kind, kshape, rng)
    conv = prepare(x, k, **kwargs)
    check_plan(conv, methods)
    _, result = check_bands(conv)
    assert_matches_reference(result, x, k, **kwargs)
    assert_matches_reference(convolve2d(x, k, **kwargs), x, k, **kwargs)


@pytest.mark.parametrize("scale", [1e-20, 2.0**-80, 1e-300, 1e20])
@pytest.mark.parametrize(CASE_PARAMS, [c for c in METHOD_CASES if c[0] != "zero"])
def test_tiny_and_huge_kernels_are_not_dropped(scale, kind, methods, shape, kshape, kwargs):
    """Weights far below 1 (or far above) still count: relative, not absolute, accuracy."""
    rng = np.random.default_rng(13)
    x = rng.standard_normal(shape)
    k = case_kernel(kind, kshape, rng, scale)
    conv = prepare(x, k, **kwargs)
    check_plan(conv, methods)
    expected = reference_convolve2d(x, k, **kwargs)
    scale_abs = float(np.sum(np.abs(k))) * max(float(np.max(np.abs(x))), abs(kwargs.get(
        "cval", 0.0)))
    assert float(np.max(np.abs(conv.run() - expected))) <= 1e-9 * scale_abs
    assert np.any(conv.run() != 0.0)


@pytest.mark.parametrize("band_pixels", [8, 16, 40])
@pytest.mark.parametrize(CASE_PARAMS, METHOD_CASES)
def test_many_bands_match_reference(monkeypatch, band_pixels, kind, methods, shape, kshape,
                                    kwargs):
    monkeypatch.setattr(engine, "BAND_PIXELS", band_pixels)
    rng = np.random.default_rng(12)
    x = rng.standard_normal(shape).astype(np.float32)
    k = case_kernel(kind, kshape, rng)
    conv = prepare(x, k, bias=0.75, **kwargs)
    check_plan(conv, methods)
    fractions, result = check_bands(conv)
    # each filtered plane is split into bands of at most band_pixels output pixels, or of one
    # row when a row alone is longer
    per_channel = len(shape) == 3 and kwargs.get("channels", "per-channel") == "per-channel"
    planes = shape[2] if per_channel else 1
    banded = conv._stride_one if conv.route == "sliced" else conv  # (its stride-1 call's bands)
    oh, ow = banded.out_shape[:2]
    if banded.route == "same":  # OpenCV's in-place path has no bands
        assert fractions == [1.0]
    elif banded.route == "dilated":  # one call per row phase
        dh = conv.geometry.dilation[0]
        assert fractions == [(r + 1) / dh for r in range(dh)]
    else:  # OpenCV parallelises inside a call and takes bands 8 times as large
        if banded.route in ("subsampled", "taps", "separable taps"):  # all channels at once
            planes = 1
        per_band = band_pixels * (8 if conv.engine == "opencv" else 1)
        expected = planes * min(oh, math.ceil(oh * ow / per_band))
        assert len(fractions) >= expected
        assert expected > 1 or conv.engine == "opencv"
    assert_matches_reference(result, x, k, bias=0.75, **kwargs)


def test_default_band_size_splits_large_image():
    """A 2048×2048 output at 262144 pixels per band (8× that with OpenCV) needs several
    bands, so the window can show progress and stop between them; OpenCV's in-place route
    is one call of a few milliseconds."""
    assert engine.BAND_PIXELS == 262144
    x = np.random.default_rng(1).random((2048, 2048), dtype=np.float32)
    conv = prepare(x, np.ones((1, 1)), padding="same")
    fractions, result = check_bands(conv)
    if conv.route == "same":
        assert conv.engine == "opencv" and fractions == [1.0]
        conv = prepare(x, np.ones((1, 1)), padding="same", boundary="wrap")  # OpenCV lacks it
        fractions, result = check_bands(conv)
    assert conv.route in ("bands", "taps") and len(fractions) >= 2
    np.testing.assert_array_equal(result, x)


@pytest.mark.parametrize(
    ("shape", "channels", "expected"),
    [
        ((9, 8), "per-channel", (7, 6)),
        ((9, 8, 3), "per-channel", (7, 6, 3)),
        ((9, 8, 3), "sum", (7, 6)),
        ((9, 8, 3), "luma", (7, 6)),
        ((9, 8, 1), "per-channel", (7, 6, 1)),
    ],
)
def test_out_shape(shape, channels, expected):
    conv = prepare(np.ones(shape, dtype=np.uint8), np.ones((3, 3)), channels=channels)
    assert conv.out_shape == expected
    assert conv.run().shape == expected


# ----------------------------------------------------------------------------------------------
# Errors, immutability, dtypes

IMG = np.ones((6, 6))
K3 = np.ones((3, 3))


@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        ({"stride": 0}, ValueError, ["stride"]),
        ({"stride": -2}, ValueError, ["stride"]),
        ({"stride": (1, 0)}, ValueError, ["stride"]),
        ({"stride": 1.5}, (TypeError, ValueError), ["stride"]),
        ({"stride": (1, 2, 3)}, (TypeError, ValueError), ["stride"]),
        ({"dilation": 0}, ValueError, ["dilation"]),
        ({"dilation": (0, 1)}, ValueError, ["dilation"]),
        ({"dilation": -1}, ValueError, ["dilation"]),
        ({"dilation": "2"}, (TypeError, ValueError), ["dilation"]),
        ({"padding": "sam"}, ValueError, ["sam"]),
        ({"padding": "SAME"}, ValueError, ["SAME"]),
        ({"padding": -1}, ValueError, ["padding"]),
        ({"padding": ((1, -1), (0, 0))}, ValueError, ["padding"]),
        ({"padding": 1.5}, (TypeError, ValueError), ["padding"]),
        ({"padding": (1, 2, 3)}, (TypeError, ValueError), ["padding"]),
        ({"boundary": "mirror"}, ValueError, ["mirror"]),
        ({"boundary": "fill"}, ValueError, ["fill"]),
        ({"channels": "rgb"}, ValueError, ["rgb"]),
        ({"cval": "1"}, TypeError, ["cval", "number"]),  # (float("1") would take it)
        ({"bias": b"0.5"}, TypeError, ["bias", "number"]),
        ({"cval": float("nan")}, ValueError, ["cval", "finite"]),
    ],
)
def test_bad_arguments(kwargs, exc, words):
    with pytest.raises(exc) as excinfo:
        convolve2d(IMG, K3, **kwargs)
    assert_clean_error(excinfo, *words)
    with pytest.raises(exc):
        prepare(IMG, K3, **kwargs)


@pytest.mark.parametrize(
    ("kernel", "exc", "words"),
    [
        (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, ["kernel", "nan"]),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), ValueError, ["kernel"]),
        (np.array([[1.0, -np.inf]]), ValueError, ["kernel"]),
        ([[1.0, 2.0], [3.0]], (ValueError, TypeError), ["kernel"]),
        ([[1.0, 2.0, 3.0], [4.0, 5.0]], (ValueError, TypeError), ["kernel"]),
        (np.ones((0, 3)), ValueError, ["kernel"]),
        (np.ones((2, 2, 2)), ValueError, ["kernel"]),
        (np.ones(3), ValueError, ["kernel"]),
        (np.array([["a", "b"]]), (TypeError, ValueError), ["kernel"]),
    ],
)
def test_bad_kernels(kernel, exc, words):
    with pytest.raises(exc) as excinfo:
        convolve2d(IMG, kernel)
    assert_clean_error(excinfo, *words)


@pytest.mark.parametrize(
    ("image", "exc", "words"),
    [
        (np.ones((0, 5)), ValueError, ["image", "empty"]),
        (np.ones((5, 0)), ValueError, ["image", "empty"]),
        (np.ones((4, 4, 0)), ValueError, ["image", "empty"]),
        (np.ones((4, 4, 3, 2)), ValueError, ["image", "4-D"]),
        (np.ones(5), ValueError, ["image"]),
        (np.array([["a", "b"], ["c", "d"]]), (TypeError, ValueError), ["image"]),
        (np.ones((3, 3), dtype=complex), (TypeError, ValueError), ["image"]),
    ],
)
def test_bad_images(image, exc, words):
    with pytest.raises(exc) as excinfo:
        convolve2d(image, np.ones((1, 1)))
    assert_clean_error(excinfo, *words)


def test_luma_needs_three_channels():
    with pytest.raises(ValueError) as excinfo:
        convolve2d(np.ones((4, 4, 4)), K3, channels="luma")
    assert_clean_error(excinfo, "luma")


def test_shape_error_message():
    with pytest.raises(ShapeError) as excinfo:
        convolve2d(np.ones((4, 4)), K3, dilation=2)
    assert issubclass(ShapeError, ValueError)
    assert_clean_error(excinfo, "5×5", "4×4", "padding ≥ 1", "dilation")


def test_shape_error_kernel_larger_than_image():
    with pytest.raises(ShapeError) as excinfo:
        convolve2d(np.ones((2, 9)), np.ones((4, 1)))
    assert_clean_error(excinfo, "4", "2", "padding")
    # same works where valid has no output
    assert convolve2d(np.ones((2, 9)), np.ones((4, 1)), padding="same").shape == (2, 9)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64, np.float32,
                                   np.float64])
@pytest.mark.parametrize("channels", CHANNEL_MODES)
@pytest.mark.parametrize("method_kwargs", [{}, {"stride": 2}, {"kernel": 11}])
def test_result_dtype_and_inputs_untouched(dtype, channels, method_kwargs):
    kwargs = dict(method_kwargs)
    ksize = kwargs.pop("kernel", 3)
    rng = np.random.default_rng(5)
    image = (rng.random((14, 13, 3)) * 100).astype(dtype)
    kernel = rng.standard_normal((ksize, ksize)) + 5.0
    image_copy, kernel_copy = image.copy(), kernel.copy()
    out = convolve2d(image, kernel, channels=channels, padding="same", boundary="constant",
                     cval=3.0, flip=True, bias=2.0, **kwargs)
    expected_dtype = np.float64 if dtype == np.float64 else np.float32
    assert out.dtype == expected_dtype
    np.testing.assert_array_equal(image, image_copy)
    np.testing.assert_array_equal(kernel, kernel_copy)
    assert image.dtype == image_copy.dtype
    out2d = convolve2d(image[:, :, 0], kernel, **kwargs)
    assert out2d.dtype == expected_dtype
    np.testing.assert_array_equal(image, image_copy)


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2}, {"kernel": 11}, {"channels": "sum"},
                                    {"channels": "luma", "padding": "same"}])
def test_views_and_fortran_order_inputs(kwargs):
    kwargs = dict(kwargs)
    ksize = kwargs.pop("kernel", 3)
    rng = np.random.default_rng(6)
    base = rng.standard_normal((40, 50, 3))
    image = base[::-1, ::2]  # negative and non-unit strides
    kernel = np.asfortranarray(rng.standard_normal((ksize, ksize + 1)))[:, ::-1]
    before = image.copy()
    assert_matches_reference(convolve2d(image, kernel, **kwargs), image, kernel, **kwargs)
    fortran = np.asfortranarray(image)
    assert_matches_reference(convolve2d(fortran, kernel, **kwargs), image, kernel, **kwargs)
    np.testing.assert_array_equal(image, before)


def test_float32_kernel_list_kernel_and_list_image():
    out = convolve2d([[1, 2], [3, 4]], [[1, 1]])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[3], [7]])
    out = convolve2d(np.ones((3, 3), dtype=np.float64), np.ones((2, 2), dtype=np.float32))
    assert out.dtype == np.float64


# ----------------------------------------------------------------------------------------------
# Pooling


def loop_pool(x, size, stride, padding, mode):
    """Pooling written with explicit loops over output cells; padding cells are excluded for
    max (they are −∞) and counted as 0 for avg, which divides by the full window."""
    x = np.asarray(x, dtype=np.float64)
    (wh, ww), (sh, sw), (ph, pw) = size, stride, padding
    h, w = x.shape[:2]
    oh, ow = (h + 2 * ph - wh) // sh + 1, (w + 2 * pw - ww) // sw + 1
    out = np.zeros((oh, ow) + x.shape[2:])
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * sh - ph, j * sw - pw
            cells = x[max(r0, 0):max(r0 + wh, 0), max(c0, 0):max(c0 + ww, 0)]
            if cells.size == 0:  # the window covers padding only
                out[i, j] = -np.inf if mode == "max" else 0.0
            elif mode == "max":
                out[i, j] = cells.max(axis=(0, 1))
            else:
                out[i, j] = cells.sum(axis=(0, 1)) / (wh * ww)
    return out


def test_pool_non_overlapping_equals_reshape():
    x = np.random.default_rng(2).standard_normal((6, 8, 3))
    blocks = x.reshape(3, 2, 4, 2, 3)
    np.testing.assert_allclose(pool2d(x, 2), blocks.max(axis=(1, 3)))
    np.testing.assert_allclose(pool2d(x, 2, mode="avg"), blocks.mean(axis=(1, 3)), rtol=1e-12)
    blocks = x[:, :6].reshape(2, 3, 2, 3, 3)  # 3×3 windows, trailing rows/cols dropped
    np.testing.assert_allclose(pool2d(x, 3), blocks.max(axis=(1, 3)))
    np.testing.assert_allclose(pool2d(x[:, :, 0], (3, 2)),
                               x[:, :, 0].reshape(2, 3, 4, 2).max(axis=(1, 3)))


def test_pool_hand_example():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    np.testing.assert_array_equal(pool2d(x, 2, stride=1), [[5, 6], [8, 9]])
    np.testing.assert_array_equal(pool2d(x, 2, stride=1, mode="avg"), [[3, 4], [6, 7]])
    # padding 1, window 2, stride 2: windows start at −1, 1 → out 2×2
    np.testing.assert_array_equal(pool2d(-x, 2, padding=1), [[-1, -2], [-4, -5]])
    np.testing.assert_array_equal(
        pool2d(x, 2, padding=1, mode="avg"), [[1 / 4, 5 / 4], [11 / 4, 28 / 4]]
    )


@settings(max_examples=80, deadline=None)
@given(
    h=st.integers(1, 9), w=st.integers(1, 9), c=st.sampled_from([None, 1, 3]),
    size=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    mode=st.sampled_from(["max", "avg"]), dtype=st.sampled_from([np.float64, np.float32]),
    seed=st.integers(0, 2**32 - 1),
)
def test_pool_matches_loops(h, w, c, size, stride, padding, mode, dtype, seed):
    shape = (h, w) if c is None else (h, w, c)
    x = (np.random.default_rng(seed).standard_normal(shape) - 3.0).astype(dtype)
    x_copy = x.copy()
    step = size if stride is None else stride
    if any(n + 2 * p < k for n, p, k in zip((h, w), padding, size, strict=True)):
        with pytest.raises(ValueError):
            pool2d(x, size, stride=stride, mode=mode, padding=padding)
        return
    out = pool2d(x, size, stride=stride, mode=mode, padding=padding)
    assert out.dtype == dtype
    expected = loop_pool(x, size, step, padding, mode)
    assert out.shape == expected.shape
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol * 10)
    np.testing.assert_array_equal(x, x_copy)


def test_pool_integer_input_gives_float32():
    out = pool2d(np.arange(16, dtype=np.uint8).reshape(4, 4), 2, mode="avg")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[2.5, 4.5], [10.5, 12.5]])


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"size": 0}, ["size"]),
        ({"size": 2, "stride": 0}, ["stride"]),
        ({"size": 2, "mode": "min"}, ["min"]),
        ({"size": 2, "padding": -1}, ["padding"]),
        ({"size": 5}, ["5"]),
    ],
)
def test_pool_errors(kwargs, words):
    with pytest.raises(ValueError) as excinfo:
        pool2d(np.ones((4, 4)), **kwargs)
    assert_clean_error(excinfo, *words)


def test_global_pool():
    x = np.random.default_rng(9).standard_normal((5, 4, 3))
    np.testing.assert_allclose(global_pool(x, "max"), [x[:, :, c].max() for c in range(3)])
    np.testing.assert_allclose(global_pool(x, "avg"), [x[:, :, c].mean() for c in range(3)])
    g = global_pool(x[:, :, 1], "max")
    assert isinstance(g, float) and g == x[:, :, 1].max()
    assert global_pool(x[:, :, 1], "avg") == pytest.approx(x[:, :, 1].mean())
    with pytest.raises(ValueError) as excinfo:
        global_pool(x, "median")
    assert_clean_error(excinfo, "median")


# ----------------------------------------------------------------------------------------------
# Merging


def test_merge_modes():
    rng = np.random.default_rng(4)
    a, b, c = (rng.standard_normal((5, 6)) for _ in range(3))
    np.testing.assert_allclose(merge([a, b, c]), a + b + c)
    np.testing.assert_allclose(merge([a, b, c], "sum"), a + b + c)
    np.testing.assert_allclose(merge([a, b, c], "mean"), (a + b + c) / 3)
    np.testing.assert_allclose(merge([a, b, c], "weighted", weights=[0.5, -2, 3]),
                               0.5 * a - 2 * b + 3 * c)
    np.testing.assert_array_equal(merge([a, b, c], "max"), np.maximum(np.maximum(a, b), c))
    np.testing.assert_allclose(merge([a, b], "magnitude"), np.sqrt(a * a + b * b))
    np.testing.assert_array_equal(merge([a]), a)


def test_merge_magnitude_of_huge_maps_does_not_overflow():
    """√(Σ mᵢ²) of values whose squares overflow float64 is still finite: 3e200, 4e200 → 5e200."""
    got = merge([np.array([[3e200, -3.0]]), np.array([[4e200, 4.0]])], "magnitude")
    np.testing.assert_allclose(got, [[5e200, 5.0]], rtol=1e-15)


def test_merge_sobel_magnitude_by_hand():
    gx, gy = np.array([[3.0, 0.0]]), np.array([[4.0, -2.0]])
    np.testing.assert_allclose(merge([gx, gy], "magnitude"), [[5.0, 2.0]])


def test_merge_does_not_modify_inputs_and_dtype():
    a, b = np.ones((2, 2), dtype=np.float32), np.full((2, 2), 2.0, dtype=np.float32)
    a0, b0 = a.copy(), b.copy()
    out = merge([a, b], "weighted", weights=[2.0, 3.0])
    np.testing.assert_array_equal(out, np.full((2, 2), 8.0))
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
    assert merge([a, b]).dtype == np.float32
    assert merge([a, b.astype(np.float64)]).dtype == np.float64


@pytest.mark.parametrize(
    ("maps", "kwargs", "words"),
    [
        ([np.ones((2, 2)), np.ones((2, 3))], {}, ["2×3"]),
        ([np.ones((2, 2)), np.ones((2, 2, 1))], {"mode": "max"}, ["shape"]),
        ([], {}, ["map"]),
        ([np.ones((2, 2))] * 2, {"mode": "product"}, ["product"]),
        ([np.ones((2, 2))] * 2, {"mode": "weighted"}, ["weight"]),
        ([np.ones((2, 2))] * 2, {"mode": "weighted", "weights": [1.0]}, ["weight"]),
    ],
)
def test_merge_errors(maps, kwargs, words):
    with pytest.raises(ValueError) as excinfo:
        merge(maps, **kwargs)
    assert_clean_error(excinfo, *words)


def without_warnings(call, *args, **kwargs):
    """``call(*args, **kwargs)`` with every warning an error, whatever pytest's configuration
    says (the filters are the process's: the engine's band threads see them too)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call(*args, **kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2}, {"padding": "same"},
                                    {"padding": "same", "dilation": 2}])
def test_overflow_and_infinity_give_ieee_results_on_every_route_without_a_warning(kwargs):
    """+inf and −inf in one window give NaN, either alone ±inf, a sum or a bias beyond float32's
    range +inf: the float64 definition rounded to float32, on every route; and NumPy prints no
    RuntimeWarning about it (a user would see one in the terminal), from the band threads
    neither (the image is large enough for two bands)."""
    image = np.ones((520, 520), dtype=np.float32)
    image[10, 10], image[11, 11] = np.inf, -np.inf  # one window (NaN) …
    image[20, 20], image[22, 22] = np.inf, -np.inf  # … and one window two apart (dilated)
    image[300, 300] = 3e38  # times a weight ≥ 2 overflows; times 1 overflows with the bias
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    with np.errstate(over="ignore", invalid="ignore"):  # the reference's own IEEE sums
        expected = reference_convolve2d(image, kernel, bias=1e38, **kwargs).astype(np.float32)
        unbiased = reference_convolve2d(image, kernel, **kwargs).astype(np.float32)
    assert np.isnan(expected).any() and np.isneginf(expected).any()
    assert (np.isposinf(expected) & np.isfinite(unbiased)).any()  # the bias's own overflow
    first = prepare(image, kernel, bias=1e38, **kwargs)
    for name in {*first._route_costs, *first.candidate_routes}:
        conv = prepare(image, kernel, bias=1e38, **kwargs)
        conv.forced_route = name
        got = without_warnings(conv.run)
        for kind in (np.isnan, np.isposinf, np.isneginf):
            np.testing.assert_array_equal(kind(got), kind(expected), err_msg=name)
        finite = np.isfinite(expected)
        np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-6, err_msg=name)


def test_pooling_merging_and_layers_give_ieee_results_without_a_warning():
    """Worked by hand: inf − inf is NaN, a float32 sum beyond 3.4e38 and a float64 product
    beyond 1.8e308 are +inf; no RuntimeWarning."""
    big = np.full((1, 1), 3e38, dtype=np.float32)
    inf, ninf = np.full((1, 1), np.inf), np.full((1, 1), -np.inf)
    got = without_warnings(merge, [big, big], "sum")
    assert got.dtype == np.float32 and np.isposinf(got).all()
    np.testing.assert_array_equal(without_warnings(merge, [big, big], "mean"), big)
    for mode in ("sum", "mean"):
        assert np.isnan(without_warnings(merge, [inf, ninf], mode)).all()
    assert np.isnan(without_warnings(merge, [inf, inf], "weighted", [1.0, -1.0])).all()
    assert np.isposinf(without_warnings(merge, [inf, inf], "weighted", [1.0, 2.0])).all()
    pair = np.array([[np.inf, -np.inf]])
    assert np.isnan(without_warnings(pool2d, pair, (1, 2), mode="avg")).all()
    assert math.isnan(without_warnings(global_pool, pair, "avg"))
    huge = np.full((1, 1), 1e308)
    assert np.isposinf(without_warnings(engine.conv_transpose2d, huge, [[10.0]])).all()
    layer = without_warnings(engine.conv_layer, np.dstack([huge, huge]), np.ones((1, 1, 1, 2)))
    assert layer.shape == (1, 1, 1) and np.isposinf(layer).all()


@pytest.mark.parametrize("kind", ["random", "rank1"])
@pytest.mark.parametrize("kshape", [(3, 3), (11, 11), (15, 15)])
def test_nan_in_image_stays_local(kshape, kind):
    """A NaN pixel makes NaN only the outputs whose window reads it (the FFT, which would
    smear it over the whole image, is not used for such input)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 37))
    x[20, 18] = np.nan
    k = case_kernel(kind, kshape, rng) + (3.0 if kind == "random" else 0.0)
    k[0, -1] = 0.0  # a zero weight: the NaN must not reach the output that reads it there
    got = convolve2d(x, k, padding="same")
    nan_rows, nan_cols = np.nonzero(np.isnan(got))
    kh, kw = kshape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    expected = {(20 - a + top, 18 - b + left) for a in range(kh) for b in range(kw)
                if k[a, b] != 0.0}
    assert set(zip(nan_rows.tolist(), nan_cols.tolist(), strict=True)) == expected
    clean = x.copy()
    clean[20, 18] = 0.0
    reference = reference_convolve2d(clean, k, padding="same")
    mask = ~np.isnan(got)
    np.testing.assert_allclose(got[mask], reference[mask], rtol=1e-9, atol=1e-9)
