"""Tests for convgui.shapes: output sizes, transposed and pooling sizes, layer summaries.

Expected numbers are worked out by hand or from the formulas written in this file (and the
independent padding rule in ``reference.py``), never by calling convgui for the expectation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_pads

from convgui.shapes import (
    ShapeError,
    conv_output_size,
    geometry,
    layer_shape,
    pool_output_size,
    stride_one,
    transposed_output_size,
)


def one_line(excinfo, *words):
    message = str(excinfo.value)
    assert message and "\n" not in message, repr(message)
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"


# ----------------------------------------------------------------------------------------------
# conv_output_size


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((5, 3), {}, 3),
        ((5, 3), {"padding": "valid"}, 3),
        ((5, 3), {"padding": "same"}, 5),
        ((5, 3), {"padding": "full"}, 7),
        ((5, 3), {"padding": 1}, 5),
        ((3, 2), {}, 2),  # 3×4 input, 2×2 kernel → 2×3
        ((4, 2), {}, 3),
        ((128, 3), {}, 126),
        ((128, 3), {"stride": 2}, 63),
        ((128, 3), {"padding": "same", "stride": 2}, 64),
        ((128, 3), {"padding": 1, "stride": 2}, 64),
        ((7, 3), {"dilation": 2}, 3),
        ((7, 3), {"padding": "full", "dilation": 2}, 11),
        ((5, 4), {"padding": "same", "stride": 2}, 3),
        ((5, 4), {"padding": (1, 2), "stride": 2}, 3),
        ((10, 1), {"padding": (0, 3), "stride": 3}, 5),  # ⌊(10 + 3 − 1)/3⌋ + 1
        ((1, 1), {}, 1),
    ],
)
def test_conv_output_size_classic(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected


padding_axis = st.one_of(
    st.sampled_from(["valid", "same", "full"]),
    st.integers(0, 5),
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
)


@settings(max_examples=400, deadline=None)
@given(n=st.integers(1, 300), k=st.integers(1, 12), padding=padding_axis, s=st.integers(1, 5),
       d=st.integers(1, 5))
def test_conv_output_size_formula(n, k, padding, s, d):
    before, after = reference_pads(n, k, padding, s, d, False)
    numerator = n + before + after - d * (k - 1) - 1
    if numerator < 0:
        with pytest.raises(ShapeError) as excinfo:
            conv_output_size(n, k, padding, s, d)
        one_line(excinfo, "padding")
        return
    assert conv_output_size(n, k, padding, s, d) == numerator // s + 1
    if padding == "same":
        assert conv_output_size(n, k, padding, s, d) == math.ceil(n / s)
    if padding == "full" and s == 1:
        assert conv_output_size(n, k, padding, s, d) == n + d * (k - 1)


def test_conv_output_size_shape_error():
    with pytest.raises(ShapeError) as excinfo:
        conv_output_size(4, 3, "valid", 1, 2)
    assert isinstance(excinfo.value, ValueError)
    one_line(excinfo, "5", "4", "padding ≥ 1", "dilation")
    with pytest.raises(ShapeError) as excinfo:
        conv_output_size(2, 5)
    one_line(excinfo, "5", "2", "padding")


@pytest.mark.parametrize(
    ("args", "exc", "words"),
    [
        ((5, 3, 0, 0), ValueError, ["stride"]),
        ((5, 3, 0, 1, 0), ValueError, ["dilation"]),
        ((5, 3, 0, -1), ValueError, ["stride"]),
        ((0, 3), ValueError, ["input"]),
        ((5, 0), ValueError, ["kernel"]),
        ((5, 3, "sam"), ValueError, ["sam"]),
        ((5, 3, -1), ValueError, ["padding"]),
        ((5, 3, (1, -2)), ValueError, ["padding"]),
        ((5, 3, 1.5), (TypeError, ValueError), ["padding"]),
        ((5, 3, 0, 1.5), (TypeError, ValueError), ["stride"]),
    ],
)
def test_conv_output_size_bad_arguments(args, exc, words):
    with pytest.raises(exc) as excinfo:
        conv_output_size(*args)
    one_line(excinfo, *words)


# ----------------------------------------------------------------------------------------------
# transposed_output_size


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3, 3, 1, 2), 5),  # (3−1)·2 − 2 + 2 + 0 + 1
        ((3, 3, 1, 2, 1, 1), 6),
        ((2, 3), 4),  # stride 1, no padding: n + k − 1
        ((4, 4, 1, 2), 8),  # the DCGAN up-sampling step doubles the size
        ((63, 3, 0, 2, 1, 1), 128),  # undoes 128 → 63
        ((5, 3, 0, 1, 2), 9),
    ],
)
def test_transposed_output_size_hand(args, expected):
    assert transposed_output_size(*args) == expected


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100), k=st.integers(1, 8), p=st.integers(0, 4), s=st.integers(1, 4),
       d=st.integers(1, 4), op=st.integers(0, 5))
def test_transposed_output_size_formula(n, k, p, s, d, op):
    if op >= max(s, d):
        with pytest.raises(ValueError) as excinfo:
            transposed_output_size(n, k, p, s, d, op)
        one_line(excinfo, "output_padding")
        return
    expected = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if expected < 1:
        with pytest.raises(ValueError):
            transposed_output_size(n, k, p, s, d, op)
        return
    assert transposed_output_size(n, k, p, s, d, op) == expected


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100), k=st.integers(1, 8), p=st.integers(0, 4), s=st.integers(1, 4),
       d=st.integers(1, 4))
def test_transposed_inverts_convolution(n, k, p, s, d):
    """A transposed convolution with output_padding = the dropped remainder restores n."""
    numerator = n + 2 * p - d * (k - 1) - 1
    if numerator < 0:
        return
    out = numerator // s + 1
    assert conv_output_size(n, k, p, s, d) == out
    assert transposed_output_size(out, k, p, s, d, numerator % s) == n


# ----------------------------------------------------------------------------------------------
# pool_output_size


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((4, 2), {}, 2),
        ((5, 2), {}, 2),
        ((6, 3), {}, 2),
        ((5, 3), {"stride": 1}, 3),
        ((5, 3), {"stride": 2, "padding": 1}, 3),  # ⌊(5 + 2 − 3)/2⌋ + 1
        ((5, 2), {"padding": 1}, 3),
        ((1, 1), {}, 1),
    ],
)
def test_pool_output_size_hand(args, kwargs, expected):
    assert pool_output_size(*args, **kwargs) == expected


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100), size=st.integers(1, 8),
       stride=st.one_of(st.none(), st.integers(1, 5)), p=st.integers(0, 3))
def test_pool_output_size_formula(n, size, stride, p):
    step = size if stride is None else stride
    if n + 2 * p < size:
        with pytest.raises(ValueError):
            pool_output_size(n, size, stride, p)
        return
    assert pool_output_size(n, size, stride, p) == (n + 2 * p - size) // step + 1


@pytest.mark.parametrize(
    ("args", "words"),
    [((4, 0), ["size"]), ((4, 2, 0), ["stride"]), ((4, 2, 1, -1), ["padding"]),
     ((4, 5), ["5", "4"])],
)
def test_pool_output_size_errors(args, words):
    with pytest.raises(ValueError) as excinfo:
        pool_output_size(*args)
    one_line(excinfo, *words)


# ----------------------------------------------------------------------------------------------
# layer_shape


def test_layer_shape_classic_stride1():
    info = layer_shape((128, 128, 3), 3, filters=16, padding="valid", stride=1, dilation=1,
                       channels="sum")
    assert info.out_shape == (126, 126, 16)
    assert info.params == 448 == 16 * (3 * 3 * 3 + 1)
    assert info.macs == 126 * 126 * 16 * 3 * 3 * 3
    assert info.receptive_field == (3, 3)
    assert info.formulas == (
        "⌊(128 + 0 + 0 − 2 − 1)/1⌋ + 1 = 126",
        "⌊(128 + 0 + 0 − 2 − 1)/1⌋ + 1 = 126",
    )


def test_layer_shape_classic_stride2():
    info = layer_shape((128, 128, 3), (3, 3), filters=16, stride=2, channels="sum")
    assert info.out_shape == (63, 63, 16)
    assert info.params == 448
    assert info.macs == 63 * 63 * 16 * 27
    assert info.formulas[0] == "⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63"
    assert info.formulas[1] == "⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63"


def test_layer_shape_padding_dilation_and_rectangles():
    info = layer_shape((128, 96, 3), (3, 5), filters=8, padding="same", stride=(2, 1),
                       dilation=(1, 2), channels="sum")
    assert info.out_shape == (64, 96, 8)
    assert info.params == 8 * (3 * 5 * 3 + 1)
    assert info.receptive_field == (3, 9)
    # same, stride 2 on 128 with k=3: total pad (64−1)·2 + 2 + 1 − 128 = 1 → 0 before, 1 after
    assert info.formulas[0] == "⌊(128 + 0 + 1 − 2 − 1)/2⌋ + 1 = 64"
    # width: d·(k−1) = 8, total pad 8 → 4 + 4
    assert info.formulas[1] == "⌊(96 + 4 + 4 − 8 − 1)/1⌋ + 1 = 96"
    info = layer_shape((32, 32, 1), 5, filters=4, dilation=2, padding=1)
    assert info.out_shape == (26, 26, 4)  # ⌊(32 + 2 − 8 − 1)/1⌋ + 1
    assert info.receptive_field == (9, 9)
    assert info.formulas[0] == "⌊(32 + 1 + 1 − 8 − 1)/1⌋ + 1 = 26"


def test_layer_shape_channel_modes():
    per = layer_shape((10, 10, 3), 3, filters=2, channels="per-channel")
    assert per.out_shape == (8, 8, 6)
    assert per.params == 2 * (9 + 1)
    luma = layer_shape((10, 10, 3), 3, filters=2, channels="luma")
    assert luma.out_shape == (8, 8, 2)
    assert luma.params == 2 * (9 + 1)
    gray = layer_shape((10, 10), 3, filters=1)
    assert gray.out_shape == (8, 8, 1)
    assert gray.params == 10


@settings(max_examples=200, deadline=None)
@given(h=st.integers(1, 200), w=st.integers(1, 200), c=st.integers(1, 8),
       kh=st.integers(1, 7), kw=st.integers(1, 7), filters=st.integers(1, 64),
       s=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       d=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.sampled_from(["valid", "same", "full", 0, 1, 2]))
def test_layer_shape_formula(h, w, c, kh, kw, filters, s, d, padding):
    sizes = []
    for n, k, si, di in ((h, kh, s[0], d[0]), (w, kw, s[1], d[1])):
        before, after = reference_pads(n, k, padding, si, di, False)
        sizes.append((n + before + after - di * (k - 1) - 1) // si + 1)
    if min(sizes) < 1:
        with pytest.raises(ShapeError):
            layer_shape((h, w, c), (kh, kw), filters=filters, padding=padding, stride=s,
                        dilation=d, channels="sum")
        return
    info = layer_shape((h, w, c), (kh, kw), filters=filters, padding=padding, stride=s,
                       dilation=d, channels="sum")
    assert info.out_shape == (sizes[0], sizes[1], filters)
    assert info.params == filters * (kh * kw * c + 1)
    assert info.macs == sizes[0] * sizes[1] * filters * kh * kw * c
    assert info.receptive_field == (d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1)
    assert info.formulas[0].endswith(f"= {sizes[0]}")
    assert info.formulas[1].endswith(f"= {sizes[1]}")


@pytest.mark.parametrize(
    ("args", "kwargs", "exc"),
    [
        (((4, 4, 3), 3), {"dilation": 2}, ShapeError),
        (((4, 4, 3), 3), {"filters": 0}, ValueError),
        (((4, 4, 3), 3), {"stride": 0}, ValueError),
        (((4, 4, 3), 0), {}, ValueError),
        (((4, 4, 3), 3), {"channels": "rgb"}, ValueError),
        (((4, 4, 3), 3), {"padding": "sam"}, ValueError),
        (((4, 4, 3, 1), 3), {}, ValueError),
        (((0, 4, 3), 3), {}, ValueError),
    ],
)
def test_layer_shape_errors(args, kwargs, exc):
    with pytest.raises(exc) as excinfo:
        layer_shape(*args, **kwargs)
    one_line(excinfo)


# ----------------------------------------------------------------------------------------------
# A strided call as a stride-1 call and every s-th output (the engine's "sliced" route)


@pytest.mark.parametrize(("args", "anchor", "origin", "pads"), [
    # 'same' at stride 2, 40 rows, 7 taps: 19·2 + 7 − 40 = 5 padded, 2 above; the centre is 3
    (((40, 40), (7, 7), "same", 2), (3, 3), (1, 1), ((3, 3), (3, 3))),
    # 'valid' at stride 2: outputs read rows 2i … 2i + 2, the centred stride-1 output 2i + 1
    (((40, 38), (3, 3), "valid", 2), (1, 1), (1, 1), ((1, 1), (1, 1))),
    # dilation 2 at stride 3: 9·3 + 5 − 30 = 2 padded, 1 above; the centre of a 5-row span is 2
    (((30, 30), (3, 3), "same", 3, 2), (2, 2), (1, 1), ((2, 2), (2, 2))),
    # an even kernel: 9·2 + 4 − 20 = 2 padded, 1 above; centre 2, origin 1
    (((20, 20), (4, 4), "same", 2), (2, 2), (1, 1), ((2, 1), (2, 1))),
    # … on 21 columns 10·2 + 4 − 21 = 3 padded, 1 left: centred, the last output would need
    # column 21; its own pad does fit
    (((20, 21), (4, 4), "same", 2), (2, 1), (1, 0), ((2, 1), (1, 2))),
])
def test_stride_one_is_centred_where_the_outputs_fit(args, anchor, origin, pads):
    one = stride_one(geometry(*args))
    assert (one.anchor, one.origin, one.geometry.pads) == (anchor, origin, pads)
    assert one.geometry.stride == (1, 1) and one.geometry.out_hw == args[0]
    geo = geometry(*args)  # and output (i, j) reads what stride-1 output origin + (i·s, j·s) does
    s = geo.stride
    assert one.geometry.taps(origin[0] + s[0], origin[1] + s[1]) == geo.taps(1, 1)


def test_stride_one_keeps_the_pads_when_the_outputs_reach_beyond_the_input():
    # 'full' at stride 2 on 10 with 3 taps: pads 2 + 2, outputs 0 … 5 start at rows −2 … 8,
    # the last beyond an input-sized result anchored at 2 (8 + 2 > 9)
    one = stride_one(geometry((10, 10), (3, 3), "full", 2))
    assert (one.anchor, one.origin, one.geometry.pads) == ((2, 2), (0, 0), ((2, 2), (2, 2)))
    assert one.geometry.out_hw == (12, 12)


@settings(max_examples=300, deadline=None)
@given(n=st.tuples(st.integers(1, 30), st.integers(1, 30)),
       k=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       pads=st.tuples(st.tuples(st.integers(0, 6), st.integers(0, 6)),
                      st.tuples(st.integers(0, 6), st.integers(0, 6))),
       s=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       d=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_every_strided_output_reads_what_its_stride_one_output_reads(n, k, pads, s, d):
    """Output (i, j) of the strided call and output origin + (i·sh, j·sw) of the stride-1
    call read the same input cells, tap by tap (Geometry.taps)."""
    try:
        geo = geometry(n, k, pads, s, d)
    except ShapeError:
        return
    one = stride_one(geo)
    (oy, ox), (oh, ow) = one.origin, geo.out_hw
    assert one.geometry.stride == (1, 1)
    for i in {0, oh // 2, oh - 1}:
        for j in {0, ow // 2, ow - 1}:
            r, c = oy + i * s[0], ox + j * s[1]
            assert r < one.geometry.out_hw[0] and c < one.geometry.out_hw[1]
            assert one.geometry.taps(r, c) == geo.taps(i, j)
    # … and its outputs index exactly those cells of the stride-1 result
    rows, cols = np.indices(one.geometry.out_hw)
    expected_rows, expected_cols = np.meshgrid(oy + s[0] * np.arange(oh),
                                               ox + s[1] * np.arange(ow), indexing="ij")
    np.testing.assert_array_equal(rows[one.outputs], expected_rows)
    np.testing.assert_array_equal(cols[one.outputs], expected_cols)
