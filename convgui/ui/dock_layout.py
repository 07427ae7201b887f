"""The window's side panels as docks, arranged for the window's width and text size, live.

:func:`convgui.window_layout.plan_docks` decides between two columns and one column of tabs;
:class:`DockLayout` measures what each panel needs, applies the plan, and applies it again
when the window is resized or its text grows or shrinks (presentation mode), so a teacher who
resizes the window in front of a class never loses a control off its edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStyle,
    QTabBar,
    QTabWidget,
    QWidget,
)

from convgui.window_layout import CENTRAL_SHARE, COMPACT, WIDE, DockPlan, plan_docks

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
#: The least height (px) the lower panels of a column keep below its top ones.
MIN_LOWER_HEIGHT = 180
#: Tabs of docks sharing a column: less padding than the style's, so five panel names fit a
#: one-column layout at 1024 px in presentation mode.
#: A dock tab's width beyond its text: DOCK_TABS_STYLE's padding, border and margin, and slack.
TAB_CHROME_PX = 12
DOCK_TABS_STYLE = (
    "QTabBar::tab { padding: 3px 5px; margin-right: 1px; border: 1px solid palette(mid);"
    " background: palette(button); color: palette(button-text); }"
    " QTabBar::tab:selected { background: palette(base);"
    " border-bottom: 3px solid palette(highlight); }"
)


@dataclass(frozen=True)
class Panel:
    """A side panel: its ``key``, the dock's ``title`` (``short_title`` when it is a tab among
    others), the ``column`` it takes in two columns (``"left"``/``"right"``), its ``widget``,
    whether it ``scrolls`` vertically inside its dock, and whether it goes in the tabs
    ``below`` the top ones of its column."""

    key: str
    title: str
    short_title: str
    column: str
    widget: QWidget
    scrolls: bool = False
    below: bool = False


class DockLayout(QObject):
    """Creates a dock per :class:`Panel` on ``window`` and keeps them arranged.

    Two columns: in each, its top panels tabbed together above its ``below`` panels tabbed
    together (or the top ones alone, at full height). One column: every panel a tab of one
    dock area, at the right, in the panels' order.
    ``docks`` maps each panel's key to its dock; ``plan`` is the arrangement in force.
    """

    def __init__(self, window: QMainWindow, panels: list[Panel]) -> None:
        super().__init__(window)
        self._window = window
        self.panels = panels
        self.docks: dict[str, QDockWidget] = {p.key: self._make_dock(p) for p in panels}
        first = self.docks[panels[0].key]
        for panel in panels[1:]:  # tabbed until arranged: stacked, their minimum heights add up
            window.tabifyDockWidget(first, self.docks[panel.key])
        self.plan: DockPlan | None = None
        for area in (LEFT, RIGHT):
            window.setTabPosition(area, QTabWidget.TabPosition.North)
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.follow_window)
        window.installEventFilter(self)

    def _make_dock(self, panel: Panel) -> QDockWidget:
        dock = QDockWidget(panel.title, self._window)
        dock.setObjectName(panel.title.replace(" ", "_"))  # saved layouts find docks by it
        if panel.scrolls:
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area.setWidget(panel.widget)
            dock.setWidget(area)
        else:
            dock.setWidget(panel.widget)
        self._window.addDockWidget(RIGHT, dock)
        return dock

    # -------------------------------------------------------------------------- measuring
    def need(self, panel: Panel) -> int:
        """The width (px) ``panel``'s dock needs to show its contents uncut."""
        width = panel.widget.minimumSizeHint().width()
        if panel.scrolls:
            width += self._window.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        dock = self.docks[panel.key]
        frame = dock.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetFrameWidth, None, dock)
        return width + 2 * frame + 4

    def tabs_need(self) -> int:
        """The width (px) of one row of tabs holding every panel's short title."""
        metrics = self._window.fontMetrics()
        return sum(metrics.horizontalAdvance(p.short_title) + TAB_CHROME_PX for p in self.panels)

    def current_plan(self) -> DockPlan:
        """The plan for the window's width and the panels' needs now."""
        needs = {"left": 0, "right": 0}
        for panel in self.panels:
            needs[panel.column] = max(needs[panel.column], self.need(panel))
        return plan_docks(max(self._window.width(), 1), needs["left"], needs["right"],
                          self.tabs_need())

    # ---------------------------------------------------------------------------- arranging
    def arrange(self, plan: DockPlan | None = None) -> None:
        """Put every dock where ``plan`` (default: :meth:`current_plan`) says, docked and
        shown, with the column widths it gives."""
        plan = plan or self.current_plan()
        self.plan = plan
        window = self._window
        size = window.size()
        for panel in self.panels:
            dock = self.docks[panel.key]
            dock.setFloating(False)
            dock.setWindowTitle(panel.short_title)  # a tab's title; a column's top: the full one
            window.removeDockWidget(dock)
        if plan.arrangement == WIDE:
            self._arrange_wide(plan)
        else:
            self._arrange_compact(plan)
        if window.size() != size and not (window.isMaximized() or window.isFullScreen()):
            window.resize(size)  # moving docks around may have grown the window for a moment

    def _arrange_wide(self, plan: DockPlan) -> None:
        window = self._window
        columns = [(area, [p for p in self.panels if p.column == name])
                   for area, name in ((LEFT, "left"), (RIGHT, "right"))]
        for area, panels in columns:
            top = [p for p in panels if not p.below]
            lower = [p for p in panels if p.below]
            first_top = self._show(top[0])
            window.addDockWidget(area, first_top)
            if len(top) == 1:
                first_top.setWindowTitle(top[0].title)  # alone: the full title
            # split before tabbing: a dock that is already a tab cannot be split (Qt tabs the
            # second dock in instead)
            groups = [(first_top, top[1:])]
            if lower:
                first_low = self._show(lower[0])
                if len(lower) == 1:
                    first_low.setWindowTitle(lower[0].title)
                window.splitDockWidget(first_top, first_low, Qt.Orientation.Vertical)
                groups.append((first_low, lower[1:]))
            for first, rest in groups:
                for panel in rest:
                    window.tabifyDockWidget(first, self._show(panel))
                first.raise_()
        self._style_dock_tabs()
        window.layout().activate()
        tops = [self.docks[panels[0].key] for _area, panels in columns]
        window.resizeDocks(tops, list(plan.columns), Qt.Orientation.Horizontal)
        for _area, panels in columns:
            lower = [p for p in panels if p.below]
            if lower:
                self._split_height(self.docks[panels[0].key], self.docks[lower[0].key],
                                   panels[0].widget)

    def _arrange_compact(self, plan: DockPlan) -> None:
        self._tab_group(RIGHT, self.panels)
        self._window.layout().activate()
        first = self.docks[self.panels[0].key]
        self._window.resizeDocks([first], [plan.columns[0]], Qt.Orientation.Horizontal)

    def _tab_group(self, area: Qt.DockWidgetArea, panels: list[Panel]) -> None:
        first = self._show(panels[0])
        self._window.addDockWidget(area, first)
        for panel in panels[1:]:
            self._window.tabifyDockWidget(first, self._show(panel))
        first.raise_()
        self._style_dock_tabs()

    def _style_dock_tabs(self) -> None:
        """The tab bars of tabbed docks are the window's own children, made on demand."""
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for bar in self._window.findChildren(QTabBar, options=direct):
            bar.setStyleSheet(DOCK_TABS_STYLE)

    def _show(self, panel: Panel) -> QDockWidget:
        dock = self.docks[panel.key]
        dock.show()
        return dock

    def _split_height(self, top: QDockWidget, lower: QDockWidget, content: QWidget) -> None:
        """The top dock as tall as its content (title bar included), the lower dock the rest
        but at least :data:`MIN_LOWER_HEIGHT`."""
        total = top.height() + lower.height()
        title = top.height() - top.widget().height()  # title bar and frame, as laid out
        width = top.width() - self._window.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent)
        needed = content.sizeHint().height()
        if content.hasHeightForWidth():  # wrapped labels: taller in a narrow column
            needed = max(needed, content.heightForWidth(width))
        wanted = title + needed + 4
        upper = max(min(wanted, total - MIN_LOWER_HEIGHT), total // 3)
        self._window.resizeDocks([top, lower], [upper, total - upper], Qt.Orientation.Vertical)

    # ----------------------------------------------------------------------------- following
    def follow_window(self) -> None:
        """Re-plan for the window as it is now: a new arrangement if the plan changed, else
        the planned column widths again if the central views fell below their share or a
        column below its need."""
        if not self._window.isVisible():
            return
        plan = self.current_plan()
        if self.plan is None or plan.arrangement != self.plan.arrangement:
            self.arrange(plan)
            return
        self.plan = plan
        columns = self._column_docks(plan)
        central = self._window.centralWidget()
        squeezed = central is not None and \
            central.width() < CENTRAL_SHARE * self._window.width() - 8
        if squeezed or any(dock.width() < width - 4 for dock, width in columns):
            self._window.resizeDocks([d for d, _w in columns], [w for _d, w in columns],
                                     Qt.Orientation.Horizontal)

    def _column_docks(self, plan: DockPlan) -> list[tuple[QDockWidget, int]]:
        """A visible docked dock of each column, with the column's planned width."""
        columns = ["left", "right"] if plan.arrangement == WIDE else [None]
        pairs = []
        for column, width in zip(columns, plan.columns, strict=True):
            for panel in self.panels:
                dock = self.docks[panel.key]
                if (column is None or panel.column == column) and dock.isVisible() \
                        and not dock.isFloating():
                    pairs.append((dock, width))
                    break
        return pairs

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() in (
                QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.Show):
            self._pending.start()
        return super().eventFilter(watched, event)


__all__ = ["COMPACT", "WIDE", "DockLayout", "Panel"]
