"""Tests for convgui.kernels: the named-kernel library and the kernel generators."""

import subprocess
import sys

import numpy as np
import pytest

from convgui import kernels

# Hand-written expectations: (grid, divisor). Not derived from the module.
EXPECTED = {
    "identity": ([[0, 0, 0], [0, 1, 0], [0, 0, 0]], 1),
    "box-3": ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 9),
    "box-5": (
        [
            [1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1],
        ],
        25,
    ),
    "gaussian-3": ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16),
    "gaussian-5": (
        [
            [1, 4, 6, 4, 1],
            [4, 16, 24, 16, 4],
            [6, 24, 36, 24, 6],
            [4, 16, 24, 16, 4],
            [1, 4, 6, 4, 1],
        ],
        256,
    ),
    "sharpen": ([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], 1),
    "laplacian-4": ([[0, 1, 0], [1, -4, 1], [0, 1, 0]], 1),
    "laplacian-8": ([[1, 1, 1], [1, -8, 1], [1, 1, 1]], 1),
    "outline": ([[1, 1, 1], [1, -8, 1], [1, 1, 1]], 1),
    "sobel-x": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 1),
    "sobel-y": ([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], 1),
    "prewitt-x": ([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], 1),
    "prewitt-y": ([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], 1),
    "scharr-x": ([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]], 1),
    "scharr-y": ([[-3, -10, -3], [0, 0, 0], [3, 10, 3]], 1),
    "emboss": ([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], 1),
}


# ------------------------------------------------------------------------------------------
# Named kernels
# ------------------------------------------------------------------------------------------


def test_library_names_and_order():
    assert kernels.names() == list(EXPECTED)
    assert list(kernels.LIBRARY) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_named_grid_and_divisor(name):
    grid, divisor = EXPECTED[name]
    k = kernels.get(name)
    assert k.name == name
    assert k.grid.dtype == np.float64
    np.testing.assert_array_equal(k.grid, np.array(grid, dtype=float))
    assert k.divisor == divisor
    np.testing.assert_allclose(k.kernel(), np.array(grid, dtype=float) / divisor, rtol=0, atol=0)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_named_separable_flag_matches_rank(name):
    grid, _ = EXPECTED[name]
    rank = np.linalg.matrix_rank(np.array(grid, dtype=float))
    assert kernels.get(name).separable == (rank == 1)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_named_metadata(name):
    k = kernels.get(name)
    assert k.title and "\n" not in k.title
    assert k.description and "\n" not in k.description
    assert isinstance(k.tags, tuple)
    assert k.shape == k.grid.shape


def test_named_tags():
    assert "blur" in kernels.get("gaussian-3").tags
    assert "blur" in kernels.get("box-5").tags
    assert "edge" in kernels.get("sobel-x").tags
    assert "sharpen" in kernels.get("sharpen").tags


def test_blurs_sum_to_one_and_edges_sum_to_zero():
    for name in ("box-3", "box-5", "gaussian-3", "gaussian-5", "identity", "sharpen", "emboss"):
        assert kernels.get(name).kernel().sum() == pytest.approx(1.0)
    for name in ("laplacian-4", "laplacian-8", "outline", "sobel-x", "scharr-y", "prewitt-x"):
        assert kernels.get(name).kernel().sum() == 0.0


def test_grid_is_read_only_and_kernel_is_a_fresh_writable_copy():
    k = kernels.get("gaussian-3")
    assert not k.grid.flags.writeable
    with pytest.raises(ValueError):
        k.grid[0, 0] = 5
    a = k.kernel()
    assert a.flags.writeable and a.dtype == np.float64
    a[0, 0] = 99.0
    assert k.grid[0, 0] == 1.0
    assert k.kernel()[0, 0] == pytest.approx(1 / 16)
    assert k.kernel() is not k.kernel()


def test_named_kernel_is_frozen():
    k = kernels.get("identity")
    with pytest.raises(AttributeError):
        k.divisor = 2.0  # type: ignore[misc]


