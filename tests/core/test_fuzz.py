"""Fuzzing the core API with random and invalid arguments (Hypothesis).

Every public entry point of :mod:`convgui.engine` and :mod:`convgui.shapes` gets wrong types,
negative, zero and huge integers, NaN/inf, strings, bytes, ``None``, nested lists, empty
arrays, 0-D to 4-D arrays and complex numbers. The only acceptable outcomes are a result or a
``ValueError``/``TypeError`` (``ShapeError`` is a ``ValueError``) whose message is one
non-empty line: never another exception type, a crash or a hang.

Sizes stay tiny (images ≤ 8×8, kernels ≤ 5×5, integers either small or so huge that no array
of that size can exist) so that no call allocates much or takes long. Integers that are large
but representable (say 10⁵ of padding) are deliberately not drawn: they ask for a real,
multi-gigabyte array and end in ``MemoryError``, which the window's worker and the command
line both turn into a "not enough memory" message.

The preset reader is fuzzed with mutated documents in ``tests/core/test_presets.py``
(``test_fuzz_structural_mutations``, ``test_fuzz_text_corruption``, ``test_fuzz_bytes``); the
command line's argument parsing in ``tests/cli/test_cli_fuzz.py``.
"""

from __future__ import annotations

import numbers

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convgui import engine, shapes
from convgui.shapes import (
    ActivationStep,
    ConvStep,
    GlobalPoolStep,
    PoolStep,
    ShapeError,
    TransposedStep,
)

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# ------------------------------------------------------------------------------ strategies

#: Integers that are either small or far beyond any array size (never "large but possible").
INTS = st.integers(-3, 9) | st.sampled_from([10**18, -(10**18), 2**63, 2**64, 10**40, 10**400])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.5, 2.0, -1.5])
SCALARS = st.one_of(
    st.none(), st.booleans(), INTS, FLOATS,
    st.complex_numbers(max_magnitude=1e3) | st.just(complex("nan+infj")),
    st.text(max_size=5), st.binary(max_size=3),
    st.sampled_from([np.int64(2), np.float32(1.5), np.bool_(True), np.uint8(0)]),
)
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.tuples(inner, inner), max_leaves=8)
DTYPES = st.sampled_from([
    np.float32, np.float64, np.float16, np.uint8, np.int8, np.int64, np.uint16, np.bool_,
    np.complex64, np.dtype("m8[s]"), np.dtype("M8[s]"), np.dtype("U2"), np.dtype("S2"),
])


@st.composite
def arrays(draw, min_dims=0, max_dims=4, max_side=8):
    dtype = np.dtype(draw(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0,
                                  max_side=max_side))
    if dtype.kind in "fc":
        elements = st.floats(-1e6, 1e6, width=32) | st.sampled_from([np.nan, np.inf, -np.inf])
        if dtype == np.float16:
            elements = st.floats(-1e3, 1e3, width=16)
        return draw(hnp.arrays(dtype, shape, elements=elements))
    return draw(hnp.arrays(dtype, shape))


def good_images():
    """Valid images: (H, W) or (H, W, C) real numbers, sides 1..8."""
    return hnp.arrays(
        st.sampled_from([np.float32, np.float64, np.uint8, np.int16]),
        hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=8),
        elements=st.integers(0, 255),
    )


def good_kernels():
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1,
                                                   max_side=5),
                      elements=st.floats(-4, 4))


#: Any argument at all, weighted towards the array-like ones.
ANY = st.one_of(arrays(), NESTED, good_images(), SCALARS)
IMAGE_ARG = good_images() | ANY
KERNEL_ARG = good_kernels() | ANY
PAIR_ARG = st.one_of(
    st.integers(1, 3), SCALARS, st.tuples(INTS, INTS), st.lists(SCALARS, max_size=3),
    arrays(max_dims=2, max_side=3),
)
PADDING_ARG = st.one_of(
    st.sampled_from(["valid", "same", "full", "SAME", "", "bogus"]), st.integers(0, 3),
    PAIR_ARG, st.tuples(st.tuples(INTS, INTS), st.tuples(INTS, INTS)),
    st.tuples(st.tuples(INTS, INTS), INTS),
)
BOUNDARY_ARG = st.sampled_from(shapes.BOUNDARIES) | SCALARS
CHANNELS_ARG = st.sampled_from(shapes.CHANNEL_MODES) | SCALARS
NUMBER_ARG = st.sampled_from([0, 1, -2.5]) | SCALARS


# ------------------------------------------------------------------------------ the checker


