"""The step-through panel's grids: up to three input grids and the output grid, arranged to
fit the room they get.

The grids keep their order (R, G, B, then "→ Output") and wrap onto as many rows as the width
needs; among the arrangements that fit, the one with the largest cells wins (cells from the
font's size up to 96 px), so a wide panel shows everything side by side and a narrow one puts
the output under the input instead of off screen. :func:`choose_arrangement` is that choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from convgui.ui.classroom.grid_widgets import NumberGrid, scaled_font

__all__ = ["MAX_CELL", "StepGrids", "choose_arrangement", "extent"]

MAX_CELL = 96  # px: larger cells do not help the class read the numbers
SPACING = 4  # px between a title and its grid, and around the arrangement
GAP = 12  # px between grids


def extent(sizes: Sequence[tuple[int, int]], per_row: int, gap: int = GAP) -> tuple[int, int]:
    """(width, height) of ``sizes`` (width, height each) laid out ``per_row`` a row in a grid
    whose columns are as wide as their widest item and rows as tall as their tallest."""
    rows = [sizes[i:i + per_row] for i in range(0, len(sizes), per_row)]
    widths = [max(rows[r][c][0] for r in range(len(rows)) if c < len(rows[r]))
              for c in range(min(per_row, len(sizes)))]
    width = sum(widths) + gap * (len(widths) - 1)
    height = sum(max(h for _, h in row) for row in rows) + gap * (len(rows) - 1)
    return width, height


def choose_arrangement(sizes_at: Callable[[int], Sequence[tuple[int, int]]],
                       sides: Sequence[int], width: int, height: int) -> tuple[int, int, bool]:
    """(items per row, cell side, fits): the largest side in ``sides`` (descending) at which
    some number of items per row fits ``width`` × ``height``, with the most items per row at
    that side. When none fits both, the smallest side with the most items per row that fits
    the width (the rest scrolls down), else one a row; ``fits`` is then False."""
    count = len(sizes_at(sides[-1]))
    for side in sides:
        sizes = sizes_at(side)
        for per_row in range(count, 0, -1):
            w, h = extent(sizes, per_row)
            if w <= width and h <= height:
                return per_row, side, True
    sizes = sizes_at(sides[-1])
    per_row = next((n for n in range(count, 0, -1) if extent(sizes, n)[0] <= width), 1)
    return per_row, sides[-1], False


def _column(title: QLabel, grid: NumberGrid) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(SPACING)
    column.addWidget(title)
    column.addWidget(grid)
    column.addStretch(1)
    return column


class StepGrids(QScrollArea):
    """The grids in a scroll area that scrolls only when even the smallest cells do not fit.
    ``input_grids`` / ``input_titles`` (three; :meth:`set_plane_count` shows the first n),
    ``output_grid``, ``arrow`` (shown with one input grid)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input_grids = [NumberGrid() for _ in range(3)]
        self.input_titles = [QLabel() for _ in range(3)]
        self.output_grid, self.output_title = NumberGrid(), QLabel("Output")
        self.arrow = QLabel("→")
        holder = QWidget()
        self._items: list[QWidget] = []
        for title, grid in zip(self.input_titles, self.input_grids, strict=True):
            item = QWidget(holder)
            item.setLayout(_column(title, grid))
            self._items.append(item)
        output = QWidget(holder)
        row = QHBoxLayout(output)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(SPACING)
        row.addWidget(self.arrow, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(_column(self.output_title, self.output_grid))
        self._items.append(output)
        self._layout = QGridLayout(holder)
        self._layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        self._layout.setSpacing(GAP)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._per_row, self._count = 0, 3
        self.setWidget(holder)
        self.setWidgetResizable(True)
        self._apply_fonts()

    def set_plane_count(self, count: int) -> None:
        """Show the first ``count`` input grids (the arrow only with one)."""
        if count == self._count:
            return
        self._count = count
        for k, (item, grid) in enumerate(zip(self._items, self.input_grids, strict=False)):
            item.setVisible(k < count)
            grid.setVisible(k < count)
        self.arrow.setVisible(count == 1)
        self._per_row = 0  # place the grids shown now
        self.fit()

    def per_row(self) -> int:
        """How many grids each row of the arrangement holds."""
        return self._per_row

    def _grids(self) -> list[NumberGrid]:
        return [g for g, item in zip(self.input_grids, self._items, strict=False)
                if not item.isHidden()] + [self.output_grid]

    def _sizes_at(self, side: int) -> list[tuple[int, int]]:
        sizes = []
        for item, title, grid in zip(self._items, self.input_titles + [self.output_title],
                                     self.input_grids + [self.output_grid], strict=True):
            if item.isHidden():
                continue
            cell = grid.size_for_cell(side)
            hint = title.sizeHint()
            w, h = max(hint.width(), cell.width()), hint.height() + SPACING + cell.height()
            if grid is self.output_grid and not self.arrow.isHidden():
                w += self.arrow.sizeHint().width() + SPACING
            sizes.append((w, h))
        return sizes

    def fit(self) -> None:
        """Choose the arrangement and cell size for the current size (see the module)."""
        grids = self._grids()
        base = max(g.base_cell() for g in grids)
        sides = list(range(max(base, MAX_CELL), base - 1, -1))
        frame, margins = 2 * self.frameWidth(), 2 * SPACING
        width, height = self.width() - frame - margins, self.height() - frame - margins
        per_row, side, fits = choose_arrangement(self._sizes_at, sides, width, height)
        if not fits:  # a vertical scroll bar takes some of the width
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            per_row, side, _ = choose_arrangement(self._sizes_at, sides, width - bar, height)
        for grid in grids:
            grid.set_min_cell(side)
        if per_row != self._per_row:
            self._per_row = per_row
            visible = [item for item in self._items if not item.isHidden()]
            for item in self._items:
                self._layout.removeWidget(item)
            for n, item in enumerate(visible):
                self._layout.addWidget(item, n // per_row, n % per_row,
                                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def ensure_cells_visible(self, grid: NumberGrid, rect: QRect) -> None:
        """Scroll so that ``rect`` (in ``grid``'s coordinates) is in view."""
        centre = grid.mapTo(self.widget(), rect.center())
        self.ensureVisible(centre.x(), centre.y(), rect.width() // 2 + 8,
                           rect.height() // 2 + 8)

    def _apply_fonts(self) -> None:
        self.arrow.setFont(scaled_font(self.font(), 2.0, bold=True))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
            self.fit()
        super().changeEvent(event)
