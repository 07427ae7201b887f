"""Walks a shown window and lists what a person could not read or reach.

*Unnamed control*: an interactive control a screen reader announces with no name
(:func:`unnamed_controls`); *mnemonic clash*: two Alt+letter mnemonics in one panel or menu
(:func:`mnemonic_clashes`, :func:`menu_mnemonic_clashes`).

*Cut text*: a label, button, check box, radio button, combo box, group box title or tab whose
text needs more width than it has (font metrics against the widget's own text area).
*Hidden control*: an enabled, visible control of which less than 90 % can be seen because an
ancestor or the window's edge clips it. Inside a scroll area that scrolls vertically, the
vertical overflow is not hidden (scrolling, or Tab, brings it into view); any horizontal
clipping is.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QRadioButton,
    QScrollBar,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractSlider, QTabBar,
            QAbstractItemView)
MIN_VISIBLE = 0.9


def _name(widget: QWidget) -> str:
    text = ""
    for attr in ("text", "title", "currentText"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            try:
                text = getter()
            except TypeError:
                continue
            if isinstance(text, str) and text:
                break
    chain, w = [], widget
    while w is not None and len(chain) < 4:
        chain.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return f"{type(widget).__name__} {text[:40]!r} in {'/'.join(reversed(chain))}"


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Shown in ``window``, and not in a dock that is a tab behind another (Qt keeps those
    "visible" and moves them out of sight)."""
    if not (widget.isVisible() and widget.window() is window and widget.width() > 0):
        return False
    w = widget
    while w is not None and w is not window:
        if isinstance(w, QDockWidget) and w.visibleRegion().isEmpty():
            return False
        w = w.parentWidget()
    return True


def cut_texts(window: QWidget) -> list[str]:
    """Every shown text that needs more width than its widget gives it."""
    found = []
    for w in window.findChildren(QWidget):
        if not _shown(w, window) or isinstance(w, QScrollBar):
            continue
        fm = w.fontMetrics()
        if isinstance(w, QLabel):
            if w.wordWrap() or not w.text() or w.pixmap() is not None and not w.pixmap().isNull():
                continue
            if w.textFormat().name == "RichText" or "<" in w.text():
                need = w.sizeHint().width() - 2 * w.margin()
            else:
                shown = w.text()
                if w.buddy() is not None:  # a mnemonic's "&" is drawn as an underline
                    shown = shown.replace("&&", "\0").replace("&", "").replace("\0", "&")
                need = max(fm.horizontalAdvance(line) for line in shown.split("\n"))
            have = w.contentsRect().width() - 2 * w.margin() - 2 * w.indent() * (w.indent() > 0)
            if need > have + 1:
                found.append(f"{_name(w)}: needs {need} px, has {have}")
        elif isinstance(w, (QCheckBox, QRadioButton, QAbstractButton)):
            if w.text() and w.sizeHint().width() > w.width() + 1:
                found.append(f"{_name(w)}: needs {w.sizeHint().width()} px, has {w.width()}")
        elif isinstance(w, QComboBox):
            if w.isEditable() or not w.currentText():
                continue
            option = QStyleOptionComboBox()
            w.initStyleOption(option)
            field = w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, w)
            need = fm.horizontalAdvance(w.currentText())
            if need > field.width() + 1:
                found.append(f"{_name(w)}: needs {need} px, has {field.width()}")
        elif isinstance(w, QGroupBox):
            need = fm.horizontalAdvance(w.title()) + 16
            if w.title() and need > w.width():
                found.append(f"{_name(w)}: title needs {need} px, has {w.width()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if not w.isTabVisible(i):
                    continue
                rect, need = w.tabRect(i), w.tabSizeHint(i).width()
                if rect.width() < need or not w.rect().contains(rect):
                    found.append(f"tab {w.tabText(i)!r} of {_name(w)}: needs {need} px, "
                                 f"has {rect.width()} at x={rect.x()} in {w.width()}")
    return found


def _visible_rect(widget: QWidget, window: QWidget) -> tuple[QRect, int, int]:
    """The part of ``widget`` (window coordinates) that ancestors let through, with the
    widget's full rect's width and height; vertical scrolling counts as not clipping."""
    top_left = widget.mapTo(window, widget.rect().topLeft())
    full = QRect(top_left, widget.size())
    visible = QRect(full)
    parent = widget.parentWidget()
    scrolls_vertically = False  # inside a viewport that scrolls: any vertical overflow is
    while parent is not None:   # reachable, whichever ancestor's edge it crosses
        clip = QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size())
        scroller = parent.parentWidget()
        if isinstance(scroller, QAbstractScrollArea) and parent is scroller.viewport() \
                and scroller.verticalScrollBarPolicy().name != "ScrollBarAlwaysOff":
            scrolls_vertically = True
        if scrolls_vertically:
            clip.setTop(-10**6)
            clip.setBottom(10**6)
        visible = visible.intersected(clip)
        if parent is window:
            break
        parent = parent.parentWidget()
    return visible, full.width(), full.height()


