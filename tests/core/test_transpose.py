"""Tests for convgui.engine.conv_transpose2d (PyTorch's ConvTranspose2d, one channel).

Expected values come from a scatter-add written here with plain loops, from matrices worked out
by hand, from SciPy (a stride-1 transposed convolution is a 'full' convolution), and from the
defining property: the transposed convolution is the adjoint of the convolution.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from convgui.engine import conv_transpose2d, convolve2d
from convgui.shapes import ShapeError


def brute_transpose(x, k, stride, padding, output_padding, dilation):
    """The definition, literally: stamp K·X[i, j] at (i·s, j·s) with taps d apart, then cut
    ``padding`` cells from both ends of each axis. Returns None when nothing is left."""
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    h, w = x.shape
    kh, kw = k.shape
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (w - 1) * sw + dw * (kw - 1) + 1 + opw
    full = np.zeros((full_h, full_w))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    full[i * sh + a * dh, j * sw + b * dw] += x[i, j] * k[a, b]
    out_h, out_w = full_h - 2 * ph, full_w - 2 * pw
    if out_h < 1 or out_w < 1:
        return None
    return full[ph:ph + out_h, pw:pw + out_w]


# ----------------------------------------------------------------------------------------------
# Hand-computed cases


def test_two_by_two_stride_two_places_scaled_kernels_side_by_side():
    x = np.array([[1, 2], [3, 4]])
    k = np.array([[1, -1], [2, 0]])
    expected = np.array([
        [1, -1, 2, -2],
        [2, 0, 4, 0],
        [3, -3, 4, -4],
        [6, 0, 8, 0],
    ])
    got = conv_transpose2d(x, k, stride=2)
    assert got.shape == (4, 4)
    np.testing.assert_array_equal(got, expected)


def test_padding_cuts_both_ends_and_output_padding_adds_at_the_end():
    x = np.array([[1, 2], [3, 4]])
    k = np.array([[1, -1], [2, 0]])
    # the 4×4 result above without its first and last row and column
    np.testing.assert_array_equal(conv_transpose2d(x, k, stride=2, padding=1),
                                  [[0, 4], [-3, 4]])
    # output_padding 1: the full array grows to 5×5 (a zero row and column at the end)
    np.testing.assert_array_equal(
        conv_transpose2d(x, k, stride=2, padding=1, output_padding=1),
        [[0, 4, 0], [-3, 4, -4], [0, 8, 0]],
    )


def test_stride_one_overlapping_stamps_add_up():
    # 1×2 input, 1×2 kernel: [1·(1, 10) at 0] + [2·(1, 10) at 1]
    np.testing.assert_array_equal(conv_transpose2d([[1, 2]], [[1, 10]]), [[1, 12, 20]])


def test_dilation_spreads_the_stamp():
    np.testing.assert_array_equal(conv_transpose2d([[1, 2]], [[1, 10]], dilation=2),
                                  [[1, 2, 10, 20]])


def test_checkerboard_from_a_box_kernel_at_stride_two():
    """Kernel 3 is not a multiple of stride 2: stamps overlap on every other cell only."""
    got = conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2)
    expected = np.array([
        [1, 1, 2, 1, 2, 1, 1],
        [1, 1, 2, 1, 2, 1, 1],
        [2, 2, 4, 2, 4, 2, 2],
        [1, 1, 2, 1, 2, 1, 1],
        [2, 2, 4, 2, 4, 2, 2],
        [1, 1, 2, 1, 2, 1, 1],
        [1, 1, 2, 1, 2, 1, 1],
    ])
    np.testing.assert_array_equal(got, expected)
    interior = got[1:-1, 1:-1]
    assert interior.min() == 1 and interior.max() == 4  # uneven: the checkerboard


def test_kernel_a_multiple_of_the_stride_has_no_checkerboard():
    got = conv_transpose2d(np.ones((3, 3)), np.ones((4, 4)), stride=2)
    assert got.shape == (8, 8)
    profile = np.array([1, 1, 2, 2, 2, 2, 1, 1])
    np.testing.assert_array_equal(got, np.outer(profile, profile))
    assert np.all(got[2:-2, 2:-2] == 4)


def test_rectangular_arguments_per_axis():
    x = np.arange(6.0).reshape(2, 3)
    k = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    got = conv_transpose2d(x, k, stride=(1, 2), padding=(1, 0), output_padding=(0, 1),
                           dilation=(2, 1))
    expected = brute_transpose(x, k, (1, 2), (1, 0), (0, 1), (2, 1))
    # height: (2−1)·1 − 2 + 2·2 + 0 + 1 = 4; width: (3−1)·2 − 0 + 1 + 1 + 1 = 7
    assert got.shape == expected.shape == (4, 7)
    np.testing.assert_allclose(got, expected)


# ----------------------------------------------------------------------------------------------
# Against the brute force, SciPy and the adjoint identity


@st.composite
def transpose_case(draw):
    axes = []
    for _ in range(2):
        s = draw(st.integers(1, 3))
        d = draw(st.integers(1, 2))
        axes.append((
            draw(st.integers(1, 8)), draw(st.integers(1, 4)), s, d, draw(st.integers(0, 2)),
            draw(st.integers(0, max(s, d) - 1)),
        ))
    (h, kh, sh, dh, ph, oph), (w, kw, sw, dw, pw, opw) = axes
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=(h, w)).astype(np.float64)
    k = rng.integers(-3, 4, size=(kh, kw)).astype(np.float64)
    return x, k, (sh, sw), (ph, pw), (oph, opw), (dh, dw)


@settings(max_examples=300, deadline=None)
@given(transpose_case())
def test_matches_brute_force_scatter_add(case):
    x, k, s, p, op, d = case
    expected = brute_transpose(x, k, s, p, op, d)
    if expected is None:
        with pytest.raises(ShapeError):
            conv_transpose2d(x, k, stride=s, padding=p, output_padding=op, dilation=d)
        return
    got = conv_transpose2d(x, k, stride=s, padding=p, output_padding=op, dilation=d)
    assert got.dtype == np.float64
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)  # small integers: exact


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_equals_full_convolution_of_the_zero_upsampled_input(stride):
    """Insert stride−1 zeros between the inputs, then a 'full' true convolution (SciPy)."""
    rng = np.random.default_rng(stride)
    x = rng.standard_normal((4, 5))
    k = rng.standard_normal((3, 2))
    up = np.zeros(((4 - 1) * stride + 1, (5 - 1) * stride + 1))
    up[::stride, ::stride] = x
    expected = scipy.signal.convolve2d(up, k, mode="full")
    np.testing.assert_allclose(conv_transpose2d(x, k, stride=stride), expected, atol=1e-12)


@pytest.mark.parametrize(
    ("n", "k", "s", "d", "p"),
    [
        ((7, 8), (3, 3), (1, 1), (1, 1), (0, 0)),
        ((9, 7), (3, 2), (2, 2), (1, 1), (1, 0)),
        ((10, 11), (3, 3), (2, 3), (2, 1), (2, 1)),
        ((8, 8), (4, 4), (3, 3), (1, 2), (0, 2)),
        ((5, 6), (1, 1), (2, 2), (1, 1), (0, 0)),
        ((12, 5), (2, 3), (1, 2), (3, 1), (1, 1)),
    ],
)
def test_adjoint_of_convolution(n, k, s, d, p):
    """<conv(x), y> = <x, conv_transpose(y)>: the transposed convolution is the adjoint."""
    rng = np.random.default_rng(sum(n) * 7 + sum(k))
    x = rng.standard_normal(n)
    kernel = rng.standard_normal(k)
    cx = convolve2d(x, kernel, padding=p, stride=s, dilation=d)
    y = rng.standard_normal(cx.shape)
    # output_padding restores the rows/columns the strided convolution never reached
    op = tuple((n[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) % s[i] for i in range(2))
    ty = conv_transpose2d(y, kernel, stride=s, padding=p, output_padding=op, dilation=d)
    assert ty.shape == x.shape
    lhs = float(np.sum(cx * y))
    rhs = float(np.sum(x * ty))
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


# ----------------------------------------------------------------------------------------------
# Types and argument checks


def test_dtypes_follow_convolve2d():
    k = np.ones((2, 2))
    assert conv_transpose2d(np.ones((3, 3), dtype=np.uint8), k).dtype == np.float32
    assert conv_transpose2d(np.ones((3, 3), dtype=np.float32), k).dtype == np.float32
    assert conv_transpose2d(np.ones((3, 3), dtype=np.float64), k).dtype == np.float64
    assert conv_transpose2d(np.ones((3, 3), dtype=np.int64), k).dtype == np.float32


def test_input_is_not_modified():
    x = np.arange(9.0).reshape(3, 3)
    before = x.copy()
    conv_transpose2d(x, np.ones((2, 2)), stride=2)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"image": np.ones((3, 3, 2))}, ValueError, ["2-D"]),
        ({"image": np.ones(3)}, ValueError, ["2-D"]),
        ({"image": np.array([["a"]])}, TypeError, ["real numbers"]),
        ({"kernel": np.ones((2, 2, 2))}, ValueError, ["kernel"]),
        ({"kernel": [[1, np.nan]]}, ValueError, ["NaN"]),
        ({"stride": 0}, ValueError, ["stride"]),
        ({"stride": 1.5}, TypeError, ["stride"]),
        ({"dilation": (1, 0)}, ValueError, ["dilation"]),
        ({"padding": -1}, ValueError, ["padding"]),
        ({"padding": "same"}, TypeError, ["padding"]),
        ({"padding": True}, TypeError, ["padding"]),
        ({"padding": (1, 2, 3)}, ValueError, ["padding"]),
        ({"output_padding": 1}, ValueError, ["output_padding"]),  # stride 1, dilation 1
        ({"output_padding": 2, "stride": 2}, ValueError, ["output_padding"]),
        ({"padding": 3}, ShapeError, ["padding"]),  # (3−1) + 2 + 1 − 6 = −1
    ],
)
def test_bad_arguments(kwargs, error, words):
    args = {"image": np.ones((3, 3)), "kernel": np.ones((3, 3))}
    args.update(kwargs)
    image, kernel = args.pop("image"), args.pop("kernel")
    with pytest.raises(error) as excinfo:
        conv_transpose2d(image, kernel, **args)
    for word in words:
        assert word.lower() in str(excinfo.value).lower()


def test_output_padding_below_dilation_is_allowed():
    """PyTorch's rule is output_padding < max(stride, dilation)."""
    got = conv_transpose2d([[1.0]], [[1.0, 2.0]], dilation=2, output_padding=1)
    np.testing.assert_array_equal(got, [[1, 0, 2, 0], [0, 0, 0, 0]])
