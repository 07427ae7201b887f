"""Separable kernels given in float32 (issue 15, item 6b): the rank tolerance comes from the
accuracy contract (|result − exact| ≤ 1e-5 · Σ|K| · max|X| for float32 work). A kernel whose
rank-1 residual is just below the tolerance takes a separable route and stays within the
contract; one just above takes a full-rank route and is exact. Expected values come from the
brute-force reference."""

from __future__ import annotations

import numpy as np
import pytest
from engines import ENGINES, selected_engine
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_convolve2d, reference_scale

from convgui import planner
from convgui.engine import prepare

engine_name = pytest.fixture(autouse=True, scope="module", params=ENGINES)(selected_engine)

FLOAT32_TOL = 1e-5  # the contract for float32 results (tests/core/test_engine.py's TOL)


def gaussian(k: int) -> np.ndarray:
    x = np.arange(k) - (k - 1) / 2
    g = np.exp(-x * x / (2 * (0.3 * ((k - 1) * 0.5 - 1) + 0.8) ** 2))
    return g / g.sum()


def with_residual(k: int, relative: float, seed: int) -> np.ndarray:
    """A rank-1 kernel plus a rank-2 part E with Σ|K − c⊗r| = ``relative`` · Σ|K| for the
    split through the largest entry (E is zero in that row and column, so the split keeps
    it whole)."""
    rng = np.random.default_rng(seed)
    column, row = rng.uniform(0.5, 1.5, k), rng.uniform(0.5, 1.5, k)
    column[k // 2] = row[k // 2] = 2.0  # the largest entry, at the centre
    base = np.outer(column, row)
    e = np.outer(rng.standard_normal(k), rng.standard_normal(k))
    e[k // 2, :] = 0.0
    e[:, k // 2] = 0.0
    return base + relative * np.abs(base).sum() / np.abs(e).sum() * e  # Σ|t·e| = rel·Σ|base|


def test_tolerance_is_a_tenth_of_the_contract():
    assert planner.rank_tolerance(np.float32) == pytest.approx(FLOAT32_TOL / 10)
    assert planner.rank_tolerance(np.float64) == pytest.approx(1e-9 / 10)


@pytest.mark.parametrize("k", [15, 31])
def test_float32_gaussian_is_separable(k):
    g = gaussian(k)
    kernel = np.outer(g, g).astype(np.float32)
    image = np.random.default_rng(k).random((64, 64), dtype=np.float32)
    conv = prepare(image, kernel, padding="same")
    assert "separable" in conv.method
    got = conv.run()
    expected = reference_convolve2d(image, kernel.astype(np.float64), padding="same")
    assert np.max(np.abs(got - expected)) <= FLOAT32_TOL * reference_scale(image, kernel)


def test_float64_work_keeps_the_strict_tolerance():
    g = gaussian(15)
    kernel = np.outer(g, g).astype(np.float32)  # rank 1 only to ~4e-8
    assert planner.rank_one(kernel, np.float64) is None
    assert planner.rank_one(kernel, np.float32) is not None


def test_four_decimal_gaussian_is_not_rank_one_within_the_contract():
    kernel = np.round(np.outer(gaussian(7), gaussian(7)), 4)  # rank 1 to ~1e-3 of Σ|K|
    assert planner.rank_one(kernel, np.float32) is None
    # a four-decimal kernel that is a product of decimals is recognised
    g = np.array([0.05, 0.25, 0.4, 0.25, 0.05])
    typed = np.array([[float(f"{v:.4f}") for v in r] for r in np.outer(g, g)])
    assert planner.rank_one(typed.astype(np.float32), np.float32) is not None


@settings(max_examples=40, deadline=None)
@given(k=st.sampled_from([3, 4, 7]), seed=st.integers(0, 10_000),
       side=st.sampled_from([0.5, 2.0]), stride=st.sampled_from([1, 2, 3]),
       dilation=st.sampled_from([1, 2]), boundary=st.sampled_from(["constant", "reflect"]))
def test_kernels_at_the_boundary(k, seed, side, stride, dilation, boundary):
    """Just below the tolerance: separable and within the contract; just above: a full-rank
    route and exact."""
    kernel = with_residual(k, side * planner.rank_tolerance(np.float32), seed)
    column, row = planner.rank_one(kernel, np.float64) or (None, None)
    assert column is None  # not rank 1 for float64 work
    below = side < 1
    assert (planner.rank_one(kernel, np.float32) is not None) == below
    image = (np.random.default_rng(seed).standard_normal((29, 33)) * 10).astype(np.float32)
    kwargs = {"padding": "same", "stride": stride, "dilation": dilation, "boundary": boundary}
    conv = prepare(image, kernel, **kwargs)
    if not below:
        assert "separable" not in conv.method
    got = conv.run()
    expected = reference_convolve2d(image, kernel, **kwargs)
    scale = reference_scale(image, kernel, **kwargs)
    assert float(np.max(np.abs(got - expected))) <= FLOAT32_TOL * scale


def test_nan_stays_exact_with_a_float32_gaussian():
    g = gaussian(7)
    kernel = np.outer(g, g).astype(np.float32)
    kernel[0, :] = 0.0  # a zero row: the product's zeros are still the kernel's zeros
    image = np.random.default_rng(3).random((40, 40), dtype=np.float32)
    image[20, 20] = np.nan
    got = prepare(image, kernel, padding="same").run()
    # NaN exactly where a window reads the NaN with a non-zero weight: output row i reads
    # input row i − 3 + a, so rows 17-22 (kernel row 0, which would reach row 23, is zero)
    reach = reference_convolve2d(np.isnan(image).astype(np.float64),
                                 (kernel != 0).astype(np.float64), padding="same") > 0
    assert np.flatnonzero(reach.any(axis=1)).tolist() == list(range(17, 23))
    np.testing.assert_array_equal(np.isnan(got), reach)
    expected = reference_convolve2d(np.nan_to_num(image), kernel.astype(np.float64),
                                    padding="same")
    assert np.max(np.abs(got[~reach] - expected[~reach])) <= FLOAT32_TOL * reference_scale(
        np.nan_to_num(image), kernel)
