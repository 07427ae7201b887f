"""Walks a shown window and lists what a person could not read or reach.

*Cut text*: a label, button, check box, radio button, combo box, group box title or tab whose
text needs more width than it has (font metrics against the widget's own text area).
*Hidden control*: an enabled, visible control of which less than 90 % can be seen because an
ancestor or the window's edge clips it. Inside a scroll area that scrolls vertically, the
vertical overflow is not hidden (scrolling, or Tab, brings it into view); any horizontal
clipping is.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
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
    QLabel,
    QLineEdit,
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
                need = max(fm.horizontalAdvance(line) for line in w.text().split("\n"))
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
