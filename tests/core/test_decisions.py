"""The planning's decisions are kept across calls (planner.Decisions): a call repeated with
the same kernel and settings skips the planning, with the same or a new image, and is still
exact; anything the decisions depend on (kernel, geometry, boundary, fill, working type,
channels, input shape, engine, wisdom) plans again; a forced route is never overridden."""

from __future__ import annotations

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
