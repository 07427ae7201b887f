"""The side panels' arrangement for a window width: hand-computed cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convgui.window_layout import CENTRAL_SHARE, CHROME_PX, COMPACT, WIDE, plan_docks


def test_two_columns_when_both_fit_beside_the_central_share():
    # 1280 px: 44 % is 563, less 16 px of chrome: 547 px for the columns.
    plan = plan_docks(1280, 260, 280)
    assert plan.arrangement == WIDE
    # 7 px to spare: 3 to the left column, 4 to the right one
    assert plan.columns == (263, 284)


def test_growth_is_capped_so_the_views_get_the_rest():
    plan = plan_docks(1920, 260, 280)
    assert plan.columns == (325, 350)  # 1.25 × the need each, far below the 828 px budget


def test_one_column_when_two_do_not_fit():
    # 1024 px: 434 px for the columns; 260 + 280 do not fit, one column of 280 × 1.05 does
    plan = plan_docks(1024, 260, 280)
    assert (plan.arrangement, plan.columns) == (COMPACT, (294,))


def test_one_column_never_takes_more_than_the_budget():
    assert plan_docks(1024, 600, 700).columns == (434,)


def test_bad_widths_are_refused():
    with pytest.raises(ValueError):
        plan_docks(0, 100, 100)
    with pytest.raises(ValueError):
        plan_docks(800, -1, 100)


@given(st.integers(320, 4000), st.integers(0, 900), st.integers(0, 900))
def test_the_central_views_always_keep_their_share(width, left, right):
    plan = plan_docks(width, left, right)
    assert plan.side_width + CHROME_PX <= width * (1 - CENTRAL_SHARE) + 1e-9 or \
        plan.side_width == 0
    if plan.arrangement == WIDE:
        assert plan.columns[0] >= left and plan.columns[1] >= right
    else:
        assert len(plan.columns) == 1


def test_one_column_is_as_wide_as_its_row_of_tabs():
    # the panels need 280 px but their five tabs need 330: the column gets 330 × 1.05
    assert plan_docks(1024, 260, 280, column_need=330).columns == (346,)
