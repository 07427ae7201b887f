"""Keyboard and screen-reader plumbing for the main window.

:func:`install_keyboard` gives the window

* a **focus ring** (:class:`FocusRing`): a two-tone outline drawn over whichever control has
  the keyboard focus, at least 3:1 against what it covers in normal and presentation mode,
  as thick as the font makes it (the styles' own focus marks are faint or missing);
* a **tab order** that visits the lesson tab bar, the lesson on show, then every side panel
  in the order of :attr:`DockLayout.panels` (Kernel, Parameters, Shape, Presets, Frequency),
  whatever order the docks were created or re-docked in (Tab and Shift+Tab are handled here:
  ``QWidget.setTabOrder`` across the docks left Qt 6.11's focus chain crashing when the
  window was destroyed);
* **panel cycling** with F6 / Shift+F6 (the lesson, then each open dock, raising a dock that
  is a tab behind another), actions for the View menu;
* the kernel tools (Normalize, Flip, Rotate, …) as **window shortcuts** that work wherever
  the focus is, gathered in a *Kernel tools* menu for the Edit menu;
* **accessible names**, tooltips and What's This texts on the controls of the panels that
  name nothing themselves (the image views, the presets panel, the docks' scroll areas).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QTextEdit,
    QWidget,
)
from shiboken6 import isValid

if TYPE_CHECKING:
    from convgui.ui.main_window import MainWindow

__all__ = [
    "MIN_CONTRAST",
    "FocusRing",
    "Keyboard",
    "contrast_ratio",
    "install_keyboard",
    "name_outside_controls",
    "ring_colors",
]

#: WCAG 2.2's least contrast for a focus indicator against what it is seen against.
MIN_CONTRAST = 3.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance of an sRGB colour (0 black … 1 white)."""
    return (0.2126 * _channel(color.red()) + 0.7152 * _channel(color.green())
            + 0.0722 * _channel(color.blue()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 (same) … 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ring_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """``(ring, halo)``: the ring is the palette's highlight when that stands out 3:1 from
    the window background, else the window text colour (black or white); the halo, a band
    inside the ring almost as thick, is whichever of white and black contrasts more with the
    ring (the two-colour indicator of WCAG technique C40), so one of the two stands out 3:1
    from any content, dark (an image's black border) or light."""
    background = palette.color(QPalette.ColorRole.Window)
    ring = palette.color(QPalette.ColorRole.Highlight)
    if contrast_ratio(ring, background) < MIN_CONTRAST:
        ring = palette.color(QPalette.ColorRole.WindowText)
    white, black = QColor("white"), QColor("black")
    halo = white if contrast_ratio(ring, white) >= contrast_ratio(ring, black) else black
    return ring, halo


def ring_width(widget: QWidget) -> int:
    """The ring's thickness in pixels: a fifth of a text line, at least 3 (WCAG 2.2 asks an
    indicator at least as large as a 2 px perimeter, and the ring's corners and any part a
    neighbour clips take some), so it grows with the font (presentation mode)."""
    return max(3, round(widget.fontMetrics().height() / 5))


def reveal(widget: QWidget) -> None:
    """Scroll every scroll area holding ``widget`` so it is in view (what Qt's own Tab
    handling does)."""
    w = widget.parentWidget()
    while w is not None:
        if isinstance(w, QScrollArea) and w.widget() is not None \
                and w.widget().isAncestorOf(widget):
            w.ensureWidgetVisible(widget)
        w = w.parentWidget()


class FocusRing(QWidget):
    """An outline over the focused control of ``window`` (or of one of its floating docks).

    A child of that window drawn above everything else and transparent to the mouse: it follows
    the focused widget as it moves, resizes, scrolls or hides, and covers only the part of it
    that its ancestors let show (a control scrolled half out of a panel is outlined where it
    is seen). Drawn just inside the control's edge, so a neighbour never hides it.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._main = window
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        # Follows on the next turn of the event loop, never inside the event (a widget being
        # destroyed sends Hide and ParentChange from its destructor).
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.follow)
        app = QApplication.instance()
        app.focusChanged.connect(self._focus_changed)
        self._focus_changed(None, app.focusWidget())

    @property
    def target(self) -> QWidget | None:
        """The widget outlined now, or None."""
        return self._target

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None:  # no focus (the window is no longer active): no ring
            self._target = None
            self.hide()
            return
        host = new.window()
        ours = host is self._main or (isinstance(host, QDockWidget)
                                      and host.parentWidget() is self._main)
        for widget in self._watched:
            if isValid(widget):  # a cell editor or a popup may be gone already
                widget.removeEventFilter(self)
        self._watched = []
        self._target = new if ours and new is not self else None
        if self._target is None:
            self.hide()
            return
        if self.parentWidget() is not host:
            self.setParent(host)
        w: QWidget | None = new
        while w is not None:
            w.installEventFilter(self)
            self._watched.append(w)
            if w is host:
                break
            w = w.parentWidget()
        self.follow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide, QEvent.Type.FontChange,
                            QEvent.Type.ParentChange):
            self._pending.start()
        return super().eventFilter(watched, event)

    def follow(self) -> None:
        """Cover the visible part of the focused widget (hide when none of it shows)."""
        target, host = self._target, self.parentWidget()
        if target is None or not isValid(target) or host is None or not target.isVisible():
            self.hide()
            return
        rect = QRect(target.mapTo(host, target.rect().topLeft()), target.size())
        w = target.parentWidget()
        while w is not None and w is not host:
            rect = rect.intersected(QRect(w.mapTo(host, w.rect().topLeft()), w.size()))
            w = w.parentWidget()
        if rect.width() < 4 or rect.height() < 4:
            self.hide()
            return
        self.setGeometry(rect)
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, _event: QEvent) -> None:  # noqa: N802 - Qt's name
        ring, halo = ring_colors(self._main.palette())
        width = ring_width(self._main)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        outer = self.rect()
        pen = QPen(ring, width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = width // 2
        painter.drawRect(outer.adjusted(half, half, -(width - half), -(width - half)))
        inner = max(2, width - 1)  # the halo: where the ring does not show, it does
        pen = QPen(halo, inner)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = inner // 2
        painter.drawRect(outer.adjusted(width, width, -width, -width).adjusted(
            half, half, -(inner - half), -(inner - half)))
        painter.end()


def _focusable(widget: QWidget) -> bool:
    return (widget.isVisible() and widget.isEnabled()
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus))


def first_focusable(root: QWidget) -> QWidget | None:
    """The first widget inside ``root`` (or ``root`` itself) that Tab could give the focus to,
    in the window's tab order; None if there is none."""
    if _focusable(root):
        return root
    w = root.nextInFocusChain()
    while w is not root:
        if root.isAncestorOf(w) and _focusable(w):
            return w
        w = w.nextInFocusChain()
    return None


class Keyboard(QObject):
    """The window's keyboard plumbing (see the module's docstring); made by
    :func:`install_keyboard`.

    ``next_panel_action`` (F6) / ``previous_panel_action`` (Shift+F6) move the focus to the
    next / previous region: the lesson on show, then each dock that is open, raising a dock
    that is a tab behind another. ``kernel_actions`` are the kernel tools, working anywhere in
    the window; :meth:`kernel_menu` lists them and :meth:`view_actions` the panel actions.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.focus_ring = FocusRing(window)
        self.next_panel_action = self._window_action(
            "&Next panel", "F6", lambda: self.cycle(1),
            "Move the keyboard focus to the next panel: the lesson, Kernel, Parameters, …")
        self.previous_panel_action = self._window_action(
            "P&revious panel", "Shift+F6", lambda: self.cycle(-1),
            "Move the keyboard focus to the previous panel")
        self.kernel_actions = window.kernel_editor.tool_actions()
        for action in self.kernel_actions:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        name_outside_controls(window)
        for area in _scroll_areas(window):  # Tab goes straight to the panel's controls
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._focus_at_launch = True
        window.installEventFilter(self)
        QApplication.instance().installEventFilter(self)  # Tab and Shift+Tab, see tab_order

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.KeyPress and watched is QApplication.focusWidget() \
                and self._handles_tab(watched, event):
            forward = event.key() == Qt.Key.Key_Tab
            self.move_focus(watched, forward)
            return True
        if watched is self._window and kind == QEvent.Type.WindowActivate \
                and self._focus_at_launch:
            # The first time the window is active the focus starts on the lesson tab bar (the
            # first stop of the tab order), where the focus ring shows it; Qt would pick the
            # first dock's scroll area or the image view, with no visible mark.
            self._focus_at_launch = False
            self._window.tabs.bar.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        return super().eventFilter(watched, event)

    def _handles_tab(self, widget: QObject, event: QEvent) -> bool:
        """Whether this Tab / Shift+Tab is ours to handle: plain (no Ctrl, Alt or Meta), in
        this window, on a widget that does not use Tab itself (a text editor that types tabs,
        an item view that moves between its cells with Tab, a cell editor)."""
        if event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return False
        other = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | \
            Qt.KeyboardModifier.MetaModifier
        if event.modifiers() & other or not isinstance(widget, QWidget) \
                or widget.window() is not self._window:
            return False
        if isinstance(widget, QTextEdit | QPlainTextEdit) and not widget.tabChangesFocus():
            return False
        if isinstance(widget, QAbstractItemView) and widget.tabKeyNavigation():
            return False
        parent = widget.parentWidget()
        view = parent.parentWidget() if parent is not None else None
        return not (isinstance(view, QAbstractItemView) and parent is view.viewport())

    def tab_order(self) -> list[QWidget]:
        """Every widget Tab can stop at, in order: the lesson tab bar, the lesson page's
        controls, then each dock's (Kernel, Parameters, Shape, Presets, Frequency; the tab bar
        of docks sharing a place before the first of them), then the rest of the window (the
        status bar); within each, Qt's order. A dock that is a tab behind another is skipped:
        its tab (arrow keys on the docks' tab bar) or F6 brings it forward."""
        window = self._window
        docks = self.docks()
        roots: list[QWidget] = [window.tabs, *docks]
        groups: list[list[QWidget]] = [[] for _ in roots]
        rest: list[QWidget] = []
        bar = window.tabs.bar
        titles = {dock.windowTitle(): i for i, dock in enumerate(docks, start=1)}
        for widget in _focus_chain(window):
            if widget is bar:
                continue
            if isinstance(widget, QTabBar) and widget.parentWidget() is window:
                # the tabs of docks sharing a place: just before the first of those docks,
                # as a tab widget's bar comes before its page
                listed = [titles[t] for t in map(widget.tabText, range(widget.count()))
                          if t in titles]
                if listed:
                    groups[min(listed)].insert(0, widget)
                    continue
            for root, group in zip(roots, groups, strict=True):
                if root.isAncestorOf(widget):
                    group.append(widget)
                    break
            else:
                rest.append(widget)
        return [bar, *(w for group in groups for w in group), *rest]

    def move_focus(self, current: QWidget, forward: bool) -> QWidget | None:
        """Give the focus to the widget after (before) ``current`` in :meth:`tab_order` that
        can take it now (shown, enabled, accepting Tab focus, not in a dock that is a tab
        behind another); the widget, or None if there is none."""
        order = self.tab_order()
        anchor = current
        while anchor is not None and anchor not in order:  # a compound's inner part
            anchor = anchor.parentWidget()
        start = order.index(anchor) if anchor is not None else -1
        step = 1 if forward else -1
        for i in range(1, len(order) + 1):
            candidate = order[(start + step * i) % len(order)]
            if _focusable(candidate) and not _behind_a_tab(candidate):
                reason = Qt.FocusReason.TabFocusReason if forward else \
                    Qt.FocusReason.BacktabFocusReason
                candidate.setFocus(reason)
                reveal(candidate)
                return candidate
        return None

    def _window_action(self, text: str, keys: str, slot, tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def view_actions(self) -> list[QAction]:
        """F6 and Shift+F6, for the View menu."""
        return [self.next_panel_action, self.previous_panel_action]

    def kernel_menu(self, parent: QWidget | None = None) -> QMenu:
        """A *Kernel tools* menu of the kernel tools, for the Edit menu."""
        menu = QMenu("Kernel &tools", parent or self._window)
        menu.setToolTipsVisible(True)
        for action in self.kernel_actions:
            menu.addAction(action)
        return menu

    # -------------------------------------------------------------------------------- regions

    def docks(self) -> list[QDockWidget]:
        """The docks in the panels' order (Kernel, Parameters, Shape, Presets, Frequency)."""
        layout = self._window.dock_layout
        return [layout.docks[panel.key] for panel in layout.panels]

    def regions(self) -> list[QWidget]:
        """What F6 visits, in order: the lesson area (its tab bar and page), then each dock
        that is open (shown, possibly a tab behind another)."""
        return [self._window.tabs, *(d for d in self.docks() if not d.isHidden())]

    def current_region(self) -> int | None:
        """The index in :meth:`regions` of the region holding the focus (the lesson tab bar
        belongs to the lesson area), None if none does."""
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        if focus is self._window.tabs.bar:
            return 0
        for i, region in enumerate(self.regions()):
            if region is focus or region.isAncestorOf(focus):
                return i
        return None

    def cycle(self, step: int) -> QWidget | None:
        """Move the focus ``step`` regions on (wrapping; from outside every region, to the
        first or the last); the widget that got it."""
        regions = self.regions()
        here = self.current_region()
        if here is None:
            index = 0 if step > 0 else len(regions) - 1
        else:
            index = (here + step) % len(regions)
        return self.focus_region(regions[index])

    def focus_region(self, region: QWidget) -> QWidget | None:
        """Give the focus to ``region``'s first control (raising a dock that is a tab behind
        another); for the lesson area, the page's first control or else the tab bar."""
        if isinstance(region, QDockWidget):
            region.raise_()
            region.show()
        QApplication.processEvents()  # a raised dock becomes visible, then can take focus
        if region is self._window.tabs:
            target = first_focusable(self._window.tabs.currentWidget()) or self._window.tabs.bar
        else:
            target = first_focusable(region)
        if target is not None:
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
            reveal(target)
        return target

def _focus_chain(window: QWidget) -> list[QWidget]:
    """Every widget of ``window`` that can take the focus itself (not through a proxy), in the
    order of its focus chain."""
    found, w = [], window.nextInFocusChain()
    while w is not window and w is not None:
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.focusProxy() is None \
                and w.window() is window:
            found.append(w)
        w = w.nextInFocusChain()
    return found


def _behind_a_tab(widget: QWidget) -> bool:
    """Whether ``widget`` is in a dock that is a tab behind another (Qt keeps such a dock
    "visible", out of sight)."""
    w: QWidget | None = widget
    while w is not None:
        if isinstance(w, QDockWidget) and w.visibleRegion().isEmpty():
            return True
        w = w.parentWidget()
    return False


def install_keyboard(window: MainWindow) -> Keyboard:
    """Give ``window`` its focus ring, tab order, F6 panel cycling, window-wide kernel-tool
    shortcuts and the accessible names its panels lack (see the module's docstring)."""
    return Keyboard(window)


# --------------------------------------------------------------------------- naming from outside

def _name(widget: QWidget, name: str, whats_this: str = "", tip: str = "") -> None:
    if not widget.accessibleName():
        widget.setAccessibleName(name)
    if whats_this and not widget.whatsThis():
        widget.setWhatsThis(whats_this)
    if tip and not widget.toolTip():
        widget.setToolTip(tip)


def name_outside_controls(window: MainWindow) -> None:
    """Accessible names, tooltips and What's This on the controls of the panels that do not
    name them: the image views, the presets panel (found by their roles: its search field,
    its list, its details area) and the scroll areas the docks wrap panels in."""
    views = window.views
    for view, name, what in (
        (getattr(views, "before", None), "Input image",
         "The input image. Scroll to zoom, drag to pan; the output view follows. Hover a "
         "pixel to read its value in the status bar."),
        (getattr(views, "after", None), "Output image",
         "The convolution's output, each pixel placed over its receptive field in the input. "
         "Hover a pixel for its exact value and its receptive field outlined on the input."),
    ):
        if view is not None:
            _name(view, name, what)
    presets = window.preset_panel
    for edit in presets.findChildren(QLineEdit):
        _name(edit, "Search presets",
              "Type words to keep only the presets whose name, tags or description match; "
              "Ctrl+F jumps here from anywhere in the panel.")
        break
    for view in presets.findChildren(QListView):
        _name(view, "Presets",
              "The built-in and your own presets. Enter or a double click applies the "
              "selected one as one undoable step.")
    for area in presets.findChildren(QScrollArea):
        _name(area, "Preset details")
    for area in _scroll_areas(window):
        content = area.widget()
        label = type(content).__name__ if content is not None else "panel"
        dock = _dock_of(area)
        _name(area, f"{dock.windowTitle() if dock else label} panel")


def _dock_of(widget: QWidget) -> QDockWidget | None:
    w = widget.parentWidget()
    while w is not None and not isinstance(w, QDockWidget):
        w = w.parentWidget()
    return w


def _scroll_areas(window: QMainWindow) -> Iterable[QScrollArea]:
    """The scroll areas the docks wrap panels in (their direct widget)."""
    for dock in window.findChildren(QDockWidget):
        if isinstance(dock.widget(), QScrollArea):
            yield dock.widget()