def hidden_controls(window: QWidget) -> list[str]:
    """Every enabled, shown control less than :data:`MIN_VISIBLE` of which can be seen."""
    found = []
    for w in window.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or isinstance(w, QScrollBar):
            continue
        if not _shown(w, window) or not w.isEnabled() or w.height() <= 0:
            continue
        if isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # a spin box's or combo box's own line edit
        visible, width, height = _visible_rect(w, window)
        shown = max(visible.width(), 0) * max(visible.height(), 0) / (width * height)
        if shown < MIN_VISIBLE:
            found.append(f"{_name(w)}: {shown:.0%} visible")
    return found


# ------------------------------------------------------------------------------ accessibility

def _mnemonic(text: str) -> str:
    """The letter after a single "&" in ``text`` (lower case), or ""."""
    i = 0
    while (i := text.find("&", i)) >= 0 and i + 1 < len(text):
        if text[i + 1] != "&":
            return text[i + 1].lower()
        i += 2
    return ""


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces as the widget's name (Qt's accessibility API)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def interactive_controls(window: QWidget) -> list[QWidget]:
    """The shown controls a person can operate: :data:`CONTROLS` except scroll bars, the
    header views and corner buttons of tables (a screen reader reaches those as the table's
    header cells) and the line edits inside spin boxes and combo boxes."""
    found = []
    for w in window.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or isinstance(w, QScrollBar | QHeaderView):
            continue
        if w.objectName() == "qt_tableview_cornerbutton" or not _shown(w, window):
            continue
        if isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
            continue
        found.append(w)
    return found


def unnamed_controls(window: QWidget) -> list[str]:
    """Every shown interactive control whose accessible Name is empty."""
    return [_name(w) for w in interactive_controls(window) if not accessible_name(w).strip()]


def _panel_of(widget: QWidget, window: QWidget) -> QWidget:
    """The dock holding ``widget``, else the window."""
    w = widget.parentWidget()
    while w is not None and w is not window and not isinstance(w, QDockWidget):
        w = w.parentWidget()
    return w if w is not None else window


def mnemonic_clashes(window: QWidget, reserved: str = "fevh") -> list[str]:
    """Alt+letter mnemonics of shown labels (with a buddy) and buttons that another control of
    the same panel (a dock, or the rest of the window) also uses, or that a menu of the menu
    bar (``reserved``) uses."""
    used: dict[tuple[int, str], str] = {}
    found = []
    for w in window.findChildren(QWidget):
        if not (isinstance(w, QLabel) and w.buddy() is not None
                or isinstance(w, QAbstractButton)) or not _shown(w, window):
            continue
        letter = _mnemonic(w.text())
        if not letter:
            continue
        key = (id(_panel_of(w, window)), letter)
        if letter in reserved:
            found.append(f"{_name(w)}: Alt+{letter.upper()} opens a menu")
        elif key in used:
            found.append(f"{_name(w)}: Alt+{letter.upper()} also {used[key]}")
        else:
            used[key] = _name(w)
    return found


def menu_mnemonic_clashes(menu: QMenu | QMenuBar) -> list[str]:
    """Menu items (in ``menu`` and its submenus) sharing a mnemonic with another item of
    the same menu."""
    found, seen = [], {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        letter = _mnemonic(action.text())
        if letter:
            if letter in seen:
                found.append(f"{action.text()!r} and {seen[letter]!r}: Alt+{letter.upper()} "
                             f"in {menu.title() if isinstance(menu, QMenu) else 'menu bar'}")
            seen[letter] = action.text()
        if action.menu() is not None:
            found += menu_mnemonic_clashes(action.menu())
    return found
