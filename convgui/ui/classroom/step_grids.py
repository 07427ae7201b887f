"""The step-through panel's grids: up to three input grids and the output grid, arranged to
fit the room they get.

The grids keep their order (R, G, B, then "→ Output") and wrap onto as many rows as the width
needs; among the arrangements that fit, the one with the largest cells wins (cells from the
smallest that still hold the numbers legibly, :meth:`NumberGrid.min_cell
<convgui.ui.classroom.grid_widgets.NumberGrid.min_cell>`, up to 96 px or the font's comfortable
size if larger), so a wide panel shows everything side by side and a narrow one puts the output
under the input instead of off screen. :func:`choose_arrangement` is that choice. Only when no
arrangement fits even at the smallest legible cells does the area scroll.

Lines of text around the grids (an example's description, a note, a message) can be handed to
:meth:`StepGrids.fold_lines`: they fold away, least important first, while the grids would not
fit without them, and come back when the room grows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
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
from convgui.walkstate import Plane

__all__ = ["MAX_CELL", "StepGrids", "choose_arrangement", "extent"]

MAX_CELL = 96  # px: larger cells do not help the class read the numbers
SPACING = 4  # px between a title and its grid, and around the arrangement
GAP = 12  # px between grids
LUMA_TIP = ("Luma = 0.299 R + 0.587 G + 0.114 B, computed from the three grids: edit them in "
            "per-channel mode")


def extent(sizes: Sequence[tuple[int, int]], per_row: int, gap: int = GAP) -> tuple[int, int]:
    """(width, height) of ``sizes`` (width, height each) laid out ``per_row`` a row in a grid
    whose columns are as wide as their widest item and rows as tall as their tallest."""
    rows = [sizes[i:i + per_row] for i in range(0, len(sizes), per_row)]
    widths = [max(rows[r][c][0] for r in range(len(rows)) if c < len(rows[r]))
              for c in range(min(per_row, len(sizes)))]
    width = sum(widths) + gap * (len(widths) - 1)
    height = sum(max(h for _, h in row) for row in rows) + gap * (len(rows) - 1)
    return width, height


@functools.lru_cache(maxsize=4096)
def _cached_extent(sizes: tuple[tuple[int, int], ...], per_row: int) -> tuple[int, int]:
    """:func:`extent` remembered: an arrangement is tried at many heights while folding."""
    return extent(sizes, per_row)


def choose_arrangement(sizes_at: Callable[[int], Sequence[tuple[int, int]]],
                       sides: Sequence[int], width: int, height: int) -> tuple[int, int, bool]:
    """(items per row, cell side, fits): the largest side in ``sides`` (descending) at which
    some number of items per row fits ``width`` × ``height``, with the most items per row at
    that side. When none fits both, the smallest side with the most items per row that fits
    the width (the rest scrolls down), else one a row; ``fits`` is then False."""
    count = len(sizes_at(sides[-1]))
    for side in sides:
        sizes = tuple(sizes_at(side))
        for per_row in range(count, 0, -1):
            w, h = _cached_extent(sizes, per_row)
            if w <= width and h <= height:
                return per_row, side, True
    sizes = sizes_at(sides[-1])
    per_row = next((n for n in range(count, 0, -1) if extent(sizes, n)[0] <= width), 1)
    return per_row, sides[-1], False


def _title_width(title: QLabel, wrap: bool) -> int:
    """The width ``title`` needs: its longest word (``wrap``: it wraps at its words) or its
    whole text."""
    metrics = title.fontMetrics()
    parts = title.text().split() if wrap else [title.text()]
    return max([0] + [metrics.horizontalAdvance(part) + 2 for part in parts])


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
    ``input_grids`` / ``input_titles`` (three; :meth:`set_plane_count` shows the first n,
    :meth:`show_planes` fills them),
    ``output_grid``, ``arrow`` (shown with one input grid)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input_grids = [NumberGrid() for _ in range(3)]
        self.input_titles = [QLabel() for _ in range(3)]
        self.output_grid, self.output_title = NumberGrid(), QLabel("Output")
        self.arrow = QLabel("→")
        holder = QWidget()
        self._items: list[QWidget] = []
        for title in self._titles():
            title.setWordWrap(True)  # a long title wraps rather than widen its grid's column
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
        self._lines: dict[QWidget, bool] = {}  # foldable line → whether it has something to show
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

    def show_planes(self, planes: Sequence[Plane]) -> None:
        """Show ``planes`` in the first input grids (and only those): each titled, editable
        as it says, with row labels on the first grid only (the grids share their rows)."""
        self.set_plane_count(len(planes))
        for k, plane in enumerate(planes):
            grid, title = self.input_grids[k], self.input_titles[k]
            title.setText(plane.title)
            title.setToolTip("" if plane.editable else LUMA_TIP)
            grid.set_editable(plane.editable)
            grid.set_row_headers(k == 0)
            grid.set_values(plane.values, plane.real, plane.row_labels, plane.col_labels)

    def per_row(self) -> int:
        """How many grids each row of the arrangement holds."""
        return self._per_row

    def _titles(self) -> list[QLabel]:
        return [*self.input_titles, self.output_title]

    def _grids(self) -> list[NumberGrid]:
        return [g for g, item in zip(self.input_grids, self._items, strict=False)
                if not item.isHidden()] + [self.output_grid]

    def _size_table(self, sides: Sequence[int]) -> dict[bool, dict[int, list[tuple[int, int]]]]:
        """For titles whole (False) and wrapped at their words (True), for each of ``sides``:
        (width, height) of each grid shown with its title."""
        shown = [(title, grid) for item, title, grid in zip(
            self._items, self._titles(), [*self.input_grids, self.output_grid], strict=True)
            if not item.isHidden()]
        arrow = 0 if self.arrow.isHidden() else self.arrow.sizeHint().width() + SPACING
        heights: dict[tuple[int, int], int] = {}  # (title, width) → wrapped title's height
        table: dict[bool, dict[int, list[tuple[int, int]]]] = {False: {}, True: {}}
        # each grid's size grows linearly from its smallest legible cell
        grown = [(grid.min_cell(), grid.size_for_cell(grid.min_cell()), grid.shape(),
                  arrow if grid is self.output_grid else 0) for _, grid in shown]
        for wrap, by_side in table.items():
            title_widths = [_title_width(title, wrap) for title, _ in shown]
            for side in sides:
                sizes = []
                for n, ((smallest, at, (rows, cols), extra), (title, _)) in enumerate(
                        zip(grown, shown, strict=True)):
                    w = max(at.width() + cols * (side - smallest), title_widths[n])
                    if (n, w) not in heights:
                        heights[n, w] = title.heightForWidth(w)
                    grid_h = at.height() + rows * (side - smallest)
                    sizes.append((w + extra, heights[n, w] + SPACING + grid_h))
                by_side[side] = sizes
        return table

    def fold_lines(self, lines: Sequence[QWidget]) -> None:
        """Lines around the grids in the same column of the parent's layout, least important
        first, that fold away (hide) while the grids would not fit without their room; each
        is shown now if visible. :meth:`show_line` says whether one has something to show."""
        self._lines = {line: not line.isHidden() for line in lines}
        self.fit()

    def show_line(self, line: QWidget, wanted: bool) -> None:
        """Whether foldable ``line`` has something to show (it is shown if there is room)."""
        self._lines[line] = bool(wanted)
        self.fit()

    def folded_lines(self) -> list[QWidget]:
        """The foldable lines that have something to show but are folded for lack of room."""
        return [line for line, wanted in self._lines.items() if wanted and line.isHidden()]

    def _sides(self) -> list[int]:
        """The cell sides to try, largest first: down to the smallest legible cell."""
        grids = self._grids()
        smallest = max(g.min_cell() for g in grids)
        largest = max(smallest, MAX_CELL, max(g.base_cell() for g in grids))
        return list(range(largest, smallest - 1, -1))

    @staticmethod
    def _arrange(table: dict[bool, dict[int, list[tuple[int, int]]]], sides: list[int],
                 width: int, height: int) -> tuple[int, int, bool, bool]:
        """(items per row, cell side, fits, titles wrapped): :func:`choose_arrangement` with
        the titles whole, or wrapped at their words when that fits larger cells (or fits the
        width at all). ``table``: :meth:`_size_table` of ``sides``."""
        whole = choose_arrangement(table[False].__getitem__, sides, width, height)
        wrapped = choose_arrangement(table[True].__getitem__, sides, width, height)
        if whole[2] and (not wrapped[2] or whole[1] >= wrapped[1]):
            return (*whole, False)
        return (*wrapped, True)

    def _room(self, size: QSize) -> tuple[int, int]:
        """The width and height the grids have in a scroll area of ``size``."""
        inset = 2 * self.frameWidth() + 2 * SPACING
        return size.width() - inset, size.height() - inset

    def _line_cost(self, line: QWidget) -> int:
        """The height ``line`` takes from the grids when shown: its own and a spacing."""
        layout = self.parentWidget().layout() if self.parentWidget() is not None else None
        spacing = max(0, layout.spacing()) if layout is not None else 0
        height = (line.heightForWidth(self.width()) if line.hasHeightForWidth()
                  else line.sizeHint().height())
        return max(0, height) + spacing

    def _fold(self, table: dict[bool, dict[int, list[tuple[int, int]]]],
              sides: list[int]) -> int:
        """Show the foldable lines, most important first, while the grids still fit without
        scrolling; fold the others. Returns the grids' height with those lines shown."""
        height = self.height() + sum(self._line_cost(line) for line in self._lines
                                     if not line.isHidden())
        width, _ = self._room(self.size())
        room, changed = True, False  # a line folded: the less important ones fold too
        for line, wanted in reversed(list(self._lines.items())):
            cost = self._line_cost(line)
            show = wanted and room and self._arrange(
                table, sides, width, self._room(QSize(0, height - cost))[1])[2]
            room = room and (show or not wanted)
            if show:
                height -= cost
            if line.isHidden() == show:
                line.setVisible(show)
                changed = True
        if changed:  # often asked while the parent's layout places us: it must run again
            QTimer.singleShot(0, self, self._lay_out_parent)
        return height

    def _lay_out_parent(self) -> None:
        layout = self.parentWidget().layout() if self.parentWidget() is not None else None
        if layout is not None:
            layout.invalidate()
            layout.activate()

    def fit(self) -> None:
        """Fold the foldable lines as needed and choose the arrangement and cell size for the
        current size (see the module)."""
        grids = self._grids()
        sides = self._sides()
        table = self._size_table(sides)
        width, height = self._room(QSize(self.width(), self._fold(table, sides)))
        per_row, side, fits, wrap = self._arrange(table, sides, width, height)
        if not fits:  # a vertical scroll bar takes some of the width
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            per_row, side, _, wrap = self._arrange(table, sides, width - bar, height)
        for grid in grids:
            grid.set_cell_side(side)
        for title, grid in zip(self._titles(), [*self.input_grids, self.output_grid],
                               strict=True):
            title.setFixedWidth(max(grid.size_for_cell(side).width(), _title_width(title, wrap)))
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
