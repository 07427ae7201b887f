"""The dtype contract (issue 15, item 4): a float of 8 bytes or more gives float64 whatever its
byte order, longdouble is computed in float64, everything else gives float32; values equal
those of the native-order input. Expected values come from NumPy expressions and the
brute-force reference, never from convgui."""

from __future__ import annotations

import numpy as np
import pytest
from engines import ENGINES, selected_engine
from reference import reference_convolve2d, reference_scale

from convgui import engine
from convgui.engine import conv_layer, conv_transpose2d, convolve2d, pool2d
from convgui.stepper import Walkthrough

engine_name = pytest.fixture(autouse=True, scope="module", params=ENGINES)(selected_engine)

#: (input dtype, result dtype): both byte orders of every float width, and the rest.
CASES = [
    (">f8", np.float64), ("<f8", np.float64), (np.longdouble, np.float64),
    (">f4", np.float32), ("<f4", np.float32), (">f2", np.float32), (np.float16, np.float32),
    (">i4", np.float32), (np.uint8, np.float32), (np.int64, np.float32), (np.bool_, np.float32),
]


def as_dtype(values: np.ndarray, dtype) -> np.ndarray:
    return np.asarray(values).astype(dtype)


@pytest.mark.parametrize(("dtype", "want"), CASES)
def test_result_dtype_reads_kind_and_size_not_byte_order(dtype, want):
    assert engine.result_dtype(np.dtype(dtype)) is want


def test_issue_example_big_endian_float64_stays_float64():
    got = convolve2d(np.array([[0.1]], dtype=">f8"), [[1.0]])
    assert got.dtype.kind == "f" and got.dtype.itemsize == 8
    assert got[0, 0] == 0.1  # exact: a float32 round trip would give 0.10000000149011612


@pytest.mark.parametrize(("dtype", "want"), CASES)
@pytest.mark.parametrize("shape", [(37, 41), (23, 29, 3)])
@pytest.mark.parametrize("stride", [1, 2])
def test_convolve2d_every_byte_order(dtype, want, shape, stride):
    rng = np.random.default_rng(7)
    values = rng.integers(0, 5, size=shape) if np.dtype(dtype).kind in "iub" else (
        rng.standard_normal(shape) * 10)
    if np.dtype(dtype) == np.bool_:
        values = values > 2
    image = as_dtype(values, dtype)
    kernel = rng.standard_normal((3, 4))
    kwargs = {"padding": "same", "stride": stride, "boundary": "reflect"}
    got = convolve2d(image, kernel, **kwargs)
    assert got.dtype == want and got.dtype.isnative
    # the reference sums in float64 the values the input holds (float32 work rounds them)
    expected = reference_convolve2d(image.astype(np.float64), kernel, **kwargs)
    tol = (1e-9 if want is np.float64 else 1e-5) * reference_scale(image.astype(np.float64),
                                                                    kernel)
    assert float(np.max(np.abs(got - expected))) <= tol


@pytest.mark.parametrize(("dtype", "want"), CASES)
def test_pool2d_every_byte_order(dtype, want):
    values = np.arange(16.0).reshape(4, 4) * (0.1 if np.dtype(dtype).kind == "f" else 1)
    image = as_dtype(values, dtype)
    got_max, got_avg = pool2d(image, 2), pool2d(image, 2, mode="avg")
    assert got_max.dtype == want and got_avg.dtype == want
    blocks = image.astype(np.float64).reshape(2, 2, 2, 2)
    np.testing.assert_allclose(got_max, blocks.max(axis=(1, 3)), rtol=1e-6)
    np.testing.assert_allclose(got_avg, blocks.mean(axis=(1, 3)), rtol=1e-6)


@pytest.mark.parametrize(("dtype", "want"), CASES)
def test_conv_transpose2d_every_byte_order(dtype, want):
    values = np.array([[1.0, 2.0], [3.0, 4.0]]) * (0.1 if np.dtype(dtype).kind == "f" else 1)
    image = as_dtype(values, dtype)
    got = conv_transpose2d(image, [[1.0, 1.0]], stride=(1, 2))
    assert got.dtype == want
    x = image.astype(np.float64)
    expected = np.repeat(x, 2, axis=1)  # each cell stamps [1, 1] two columns apart
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    if want is np.float64:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("dtype", "want"), CASES)
def test_conv_layer_every_byte_order(dtype, want):
    values = np.arange(24.0).reshape(4, 3, 2) * (0.1 if np.dtype(dtype).kind == "f" else 1)
    image = as_dtype(values, dtype)
    weights = np.ones((1, 1, 1, 2))
    got = conv_layer(image, weights, [0.5])
    assert got.dtype == want
    expected = image.astype(np.float64).sum(axis=2) + 0.5
    np.testing.assert_allclose(got[:, :, 0], expected, rtol=1e-6)


@pytest.mark.parametrize(("dtype", "want"), CASES)
def test_stepper_every_byte_order(dtype, want):
    values = np.arange(20.0).reshape(4, 5) * (0.1 if np.dtype(dtype).kind == "f" else 1)
    image = as_dtype(values, dtype)
    walk = Walkthrough(image, [[1.0, 2.0]])
    assert walk.output.dtype == want
    x = image.astype(np.float64)
    np.testing.assert_allclose(walk.output, x[:, :-1] + 2 * x[:, 1:], rtol=1e-6)


def test_longdouble_is_computed_in_float64():
    image = np.array([[1.0, 2.0 ** -60]], dtype=np.longdouble) + np.longdouble(2.0 ** -70)
    got = convolve2d(image, [[1.0, 1.0]])
    assert got.dtype == np.float64
    assert got[0, 0] == float(image[0, 0]) + float(image[0, 1])  # float64 sum of float64 values
