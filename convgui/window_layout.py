"""How the window's side panels share its width: the arithmetic, with no Qt.

The central views (the lesson on screen) keep at least :data:`CENTRAL_SHARE` of the window's
width. The side panels go in two columns (kernel and presets on the left, parameters and the
shape calculator on the right) when both fit in the rest at the width their contents need, and
otherwise in one column of tabs. A panel's need is measured by the window from its widgets
(text size included), so presentation mode's larger text moves the switch to wider windows.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The least share of the window's width that the central views keep.
CENTRAL_SHARE = 0.56
#: Pixels the window's frame, splitters and dock borders take beside the columns.
CHROME_PX = 16
#: A column of two grows at most this much past its need when there is width to spare.
MAX_GROWTH = 1.25
#: The one column of tabs is this much wider than its need (a little room, no more).
COMPACT_MARGIN = 1.05

WIDE, COMPACT = "wide", "compact"


@dataclass(frozen=True)
class DockPlan:
    """``arrangement`` is :data:`WIDE` (two columns) or :data:`COMPACT` (one column of tabs);
    ``columns`` the width of each column in pixels, left to right."""

    arrangement: str
    columns: tuple[int, ...]

    @property
    def side_width(self) -> int:
        """The width all the columns take together."""
        return sum(self.columns)


def plan_docks(window_width: int, left_need: int, right_need: int,
               column_need: int = 0) -> DockPlan:
    """The arrangement for a window ``window_width`` px wide whose left column needs
    ``left_need`` px and right column ``right_need`` px; one column holding every panel needs
    the larger of the two, or ``column_need`` if that is more (its row of tabs, say).

    >>> plan_docks(1280, 260, 280)
    DockPlan(arrangement='wide', columns=(263, 284))
    >>> plan_docks(1024, 260, 280)
    DockPlan(arrangement='compact', columns=(294,))
    """
    if window_width <= 0 or min(left_need, right_need, column_need) < 0:
        raise ValueError("widths must be positive")
    budget = max(int(window_width * (1.0 - CENTRAL_SHARE)) - CHROME_PX, 0)
    if left_need + right_need <= budget:
        spare = budget - left_need - right_need
        left = min(left_need + spare // 2, int(left_need * MAX_GROWTH))
        right = min(right_need + spare - (left - left_need), int(right_need * MAX_GROWTH))
        return DockPlan(WIDE, (left, right))
    need = max(left_need, right_need, column_need)  # one column: the lesson gets the rest
    return DockPlan(COMPACT, (min(budget, int(need * COMPACT_MARGIN)),))
