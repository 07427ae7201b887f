"""The planning's decisions are kept across calls (planner.Decisions): a call repeated with
the same kernel and settings skips the planning, with the same or a new image, and is still
exact; anything the decisions depend on (kernel, geometry, boundary, fill, working type,
channels, input shape, engine, wisdom) plans again; a forced route is never overridden."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from engines import ENGINES, selected_engine
from reference import reference_convolve2d

from convgui import engine, planner
from convgui.engine import convolve2d, prepare

engine_name = pytest.fixture(autouse=True, scope="module", params=ENGINES)(selected_engine)


@pytest.fixture(autouse=True)
def no_decisions(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(planner.WISDOM_ENV, "off")
    planner.DECISIONS.forget()
    yield
    planner.DECISIONS.forget()


@pytest.fixture
def plannings(monkeypatch):
    """How many times a call priced its routes (the planning the decisions spare)."""
    count = []
    real = engine.Convolution._route_costs.func

    def counted(self):
        count.append(1)
        return real(self)

    monkeypatch.setattr(engine.Convolution, "_route_costs",
                        engine.cached_property(counted))
    engine.Convolution._route_costs.__set_name__(engine.Convolution, "_route_costs")
    return count


def assert_exact(got, image, kernel, **kwargs):
    expected = reference_convolve2d(image.astype(np.float64), kernel, **kwargs)
    scale = float(np.abs(kernel).sum() * max(np.abs(image).max(), 1.0))
    assert got.shape == expected.shape
    assert float(np.max(np.abs(got - expected))) <= 1e-5 * scale


CALLS = [
    {"padding": "same", "stride": 2},
    {"padding": "same", "stride": (3, 2), "boundary": "reflect"},
    {"padding": "same", "dilation": 2},
    {"padding": ((2, 0), (1, 3)), "stride": 2, "boundary": "wrap", "bias": 0.5},
    {"padding": "valid"},
]


@pytest.mark.parametrize("kwargs", CALLS)
def test_a_repeated_call_skips_the_planning_and_stays_exact(plannings, kwargs):
    rng = np.random.default_rng(4)
    kernel = rng.standard_normal((5, 4))
    first, second = (rng.standard_normal((37, 41, 3)).astype(np.float32) for _ in range(2))
    assert_exact(convolve2d(first, kernel, **kwargs), first, kernel, **kwargs)
    planned = len(plannings)
    assert planned >= 1
    assert_exact(convolve2d(second, kernel, **kwargs), second, kernel, **kwargs)
    assert_exact(convolve2d(first, kernel, **kwargs), first, kernel, **kwargs)
    assert len(plannings) == planned  # the same route, without pricing the routes again

    # a NaN in the next image still reaches exactly the outputs that weigh it
    second[18, 20, 1] = np.nan
    got = convolve2d(second, kernel, **kwargs)
    assert len(plannings) == planned
    marker = np.isnan(second).astype(np.float64)
    reach_kwargs = {k: v for k, v in kwargs.items() if k != "bias"}
    reach = reference_convolve2d(marker, (kernel != 0).astype(np.float64), **reach_kwargs) > 0
    np.testing.assert_array_equal(np.isnan(got), reach)


@pytest.mark.parametrize("change", [
    {"kernel": np.ones((5, 4))}, {"stride": 3}, {"padding": "valid"},
    {"boundary": "edge"}, {"cval": 2.0}, {"channels": "sum"}, {"flip": True},
    {"image": np.zeros((37, 40, 3), np.float32)}, {"image": np.zeros((37, 41, 3))},
])
def test_anything_the_decisions_depend_on_plans_again(plannings, change):
    rng = np.random.default_rng(5)
    base = {"image": rng.standard_normal((37, 41, 3)).astype(np.float32),
            "kernel": rng.standard_normal((5, 4)), "padding": "same", "stride": 2}
    convolve2d(**base)
    planned = len(plannings)
    args = {**base, **change}
    got = convolve2d(**args)
    assert len(plannings) > planned
    image, kernel = args.pop("image"), args.pop("kernel")
    assert_exact(got, image, kernel, **args)


def test_the_engine_and_the_wisdom_mode_are_part_of_the_key(plannings, monkeypatch):
    image = np.random.default_rng(6).standard_normal((30, 30)).astype(np.float32)
    kernel = np.arange(9.0).reshape(3, 3)
    convolve2d(image, kernel, padding="same", stride=2)
    planned = len(plannings)
    monkeypatch.setenv(planner.WISDOM_ENV, "read")
    convolve2d(image, kernel, padding="same", stride=2)
    replanned = len(plannings)
    assert replanned > planned
    if planner.cv2 is not None:  # the other engine
        monkeypatch.setenv("CONVGUI_ENGINE",
                           "scipy" if planner.backend() == "opencv" else "opencv")
        assert_exact(convolve2d(image, kernel, padding="same", stride=2), image, kernel,
                     padding="same", stride=2)
        assert len(plannings) > replanned


def test_a_new_home_folder_plans_again(plannings, monkeypatch, tmp_path):
    image = np.random.default_rng(6).standard_normal((30, 30)).astype(np.float32)
    kernel = np.arange(9.0).reshape(3, 3)
    convolve2d(image, kernel, padding="same", stride=2)
    planned = len(plannings)
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "elsewhere"))
    assert_exact(convolve2d(image, kernel, padding="same", stride=2), image, kernel,
                 padding="same", stride=2)
    assert len(plannings) > planned


def test_the_environment_key_follows_each_variable_as_set(monkeypatch):
    for name in planner.DECISION_ENV:
        monkeypatch.delenv(name, raising=False)
    unset = planner.environment_key()
    assert unset == (None,) * len(planner.DECISION_ENV)
    seen = {unset}
    for name in planner.DECISION_ENV:
        monkeypatch.setenv(name, "a")
        seen.add(planner.environment_key())
        monkeypatch.setenv(name, "b")
        seen.add(planner.environment_key())
        assert planner.environment_key() == planner.environment_key()
        monkeypatch.delenv(name)
        assert planner.environment_key() == unset
    assert len(seen) == 1 + 2 * len(planner.DECISION_ENV)


def test_the_environment_key_reads_a_plain_mapping_put_in_place_of_os_environ(monkeypatch):
    monkeypatch.setattr(planner.os, "environ", {"CONVGUI_ENGINE": "scipy"})
    assert planner.environment_key() == ("scipy", None, None)


def test_a_forced_route_is_never_replaced_by_a_kept_decision():
    image = np.random.default_rng(7).standard_normal((40, 40)).astype(np.float32)
    kernel = np.random.default_rng(8).standard_normal((3, 3))
    convolve2d(image, kernel, padding="same", stride=2)  # keeps its decisions
    chosen = prepare(image, kernel, padding="same", stride=2).route
    other = next(name for name in prepare(image, kernel, padding="same",
                                          stride=2)._route_costs if name != chosen)
    conv = prepare(image, kernel, padding="same", stride=2)
    conv.forced_route = other
    assert_exact(conv.run(), image, kernel, padding="same", stride=2)
    assert conv.route == other


def test_a_measurement_starts_a_new_generation(monkeypatch):
    """Remembering route times changes the wisdom's generation, so a decision made before
    it (from the cost model) is not reused after it."""
    before = planner.WISDOM.generation
    monkeypatch.setenv(planner.WISDOM_ENV, "on")
    planner.WISDOM.remember("some|key", {"bands": 1.0})
    assert planner.WISDOM.generation > before
    planner.WISDOM.forget()
    assert planner.WISDOM.generation > before + 1


def test_only_the_newest_decisions_are_kept(monkeypatch):
    monkeypatch.setattr(planner, "DECISIONS_KEPT", 3)
    decisions = planner.Decisions()
    for n in range(5):
        decisions.put((n,), {"route": str(n)})
    decisions.get((2,))
    assert [decisions.get((n,)) for n in range(5)] == [
        {}, {}, {"route": "2"}, {"route": "3"}, {"route": "4"}]
    decisions.put((2,), {"route": "2b"})  # put again: the newest
    decisions.put((5,), {"route": "5"})
    assert decisions.get((3,)) == {} and decisions.get((2,)) == {"route": "2b"}


@pytest.mark.parametrize(("kept", "wrong", "message"), [
    ({"stride": 2}, {"stride": 2.0}, "stride must be an integer"),
    ({"stride": 1}, {"stride": True}, "stride must be an integer"),
    ({"padding": 1}, {"padding": 1.0}, "padding must be an integer"),
    ({"padding": (1, 1)}, {"padding": (1.0, 1)}, "padding must be an integer"),
    ({"dilation": np.int64(2)}, {"dilation": np.float64(2.0)}, "dilation must be an integer"),
])
def test_a_setting_equal_to_a_kept_one_but_of_another_type_is_validated_again(kept, wrong,
                                                                              message):
    """1 == 1.0 == True in Python: the arguments' key holds each setting's type."""
    image = np.random.default_rng(9).standard_normal((20, 20)).astype(np.float32)
    kernel = np.ones((3, 3))
    convolve2d(image, kernel, **kept)
    convolve2d(image, kernel, **kept)  # (from the kept arguments)
    with pytest.raises(TypeError, match=message):
        convolve2d(image, kernel, **wrong)


def test_a_repeated_call_validates_its_settings_once(monkeypatch):
    checks = []
    real = engine._checked
    monkeypatch.setattr(engine, "_checked", lambda *a: checks.append(1) or real(*a))
    rng = np.random.default_rng(10)
    kernel = rng.standard_normal((3, 5))
    kwargs = {"padding": ((1, 2), [0, 3]), "stride": (2, 1), "dilation": np.int64(2),
              "cval": np.float32(0.5), "flip": True, "bias": 1}
    for _ in range(3):
        image = rng.standard_normal((19, 23)).astype(np.float32)
        assert_exact(convolve2d(image, kernel, **kwargs), image, kernel, **kwargs)
    assert len(checks) == 1
    # a setting whose repr or equality could hide a difference is never kept: validated anew
    image = rng.standard_normal((19, 23)).astype(np.float32)
    for cval in (np.array(0.5), np.array(0.25)):
        args = {**kwargs, "cval": cval}
        assert_exact(convolve2d(image, kernel, **args), image, kernel, **args)
    assert len(checks) == 3


def test_a_kernel_changed_in_place_between_calls_is_the_one_used():
    image = np.random.default_rng(11).standard_normal((25, 25)).astype(np.float32)
    kernel = np.ones((3, 3))
    convolve2d(image, kernel, padding="same", stride=2)
    kernel[0, 2] = -4.0
    assert_exact(convolve2d(image, kernel, padding="same", stride=2), image, kernel,
                 padding="same", stride=2)
    kept = next(iter(planner.DECISIONS._entries.values()))["checked"][0]
    with pytest.raises(ValueError, match="read-only"):
        kept[0, 0] = 2.0  # (shared by the calls that find it)


@pytest.mark.parametrize("stride", [1, 2, (3, 2)])
def test_a_repeated_call_that_is_one_opencv_call_skips_the_steps_and_stays_exact(stride):
    """Route "same", or "sliced" over it: one OpenCV call into a fresh buffer, no progress
    steps and no stride-1 Convolution; bias added once; NaN reaches exactly what it should."""
    rng = np.random.default_rng(12)
    kernel = rng.standard_normal((3, 3))
    kwargs = {"padding": "same", "stride": stride, "bias": 0.25}
    image = rng.standard_normal((40, 36, 3)).astype(np.float32)
    assert_exact(convolve2d(image, kernel, **kwargs), image, kernel, **kwargs)
    image[7, 9, 2] = np.nan
    conv = prepare(image, kernel, **kwargs)
    got = conv.run()
    one_call = planner.backend() == "opencv"
    assert (conv._one_call is not None) is one_call
    if one_call:
        assert "_stride_one" not in conv.__dict__
    finite = ~np.isnan(got)
    reach = reference_convolve2d(np.isnan(image).astype(np.float64), np.ones((3, 3)),
                                 padding="same", stride=stride) > 0
    np.testing.assert_array_equal(~finite, reach)
    clean = np.nan_to_num(image, nan=0.0)
    expected = reference_convolve2d(clean.astype(np.float64), kernel, **kwargs)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-5, atol=1e-4)


@pytest.fixture
def convolutions_built(monkeypatch):
    """How many :class:`Convolution` objects the calls built."""
    built = []
    real = engine.Convolution.__init__

    def counted(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(engine.Convolution, "__init__", counted)
    return built


@pytest.mark.parametrize("channels", ["per-channel", "sum", "luma"])
@pytest.mark.parametrize("stride", [1, 2])
def test_a_repeated_one_call_builds_no_convolution_and_filters_the_right_source(
        convolutions_built, channels, stride):
    """A repeat of a call that is one OpenCV call runs the kept :class:`engine.OneCall` on the
    image itself (per-channel, or a grey image), without a Convolution; the channel sum and
    the luma plane are not the image, so those calls are built again. Every result stays
    exact, with a new image of the same shape each time."""
    rng = np.random.default_rng(3)
    kernel = rng.standard_normal((3, 3))
    kwargs = {"padding": "same", "stride": stride, "channels": channels, "bias": -0.5}
    for grey in (False, True):
        for call in range(3):
            if call == 1:
                convolutions_built.clear()  # (the first call decides)
            image = rng.standard_normal((30, 26) if grey else (30, 26, 3)).astype(np.float32)
            got = convolve2d(image, kernel, **kwargs)
            if channels == "luma" and not grey:
                image = image.astype(np.float64) @ np.array(engine.LUMA_WEIGHTS)
                expected = reference_convolve2d(image, kernel, **{**kwargs, "channels": "sum"})
                assert np.max(np.abs(got - expected)) <= 1e-5 * np.abs(kernel).sum() * 4
            else:
                assert_exact(got, image, kernel, **kwargs)
        direct = planner.backend() == "opencv" and (grey or channels == "per-channel")
        assert (convolutions_built == []) is direct


def test_a_repeated_one_call_on_longdouble_input_is_float64_and_quiet():
    """longdouble input beyond float64's range becomes ±inf without a warning, on the first
    call and on its repeat (the kept OneCall converts the image itself)."""
    kernel = np.array([[0.0, 1.0, 0.0]])
    image = np.ones((8, 9), dtype=np.longdouble)
    if np.finfo(np.longdouble).max > np.finfo(np.float64).max:
        image[2, 3] = np.longdouble(np.finfo(np.float64).max) * 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            got = convolve2d(image, kernel, padding="same", stride=(1, 2))
            assert got.dtype == np.float64
            expected = np.ones((8, 9))
            expected[2, 3] = np.inf if image[2, 3] > 1 else 1.0
            np.testing.assert_array_equal(got, expected[:, ::2])