def test_named_kernel_copies_grid_and_checks_flag():
    src = np.array([[1, 2], [2, 4]])
    k = kernels.NamedKernel(name="t", title="T", description="d", grid=src, separable=True)
    src[0, 0] = 7
    assert k.grid[0, 0] == 1.0 and k.grid.dtype == np.float64
    assert k.divisor == 1.0 and k.tags == ()
    rank1 = [[1, 2], [2, 4]]
    with pytest.raises(ValueError, match="separable"):
        kernels.NamedKernel(name="t", title="T", description="d", grid=rank1, separable=False)
    with pytest.raises(ValueError, match="separable"):
        kernels.NamedKernel(name="t", title="T", description="d", grid=np.eye(2), separable=True)
    with pytest.raises(ValueError, match="divisor"):
        kernels.NamedKernel(
            name="t", title="T", description="d", grid=rank1, separable=True, divisor=0
        )
    with pytest.raises(ValueError):
        kernels.NamedKernel(name="t", title="T", description="d", grid=[1, 2], separable=True)


def test_get_is_tolerant_of_case_and_separators():
    assert kernels.get("Sobel_X") is kernels.get("sobel-x")
    assert kernels.get(" laplacian 4 ") is kernels.get("laplacian-4")


def test_get_unknown_name_message():
    with pytest.raises(ValueError) as info:
        kernels.get("gausian-3")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("unknown kernel 'gausian-3'")
    assert "did you mean 'gaussian-3'" in msg
    for name in EXPECTED:
        assert name in msg


def test_get_unknown_name_without_close_match():
    with pytest.raises(ValueError, match=r"^unknown kernel 'zzz'; known: identity, box-3"):
        kernels.get("zzz")
    with pytest.raises(ValueError, match="unknown kernel"):
        kernels.get(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# is_separable
# ------------------------------------------------------------------------------------------


def test_is_separable():
    rng = np.random.default_rng(0)
    col, row = rng.normal(size=(5, 1)), rng.normal(size=(1, 7))
    assert kernels.is_separable(col @ row)
    assert kernels.is_separable(1e-9 * (col @ row))  # relative tolerance
    assert not kernels.is_separable(col @ row + 1e-6 * rng.normal(size=(5, 7)))
    assert not kernels.is_separable(np.eye(3))
    assert kernels.is_separable(np.zeros((3, 3)))
    assert kernels.is_separable(np.array([[1.0, -2.0, 3.0]]))
    assert kernels.is_separable(np.array([[1.0], [5.0]]))
    assert kernels.is_separable([[1, 2], [3, 6]])
    perturbed = np.outer([1.0, 2.0], [1.0, 1.0]) + np.array([[0.0, 1e-8], [0.0, 0.0]])
    assert not kernels.is_separable(perturbed)
    assert kernels.is_separable(perturbed, tol=1e-6)


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 2, 2)), np.zeros((0, 3)), [[np.nan]]])
def test_is_separable_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        kernels.is_separable(bad)


# ------------------------------------------------------------------------------------------
# gaussian / box
# ------------------------------------------------------------------------------------------


