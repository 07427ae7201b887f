"""The presets list as Qt item models: :class:`PresetListModel` shows the rows of a
:class:`~convgui.presets.library.PresetLibrary` (with a heat-map thumbnail of each kernel),
:class:`PresetFilterModel` keeps the rows that match the search words.

Besides Qt's display, decoration, tooltip, font and foreground roles, every row answers the
named roles :data:`KIND_ROLE` (``"header"``, ``"placeholder"``, ``"preset"`` or ``"broken"``),
:data:`OBJECT_ROLE` (the :class:`~convgui.presets.Preset`, the
:class:`~convgui.presets.BrokenPreset`, or a header's section key) and :data:`SEARCH_ROLE`
(the case-folded text the search matches).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from convgui.presets import BrokenPreset, Preset
from convgui.presets.library import BROKEN, HEADER, PLACEHOLDER, PRESET, PresetLibrary, Row
from convgui.ui.kernel_table import heat_color

__all__ = ["KIND_ROLE", "OBJECT_ROLE", "SEARCH_ROLE", "THUMBNAIL_SIZE", "PresetFilterModel",
           "PresetListModel", "kernel_thumbnail"]

THUMBNAIL_SIZE = 32
KIND_ROLE = Qt.ItemDataRole.UserRole.value
OBJECT_ROLE = KIND_ROLE + 1
SEARCH_ROLE = KIND_ROLE + 2
_ROLE_NAMES = {KIND_ROLE: b"kind", OBJECT_ROLE: b"object", SEARCH_ROLE: b"search"}

Index = QModelIndex | QPersistentModelIndex


def kernel_thumbnail(grid: Sequence[Sequence[float]], size: int = THUMBNAIL_SIZE,
                     ratio: float = 1.0) -> QPixmap:
    """A ``size``×``size`` picture of ``grid``: one square per tap in the kernel editor's
    diverging colours (blue negative, near-white 0, red positive, scaled to the largest |v|),
    centred, with a thin frame. ``ratio`` is the device pixel ratio (sharp on HiDPI)."""
    rows, cols = len(grid), len(grid[0])
    side = max(1, round(size * ratio))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    peak = max(abs(v) for row in grid for v in row)
    cell = side / max(rows, cols)
    x0, y0 = (side - cell * cols) / 2, (side - cell * rows) / 2
    xs = [round(x0 + c * cell) for c in range(cols + 1)]
    ys = [round(y0 + r * cell) for r in range(rows + 1)]
    painter = QPainter(pixmap)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            painter.fillRect(QRect(xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r]),
                             heat_color(value, peak))
    painter.setPen(QColor(110, 110, 110))
    painter.drawRect(QRect(xs[0], ys[0], xs[-1] - xs[0] - 1, ys[-1] - ys[0] - 1))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class PresetListModel(QAbstractListModel):
    """The rows of ``library`` as a flat list model.

    :meth:`sync` brings the model up to date after the library reloads, by removing,
    inserting and updating only the rows that changed (so the view keeps its selection and
    scroll position). ``ratio`` gives the device pixel ratio the thumbnails are drawn for.
    """

    def __init__(self, library: PresetLibrary, ratio: Callable[[], float] = lambda: 1.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._rows: list[Row] = list(library.rows)
        self._ratio = ratio
        self._icons: dict[tuple[Any, float], QIcon] = {}

    # -- reading ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every row, in list order."""
        return tuple(self._rows)

    def row_at(self, index: Index) -> Row | None:
        """The library row of ``index`` (of this model), or ``None``."""
        if not index.isValid() or index.model() is not self or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def index_of(self, key: tuple[str, str]) -> QModelIndex:
        """The index of the row whose :attr:`Row.key` is ``key`` (invalid if none)."""
        return next((self.index(i) for i, row in enumerate(self._rows) if row.key == key),
                    QModelIndex())

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 - Qt API
        names = dict(super().roleNames())
        names.update({role: QByteArray(name) for role, name in _ROLE_NAMES.items()})
        return names

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = self.row_at(index)
        if row is None or row.kind in (HEADER, PLACEHOLDER):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role == KIND_ROLE:
            return row.kind
        if role == OBJECT_ROLE:
            return row.entry if row.entry is not None else row.section
        if role == SEARCH_ROLE:
            return row.search_text
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(row.entry)
        if role == Qt.ItemDataRole.FontRole and row.kind == HEADER:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row.kind)
        return None

    def _decoration(self, entry: Preset | BrokenPreset | None) -> QIcon | None:
        if isinstance(entry, BrokenPreset):
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if not isinstance(entry, Preset):
            return None
        ratio = self._ratio()
        key = (entry.kernel, ratio)
        icon = self._icons.get(key)
        if icon is None:
            pixmap = kernel_thumbnail(entry.kernel, THUMBNAIL_SIZE, ratio)
            icon = QIcon()
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
                icon.addPixmap(pixmap, mode)
            self._icons[key] = icon
        return icon

    @staticmethod
    def _foreground(kind: str) -> QBrush | None:
        palette = QGuiApplication.palette()
        if kind == HEADER:  # not selectable, yet not to be drawn greyed out
            return QBrush(palette.color(QPalette.ColorRole.WindowText))
        if kind == BROKEN:
            return QBrush(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        return None

    # -- following the library --------------------------------------------------------------

    def sync(self) -> None:
        """Make the rows equal to the library's, row by row."""
        new = list(self._library.rows)
        matcher = SequenceMatcher(None, [r.key for r in self._rows], [r.key for r in new],
                                  autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # earlier rows stay put
            if tag == "equal":
                continue
            if i2 > i1:
                self.beginRemoveRows(QModelIndex(), i1, i2 - 1)
                del self._rows[i1:i2]
                self.endRemoveRows()
            if j2 > j1:
                self.beginInsertRows(QModelIndex(), i1, i1 + j2 - j1 - 1)
                self._rows[i1:i1] = new[j1:j2]
                self.endInsertRows()
        for i, row in enumerate(new):
            if self._rows[i] != row:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i), self.index(i))


