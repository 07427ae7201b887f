"""The step-through panel's arithmetic: the current sum written out, in a monospaced font, in an
area that grows with its text only so far and then scrolls, so the grids keep the room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

__all__ = ["ArithmeticArea"]

FONT_SCALE = 1.5  # the sum's font, times the panel's
MOST_LINES = 8
MOST_SHARE = 5  # at most a fifth of the owner's height


class ArithmeticArea(QScrollArea):
    """``label`` (selectable text) in a frameless scroll area as tall as its text, at most
    :data:`MOST_LINES` lines or a fifth of ``owner``'s height (at least two lines); the owner
    calls :meth:`fit` when its height changes and :meth:`set_base_font` with its font."""

    def __init__(self, owner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._owner = owner
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self.label)  # a big kernel's sum scrolls instead of growing
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.fit()

    def text(self) -> str:
        return self.label.text()

    def set_base_font(self, font: QFont) -> None:
        """The system's fixed-width font at :data:`FONT_SCALE` times ``font``'s size."""
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(QFontInfo(font).pointSizeF() * FONT_SCALE)
        self.label.setFont(mono)
        self.fit()

    def fit(self) -> None:
        """Take the height the text needs, within the limits (see the class)."""
        line = QFontMetrics(self.label.font()).lineSpacing()
        width = max(200, self.viewport().width())
        needed = self.label.heightForWidth(width) if self.label.text() else line
        most = max(2 * line, min(MOST_LINES * line, self._owner.height() // MOST_SHARE))
        self.setFixedHeight(min(max(needed, line), most) + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit()
