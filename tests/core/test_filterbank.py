"""Tests for the filter bank's core (convgui.filterbank): names, the filter list, the maps and
their merge, the header.

Expected maps come from the brute-force reference in ``reference.py`` (which imports nothing
from convgui) and merges are written out here with NumPy; names and texts are written by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference import LUMA, reference_convolve2d

from convgui.engine import MERGE_MODES
from convgui.filterbank import (
    MERGE_LABELS,
    FilterList,
    bank_maps,
    filter_name,
    kernel_name,
    maps_header,
    unique_name,
)
from convgui.presets import Preset
from convgui.settings import Settings

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
SOBEL_Y = SOBEL_X.T.copy()
BOX = np.ones((3, 3)) / 9
GEOMETRY = {"padding": "same", "stride": (1, 1), "dilation": (1, 1), "boundary": "reflect",
            "cval": 0.0, "flip": False}


# ----------------------------------------------------------------------------------- names


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Sobel x", [], "Sobel x"),
    ("Sobel x", ["Sobel y"], "Sobel x"),
    ("Sobel x", ["Sobel x"], "Sobel x #2"),
    ("Sobel x", ["Sobel x", "Sobel x #2"], "Sobel x #3"),
    ("Box", ["Box", "Box #3"], "Box #2"),  # the first free number
])
def test_unique_name(name, taken, expected):
    assert unique_name(name, taken) == expected


def test_a_library_kernel_is_known_by_its_title_however_it_is_typed():
    assert kernel_name(Settings(kernel=SOBEL_X.tolist())) == "Sobel x"
    typed = ((1 / 16, 1 / 8, 1 / 16), (1 / 8, 1 / 4, 1 / 8), (1 / 16, 1 / 8, 1 / 16))
    assert kernel_name(Settings(kernel=typed)) == "Gaussian 3×3"
    assert kernel_name(Settings(kernel=((1, 2, 1), (2, 4, 2), (1, 2, 1)), divisor=16)) == \
        "Gaussian 3×3"
    assert kernel_name(Settings(kernel=((1, 2, 3), (4, 5, 6), (7, 8, 9)))) is None


def test_presets_name_kernels_the_library_does_not_have():
    mine = Preset("Mine", kernel=((0, 1), (2, 3)))  # kernel-only
    full = Preset("Mine, valid", kernel=((0, 1), (2, 3)),
                  settings=Settings(kernel=((0, 1), (2, 3)), padding="valid", stride=(2, 2)))
    doubled = Settings(kernel=((0, 2), (4, 6)), divisor=2)  # the same kernel, ÷ 2
    assert kernel_name(doubled, [full, mine]) == "Mine"  # kernel-only presets first
    assert kernel_name(doubled, [full]) is None  # other settings than the full preset's
    exact = Settings(kernel=((0, 1), (2, 3)), padding="valid", stride=(2, 2))
    assert kernel_name(exact, [full]) == "Mine, valid"
    assert kernel_name(exact.replace(stride=(1, 1)), [full]) is None
    sobel = Preset("My Sobel", kernel=SOBEL_X.tolist())
    assert kernel_name(Settings(kernel=SOBEL_X.tolist()), [sobel]) == "Sobel x"  # library first


def test_a_kernel_without_a_name_is_custom_with_its_size():
    assert filter_name(Settings(kernel=((1, 2, 3), (4, 5, 6)))) == "Custom 2×3"
    assert filter_name(Settings(kernel=SOBEL_Y.tolist())) == "Sobel y"
    assert filter_name(Settings(kernel=((0, 1), (2, 3))), [Preset("Mine", ((0, 1), (2, 3)))]) \
        == "Mine"


def test_every_merge_mode_has_a_label():
    assert set(MERGE_LABELS) == set(MERGE_MODES)
    assert MERGE_LABELS["weighted"][0] == "weighted sum"


# ----------------------------------------------------------------------------- filter list


def _bank(*names):
    bank = FilterList()
    for name in names:
        bank.add(name, np.eye(2))
    return bank


def test_filters_keep_a_read_only_copy_of_their_kernel_and_unique_names():
    bank = FilterList()
    kernel = SOBEL_X.copy()
    assert bank.add("Sobel x", kernel) == "Sobel x"
    assert bank.add("Sobel x", [[1, 2]], weight=3) == "Sobel x #2"
    kernel[0, 0] = 99.0
    assert bank[0].kernel[0, 0] == -1.0 and bank[0].kernel.dtype == np.float64
    assert not bank[0].kernel.flags.writeable
    assert (bank[1].name, bank[1].kernel.tolist(), bank[1].weight) == ("Sobel x #2",
                                                                       [[1.0, 2.0]], 3.0)
    assert isinstance(bank[1].weight, float)
    assert bank.names() == ["Sobel x", "Sobel x #2"] and len(bank) == 2


@pytest.mark.parametrize("kernel", [np.ones(3), np.ones((0, 3)), np.ones((2, 2, 2)),
                                    [[1.0, np.nan]], [[np.inf]]])
def test_a_filter_needs_a_2d_kernel_of_finite_numbers(kernel):
    bank = _bank("a")
    with pytest.raises(ValueError, match="non-empty 2-D kernel of finite numbers"):
        bank.add("bad", kernel)
    with pytest.raises(ValueError, match="non-empty 2-D kernel of finite numbers"):
        bank.replace(0, "bad", kernel)
    assert bank.names() == ["a"]


def test_move_is_clamped_to_the_list():
    bank = _bank("a", "b", "c")
    assert bank.move(2, -2) == 0 and bank.names() == ["c", "a", "b"]
    assert bank.move(0, 5) == 2 and bank.names() == ["a", "b", "c"]
    assert bank.move(1, 0) == 1 and bank.names() == ["a", "b", "c"]
    assert bank.move(0, -1) == 0 and bank.names() == ["a", "b", "c"]


def test_remove_replace_and_weights():
    bank = _bank("a", "b", "c")
    bank.set_weight(1, -0.5)
    assert [f.weight for f in bank] == [1.0, -0.5, 1.0]
    assert bank.replace(1, "a", SOBEL_X) == "a #2"  # "a" is another filter's
    assert bank.replace(0, "a", BOX) == "a"  # its own name is free
    assert bank[1].weight == -0.5  # a replaced filter keeps its weight
    np.testing.assert_array_equal(bank[1].kernel, SOBEL_X)
    bank.remove(0)
    assert bank.names() == ["a #2", "c"]


@pytest.mark.parametrize("index", [3, -1])
def test_an_index_outside_the_list_raises(index):
    bank = _bank("a", "b", "c")
    for call in (lambda: bank[index], lambda: bank.remove(index),
                 lambda: bank.move(index, 1), lambda: bank.set_weight(index, 2.0),
                 lambda: bank.replace(index, "x", BOX)):
        with pytest.raises(IndexError, match=f"no filter {index}: there are 3"):
            call()
    assert bank.names() == ["a", "b", "c"]


# ------------------------------------------------------------------------------------ maps


def test_hand_computed_bank():
    image = np.array([[1.0, 2.0], [3.0, 4.0]])
    geometry = dict(GEOMETRY, padding="valid")
    shown, merged = bank_maps(image, [np.array([[1.0]]), np.array([[2.0]])], geometry, "sum",
                              [1.0, 1.0])
    assert [m.data.tolist() for m in shown] == [[[1, 2], [3, 4]], [[2, 4], [6, 8]]]
    assert merged.data.tolist() == [[3, 6], [9, 12]]


@pytest.mark.parametrize("mode", MERGE_MODES)
def test_every_map_and_the_merge_match_the_brute_force_reference(mode):
    image = np.random.default_rng(7).integers(0, 256, (9, 11)).astype(np.float64)
    kernels = [SOBEL_X, SOBEL_Y, BOX]
    weights = [2.0, -0.5, 3.0]
    shown, merged = bank_maps(image, kernels, GEOMETRY, mode, weights)
    expected = [reference_convolve2d(image, k, **GEOMETRY) for k in kernels]
    for got, want in zip(shown, expected, strict=True):
        np.testing.assert_allclose(got.data, want, rtol=1e-9, atol=1e-9)
    stack = np.stack(expected)
    merges = {
        "sum": stack.sum(axis=0),
        "mean": stack.sum(axis=0) / 3,
        "weighted": 2.0 * expected[0] - 0.5 * expected[1] + 3.0 * expected[2],
        "max": np.maximum(np.maximum(expected[0], expected[1]), expected[2]),
        "magnitude": np.sqrt(expected[0] ** 2 + expected[1] ** 2 + expected[2] ** 2),
    }
    np.testing.assert_allclose(merged.data, merges[mode], rtol=1e-9, atol=1e-9)


def test_an_rgb_image_is_filtered_as_its_luma_with_the_geometry():
    image = np.random.default_rng(8).integers(0, 256, (8, 10, 3)).astype(np.float64)
    plane = sum(weight * image[:, :, c] for c, weight in enumerate(LUMA))
    geometry = dict(GEOMETRY, padding="valid", stride=(2, 1), boundary="edge")
    shown, merged = bank_maps(image, [SOBEL_X], geometry, "magnitude", [1.0])
    want = reference_convolve2d(plane, SOBEL_X, **geometry)
    assert shown[0].data.shape == (3, 8)
    np.testing.assert_allclose(shown[0].data, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(merged.data, np.abs(want), rtol=1e-6, atol=1e-6)


def test_maps_of_different_shapes_are_shown_but_not_merged():
    image = np.arange(64.0).reshape(8, 8)
    geometry = dict(GEOMETRY, padding="valid")
    shown, merged = bank_maps(image, [BOX, np.ones((5, 5))], geometry, "sum", [1.0, 1.0])
    assert [m.data.shape for m in shown] == [(6, 6), (4, 4)]
    assert isinstance(merged, str) and "differ in shape" in merged


# ---------------------------------------------------------------------------------- header


@pytest.mark.parametrize(("count", "image_shape", "map_shape", "expected"), [
    (0, (5, 5), None, "<b>Feature maps</b> — no filters: add one on the left"),
    (0, None, None, "<b>Feature maps</b> — no filters: add one on the left"),
    (1, None, None, "<b>Feature maps</b> — 1 filter: open an image to see its map"),
    (3, None, None, "<b>Feature maps</b> — 3 filters: open an image to see their maps"),
    (2, (12, 14), None, "<b>Feature maps</b> — 2 filters on the image → 2 maps"),
    (2, (12, 14), (12, 14), "<b>Feature maps</b> — 2 filters on the image → 2 maps of 12×14"),
    (1, (9, 10, 3), (4, 5),
     "<b>Feature maps</b> — 1 filter on the luma of the image → 1 map of 4×5"),
])
def test_maps_header(count, image_shape, map_shape, expected):
    assert maps_header(count, image_shape, map_shape) == expected