def _gauss_1d(n, sigma):
    x = np.arange(n) - (n - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


@pytest.mark.parametrize(("size", "sigma"), [(1, 1.0), (3, 0.8), (5, 1.0), (7, 2.5), (4, 1.0)])
def test_gaussian_square(size, sigma):
    g = kernels.gaussian(size, sigma)
    assert g.shape == (size, size) and g.dtype == np.float64
    assert g.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(g, g.T, atol=1e-15)
    np.testing.assert_allclose(g, g[::-1, ::-1], atol=1e-15)
    np.testing.assert_allclose(g, np.outer(_gauss_1d(size, sigma), _gauss_1d(size, sigma)))
    assert kernels.is_separable(g)
    if size % 2:
        c = size // 2
        assert g[c, c] == g.max()


def test_gaussian_anisotropic():
    g = kernels.gaussian((3, 7), (0.5, 2.0))
    assert g.shape == (3, 7)
    assert g.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(g, np.outer(_gauss_1d(3, 0.5), _gauss_1d(7, 2.0)))
    np.testing.assert_allclose(g, g[::-1, ::-1])


def test_gaussian_3_close_to_binomial():
    # The taught 1 2 1 kernel is a Gaussian with sigma ~ 0.85.
    np.testing.assert_allclose(
        kernels.gaussian(3, 0.85), np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16, atol=6e-3
    )


def test_box():
    np.testing.assert_array_equal(kernels.box(3), np.full((3, 3), 1 / 9))
    b = kernels.box(2, 4)
    assert b.shape == (2, 4)
    np.testing.assert_array_equal(b, np.full((2, 4), 0.125))
    np.testing.assert_array_equal(kernels.box(1), [[1.0]])
    assert kernels.is_separable(kernels.box(5, 3))


# ------------------------------------------------------------------------------------------
# motion_blur
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [3, 5, 9])
def test_motion_blur_horizontal(length):
    k = kernels.motion_blur(length, 0)
    expected = np.zeros((length, length))
    expected[length // 2, :] = 1 / length
    np.testing.assert_allclose(k, expected, atol=1e-15)
    np.testing.assert_allclose(kernels.motion_blur(length, 180), expected, atol=1e-15)
    np.testing.assert_allclose(kernels.motion_blur(length, -180), expected, atol=1e-15)


@pytest.mark.parametrize("length", [3, 5, 9])
def test_motion_blur_vertical(length):
    expected = np.zeros((length, length))
    expected[:, length // 2] = 1 / length
    np.testing.assert_allclose(kernels.motion_blur(length, 90), expected, atol=1e-15)
    np.testing.assert_allclose(kernels.motion_blur(length, -90), expected, atol=1e-15)
    np.testing.assert_allclose(kernels.motion_blur(length, 270), expected, atol=1e-15)


def test_motion_blur_even_length():
    k = kernels.motion_blur(4, 0)
    expected = np.zeros((5, 5))
    expected[2, :] = [0.5, 1, 1, 1, 0.5]
    np.testing.assert_allclose(k, expected / 4, atol=1e-15)
    np.testing.assert_allclose(
        kernels.motion_blur(2, 90), np.array([[0, 1, 0], [0, 2, 0], [0, 1, 0]]) / 4
    )


def test_motion_blur_length_one():
    for angle in (0, 33.3, 90):
        np.testing.assert_array_equal(kernels.motion_blur(1, angle), [[1.0]])


@pytest.mark.parametrize(("length", "angle"), [(5, 45), (7, 30), (6, 120), (9, -20), (3, 18.4)])
def test_motion_blur_oblique(length, angle):
    k = kernels.motion_blur(length, angle)
    n = length if length % 2 else length + 1
    assert k.shape == (n, n)
    assert k.sum() == pytest.approx(1.0, abs=1e-12)
    assert (k >= 0).all()
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-15)  # symmetric about the centre
    c = n // 2
    assert k[c, c] == k.max()


def test_motion_blur_direction_is_counter_clockwise():
    k = kernels.motion_blur(5, 45)
    # 45° runs bottom-left to top-right on screen (rows grow downward).
    assert k[0, 4] > 0 and k[4, 0] > 0
    assert k[0, 0] == 0 and k[4, 4] == 0
    np.testing.assert_allclose(kernels.motion_blur(5, 135), k[:, ::-1], atol=1e-15)
    np.testing.assert_allclose(kernels.motion_blur(7, 60), kernels.motion_blur(7, 30).T, atol=1e-15)


# ------------------------------------------------------------------------------------------
# laplacian_of_gaussian
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "sigma"), [(3, 0.5), (5, 1.0), (9, 1.4), (7, 5.0), (15, 2.0)])
def test_log(size, sigma):
    k = kernels.laplacian_of_gaussian(size, sigma)
    assert k.shape == (size, size)
    assert abs(k.sum()) < 1e-12
    c = size // 2
    assert k[c, c] < 0
    assert k[c, c] == k.min()
    np.testing.assert_allclose(k, k.T, atol=1e-15)
    np.testing.assert_allclose(k, k[::-1, :], atol=1e-15)
    assert np.linalg.matrix_rank(k) > 1
    assert not kernels.is_separable(k)


