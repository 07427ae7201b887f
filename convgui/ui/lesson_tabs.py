"""The window's central pages (Playground, Step through, …) and the tab bar that picks one.

The tab bar is separate from the pages so the window can place it across its whole width,
above the side panels: at 1024 px in presentation mode the central area alone is too narrow for
every tab title, and a tab bar with scroll arrows hides lessons from the teacher.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QTabBar, QWidget

from convgui.lessons import tab_key


class LessonTabs(QStackedWidget):
    """A stack of pages with a :class:`QTabBar` (``bar``) kept in step with it.

    Offers the part of :class:`QTabWidget`'s API the window uses (``addTab``, ``tabText``,
    ``setTabToolTip``, ``setCurrentIndex``, ``count``, ``currentChanged``), so either the bar or
    the stack may be changed and the other follows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QTabBar()
        self.bar.setObjectName("lesson_tabs")
        self.bar.setAccessibleName("Lessons")
        self.bar.setWhatsThis(
            "The lessons: Playground (any kernel on any image), Step through (the arithmetic "
            "cell by cell), Filter bank, Channels, Layer, Transposed and Quiz. Left and right "
            "arrow keys switch lessons when this bar has the focus; F1 opens the guide at the "
            "lesson shown, F6 moves to the next panel.")
        self.bar.setDocumentMode(True)
        self.bar.setExpanding(False)
        self.bar.setUsesScrollButtons(False)
        self.bar.setElideMode(Qt.TextElideMode.ElideNone)
        self.bar.currentChanged.connect(self._bar_changed)
        self.currentChanged.connect(self._stack_changed)

    def addTab(self, page: QWidget, title: str) -> int:  # noqa: N802 - QTabWidget's name
        """Add ``page`` with the tab ``title``; its index."""
        index = self.addWidget(page)
        self.bar.addTab(title)
        return index

    def tabText(self, index: int) -> str:  # noqa: N802 - QTabWidget's name
        return self.bar.tabText(index)

    def setTabToolTip(self, index: int, tip: str) -> None:  # noqa: N802 - QTabWidget's name
        self.bar.setTabToolTip(index, tip)

    def titles(self) -> list[str]:
        """Every tab's title, in order."""
        return [self.bar.tabText(i) for i in range(self.bar.count())]

    def index_of_title(self, title: str) -> int:
        """The index of the tab called ``title`` (case, spaces, hyphens and underscores
        ignored: "step-through" finds "Step through"), or -1."""
        wanted = tab_key(title)
        keys = [tab_key(t) for t in self.titles()]
        return keys.index(wanted) if wanted in keys else -1

    def _bar_changed(self, index: int) -> None:
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)

    def _stack_changed(self, index: int) -> None:
        if self.bar.currentIndex() != index:
            self.bar.setCurrentIndex(index)
