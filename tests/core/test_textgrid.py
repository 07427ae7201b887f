"""Tests for convgui.textgrid: numbers and grids as text (hand-written expectations)."""

import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convgui.textgrid import MAX_SIDE, format_grid, format_number, parse_grid, parse_number


def test_imports_no_qt():
    code = "import sys, convgui.textgrid; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", 3.0),
        ("-7", -7.0),
        ("  2.5 ", 2.5),
        ("+4", 4.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e-3", 0.001),
        ("-2.5E+2", -250.0),
        ("1/16", 0.0625),
        ("-2/3", -2 / 3),
        ("\u22122/3", -2 / 3),
        ("\u22120.25", -0.25),
        (" 3 / 4 ", 0.75),
        ("1.5/-0.5", -3.0),
        ("1e-3/1e-3", 1.0),
    ],
)
def test_parse_number_accepts(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "'abc' is not a number"),
        ("1,5", "'1,5' is not a number"),
        ("0x10", "'0x10' is not a number"),
        ("1_000", "'1_000' is not a number"),
        ("1/2/3", "is not a number"),
        ("/2", "is not a number"),
        ("1/", "is not a number"),
        ("1/0", "1/0: division by zero"),
        ("-3/0.0", "-3/0.0: division by zero"),
        ("nan", "NaN/inf not allowed"),
        ("NaN", "NaN/inf not allowed"),
        ("inf", "NaN/inf not allowed"),
        ("-Infinity", "NaN/inf not allowed"),
        ("1e999", "NaN/inf not allowed"),
        ("1e300/1e-300", "NaN/inf not allowed"),
        ("1/nan", "NaN/inf not allowed"),
    ],
)
def test_parse_number_refuses_with_a_one_line_reason(text, reason):
    with pytest.raises(ValueError) as info:
        parse_number(text)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1\t2\n3\t4", [[1, 2], [3, 4]]),
        ("1\t2\r\n3\t4\r\n", [[1, 2], [3, 4]]),  # Excel's clipboard: CRLF and a final newline
        ("1, 2, 3\n4, 5, 6", [[1, 2, 3], [4, 5, 6]]),
        ("1,2,3,", [[1, 2, 3]]),  # a trailing comma
        ("1 2 3; 4 5 6", [[1, 2, 3], [4, 5, 6]]),
        ("  1   2  \n\n  3   4  \n", [[1, 2], [3, 4]]),  # blank lines skipped
        ("1/16 2/16\n\u22121 -0.5", [[0.0625, 0.125], [-1, -0.5]]),
        ("7", [[7]]),
        ("1\n2\n3", [[1], [2], [3]]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("[1, 2]\n[3, 4]", [[1, 2], [3, 4]]),
        ("[[1 2]\n [3 4]]", [[1, 2], [3, 4]]),
        ("array([[1, 2, 3],\n       [4, 5, 6]])", [[1, 2, 3], [4, 5, 6]]),
        ("array([[ 0.5, -1. ],\n       [ 2. ,  1e-03]], dtype=float32)", [[0.5, -1], [2, 0.001]]),
        ("np.array([[1., 2.]])", [[1, 2]]),
        ("[[1. 2. 3.\n  4.]\n [5. 6. 7.\n  8.]]", [[1, 2, 3, 4], [5, 6, 7, 8]]),  # wrapped rows
        ("[1 2; 3 4]", [[1, 2], [3, 4]]),
    ],
)
def test_parse_grid_reads_common_formats(text, expected):
    assert parse_grid(text) == expected


def test_parse_grid_values_are_floats():
    grid = parse_grid("1 2\n3 4")
    assert all(type(v) is float for row in grid for v in row)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("  \n \n", "empty"),
        ("[[]]", "empty"),
        ("1, 2, 3\n4, 5", "row 2 has 2 values, expected 3"),
        ("1 2\n3 4 5", "row 2 has 3 values, expected 2"),
        ("1; 2 3", "row 2 has 2 values, expected 1"),
        ("1\t\t3", "row 1, column 2 is empty"),
        ("1 2\n3 abc", "row 2, column 2: 'abc' is not a number"),
        ("1/0 2", "row 1, column 1: 1/0: division by zero"),
        ("1 nan", "row 1, column 2: NaN/inf not allowed"),
        ("[[1, 2, ..., 9]]", "'...' is not a number"),
    ],
)
def test_parse_grid_refuses_with_a_reason(text, reason):
    with pytest.raises(ValueError) as info:
        parse_grid(text)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_parse_grid_size_limit():
    assert len(parse_grid("\n".join(["1"] * MAX_SIDE))) == MAX_SIDE
    assert len(parse_grid(" ".join(["1"] * MAX_SIDE))[0]) == MAX_SIDE
    with pytest.raises(ValueError, match="32 rows"):
        parse_grid("\n".join(["1"] * 32))
    with pytest.raises(ValueError, match="row 1 has 32 values"):
        parse_grid(" ".join(["1"] * 32))


def test_format_grid_integers_and_floats():
    assert format_grid([[1, 2], [3, 4]]) == "1\t2\n3\t4"
    assert format_grid([[1.0, -2.0, 0.0]]) == "1\t-2\t0"
    assert format_grid([[0.125, 1 / 3, 1e-05, -2.5e20]], sep=", ") == (
        "0.125, 0.3333333333333333, 1e-05, -2.5e+20"  # big whole numbers: e-form
    )
    assert format_grid(((0.1, 1e300),)) == "0.1\t1e+300"
    assert format_number(16) == "16"
    assert format_number(0.0625) == "0.0625"


def test_format_grid_accepts_numpy():
    np = pytest.importorskip("numpy")
    assert format_grid(np.array([[1.0, 0.5], [2, 3]])) == "1\t0.5\n2\t3"


def test_format_number_refuses_non_finite():
    with pytest.raises(ValueError):
        format_number(math.inf)


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(
    grid=st.integers(1, MAX_SIDE).flatmap(
        lambda w: st.lists(st.lists(finite, min_size=w, max_size=w), min_size=1,
                           max_size=MAX_SIDE)
    ),
    sep=st.sampled_from(["\t", ",", ", ", " ", "  "]),
)
def test_format_then_parse_round_trips_exactly(grid, sep):
    assert parse_grid(format_grid(grid, sep=sep)) == grid


@given(finite)
def test_format_number_then_parse_number_round_trips(value):
    assert parse_number(format_number(value)) == value
