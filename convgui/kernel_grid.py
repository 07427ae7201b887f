"""Arithmetic on a kernel grid (a sequence of equally long rows of numbers): its sum, resizing
around the centre, the whole-kernel tools' transforms, and the sum line the editor shows.

Plain Python, no Qt: every function returns a new list of rows and leaves its input alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = [
    "ZERO_SUM_REASON", "Rows", "changed_axes", "flipped_horizontally", "flipped_vertically",
    "identity_grid", "kernel_sum", "resize_centered", "rotated_clockwise", "sum_summary",
    "transposed", "with_zeros", "zero_grid",
]

Rows = list[list[float]]
Grid = Sequence[Sequence[float]]
ZERO_SUM_REASON = (
    "the kernel sums to 0 (an edge/derivative kernel): dividing by its sum is impossible; "
    "its response is already balanced"
)


def kernel_sum(grid: Grid) -> float:
    """Exact-as-possible sum of the grid; rounding noise of a zero-sum float kernel (a LoG sums
    to ~1e-17) counts as 0."""
    total = math.fsum(v for row in grid for v in row)
    return 0.0 if abs(total) <= 1e-12 * math.fsum(abs(v) for row in grid for v in row) else total


def sum_summary(grid: Grid, divisor: float) -> str:
    """The sum of ``grid``, ``divisor`` and the effective sum (their ratio) in one line, with
    what an effective sum of 1 or 0 means for the image."""
    total = kernel_sum(grid)
    effective = total / divisor
    meaning = (" (keeps brightness)" if math.isclose(effective, 1, abs_tol=1e-9) else
               " (flat areas → 0)" if abs(effective) < 1e-9 else "")
    return (f"Σ = {total:.6g} · divisor {divisor:.6g} · "
            f"effective Σ = {effective:.6g}{meaning}")


def changed_axes(before: tuple[int, int], after: tuple[int, int]) -> set[int]:
    """The axes (0 rows, 1 columns) whose length differs between two kernel shapes."""
    return {axis for axis in (0, 1) if before[axis] != after[axis]}


def _shift(old: int, new: int) -> int:
    """Where old index 0 lands: half the padding when growing, minus half the crop when
    shrinking (rounded down, so the odd one is at the bottom / right)."""
    return (new - old) // 2 if new >= old else -((old - new) // 2)


def resize_centered(grid: Grid, rows: int, cols: int) -> Rows:
    """``grid`` as ``rows×cols``, centred: grow pads zeros evenly (the odd one at the bottom /
    right), shrink crops evenly (the odd one from the bottom / right), so the centre tap
    ``(h//2, w//2)`` of an odd side stays the centre."""
    h, w = len(grid), len(grid[0])
    out: Rows = [[0] * cols for _ in range(rows)]
    dr, dc = _shift(h, rows), _shift(w, cols)
    for r in range(max(0, dr), min(rows, h + dr)):
        for c in range(max(0, dc), min(cols, w + dc)):
            out[r][c] = grid[r - dr][c - dc]
    return out


def flipped_horizontally(grid: Grid) -> Rows:
    """``grid`` mirrored left–right."""
    return [list(row[::-1]) for row in grid]


def flipped_vertically(grid: Grid) -> Rows:
    """``grid`` mirrored top–bottom."""
    return [list(row) for row in grid[::-1]]


def rotated_clockwise(grid: Grid) -> Rows:
    """``grid`` rotated 90° clockwise (an h×w grid becomes w×h)."""
    return [list(row) for row in zip(*grid[::-1], strict=True)]


def transposed(grid: Grid) -> Rows:
    """``grid`` with rows and columns swapped."""
    return [list(row) for row in zip(*grid, strict=True)]


def zero_grid(rows: int, cols: int) -> Rows:
    """A ``rows×cols`` grid of zeros."""
    return [[0] * cols for _ in range(rows)]


def identity_grid(rows: int, cols: int) -> Rows:
    """Zeros with a 1 at the centre tap ``(rows//2, cols//2)``: the kernel that leaves an
    image unchanged (with divisor 1)."""
    grid = zero_grid(rows, cols)
    grid[rows // 2][cols // 2] = 1
    return grid


def with_zeros(grid: Grid, cells: Iterable[tuple[int, int]]) -> Rows:
    """``grid`` with the taps at ``cells`` (row, column) set to 0."""
    out = [list(row) for row in grid]
    for r, c in cells:
        out[r][c] = 0
    return out