def test_log_matches_formula():
    size, sigma = 5, 1.0
    x = np.arange(size) - 2.0
    xx, yy = np.meshgrid(x, x)
    r2 = xx**2 + yy**2
    h = np.exp(-r2 / (2 * sigma**2))
    h /= h.sum()
    h1 = h * (r2 - 2 * sigma**2) / sigma**4
    np.testing.assert_allclose(kernels.laplacian_of_gaussian(size, sigma), h1 - h1.mean())


# ------------------------------------------------------------------------------------------
# dilate
# ------------------------------------------------------------------------------------------


def test_dilate_2x2():
    k = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(
        kernels.dilate(k, 2),
        [
            [1, 0, 2],
            [0, 0, 0],
            [3, 0, 4],
        ],
    )
    np.testing.assert_array_equal(
        kernels.dilate(k, (2, 3)),
        [
            [1, 0, 0, 2],
            [0, 0, 0, 0],
            [3, 0, 0, 4],
        ],
    )


def test_dilate_3x3():
    k = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    np.testing.assert_array_equal(
        kernels.dilate(k, 2),
        [
            [1, 0, 2, 0, 3],
            [0, 0, 0, 0, 0],
            [4, 0, 5, 0, 6],
            [0, 0, 0, 0, 0],
            [7, 0, 8, 0, 9],
        ],
    )
    np.testing.assert_array_equal(
        kernels.dilate(k, (2, 3)),
        [
            [1, 0, 0, 2, 0, 0, 3],
            [0, 0, 0, 0, 0, 0, 0],
            [4, 0, 0, 5, 0, 0, 6],
            [0, 0, 0, 0, 0, 0, 0],
            [7, 0, 0, 8, 0, 0, 9],
        ],
    )


def test_dilate_one_is_a_copy():
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = kernels.dilate(k, 1)
    np.testing.assert_array_equal(out, k)
    assert out is not k and not np.shares_memory(out, k)
    assert out.dtype == k.dtype
    np.testing.assert_array_equal(kernels.dilate(k, (1, 1)), k)


def test_dilate_shape_and_rows_or_columns():
    assert kernels.dilate(np.ones((1, 4)), 3).shape == (1, 10)
    assert kernels.dilate(np.ones((4, 1)), (2, 5)).shape == (7, 1)
    assert kernels.dilate([[7]], 4).tolist() == [[7]]
    assert kernels.dilate(np.ones((3, 5)), (4, 2)).shape == (9, 9)


# ------------------------------------------------------------------------------------------
# Bad arguments
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (kernels.gaussian, (0, 1.0)),
        (kernels.gaussian, (-3, 1.0)),
        (kernels.gaussian, (3.5, 1.0)),
        (kernels.gaussian, (True, 1.0)),
        (kernels.gaussian, ("5", 1.0)),
        (kernels.gaussian, ((3, 3, 3), 1.0)),
        (kernels.gaussian, (5, 0.0)),
        (kernels.gaussian, (5, -1.0)),
        (kernels.gaussian, (5, float("nan"))),
        (kernels.gaussian, (5, float("inf"))),
        (kernels.gaussian, (5, (1.0, 0.0))),
        (kernels.gaussian, (10**6, 1.0)),
        (kernels.box, (0,)),
        (kernels.box, (3, 0)),
        (kernels.box, (2.0,)),
        (kernels.motion_blur, (0, 0.0)),
        (kernels.motion_blur, (-1, 0.0)),
        (kernels.motion_blur, (5, float("nan"))),
        (kernels.motion_blur, (5, "45")),
        (kernels.laplacian_of_gaussian, (4, 1.0)),
        (kernels.laplacian_of_gaussian, (1, 1.0)),
        (kernels.laplacian_of_gaussian, (5, 0.0)),
        (kernels.laplacian_of_gaussian, (5, -2.0)),
        (kernels.dilate, (np.ones((3, 3)), 0)),
        (kernels.dilate, (np.ones((3, 3)), (1, 0))),
        (kernels.dilate, (np.ones((3, 3)), 1.5)),
        (kernels.dilate, (np.ones(3), 2)),
        (kernels.dilate, (np.ones((0, 3)), 2)),
        (kernels.dilate, (np.ones((3, 3)), 10**5)),
    ],
)
def test_bad_generator_args_raise_value_error(func, args):
    with pytest.raises(ValueError) as info:
        func(*args)
    assert "\n" not in str(info.value)