def outcome(call, *args, **kwargs):
    """Call; return the result, or None after checking that the failure was a ValueError or
    TypeError with a one-line, non-empty message (any other exception fails the test)."""
    try:
        return call(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} without a message"
        assert "\n" not in message, f"message is not one line: {message!r}"
        return None


def check_array_result(result) -> None:
    """A result is float32/float64 data (a NumPy scalar when merging 0-D maps)."""
    if result is not None:
        assert isinstance(result, (np.ndarray, np.floating))
        assert result.dtype in (np.float32, np.float64)


def check_size(result) -> None:
    assert result is None or (isinstance(result, numbers.Integral) and result >= 1)


# ------------------------------------------------------------------------------ the engine


@FUZZ
@given(image=IMAGE_ARG, kernel=KERNEL_ARG, options=st.fixed_dictionaries({}, optional={
    "padding": PADDING_ARG, "stride": PAIR_ARG, "dilation": PAIR_ARG, "boundary": BOUNDARY_ARG,
    "cval": NUMBER_ARG, "flip": SCALARS, "channels": CHANNELS_ARG, "bias": NUMBER_ARG,
}))
def test_fuzz_convolve2d(image, kernel, options):
    check_array_result(outcome(engine.convolve2d, image, kernel, **options))


@FUZZ
@given(x=IMAGE_ARG, size=PAIR_ARG, options=st.fixed_dictionaries({}, optional={
    "stride": st.none() | PAIR_ARG, "mode": st.sampled_from(engine.POOL_MODES) | SCALARS,
    "padding": st.integers(0, 2) | PAIR_ARG,
}))
def test_fuzz_pool2d(x, size, options):
    check_array_result(outcome(engine.pool2d, x, size, **options))


@st.composite
def map_lists(draw):
    """Feature maps for merge: usually several of one shape, sometimes anything."""
    if draw(st.booleans()):
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
        dtype = draw(st.sampled_from([np.float32, np.float64, np.int32, np.bool_,
                                      np.complex128]))
        count = draw(st.integers(0, 4))
        return [draw(hnp.arrays(dtype, shape)) for _ in range(count)]
    return draw(st.lists(ANY, max_size=4) | ANY)


@FUZZ
@given(maps=map_lists(), mode=st.sampled_from(engine.MERGE_MODES) | SCALARS,
       weights=st.none() | st.lists(NUMBER_ARG, max_size=4) | SCALARS | arrays(max_dims=2))
def test_fuzz_merge(maps, mode, weights):
    check_array_result(outcome(engine.merge, maps, mode, weights))


@FUZZ
@given(image=IMAGE_ARG, kernel=KERNEL_ARG, options=st.fixed_dictionaries({}, optional={
    "stride": PAIR_ARG, "padding": st.integers(0, 2) | PAIR_ARG,
    "output_padding": st.integers(0, 2) | PAIR_ARG, "dilation": PAIR_ARG,
}))
def test_fuzz_conv_transpose2d(image, kernel, options):
    check_array_result(outcome(engine.conv_transpose2d, image, kernel, **options))