class PresetFilterModel(QSortFilterProxyModel):
    """The rows of a :class:`PresetListModel` that match every search word.

    A preset or broken file is kept when each word occurs in its search text; a section
    header when a row of its section is kept; the placeholder only without a search.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """The case-folded search words (empty: every row is kept)."""
        return self._words

    def set_search_text(self, text: str) -> None:
        """Keep the rows matching every word of ``text`` (case does not matter)."""
        words = tuple(text.casefold().split())
        if words != self._words:
            self._refilter(words)

    def refilter(self) -> None:
        """Decide again for every row (after the source rows changed)."""
        self._refilter(self._words)

    def _refilter(self, words: tuple[str, ...]) -> None:
        if hasattr(self, "endFilterChange"):  # Qt ≥ 6.10, where invalidateFilter is deprecated
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._words = words
            self.invalidateFilter()

    def row_at(self, index: Index) -> Row | None:
        """The library row of ``index`` (of this model), or ``None``."""
        source = self.sourceModel()
        if not isinstance(source, PresetListModel) or not index.isValid():
            return None
        return source.row_at(self.mapToSource(index))

    def index_of(self, key: tuple[str, str]) -> QModelIndex | None:
        """The index of the row whose :attr:`Row.key` is ``key`` (invalid while the search
        hides it), or ``None`` if the source has no such row."""
        source = self.sourceModel()
        found = source.index_of(key) if isinstance(source, PresetListModel) else QModelIndex()
        return self.mapFromSource(found) if found.isValid() else None

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        source = self.sourceModel()
        if not self._words or not isinstance(source, PresetListModel):
            return True
        row = source.row_at(source.index(source_row))
        if row is None or row.kind == PLACEHOLDER:
            return False
        if row.kind != HEADER:
            return row.matches(self._words)
        return any(other.kind in (PRESET, BROKEN) and other.section == row.section
                   and other.matches(self._words) for other in source.rows)