def test_numpy_integer_and_float_args_are_accepted():
    assert kernels.gaussian(np.int64(3), np.float32(1.0)).shape == (3, 3)
    assert kernels.box(np.int32(2)).shape == (2, 2)
    assert kernels.motion_blur(np.int64(3), np.int64(90))[1, 1] == pytest.approx(1 / 3)


# ------------------------------------------------------------------------------------------
# GENERATORS
# ------------------------------------------------------------------------------------------


def test_generators_registry():
    assert list(kernels.GENERATORS) == ["gaussian", "box", "motion_blur", "laplacian_of_gaussian"]
    params = {name: [p.name for p in g.params] for name, g in kernels.GENERATORS.items()}
    assert params == {
        "gaussian": ["size", "sigma"],
        "box": ["h", "w"],
        "motion_blur": ["length", "angle"],
        "laplacian_of_gaussian": ["size", "sigma"],
    }


@pytest.mark.parametrize("name", ["gaussian", "box", "motion_blur", "laplacian_of_gaussian"])
def test_generator_spec_defaults_and_ranges(name):
    spec = kernels.GENERATORS[name]
    assert spec.title and spec.description and "\n" not in spec.description
    for p in spec.params:
        assert p.kind in (int, float)
        assert isinstance(p.default, p.kind)
        assert p.minimum <= p.default <= p.maximum
        assert p.help and "\n" not in p.help
    k = spec.make()
    assert k.ndim == 2 and np.isfinite(k).all()
    # Both ends of every range are accepted by the underlying function.
    for p in spec.params:
        for value in (p.minimum, p.maximum):
            if p.odd and value % 2 == 0:
                continue
            assert spec.make(**{p.name: value}).ndim == 2


def test_generator_make_passes_params():
    g = kernels.GENERATORS["gaussian"]
    np.testing.assert_array_equal(g.make(size=7, sigma=2.0), kernels.gaussian(7, 2.0))
    np.testing.assert_array_equal(g.make(size=7.0), kernels.gaussian(7, 1.0))  # whole float ok
    assert g.defaults() == {"size": 5, "sigma": 1.0}
    b = kernels.GENERATORS["box"]
    np.testing.assert_array_equal(b.make(h=2, w=3), kernels.box(2, 3))
    m = kernels.GENERATORS["motion_blur"]
    np.testing.assert_array_equal(m.make(length=5, angle=90), kernels.motion_blur(5, 90.0))


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("gaussian", {"size": 0}),
        ("gaussian", {"size": 2.5}),
        ("gaussian", {"sigma": 0.0}),
        ("gaussian", {"sigma": "big"}),
        ("gaussian", {"radius": 3}),
        ("box", {"h": 1000}),
        ("motion_blur", {"angle": float("nan")}),
        ("motion_blur", {"length": True}),
        ("laplacian_of_gaussian", {"size": 4}),
    ],
)
def test_generator_make_rejects_bad_params(name, params):
    with pytest.raises(ValueError) as info:
        kernels.GENERATORS[name].make(**params)
    assert "\n" not in str(info.value)


def test_param_validates_its_own_definition():
    with pytest.raises(ValueError):
        kernels.Param("x", int, 10, 1, 5, "default out of range")
    with pytest.raises(ValueError):
        kernels.Param("x", str, "a", "a", "b", "bad kind")


# ------------------------------------------------------------------------------------------
# Module hygiene
# ------------------------------------------------------------------------------------------


def test_module_imports_no_qt():
    code = (
        "import sys, convgui.kernels; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph', 'superqt')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