@st.composite
def layer_weights(draw):
    """(K, kh, kw, C) arrays, lists of filters, or anything."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=4, max_dims=4, min_side=1,
                                                            max_side=3),
                               elements=st.floats(-2, 2)))
    if choice == 1:
        return draw(st.lists(good_kernels() | arrays(max_dims=4, max_side=3), max_size=3))
    return draw(ANY)


@FUZZ
@given(image=IMAGE_ARG, weights=layer_weights(),
       bias=st.none() | st.lists(NUMBER_ARG, max_size=3) | SCALARS | arrays(max_dims=2),
       options=st.fixed_dictionaries({}, optional={
           "padding": PADDING_ARG, "stride": PAIR_ARG, "dilation": PAIR_ARG,
           "boundary": BOUNDARY_ARG, "cval": NUMBER_ARG, "flip": SCALARS}))
def test_fuzz_conv_layer(image, weights, bias, options):
    check_array_result(outcome(engine.conv_layer, image, weights, bias, **options))


# ------------------------------------------------------------------------------ the shapes


SIZE_ARG = st.integers(-2, 12) | SCALARS


@FUZZ
@given(n=SIZE_ARG, k=SIZE_ARG, padding=PADDING_ARG, stride=SIZE_ARG, dilation=SIZE_ARG)
def test_fuzz_conv_output_size(n, k, padding, stride, dilation):
    check_size(outcome(shapes.conv_output_size, n, k, padding, stride, dilation))


@FUZZ
@given(n=SIZE_ARG, k=SIZE_ARG, padding=SIZE_ARG, stride=SIZE_ARG, dilation=SIZE_ARG,
       output_padding=SIZE_ARG)
def test_fuzz_transposed_output_size(n, k, padding, stride, dilation, output_padding):
    check_size(outcome(shapes.transposed_output_size, n, k, padding, stride, dilation,
                       output_padding))


@FUZZ
@given(n=SIZE_ARG, size=SIZE_ARG, stride=st.none() | SIZE_ARG, padding=SIZE_ARG)
def test_fuzz_pool_output_size(n, size, stride, padding):
    check_size(outcome(shapes.pool_output_size, n, size, stride, padding))


SHAPE_ARG = st.one_of(
    st.tuples(SIZE_ARG, SIZE_ARG), st.tuples(SIZE_ARG, SIZE_ARG, SIZE_ARG),
    st.lists(SIZE_ARG, max_size=5), ANY,
)


@FUZZ
@given(in_shape=SHAPE_ARG, kernel=PAIR_ARG, options=st.fixed_dictionaries({}, optional={
    "filters": SIZE_ARG, "padding": PADDING_ARG, "stride": PAIR_ARG, "dilation": PAIR_ARG,
    "channels": CHANNELS_ARG, "flip": SCALARS,
}))
def test_fuzz_layer_shape(in_shape, kernel, options):
    result = outcome(shapes.layer_shape, in_shape, kernel, **options)
    assert result is None or min(result.out_shape) >= 1


def _step(kind, args):
    """Build a chain step (building may itself refuse bad arguments)."""
    return kind(*args)


STEP = st.one_of(
    st.tuples(st.just(ConvStep), st.tuples(SIZE_ARG, PAIR_ARG, PAIR_ARG, PADDING_ARG, PAIR_ARG,
                                           CHANNELS_ARG)),
    st.tuples(st.just(ActivationStep), st.tuples(st.sampled_from(["relu", "abs", "none"])
                                                 | SCALARS)),
    st.tuples(st.just(PoolStep), st.tuples(PAIR_ARG, st.none() | PAIR_ARG,
                                           st.sampled_from(["max", "avg"]) | SCALARS,
                                           st.integers(0, 2) | PAIR_ARG)),
    st.tuples(st.just(GlobalPoolStep), st.tuples(st.sampled_from(["max", "avg"]) | SCALARS)),
    st.tuples(st.just(TransposedStep), st.tuples(PAIR_ARG, PAIR_ARG, PAIR_ARG, PAIR_ARG,
                                                 PAIR_ARG, SIZE_ARG)),
)


@FUZZ
@given(in_shape=SHAPE_ARG, steps=st.lists(STEP, max_size=4).map(lambda s: ("steps", s))
       | ANY.map(lambda a: ("raw", a)))
def test_fuzz_shape_chain(in_shape, steps):
    kind, value = steps

    def chain():
        built = [_step(*s) for s in value] if kind == "steps" else value
        return shapes.shape_chain(in_shape, built), built

    answer = outcome(chain)
    if answer is not None:
        links, built = answer
        assert all(min(link.shape) >= 1 for link in links)
        assert outcome(shapes.chain_text, in_shape, built) is not None


def test_a_shape_error_is_a_value_error_and_says_what_to_change():
    """What the fuzzers count on: a ShapeError is caught as a ValueError."""
    try:
        engine.convolve2d(np.zeros((2, 2)), np.ones((3, 3)))
    except ValueError as exc:
        assert isinstance(exc, ShapeError) and "padding" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("no ShapeError")


# ------------------------------------------------------------------------------ settings

SETTING_VALUES = st.one_of(
    SCALARS, NESTED, st.sampled_from(["same", "valid", "full", "reflect", "luma", "clip"]),
    st.lists(st.lists(st.integers(-3, 3) | FLOATS | INTS, min_size=1, max_size=3),
             min_size=1, max_size=3),
)


@FUZZ
@given(values=st.dictionaries(st.sampled_from([
    "kernel", "divisor", "bias", "padding", "stride", "dilation", "boundary", "cval", "flip",
    "channels", "display", "unknown"]), SETTING_VALUES, max_size=6))
def test_fuzz_settings_from_dict(values):
    """What a session, a preset or a ``--kernel`` file hands to the settings object."""
    from convgui.settings import Settings

    settings_ = outcome(Settings.from_dict, values)
    if settings_ is not None:
        assert Settings.from_dict(settings_.to_dict()) == settings_
